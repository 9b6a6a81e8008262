package dev.zkinfer.circuit;

/**
 * How the public input and output relate to real numbers: a real input x is quantized to
 * clamp(round(x / inputScale), inputMin, inputMax) (round half up, the rule of
 * {@code QuantizedModel.quantizeInput}), and an output integer v stands for v · outputScale.
 * Part of the verifying key so a verifier can check a proof against a real-valued input and
 * print a real-valued output.
 * Immutable and thread-safe.
 */
public record IoScales(double inputScale, int inputMin, int inputMax, double outputScale) {
    public long quantize(double x) {
        return Math.min(Math.max(Math.round(x / inputScale), inputMin), inputMax);
    }

    /**
     * Checks quantized input values against [inputMin, inputMax], the domain the circuit's range
     * analysis (the requantizations' input bounds) assumes.
     *
     * @throws IllegalArgumentException naming the first value outside it and its position
     */
    public void checkInput(long[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < inputMin || values[i] > inputMax) {
                throw new IllegalArgumentException("input value " + values[i] + " at position " + i
                        + " is outside the model's input range [" + inputMin + ", " + inputMax + "]");
            }
        }
    }
}

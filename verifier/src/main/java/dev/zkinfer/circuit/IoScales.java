package dev.zkinfer.circuit;

import java.util.List;

/**
 * How the public inputs and outputs relate to real numbers, one entry per circuit input and
 * output, in the circuit's order: a real value x of input i is quantized to
 * clamp(round(x / scale), min, max) (round half up, the rule of
 * {@code QuantizedModel.quantizeInput}), and an integer v of output j stands for v · scale_j.
 * Part of the verifying key so a verifier can check a proof against real-valued inputs and print
 * real-valued outputs. The single-input and single-output accessors ({@link #inputScale()},
 * {@link #outputScale()}, ...) are for models with exactly one of each and throw otherwise.
 * Immutable and thread-safe.
 */
public record IoScales(List<InputDomain> inputs, List<Double> outputScales) {
    /** One input's quantization: its scale and the integer range [min, max] the circuit assumes. */
    public record InputDomain(double scale, int min, int max) {
        public long quantize(double x) {
            return Math.min(Math.max(Math.round(x / scale), min), max);
        }

        /**
         * Checks quantized input values against [min, max], the domain the circuit's range
         * analysis (the requantizations' input bounds) assumes.
         *
         * @throws IllegalArgumentException naming the first value outside it and its position
         */
        public void check(long[] values) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] < min || values[i] > max) {
                    throw new IllegalArgumentException("input value " + values[i] + " at position " + i
                            + " is outside the model's input range [" + min + ", " + max + "]");
                }
            }
        }
    }

    public IoScales {
        inputs = List.copyOf(inputs);
        outputScales = List.copyOf(outputScales);
    }

    /** The scales of a model with one input and one output. */
    public IoScales(double inputScale, int inputMin, int inputMax, double outputScale) {
        this(List.of(new InputDomain(inputScale, inputMin, inputMax)), List.of(outputScale));
    }

    public InputDomain input(int i) {
        return inputs.get(i);
    }

    public double outputScale(int j) {
        return outputScales.get(j);
    }

    private InputDomain single() {
        if (inputs.size() != 1) {
            throw new IllegalStateException("the model has " + inputs.size() + " inputs; use inputs()");
        }
        return inputs.get(0);
    }

    /** The only input's scale. */
    public double inputScale() {
        return single().scale();
    }

    public int inputMin() {
        return single().min();
    }

    public int inputMax() {
        return single().max();
    }

    /** The only output's scale. */
    public double outputScale() {
        if (outputScales.size() != 1) {
            throw new IllegalStateException("the model has " + outputScales.size() + " outputs; use outputScales()");
        }
        return outputScales.get(0);
    }

    /** {@link InputDomain#quantize} for the only input. */
    public long quantize(double x) {
        return single().quantize(x);
    }

    /** {@link InputDomain#check} for the only input. */
    public void checkInput(long[] values) {
        single().check(values);
    }
}

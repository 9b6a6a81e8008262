package dev.zkinfer.circuit;

/**
 * A public output whose last axis the circuit holds in residue order rather than the model's: the
 * model's element i of that axis ({@code elements} of them) is the circuit's element
 * (i mod b1)·b2 + i mod b2 of {@code b1·b2}, b1 and b2 coprime (so, by the Chinese remainder
 * theorem, distinct elements sit at distinct positions; the positions no element names hold what
 * the circuit computes there, 0 for a tied LM head, and are not part of the model's output).
 *
 * <p>Why (issue 15): a tied LM head over a large vocabulary multiplies by the token embedding's
 * table with its rows permuted to the residue pairs of the ids (the quantized-nn module's run-time
 * Gather lowering), so its logits come out in residue order. Proving the Gather that puts them back
 * into vocabulary order cost a sumcheck over two eq tables of the padded vocabulary (GPT-2 small:
 * 11.6 ms of its verification). Instead the proof's public output is the head's output as the
 * circuit computes it, the verifier checks the proof against those values as written (their MLE at
 * the output point), and the permutation, a public function that the key fixes, is applied outside
 * the proof to present the model's output ({@link VerifyingKey#modelOutput}). The statement proved
 * is "the model's output is {@link #toModel}(R) for the public R", exactly the model's output with the
 * Gather: a proof of other values R' presents other logits.
 *
 * <p>Key format: u32 elements, u32 b1, u32 b2 ({@link VerifyingKey}).
 */
public record ResidueOrder(int elements, int b1, int b2) {
    /** The largest b1·b2 (a last axis of a circuit tensor). */
    static final int MAX_WIDTH = 1 << 28;

    public ResidueOrder {
        if (b1 < 1 || b2 < 1 || (long) b1 * b2 > MAX_WIDTH || gcd(b1, b2) != 1) {
            throw new IllegalArgumentException("residue moduli " + b1 + " and " + b2 + " are not two coprime moduli of a product up to 2^28");
        }
        if (elements < 1 || elements > b1 * b2) {
            throw new IllegalArgumentException(elements + " elements do not fit residue order modulo " + b1 + "·" + b2);
        }
    }

    /** b1·b2: the circuit's last axis. */
    public int width() {
        return b1 * b2;
    }

    /** The circuit's position (in its last axis) of the model's element {@code i} of that axis. */
    public int position(int i) {
        return (i % b1) * b2 + i % b2;
    }

    /**
     * The model's values from the circuit's ({@code values} a whole number of last axes of
     * {@link #width} elements): each axis's {@link #elements} values, in the model's order.
     *
     * @throws IllegalArgumentException when {@code values} is not a whole number of axes
     */
    public long[] toModel(long[] values) {
        int w = width();
        if (values.length % w != 0) {
            throw new IllegalArgumentException(values.length + " values are not a whole number of axes of " + w);
        }
        int groups = values.length / w;
        long[] out = new long[groups * elements];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < elements; i++) {
                out[g * elements + i] = values[g * w + position(i)];
            }
        }
        return out;
    }

    /**
     * The circuit's values from the model's ({@code values} a whole number of axes of
     * {@link #elements}): each at its position, zeros where no element sits.
     *
     * @throws IllegalArgumentException when {@code values} is not a whole number of axes
     */
    public long[] toCircuit(long[] values) {
        if (values.length % elements != 0) {
            throw new IllegalArgumentException(values.length + " values are not a whole number of axes of " + elements);
        }
        int w = width();
        int groups = values.length / elements;
        long[] out = new long[groups * w];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < elements; i++) {
                out[g * w + position(i)] = values[g * elements + i];
            }
        }
        return out;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}

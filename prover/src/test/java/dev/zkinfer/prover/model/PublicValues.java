package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The public inputs and outputs at the head of a proof, where {@link ProofProtocol} puts them (after
 * the header, per part a u32 tensor count, per tensor a u32 length and its values as
 * {@link ProofWriter#signedValues} writes them), for tests that read or change them: a changed
 * value is encoded again at the width the tensor then needs, so the proof stays well-formed and
 * only its statement changes.
 */
final class PublicValues {
    private PublicValues() {}

    /** One tensor's values: where its width byte sits, where its values start and end, and the values (signed). */
    record Tensor(int widthAt, int valuesAt, int end, long[] values) {
        int width() {
            return (end - valuesAt) / Math.max(1, values.length);
        }
    }

    static List<Tensor> inputs(byte[] proof) {
        return parse(proof).inputs();
    }

    static List<Tensor> outputs(byte[] proof) {
        return parse(proof).outputs();
    }

    /** The one public input of a one-input model. */
    static Tensor input(byte[] proof) {
        return single(inputs(proof));
    }

    /** The one public output of a one-output model. */
    static Tensor output(byte[] proof) {
        return single(outputs(proof));
    }

    private static Tensor single(List<Tensor> tensors) {
        if (tensors.size() != 1) {
            throw new IllegalArgumentException(tensors.size() + " tensors");
        }
        return tensors.get(0);
    }

    /** The first byte after the public values. */
    static int end(byte[] proof) {
        return parse(proof).end();
    }

    /** The proof with value i of the tensor changed to the signed value v (the tensor encoded again). */
    static byte[] withValue(byte[] proof, Tensor t, int i, long v) {
        long[] values = t.values().clone();
        values[i] = v;
        return withValues(proof, t, values);
    }

    /** The proof with value i of the tensor changed by delta. */
    static byte[] withValueChanged(byte[] proof, Tensor t, int i, long delta) {
        return withValue(proof, t, i, t.values()[i] + delta);
    }

    /** The proof with the tensor's values replaced (signed, as many as it holds). */
    static byte[] withValues(byte[] proof, Tensor t, long[] signed) {
        if (signed.length != t.values().length) {
            throw new IllegalArgumentException("a tensor of " + t.values().length + " values");
        }
        byte[] encoded = new ProofWriter().signedValues(Arrays.stream(signed).map(Goldilocks::fromSigned).toArray()).toByteArray();
        byte[] out = new byte[proof.length - (t.end() - t.widthAt()) + encoded.length];
        System.arraycopy(proof, 0, out, 0, t.widthAt());
        System.arraycopy(encoded, 0, out, t.widthAt(), encoded.length);
        System.arraycopy(proof, t.end(), out, t.widthAt() + encoded.length, proof.length - t.end());
        return out;
    }

    private record Parsed(List<Tensor> inputs, List<Tensor> outputs, int end) {}

    private static Parsed parse(byte[] proof) {
        try {
            ProofReader in = new ProofReader(proof);
            in.bytes("header", ProofProtocol.HEADER_BYTES);
            List<List<Tensor>> parts = new ArrayList<>();
            for (int part = 0; part < 2; part++) {
                int count = in.u32("count");
                List<Tensor> tensors = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    int n = in.u32("length");
                    int widthAt = in.position();
                    long[] values = in.signedValues("values", n);
                    tensors.add(new Tensor(widthAt, widthAt + 1, in.position(), Arrays.stream(values).map(Goldilocks::toSigned).toArray()));
                }
                parts.add(tensors);
            }
            return new Parsed(parts.get(0), parts.get(1), in.position());
        } catch (MalformedProofException e) {
            throw new IllegalArgumentException("not a proof's public values: " + e.getMessage(), e);
        }
    }
}

package dev.zkinfer.encoding;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.Arrays;

/**
 * Writes the little-endian encoding read by {@link ProofReader}.
 * Not thread-safe: a writer accumulates bytes; use one per thread.
 */
public final class ProofWriter {
    private byte[] buf = new byte[256];
    private int size;

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    public ProofWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ProofWriter u32(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ProofWriter u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ProofWriter bases(long[] values) {
        return bases(values, 0, values.length);
    }

    public ProofWriter bases(long[] values, int from, int count) {
        ensure(8 * count);
        for (int i = from; i < from + count; i++) {
            u64(values[i]);
        }
        return this;
    }

    /**
     * Field elements that stand for signed integers (public inputs and outputs: quantized values)
     * in the format {@link ProofReader#signedValues} reads: u8 width w, the least of 1, 2, 4 and 8
     * that holds every value's signed form ({@link Goldilocks#toSigned}), then each value in w bytes,
     * two's complement, little-endian (w = 8: the field element itself, as {@link #bases} writes it).
     */
    public ProofWriter signedValues(long[] values) {
        int w = SignedWidth.of(values);
        u8(w);
        if (w == 8) {
            return bases(values);
        }
        ensure(w * values.length);
        for (long v : values) {
            long s = Goldilocks.toSigned(v);
            for (int i = 0; i < w; i++) {
                buf[size++] = (byte) (s >>> (8 * i));
            }
        }
        return this;
    }

    public ProofWriter ext(Ext3 v) {
        return u64(v.c0).u64(v.c1).u64(v.c2);
    }

    public ProofWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}

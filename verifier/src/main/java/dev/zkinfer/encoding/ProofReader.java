package dev.zkinfer.encoding;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/**
 * Reads a little-endian proof encoding from attacker-controlled bytes. Every read checks that
 * the bytes are there; every length is checked against a caller-supplied bound before
 * anything is allocated; every field element must be canonical. Failures throw
 * {@link MalformedProofException} with a reason naming what was being read.
 * Not thread-safe: a reader holds a read position; use one per thread.
 */
public final class ProofReader {
    private final byte[] data;
    private int pos;

    public ProofReader(byte[] data) {
        this.data = data;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return data.length - pos;
    }

    private void need(int n, String what) throws MalformedProofException {
        if (n < 0 || n > data.length - pos) {
            throw new MalformedProofException("truncated at byte " + pos + " while reading " + what);
        }
    }

    public int u8(String what) throws MalformedProofException {
        need(1, what);
        return data[pos++] & 0xFF;
    }

    public int u32(String what) throws MalformedProofException {
        need(4, what);
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16
                | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    public long u64(String what) throws MalformedProofException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (data[pos + i] & 0xFFL) << (8 * i);
        }
        pos += 8;
        return v;
    }

    /** A u32 length in [min, max]. */
    public int length(String what, int min, int max) throws MalformedProofException {
        int n = u32(what);
        if (n < min || n > max) {
            throw new MalformedProofException(what + " is " + Integer.toUnsignedString(n)
                    + ", outside the allowed range [" + min + ", " + max + "]");
        }
        return n;
    }

    /** Expects exactly this u32 value. */
    public void expect(String what, int expected) throws MalformedProofException {
        int v = u32(what);
        if (v != expected) {
            throw new MalformedProofException(what + " is " + Integer.toUnsignedString(v) + ", expected " + expected);
        }
    }

    public long base(String what) throws MalformedProofException {
        long v = u64(what);
        if (!Goldilocks.isCanonical(v)) {
            throw new MalformedProofException("non-canonical field element in " + what);
        }
        return v;
    }

    public long[] bases(String what, int count) throws MalformedProofException {
        need(8 * count, what);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = base(what);
        }
        return out;
    }

    /**
     * {@code count} field elements written by {@link ProofWriter#signedValues}: u8 width w (1, 2, 4
     * or 8), then the values. Exactly one encoding is accepted: w must be the least width that
     * holds the values, and w = 8 values must be canonical field elements.
     */
    public long[] signedValues(String what, int count) throws MalformedProofException {
        int w = u8(what + " width");
        if (w != 1 && w != 2 && w != 4 && w != 8) {
            throw new MalformedProofException(what + " width is " + w + ", expected 1, 2, 4 or 8");
        }
        long[] out;
        if (w == 8) {
            out = bases(what, count);
        } else {
            need(w * count, what);
            out = new long[count];
            int shift = 64 - 8 * w;
            for (int i = 0; i < count; i++) {
                long v = 0;
                for (int b = 0; b < w; b++) {
                    v |= (data[pos + b] & 0xFFL) << (8 * b);
                }
                pos += w;
                out[i] = Goldilocks.fromSigned((v << shift) >> shift);
            }
        }
        if (SignedWidth.of(out) != w) {
            throw new MalformedProofException(what + " are not in their shortest encoding (width " + w + ")");
        }
        return out;
    }

    public Ext3 ext(String what) throws MalformedProofException {
        return new Ext3(base(what), base(what), base(what));
    }

    /** {@code count} extension elements in array form. */
    public long[] exts(String what, int count) throws MalformedProofException {
        return bases(what, 3 * count);
    }

    public byte[] bytes(String what, int count) throws MalformedProofException {
        need(count, what);
        byte[] out = new byte[count];
        System.arraycopy(data, pos, out, 0, count);
        pos += count;
        return out;
    }

    /** Fails unless every byte was consumed. */
    public void finish() throws MalformedProofException {
        if (pos != data.length) {
            throw new MalformedProofException((data.length - pos) + " unexpected trailing bytes");
        }
    }
}

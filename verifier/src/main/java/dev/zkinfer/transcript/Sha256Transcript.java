package dev.zkinfer.transcript;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 duplex transcript.
 *
 * <p>State s is 32 bytes. {@code absorb(label, m)}: s ← H(0x01 ‖ s ‖ u32(|label|) ‖ label ‖
 * u64(|m|) ‖ m). A challenge: s ← H(0x02 ‖ s ‖ u32(|label|) ‖ label), then output blocks
 * H(0x03 ‖ s ‖ u32(counter)) for counter = 0, 1, ... as needed. Integers are little-endian.
 * The initial state is H("zkinfer/transcript/v1" ‖ u32(|tag|) ‖ tag) for the protocol tag.
 *
 * <p>Not thread-safe: one transcript per proof.
 */
public final class Sha256Transcript implements Transcript {
    private static final byte ABSORB = 1;
    private static final byte SQUEEZE = 2;
    private static final byte OUTPUT = 3;

    private final MessageDigest sha;
    private byte[] state;
    /**
     * The message being hashed, gathered here and passed to the digest in large pieces: one
     * {@code MessageDigest.update} per field or per byte cost more than the hashing itself in a
     * cold JVM (interpreted, then C1-compiled without the SHA intrinsic). The bytes hashed are
     * exactly those the class comment specifies.
     */
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int len;
    private static final int BUFFER_BYTES = 4096;

    public Sha256Transcript(String protocolTag) {
        sha = newSha256();
        putBytes("zkinfer/transcript/v1".getBytes(StandardCharsets.US_ASCII));
        putLabel(protocolTag);
        state = digest();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    /** Makes room for n more bytes in the buffer (n ≤ its size), passing what it holds to the digest. */
    private void room(int n) {
        if (len + n > buf.length) {
            sha.update(buf, 0, len);
            len = 0;
        }
    }

    private void put(byte b) {
        room(1);
        buf[len++] = b;
    }

    private void putBytes(byte[] data) {
        if (data.length > buf.length - len) {
            sha.update(buf, 0, len);
            len = 0;
            if (data.length > buf.length) {
                sha.update(data);
                return;
            }
        }
        System.arraycopy(data, 0, buf, len, data.length);
        len += data.length;
    }

    /** u32(|label|) ‖ label in UTF-8 (written directly when the label is ASCII, as every protocol label is). */
    private void putLabel(String label) {
        int n = label.length();
        boolean ascii = n <= buf.length - 4;
        for (int i = 0; i < n && ascii; i++) {
            ascii = label.charAt(i) < 0x80;
        }
        if (!ascii) {
            byte[] l = label.getBytes(StandardCharsets.UTF_8);
            putU32(l.length);
            putBytes(l);
            return;
        }
        putU32(n);
        room(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) label.charAt(i);
        }
    }

    private void putU32(int v) {
        room(4);
        buf[len] = (byte) v;
        buf[len + 1] = (byte) (v >>> 8);
        buf[len + 2] = (byte) (v >>> 16);
        buf[len + 3] = (byte) (v >>> 24);
        len += 4;
    }

    private void putU64(long v) {
        room(8);
        for (int i = 0; i < 8; i++) {
            buf[len + i] = (byte) (v >>> (8 * i));
        }
        len += 8;
    }

    /** The digest of everything put since the last one. */
    private byte[] digest() {
        sha.update(buf, 0, len);
        len = 0;
        return sha.digest();
    }

    private void beginAbsorb(String label, long byteLength) {
        put(ABSORB);
        putBytes(state);
        putLabel(label);
        putU64(byteLength);
    }

    @Override
    public void domain(String tag) {
        absorbBytes("domain", tag.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void absorbBytes(String label, byte[] data) {
        beginAbsorb(label, data.length);
        putBytes(data);
        state = digest();
    }

    @Override
    public void absorbLongs(String label, long[] values) {
        beginAbsorb(label, 8L * values.length);
        for (long v : values) {
            putU64(v);
        }
        state = digest();
    }

    @Override
    public void absorbExt(String label, Ext3 value) {
        beginAbsorb(label, 24);
        putU64(value.c0);
        putU64(value.c1);
        putU64(value.c2);
        state = digest();
    }

    @Override
    public void absorbExts(String label, long[] arrayForm, int from, int count) {
        beginAbsorb(label, 24L * count);
        for (int i = 3 * from, end = 3 * (from + count); i < end; i++) {
            putU64(arrayForm[i]);
        }
        state = digest();
    }

    /** A stream of challenge bytes bound to the current state. */
    private final class Squeeze {
        private int counter;
        private byte[] block = new byte[0];
        private int pos;

        Squeeze(String label) {
            put(SQUEEZE);
            putBytes(state);
            putLabel(label);
            state = digest();
        }

        long nextU64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (nextByte() & 0xFFL) << (8 * i);
            }
            return v;
        }

        int nextByte() {
            if (pos == block.length) {
                put(OUTPUT);
                putBytes(state);
                putU32(counter++);
                block = digest();
                pos = 0;
            }
            return block[pos++];
        }
    }

    private static long sampleBase(Squeeze s) {
        while (true) {
            long v = s.nextU64();
            if (Goldilocks.isCanonical(v)) {
                return v;
            }
        }
    }

    @Override
    public long challengeBase(String label) {
        return sampleBase(new Squeeze(label));
    }

    @Override
    public Ext3 challengeExt(String label) {
        Squeeze s = new Squeeze(label);
        return new Ext3(sampleBase(s), sampleBase(s), sampleBase(s));
    }

    @Override
    public int[] challengeIndices(String label, int count, int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("index bound must be positive: " + bound);
        }
        Squeeze s = new Squeeze(label);
        int bits = 64 - Long.numberOfLeadingZeros(bound - 1L);
        long mask = bits == 0 ? 0 : (1L << bits) - 1;
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            long v;
            do {
                v = s.nextU64() & mask;
            } while (v >= bound);
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public byte[] challengeBytes(String label, int count) {
        Squeeze s = new Squeeze(label);
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) s.nextByte();
        }
        return out;
    }

    /** The current 32-byte state (for tests and proof-of-work seeds). */
    public byte[] state() {
        return state.clone();
    }
}

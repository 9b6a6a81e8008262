package dev.zkinfer.prover.pcs;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * A cryptographically secure generator for a proof's masks: the 64-bit words of an AES-256-CTR
 * keystream under a key drawn once from a {@link SecureRandom}. Drawing the hundreds of thousands
 * of mask values a zero-knowledge proof needs from the platform's SecureRandom directly (a DRBG
 * that rehashes its state per request) costs a noticeable part of the proof; the keystream is as
 * unpredictable as the key (AES as a PRF), the construction the hiding WHIR's mask polynomial
 * already uses ({@link WhirProver}). Not thread-safe: one proof's thread.
 */
public final class KeystreamRandom implements RandomGenerator {
    /**
     * Keystream bytes per cipher call. The JDK's AES-CTR runs at full speed (its whole-buffer
     * AES-NI intrinsic, about 0.1 ms a MiB here) only once the calling method is compiled, which
     * takes thousands of calls: with 16 KiB calls a proof's keystream (hundreds of KiB) never got
     * there and ran at 2–20 ms a MiB; with 512-byte calls the intrinsic takes over after about
     * 5 MiB (a few proofs). CTR mode's output does not depend on how it is cut into calls.
     */
    private static final int CHUNK = 512;
    private final javax.crypto.Cipher aes;
    private final byte[] zeros = new byte[CHUNK];
    private final byte[] block = new byte[CHUNK];
    private final java.nio.ByteBuffer blockWords = java.nio.ByteBuffer.wrap(block).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    private java.nio.ByteBuffer words = java.nio.ByteBuffer.allocate(0);

    private static final String TRANSFORMATION = "AES/CTR/NoPadding";
    /**
     * The provider of AES-CTR, looked up once (null where there is none: the constructor then
     * reports it): a proof makes several generators (salts, masks), and the provider search of
     * {@code Cipher.getInstance(String)} and {@code init} cost about 1 % of a zero-knowledge
     * LeNet-5 proof.
     */
    private static final java.security.Provider PROVIDER = provider();

    private static java.security.Provider provider() {
        try {
            return javax.crypto.Cipher.getInstance(TRANSFORMATION).getProvider();
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** Keyed with 32 bytes from {@code seed}. */
    public KeystreamRandom(SecureRandom seed) {
        byte[] key = new byte[32];
        seed.nextBytes(key);
        try {
            aes = PROVIDER != null ? javax.crypto.Cipher.getInstance(TRANSFORMATION, PROVIDER) : javax.crypto.Cipher.getInstance(TRANSFORMATION);
            aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                    new javax.crypto.spec.IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides no AES-CTR", e);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public long nextLong() {
        if (words.remaining() < 8) {
            refill();
        }
        return words.getLong();
    }

    private void refill() {
        try {
            if (aes.update(zeros, 0, CHUNK, block, 0) != CHUNK) {
                throw new IllegalStateException("AES-CTR returned a short keystream block");
            }
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        words = blockWords.clear();
    }

    /**
     * The bytes {@link RandomGenerator#nextBytes}'s default would give (each {@link #nextLong}'s
     * eight bytes, least significant first, then the low bytes of one more for a tail), copied
     * from the keystream in bulk: a hiding tree's salts are 16 bytes a leaf (64 MiB for 2^22 leaves).
     */
    @Override
    public void nextBytes(byte[] bytes) {
        int full = bytes.length & ~7, i = 0;
        while (i < full) {
            if (words.remaining() < 8) {
                refill();
            }
            int n = Math.min(full - i, words.remaining() & ~7);
            words.get(bytes, i, n);
            i += n;
        }
        if (i < bytes.length) {
            long r = nextLong();
            for (; i < bytes.length; i++, r >>>= 8) {
                bytes[i] = (byte) r;
            }
        }
    }
}

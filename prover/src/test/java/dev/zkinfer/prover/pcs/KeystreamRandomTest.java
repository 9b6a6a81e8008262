package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * KeystreamRandom's bulk nextBytes gives the bytes of the word-by-word default it replaces, and its
 * words are the AES-256-CTR keystream of its key however it cuts the cipher calls (a hiding model
 * commitment is recreated from a stored seed through it: its values must not change).
 */
class KeystreamRandomTest {
    /** The default of RandomGenerator.nextBytes, written out: each nextLong's bytes, least significant first. */
    private static void wordByWord(KeystreamRandom r, byte[] bytes) {
        int i = 0;
        for (int words = bytes.length >> 3; words-- > 0;) {
            long v = r.nextLong();
            for (int k = 0; k < 8; k++, v >>>= 8) {
                bytes[i++] = (byte) v;
            }
        }
        if (i < bytes.length) {
            long v = r.nextLong();
            for (; i < bytes.length; i++, v >>>= 8) {
                bytes[i] = (byte) v;
            }
        }
    }

    @Test
    void bulkBytesEqualTheWordByWordDefault() {
        // lengths around the keystream's chunks (512 bytes; 16 KiB until 2026-12-05), with and without a tail, after words drawn singly
        int[] lengths = {0, 1, 7, 8, 16, 17, 504, 512, 520, 16384, 16392, 100_003, 1 << 20};
        KeystreamRandom bulk = new KeystreamRandom(WhirZeroKnowledgeTest.seeded(9));
        KeystreamRandom single = new KeystreamRandom(WhirZeroKnowledgeTest.seeded(9));
        for (int len : lengths) {
            byte[] a = new byte[len], b = new byte[len];
            bulk.nextBytes(a);
            wordByWord(single, b);
            assertArrayEquals(b, a, len + " bytes");
            assertArrayEquals(new long[] {single.nextLong(), single.nextLong()}, new long[] {bulk.nextLong(), bulk.nextLong()},
                    "the words after " + len + " bytes");
        }
    }

    @Test
    void wordsAreTheAesCtrKeystreamOfItsKey() throws Exception {
        KeystreamRandom words = new KeystreamRandom(WhirZeroKnowledgeTest.seeded(11));
        byte[] key = new byte[32];
        WhirZeroKnowledgeTest.seeded(11).nextBytes(key);
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.IvParameterSpec(new byte[16]));
        // one cipher call for the whole stream: CTR's output does not depend on how it is cut
        java.nio.ByteBuffer stream = java.nio.ByteBuffer.wrap(aes.doFinal(new byte[(1 << 16) + 8 * 101]))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] want = new long[stream.remaining() / 8];
        long[] got = new long[want.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = stream.getLong();
            got[i] = words.nextLong();
        }
        assertArrayEquals(want, got);
    }
}

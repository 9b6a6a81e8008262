package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** KeystreamRandom's bulk nextBytes gives the bytes of the word-by-word default it replaces. */
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
        // lengths around the keystream's 16 KiB chunks, with and without a tail, after words drawn singly
        int[] lengths = {0, 1, 7, 8, 16, 17, 16384, 16392, 100_003, 1 << 20};
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
}

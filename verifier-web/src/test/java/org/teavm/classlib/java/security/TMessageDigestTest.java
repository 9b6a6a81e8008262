package org.teavm.classlib.java.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The browser's SHA-256 agrees with the JDK's and with the FIPS 180-4 examples. */
class TMessageDigestTest {
    @Test
    void agreesWithTheJdkOnRandomInputsOfEveryLengthUpTo200() throws Exception {
        Random rnd = new Random(256);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        TMessageDigest ours = TMessageDigest.getInstance("SHA-256");
        for (int len = 0; len <= 200; len++) {
            byte[] m = new byte[len];
            rnd.nextBytes(m);
            assertArrayEquals(jdk.digest(m), ours.digest(m), "length " + len);
        }
    }

    @Test
    void agreesWithTheJdkWhenFedInPiecesAndIntoABuffer() throws Exception {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            byte[] m = new byte[rnd.nextInt(1000)];
            rnd.nextBytes(m);
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            TMessageDigest ours = TMessageDigest.getInstance("SHA-256");
            int at = 0;
            while (at < m.length) {
                int n = Math.min(m.length - at, rnd.nextInt(130));
                if (n == 1 && rnd.nextBoolean()) {
                    jdk.update(m[at]);
                    ours.update(m[at]);
                } else {
                    jdk.update(m, at, n);
                    ours.update(m, at, n);
                }
                at += n;
            }
            byte[] a = new byte[40];
            byte[] b = new byte[40];
            jdk.digest(a, 3, 32);
            ours.digest(b, 3, 32);
            assertArrayEquals(a, b);
            // digest resets: the next message starts afresh
            assertArrayEquals(jdk.digest(m), ours.digest(m));
        }
    }

    @Test
    void matchesTheFipsExamples() throws Exception {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", sha(""));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sha("abc"));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        TMessageDigest d = TMessageDigest.getInstance("SHA-256");
        byte[] a = new byte[1000];
        java.util.Arrays.fill(a, (byte) 'a');
        for (int i = 0; i < 1000; i++) {
            d.update(a);
        }
        assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", HexFormat.of().formatHex(d.digest()));
    }

    @Test
    void offersOnlySha256AndComparesDigests() throws Exception {
        assertThrows(java.security.NoSuchAlgorithmException.class, () -> TMessageDigest.getInstance("MD5"));
        assertTrue(TMessageDigest.isEqual(new byte[] {1, 2}, new byte[] {1, 2}));
        assertTrue(!TMessageDigest.isEqual(new byte[] {1, 2}, new byte[] {1, 3}));
        assertThrows(java.security.DigestException.class, () -> TMessageDigest.getInstance("SHA-256").digest(new byte[31], 0, 31));
    }

    private static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(TMessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    }
}

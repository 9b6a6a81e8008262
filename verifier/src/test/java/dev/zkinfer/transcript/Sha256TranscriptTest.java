package dev.zkinfer.transcript;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class Sha256TranscriptTest {
    /** A statement: protocol steps absorbed in order, then three challenges drawn. */
    private static List<Ext3> run(String tag, Consumer<Transcript> statement) {
        Transcript t = new Sha256Transcript(tag);
        statement.accept(t);
        List<Ext3> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.add(t.challengeExt("c"));
            t.absorbLong("msg", i);
        }
        return out;
    }

    private static Consumer<Transcript> statement(String params, long[] vkDigest, long[] input, long[] output) {
        return t -> {
            t.domain("zkinfer/test");
            t.absorbBytes("params", params.getBytes(StandardCharsets.UTF_8));
            t.absorbLongs("vk", vkDigest);
            t.absorbLongs("input", input);
            t.absorbLongs("output", output);
        };
    }

    @Test
    void sameStatementGivesSameChallenges() {
        var s = statement("p", new long[] {1, 2}, new long[] {3}, new long[] {4});
        assertEquals(run("zk", s), run("zk", s));
    }

    @Test
    void changingAnyAbsorbedElementChangesEveryLaterChallenge() {
        List<Ext3> base = run("zk", statement("p", new long[] {1, 2}, new long[] {3, 5}, new long[] {4}));
        List<List<Ext3>> variants = List.of(
                run("zk2", statement("p", new long[] {1, 2}, new long[] {3, 5}, new long[] {4})),
                run("zk", statement("q", new long[] {1, 2}, new long[] {3, 5}, new long[] {4})),
                run("zk", statement("p", new long[] {1, 7}, new long[] {3, 5}, new long[] {4})),
                run("zk", statement("p", new long[] {1, 2}, new long[] {3, 6}, new long[] {4})),
                run("zk", statement("p", new long[] {1, 2}, new long[] {3, 5}, new long[] {9})),
                // moving an element across a boundary must not collide (length prefixes)
                run("zk", statement("p", new long[] {1, 2, 3}, new long[] {5}, new long[] {4})),
                run("zk", statement("p", new long[] {1, 2}, new long[] {3, 5}, new long[] {4, 0})));
        for (List<Ext3> v : variants) {
            for (int i = 0; i < base.size(); i++) {
                assertNotEquals(base.get(i), v.get(i), "challenge " + i);
            }
        }
    }

    @Test
    void labelsAreBound() {
        Transcript a = new Sha256Transcript("zk");
        Transcript b = new Sha256Transcript("zk");
        a.absorbLong("x", 1);
        b.absorbLong("y", 1);
        assertNotEquals(a.challengeBase("c"), b.challengeBase("c"));
        Transcript c = new Sha256Transcript("zk");
        Transcript d = new Sha256Transcript("zk");
        assertNotEquals(c.challengeBase("c1"), d.challengeBase("c2"));
    }

    @Test
    void consecutiveChallengesDiffer() {
        Transcript t = new Sha256Transcript("zk");
        assertNotEquals(t.challengeExt("c"), t.challengeExt("c"));
    }

    @Test
    void challengesAreCanonicalAndIndicesInRange() {
        Transcript t = new Sha256Transcript("zk");
        for (int i = 0; i < 200; i++) {
            Ext3 e = t.challengeExt("c");
            assertTrue(Goldilocks.isCanonical(e.c0) && Goldilocks.isCanonical(e.c1) && Goldilocks.isCanonical(e.c2));
        }
        int[] counts = new int[5];
        for (int idx : t.challengeIndices("q", 5000, 5)) {
            counts[idx]++;
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "index distribution is far from uniform: " + c);
        }
        assertThrows(IllegalArgumentException.class, () -> t.challengeIndices("q", 1, 0));
    }

    /**
     * The transcript hashes exactly the bytes its class comment specifies, whatever the sizes
     * (messages larger than its internal buffer, a label longer than it, non-ASCII labels, several
     * output blocks per challenge): each state is compared with one computed here from the
     * specification with a plain SHA-256, one message at a time.
     */
    @Test
    void hashesTheSpecifiedBytes() throws Exception {
        Sha256Transcript t = new Sha256Transcript("zkinfer/test");
        Reference r = new Reference("zkinfer/test");
        assertArrayEquals(r.state, t.state());
        String longLabel = "l".repeat(5000);
        long[] big = new long[700];
        for (int i = 0; i < big.length; i++) {
            big[i] = Goldilocks.reduce(0x9E3779B97F4A7C15L * (i + 1));
        }
        byte[] bytes = new byte[9000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Ext3 e = new Ext3(1, Goldilocks.P - 1, 12345);
        t.domain("ρ-domain");
        r.absorb("domain", "ρ-domain".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(r.state, t.state());
        t.absorbBytes("empty", new byte[0]);
        r.absorb("empty", new byte[0]);
        t.absorbBytes(longLabel, bytes);
        r.absorb(longLabel, bytes);
        assertArrayEquals(r.state, t.state());
        t.absorbLongs("big", big);
        r.absorb("big", r.u64s(big, 0, big.length));
        t.absorbExt("ext", e);
        r.absorb("ext", r.u64s(new long[] {e.c0, e.c1, e.c2}, 0, 3));
        t.absorbExts("exts", big, 2, 100);
        r.absorb("exts", r.u64s(big, 6, 300));
        assertArrayEquals(r.state, t.state());
        byte[] challenge = t.challengeBytes("bytes ρ", 100);
        assertArrayEquals(r.squeeze("bytes ρ", 100), challenge);
        assertArrayEquals(r.state, t.state());
        t.absorbLong("after", 7);
        r.absorb("after", r.u64s(new long[] {7}, 0, 1));
        assertArrayEquals(r.state, t.state());
    }

    /** The transcript of the class comment, written the plain way: one message, one digest. */
    private static final class Reference {
        byte[] state;

        Reference(String tag) throws Exception {
            java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
            m.write("zkinfer/transcript/v1".getBytes(StandardCharsets.US_ASCII));
            label(m, tag);
            state = sha(m.toByteArray());
        }

        void absorb(String label, byte[] data) throws Exception {
            java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
            m.write(1);
            m.write(state);
            label(m, label);
            m.write(u64s(new long[] {data.length}, 0, 1));
            m.write(data);
            state = sha(m.toByteArray());
        }

        byte[] squeeze(String label, int count) throws Exception {
            java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
            m.write(2);
            m.write(state);
            label(m, label);
            state = sha(m.toByteArray());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int counter = 0; out.size() < count; counter++) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                b.write(3);
                b.write(state);
                b.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(counter).array());
                out.write(sha(b.toByteArray()));
            }
            return java.util.Arrays.copyOf(out.toByteArray(), count);
        }

        byte[] u64s(long[] v, int from, int count) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * count).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = from; i < from + count; i++) {
                b.putLong(v[i]);
            }
            return b.array();
        }

        private static void label(java.io.ByteArrayOutputStream m, String label) throws Exception {
            byte[] l = label.getBytes(StandardCharsets.UTF_8);
            m.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(l.length).array());
            m.write(l);
        }

        private static byte[] sha(byte[] m) throws Exception {
            return java.security.MessageDigest.getInstance("SHA-256").digest(m);
        }
    }
}

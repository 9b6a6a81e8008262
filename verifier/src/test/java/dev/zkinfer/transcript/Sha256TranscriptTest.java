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
}

package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.poly.Mle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Completeness and soundness of WHIR at the largest sizes ({@link PcsParameters#MAX_NUM_VARS}),
 * which need minutes and up to 20 GB of heap, so they run only when asked:
 * {@code -Dzkinfer.whirLarge=27} (or {@code 27,28}) with a heap to match, e.g.
 * {@code ./run-tests -pl prover -am -Dtest=WhirLargeCommitmentTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dzkinfer.whirLarge=28 -Dsurefire.argLine='-Xss4m -XX:+UseG1GC -Xmx17g'} (the README's command). Each size commits to a random table
 * with the default profile, opens it at two random points and an index point, checks the
 * values against the table, verifies, then checks that a wrong claimed value, a truncated proof
 * and flipped bytes spread over the whole proof (every region: sumcheck messages, roots, leaves,
 * Merkle paths, nonces, final polynomial) are rejected. It prints times and heap use.
 */
class WhirLargeCommitmentTest {
    /** Flipped-byte positions checked per size (a whole proof byte by byte would take hours at this size). */
    private static final int FLIPS = 1500;

    @Test
    void largestCommitmentsOpenVerifyAndRejectTampering() throws Exception {
        String sizes = System.getProperty("zkinfer.whirLarge", "");
        assumeTrue(!sizes.isBlank(), "heavy test: run with -Dzkinfer.whirLarge=27 (or 27,28) and a large heap");
        for (String s : sizes.split(",")) {
            run(Integer.parseInt(s.trim()));
        }
    }

    private static void run(int n) throws Exception {
        PcsParameters params = PcsParameters.forSecurity(103, n);
        System.out.println("n = " + n + ": " + params);
        long start = System.nanoTime();
        long[] table = new long[1 << n];
        IntStream.range(0, 1 << 10).parallel().forEach(chunk -> {
            SplittableRandom r = new SplittableRandom(n * 7919L + chunk);
            int per = table.length >>> 10;
            for (int i = chunk * per; i < (chunk + 1) * per; i++) {
                table[i] = Goldilocks.reduce(r.nextLong());
            }
        });
        SplittableRandom rnd = new SplittableRandom(n);
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, 2);
        int index = (1 << n) - 12345;
        Ext3[] corner = new Ext3[n];
        for (int k = 0; k < n; k++) {
            corner[k] = (index >>> k & 1) == 1 ? Ext3.ONE : Ext3.ZERO;
        }
        points.add(corner);
        WhirTestSupport.Opening o = WhirTestSupport.prove(params, null, table, points);
        long proved = System.nanoTime();
        System.out.printf(Locale.ROOT, "n = %d: commit + open %.1f s, proof %d bytes, heap used %.1f GB%n", n,
                (proved - start) / 1e9, o.proof().length, usedGb());
        assertEquals(Ext3.of(table[index]), o.claims().get(2).value());
        Ext3 first = Mle.evaluate(table, points.get(0));
        assertEquals(first, o.claims().get(0).value());
        long v0 = System.nanoTime();
        WhirTestSupport.verify(o);
        System.out.printf(Locale.ROOT, "n = %d: verify %.1f ms%n", n, (System.nanoTime() - v0) / 1e6);

        List<EvaluationClaim> wrong = new ArrayList<>(o.claims());
        wrong.set(0, new EvaluationClaim(points.get(0), first.add(Ext3.ONE)));
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, o.root(), wrong, o.proof()));
        byte[] root = o.root().clone();
        root[7] ^= 1;
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, root, o.claims(), o.proof()));
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, o.root(), o.claims(),
                Arrays.copyOf(o.proof(), o.proof().length - 1)));
        byte[] proof = o.proof();
        int step = Math.max(1, proof.length / FLIPS);
        int checked = 0;
        for (int pos = 0; pos < proof.length; pos += step) {
            byte[] bad = proof.clone();
            bad[pos] ^= (byte) (1 << (pos % 8));
            int at = pos;
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, o.root(), o.claims(), bad),
                    () -> "flipping a bit of byte " + at + " was accepted");
            checked++;
        }
        System.out.printf(Locale.ROOT, "n = %d: %d flipped bytes, a wrong value, a wrong root and a truncation rejected%n", n, checked);
    }

    private static double usedGb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1e9;
    }
}

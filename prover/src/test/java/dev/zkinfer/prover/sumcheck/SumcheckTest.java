package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SumcheckTest {
    /** A random sum-of-products statement, kept so the test can recompute g at any point. */
    record Statement(int n, long[][] tables, int[][] terms, Ext3[] coeffs) {
        static Statement random(SplittableRandom rnd, int n, int numTables, int numTerms, int maxDegree) {
            long[][] tables = new long[numTables][3 << n];
            for (long[] t : tables) {
                for (int i = 0; i < t.length; i++) {
                    t[i] = Goldilocks.reduce(rnd.nextLong());
                }
            }
            int[][] terms = new int[numTerms][];
            Ext3[] coeffs = new Ext3[numTerms];
            for (int t = 0; t < numTerms; t++) {
                int deg = t == 0 ? maxDegree : 1 + rnd.nextInt(maxDegree);
                terms[t] = new int[deg];
                for (int k = 0; k < deg; k++) {
                    terms[t][k] = rnd.nextInt(numTables);
                }
                coeffs[t] = new Ext3(Goldilocks.reduce(rnd.nextLong()), rnd.nextInt(3), 0);
            }
            return new Statement(n, tables, terms, coeffs);
        }

        SumcheckInstance instance() {
            SumcheckInstance inst = new SumcheckInstance(n);
            for (long[] t : tables) {
                inst.addTable(t.clone());
            }
            for (int t = 0; t < terms.length; t++) {
                inst.addTerm(coeffs[t], terms[t]);
            }
            return inst;
        }

        /** g(point), from the tables' MLEs: what the verifier's oracle would answer. */
        Ext3 evaluate(Ext3[] point) {
            Ext3[] ev = new Ext3[tables.length];
            for (int f = 0; f < tables.length; f++) {
                ev[f] = Mle.evaluateExt(tables[f], point);
            }
            Ext3 g = Ext3.ZERO;
            for (int t = 0; t < terms.length; t++) {
                Ext3 p = coeffs[t];
                for (int f : terms[t]) {
                    p = p.mul(ev[f]);
                }
                g = g.add(p);
            }
            return g;
        }
    }

    private static byte[] prove(Statement s, Ext3 claimed, Backend backend) {
        ProofWriter w = new ProofWriter();
        new SumcheckProver(backend).prove(s.instance(), claimed, w, new Sha256Transcript("test"));
        return w.toByteArray();
    }

    /** The verifier side plus the final oracle check; throws InvalidProofException on rejection. */
    private static void verify(Statement s, Ext3 claimed, int degree, byte[] proof) throws InvalidProofException {
        ProofReader r = new ProofReader(proof);
        SumcheckClaim c = SumcheckVerifier.verify(claimed, s.n(), degree, r, new Sha256Transcript("test"));
        r.finish();
        if (!c.value().equals(s.evaluate(c.point()))) {
            throw new InvalidProofException("final sumcheck evaluation does not match the oracle");
        }
    }

    @ParameterizedTest(name = "n={0} tables={1} terms={2} degree={3}")
    @CsvSource({"0,1,1,1", "1,2,1,2", "3,2,1,2", "5,3,2,3", "6,4,3,4", "8,2,2,2", "13,3,2,3"})
    void honestProofsVerify(int n, int tables, int terms, int degree) throws Exception {
        Statement s = Statement.random(new SplittableRandom(n * 31L + degree), n, tables, terms, degree);
        Ext3 sum = s.instance().sum();
        verify(s, sum, degree, prove(s, sum, Backends.scalar()));
        verify(s, sum, degree, prove(s, sum, Backends.vector()));
    }

    @Test
    void proverReturnsTheTablesEvaluatedAtThePoint() {
        Statement s = Statement.random(new SplittableRandom(10), 5, 3, 2, 3);
        SumcheckProver.Result res = new SumcheckProver(Backends.get()).prove(s.instance(), s.instance().sum(),
                new ProofWriter(), new Sha256Transcript("test"));
        for (int f = 0; f < s.tables().length; f++) {
            assertEquals(Mle.evaluateExt(s.tables()[f], res.point()), res.tableEvaluations()[f]);
        }
    }

    @Test
    void rejectsAWrongClaimedSum() {
        Statement s = Statement.random(new SplittableRandom(11), 6, 3, 2, 3);
        Ext3 wrong = s.instance().sum().add(1);
        // An honest-looking proof of the wrong sum (the prover runs on the wrong claim).
        byte[] proof = prove(s, wrong, Backends.scalar());
        assertThrows(InvalidProofException.class, () -> verify(s, wrong, 3, proof));
    }

    @Test
    void rejectsEverySingleElementChange() throws Exception {
        Statement s = Statement.random(new SplittableRandom(12), 4, 3, 2, 3);
        Ext3 sum = s.instance().sum();
        byte[] proof = prove(s, sum, Backends.scalar());
        verify(s, sum, 3, proof);
        assertEquals(4 * 3 * 24, proof.length, "n·d extension elements");
        for (int e = 0; e < proof.length / 8; e++) {
            byte[] bad = proof.clone();
            bad[8 * e] ^= 1; // stays canonical: low bit of a random element
            assertThrows(InvalidProofException.class, () -> verify(s, sum, 3, bad), "element " + e);
        }
    }

    @Test
    void rejectsTruncatedAndExtendedProofs() {
        Statement s = Statement.random(new SplittableRandom(13), 5, 2, 1, 2);
        Ext3 sum = s.instance().sum();
        byte[] proof = prove(s, sum, Backends.scalar());
        for (int len : new int[] {0, 1, proof.length - 1, proof.length - 24}) {
            byte[] cut = java.util.Arrays.copyOf(proof, len);
            assertThrows(InvalidProofException.class, () -> verify(s, sum, 2, cut));
        }
        byte[] longer = java.util.Arrays.copyOf(proof, proof.length + 8);
        assertThrows(InvalidProofException.class, () -> verify(s, sum, 2, longer));
    }

    /** Base-field tables (kept un-lifted in the first round) give the proof of their lift. */
    @ParameterizedTest(name = "n={0} terms={1}")
    @CsvSource({"1,'0 1'", "5,'0 1'", "13,'0 1'", "6,'0 2'", "6,'0 1 2'", "13,'0 1 2;1'", "0,'0 1'"})
    void baseTablesAreProvedLikeTheirLift(int n, String termSpec) throws Exception {
        SplittableRandom rnd = new SplittableRandom(n + termSpec.hashCode());
        long[] f = new long[1 << n], g = new long[1 << n];
        for (int i = 0; i < f.length; i++) {
            f[i] = Goldilocks.reduce(rnd.nextLong());
            g[i] = Goldilocks.reduce(rnd.nextLong());
        }
        long[] h = new long[3 << n];
        for (int i = 0; i < h.length; i++) {
            h[i] = Goldilocks.reduce(rnd.nextLong());
        }
        String[] termStrs = termSpec.split(";");
        int[][] terms = new int[termStrs.length][];
        Ext3[] coeffs = new Ext3[termStrs.length];
        for (int t = 0; t < terms.length; t++) {
            terms[t] = java.util.Arrays.stream(termStrs[t].trim().split(" ")).mapToInt(Integer::parseInt).toArray();
            coeffs[t] = Ext3.of(t + 1);
        }
        long[][] lifted = {lift(f), lift(g), h};
        Statement s = new Statement(n, lifted, terms, coeffs);
        int degree = s.instance().degree();
        Ext3 sum = s.instance().sum();
        for (Backend backend : new Backend[] {Backends.scalar(), Backends.vector()}) {
            SumcheckInstance mixed = new SumcheckInstance(n);
            mixed.addBaseTable(f);
            mixed.addBaseTable(g);
            mixed.addTable(h.clone());
            for (int t = 0; t < terms.length; t++) {
                mixed.addTerm(coeffs[t], terms[t]);
            }
            assertEquals(sum, mixed.sum());
            ProofWriter w = new ProofWriter();
            SumcheckProver.Result res = new SumcheckProver(backend).prove(mixed, sum, w, new Sha256Transcript("test"));
            assertArrayEquals(prove(s, sum, Backends.scalar()), w.toByteArray(), backend.name());
            verify(s, sum, degree, w.toByteArray());
            assertEquals(Mle.evaluate(f, res.point()), res.tableEvaluations()[0]);
        }
    }

    private static long[] lift(long[] base) {
        long[] out = new long[3 * base.length];
        for (int i = 0; i < base.length; i++) {
            out[3 * i] = base[i];
        }
        return out;
    }

    @Test
    void backendsProduceIdenticalProofs() {
        // Large enough for the parallel kernels to split the work.
        Statement s = Statement.random(new SplittableRandom(14), 14, 3, 3, 3);
        Ext3 sum = s.instance().sum();
        assertArrayEquals(prove(s, sum, Backends.scalar()), prove(s, sum, Backends.vector()));
    }

    /**
     * Σ f·g over two tables, the case the vector backend fuses (fold + next round in one pass,
     * delayed reduction): sizes on both sides of its parallel threshold, base and extension
     * tables, and tables that hold p − 1 everywhere (the largest products and carries).
     */
    @ParameterizedTest(name = "n={0} base={1} extreme={2}")
    @CsvSource({"1,true,false", "2,true,false", "2,false,false", "7,true,false", "7,false,true", "16,true,false",
            "16,false,false", "15,true,true", "15,false,true"})
    void productOfTwoIsProvedAlikeByBothBackends(int n, boolean base, boolean extreme) throws Exception {
        SplittableRandom rnd = new SplittableRandom(31 * n + (base ? 1 : 0));
        int len = (base ? 1 : 3) << n;
        long[] f = new long[len], g = new long[len];
        for (int i = 0; i < len; i++) {
            f[i] = extreme ? Goldilocks.P - 1 : Goldilocks.reduce(rnd.nextLong());
            g[i] = extreme ? Goldilocks.P - 1 - (i & 1) : Goldilocks.reduce(rnd.nextLong());
        }
        long[][] lifted = {base ? lift(f) : f, base ? lift(g) : g};
        Statement s = new Statement(n, lifted, new int[][] {{0, 1}}, new Ext3[] {Ext3.ONE});
        Ext3 sum = s.instance().sum();
        byte[] reference = prove(s, sum, Backends.scalar());
        verify(s, sum, 2, reference);
        for (Backend backend : new Backend[] {Backends.scalar(), Backends.vector()}) {
            SumcheckInstance inst = new SumcheckInstance(n);
            if (base) {
                inst.addBaseTable(f);
                inst.addBaseTable(g);
            } else {
                inst.addTable(f.clone());
                inst.addTable(g.clone());
            }
            inst.addTerm(Ext3.ONE, 0, 1);
            ProofWriter w = new ProofWriter();
            SumcheckProver.Result res = new SumcheckProver(backend).prove(inst, sum, w, new Sha256Transcript("test"));
            assertArrayEquals(reference, w.toByteArray(), backend.name());
            assertEquals(Mle.evaluateExt(lifted[1], res.point()), res.tableEvaluations()[1], backend.name());
        }
    }

    @Test
    void transcriptBindsTheClaim() {
        Statement s = Statement.random(new SplittableRandom(15), 3, 2, 1, 2);
        Transcript a = new Sha256Transcript("t");
        Transcript b = new Sha256Transcript("t");
        new SumcheckProver(Backends.scalar()).prove(s.instance(), Ext3.ONE, new ProofWriter(), a);
        new SumcheckProver(Backends.scalar()).prove(s.instance(), Ext3.of(2), new ProofWriter(), b);
        assertNotEquals(a.challengeExt("x"), b.challengeExt("x"));
    }
}

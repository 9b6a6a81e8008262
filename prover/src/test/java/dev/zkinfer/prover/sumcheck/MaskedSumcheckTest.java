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
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The masked (zero-knowledge) sumcheck of docs/zero-knowledge.md §3.1: completeness, soundness
 * against a cheating prover, and the simulation argument made executable (with programmed
 * challenges, every view consistent with the final check is produced by exactly the honest
 * prover for some mask, so uniform masks give uniform views).
 */
class MaskedSumcheckTest {
    private static byte[] prove(SumcheckTest.Statement s, Ext3 claimed, SumcheckMask mask, Backend backend, Transcript t) {
        ProofWriter w = new ProofWriter();
        SumcheckProver.MaskedResult res = new SumcheckProver(backend).proveMasked(s.instance(), claimed, mask, w, t);
        assertEquals(mask.evaluate(res.point()), res.maskValue());
        return w.toByteArray();
    }

    /**
     * The verifier plus the two checks a caller makes: f(r) against the tables (the layer's own
     * final check) and γ against the mask (what the commitment to the mask binds).
     */
    private static MaskedSumcheck.Result verify(SumcheckTest.Statement s, Ext3 claimed, int degree, SumcheckMask mask,
            byte[] proof, Transcript t) throws InvalidProofException {
        return verify(s, claimed, uniform(s.n(), degree), mask, proof, t);
    }

    /** As above, with the round degrees the verifier holds the proof to. */
    private static MaskedSumcheck.Result verify(SumcheckTest.Statement s, Ext3 claimed, int[] degrees, SumcheckMask mask,
            byte[] proof, Transcript t) throws InvalidProofException {
        ProofReader r = new ProofReader(proof);
        MaskedSumcheck.Result res = MaskedSumcheck.verify(claimed, degrees, r, t);
        r.finish();
        if (!res.maskValue().equals(mask.evaluate(res.point()))) {
            throw new InvalidProofException("mask value does not match the committed mask");
        }
        if (!res.value().equals(s.evaluate(res.point()))) {
            throw new InvalidProofException("final sumcheck evaluation does not match the oracle");
        }
        return res;
    }

    private static int[] uniform(int n, int d) {
        return dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, d);
    }

    private static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    @ParameterizedTest(name = "n={0} tables={1} terms={2} degree={3}")
    @CsvSource({"1,2,1,2", "3,2,1,2", "5,3,2,3", "6,4,3,4", "10,2,2,2"})
    void honestProofsVerify(int n, int tables, int terms, int degree) throws Exception {
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(n * 17L + degree), n, tables, terms, degree);
        Ext3 sum = s.instance().sum();
        SumcheckMask mask = SumcheckProver.randomMask(n, degree, new SplittableRandom(n));
        for (Backend b : new Backend[] {Backends.scalar(), Backends.vector()}) {
            byte[] proof = prove(s, sum, mask, b, new Sha256Transcript("test"));
            assertEquals((2 + n * degree) * 24, proof.length);
            verify(s, sum, degree, mask, proof, new Sha256Transcript("test"));
        }
    }

    /**
     * Per-round degrees (docs/zero-knowledge.md §3.1): each round sends its own degree's values and
     * the mask's g_i has that degree; a summand of degree 2 proven with higher degrees in some
     * rounds (the prover extends its round polynomials) verifies, and the proof is 2 + Σ d_i elements.
     */
    @ParameterizedTest(name = "degrees={0}")
    @CsvSource({"2", "2 2 2", "2 5 2 3", "3 2 2 2 4", "4 2"})
    void honestProofsWithRoundDegreesVerify(String spec) throws Exception {
        int[] degrees = Arrays.stream(spec.split(" ")).mapToInt(Integer::parseInt).toArray();
        int n = degrees.length;
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(31L * n + degrees[0]), n, 3, 2, 2);
        Ext3 sum = s.instance().sum();
        SumcheckMask mask = SumcheckProver.randomMask(degrees, new SplittableRandom(n));
        assertArrayEquals(degrees, mask.degrees());
        for (Backend b : new Backend[] {Backends.scalar(), Backends.vector()}) {
            byte[] proof = prove(s, sum, mask, b, new Sha256Transcript("test"));
            assertEquals((2 + Arrays.stream(degrees).sum()) * 24, proof.length);
            verify(s, sum, degrees, mask, proof, new Sha256Transcript("test"));
        }
    }

    /**
     * The degrees are the statement's, never the proof's: a proof checked against other round
     * degrees (one round one higher or lower, every round at the largest) is rejected, and so is a
     * prover whose round polynomial has a higher degree than its round's (cut to the round's
     * degree, it no longer interpolates the true polynomial).
     */
    @Test
    void rejectsRoundPolynomialsOfAnotherDegree() throws Exception {
        int[] degrees = {2, 4, 2, 3};
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(41), 4, 3, 2, 2);
        Ext3 sum = s.instance().sum();
        SumcheckMask mask = SumcheckProver.randomMask(degrees, new SplittableRandom(4));
        byte[] proof = prove(s, sum, mask, Backends.scalar(), new Sha256Transcript("test"));
        verify(s, sum, degrees, mask, proof, new Sha256Transcript("test"));
        for (int i = 0; i < degrees.length; i++) {
            for (int delta : new int[] {-1, 1}) {
                int[] other = degrees.clone();
                other[i] += delta;
                if (other[i] < 1) {
                    continue;
                }
                assertThrows(InvalidProofException.class, () -> verify(s, sum, other, mask, proof, new Sha256Transcript("test")),
                        "round " + i + " read at degree " + other[i]);
            }
        }
        assertThrows(InvalidProofException.class, () -> verify(s, sum, uniform(4, 4), mask, proof, new Sha256Transcript("test")));
        // a uniform-degree proof (the previous wire format) read with the round degrees
        SumcheckMask flat = SumcheckProver.randomMask(uniform(4, 4), new SplittableRandom(5));
        byte[] old = prove(s, sum, flat, Backends.scalar(), new Sha256Transcript("test"));
        assertThrows(InvalidProofException.class, () -> verify(s, sum, degrees, mask, old, new Sha256Transcript("test")));

        // a summand of degree 3 proven with a round of degree 2: the prover's own check refuses it ...
        SumcheckTest.Statement cubic = SumcheckTest.Statement.random(new SplittableRandom(42), 4, 3, 1, 3);
        Ext3 cubicSum = cubic.instance().sum();
        int[] low = {3, 2, 3, 3};
        SumcheckMask lowMask = SumcheckProver.randomMask(low, new SplittableRandom(6));
        assertThrows(IllegalStateException.class, () -> prove(cubic, cubicSum, lowMask, Backends.scalar(), new Sha256Transcript("test")));
        // ... and a prover without that check, whose cut round polynomial is then wrong, is caught
        ProofWriter w = new ProofWriter();
        SumcheckProver.proveMasked(low, cubicSum, new SumcheckProver.InstanceRounds(Backends.scalar().sumcheck(), cubic.instance()), lowMask,
                w, new Sha256Transcript("test"));
        byte[] cut = w.toByteArray();
        assertThrows(InvalidProofException.class, () -> verify(cubic, cubicSum, low, lowMask, cut, new Sha256Transcript("test")));
    }

    @Test
    void rejectsEveryByteFlipAndTruncationWithRoundDegrees() throws Exception {
        int[] degrees = {3, 2, 5, 2};
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(43), 4, 3, 2, 2);
        Ext3 sum = s.instance().sum();
        SumcheckMask mask = SumcheckProver.randomMask(degrees, new SplittableRandom(7));
        byte[] proof = prove(s, sum, mask, Backends.scalar(), new Sha256Transcript("test"));
        verify(s, sum, degrees, mask, proof, new Sha256Transcript("test"));
        for (int i = 0; i < proof.length; i++) {
            byte[] t = proof.clone();
            t[i] ^= (byte) (1 << (i % 8));
            assertThrows(InvalidProofException.class, () -> verify(s, sum, degrees, mask, t, new Sha256Transcript("test")), "byte " + i);
        }
        for (int cut = 1; cut <= 3 * 24; cut += 23) {
            byte[] shorter = Arrays.copyOf(proof, proof.length - cut);
            assertThrows(InvalidProofException.class, () -> verify(s, sum, degrees, mask, shorter, new Sha256Transcript("test")));
        }
        byte[] longer = Arrays.copyOf(proof, proof.length + 24);
        assertThrows(InvalidProofException.class, () -> verify(s, sum, degrees, mask, longer, new Sha256Transcript("test")));
    }

    @Test
    void maskClosedFormsMatchBruteForce() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 4;
        int[] degrees = {3, 1, 4, 2};
        SumcheckMask m = SumcheckProver.randomMask(degrees, rnd);
        Ext3 sum = Ext3.ZERO;
        for (int b = 0; b < (1 << n); b++) {
            Ext3[] x = new Ext3[n];
            for (int i = 0; i < n; i++) {
                x[i] = Ext3.of((b >>> i) & 1);
            }
            sum = sum.add(m.evaluate(x));
        }
        assertEquals(sum, m.sum());
        Ext3[] r = new Ext3[n];
        for (int i = 0; i < n; i++) {
            r[i] = randomExt(rnd);
        }
        for (int round = 0; round < n; round++) {
            Ext3[] values = m.roundValues(round, r);
            assertEquals(degrees[round] + 1, values.length);
            for (int x = 0; x <= degrees[round]; x++) {
                Ext3 brute = Ext3.ZERO;
                int rest = n - round - 1;
                for (int b = 0; b < (1 << rest); b++) {
                    Ext3[] p = new Ext3[n];
                    System.arraycopy(r, 0, p, 0, round);
                    p[round] = Ext3.of(x);
                    for (int i = 0; i < rest; i++) {
                        p[round + 1 + i] = Ext3.of((b >>> i) & 1);
                    }
                    brute = brute.add(m.evaluate(p));
                }
                assertEquals(brute, values[x], "round " + round + " at " + x);
            }
        }
    }

    @Test
    void aCommittedUnivariateIsAMultilinearEvaluation() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int bits = 1; bits <= 4; bits++) {
            long[] c = new long[1 << bits];
            for (int k = 0; k < c.length; k++) {
                c[k] = Goldilocks.reduce(rnd.nextLong());
            }
            Ext3 r = randomExt(rnd);
            Ext3 direct = Ext3.ZERO;
            for (int k = c.length - 1; k >= 0; k--) {
                direct = direct.mul(r).add(Ext3.of(c[k]));
            }
            Ext3[] z = SumcheckMask.coefficientPoint(r, bits);
            assertEquals(direct, Mle.evaluate(c, z).mul(SumcheckMask.coefficientScale(z)));
        }
        assertNull(SumcheckMask.coefficientPoint(Ext3.of(Goldilocks.P - 1), 2), "w = -1 has no such point");
    }

    @Test
    void rejectsAWrongClaimedSum() {
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(11), 6, 3, 2, 3);
        SumcheckMask mask = SumcheckProver.randomMask(6, 3, new SplittableRandom(1));
        Ext3 wrong = s.instance().sum().add(1);
        byte[] proof = prove(s, wrong, mask, Backends.scalar(), new Sha256Transcript("test"));
        assertThrows(InvalidProofException.class, () -> verify(s, wrong, 3, mask, proof, new Sha256Transcript("test")));
    }

    @Test
    void rejectsAMaskSumThatDoesNotMatchTheMask() {
        // A cheating prover sends G' = G + δ to shift the claim by ρ·δ: caught at the end.
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(12), 5, 2, 1, 2);
        SumcheckMask mask = SumcheckProver.randomMask(5, 2, new SplittableRandom(2));
        byte[] proof = prove(s, s.instance().sum(), mask, Backends.scalar(), new Sha256Transcript("test"));
        byte[] tampered = proof.clone();
        tampered[0] ^= 1;
        assertThrows(InvalidProofException.class, () -> verify(s, s.instance().sum(), 2, mask, tampered, new Sha256Transcript("test")));
    }

    @Test
    void rejectsEveryByteFlipAndTruncation() throws Exception {
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(13), 4, 3, 2, 3);
        SumcheckMask mask = SumcheckProver.randomMask(4, 3, new SplittableRandom(3));
        Ext3 sum = s.instance().sum();
        byte[] proof = prove(s, sum, mask, Backends.scalar(), new Sha256Transcript("test"));
        verify(s, sum, 3, mask, proof, new Sha256Transcript("test"));
        for (int i = 0; i < proof.length; i++) {
            byte[] t = proof.clone();
            t[i] ^= (byte) (1 << (i % 8));
            assertThrows(InvalidProofException.class, () -> verify(s, sum, 3, mask, t, new Sha256Transcript("test")), "byte " + i);
        }
        assertThrows(InvalidProofException.class,
                () -> verify(s, sum, 3, mask, Arrays.copyOf(proof, proof.length - 1), new Sha256Transcript("test")));
    }

    @Test
    void proofsWithFreshMasksDiffer() {
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(14), 5, 2, 1, 2);
        Ext3 sum = s.instance().sum();
        java.security.SecureRandom sr = new java.security.SecureRandom();
        byte[] a = prove(s, sum, SumcheckProver.randomMask(5, 2, sr), Backends.scalar(), new Sha256Transcript("test"));
        byte[] b = prove(s, sum, SumcheckProver.randomMask(5, 2, sr), Backends.scalar(), new Sha256Transcript("test"));
        assertFalse(Arrays.equals(a, b));
    }

    // ---- simulation -------------------------------------------------------------------------

    /** A random oracle the simulator programs: challenges are handed out from a list; absorbs are ignored. */
    private static final class ProgrammedTranscript implements Transcript {
        private final Deque<Ext3> challenges;

        ProgrammedTranscript(Ext3... challenges) {
            this.challenges = new ArrayDeque<>(Arrays.asList(challenges));
        }

        @Override public void domain(String tag) {}
        @Override public void absorbBytes(String label, byte[] data) {}
        @Override public void absorbLongs(String label, long[] values) {}
        @Override public void absorbExt(String label, Ext3 value) {}
        @Override public void absorbExts(String label, long[] arrayForm, int from, int count) {}
        @Override public long challengeBase(String label) { throw new UnsupportedOperationException(label); }
        @Override public Ext3 challengeExt(String label) { return challenges.removeFirst(); }
        @Override public int[] challengeIndices(String label, int count, int bound) { throw new UnsupportedOperationException(label); }
        @Override public byte[] challengeBytes(String label, int count) { throw new UnsupportedOperationException(label); }
    }

    private static Ext3[] view(byte[] proof) throws Exception {
        ProofReader r = new ProofReader(proof);
        Ext3[] v = new Ext3[proof.length / 24];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.ext("view");
        }
        r.finish();
        return v;
    }

    private static byte[] bytes(Ext3[] view) {
        ProofWriter w = new ProofWriter();
        for (Ext3 e : view) {
            w.ext(e);
        }
        return w.toByteArray();
    }

    private static SumcheckMask maskOf(Ext3[] flat, int[] degrees) {
        Ext3[][] c = new Ext3[degrees.length][];
        int at = 0;
        for (int i = 0; i < degrees.length; i++) {
            c[i] = Arrays.copyOfRange(flat, at, at + degrees[i] + 1);
            at += degrees[i] + 1;
        }
        return new SumcheckMask(c);
    }

    /**
     * Libra's simulation, executable, for one degree in every round and for per-round degrees: the
     * Σ_i (d_i + 1) mask coefficients map onto the Σ_i d_i + 1 views the final check allows.
     */
    @ParameterizedTest(name = "degrees={0}")
    @CsvSource({"2 2 2 2", "2 4 2 3", "3 2 5"})
    void viewsAreSimulatableWithoutTheSummand(String spec) throws Exception {
        int[] degrees = Arrays.stream(spec.split(" ")).mapToInt(Integer::parseInt).toArray();
        int n = degrees.length;
        SplittableRandom rnd = new SplittableRandom(21 + spec.hashCode());
        SumcheckTest.Statement s = SumcheckTest.Statement.random(rnd, n, 2, 1, 2);
        Ext3 sum = s.instance().sum();
        Ext3[] ch = new Ext3[n + 1];
        for (int i = 0; i <= n; i++) {
            ch[i] = randomExt(rnd);
        }
        Ext3 rho = ch[0];
        Ext3[] r = Arrays.copyOfRange(ch, 1, n + 1);
        int total = Arrays.stream(degrees).sum();
        int unknowns = total + n;
        // The honest view is affine in the mask: view(m) = view(0) + A·m. Columns of A from unit masks.
        Ext3[] base = view(prove(s, sum, maskOf(zeros(unknowns), degrees), Backends.scalar(), new ProgrammedTranscript(ch)));
        int rows = base.length;
        assertEquals(total + 2, rows);
        Ext3[][] a = new Ext3[rows][unknowns];
        for (int j = 0; j < unknowns; j++) {
            Ext3[] unit = zeros(unknowns);
            unit[j] = Ext3.ONE;
            Ext3[] v = view(prove(s, sum, maskOf(unit, degrees), Backends.scalar(), new ProgrammedTranscript(ch)));
            for (int i = 0; i < rows; i++) {
                a[i][j] = v[i].sub(base[i]);
            }
        }
        // The views satisfy exactly one linear relation (the final check); the mask map is onto it.
        assertEquals(rows - 1, rank(copy(a)), "the mask must reach every view the final check allows");

        // The simulator: knows H and f(r) only (in a whole proof f(r) comes from masked claims).
        Ext3 fAtR = s.evaluate(r);
        for (int trial = 0; trial < 3; trial++) {
            Ext3[] sim = new Ext3[rows];
            for (int i = 0; i < rows - 1; i++) {
                sim[i] = randomExt(rnd);
            }
            // γ from the final check: s_{n-1}(r_{n-1}) − ρ·γ = f(r)
            Ext3 claim = sum.add(rho.mul(sim[0]));
            int at = 1;
            for (int k = 0; k < n; k++) {
                int d = degrees[k];
                Ext3[] ev = new Ext3[d + 1];
                ev[0] = sim[at];
                ev[1] = claim.sub(ev[0]);
                for (int x = 2; x <= d; x++) {
                    ev[x] = sim[at + x - 1];
                }
                at += d;
                claim = dev.zkinfer.poly.Univariate.evaluate(ev, r[k]);
            }
            sim[rows - 1] = claim.sub(fAtR).mul(rho.inv());
            ProofReader pr = new ProofReader(bytes(sim));
            MaskedSumcheck.Result res = MaskedSumcheck.verify(sum, degrees, pr, new ProgrammedTranscript(ch));
            assertEquals(fAtR, res.value(), "the simulated view passes the verifier's checks");
            // ... and it is exactly the honest prover's view for some mask (so, with a uniform mask,
            // the real view is uniform over the same set: the distributions are equal).
            Ext3[] rhs = new Ext3[rows];
            for (int i = 0; i < rows; i++) {
                rhs[i] = sim[i].sub(base[i]);
            }
            Ext3[] m = solve(copy(a), rhs);
            assertNotNull(m, "no mask produces the simulated view");
            byte[] honest = prove(s, sum, maskOf(m, degrees), Backends.scalar(), new ProgrammedTranscript(ch));
            assertArrayEquals(bytes(sim), honest);
        }
    }

    private static Ext3[] zeros(int k) {
        Ext3[] z = new Ext3[k];
        Arrays.fill(z, Ext3.ZERO);
        return z;
    }

    private static Ext3[][] copy(Ext3[][] a) {
        Ext3[][] c = new Ext3[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    static int rank(Ext3[][] a) {
        return eliminate(a, null);
    }

    /** Gauss–Jordan elimination over GF(p^3); returns the rank, and reduces {@code rhs} alongside. */
    private static int eliminate(Ext3[][] a, Ext3[] rhs) {
        int rows = a.length, cols = a[0].length, rank = 0;
        for (int col = 0; col < cols && rank < rows; col++) {
            int piv = -1;
            for (int i = rank; i < rows; i++) {
                if (!a[i][col].isZero()) {
                    piv = i;
                    break;
                }
            }
            if (piv < 0) {
                continue;
            }
            Ext3[] tmp = a[piv]; a[piv] = a[rank]; a[rank] = tmp;
            if (rhs != null) {
                Ext3 t = rhs[piv]; rhs[piv] = rhs[rank]; rhs[rank] = t;
            }
            Ext3 inv = a[rank][col].inv();
            for (int j = 0; j < cols; j++) {
                a[rank][j] = a[rank][j].mul(inv);
            }
            if (rhs != null) {
                rhs[rank] = rhs[rank].mul(inv);
            }
            for (int i = 0; i < rows; i++) {
                if (i != rank && !a[i][col].isZero()) {
                    Ext3 f = a[i][col];
                    for (int j = 0; j < cols; j++) {
                        a[i][j] = a[i][j].sub(f.mul(a[rank][j]));
                    }
                    if (rhs != null) {
                        rhs[i] = rhs[i].sub(f.mul(rhs[rank]));
                    }
                }
            }
            rank++;
        }
        return rank;
    }

    /** One solution of a·x = rhs, or null when there is none. */
    private static Ext3[] solve(Ext3[][] a, Ext3[] rhs) {
        int rank = eliminate(a, rhs);
        for (int i = rank; i < a.length; i++) {
            if (!rhs[i].isZero()) {
                return null;
            }
        }
        Ext3[] x = zeros(a[0].length);
        for (int i = 0; i < rank; i++) {
            int lead = 0;
            while (a[i][lead].isZero()) {
                lead++;
            }
            x[lead] = rhs[i];
        }
        return x;
    }
}

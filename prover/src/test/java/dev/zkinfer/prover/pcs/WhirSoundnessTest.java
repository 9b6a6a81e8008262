package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.poly.Mle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WhirSoundnessTest {
    static final int N = 6;
    static PcsParameters params;
    static long[] table;
    static WhirTestSupport.Opening honest;

    @BeforeAll
    static void proveOnce() {
        SplittableRandom rnd = new SplittableRandom(42);
        params = PcsParameters.forSecurity(100, N);
        table = WhirTestSupport.randomTable(rnd, N);
        honest = WhirTestSupport.prove(params, null, table, WhirTestSupport.randomPoints(rnd, N, 2));
        assertDoesNotThrow(() -> WhirTestSupport.verify(honest));
    }

    private static void assertRejected(byte[] root, List<EvaluationClaim> claims, byte[] proof) {
        InvalidProofException e = assertThrows(InvalidProofException.class,
                () -> WhirTestSupport.verify(params, root, claims, proof));
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "rejection must carry a reason");
    }

    @Test
    void rejectsWrongClaimedValue() {
        List<EvaluationClaim> claims = new ArrayList<>(honest.claims());
        EvaluationClaim c = claims.get(1);
        claims.set(1, new EvaluationClaim(c.point(), c.value().add(Ext3.ONE)));
        assertRejected(honest.root(), claims, honest.proof());
    }

    @Test
    void rejectsClaimOnAnotherPoint() {
        List<EvaluationClaim> claims = new ArrayList<>(honest.claims());
        EvaluationClaim c = claims.get(0);
        Ext3[] p = c.point().clone();
        p[3] = p[3].add(Ext3.ONE);
        claims.set(0, new EvaluationClaim(p, c.value()));
        assertRejected(honest.root(), claims, honest.proof());
    }

    @Test
    void rejectsValueOfADifferentPolynomial() {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] other = WhirTestSupport.randomTable(rnd, N);
        List<EvaluationClaim> claims = new ArrayList<>();
        for (EvaluationClaim c : honest.claims()) {
            claims.add(new EvaluationClaim(c.point(), Mle.evaluate(other, c.point())));
        }
        assertRejected(honest.root(), claims, honest.proof());
        // and an honest proof for B presented against A's root
        List<Ext3[]> points = honest.claims().stream().map(EvaluationClaim::point).toList();
        WhirTestSupport.Opening b = WhirTestSupport.prove(params, null, other, points);
        assertRejected(honest.root(), b.claims(), b.proof());
    }

    @Test
    void rejectsWrongRootAndWrongParameters() {
        byte[] root = honest.root().clone();
        root[0] ^= 1;
        assertRejected(root, honest.claims(), honest.proof());
        PcsParameters strong = PcsParameters.forSecurity(128, N);
        assertThrows(InvalidProofException.class,
                () -> WhirTestSupport.verify(strong, honest.root(), honest.claims(), honest.proof()));
    }

    @Test
    void rejectsEverySingleByteFlipOfTheProof() {
        byte[] proof = honest.proof();
        for (int i = 0; i < proof.length; i++) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            try {
                WhirTestSupport.verify(params, honest.root(), honest.claims(), bad);
                fail("accepted a proof with byte " + i + " of " + proof.length + " flipped");
            } catch (InvalidProofException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
    }

    /**
     * The last round's query answers are checked by the final sumcheck (proof version 22): a cheating prover
     * that sends another final polynomial, changed so that the sum the earlier rounds fixed (Σ w·f) still holds,
     * and runs the final sumcheck honestly on it, is rejected, with one round (N = 6) and with two; so is one
     * whose change breaks that sum. The same prover without a change verifies.
     */
    @Test
    void rejectsAnotherFinalPolynomialThatKeepsTheSumcheckClaim() {
        SplittableRandom rnd = new SplittableRandom(5);
        PcsParameters two = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 10, 2, 4, 16, 4);
        for (PcsParameters p : List.of(params, two)) {
            long[] t = WhirTestSupport.randomTable(rnd, p.numVars());
            List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, p.numVars(), 2);
            WhirProver prover = new WhirProver(p);
            prover.cheatFinalForTests = (f, w) -> {};
            assertDoesNotThrow(() -> WhirTestSupport.verify(WhirTestSupport.prove(prover, t, points)), p.toString());
            Ext3 delta = WhirTestSupport.randomExt(rnd);
            prover.cheatFinalForTests = (f, w) -> {
                // f_0 += δ·w_1, f_1 −= δ·w_0: Σ_b w(b)·f(b) unchanged
                Ext3 f0 = Ext3.get(f, 0), f1 = Ext3.get(f, 1);
                Ext3.set(f, 0, f0.add(delta.mul(Ext3.get(w, 1))));
                Ext3.set(f, 1, f1.sub(delta.mul(Ext3.get(w, 0))));
            };
            WhirTestSupport.Opening kept = WhirTestSupport.prove(prover, t, points);
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(kept), "sum kept, " + p);
            prover.cheatFinalForTests = (f, w) -> Ext3.set(f, 0, Ext3.get(f, 0).add(delta));
            WhirTestSupport.Opening broken = WhirTestSupport.prove(prover, t, points);
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(broken), "sum broken, " + p);
        }
    }

    /**
     * Johnson-bound regime with two committed rounds: the out-of-domain answers (of f̂ at the
     * start, of g_1 after its root) are checked; a changed answer, or any byte flipped in the
     * first part of the proof (answers, sumcheck messages, root, nonce, first leaves), is rejected.
     */
    @Test
    void rejectsTamperedOutOfDomainAnswers() throws Exception {
        int n = 10;
        PcsParameters jb = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, n, 2, 4, 16, 4);
        assertTrue(jb.numRounds() == 2 && jb.oodSamples() == 1, jb.toString());
        SplittableRandom rnd = new SplittableRandom(99);
        long[] t = WhirTestSupport.randomTable(rnd, n);
        WhirTestSupport.Opening o = WhirTestSupport.prove(jb, null, t, WhirTestSupport.randomPoints(rnd, n, 1));
        WhirTestSupport.verify(o);
        int roundZeroSumcheck = jb.foldVars(0) * 72;
        int[] answers = {0, 24 + roundZeroSumcheck + 32};
        for (int at : answers) {
            byte[] bad = o.proof().clone();
            dev.zkinfer.encoding.ProofReader r = new dev.zkinfer.encoding.ProofReader(Arrays.copyOfRange(bad, at, at + 24));
            Ext3 u = r.ext("answer").add(Ext3.ONE);
            byte[] enc = new dev.zkinfer.encoding.ProofWriter().ext(u).toByteArray();
            System.arraycopy(enc, 0, bad, at, 24);
            InvalidProofException e = assertThrows(InvalidProofException.class,
                    () -> WhirTestSupport.verify(jb, o.root(), o.claims(), bad), "changed answer at byte " + at);
            assertFalse(e.getMessage().isBlank());
        }
        for (int i = 0; i < 700; i++) {
            byte[] bad = o.proof().clone();
            bad[i] ^= (byte) (1 << (i % 8));
            int at = i;
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(jb, o.root(), o.claims(), bad),
                    "accepted a flip of byte " + at);
        }
    }

    /**
     * Rate 1/2 (the named profiles' rate from 2^26 values on, {@link PcsParameters#MAX_RATE_QUARTER_VARS}),
     * encoded again when opened as a 2^26-value commitment is ({@link WhirProver#keepsEncoding}): an
     * honest opening verifies; a wrong value, a claim elsewhere, any flipped byte, a truncation and
     * another polynomial's root are rejected.
     */
    @Test
    void rejectsCheatingOpeningsAtRateOneHalf() throws Exception {
        int n = 8;
        SplittableRandom rnd = new SplittableRandom(7);
        PcsParameters half = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, n, 1, 4, 8, 4);
        assertEquals(1, half.logInvRate());
        long[] t = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, 2);
        WhirProver reencoding = new WhirProver(half, dev.zkinfer.prover.backend.Backends.get(), 0);
        assertFalse(reencoding.keepsEncoding());
        PcsProver.Committed c = reencoding.commit(t, n);
        dev.zkinfer.transcript.Sha256Transcript tr = new dev.zkinfer.transcript.Sha256Transcript(WhirTestSupport.TAG);
        tr.absorbBytes("root", c.root());
        dev.zkinfer.encoding.ProofWriter out = new dev.zkinfer.encoding.ProofWriter();
        Ext3[] values = reencoding.open(c, points, out, tr);
        List<EvaluationClaim> claims = List.of(new EvaluationClaim(points.get(0), values[0]),
                new EvaluationClaim(points.get(1), values[1]));
        byte[] proof = out.toByteArray();
        // the same bytes as a prover that kept its encoding, and as one that kept its codeword alone (a 2^26-value commitment)
        assertArrayEquals(proof, WhirTestSupport.prove(half, null, t, points).proof());
        WhirProver codewordOnly = new WhirProver(half, dev.zkinfer.prover.backend.Backends.get(), WhirProver.MAX_KEPT_CODEWORD_LONGS, 0,
                WhirProver.STREAM_CHUNK_VARS);
        assertTrue(codewordOnly.keepsCodeword() && !codewordOnly.keepsEncoding());
        PcsProver.Committed kept = codewordOnly.commit(t, n);
        assertArrayEquals(c.root(), kept.root());
        dev.zkinfer.transcript.Sha256Transcript tr2 = new dev.zkinfer.transcript.Sha256Transcript(WhirTestSupport.TAG);
        tr2.absorbBytes("root", kept.root());
        dev.zkinfer.encoding.ProofWriter out2 = new dev.zkinfer.encoding.ProofWriter();
        codewordOnly.open(kept, points, out2, tr2);
        assertArrayEquals(proof, out2.toByteArray());
        WhirTestSupport.verify(half, c.root(), claims, proof);

        assertRejectsTampering(half, c.root(), claims, proof, 7, new int[] {0, proof.length / 2, proof.length - 1}, rnd, n);
    }

    /**
     * The model-commitment shape ({@link PcsParameters#forModelCommitment}): rate 1/4 with round 0's
     * own domain shrink of 3, made as a commitment too large to keep its codeword is (written to a
     * file, round 0 streamed, round 1's codeword encoded block by block): the same bytes as a prover
     * that keeps everything; an honest opening verifies; a wrong value, a claim elsewhere, flipped
     * bytes, a truncation, another root and the same proof read with the plain shrink are rejected.
     */
    @Test
    void rejectsCheatingOpeningsWithRoundZerosOwnShrink() throws Exception {
        int n = 10;
        SplittableRandom rnd = new SplittableRandom(11);
        PcsParameters own = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, n, 2, 4, 8, 2, 2, 3);
        assertTrue(own.numRounds() == 2 && own.logDomainSize(1) == n + 2 - 3 && own.oodSamples() == 1, own.toString());
        long[] t = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, 2);
        WhirProver large = new WhirProver(own, dev.zkinfer.prover.backend.Backends.get(), 0);
        assertTrue(large.streamsRoundZero());
        PcsProver.Committed c = large.commit(t, n);
        dev.zkinfer.transcript.Sha256Transcript tr = new dev.zkinfer.transcript.Sha256Transcript(WhirTestSupport.TAG);
        tr.absorbBytes("root", c.root());
        dev.zkinfer.encoding.ProofWriter out = new dev.zkinfer.encoding.ProofWriter();
        Ext3[] values = large.open(c, points, out, tr);
        List<EvaluationClaim> claims = List.of(new EvaluationClaim(points.get(0), values[0]),
                new EvaluationClaim(points.get(1), values[1]));
        byte[] proof = out.toByteArray();
        assertArrayEquals(proof, WhirTestSupport.prove(own, null, t, points).proof());
        // and as one streaming round 0 in chunks of 2^6 values (a large commitment's 2^20)
        WhirProver chunked = new WhirProver(own, dev.zkinfer.prover.backend.Backends.get(), 0, 6);
        PcsProver.Committed cc = chunked.commit(t, n);
        assertArrayEquals(c.root(), cc.root());
        dev.zkinfer.transcript.Sha256Transcript tc = new dev.zkinfer.transcript.Sha256Transcript(WhirTestSupport.TAG);
        tc.absorbBytes("root", cc.root());
        dev.zkinfer.encoding.ProofWriter oc = new dev.zkinfer.encoding.ProofWriter();
        chunked.open(cc, points, oc, tc);
        assertArrayEquals(proof, oc.toByteArray());
        WhirTestSupport.verify(own, c.root(), claims, proof);

        assertRejectsTampering(own, c.root(), claims, proof, 17, new int[] {0, proof.length / 2, proof.length - 1, proof.length + 1}, rnd, n);
        // the shape is bound: the same rate and queries with the plain shrink read the proof differently
        PcsParameters plain = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, n, 2, 4, 8, 2, 2, 2);
        assertEquals(own.queries(0), plain.queries(0));
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(plain, c.root(), claims, proof));
    }

    @Test
    void rejectsTruncatedEmptyAndTrailingBytes() {
        byte[] proof = honest.proof();
        for (int len : new int[] {0, 1, 8, 24, proof.length / 2, proof.length - 1}) {
            assertRejected(honest.root(), honest.claims(), Arrays.copyOf(proof, len));
        }
        assertRejected(honest.root(), honest.claims(), Arrays.copyOf(proof, proof.length + 1));
    }

    @Test
    void rejectsMalformedClaimsWithoutOtherExceptions() {
        assertRejected(honest.root(), List.of(), honest.proof());
        Ext3[] shortPoint = new Ext3[N - 1];
        Arrays.fill(shortPoint, Ext3.ONE);
        assertRejected(honest.root(), List.of(new EvaluationClaim(shortPoint, Ext3.ONE)), honest.proof());
        Ext3[] withNull = new Ext3[N];
        assertRejected(honest.root(), List.of(new EvaluationClaim(withNull, Ext3.ONE)), honest.proof());
        Ext3[] p = honest.claims().get(0).point();
        assertRejected(honest.root(), List.of(new EvaluationClaim(p, new Ext3(-1L, 0, 0))), honest.proof());
        assertRejected(new byte[5], honest.claims(), honest.proof());
    }

    @Test
    void fuzzedProofsOnlyEverYieldInvalidProofException() {
        SplittableRandom rnd = new SplittableRandom(2024);
        PcsParameters fast = PcsParameters.insecureForTests(5, 2);
        long[] t = WhirTestSupport.randomTable(rnd, 5);
        WhirTestSupport.Opening o = WhirTestSupport.prove(fast, null, t, WhirTestSupport.randomPoints(rnd, 5, 1));
        assertDoesNotThrow(() -> WhirTestSupport.verify(o));
        byte[] proof = o.proof();
        long start = System.nanoTime();
        int rejected = 0;
        for (int iter = 0; iter < 4000; iter++) {
            byte[] bad;
            switch (iter % 4) {
                case 0 -> {
                    bad = new byte[rnd.nextInt(2 * proof.length + 1)];
                    rnd.nextBytes(bad);
                }
                case 1 -> {
                    bad = proof.clone();
                    for (int m = 1 + rnd.nextInt(8); m > 0; m--) {
                        bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 2 -> {
                    bad = Arrays.copyOf(proof, rnd.nextInt(proof.length + 64));
                    for (int m = 0; m < 4; m++) {
                        int at = rnd.nextInt(bad.length == 0 ? 1 : bad.length);
                        if (at < bad.length) {
                            bad[at] = (byte) 0xFF;
                        }
                    }
                }
                default -> {
                    // splice two halves of the proof at random offsets
                    int cut = rnd.nextInt(proof.length);
                    int from = rnd.nextInt(proof.length);
                    bad = Arrays.copyOf(proof, cut + proof.length - from);
                    System.arraycopy(proof, from, bad, cut, proof.length - from);
                }
            }
            if (Arrays.equals(bad, proof)) {
                continue;
            }
            try {
                WhirTestSupport.verify(fast, o.root(), o.claims(), bad);
                fail("accepted a fuzzed proof at iteration " + iter);
            } catch (InvalidProofException expected) {
                rejected++;
            } catch (RuntimeException | Error other) {
                fail("verifier threw " + other + " at iteration " + iter);
            }
        }
        assertTrue(rejected > 3900);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "fuzzing took too long");
    }

    /**
     * The rejection suite of an honest two-point opening: a changed value, the first point claimed with the
     * second's value, every {@code step}-th byte flipped, the proof cut or grown to each of {@code lengths},
     * and another commitment's root.
     */
    private static void assertRejectsTampering(PcsParameters p, byte[] root, List<EvaluationClaim> claims, byte[] proof, int step,
            int[] lengths, SplittableRandom rnd, int n) throws Exception {
        EvaluationClaim a = claims.get(0), b = claims.get(1);
        List<List<EvaluationClaim>> wrong = List.of(
                List.of(new EvaluationClaim(a.point(), a.value().add(Ext3.ONE)), b),
                List.of(a, new EvaluationClaim(a.point(), b.value())));
        for (List<EvaluationClaim> w : wrong) {
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(p, root, w, proof));
        }
        for (int i = 0; i < proof.length; i += step) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(p, root, claims, bad), "byte " + i);
        }
        for (int len : lengths) {
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(p, root, claims, Arrays.copyOf(proof, len)));
        }
        byte[] otherRoot = new WhirProver(p).commit(WhirTestSupport.randomTable(rnd, n), n).root();
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(p, otherRoot, claims, proof));
    }
}

package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.pcs.BlockWeight;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.MonomialWeights;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.PowerWeights;
import dev.zkinfer.pcs.WeightedClaim;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Weighted opening claims Σ_b w(b)·f̂(b) = v on a block, alone and batched with evaluation claims. */
class WhirWeightedClaimsTest {
    static final int N = 10;

    record Statement(PcsParameters params, byte[] root, List<EvaluationClaim> claims, List<WeightedClaim> weighted, byte[] proof) {}

    static Statement prove(PcsParameters params, long[] table, List<Ext3[]> points, List<BlockWeight> weights, List<Long> blocks) {
        WhirProver prover = new WhirProver(params);
        PcsProver.Committed c = prover.commit(table, params.numVars());
        Sha256Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        List<EvaluationClaim> ood = prover.outOfDomain(c, out, t);
        List<Ext3> values = new ArrayList<>();
        List<EvaluationClaim> claims = new ArrayList<>();
        for (Ext3[] z : points) {
            Ext3 v = prover.evaluate(c, z);
            values.add(v);
            claims.add(new EvaluationClaim(z, v));
        }
        List<WeightedClaim> weighted = new ArrayList<>();
        for (int j = 0; j < weights.size(); j++) {
            weighted.add(new WeightedClaim(weights.get(j), blocks.get(j), prover.weightedSum(c, weights.get(j), blocks.get(j))));
        }
        prover.open(c, ood, points, values, weighted, out, t);
        return new Statement(params, c.root(), claims, weighted, out.toByteArray());
    }

    static void verify(Statement s, List<EvaluationClaim> claims, List<WeightedClaim> weighted, byte[] proof)
            throws InvalidProofException {
        Sha256Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", s.root());
        ProofReader r = new ProofReader(proof);
        WhirVerifier v = new WhirVerifier(s.params());
        List<EvaluationClaim> ood = v.readOutOfDomain(s.root(), r, t);
        v.verifyOpening(s.root(), s.params().numVars(), ood, claims, weighted, r, t);
        r.finish();
    }

    static void verify(Statement s) throws InvalidProofException {
        verify(s, s.claims(), s.weighted(), s.proof());
    }

    static Ext3 brute(long[] table, BlockWeight w, long block) {
        long[] wt = w.table();
        Ext3 sum = Ext3.ZERO;
        for (int b = 0; b < (1 << w.numVars()); b++) {
            sum = sum.add(Ext3.get(wt, b).mul(table[(int) (block << w.numVars()) + b]));
        }
        return sum;
    }

    private static PowerWeights powerWeights(SplittableRandom rnd, int rows, int terms) {
        return new PowerWeights(WhirTestSupport.randomPoints(rnd, rows, 1).get(0), terms);
    }

    private static MonomialWeights tensorMask(SplittableRandom rnd) {
        return new MonomialWeights(WhirTestSupport.randomPoints(rnd, 2, 1).get(0), new int[] {3, 2});
    }

    @Test
    void weightedClaimsAloneVerifyOnBothRegimes() throws Exception {
        SplittableRandom rnd = new SplittableRandom(1);
        long[] table = WhirTestSupport.randomTable(rnd, N);
        for (PcsParameters params : new PcsParameters[] {PcsParameters.forSecurity(100, N), PcsParameters.insecureForTests(N, 3)}) {
            PowerWeights pw = powerWeights(rnd, 5, 4); // 2 + 3 + 2 = 7 variables: blocks 0..7
            Statement s = prove(params, table, List.of(), List.of(pw), List.of(6L));
            assertEquals(brute(table, pw, 6), s.weighted().get(0).value());
            verify(s);
        }
    }

    @Test
    void mixedBatchesOfEvaluationAndWeightedClaimsVerify() throws Exception {
        SplittableRandom rnd = new SplittableRandom(2);
        long[] table = WhirTestSupport.randomTable(rnd, N);
        PcsParameters params = PcsParameters.forSecurity(100, N);
        List<BlockWeight> weights = List.of(powerWeights(rnd, 3, 3), tensorMask(rnd), tensorMask(rnd), powerWeights(rnd, 1, 8));
        List<Long> blocks = List.of(3L, 0L, 31L, 20L);
        Statement s = prove(params, table, WhirTestSupport.randomPoints(rnd, N, 2), weights, blocks);
        for (int j = 0; j < weights.size(); j++) {
            assertEquals(brute(table, weights.get(j), blocks.get(j)), s.weighted().get(j).value());
        }
        verify(s);
    }

    /** A weight covering the whole hypercube (k = n, one block) works too. */
    @Test
    void aWeightOverTheWholePolynomialVerifies() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 7;
        PcsParameters params = PcsParameters.forSecurity(100, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        Statement s = prove(params, table, WhirTestSupport.randomPoints(rnd, n, 1), List.of(powerWeights(rnd, 5, 4)), List.of(0L));
        verify(s);
    }

    @Test
    void rejectsAWrongWeightedValueAWrongBlockAndAnotherWeight() {
        SplittableRandom rnd = new SplittableRandom(4);
        long[] table = WhirTestSupport.randomTable(rnd, N);
        PcsParameters params = PcsParameters.forSecurity(100, N);
        PowerWeights pw = powerWeights(rnd, 4, 3);
        Statement s = prove(params, table, WhirTestSupport.randomPoints(rnd, N, 1), List.of(pw, tensorMask(rnd)), List.of(2L, 5L));
        assertDoesNotThrow(() -> verify(s));
        List<List<WeightedClaim>> bad = new ArrayList<>();
        WeightedClaim c0 = s.weighted().get(0), c1 = s.weighted().get(1);
        bad.add(List.of(new WeightedClaim(c0.weight(), c0.block(), c0.value().add(Ext3.ONE)), c1));
        bad.add(List.of(c0, new WeightedClaim(c1.weight(), c1.block(), c1.value().sub(Ext3.ONE))));
        bad.add(List.of(new WeightedClaim(c0.weight(), c0.block() + 1, c0.value()), c1));
        bad.add(List.of(new WeightedClaim(powerWeights(rnd, 4, 3), c0.block(), c0.value()), c1));
        bad.add(List.of(c1, c0)); // order matters: γ powers are assigned in order
        bad.add(List.of(c0));
        for (List<WeightedClaim> w : bad) {
            InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(s, s.claims(), w, s.proof()));
            assertFalse(e.getMessage().isBlank());
        }
        // and the evaluation claim still matters in a mixed batch
        EvaluationClaim e0 = s.claims().get(0);
        assertThrows(InvalidProofException.class,
                () -> verify(s, List.of(new EvaluationClaim(e0.point(), e0.value().add(Ext3.ONE))), s.weighted(), s.proof()));
        // blocks outside the hypercube are refused without other exceptions
        assertThrows(InvalidProofException.class,
                () -> verify(s, s.claims(), List.of(new WeightedClaim(c0.weight(), 1L << 20, c0.value()), c1), s.proof()));
    }

    @Test
    void rejectsEverySingleByteFlipOfAMixedOpening() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 6;
        PcsParameters params = PcsParameters.forSecurity(100, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        Statement s = prove(params, table, WhirTestSupport.randomPoints(rnd, n, 1), List.of(tensorMask(rnd)), List.of(1L));
        assertDoesNotThrow(() -> verify(s));
        byte[] proof = s.proof();
        for (int i = 0; i < proof.length; i++) {
            byte[] b = proof.clone();
            b[i] ^= (byte) (1 << (i % 8));
            int at = i;
            assertThrows(InvalidProofException.class, () -> verify(s, s.claims(), s.weighted(), b), "byte " + at);
        }
        for (int len : new int[] {0, proof.length / 3, proof.length - 1}) {
            assertThrows(InvalidProofException.class, () -> verify(s, s.claims(), s.weighted(), java.util.Arrays.copyOf(proof, len)));
        }
    }

    /** With no weighted claim the opening is byte for byte the evaluation-claim opening of before. */
    @Test
    void evaluationOnlyOpeningsAreUnchanged() throws Exception {
        SplittableRandom rnd = new SplittableRandom(6);
        PcsParameters params = PcsParameters.forSecurity(100, N);
        long[] table = WhirTestSupport.randomTable(rnd, N);
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, N, 2);
        WhirTestSupport.Opening old = WhirTestSupport.prove(params, null, table, points);
        Statement now = prove(params, table, points, List.of(), List.of());
        assertArrayEquals(old.proof(), now.proof());
        verify(now);
    }
}

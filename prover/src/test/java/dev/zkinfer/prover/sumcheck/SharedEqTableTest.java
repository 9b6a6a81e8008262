package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.*;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomExt;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomMask;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.TestBackends;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zero-knowledge max-pool's derived sumcheck (MaxPoolLayerProver.proveDerivedZeroKnowledge):
 * eq(τ, ·)·Π_w d_w + Σ_w β^(w+1)·eq(ρ_w, ·)·d_w with every d_w masked. When the gaps' claims share
 * their point the prover adds one eq(ρ, ·) table for all four terms instead of one per term: the
 * statement is the same, so the masked-claims proof must be byte for byte the one with four copies,
 * on the scalar, the default and the native backend, from 2 to 12 variables (both sides of the
 * native kernels' thresholds).
 */
class SharedEqTableTest {
    private static SumcheckInstance instance(int n, Ext3[] tau, Ext3[] rho, long[][] d, TensorMask[] masks, Ext3 beta, boolean shared) {
        SumcheckInstance inst = new SumcheckInstance(n);
        int[] prod = new int[d.length + 1];
        prod[0] = inst.addTable(Mle.eqTable(tau));
        int eq = -1;
        Ext3 pw = beta;
        for (int w = 0; w < d.length; w++) {
            prod[w + 1] = inst.addBaseTable(d[w].clone());
            inst.maskTable(prod[w + 1], Ext3.ONE, masks[w], 0, null);
            if (!shared || eq < 0) {
                eq = inst.addTable(Mle.eqTable(rho));
            }
            inst.addTerm(pw, eq, prod[w + 1]);
            pw = pw.mul(beta);
        }
        inst.addTerm(Ext3.ONE, prod);
        return inst;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 8, 12})
    void oneEqTableForTermsOfOnePointGivesTheSameProof(int n) {
        SplittableRandom rnd = new SplittableRandom(2900 + n);
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar(), Backends.get()));
        if (TestBackends.nativeFrom(0) != null) {
            backends.add(TestBackends.nativeFrom(0));
        }
        for (Backend backend : backends) {
            Ext3[] tau = new Ext3[n], rho = new Ext3[n];
            for (int i = 0; i < n; i++) {
                tau[i] = randomExt(rnd);
                rho[i] = randomExt(rnd);
            }
            long[][] d = new long[4][1 << n];
            TensorMask[] masks = new TensorMask[4];
            for (int w = 0; w < 4; w++) {
                for (int i = 0; i < d[w].length; i++) {
                    d[w][i] = rnd.nextInt(256);
                }
                masks[w] = randomMask(rnd, w % 3);
            }
            Ext3 beta = randomExt(rnd);
            SumcheckInstance copies = instance(n, tau, rho, d, masks, beta, false);
            SumcheckInstance one = instance(n, tau, rho, d, masks, beta, true);
            assertEquals(9, copies.numTables());
            assertEquals(6, one.numTables());
            int[] degrees = copies.roundDegrees();
            assertArrayEquals(degrees, one.roundDegrees());
            Ext3 sum = copies.sum();
            assertEquals(sum, one.sum());
            TensorMask[] claimMasks = {randomMask(rnd, 1)};
            Ext3[] c = {beta.mul(TensorMask.vanishing(rho))};
            Ext3[] x0 = {rho[0]};
            long seed = rnd.nextLong();
            byte[][] proofs = new byte[2][];
            Ext3[][] points = new Ext3[2][];
            for (int k = 0; k < 2; k++) {
                SumcheckMask g = SumcheckProver.randomMask(MaskedSumcheck.withWRound(degrees), new SplittableRandom(seed));
                ProofWriter out = new ProofWriter();
                var res = new SumcheckProver(backend).proveMaskedClaims(k == 0 ? copies : one, sum, degrees, claimMasks, c, x0, g, out,
                        new Sha256Transcript("maxpool"));
                proofs[k] = out.toByteArray();
                points[k] = res.point();
            }
            String what = "n = " + n + " (" + backend.getClass().getSimpleName() + ")";
            assertArrayEquals(proofs[0], proofs[1], what);
            assertArrayEquals(points[0], points[1], what);
        }
    }
}

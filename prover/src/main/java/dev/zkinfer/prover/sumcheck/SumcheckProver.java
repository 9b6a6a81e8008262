package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.SumcheckKernels;
import dev.zkinfer.transcript.Transcript;

/**
 * Prover of the sum-of-products sumcheck; the wire format and transcript order are those of
 * {@link dev.zkinfer.sumcheck.SumcheckVerifier}. Prover time O(2^n · (#factors + #terms·d)),
 * in the backend's kernels.
 */
public final class SumcheckProver {
    private final SumcheckKernels kernels;

    public SumcheckProver(Backend backend) {
        this.kernels = backend.sumcheck();
    }

    /** The random point and the evaluation of every table of the instance at that point. */
    public record Result(Ext3[] point, Ext3[] tableEvaluations) {}

    /**
     * Proves Σ g = claimedSum, writing the round messages to {@code out}. The degree sent per
     * round is {@link SumcheckInstance#degree()}, which the verifier must use too.
     */
    public Result prove(SumcheckInstance instance, Ext3 claimedSum, ProofWriter out, Transcript transcript) {
        int n = instance.numVars();
        int degree = instance.degree();
        long[][] tables = instance.tables();
        boolean[] isBase = instance.baseFlags();
        int[][] terms = instance.terms();
        Ext3[] coefficients = instance.coefficients();
        transcript.absorbExt("sumcheck/claim", claimedSum);
        Ext3 claim = claimedSum;
        Ext3[] point = new Ext3[n];
        long[] message = new long[3 * degree];
        Ext3[] evals = new Ext3[degree + 1];
        long[] sums = n == 0 ? null : kernels.roundSums(tables, isBase, terms, 1 << (n - 1), degree);
        for (int k = 0; k < n; k++) {
            int half = 1 << (n - 1 - k);
            // message[i] = Σ_t c_t · S[t][i]   (i indexes x = 0, 2, ..., d)
            for (int i = 0; i < degree; i++) {
                Ext3 v = Ext3.ZERO;
                for (int t = 0; t < terms.length; t++) {
                    v = v.add(Ext3.get(sums, t * degree + i).mul(coefficients[t]));
                }
                Ext3.set(message, i, v);
            }
            for (int i = 0; i < degree; i++) {
                out.ext(Ext3.get(message, i));
            }
            transcript.absorbExts("sumcheck/round", message, 0, degree);
            evals[0] = Ext3.get(message, 0);
            evals[1] = claim.sub(evals[0]);
            for (int x = 2; x <= degree; x++) {
                evals[x] = Ext3.get(message, x - 1);
            }
            Ext3 r = transcript.challengeExt("sumcheck/challenge");
            point[k] = r;
            claim = Univariate.evaluate(evals, r);
            if (k + 1 < n) {
                // fold by r and compute the next round's sums (one fused pass where the backend can)
                sums = kernels.foldAndRoundSums(tables, k == 0 ? isBase : null, terms, half, degree, r);
            } else {
                for (int f = 0; f < tables.length; f++) {
                    if (k == 0 && isBase[f]) {
                        tables[f] = kernels.foldBase(tables[f], half, r);
                    } else {
                        kernels.fold(tables[f], half, r);
                    }
                }
            }
        }
        Ext3[] finals = new Ext3[tables.length];
        for (int f = 0; f < tables.length; f++) {
            finals[f] = n == 0 && isBase[f] ? Ext3.of(tables[f][0]) : Ext3.get(tables[f], 0);
        }
        return new Result(point, finals);
    }
}

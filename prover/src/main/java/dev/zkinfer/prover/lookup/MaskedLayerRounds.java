package dev.zkinfer.prover.lookup;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.backend.LogUpKernels;
import dev.zkinfer.prover.sumcheck.SumcheckRounds;
import dev.zkinfer.sumcheck.TensorMask;

/**
 * The rounds of a zero-knowledge layer reduction (docs/zero-knowledge.md §3.6): the sumcheck of
 * Σ_x eq(r, x)·[p̂_0q̂_1 + p̂_1q̂_0 + λ·q̂_0q̂_1](x) over the children halves masked by Z·R
 * (δ = 0: T̂ = T + Z·S_T with S_T = Σ_w R_T constant). Z vanishes while a variable is still
 * summed over {0, 1}, so every round but the last is the integrity layer's ({@link LayerSumcheck},
 * degree 3); the last round, over the two remaining entries, adds X(1 − X)·Z(ρ_<)·S_T to each
 * half and has degree 5. Its sum is the unmasked layer's. One sumcheck's state: not thread-safe.
 */
final class MaskedLayerRounds implements SumcheckRounds {
    private final LayerSumcheck inner;
    private final int k;
    private final Ext3[] r;
    private final Ext3 lambda;
    private final Ext3[] maskSums = new Ext3[4];
    private Ext3 zBound = Ext3.ONE;
    private Ext3[][] last;
    private Ext3[] finals;

    MaskedLayerRounds(LogUpKernels kernels, FractionLayer children, Ext3[] r, Ext3 lambda, TensorMask[] halfMasks) {
        this.inner = LayerSumcheck.rounds(kernels, children, r, lambda);
        this.k = r.length;
        this.r = r;
        this.lambda = lambda;
        for (int h = 0; h < 4; h++) {
            if (halfMasks[h].degree() != 0) {
                throw new IllegalArgumentException("a layer half's mask has degree 0 in x_0");
            }
            maskSums[h] = halfMasks[h].cubeSum(Ext3.ZERO);
        }
    }

    /** The four masked halves at X, then G = p̂_0q̂_1 + p̂_1q̂_0 + λ·q̂_0q̂_1. */
    private Ext3 g(Ext3 x, Ext3[] halves) {
        Ext3 bump = zBound.mul(x.mul(Ext3.ONE.sub(x)));
        for (int h = 0; h < 4; h++) {
            Ext3 t0 = last[h][0], t1 = last[h][1];
            halves[h] = t0.add(x.mul(t1.sub(t0))).add(bump.mul(maskSums[h]));
        }
        return halves[0].mul(halves[3]).add(halves[1].mul(halves[2])).add(lambda.mul(halves[2].mul(halves[3])));
    }

    @Override
    public long[] message(int round, Ext3 claim) {
        if (round < k - 1) {
            return inner.message(round, claim);
        }
        last = inner.lastRoundTables();
        Ext3 alpha = inner.boundEq();
        Ext3 ri = r[k - 1];
        long[] message = new long[3 * 5];
        Ext3[] halves = new Ext3[4];
        for (int i = 0; i < 5; i++) {
            Ext3 x = Ext3.of(i == 0 ? 0 : i + 1);
            Ext3 eq = Ext3.ONE.sub(ri).mul(Ext3.ONE.sub(x)).add(ri.mul(x));
            Ext3.set(message, i, alpha.mul(eq).mul(g(x, halves)));
        }
        return message;
    }

    @Override
    public void bind(int round, Ext3 rho) {
        if (round < k - 1) {
            inner.bind(round, rho);
            zBound = zBound.mul(rho.mul(Ext3.ONE.sub(rho)));
            return;
        }
        finals = new Ext3[4];
        g(rho, finals);
    }

    /** p̂_0(ρ), p̂_1(ρ), q̂_0(ρ), q̂_1(ρ), once every round is bound. */
    Ext3[] finals() {
        return finals;
    }
}

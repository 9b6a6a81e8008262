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
 *
 * <p>The children may come as their two halves (the last variable 0 and 1, {@link LogUpGkrProver}'s
 * zero-knowledge tree, whose right half is one mask segment and padding): every round but the last
 * is then (1 − r_last)·s_0(X) + r_last·s_1(X) for the halves' own layer sumchecks over the other
 * variables, each with its padding suffix skipped. Their claims split the claim: the right half's
 * sum is computed directly from its few live entries, the left one's follows.
 */
final class MaskedLayerRounds implements SumcheckRounds {
    private final LayerSumcheck inner;
    /** The halves' rounds (the children given as halves), or null. */
    private final LayerSumcheck[] split;
    /** The halves' own claims in the current round (split only). */
    private Ext3[] splitClaims;
    /** The halves' last round messages at 0, 1, 2, 3 (split only). */
    private Ext3[][] splitValues;
    private final int k;
    private final Ext3[] r;
    private final Ext3 lambda;
    private final Ext3[] maskSums = new Ext3[4];
    private Ext3 zBound = Ext3.ONE;
    private Ext3[][] last;
    private Ext3[] finals;

    MaskedLayerRounds(LogUpKernels kernels, FractionLayer children, Ext3[] r, Ext3 lambda, TensorMask[] halfMasks) {
        this(LayerSumcheck.rounds(kernels, children, r, lambda), null, r, lambda, halfMasks);
    }

    /**
     * The children as their two halves (top index bit 0: {@code left}, 1: {@code right}, 2^(k−1)
     * pairs each for a k-variable point, k ≥ 2); the same messages as with the children whole.
     */
    MaskedLayerRounds(LogUpKernels kernels, FractionLayer left, FractionLayer right, Ext3[] r, Ext3 lambda, TensorMask[] halfMasks) {
        this(null, halves(kernels, left, right, r, lambda), r, lambda, halfMasks);
        this.splitClaims = new Ext3[] {null, rightSum(right, java.util.Arrays.copyOf(r, r.length - 1), lambda)};
    }

    private static LayerSumcheck[] halves(LogUpKernels kernels, FractionLayer left, FractionLayer right, Ext3[] r, Ext3 lambda) {
        if (r.length < 2 || left.logSize != r.length || right.logSize != r.length) {
            throw new IllegalArgumentException("halves of 2^" + left.logSize + " and 2^" + right.logSize + " children for a "
                    + r.length + "-variable claim");
        }
        Ext3[] rest = java.util.Arrays.copyOf(r, r.length - 1);
        return new LayerSumcheck[] {LayerSumcheck.rounds(kernels, left, rest, lambda), LayerSumcheck.rounds(kernels, right, rest, lambda)};
    }

    /**
     * Σ_x eq(r, x)·[p_0q_1 + p_1q_0 + λ·q_0q_1](x) over one half's pairs, from its live pairs (few:
     * the right half), padding pairs contributing λ·eq(r, x).
     */
    private static Ext3 rightSum(FractionLayer half, Ext3[] r, Ext3 lambda) {
        int pairs = (half.live + 1) / 2;
        Ext3 sum = lambda.mul(Ext3.ONE.sub(LayerSumcheck.eqPrefixSum(r, 0, pairs)));
        for (int x = 0; x < pairs; x++) {
            Ext3 eq = Ext3.ONE;
            for (int l = 0; l < r.length; l++) {
                eq = eq.mul((x >>> l & 1) != 0 ? r[l] : Ext3.ONE.sub(r[l]));
            }
            Ext3 p0 = Ext3.get(half.p, 2 * x), p1 = Ext3.get(half.p, 2 * x + 1);
            Ext3 q0 = Ext3.get(half.q, 2 * x), q1 = Ext3.get(half.q, 2 * x + 1);
            sum = sum.add(eq.mul(p0.mul(q1).add(p1.mul(q0)).add(lambda.mul(q0.mul(q1)))));
        }
        return sum;
    }

    private MaskedLayerRounds(LayerSumcheck inner, LayerSumcheck[] split, Ext3[] r, Ext3 lambda, TensorMask[] halfMasks) {
        this.inner = inner;
        this.split = split;
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
            return split == null ? inner.message(round, claim) : splitMessage(round, claim);
        }
        last = split == null ? inner.lastRoundTables() : splitLastRoundTables();
        Ext3 alpha = split == null ? inner.boundEq() : split[0].boundEq();
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
            if (split == null) {
                inner.bind(round, rho);
            } else {
                for (int h = 0; h < 2; h++) {
                    splitClaims[h] = dev.zkinfer.poly.Univariate.evaluate(splitValues[h], rho);
                    split[h].bind(round, rho);
                }
            }
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

    /** (1 − r_last)·s_0 + r_last·s_1 at 0, 2, 3; the halves' claims split the claim in round 0. */
    private long[] splitMessage(int round, Ext3 claim) {
        Ext3 rl = r[k - 1];
        if (round == 0) {
            // claim = (1 − r_last)·left + r_last·right (1 − r_last = 0 has probability 1/|E|)
            splitClaims[0] = claim.sub(rl.mul(splitClaims[1])).mul(Ext3.ONE.sub(rl).inv());
        }
        Ext3[] weights = {Ext3.ONE.sub(rl), rl};
        long[] message = new long[9];
        splitValues = new Ext3[2][];
        for (int h = 0; h < 2; h++) {
            long[] m = split[h].message(round, splitClaims[h]);
            Ext3 v0 = Ext3.get(m, 0);
            splitValues[h] = new Ext3[] {v0, splitClaims[h].sub(v0), Ext3.get(m, 1), Ext3.get(m, 2)};
            for (int i = 0; i < 3; i++) {
                Ext3.set(message, i, Ext3.get(message, i).add(weights[h].mul(Ext3.get(m, i))));
            }
        }
        return message;
    }

    /** The four halves at the last variable 0 (the left half's bound pair) and 1 (the right one's). */
    private Ext3[][] splitLastRoundTables() {
        Ext3[][] t = new Ext3[4][2];
        for (int x = 0; x < 2; x++) {
            Ext3[] v = split[x].boundChildren();
            for (int h = 0; h < 4; h++) {
                t[h][x] = v[h];
            }
        }
        return t;
    }
}

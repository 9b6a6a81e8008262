package dev.zkinfer.prover.lookup;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.backend.LogUpKernels;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.prover.sumcheck.SumcheckRounds;
import dev.zkinfer.transcript.Transcript;
import java.util.Arrays;

/**
 * One GKR layer reduction of LogUp-GKR (Papini–Haböck 2023/1284 §3.1): from claims P = p̃_k(r),
 * Q = q̃_k(r) on layer k (k variables) to the four child evaluations at a random ρ, by the
 * degree-3 sumcheck of Σ_x eq(r, x)·[p_0q_1 + p_1q_0 + λ·q_0q_1](x) = P + λ·Q, where
 * p_b(x) = p̃_{k+1}(b, x). Wire format and transcript order: {@link dev.zkinfer.lookup}.
 *
 * <p>The summand is written eq·G with G = p_0·q_1 + q_0·s, s = p_1 + λ·q_1 (two products
 * instead of three). Round i's polynomial is α_i·eq(r_i, X)·t_i(X), where α_i = Π_{l&lt;i}
 * eq(r_l, ρ_l) and t_i(X) = Σ_j e_j·G_j(X) is quadratic, e the eq table of r_{i+1..k}. The
 * kernels return t_i(0) and t_i's leading coefficient; t_i(1) follows from the claim (the
 * round's values at 0 and 1 sum to it), so the eq table is never folded and no product is
 * evaluated at 1, 2 or 3 (Gruen, ePrint 2024/108). The message is the same polynomial's
 * values as those of the generic {@link SumcheckProver} on eq·p_0·q_1 + eq·q_0·s: the same bytes.
 *
 * <p>Padding (fractions (0, 1), see {@link FractionLayer}) has G = λ, and its pairs are not
 * visited: their part of t_i is λ times the eq mass outside the live pairs, which has a closed
 * form ({@link #eqPrefixSum}).
 *
 * <p>The children may be a {@link LeafLayer}, not held: round 0 then writes them a chunk at a
 * time for its sums and its fold, and only the folded tables (half the children's size) are held.
 */
final class LayerSumcheck implements SumcheckRounds {
    /** ρ and the child evaluations p_0(ρ), p_1(ρ), q_0(ρ), q_1(ρ). */
    record Result(Ext3[] rho, Ext3 p0, Ext3 p1, Ext3 q0, Ext3 q1) {}

    private final LogUpKernels kernels;
    private final Ext3[] r;
    private final Ext3 lambda;
    private final long[] lam;
    /** eq[v]: eq(r[k−v..k), ·), the weights of round k − 1 − v, as far as its live pairs need. */
    private final long[][] eq;
    /** Fold outputs: round i writes set i % 2 (never the tables it reads). */
    private final long[][] psOut, qOut;
    /** The current round's tables (the children layer itself in round 0: children form; null while {@link #leaves}). */
    private long[] ps, q;
    /** The children when they are not held (round 0 only; null once bound). */
    private LeafLayer leaves;
    private boolean childrenForm = true;
    /** Entries x of the current tables that may differ from padding. */
    private int live;
    private long[] sums;
    /** Π eq(r_l, ρ_l) over the rounds bound so far. */
    private Ext3 alpha = Ext3.ONE;

    private LayerSumcheck(LogUpKernels kernels, FractionLayer children, Ext3[] r, Ext3 lambda) {
        this(kernels, children.p, children.q, null, children.live, r, lambda);
    }

    private LayerSumcheck(LogUpKernels kernels, LeafLayer children, Ext3[] r, Ext3 lambda) {
        this(kernels, null, null, children, children.live, r, lambda);
    }

    private LayerSumcheck(LogUpKernels kernels, long[] p, long[] q, LeafLayer leaves, int childrenLive, Ext3[] r,
            Ext3 lambda) {
        this.kernels = kernels;
        this.r = r;
        this.lambda = lambda;
        this.lam = new long[] {lambda.c0, lambda.c1, lambda.c2};
        int k = r.length;
        this.ps = p;
        this.q = q;
        this.leaves = leaves;
        this.live = (childrenLive + 1) / 2;
        int[] pairs = new int[k];
        for (int i = 0, m = live; i < k; i++, m = (m + 1) / 2) {
            pairs[i] = (m + 1) / 2;
        }
        this.eq = eqLevels(kernels, r, pairs);
        this.psOut = new long[][] {new long[6 * (pairs[0] + 1)], new long[k > 1 ? 6 * (pairs[1] + 1) : 0]};
        this.qOut = new long[][] {new long[psOut[0].length], new long[psOut[1].length]};
        this.sums = leaves != null ? leafSums(eq[k - 1], pairs[0], 0) : kernels.layerSums(ps, q, lam, eq[k - 1], pairs[0]);
    }

    static Result prove(LogUpKernels kernels, FractionLayer children, Ext3[] r, Ext3 claimP, Ext3 claimQ, Ext3 lambda,
            ProofWriter out, Transcript transcript) {
        if (children.logSize != r.length + 1) {
            throw new IllegalArgumentException("layer of 2^" + children.logSize + " children for a " + r.length + "-variable claim");
        }
        return prove(new LayerSumcheck(kernels, children, r, lambda), claimP, claimQ, out, transcript);
    }

    /** As {@link #prove(LogUpKernels, FractionLayer, Ext3[], Ext3, Ext3, Ext3, ProofWriter, Transcript)}, the children not held. */
    static Result prove(LogUpKernels kernels, LeafLayer children, Ext3[] r, Ext3 claimP, Ext3 claimQ, Ext3 lambda,
            ProofWriter out, Transcript transcript) {
        if (children.logSize != r.length + 1) {
            throw new IllegalArgumentException("layer of 2^" + children.logSize + " children for a " + r.length + "-variable claim");
        }
        return prove(new LayerSumcheck(kernels, children, r, lambda), claimP, claimQ, out, transcript);
    }

    private static Result prove(LayerSumcheck rounds, Ext3 claimP, Ext3 claimQ, ProofWriter out, Transcript transcript) {
        int k = rounds.r.length;
        Ext3 lambda = rounds.lambda;
        Ext3[] rho = SumcheckProver.prove(k, 3, claimP.add(lambda.mul(claimQ)), rounds, out, transcript);
        Ext3 s = Ext3.get(rounds.ps, 1), q1 = Ext3.get(rounds.q, 1);
        return new Result(rho, Ext3.get(rounds.ps, 0), s.sub(lambda.mul(q1)), Ext3.get(rounds.q, 0), q1);
    }

    /** The rounds of one layer reduction, for a caller that drives them itself (the zero-knowledge layer, {@link MaskedLayerRounds}). */
    static LayerSumcheck rounds(LogUpKernels kernels, FractionLayer children, Ext3[] r, Ext3 lambda) {
        if (children.logSize != r.length + 1) {
            throw new IllegalArgumentException("layer of 2^" + children.logSize + " children for a " + r.length + "-variable claim");
        }
        return new LayerSumcheck(kernels, children, r, lambda);
    }

    /** Π eq(r_l, ρ_l) over the rounds bound so far. */
    Ext3 boundEq() {
        return alpha;
    }

    /**
     * Once every round but the last is bound: the four halves p_0, p_1, q_0, q_1 at x = 0 and 1 of
     * the last variable ({@code [half][x]}), padding included.
     */
    Ext3[][] lastRoundTables() {
        if (leaves != null) {
            throw new IllegalStateException("the children are not held");
        }
        Ext3[][] t = new Ext3[4][2];
        for (int x = 0; x < 2; x++) {
            t[0][x] = Ext3.get(ps, 2 * x);
            t[2][x] = Ext3.get(q, 2 * x);
            t[3][x] = Ext3.get(q, 2 * x + 1);
            // children form holds p_1 itself; the folded form holds s = p_1 + λ·q_1
            t[1][x] = childrenForm ? Ext3.get(ps, 2 * x + 1) : Ext3.get(ps, 2 * x + 1).sub(lambda.mul(t[3][x]));
        }
        return t;
    }

    /** p_0, p_1, q_0, q_1 at the bound point, once every round is bound (as {@link Result} holds them). */
    Ext3[] boundChildren() {
        if (childrenForm) {
            throw new IllegalStateException("no round is bound");
        }
        Ext3 s = Ext3.get(ps, 1), q1 = Ext3.get(q, 1);
        return new Ext3[] {Ext3.get(ps, 0), s.sub(lambda.mul(q1)), Ext3.get(q, 0), q1};
    }

    private int pairs() {
        return (live + 1) / 2;
    }

    /** s_i at 0, 2, 3 from t_i(0), t_i's leading coefficient and the claim s_i(0) + s_i(1). */
    @Override
    public long[] message(int i, Ext3 claim) {
        Ext3 ri = r[i];
        int pairs = pairs();
        Ext3 padding = lambda.mul(Ext3.ONE.sub(eqPrefixSum(r, i + 1, pairs)));
        Ext3 t0 = Ext3.get(sums, 0).add(padding);
        Ext3 lead = Ext3.get(sums, 1);
        Ext3 s0 = alpha.mul(Ext3.ONE.sub(ri)).mul(t0);
        Ext3 weight1 = alpha.mul(ri);
        Ext3 t1 = weight1.isZero() ? sumAtOne(i, pairs).add(padding) : claim.sub(s0).mul(weight1.inv());
        Ext3 linear = t1.sub(t0).sub(lead);
        Ext3 t2 = t0.add(linear.mul(2)).add(lead.mul(4));
        Ext3 t3 = t0.add(linear.mul(3)).add(lead.mul(9));
        // eq(r_i, X) at 2 and 3: 3r_i − 1 and 5r_i − 2
        Ext3 s2 = alpha.mul(ri.mul(3).sub(Ext3.ONE)).mul(t2);
        Ext3 s3 = alpha.mul(ri.mul(5).sub(Ext3.of(2))).mul(t3);
        long[] message = new long[9];
        Ext3.set(message, 0, s0);
        Ext3.set(message, 1, s2);
        Ext3.set(message, 2, s3);
        return message;
    }

    /**
     * Σ_j e_j·G_j(1) over the live pairs, when the claim cannot give it (α_i·r_i = 0, probability
     * about 2^-190): the kernel's value-at-0 sum over the tables shifted by one entry x.
     */
    private Ext3 sumAtOne(int i, int pairs) {
        if (leaves != null) {
            return Ext3.get(leafSums(eq[r.length - 1 - i], pairs, 2), 0);
        }
        long[] ps1 = Arrays.copyOfRange(ps, 6, 6 + 12 * pairs), q1 = Arrays.copyOfRange(q, 6, 6 + 12 * pairs);
        return Ext3.get(kernels.layerSums(ps1, q1, childrenForm ? lam : null, eq[r.length - 1 - i], pairs), 0);
    }

    @Override
    public void bind(int i, Ext3 rho) {
        Ext3 ri = r[i];
        alpha = alpha.mul(ri.mul(rho).add(Ext3.ONE.sub(ri).mul(Ext3.ONE.sub(rho))));
        int pairs = pairs();
        long[] rr = {rho.c0, rho.c1, rho.c2};
        long[] ps2 = psOut[i & 1], q2 = qOut[i & 1];
        long[] form = childrenForm ? lam : null;
        if (leaves != null) {
            leafFold(rr, pairs, ps2, q2);
            leaves = null;
            if (i + 1 < r.length) {
                if ((pairs & 1) != 0) {
                    padLastPair(ps2, q2, pairs);
                }
                sums = kernels.layerSums(ps2, q2, null, eq[r.length - 2 - i], (pairs + 1) / 2);
            }
        } else if (i + 1 < r.length) {
            if ((pairs & 1) != 0) {
                padLastPair(ps2, q2, pairs);
            }
            sums = kernels.layerFoldAndSums(ps, q, form, rr, pairs, eq[r.length - 2 - i], ps2, q2);
        } else {
            kernels.layerFold(ps, q, form, rr, pairs, ps2, q2);
        }
        ps = ps2;
        q = q2;
        childrenForm = false;
        live = pairs;
    }

    /** The next round's last pair ends on x = pairs: padding (p_0, s, q_0, q_1) = (0, λ, 1, 1). */
    private void padLastPair(long[] ps2, long[] q2, int pairs) {
        int o = 6 * pairs;
        Arrays.fill(ps2, o, o + 6, 0);
        System.arraycopy(lam, 0, ps2, o + 3, 3);
        Arrays.fill(q2, o, o + 6, 0);
        q2[o] = 1;
        q2[o + 3] = 1;
    }

    /**
     * Round 0's sums over the unheld children, a chunk of leaves at a time (children form),
     * starting {@code shift} leaves on (2: the tables shifted by one x, for {@link #sumAtOne}):
     * the sums are linear in the pairs, so the chunks' sums add up to the whole layer's.
     */
    private long[] leafSums(long[] weights, int pairs, int shift) {
        int chunkPairs = leaves.chunk / 4;
        long[] p = new long[3 * leaves.chunk], qq = new long[3 * leaves.chunk];
        long[] total = new long[6];
        for (int j0 = 0; j0 < pairs; j0 += chunkPairs) {
            int count = Math.min(chunkPairs, pairs - j0);
            leaves.write(4L * j0 + shift, 4 * count, p, qq);
            long[] e = Arrays.copyOfRange(weights, 3 * j0, 3 * (j0 + count));
            long[] s = kernels.layerSums(p, qq, lam, e, count);
            Ext3.set(total, 0, Ext3.get(total, 0).add(Ext3.get(s, 0)));
            Ext3.set(total, 1, Ext3.get(total, 1).add(Ext3.get(s, 1)));
        }
        return total;
    }

    /** Round 0's fold of the unheld children into psOut, qOut, a chunk of leaves at a time. */
    private void leafFold(long[] rr, int pairs, long[] psOut, long[] qOut) {
        int chunkPairs = leaves.chunk / 4;
        long[] p = new long[3 * leaves.chunk], qq = new long[3 * leaves.chunk];
        long[] fp = new long[6 * chunkPairs], fq = new long[6 * chunkPairs];
        for (int j0 = 0; j0 < pairs; j0 += chunkPairs) {
            int count = Math.min(chunkPairs, pairs - j0);
            leaves.write(4L * j0, 4 * count, p, qq);
            kernels.layerFold(p, qq, lam, rr, count, fp, fq);
            System.arraycopy(fp, 0, psOut, 6 * j0, 6 * count);
            System.arraycopy(fq, 0, qOut, 6 * j0, 6 * count);
        }
    }

    /**
     * Σ_{j < count} eq(r[from..k), j) in O(k): j &lt; count exactly when, at the highest bit
     * where they differ, count has 1 and j has 0; the bits below sum to 1.
     */
    static Ext3 eqPrefixSum(Ext3[] r, int from, long count) {
        int v = r.length - from;
        if (count >> v != 0) {
            return Ext3.ONE;
        }
        Ext3 sum = Ext3.ZERO, above = Ext3.ONE;
        for (int b = v - 1; b >= 0; b--) {
            Ext3 rb = r[from + b];
            if ((count >> b & 1) != 0) {
                sum = sum.add(above.mul(Ext3.ONE.sub(rb)));
                above = above.mul(rb);
            } else {
                above = above.mul(Ext3.ONE.sub(rb));
            }
        }
        return sum;
    }

    /**
     * eq(r[k−v..k), ·) for v = 0..k−1, level v holding at least its first {@code pairs[k−1−v]}
     * entries (array form), where pairs[i+1] = ⌈pairs[i]/2⌉: level v's entry 2j + b is level
     * v−1's entry j times (b ? r_{k−v} : 1 − r_{k−v}).
     */
    static long[][] eqLevels(LogUpKernels kernels, Ext3[] r, int[] pairs) {
        int k = r.length;
        long[][] levels = new long[k][];
        levels[0] = new long[] {1, 0, 0};
        for (int v = 1; v < k; v++) {
            int count = (pairs[k - 1 - v] + 1) / 2;
            Ext3 rv = r[k - v];
            levels[v] = new long[6 * count];
            kernels.eqExpand(levels[v - 1], new long[] {rv.c0, rv.c1, rv.c2}, count, levels[v]);
        }
        return levels;
    }
}

package dev.zkinfer.prover.lookup;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Transcript;

/**
 * One GKR layer reduction of LogUp-GKR (Papini–Haböck 2023/1284 §3.1): from claims P = p̃_k(r),
 * Q = q̃_k(r) on layer k (k variables) to the four child evaluations at a random ρ, by the
 * degree-3 sumcheck of Σ_x eq(r, x)·[p_0q_1 + p_1q_0 + λ·q_0q_1](x) = P + λ·Q, where
 * p_b(x) = p̃_{k+1}(b, x). Wire format and transcript order: {@link dev.zkinfer.lookup}.
 */
final class LayerSumcheck {
    private LayerSumcheck() {}

    /** ρ and the child evaluations p_0(ρ), p_1(ρ), q_0(ρ), q_1(ρ). */
    record Result(Ext3[] rho, Ext3 p0, Ext3 p1, Ext3 q0, Ext3 q1) {}

    static Result prove(SumcheckProver prover, FractionLayer children, Ext3[] r, Ext3 claimP, Ext3 claimQ,
            Ext3 lambda, ProofWriter out, Transcript transcript) {
        int k = r.length;
        if (children.logSize != k + 1) {
            throw new IllegalArgumentException("layer of 2^" + children.logSize + " children for a " + k + "-variable claim");
        }
        // g = eq·p0·q1 + eq·q0·s with s = p1 + λ·q1: the same polynomial as
        // eq·(p0·q1 + p1·q0 + λ·q0·q1), with two products instead of three per point.
        long[][] halves = childTables(children, lambda);
        long[] s = halves[1];
        long[] q1Table = halves[3];
        SumcheckInstance inst = new SumcheckInstance(k);
        int eq = inst.addTable(eqTable(r));
        int p0 = inst.addTable(halves[0]);
        int sIdx = inst.addTable(s);
        int q0 = inst.addTable(halves[2]);
        int q1 = inst.addTable(q1Table);
        inst.addTerm(Ext3.ONE, eq, p0, q1);
        inst.addTerm(Ext3.ONE, eq, q0, sIdx);
        SumcheckProver.Result res = prover.prove(inst, claimP.add(lambda.mul(claimQ)), out, transcript);
        Ext3[] ev = res.tableEvaluations();
        Ext3 p1 = ev[sIdx].sub(lambda.mul(ev[q1]));
        return new Result(res.point(), ev[p0], p1, ev[q0], ev[q1]);
    }

    private static final int MIN_PARALLEL = 1 << 12;
    private static final int CHUNK = 1 << 11;

    /**
     * The tables over the layer's k variables: {p_0, s = p_1 + λ·q_1, q_0, q_1}, where p_b(x)
     * and q_b(x) are the children 2x + b.
     */
    static long[][] childTables(FractionLayer children, Ext3 lambda) {
        int half = children.size() / 2;
        long[][] out = new long[4][3 * half];
        long[] lam = {lambda.c0, lambda.c1, lambda.c2};
        if (half < MIN_PARALLEL) {
            split(children, out, lam, 0, half);
        } else {
            java.util.stream.IntStream.range(0, (half + CHUNK - 1) / CHUNK).parallel()
                    .forEach(c -> split(children, out, lam, c * CHUNK, Math.min(half, (c + 1) * CHUNK)));
        }
        return out;
    }

    private static void split(FractionLayer children, long[][] out, long[] lam, int from, int to) {
        long[] p = children.p, q = children.q;
        long[] p0 = out[0], s = out[1], q0 = out[2], q1 = out[3];
        for (int x = from; x < to; x++) {
            int o = 3 * x;
            System.arraycopy(p, 2 * o, p0, o, 3);
            System.arraycopy(q, 2 * o, q0, o, 3);
            System.arraycopy(q, 2 * o + 3, q1, o, 3);
            Ext3.mulInto(q, 2 * x + 1, lam, 0, s, x);
            s[o] = Goldilocks.add(s[o], p[2 * o + 3]);
            s[o + 1] = Goldilocks.add(s[o + 1], p[2 * o + 4]);
            s[o + 2] = Goldilocks.add(s[o + 2], p[2 * o + 5]);
        }
    }

    /** eq(r, x) for all x in {0,1}^k, array form, without per-element allocation. */
    static long[] eqTable(Ext3[] r) {
        return eqTable(r, 0);
    }

    /**
     * eq over the variables r[from..k): out[2j + b] = prev[j]·(b ? r_from : 1 − r_from) with
     * prev the table over r[from+1..k). The big levels run in parallel (exact arithmetic, so the
     * result does not depend on the split).
     */
    private static long[] eqTable(Ext3[] r, int from) {
        int k = r.length;
        if (from == k) {
            return new long[] {1, 0, 0};
        }
        long[] prev = eqTable(r, from + 1);
        int size = prev.length / 3;
        long[] t = new long[6 * size];
        long b0 = r[from].c0, b1 = r[from].c1, b2 = r[from].c2;
        if (size < MIN_PARALLEL) {
            expand(prev, t, 0, size, b0, b1, b2);
        } else {
            java.util.stream.IntStream.range(0, (size + CHUNK - 1) / CHUNK).parallel()
                    .forEach(c -> expand(prev, t, c * CHUNK, Math.min(size, (c + 1) * CHUNK), b0, b1, b2));
        }
        return t;
    }

    private static void expand(long[] prev, long[] t, int from, int to, long b0, long b1, long b2) {
        for (int j = from; j < to; j++) {
            int s = 3 * j, lo = 6 * j, hi = lo + 3;
            long a0 = prev[s], a1 = prev[s + 1], a2 = prev[s + 2];
            long m0 = Goldilocks.add(Goldilocks.mul(a0, b0), dbl(Goldilocks.add(Goldilocks.mul(a1, b2), Goldilocks.mul(a2, b1))));
            long m1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0)), dbl(Goldilocks.mul(a2, b2)));
            long m2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b2), Goldilocks.mul(a1, b1)), Goldilocks.mul(a2, b0));
            t[hi] = m0;
            t[hi + 1] = m1;
            t[hi + 2] = m2;
            t[lo] = Goldilocks.sub(a0, m0);
            t[lo + 1] = Goldilocks.sub(a1, m1);
            t[lo + 2] = Goldilocks.sub(a2, m2);
        }
    }

    private static long dbl(long a) {
        return Goldilocks.add(a, a);
    }
}

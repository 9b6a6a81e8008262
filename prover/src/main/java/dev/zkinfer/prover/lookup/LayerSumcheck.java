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
        long[][] halves = children.splitChildren();
        // g = eq·p0·q1 + eq·q0·s with s = p1 + λ·q1: the same polynomial as
        // eq·(p0·q1 + p1·q0 + λ·q0·q1), with two products instead of three per point.
        long[] s = halves[1];
        long[] q1Table = halves[3];
        long l0 = lambda.c0, l1 = lambda.c1, l2 = lambda.c2;
        long[] tmp = new long[3];
        long[] lam = {l0, l1, l2};
        for (int x = 0, o = 0; x < s.length / 3; x++, o += 3) {
            Ext3.mulInto(q1Table, x, lam, 0, tmp, 0);
            s[o] = Goldilocks.add(s[o], tmp[0]);
            s[o + 1] = Goldilocks.add(s[o + 1], tmp[1]);
            s[o + 2] = Goldilocks.add(s[o + 2], tmp[2]);
        }
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

    /** eq(r, x) for all x in {0,1}^k, array form, without per-element allocation. */
    static long[] eqTable(Ext3[] r) {
        int k = r.length;
        long[] t = new long[3 << k];
        t[0] = 1;
        int size = 1;
        for (int v = k - 1; v >= 0; v--) {
            long b0 = r[v].c0, b1 = r[v].c1, b2 = r[v].c2;
            for (int j = size - 1; j >= 0; j--) {
                int s = 3 * j, hi = 3 * (2 * j + 1), lo = 3 * (2 * j);
                long a0 = t[s], a1 = t[s + 1], a2 = t[s + 2];
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
            size <<= 1;
        }
        return t;
    }

    private static long dbl(long a) {
        return Goldilocks.add(a, a);
    }
}

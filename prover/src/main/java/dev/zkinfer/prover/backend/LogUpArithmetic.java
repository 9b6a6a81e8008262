package dev.zkinfer.prover.backend;

import static dev.zkinfer.prover.backend.FusedSumcheck.dot2;
import static dev.zkinfer.prover.backend.FusedSumcheck.dot3;

import dev.zkinfer.field.Goldilocks;

/**
 * The arithmetic of {@link LogUpKernels} over a range of indices: the scalar backend runs it
 * over the whole range, the parallel one over chunks whose sums it adds (the field is exact, so
 * both give identical results). Offsets are in longs; GF(p^3) products reduce once per
 * coordinate ({@link FusedSumcheck#dot3}).
 */
final class LogUpArithmetic {
    private LogUpArithmetic() {}

    /** Parents x in [from, to), as {@link LogUpKernels#parents}. */
    static void parents(long[] p, long[] q, boolean baseNumerators, long[] upP, long[] upQ, int from, int to) {
        for (int x = from; x < to; x++) {
            int a = 6 * x, b = a + 3, o = 3 * x;
            if (baseNumerators) {
                long pa = p[a], pb = p[b];
                upP[o] = dot2(pa, q[b], pb, q[a]);
                upP[o + 1] = dot2(pa, q[b + 1], pb, q[a + 1]);
                upP[o + 2] = dot2(pa, q[b + 2], pb, q[a + 2]);
            } else {
                upP[o] = upP[o + 1] = upP[o + 2] = 0;
                mulAdd(p, a, q, b, upP, o);
                mulAdd(p, b, q, a, upP, o);
            }
            upQ[o] = upQ[o + 1] = upQ[o + 2] = 0;
            mulAdd(q, a, q, b, upQ, o);
        }
    }

    /** out[2j + b] = prev[j]·(b ? r : 1 − r) for j in [from, to), as {@link LogUpKernels#eqExpand}. */
    static void eqExpand(long[] prev, long[] r, long[] out, int from, int to) {
        for (int j = from; j < to; j++) {
            int lo = 6 * j, hi = lo + 3;
            zero(out, hi);
            mulAdd(prev, 3 * j, r, 0, out, hi);
            diff(prev, 3 * j, out, hi, out, lo);
        }
    }

    /** Scratch slots (offsets in longs) of {@link #sums}. */
    private static final int S_A = 0, S_B = 3, G0 = 6, LEAD = 9, D1 = 12, D2 = 15, SCRATCH = 18;

    /**
     * Σ eq[j]·G_j(0) and Σ eq[j]·lead_j over pairs j in [from, to) of layer tables, as
     * {@link LogUpKernels#layerSums} (6 longs).
     */
    static long[] sums(long[] ps, long[] q, long[] lambda, long[] eq, int from, int to) {
        long[] acc = new long[6];
        long[] w = new long[SCRATCH];
        for (int j = from; j < to; j++) {
            int a = 12 * j, b = a + 6;
            s(ps, q, lambda, a + 3, w, S_A);
            s(ps, q, lambda, b + 3, w, S_B);
            // G(0) = p0·q1 + q0·s at x = 2j
            zero(w, G0);
            mulAdd(ps, a, q, a + 3, w, G0);
            mulAdd(q, a, w, S_A, w, G0);
            // lead = Δp0·Δq1 + Δq0·Δs
            zero(w, LEAD);
            diff(ps, b, ps, a, w, D1);
            diff(q, b + 3, q, a + 3, w, D2);
            mulAdd(w, D1, w, D2, w, LEAD);
            diff(q, b, q, a, w, D1);
            diff(w, S_B, w, S_A, w, D2);
            mulAdd(w, D1, w, D2, w, LEAD);
            mulAdd(eq, 3 * j, w, G0, acc, 0);
            mulAdd(eq, 3 * j, w, LEAD, acc, 3);
        }
        return acc;
    }

    /**
     * Folds pairs j in [from, to) by r into psOut, qOut, as {@link LogUpKernels#layerFold} (no
     * aliasing). s is linear in (p_1, q_1): in children form the folded s is the folded p_1 plus
     * λ times the folded q_1.
     */
    static void fold(long[] ps, long[] q, long[] lambda, long[] r, long[] psOut, long[] qOut, int from, int to) {
        long r1d = Goldilocks.add(r[1], r[1]), r2d = Goldilocks.add(r[2], r[2]);
        for (int j = from; j < to; j++) {
            int a = 12 * j, b = a + 6, o = 6 * j;
            foldInto(ps, a, b, r, r1d, r2d, psOut, o);
            foldInto(ps, a + 3, b + 3, r, r1d, r2d, psOut, o + 3);
            foldInto(q, a, b, r, r1d, r2d, qOut, o);
            foldInto(q, a + 3, b + 3, r, r1d, r2d, qOut, o + 3);
            if (lambda != null) {
                mulAdd(lambda, 0, qOut, o + 3, psOut, o + 3);
            }
        }
    }

    /** out[o..] = s at ps offset i: ps[i..] itself, or in children form p_1 + λ·q_1. */
    private static void s(long[] ps, long[] q, long[] lambda, int i, long[] out, int o) {
        out[o] = ps[i];
        out[o + 1] = ps[i + 1];
        out[o + 2] = ps[i + 2];
        if (lambda != null) {
            mulAdd(lambda, 0, q, i, out, o);
        }
    }

    /** out[o..] = t[x..] + r·(t[y..] − t[x..]); r1d = 2·r_1, r2d = 2·r_2. */
    private static void foldInto(long[] t, int x, int y, long[] r, long r1d, long r2d, long[] out, int o) {
        long e0 = Goldilocks.sub(t[y], t[x]), e1 = Goldilocks.sub(t[y + 1], t[x + 1]), e2 = Goldilocks.sub(t[y + 2], t[x + 2]);
        out[o] = dot3(t[x], e0, r[0], e1, r2d, e2, r1d);
        out[o + 1] = dot3(t[x + 1], e0, r[1], e1, r[0], e2, r2d);
        out[o + 2] = dot3(t[x + 2], e0, r[2], e1, r[1], e2, r[0]);
    }

    /** out[o..] += x[i..]·y[j..] in GF(p)[t]/(t³ − 2); out may alias the inputs only where read before written. */
    private static void mulAdd(long[] x, int i, long[] y, int j, long[] out, int o) {
        long a0 = x[i], a1 = x[i + 1], a2 = x[i + 2];
        long b0 = y[j], b1 = y[j + 1], b2 = y[j + 2];
        long b1d = Goldilocks.add(b1, b1), b2d = Goldilocks.add(b2, b2);
        long c0 = dot3(out[o], a0, b0, a1, b2d, a2, b1d);
        long c1 = dot3(out[o + 1], a0, b1, a1, b0, a2, b2d);
        long c2 = dot3(out[o + 2], a0, b2, a1, b1, a2, b0);
        out[o] = c0;
        out[o + 1] = c1;
        out[o + 2] = c2;
    }

    /** out[o..] = x[i..] − y[j..]. */
    private static void diff(long[] x, int i, long[] y, int j, long[] out, int o) {
        out[o] = Goldilocks.sub(x[i], y[j]);
        out[o + 1] = Goldilocks.sub(x[i + 1], y[j + 1]);
        out[o + 2] = Goldilocks.sub(x[i + 2], y[j + 2]);
    }

    private static void zero(long[] w, int o) {
        w[o] = w[o + 1] = w[o + 2] = 0;
    }
}

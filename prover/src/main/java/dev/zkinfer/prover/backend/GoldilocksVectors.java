package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise Goldilocks arithmetic on arrays with the Vector API (8 lanes on AVX-512).
 *
 * <p>Addition and subtraction use unsigned lane comparisons for the carries. Multiplication
 * has no lane-wise multiply-high, so the 128-bit product is assembled from four 32×32-bit
 * partial products (which C2 lowers to VPMULUDQ, JDK-8341137) and reduced with
 * 2^64 ≡ 2^32 − 1 and 2^96 ≡ −1, exactly like {@link Goldilocks#mul}. Results equal the
 * scalar functions bit for bit; tails are done with scalar code.
 *
 * <p>Static functions: thread-safe.
 */
public final class GoldilocksVectors {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static final long P = Goldilocks.P;
    private static final long EPS = 0xFFFF_FFFFL;

    private GoldilocksVectors() {}

    /** out[i] = a[i] + b[i]. */
    public static void add(long[] a, long[] b, long[] out, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            LongVector x = LongVector.fromArray(S, a, i);
            LongVector y = LongVector.fromArray(S, b, i);
            add(x, y).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = Goldilocks.add(a[i], b[i]);
        }
    }

    /** out[i] = a[i] − b[i]. */
    public static void sub(long[] a, long[] b, long[] out, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            LongVector x = LongVector.fromArray(S, a, i);
            LongVector y = LongVector.fromArray(S, b, i);
            LongVector d = x.sub(y);
            VectorMask<Long> borrow = x.compare(VectorOperators.ULT, y);
            d.sub(EPS, borrow).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = Goldilocks.sub(a[i], b[i]);
        }
    }

    /** out[i] = a[i] · b[i]. */
    public static void mul(long[] a, long[] b, long[] out, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            LongVector x = LongVector.fromArray(S, a, i);
            LongVector y = LongVector.fromArray(S, b, i);
            mul(x, y).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = Goldilocks.mul(a[i], b[i]);
        }
    }

    static LongVector reduceOnce(LongVector s) {
        return s.sub(P, s.compare(VectorOperators.UGE, P));
    }

    static LongVector add(LongVector x, LongVector y) {
        LongVector s = x.add(y);
        VectorMask<Long> carry = s.compare(VectorOperators.ULT, x);
        return reduceOnce(s.add(EPS, carry));
    }

    static LongVector sub(LongVector x, LongVector y) {
        return x.sub(y).sub(EPS, x.compare(VectorOperators.ULT, y));
    }

    static LongVector mul(LongVector x, LongVector y) {
        LongVector xl = x.and(EPS), xh = x.lanewise(VectorOperators.LSHR, 32);
        LongVector yl = y.and(EPS), yh = y.lanewise(VectorOperators.LSHR, 32);
        LongVector ll = xl.mul(yl);
        LongVector lh = xl.mul(yh);
        LongVector hl = xh.mul(yl);
        LongVector hh = xh.mul(yh);
        // mid = lh + hl, possibly ≥ 2^64
        LongVector mid = lh.add(hl);
        VectorMask<Long> midCarry = mid.compare(VectorOperators.ULT, lh);
        LongVector midLo = mid.lanewise(VectorOperators.LSHL, 32);
        LongVector lo = ll.add(midLo);
        VectorMask<Long> loCarry = lo.compare(VectorOperators.ULT, ll);
        LongVector hi = hh.add(mid.lanewise(VectorOperators.LSHR, 32))
                .add(1L << 32, midCarry)
                .add(1L, loCarry);
        // reduce hi·2^64 + lo, as in Goldilocks.reduce128
        LongVector hiHi = hi.lanewise(VectorOperators.LSHR, 32);
        LongVector hiLo = hi.and(EPS);
        LongVector t0 = lo.sub(hiHi);
        t0 = t0.sub(EPS, lo.compare(VectorOperators.ULT, hiHi));
        LongVector t1 = hiLo.lanewise(VectorOperators.LSHL, 32).sub(hiLo);
        LongVector r = t0.add(t1);
        r = r.add(EPS, r.compare(VectorOperators.ULT, t1));
        return reduceOnce(r);
    }
}

package dev.zkinfer.field;

/**
 * Σ_j c_j·y^j for a polynomial with extension coefficients c_j (array form, three longs each) at a
 * base-field point y: WHIR's verifier evaluates its final polynomial (2^8 to 2^9 coefficients) at
 * each of the last round's queried points, which was 15–19 % of the JFR samples of an in-process
 * LeNet-5 verification loop with a reduction per coefficient (Horner). Here the coefficients are taken in chunks of {@link #CHUNK}:
 * within a chunk each component sums its products c_j·y^i unreduced in a 192-bit accumulator (the
 * powers y^0..y^(CHUNK−1) computed once per point), one reduction per chunk, and Horner in
 * y^CHUNK across the chunks. Exact: the same value as Horner (a test compares them).
 */
public final class BasePointEvaluation {
    /** Coefficients summed per reduction. */
    static final int CHUNK = 8;

    private BasePointEvaluation() {}

    /** Writes Σ_j c_j·y^j (canonical y and coefficients; {@code coeffs.length} a multiple of 3) into out[3·at .. 3·at + 2]. */
    public static void evaluate(long[] coeffs, long y, long[] out, int at) {
        int n = coeffs.length / 3;
        long[] pw = new long[CHUNK];
        pw[0] = 1;
        for (int i = 1; i < CHUNK; i++) {
            pw[i] = Goldilocks.mul(pw[i - 1], y);
        }
        long yChunk = Goldilocks.mul(pw[CHUNK - 1], y);
        long r0 = 0, r1 = 0, r2 = 0;
        for (int from = (n - 1) / CHUNK * CHUNK; from >= 0; from -= CHUNK) {
            int to = Math.min(n, from + CHUNK);
            long l0 = 0, h0 = 0, t0 = 0, l1 = 0, h1 = 0, t1 = 0, l2 = 0, h2 = 0, t2 = 0;
            for (int j = from; j < to; j++) {
                long p = pw[j - from];
                int o = 3 * j;
                // each product < 2^128 has a high word ≤ 2^64 − 2, so adding the low word's carry cannot wrap
                long a = coeffs[o], lo = a * p, hi = UnsignedMultiply.high(a, p);
                long s = l0 + lo;
                hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
                l0 = s;
                s = h0 + hi;
                t0 += Long.compareUnsigned(s, hi) < 0 ? 1 : 0;
                h0 = s;
                a = coeffs[o + 1];
                lo = a * p;
                hi = UnsignedMultiply.high(a, p);
                s = l1 + lo;
                hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
                l1 = s;
                s = h1 + hi;
                t1 += Long.compareUnsigned(s, hi) < 0 ? 1 : 0;
                h1 = s;
                a = coeffs[o + 2];
                lo = a * p;
                hi = UnsignedMultiply.high(a, p);
                s = l2 + lo;
                hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
                l2 = s;
                s = h2 + hi;
                t2 += Long.compareUnsigned(s, hi) < 0 ? 1 : 0;
                h2 = s;
            }
            r0 = Goldilocks.add(Goldilocks.mul(r0, yChunk), Goldilocks.reduce192(t0, h0, l0));
            r1 = Goldilocks.add(Goldilocks.mul(r1, yChunk), Goldilocks.reduce192(t1, h1, l1));
            r2 = Goldilocks.add(Goldilocks.mul(r2, yChunk), Goldilocks.reduce192(t2, h2, l2));
        }
        out[3 * at] = r0;
        out[3 * at + 1] = r1;
        out[3 * at + 2] = r2;
    }
}

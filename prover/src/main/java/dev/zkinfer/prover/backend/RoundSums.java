package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;

/**
 * The sumcheck kernels' arithmetic over a range of pair indices; the scalar backend runs it
 * over the whole range, the parallel backend over chunks whose results it adds (the field is
 * exact, so both give identical sums).
 */
final class RoundSums {
    private RoundSums() {}

    static long[] range(long[][] tables, int[][] terms, int from, int to, int degree) {
        int nt = tables.length;
        int npts = degree; // x = 0, 2, ..., degree
        long[] acc = new long[3 * terms.length * npts];
        // values[f][i] for the current pair: array form, per table, per point
        long[] vals = new long[nt * npts * 3];
        long[] prod = new long[3];
        for (int j = from; j < to; j++) {
            int lo = 6 * j;
            for (int f = 0; f < nt; f++) {
                long[] t = tables[f];
                if (t == null) {
                    continue;
                }
                long a0 = t[lo], a1 = t[lo + 1], a2 = t[lo + 2];
                long b0 = t[lo + 3], b1 = t[lo + 4], b2 = t[lo + 5];
                int base = f * npts * 3;
                vals[base] = a0;
                vals[base + 1] = a1;
                vals[base + 2] = a2;
                if (npts > 1) {
                    long d0 = Goldilocks.sub(b0, a0), d1 = Goldilocks.sub(b1, a1), d2 = Goldilocks.sub(b2, a2);
                    // value at 2 = b + d
                    long v0 = Goldilocks.add(b0, d0), v1 = Goldilocks.add(b1, d1), v2 = Goldilocks.add(b2, d2);
                    for (int i = 1; i < npts; i++) {
                        int k = base + 3 * i;
                        vals[k] = v0;
                        vals[k + 1] = v1;
                        vals[k + 2] = v2;
                        v0 = Goldilocks.add(v0, d0);
                        v1 = Goldilocks.add(v1, d1);
                        v2 = Goldilocks.add(v2, d2);
                    }
                }
            }
            for (int tIdx = 0; tIdx < terms.length; tIdx++) {
                int[] term = terms[tIdx];
                for (int i = 0; i < npts; i++) {
                    int k0 = (term[0] * npts + i) * 3;
                    long p0 = vals[k0], p1 = vals[k0 + 1], p2 = vals[k0 + 2];
                    for (int m = 1; m < term.length; m++) {
                        int k = (term[m] * npts + i) * 3;
                        prod[0] = p0;
                        prod[1] = p1;
                        prod[2] = p2;
                        ExtMath.mulInPlace(prod, vals[k], vals[k + 1], vals[k + 2]);
                        p0 = prod[0];
                        p1 = prod[1];
                        p2 = prod[2];
                    }
                    int a = (tIdx * npts + i) * 3;
                    acc[a] = Goldilocks.add(acc[a], p0);
                    acc[a + 1] = Goldilocks.add(acc[a + 1], p1);
                    acc[a + 2] = Goldilocks.add(acc[a + 2], p2);
                }
            }
        }
        return acc;
    }

    /**
     * dst[j] = src[2j] + r·(src[2j+1] − src[2j]) for j in [from, to). In place (dst == src)
     * is safe when run sequentially from j = 0 up: entry j is written after entries ≥ j are read.
     */
    static void fold(long[] t, long[] dst, int from, int to, long r0, long r1, long r2) {
        long[] tmp = new long[3];
        for (int j = from; j < to; j++) {
            int lo = 6 * j;
            long a0 = t[lo], a1 = t[lo + 1], a2 = t[lo + 2];
            tmp[0] = Goldilocks.sub(t[lo + 3], a0);
            tmp[1] = Goldilocks.sub(t[lo + 4], a1);
            tmp[2] = Goldilocks.sub(t[lo + 5], a2);
            ExtMath.mulInPlace(tmp, r0, r1, r2);
            int o = 3 * j;
            dst[o] = Goldilocks.add(a0, tmp[0]);
            dst[o + 1] = Goldilocks.add(a1, tmp[1]);
            dst[o + 2] = Goldilocks.add(a2, tmp[2]);
        }
    }
}

package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;

/**
 * The sumcheck kernels' arithmetic over a range of pair indices; the scalar backend runs it
 * over the whole range, the parallel backend over chunks whose results it adds (the field is
 * exact, so both give identical sums).
 */
final class RoundSums {
    private RoundSums() {}

    /**
     * The terms as the native and CUDA kernels take them: term t's factors are
     * {@code factors[offsets[t] .. offsets[t + 1])}.
     */
    record FlatTerms(int[] offsets, int[] factors) {
        static FlatTerms of(int[][] terms) {
            int[] offsets = new int[terms.length + 1];
            for (int t = 0; t < terms.length; t++) {
                offsets[t + 1] = offsets[t] + terms[t].length;
            }
            int[] factors = new int[offsets[terms.length]];
            for (int t = 0; t < terms.length; t++) {
                System.arraycopy(terms[t], 0, factors, offsets[t], terms[t].length);
            }
            return new FlatTerms(offsets, factors);
        }
    }

    static long[] range(long[][] tables, boolean[] isBase, int[][] terms, int from, int to, int degree) {
        if (terms.length == 1 && terms[0].length == 2 && degree == 2) {
            int f = terms[0][0], g = terms[0][1];
            boolean fb = isBase != null && isBase[f], gb = isBase != null && isBase[g];
            if (fb && gb) {
                return productOfTwoBase(tables[f], tables[g], from, to);
            }
            if (!fb && !gb) {
                return productOfTwo(tables[f], tables[g], from, to);
            }
        }
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
                long a0, a1, a2, b0, b1, b2;
                if (isBase != null && isBase[f]) {
                    a0 = t[2 * j];
                    b0 = t[2 * j + 1];
                    a1 = a2 = b1 = b2 = 0;
                } else {
                    a0 = t[lo];
                    a1 = t[lo + 1];
                    a2 = t[lo + 2];
                    b0 = t[lo + 3];
                    b1 = t[lo + 4];
                    b2 = t[lo + 5];
                }
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

    /** Σ f·g over two base-field tables (first round): values at 0 and 2 in the base field. */
    private static long[] productOfTwoBase(long[] f, long[] g, int from, int to) {
        long s0 = 0, s2 = 0;
        for (int j = from; j < to; j++) {
            long a = f[2 * j], b = f[2 * j + 1], c = g[2 * j], d = g[2 * j + 1];
            s0 = Goldilocks.add(s0, Goldilocks.mul(a, c));
            long e = Goldilocks.sub(Goldilocks.add(b, b), a);
            long h = Goldilocks.sub(Goldilocks.add(d, d), c);
            s2 = Goldilocks.add(s2, Goldilocks.mul(e, h));
        }
        return new long[] {s0, 0, 0, s2, 0, 0};
    }

    /** dst[j] = v[2j] + r·(v[2j+1] − v[2j]) in array form, for base-field v. */
    static void foldBase(long[] v, long[] dst, int from, int to, long r0, long r1, long r2) {
        for (int j = from; j < to; j++) {
            long a = v[2 * j];
            long d = Goldilocks.sub(v[2 * j + 1], a);
            int o = 3 * j;
            dst[o] = Goldilocks.add(a, Goldilocks.mul(d, r0));
            dst[o + 1] = Goldilocks.mul(d, r1);
            dst[o + 2] = Goldilocks.mul(d, r2);
        }
    }

    /**
     * The common case Σ f·g (matmul, eq-weighted claims): per pair, the values at 0 and 2 are
     * a·c and (2b − a)(2d − c) for f = (a, b), g = (c, d).
     */
    private static long[] productOfTwo(long[] f, long[] g, int from, int to) {
        long s00 = 0, s01 = 0, s02 = 0, s20 = 0, s21 = 0, s22 = 0;
        for (int j = from; j < to; j++) {
            int lo = 6 * j;
            long a0 = f[lo], a1 = f[lo + 1], a2 = f[lo + 2];
            long b0 = f[lo + 3], b1 = f[lo + 4], b2 = f[lo + 5];
            long c0 = g[lo], c1 = g[lo + 1], c2 = g[lo + 2];
            long d0 = g[lo + 3], d1 = g[lo + 4], d2 = g[lo + 5];
            // value at 0: a·c
            long x = Goldilocks.add(Goldilocks.mul(a1, c2), Goldilocks.mul(a2, c1));
            s00 = Goldilocks.add(s00, Goldilocks.add(Goldilocks.mul(a0, c0), Goldilocks.add(x, x)));
            long y = Goldilocks.mul(a2, c2);
            s01 = Goldilocks.add(s01, Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, c1), Goldilocks.mul(a1, c0)), Goldilocks.add(y, y)));
            s02 = Goldilocks.add(s02, Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, c2), Goldilocks.mul(a1, c1)), Goldilocks.mul(a2, c0)));
            // value at 2: (2b − a)(2d − c)
            long e0 = Goldilocks.sub(Goldilocks.add(b0, b0), a0), e1 = Goldilocks.sub(Goldilocks.add(b1, b1), a1), e2 = Goldilocks.sub(Goldilocks.add(b2, b2), a2);
            long h0 = Goldilocks.sub(Goldilocks.add(d0, d0), c0), h1 = Goldilocks.sub(Goldilocks.add(d1, d1), c1), h2 = Goldilocks.sub(Goldilocks.add(d2, d2), c2);
            long u = Goldilocks.add(Goldilocks.mul(e1, h2), Goldilocks.mul(e2, h1));
            s20 = Goldilocks.add(s20, Goldilocks.add(Goldilocks.mul(e0, h0), Goldilocks.add(u, u)));
            long v = Goldilocks.mul(e2, h2);
            s21 = Goldilocks.add(s21, Goldilocks.add(Goldilocks.add(Goldilocks.mul(e0, h1), Goldilocks.mul(e1, h0)), Goldilocks.add(v, v)));
            s22 = Goldilocks.add(s22, Goldilocks.add(Goldilocks.add(Goldilocks.mul(e0, h2), Goldilocks.mul(e1, h1)), Goldilocks.mul(e2, h0)));
        }
        return new long[] {s00, s01, s02, s20, s21, s22};
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

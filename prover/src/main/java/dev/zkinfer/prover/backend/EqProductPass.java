package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.concurrent.Cancellation;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The Java reference of {@link SumcheckKernels#eqProductPass}: one pass of the eq-product
 * sumcheck ({@code dev.zkinfer.prover.sumcheck.EqProductRounds}), parallel over the high half of
 * the eq table. Static and thread-safe: each call writes only its own output arrays.
 */
public final class EqProductPass {
    private static final int PARALLEL_ENTRIES = 1 << 12;

    private EqProductPass() {}

    /** As {@link SumcheckKernels#eqProductPass}. */
    public static long[] pass(long[] src, boolean base, long[] r, long[] dst, long[] lo, long[] hi) {
        int lowSize = lo.length / 3, highSize = hi.length / 3;
        int pairs = lowSize * highSize;
        int entries = r == null ? 2 * pairs : 4 * pairs;
        int chunks = entries < PARALLEL_ENTRIES ? 1 : Math.min(highSize, 256);
        int perChunk = (highSize + chunks - 1) / chunks; // any number of rows (EqProductRounds cuts hi to a table's nonzero prefix)
        Cancellation cancel = Cancellation.current();
        long[][] partial = new long[chunks][];
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(ch -> {
            cancel.check();
            long[] acc = new long[6];
            long[] inner = new long[6];
            for (int h = ch * perChunk; h < Math.min(highSize, (ch + 1) * perChunk); h++) {
                int y0 = h * lowSize;
                if (r != null) {
                    // dst pairs [y0, y0 + lowSize) are entries [2·y0, 2·(y0 + lowSize)) of dst
                    fold(src, base, r, dst, 2 * y0, 2 * (y0 + lowSize));
                }
                long[] t = r != null ? dst : src;
                boolean tBase = r == null && base;
                Arrays.fill(inner, 0);
                for (int l = 0; l < lowSize; l++) {
                    int y = y0 + l;
                    if (tBase) {
                        mulAddBase(lo, l, t[2 * y], inner, 0);
                        mulAddBase(lo, l, t[2 * y + 1], inner, 3);
                    } else {
                        mulAddExt(lo, l, t, 2 * y, inner, 0);
                        mulAddExt(lo, l, t, 2 * y + 1, inner, 3);
                    }
                }
                mulAddExt(hi, h, inner, 0, acc, 0);
                mulAddExt(hi, h, inner, 1, acc, 3);
            }
            partial[ch] = acc;
        });
        long[] total = new long[6];
        for (long[] a : partial) {
            for (int i = 0; i < 6; i++) {
                total[i] = Goldilocks.add(total[i], a[i]);
            }
        }
        return total;
    }

    /** dst[i] = src[2i] + r·(src[2i+1] − src[2i]) for i in [from, to) (src base-field or array form). */
    public static void fold(long[] src, boolean base, long[] r, long[] dst, int from, int to) {
        long r0 = r[0], r1 = r[1], r2 = r[2];
        for (int i = from; i < to; i++) {
            if (base) {
                long a = src[2 * i];
                long d = Goldilocks.sub(src[2 * i + 1], a);
                dst[3 * i] = Goldilocks.add(a, Goldilocks.mul(r0, d));
                dst[3 * i + 1] = Goldilocks.mul(r1, d);
                dst[3 * i + 2] = Goldilocks.mul(r2, d);
            } else {
                int a = 6 * i, b = a + 3;
                long d0 = Goldilocks.sub(src[b], src[a]);
                long d1 = Goldilocks.sub(src[b + 1], src[a + 1]);
                long d2 = Goldilocks.sub(src[b + 2], src[a + 2]);
                // (d0 + d1 X + d2 X²)(r0 + r1 X + r2 X²) mod X³ − 2
                long m0 = Goldilocks.add(Goldilocks.mul(d0, r0), dbl(Goldilocks.add(Goldilocks.mul(d1, r2), Goldilocks.mul(d2, r1))));
                long m1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(d0, r1), Goldilocks.mul(d1, r0)), dbl(Goldilocks.mul(d2, r2)));
                long m2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(d0, r2), Goldilocks.mul(d1, r1)), Goldilocks.mul(d2, r0));
                dst[3 * i] = Goldilocks.add(src[a], m0);
                dst[3 * i + 1] = Goldilocks.add(src[a + 1], m1);
                dst[3 * i + 2] = Goldilocks.add(src[a + 2], m2);
            }
        }
    }

    /** acc[o..o+2] += e[i]·v for an array-form extension table e and a base value v. */
    private static void mulAddBase(long[] e, int i, long v, long[] acc, int o) {
        int k = 3 * i;
        acc[o] = Goldilocks.add(acc[o], Goldilocks.mul(e[k], v));
        acc[o + 1] = Goldilocks.add(acc[o + 1], Goldilocks.mul(e[k + 1], v));
        acc[o + 2] = Goldilocks.add(acc[o + 2], Goldilocks.mul(e[k + 2], v));
    }

    /** acc[o..o+2] += e[i]·t[j] for array-form extension tables. */
    private static void mulAddExt(long[] e, int i, long[] t, int j, long[] acc, int o) {
        int k = 3 * i, m = 3 * j;
        long a0 = e[k], a1 = e[k + 1], a2 = e[k + 2];
        long b0 = t[m], b1 = t[m + 1], b2 = t[m + 2];
        acc[o] = Goldilocks.add(acc[o],
                Goldilocks.add(Goldilocks.mul(a0, b0), dbl(Goldilocks.add(Goldilocks.mul(a1, b2), Goldilocks.mul(a2, b1)))));
        acc[o + 1] = Goldilocks.add(acc[o + 1],
                Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0)), dbl(Goldilocks.mul(a2, b2))));
        acc[o + 2] = Goldilocks.add(acc[o + 2],
                Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b2), Goldilocks.mul(a1, b1)), Goldilocks.mul(a2, b0)));
    }

    private static long dbl(long a) {
        return Goldilocks.add(a, a);
    }
}

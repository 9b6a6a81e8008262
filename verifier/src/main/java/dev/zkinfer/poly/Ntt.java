package dev.zkinfer.poly;

import dev.zkinfer.field.Goldilocks;

/** The number-theoretic transform over Goldilocks, for the verifier and the prover's reference kernels. */
public final class Ntt {
    private Ntt() {}

    /** In place: a[j] ← Σ_s a[s]·ω^(s·j), ω of order 2^logN (iterative radix 2, natural order in and out). */
    public static void forward(long[] a, int logN) {
        int n = 1 << logN;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                long t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
        for (int len = 1, lg = 1; len < n; len <<= 1, lg++) {
            long w = Goldilocks.rootOfUnity(lg);
            long[] tw = new long[len];
            tw[0] = 1;
            for (int k = 1; k < len; k++) {
                tw[k] = Goldilocks.mul(tw[k - 1], w);
            }
            for (int i = 0; i < n; i += 2 * len) {
                for (int k = 0; k < len; k++) {
                    long x = a[i + k];
                    long y = Goldilocks.mul(a[i + k + len], tw[k]);
                    a[i + k] = Goldilocks.add(x, y);
                    a[i + k + len] = Goldilocks.sub(x, y);
                }
            }
        }
    }
}

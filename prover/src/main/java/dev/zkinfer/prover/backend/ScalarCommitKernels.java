package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;

final class ScalarCommitKernels implements CommitKernels {
    @Override
    public void ntt(long[] a, int logN) {
        int n = 1 << logN;
        if (a.length != n) {
            throw new IllegalArgumentException("NTT of " + a.length + " values, expected " + n);
        }
        // bit-reversal permutation, then iterative Cooley–Tukey
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
        for (int len = 2, lg = 1; len <= n; len <<= 1, lg++) {
            long wLen = Goldilocks.rootOfUnity(lg);
            int half = len >> 1;
            long[] tw = new long[half];
            tw[0] = 1;
            for (int k = 1; k < half; k++) {
                tw[k] = Goldilocks.mul(tw[k - 1], wLen);
            }
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < half; k++) {
                    long u = a[i + k];
                    long v = Goldilocks.mul(a[i + k + half], tw[k]);
                    a[i + k] = Goldilocks.add(u, v);
                    a[i + k + half] = Goldilocks.sub(u, v);
                }
            }
        }
    }
}

package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.pcs.WhirProtocol;
import dev.zkinfer.poly.Ntt;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The reference commit kernels: single-threaded, written for clarity (RS encoding is
 * zero-padding, a textbook natural-order NTT per coordinate, then a bit-reversal permutation).
 */
final class ScalarCommitKernels implements CommitKernels {
    @Override
    public void ntt(long[] a, int logN) {
        int n = 1 << logN;
        if (a.length != n) {
            throw new IllegalArgumentException("NTT of " + a.length + " values, expected " + n);
        }
        Ntt.forward(a, logN);
    }

    @Override
    public long[] encodeBitReversed(long[] coeffs, int width, int logMsg, int logN) {
        checkEncode(coeffs, width, logMsg, logN);
        int n = 1 << logN;
        long[] out = new long[width * n];
        long[] a = new long[n];
        for (int c = 0; c < width; c++) {
            java.util.Arrays.fill(a, 0);
            for (int j = 0; j < (1 << logMsg); j++) {
                a[j] = coeffs[width * j + c];
            }
            ntt(a, logN);
            for (int p = 0; p < n; p++) {
                out[width * p + c] = a[WhirProtocol.bitReverse(p, logN)];
            }
        }
        return out;
    }

    static void checkEncode(long[] coeffs, int width, int logMsg, int logN) {
        if ((width != 1 && width != 3) || logMsg < 0 || logN < logMsg || logN > Goldilocks.TWO_ADICITY
                || coeffs.length != width << logMsg || ((long) width << logN) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot encode " + coeffs.length + " longs (width " + width + ", 2^"
                    + logMsg + " -> 2^" + logN + ")");
        }
    }

    @Override
    public void evaluationsToCoefficients(long[] values) {
        int n = Integer.numberOfTrailingZeros(values.length);
        if (values.length != 1 << n) {
            throw new IllegalArgumentException("table length must be a power of two");
        }
        for (int k = 0; k < n; k++) {
            CommitArithmetic.mobiusRange(values, k, 0, values.length >>> 1);
        }
    }

    @Override
    public byte[] hashLeaves(long[] data, int leafLongs) {
        int leaves = data.length / leafLongs;
        byte[] out = new byte[MerkleHash.DIGEST_BYTES * leaves];
        CommitArithmetic.hashLeavesRange(new MerkleHash(), data, leafLongs, out, 0, leaves);
        return out;
    }

    @Override
    public byte[] hashParents(byte[] children) {
        int parents = children.length / 64;
        byte[] out = new byte[32 * parents];
        CommitArithmetic.hashParentsRange(new MerkleHash(), children, out, 0, parents);
        return out;
    }

    @Override
    public long grind(byte[] seed, int bits) {
        long nonce = CommitArithmetic.grindRange(sha256(), seed, bits, 0, Long.MAX_VALUE);
        if (nonce < 0) {
            throw new IllegalStateException("no proof-of-work nonce found");
        }
        return nonce;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    @Override
    public long[] evaluateMle(long[] values, long[] point) {
        int m = point.length / 3;
        if (values.length != 1 << m) {
            throw new IllegalArgumentException(values.length + " values for " + m + " variables");
        }
        // f̃(z) = Σ_b eq(z, b)·v[b], one eq table
        long[] eq = CommitArithmetic.eqTable(point, 0, m);
        return CommitArithmetic.dotEqRange(values, new long[] {1, 0, 0}, eq, m, 0, 1);
    }

    @Override
    public void addScaledEq(long[] w, long[] point, long[] coef) {
        int m = point.length / 3;
        if (w.length != 3 << m) {
            throw new IllegalArgumentException("weight table of " + w.length / 3 + " for " + m + " variables");
        }
        long[] eq = CommitArithmetic.eqTable(point, 0, m);
        CommitArithmetic.addScaledEqRange(w, coef.clone(), eq, false, m, 0, 1);
    }

    @Override
    public long[] sumcheckRound(long[] f, int fWidth, long[] w, int size) {
        return CommitArithmetic.sumcheckRange(f, fWidth, w, 0, size >>> 1);
    }

    @Override
    public long[] fold(long[] table, int width, int size, long[] alpha, boolean monomial) {
        long[] out = new long[3 * (size >>> 1)];
        CommitArithmetic.foldRange(table, width, alpha, monomial, out, 0, size >>> 1);
        return out;
    }
}

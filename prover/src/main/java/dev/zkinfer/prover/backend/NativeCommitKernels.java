package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.pcs.WhirProtocol;

/**
 * Commit kernels in C ({@code commit.c}): NTT and Reed–Solomon encoding, the Möbius
 * transform, Merkle leaf and node hashing (SHA-NI where the CPU has it), MLE evaluation, eq
 * accumulation (single and batch), WHIR's sumcheck round and fold, and the proof-of-work
 * search ({@code pow.c}, on the native thread pool: 2^16 hashes on average per 16-bit grind,
 * two messages at a time through interleaved SHA-NI). Inputs below {@link #MIN_NATIVE}
 * elements also go to the vector kernels, where a JNA call would cost more than the work;
 * both give the same values.
 */
final class NativeCommitKernels implements CommitKernels {
    static final int MIN_NATIVE = 1 << 9;
    private final CommitKernels java;
    private final int minNative;

    /** minNative: inputs with fewer elements go to {@code java} (0 in tests: everything native). */
    NativeCommitKernels(CommitKernels java, int minNative) {
        this.java = java;
        this.minNative = minNative;
    }

    @Override
    public void ntt(long[] values, int logN) {
        Cancellation.checkpoint();
        if (values.length != 1 << logN || logN > 30) {
            throw new IllegalArgumentException("NTT of " + values.length + " values, expected 2^" + logN);
        }
        if (values.length < minNative) {
            java.ntt(values, logN);
            return;
        }
        NativeKernels.zk_ntt(values, logN);
    }

    @Override
    public long[] encodeBitReversed(long[] coeffs, int width, int logMsg, int logN) {
        Cancellation.checkpoint();
        ScalarCommitKernels.checkEncode(coeffs, width, logMsg, logN);
        if ((1 << logN) < minNative) {
            return java.encodeBitReversed(coeffs, width, logMsg, logN);
        }
        long[] out = new long[width << logN];
        NativeKernels.zk_encode_bit_reversed(coeffs, width, logMsg, logN, out);
        return out;
    }

    @Override
    public void evaluationsToCoefficients(long[] values) {
        Cancellation.checkpoint();
        int n = Integer.numberOfTrailingZeros(values.length);
        if (values.length != 1 << n) {
            throw new IllegalArgumentException("table length must be a power of two");
        }
        if (values.length < minNative) {
            java.evaluationsToCoefficients(values);
            return;
        }
        NativeKernels.zk_evaluations_to_coefficients(values, n);
    }

    @Override
    public byte[] hashLeaves(long[] data, int leafLongs) {
        Cancellation.checkpoint();
        if (leafLongs <= 0) {
            throw new IllegalArgumentException("leaves of " + leafLongs + " longs");
        }
        int leaves = data.length / leafLongs;
        if (leaves < minNative / 8) {
            return java.hashLeaves(data, leafLongs);
        }
        byte[] out = new byte[MerkleHash.DIGEST_BYTES * leaves];
        NativeKernels.zk_hash_leaves(data, leaves, leafLongs, out);
        return out;
    }

    @Override
    public long[] maskLowSums(long[] w, long[] parts, int c, int lowSize) {
        Cancellation.checkpoint();
        int highSize = c <= 0 ? 0 : parts.length / c;
        if (c <= 0 || lowSize <= 0 || (long) highSize * c != parts.length || 3L * lowSize * highSize > w.length) {
            throw new IllegalArgumentException("mask sums: " + parts.length + " part values in " + c + " parts, " + w.length
                    + " longs of weights for " + lowSize + " low entries");
        }
        if ((long) lowSize * highSize < minNative) {
            return java.maskLowSums(w, parts, c, lowSize);
        }
        long[] out = new long[3 * c * lowSize];
        NativeKernels.zk_mask_low_sums(w, lowSize, highSize, parts, c, out);
        return out;
    }

    @Override
    public long[] maskCombine(long[] t, long[] rho, long[] parts, int c, long[] e) {
        Cancellation.checkpoint();
        int size = t.length / 3;
        if (t.length != 3 * size || c < 0 || (long) c * size != parts.length || e.length != 3 * c || rho.length != 3) {
            throw new IllegalArgumentException("mask combination: " + t.length + " longs of table, " + parts.length + " part values in "
                    + c + " parts, " + e.length / 3 + " coefficients");
        }
        if (size < minNative) {
            return java.maskCombine(t, rho, parts, c, e);
        }
        long[] out = new long[t.length];
        NativeKernels.zk_mask_combine(t, size, rho, parts, c, e, out);
        return out;
    }

    /** Salted leaf digests in one native pass (one SHA-256 per leaf, two leaves at a time). */
    @Override
    public byte[] hashSaltedLeaves(long[] data, int leaves, int leafLongs, byte[] salts) {
        Cancellation.checkpoint();
        if (leafLongs <= 0 || (long) leaves * leafLongs > data.length || (long) leaves * MerkleHash.SALT_BYTES != salts.length) {
            throw new IllegalArgumentException(leaves + " salted leaves of " + leafLongs + " longs, " + data.length + " longs of data, "
                    + salts.length + " bytes of salt");
        }
        if (leaves < minNative / 8) {
            return java.hashSaltedLeaves(data, leaves, leafLongs, salts);
        }
        byte[] out = new byte[MerkleHash.DIGEST_BYTES * leaves];
        NativeKernels.zk_hash_salted_leaves(data, leaves, leafLongs, salts, out);
        return out;
    }

    @Override
    public byte[] hashParents(byte[] children) {
        Cancellation.checkpoint();
        int parents = children.length / (2 * MerkleHash.DIGEST_BYTES);
        if (parents < minNative / 8) {
            return java.hashParents(children);
        }
        byte[] out = new byte[MerkleHash.DIGEST_BYTES * parents];
        NativeKernels.zk_hash_parents(children, parents, out);
        return out;
    }

    /** The native search returns the smallest valid nonce, as the Java one does (identical proofs). */
    @Override
    public long grind(byte[] seed, int bits) {
        Cancellation.checkpoint();
        byte[] prefix = WhirProtocol.powPrefix(seed);
        long nonce = NativeKernels.zk_grind(prefix, bits);
        if (nonce < 0) {
            throw new IllegalStateException(nonce == -1 ? "no proof-of-work nonce found" : "invalid proof-of-work arguments");
        }
        return nonce;
    }

    @Override
    public long[] evaluateMle(long[] values, long[] point) {
        Cancellation.checkpoint();
        int m = point.length / 3;
        if (point.length != 3 * m || m > 30 || values.length != 1 << m) {
            throw new IllegalArgumentException(values.length + " values for " + m + " variables");
        }
        if (values.length < minNative) {
            return java.evaluateMle(values, point);
        }
        long[] out = new long[3];
        NativeKernels.zk_evaluate_mle(values, point, m, out);
        return out;
    }

    @Override
    public int kernelsPayFrom() {
        return Math.max(minNative, 2);
    }

    @Override
    public void addScaledEq(long[] w, long[] point, long[] coef) {
        Cancellation.checkpoint();
        addScaledEqBatch(w, new long[][] {point}, new long[][] {coef});
    }

    @Override
    public void addScaledEqBatch(long[] w, long[][] points, long[][] coefs) {
        Cancellation.checkpoint();
        if (points.length == 0) {
            return;
        }
        int m = points[0].length / 3;
        int count = points.length;
        if (coefs.length != count || m > 30 || w.length != 3 << m) {
            throw new IllegalArgumentException("weight table of " + w.length / 3 + " for " + m + " variables");
        }
        if (w.length / 3 < minNative) {
            java.addScaledEqBatch(w, points, coefs);
            return;
        }
        long[] flatPoints = new long[3 * m * count];
        long[] flatCoefs = new long[3 * count];
        for (int q = 0; q < count; q++) {
            if (points[q].length != 3 * m || coefs[q].length != 3) {
                throw new IllegalArgumentException("batch points must all have " + m + " coordinates");
            }
            System.arraycopy(points[q], 0, flatPoints, 3 * m * q, 3 * m);
            System.arraycopy(coefs[q], 0, flatCoefs, 3 * q, 3);
        }
        NativeKernels.zk_add_scaled_eq_batch(w, flatPoints, flatCoefs, count, m);
    }

    @Override
    public long[] sumcheckRound(long[] f, int fWidth, long[] w, int size) {
        Cancellation.checkpoint();
        checkWidth(fWidth);
        if (size < minNative || f.length < (long) fWidth * size || w.length < 3L * size) {
            return java.sumcheckRound(f, fWidth, w, size);
        }
        long[] out = new long[9];
        NativeKernels.zk_whir_sumcheck_round(f, fWidth, w, size, out);
        return out;
    }

    @Override
    public long[] fold(long[] table, int width, int size, long[] alpha, boolean monomial) {
        Cancellation.checkpoint();
        checkWidth(width);
        if (size < minNative || table.length < (long) width * size) {
            return java.fold(table, width, size, alpha, monomial);
        }
        long[] out = new long[3 * (size >>> 1)];
        NativeKernels.zk_whir_fold(table, width, size, alpha, monomial ? 1 : 0, out);
        return out;
    }

    private static void checkWidth(int width) {
        if (width != 1 && width != 3) {
            throw new IllegalArgumentException("width " + width + ", expected 1 or 3");
        }
    }
}

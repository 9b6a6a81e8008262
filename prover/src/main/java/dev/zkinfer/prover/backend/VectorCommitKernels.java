package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.pcs.WhirProtocol;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Multi-threaded commit kernels (fork/join over all cores). Results are identical to
 * {@link ScalarCommitKernels}: the same range kernels of {@link CommitArithmetic} run on
 * disjoint chunks, and the Reed–Solomon encoding, computed differently (a decimation-in-
 * frequency NTT per coset block, which yields bit-reversed order directly), returns the same
 * field elements.
 *
 * <p>Encoding: with N = 2^logN = 2^r·M, M = 2^logMsg, the value at ω_N^(2^r·a + s) is
 * Σ_c (c_c·ω_N^(s·c))·ω_M^(a·c), an M-point NTT of the s-scaled coefficients; in bit-reversed
 * order those values form the contiguous block number rev_r(s). The 2^r blocks are
 * independent tasks.
 */
final class VectorCommitKernels implements CommitKernels {
    private final ScalarCommitKernels scalar = new ScalarCommitKernels();
    private static final ConcurrentHashMap<Integer, long[]> TWIDDLES = new ConcurrentHashMap<>();
    private static final ThreadLocal<MerkleHash> HASH = ThreadLocal.withInitial(MerkleHash::new);
    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(ScalarCommitKernels::sha256);
    private static final int CHUNKS = 4 * Runtime.getRuntime().availableProcessors();

    @Override
    public void ntt(long[] values, int logN) {
        scalar.ntt(values, logN);
    }

    /** Runs body(from, to) over [0, n) split into chunks of at least minChunk, in parallel. */
    private static void parallelFor(int n, int minChunk, RangeBody body) {
        int chunks = Math.max(1, Math.min(CHUNKS, n / Math.max(1, minChunk)));
        if (chunks == 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /** Σ over chunks of body(from, to) (field vectors of length len), computed in parallel. */
    private static long[] parallelSum(int n, int minChunk, int len, RangeSum body) {
        int chunks = Math.max(1, Math.min(CHUNKS, n / Math.max(1, minChunk)));
        long[][] parts = new long[chunks][];
        IntStream.range(0, chunks).parallel().forEach(c -> parts[c] = body.run((int) ((long) n * c / chunks),
                (int) ((long) n * (c + 1) / chunks)));
        long[] acc = new long[len];
        for (long[] p : parts) {
            CommitArithmetic.addInto(acc, p);
        }
        return acc;
    }

    @FunctionalInterface
    private interface RangeSum {
        long[] run(int from, int to);
    }

    @FunctionalInterface
    private interface RangeBody {
        void run(int from, int to);
    }

    /** ω_M^k for k < M/2. */
    private static long[] twiddles(int logM) {
        return TWIDDLES.computeIfAbsent(logM, lm -> {
            int half = Math.max(1, (1 << lm) >>> 1);
            long[] tw = new long[half];
            long w = Goldilocks.rootOfUnity(lm);
            tw[0] = 1;
            for (int k = 1; k < half; k++) {
                tw[k] = Goldilocks.mul(tw[k - 1], w);
            }
            return tw;
        });
    }

    @Override
    public long[] encodeBitReversed(long[] coeffs, int width, int logMsg, int logN) {
        ScalarCommitKernels.checkEncode(coeffs, width, logMsg, logN);
        int r = logN - logMsg;
        int m = 1 << logMsg;
        long[] out = new long[width << logN];
        long omegaN = Goldilocks.rootOfUnity(logN);
        long[] tw = twiddles(logMsg);
        IntStream.range(0, 1 << r).parallel().forEach(s -> {
            int base = width * m * WhirProtocol.bitReverse(s, r);
            long step = Goldilocks.pow(omegaN, s);
            long scale = 1;
            for (int c = 0; c < m; c++) {
                for (int q = 0; q < width; q++) {
                    out[base + width * c + q] = Goldilocks.mul(coeffs[width * c + q], scale);
                }
                scale = Goldilocks.mul(scale, step);
            }
            difNtt(out, base, width, logMsg, tw);
        });
        return out;
    }

    /** In-place Gentleman–Sande NTT of 2^logM elements of the given width: natural in, bit-reversed out. */
    private static void difNtt(long[] a, int base, int width, int logM, long[] tw) {
        int m = 1 << logM;
        for (int len = m, stride = 1; len >= 2; len >>>= 1, stride <<= 1) {
            int half = len >>> 1;
            for (int i = 0; i < m; i += len) {
                for (int k = 0; k < half; k++) {
                    long t = tw[k * stride];
                    int p = base + width * (i + k);
                    int q = p + width * half;
                    for (int c = 0; c < width; c++) {
                        long u = a[p + c], v = a[q + c];
                        a[p + c] = Goldilocks.add(u, v);
                        a[q + c] = Goldilocks.mul(Goldilocks.sub(u, v), t);
                    }
                }
            }
        }
    }

    @Override
    public void evaluationsToCoefficients(long[] values) {
        int n = Integer.numberOfTrailingZeros(values.length);
        if (values.length != 1 << n) {
            throw new IllegalArgumentException("table length must be a power of two");
        }
        for (int k = 0; k < n; k++) {
            int kk = k;
            parallelFor(values.length >>> 1, 1 << 14, (from, to) -> CommitArithmetic.mobiusRange(values, kk, from, to));
        }
    }

    @Override
    public byte[] hashLeaves(long[] data, int leafLongs) {
        int leaves = data.length / leafLongs;
        byte[] out = new byte[MerkleHash.DIGEST_BYTES * leaves];
        parallelFor(leaves, 256, (from, to) -> CommitArithmetic.hashLeavesRange(HASH.get(), data, leafLongs, out, from, to));
        return out;
    }

    @Override
    public byte[] hashParents(byte[] children) {
        int parents = children.length / 64;
        byte[] out = new byte[32 * parents];
        parallelFor(parents, 1024, (from, to) -> CommitArithmetic.hashParentsRange(HASH.get(), children, out, from, to));
        return out;
    }

    @Override
    public long grind(byte[] seed, int bits) {
        final long batch = 1 << 13;
        int tasks = Runtime.getRuntime().availableProcessors();
        for (long start = 0; start >= 0; start += batch * tasks) {
            long s0 = start;
            // The first batch (in nonce order) with a hit holds the smallest valid nonce.
            long found = IntStream.range(0, tasks).parallel()
                    .mapToLong(b -> CommitArithmetic.grindRange(SHA.get(), seed, bits, s0 + b * batch, s0 + (b + 1) * batch))
                    .filter(v -> v >= 0).min().orElse(-1);
            if (found >= 0) {
                return found;
            }
        }
        throw new IllegalStateException("no proof-of-work nonce found");
    }

    @Override
    public long[] evaluateMle(long[] values, long[] point) {
        int m = point.length / 3;
        if (values.length != 1 << m) {
            throw new IllegalArgumentException(values.length + " values for " + m + " variables");
        }
        int lo = CommitArithmetic.lowVars(m);
        long[] hi = CommitArithmetic.highFactors(point, lo, m, new long[] {1, 0, 0});
        long[] low = CommitArithmetic.lowTable(point, lo, false);
        return parallelSum(1 << (m - lo), 1, 3, (from, to) -> CommitArithmetic.dotEqRange(values, hi, low, lo, from, to));
    }

    @Override
    public void addScaledEq(long[] w, long[] point, long[] coef) {
        int m = point.length / 3;
        if (w.length != 3 << m) {
            throw new IllegalArgumentException("weight table of " + w.length / 3 + " for " + m + " variables");
        }
        int lo = CommitArithmetic.lowVars(m);
        boolean base = CommitArithmetic.isBasePoint(point);
        long[] hi = CommitArithmetic.highFactors(point, lo, m, coef);
        long[] low = CommitArithmetic.lowTable(point, lo, base);
        parallelFor(1 << (m - lo), 1, (from, to) -> CommitArithmetic.addScaledEqRange(w, hi, low, base, lo, from, to));
    }

    @Override
    public long[] sumcheckRound(long[] f, int fWidth, long[] w, int size) {
        return parallelSum(size >>> 1, 4096, 9, (from, to) -> CommitArithmetic.sumcheckRange(f, fWidth, w, from, to));
    }

    @Override
    public long[] fold(long[] table, int width, int size, long[] alpha, boolean monomial) {
        long[] out = new long[3 * (size >>> 1)];
        parallelFor(size >>> 1, 1 << 13, (from, to) -> CommitArithmetic.foldRange(table, width, alpha, monomial, out, from, to));
        return out;
    }
}

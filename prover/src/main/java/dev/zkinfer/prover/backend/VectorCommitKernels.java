package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.pcs.WhirProtocol;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

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

    /**
     * How many chunks for n units of at least minChunk each: enough to keep every core busy and
     * each chunk short (up to 64 per core), since a cancelled proof finishes its running chunks.
     * The results do not depend on it (field sums are exact).
     */
    private static int chunks(int n, int minChunk) {
        return Math.max(1, Math.min(64 * CHUNKS, n / Math.max(1, minChunk)));
    }

    /** Runs body(from, to) over [0, n) split into chunks of at least minChunk, in parallel. */
    private static void parallelFor(int n, int minChunk, RangeBody body) {
        int chunks = chunks(n, minChunk);
        if (chunks == 1) {
            body.run(0, n);
            return;
        }
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, chunks).parallel().forEach(c -> {
            cancel.check();
            body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
        });
    }

    /** Σ over chunks of body(from, to) (field vectors of length len), computed in parallel. */
    private static long[] parallelSum(int n, int minChunk, int len, RangeSum body) {
        int chunks = chunks(n, minChunk);
        long[][] parts = new long[chunks][];
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, chunks).parallel().peek(c -> cancel.check()).forEach(c -> parts[c] = body.run((int) ((long) n * c / chunks),
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

    /**
     * Levels of at most 2^(TWIDDLE_LOG − 1) butterflies read their twiddles from one kept table (8
     * MiB); a larger level computes them from two small tables of its own ({@link #splitTwiddles}):
     * a kept table of the transform's size was 2 GiB of heap for the life of the process at 2^28
     * (as commit.c's twiddles were of native memory).
     */
    private static final int TWIDDLE_LOG = 20;
    /** Butterflies per entry of a large level's high table: ω^k = hi[k / PIECE]·lo[k % PIECE]. */
    private static final int PIECE = 1 << 10;
    private static final ConcurrentHashMap<Integer, long[]> SPLIT_TWIDDLES = new ConcurrentHashMap<>();

    /**
     * Per-level twiddles of an M-point NTT: T[h + k] = ω_{2h}^k for h = 1, 2, 4, ..., M/2 and k < h,
     * up to M = 2^TWIDDLE_LOG (a level's entries do not depend on M: larger transforms share the table).
     */
    private static long[] twiddles(int logM) {
        return TWIDDLES.computeIfAbsent(Math.min(logM, TWIDDLE_LOG), lm -> {
            long[] t = new long[Math.max(2, 1 << lm)];
            for (int lg = 1; lg <= lm; lg++) {
                int h = 1 << (lg - 1);
                long w = Goldilocks.rootOfUnity(lg);
                t[h] = 1;
                for (int k = 1; k < h; k++) {
                    t[h + k] = Goldilocks.mul(t[h + k - 1], w);
                }
            }
            return t;
        });
    }

    /** Level lg's (ω = ω_{2^lg}) ω^j for j &lt; PIECE, then ω^(PIECE·i) for i &lt; 2^(lg−1)/PIECE. */
    private static long[] splitTwiddles(int lg) {
        return SPLIT_TWIDDLES.computeIfAbsent(lg, l -> {
            int hi = (1 << (l - 1)) / PIECE;
            long[] t = new long[PIECE + hi];
            long w = Goldilocks.rootOfUnity(l);
            t[0] = 1;
            for (int j = 1; j < PIECE; j++) {
                t[j] = Goldilocks.mul(t[j - 1], w);
            }
            long step = Goldilocks.mul(t[PIECE - 1], w);
            t[PIECE] = 1;
            for (int i = 1; i < hi; i++) {
                t[PIECE + i] = Goldilocks.mul(t[PIECE + i - 1], step);
            }
            return t;
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
        // one task per (coset, coordinate): an extension table is encoded as three base-field NTTs
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, width << r).parallel().forEach(task -> {
            cancel.check();
            int s = task / width, q = task % width;
            int block = WhirProtocol.bitReverse(s, r);
            long step = Goldilocks.pow(omegaN, s);
            if (width == 1) {
                int base = m * block;
                scaleByPowers(coeffs, 1, 0, out, base, m, step);
                difNtt(out, base, logMsg, tw, cancel);
            } else {
                long[] buf = scratch(m);
                scaleByPowers(coeffs, width, q, buf, 0, m, step);
                difNtt(buf, 0, logMsg, tw, cancel);
                int o = width * m * block + q;
                for (int c = 0; c < m; c++) {
                    out[o + width * c] = buf[c];
                }
            }
        });
        return out;
    }

    private static final ThreadLocal<long[][]> SCRATCH = ThreadLocal.withInitial(() -> new long[1][0]);

    /** A per-thread buffer of at least m longs. */
    private static long[] scratch(int m) {
        long[][] holder = SCRATCH.get();
        if (holder[0].length < m) {
            holder[0] = new long[m];
        }
        return holder[0];
    }

    /** dst[base + c] = src[width·c + q] · step^c for c < m. */
    private static void scaleByPowers(long[] src, int width, int q, long[] dst, int base, int m, long step) {
        int lanes = V.length();
        if (m < 2 * lanes) {
            long scale = 1;
            for (int c = 0; c < m; c++) {
                dst[base + c] = Goldilocks.mul(src[width * c + q], scale);
                scale = Goldilocks.mul(scale, step);
            }
            return;
        }
        long[] pw = new long[lanes];
        long scale = 1;
        for (int c = 0; c < lanes; c++) {
            pw[c] = scale;
            scale = Goldilocks.mul(scale, step);
        }
        // scale = step^lanes
        LongVector stepV = LongVector.broadcast(V, scale);
        LongVector p = LongVector.fromArray(V, pw, 0);
        if (width == 1) {
            for (int c = 0; c < m; c += lanes) {
                GoldilocksVectors.mul(LongVector.fromArray(V, src, c), p).intoArray(dst, base + c);
                p = GoldilocksVectors.mul(p, stepV);
            }
        } else {
            for (int c = 0; c < m; c++) {
                dst[base + c] = src[width * c + q];
            }
            for (int c = 0; c < m; c += lanes) {
                GoldilocksVectors.mul(LongVector.fromArray(V, dst, base + c), p).intoArray(dst, base + c);
                p = GoldilocksVectors.mul(p, stepV);
            }
        }
    }

    private static final VectorSpecies<Long> V = LongVector.SPECIES_PREFERRED;

    /** Sub-transforms at most this large run level by level (2^15 longs: 256 KiB, in the L2 cache). */
    private static final int LOG_IN_CACHE = 15;

    /**
     * In-place Gentleman–Sande NTT of 2^logM base-field elements at a[base..]: natural in,
     * bit-reversed out. Large transforms do one butterfly level over the whole range, then
     * recurse into the two halves, so that only the top levels stream through memory.
     */
    private static void difNtt(long[] a, int base, int logM, long[] tw, Cancellation cancel) {
        if (logM <= LOG_IN_CACHE) {
            for (int lg = logM; lg >= 1; lg--) {
                int half = 1 << (lg - 1);
                for (int i = 0; i < (1 << logM); i += 2 * half) {
                    butterflies(a, base + i, half, tw);
                }
            }
            return;
        }
        int half = 1 << (logM - 1);
        cancel.check();
        butterflies(a, base, half, tw);
        difNtt(a, base, logM - 1, tw, cancel);
        difNtt(a, base + half, logM - 1, tw, cancel);
    }

    /** One DIF level on a block of 2·half elements at p: (u, v) -> (u + v, (u - v)·ω_{2half}^k). */
    private static void butterflies(long[] a, int p, int half, long[] tw) {
        int lanes = V.length();
        if (half > 1 << (TWIDDLE_LOG - 1)) {
            // a level above the kept table: ω^(PIECE·i + j) = hi[i]·lo[j]
            long[] split = splitTwiddles(Integer.numberOfTrailingZeros(half) + 1);
            for (int k0 = 0; k0 < half; k0 += PIECE) {
                LongVector h = LongVector.broadcast(V, split[PIECE + k0 / PIECE]);
                for (int j = 0; j < PIECE; j += lanes) {
                    int k = k0 + j;
                    LongVector u = LongVector.fromArray(V, a, p + k);
                    LongVector v = LongVector.fromArray(V, a, p + k + half);
                    GoldilocksVectors.add(u, v).intoArray(a, p + k);
                    LongVector w = GoldilocksVectors.mul(LongVector.fromArray(V, split, j), h);
                    GoldilocksVectors.mul(GoldilocksVectors.sub(u, v), w).intoArray(a, p + k + half);
                }
            }
            return;
        }
        if (half >= lanes) {
            for (int k = 0; k < half; k += lanes) {
                LongVector u = LongVector.fromArray(V, a, p + k);
                LongVector v = LongVector.fromArray(V, a, p + k + half);
                GoldilocksVectors.add(u, v).intoArray(a, p + k);
                GoldilocksVectors.mul(GoldilocksVectors.sub(u, v), LongVector.fromArray(V, tw, half + k)).intoArray(a, p + k + half);
            }
            return;
        }
        for (int k = 0; k < half; k++) {
            long u = a[p + k], v = a[p + k + half];
            a[p + k] = Goldilocks.add(u, v);
            a[p + k + half] = Goldilocks.mul(Goldilocks.sub(u, v), tw[half + k]);
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
        int tasks = Runtime.getRuntime().availableProcessors();
        // about 2^bits nonces (the expected search) per round of `tasks` batches
        final long batch = Math.max(64, Math.min(1 << 13, (1L << Math.min(bits, 40)) / tasks));
        for (long start = 0; start >= 0; start += batch * tasks) {
            Cancellation.checkpoint();
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

    /** Low variables of the base-point batch kernel: 2^9 entries × count queries stay in the L2 cache. */
    private static final int BATCH_LOW_VARS = 9;

    /**
     * Batch: each chunk of w receives every constraint before the next chunk. When every
     * point lies in the base field (WHIR's query points), the constraints are summed per entry
     * with delayed reduction: with tables laid out query-minor, w[c·2^lo + b] += Σ_q hi_q[c]·low_q[b]
     * is three 128-bit dot products over q, reduced once each.
     */
    @Override
    public void addScaledEqBatch(long[] w, long[][] points, long[][] coefs) {
        if (points.length == 0) {
            return;
        }
        int m = points[0].length / 3;
        int count = points.length;
        boolean allBase = true;
        for (int q = 0; q < count; q++) {
            if (points[q].length != 3 * m || w.length != 3 << m) {
                throw new IllegalArgumentException("batch points must all have " + m + " coordinates");
            }
            allBase &= CommitArithmetic.isBasePoint(points[q]);
        }
        if (allBase && count < (1 << 20)) {
            addScaledEqBatchBase(w, points, coefs, m);
            return;
        }
        // eq tables of the low and high halves (2^(m/2) products each per query, where a low table of
        // up to 2^12 entries cost 2^m); a small batch stays on the calling thread
        int lo = Math.min(m / 2, CommitArithmetic.lowVars(m));
        long[][] his = new long[count][];
        long[][] lows = new long[count][];
        boolean[] base = new boolean[count];
        for (int q = 0; q < count; q++) {
            base[q] = CommitArithmetic.isBasePoint(points[q]);
            his[q] = CommitArithmetic.highFactors(points[q], lo, m, coefs[q]);
            lows[q] = CommitArithmetic.lowTable(points[q], lo, base[q]);
        }
        long perItem = (long) count << lo;
        parallelFor(1 << (m - lo), (int) Math.max(1, (4096 + perItem - 1) / perItem), (from, to) -> {
            for (int c = from; c < to; c++) {
                for (int q = 0; q < count; q++) {
                    CommitArithmetic.addScaledEqRange(w, his[q], lows[q], base[q], lo, c, c + 1);
                }
            }
        });
    }

    private static void addScaledEqBatchBase(long[] w, long[][] points, long[][] coefs, int m) {
        int count = points.length;
        int lo = Math.min(m, BATCH_LOW_VARS);
        int lowSize = 1 << lo;
        int highSize = 1 << (m - lo);
        long[] lowT = new long[lowSize * count];
        long[] hiT = new long[3 * highSize * count];
        for (int q = 0; q < count; q++) {
            long[] low = CommitArithmetic.lowTable(points[q], lo, true);
            for (int b = 0; b < lowSize; b++) {
                lowT[b * count + q] = low[b];
            }
            long[] hi = CommitArithmetic.highFactors(points[q], lo, m, coefs[q]);
            for (int c = 0; c < highSize; c++) {
                int d = 3 * (c * count + q);
                hiT[d] = hi[3 * c];
                hiT[d + 1] = hi[3 * c + 1];
                hiT[d + 2] = hi[3 * c + 2];
            }
        }
        parallelFor(highSize, 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                int hb = 3 * c * count;
                for (int b = 0; b < lowSize; b++) {
                    int lb = b * count;
                    long lo0 = 0, hi0 = 0, tp0 = 0, lo1 = 0, hi1 = 0, tp1 = 0, lo2 = 0, hi2 = 0, tp2 = 0;
                    for (int q = 0; q < count; q++) {
                        long e = lowT[lb + q];
                        int k = hb + 3 * q;
                        long x = hiT[k], l = x * e, h = Math.unsignedMultiplyHigh(x, e);
                        lo0 += l;
                        h += Long.compareUnsigned(lo0, l) < 0 ? 1 : 0;
                        hi0 += h;
                        tp0 += Long.compareUnsigned(hi0, h) < 0 ? 1 : 0;
                        x = hiT[k + 1];
                        l = x * e;
                        h = Math.unsignedMultiplyHigh(x, e);
                        lo1 += l;
                        h += Long.compareUnsigned(lo1, l) < 0 ? 1 : 0;
                        hi1 += h;
                        tp1 += Long.compareUnsigned(hi1, h) < 0 ? 1 : 0;
                        x = hiT[k + 2];
                        l = x * e;
                        h = Math.unsignedMultiplyHigh(x, e);
                        lo2 += l;
                        h += Long.compareUnsigned(lo2, l) < 0 ? 1 : 0;
                        hi2 += h;
                        tp2 += Long.compareUnsigned(hi2, h) < 0 ? 1 : 0;
                    }
                    int o = 3 * ((c << lo) + b);
                    w[o] = Goldilocks.add(w[o], FusedSumcheck.reduce192(tp0, hi0, lo0));
                    w[o + 1] = Goldilocks.add(w[o + 1], FusedSumcheck.reduce192(tp1, hi1, lo1));
                    w[o + 2] = Goldilocks.add(w[o + 2], FusedSumcheck.reduce192(tp2, hi2, lo2));
                }
            }
        });
    }

    @Override
    public long[] sumcheckRound(long[] f, int fWidth, long[] w, int size) {
        if (fWidth == 1) {
            return parallelSum(size >>> 1, 4096, 9, (from, to) -> sumcheckBaseRange(f, w, from, to));
        }
        return parallelSum(size >>> 1, 4096, 9, (from, to) -> CommitArithmetic.sumcheckRange(f, fWidth, w, from, to));
    }

    /** {@link CommitArithmetic#sumcheckRange} for a base-field f: extension × base products (3 multiplications). */
    private static long[] sumcheckBaseRange(long[] f, long[] w, int from, int to) {
        long a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0, c0 = 0, c1 = 0, c2 = 0;
        for (int j = from; j < to; j++) {
            int o = 6 * j;
            long x = f[2 * j], y = f[2 * j + 1];
            long u0 = w[o], u1 = w[o + 1], u2 = w[o + 2], v0 = w[o + 3], v1 = w[o + 4], v2 = w[o + 5];
            a0 = Goldilocks.add(a0, Goldilocks.mul(u0, x));
            a1 = Goldilocks.add(a1, Goldilocks.mul(u1, x));
            a2 = Goldilocks.add(a2, Goldilocks.mul(u2, x));
            b0 = Goldilocks.add(b0, Goldilocks.mul(v0, y));
            b1 = Goldilocks.add(b1, Goldilocks.mul(v1, y));
            b2 = Goldilocks.add(b2, Goldilocks.mul(v2, y));
            long e = Goldilocks.sub(Goldilocks.add(y, y), x);
            c0 = Goldilocks.add(c0, Goldilocks.mul(Goldilocks.sub(Goldilocks.add(v0, v0), u0), e));
            c1 = Goldilocks.add(c1, Goldilocks.mul(Goldilocks.sub(Goldilocks.add(v1, v1), u1), e));
            c2 = Goldilocks.add(c2, Goldilocks.mul(Goldilocks.sub(Goldilocks.add(v2, v2), u2), e));
        }
        return new long[] {a0, a1, a2, b0, b1, b2, c0, c1, c2};
    }

    @Override
    public long[] fold(long[] table, int width, int size, long[] alpha, boolean monomial) {
        long[] out = new long[3 * (size >>> 1)];
        parallelFor(size >>> 1, 1 << 13, (from, to) -> CommitArithmetic.foldRange(table, width, alpha, monomial, out, from, to));
        return out;
    }
}

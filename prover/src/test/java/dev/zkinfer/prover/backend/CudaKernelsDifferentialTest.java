package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every CUDA kernel against the scalar reference on random inputs of many sizes, on ordinary
 * and resident tables. Parameter: the GPU threshold (1: every size runs on the GPU; the
 * default: small sizes take the CPU path). Skips without a GPU or without the library.
 */
class CudaKernelsDifferentialTest {
    private final ScalarCommitKernels scalar = new ScalarCommitKernels();
    private final SumcheckKernels scalarSumcheck = new ScalarSumcheckKernels();
    private final SplittableRandom rnd = new SplittableRandom(2026);
    private CudaBackend cuda;
    private CommitKernels gpu;
    private int savedThreshold;

    static CudaBackend cudaOrSkip() {
        try {
            return CudaBackend.load();
        } catch (IllegalStateException e) {
            Assumptions.assumeTrue(false, e.getMessage());
            return null;
        }
    }

    @BeforeEach
    void load() {
        cuda = cudaOrSkip();
        gpu = cuda.commit();
        savedThreshold = CudaBackend.minEntries;
    }

    @AfterEach
    void restore() {
        CudaBackend.minEntries = savedThreshold;
    }

    private long[] base(int count) {
        long[] a = new long[count];
        for (int i = 0; i < count; i++) {
            a[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return a;
    }

    private long[] edgy(int count) {
        // canonical values near 0 and p, where carries and reductions happen
        long[] a = base(count);
        for (int i = 0; i < count; i += 3) {
            a[i] = switch (i % 4) {
                case 0 -> 0;
                case 1 -> Goldilocks.P - 1;
                case 2 -> 0xFFFF_FFFFL;
                default -> Goldilocks.P - 1 - (rnd.nextLong() & 0xFFFF);
            };
        }
        return a;
    }

    private long[] point(int m) {
        return base(3 * m);
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void encodingMatchesTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        for (int width : new int[] {1, 3}) {
            for (int logMsg = 0; logMsg <= 14; logMsg += (logMsg < 6 ? 1 : 4)) {
                for (int extra = 0; extra <= 2; extra++) {
                    int logN = logMsg + extra;
                    long[] c = edgy(width << logMsg);
                    long[] expected = scalar.encodeBitReversed(c, width, logMsg, logN);
                    long[] got = gpu.toHost(gpu.encodeBitReversed(c, width, logMsg, logN), width << logN);
                    assertArrayEquals(expected, got, "width " + width + " 2^" + logMsg + " -> 2^" + logN);
                    long[] resident = gpu.resident(c);
                    got = gpu.toHost(gpu.encodeBitReversed(resident, width, logMsg, logN), width << logN);
                    assertArrayEquals(expected, got, "resident, width " + width + " 2^" + logMsg + " -> 2^" + logN);
                }
            }
        }
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void moebiusTransformMatchesTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        for (int n = 0; n <= 16; n += (n < 4 ? 1 : 3)) {
            long[] v = edgy(1 << n);
            long[] expected = v.clone();
            scalar.evaluationsToCoefficients(expected);
            long[] r = gpu.resident(v);
            gpu.evaluationsToCoefficients(r);
            assertArrayEquals(expected, gpu.toHost(r, 1 << n), "n " + n);
        }
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void merkleTreesMatchTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        for (int leafLongs : new int[] {1, 2, 7, 16, 48}) {
            for (int logLeaves = 0; logLeaves <= 13; logLeaves += 3) {
                int leaves = 1 << logLeaves;
                long[] data = base(leaves * leafLongs);
                byte[][] expected = scalarLayers(data, leaves, leafLongs);
                byte[][] got = gpu.merkleLayers(data, leaves, leafLongs);
                assertArrayEquals(expected, got, leaves + " leaves of " + leafLongs);
                got = gpu.merkleLayers(gpu.resident(data), leaves, leafLongs);
                assertArrayEquals(expected, got, "resident, " + leaves + " leaves of " + leafLongs);
            }
        }
    }

    private byte[][] scalarLayers(long[] data, int leaves, int leafLongs) {
        int depth = Integer.numberOfTrailingZeros(leaves);
        byte[][] layers = new byte[depth + 1][];
        layers[0] = scalar.hashLeaves(data, leafLongs);
        for (int d = 1; d <= depth; d++) {
            layers[d] = scalar.hashParents(layers[d - 1]);
        }
        return layers;
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void mleEvaluationAndEqWeightsMatchTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        for (int m = 0; m <= 16; m += (m < 3 ? 1 : 3)) {
            long[] v = edgy(1 << m);
            long[] z = point(m);
            assertArrayEquals(scalar.evaluateMle(v, z), gpu.evaluateMle(v, z), "evaluate, m " + m);
            assertArrayEquals(scalar.evaluateMle(v, z), gpu.evaluateMle(gpu.resident(v), z), "evaluate resident, m " + m);

            long[][] points = {point(m), point(m), point(m)};
            long[][] coefs = {base(3), base(3), base(3)};
            long[] expected = new long[3 << m];
            scalar.addScaledEq(expected, points[0], coefs[0]);
            scalar.addScaledEqBatch(expected, new long[][] {points[1], points[2]}, new long[][] {coefs[1], coefs[2]});
            long[] host = new long[3 << m];
            gpu.addScaledEq(host, points[0], coefs[0]);
            gpu.addScaledEqBatch(host, new long[][] {points[1], points[2]}, new long[][] {coefs[1], coefs[2]});
            assertArrayEquals(expected, host, "addScaledEq on an ordinary table, m " + m);
            long[] w = gpu.zeros(3 << m);
            gpu.addScaledEq(w, points[0], coefs[0]);
            gpu.addScaledEqBatch(w, new long[][] {points[1], points[2]}, new long[][] {coefs[1], coefs[2]});
            assertArrayEquals(expected, gpu.toHost(w, 3 << m), "addScaledEq resident, m " + m);
        }
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void whirRoundAndFoldMatchTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        for (int logSize = 1; logSize <= 17; logSize += (logSize < 4 ? 1 : 4)) {
            int size = 1 << logSize;
            for (int width : new int[] {1, 3}) {
                long[] f = edgy(width * size);
                long[] w = edgy(3 * size);
                long[] expected = scalar.sumcheckRound(f, width, w, size);
                assertArrayEquals(expected, gpu.sumcheckRound(f, width, w, size), "round, width " + width + " size " + size);
                assertArrayEquals(expected, gpu.sumcheckRound(gpu.resident(f), width, gpu.resident(w), size),
                        "round resident, width " + width + " size " + size);
                long[] alpha = base(3);
                for (boolean monomial : new boolean[] {false, true}) {
                    long[] e = scalar.fold(f, width, size, alpha, monomial);
                    assertArrayEquals(e, gpu.toHost(gpu.fold(f, width, size, alpha, monomial), 3 * (size / 2)),
                            "fold, width " + width + " size " + size + " monomial " + monomial);
                    assertArrayEquals(e, gpu.toHost(gpu.fold(gpu.resident(f), width, size, alpha, monomial), 3 * (size / 2)),
                            "fold resident, width " + width + " size " + size + " monomial " + monomial);
                }
                int leafLongs = width << 2;
                int leaves = width * size / leafLongs;
                if (leaves > 0) {
                    int[] idx = {0, leaves / 3, leaves - 1};
                    assertArrayEquals(scalar.leaves(f, idx, leafLongs), gpu.leaves(gpu.resident(f), idx, leafLongs));
                }
            }
        }
    }

    /**
     * Every round of the sumcheck of {@code terms} over tables {@code a} (2^n entries) on the
     * scalar and the GPU kernels, each on its own copy: round 0's sums, each fold with the next
     * round's sums, then the last fold's single entries, all identical.
     */
    private void assertEveryRoundMatches(SumcheckKernels gpuSumcheck, long[][] a, boolean[] isBase, int[][] terms, int n,
            int degree, String what) {
        long[][] b = a.clone();
        for (int f = 0; f < a.length; f++) {
            b[f] = a[f].clone();
        }
        assertArrayEquals(scalarSumcheck.roundSums(a, isBase, terms, 1 << (n - 1), degree),
                gpuSumcheck.roundSums(b, isBase, terms, 1 << (n - 1), degree), "round 0, " + what);
        for (int k = 0; k + 1 < n; k++) {
            int half = 1 << (n - 1 - k);
            Ext3 r = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()),
                    Goldilocks.reduce(rnd.nextLong()));
            assertArrayEquals(scalarSumcheck.foldAndRoundSums(a, k == 0 ? isBase : null, terms, half, degree, r),
                    gpuSumcheck.foldAndRoundSums(b, k == 0 ? isBase : null, terms, half, degree, r), "round " + (k + 1) + ", " + what);
        }
        Ext3 r = new Ext3(5, 6, 7);
        for (int f = 0; f < a.length; f++) {
            if (n == 1 && isBase[f]) {
                a[f] = scalarSumcheck.foldBase(a[f], 1, r);
                b[f] = gpuSumcheck.foldBase(b[f], 1, r);
            } else {
                scalarSumcheck.fold(a[f], 1, r);
                gpuSumcheck.fold(b[f], 1, r);
            }
            assertArrayEquals(java.util.Arrays.copyOf(a[f], 3), java.util.Arrays.copyOf(b[f], 3), "final, " + what);
        }
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void productSumchecksMatchTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        SumcheckKernels gpuSumcheck = cuda.sumcheck();
        for (int n = 1; n <= 18; n += (n < 4 ? 1 : 5)) {
            for (int shape = 0; shape < 3; shape++) {
                boolean fBase = shape != 1, gBase = shape != 2 && shape != 1;
                long[][] a = {fBase ? edgy(1 << n) : edgy(3 << n), gBase ? edgy(1 << n) : edgy(3 << n)};
                assertEveryRoundMatches(gpuSumcheck, a, new boolean[] {fBase, gBase}, new int[][] {{0, 1}}, n, 2,
                        "n " + n + " shape " + shape);
            }
        }
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void generalSumchecksMatchTheReference(int threshold) {
        CudaBackend.minEntries = threshold;
        SumcheckKernels gpuSumcheck = cuda.sumcheck();
        // (isBase per table, terms, degree): LogUp-style, eq-weighted products, linear, unused table
        Object[][] shapes = {
            {new boolean[] {true, false, false}, new int[][] {{0, 1, 2}, {1}}, 3},
            {new boolean[] {false, false, false, false, true}, new int[][] {{0, 1, 2}, {0, 3}, {4, 2}}, 3},
            {new boolean[] {true, true}, new int[][] {{0}, {1}}, 1},
            {new boolean[] {false, true, false}, new int[][] {{0, 1, 1, 2, 0}}, 5},
            {new boolean[] {true, true, false}, new int[][] {{0, 1}}, 2},
        };
        for (Object[] shape : shapes) {
            boolean[] isBase = (boolean[]) shape[0];
            int[][] terms = (int[][]) shape[1];
            int degree = (Integer) shape[2];
            for (int n = 1; n <= 16; n += 5) {
                long[][] a = new long[isBase.length][];
                for (int f = 0; f < a.length; f++) {
                    a[f] = isBase[f] ? edgy(1 << n) : edgy(3 << n);
                }
                assertEveryRoundMatches(gpuSumcheck, a, isBase, terms, n, degree,
                        "terms " + java.util.Arrays.deepToString(terms) + ", n " + n);
            }
        }
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 1 << 14})
    void instancesBeyondTheGpuLimitsRunOnTheCpu(int threshold) {
        CudaBackend.minEntries = threshold;
        SumcheckKernels gpuSumcheck = cuda.sumcheck();
        int n = 15, tables = 33;
        long[][] a = new long[tables][];
        int[][] terms = new int[tables][];
        for (int f = 0; f < tables; f++) {
            a[f] = edgy(3 << n);
            terms[f] = new int[] {f};
        }
        long[][] b = a.clone();
        assertArrayEquals(scalarSumcheck.roundSums(a, null, terms, 1 << (n - 1), 1), gpuSumcheck.roundSums(b, null, terms, 1 << (n - 1), 1));
        Ext3 r = new Ext3(11, 12, 13);
        a = a.clone();
        for (int f = 0; f < tables; f++) {
            a[f] = a[f].clone();
        }
        assertArrayEquals(scalarSumcheck.foldAndRoundSums(a, null, terms, 1 << (n - 1), 1, r),
                gpuSumcheck.foldAndRoundSums(b, null, terms, 1 << (n - 1), 1, r));
    }
}

package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The closed-form wiring predicates (Im2col, Window, Gather along an axis, address-keeping Reshape) equal the generic O(|y|) evaluation. */
class IndexMapWiringTest {
    private static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P), Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P),
                Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P));
    }

    private static Ext3[] point(int n, SplittableRandom rnd) {
        Ext3[] p = new Ext3[n];
        for (int i = 0; i < n; i++) {
            // now and then a Boolean coordinate, as lifted points have
            int pick = rnd.nextInt(8);
            p[i] = pick == 0 ? Ext3.ZERO : pick == 1 ? Ext3.ONE : randomExt(rnd);
        }
        return p;
    }

    private static void check(IndexMap map, TensorLayout in, TensorLayout out, SplittableRandom rnd) {
        map.check(new TensorLayout[] {in}, out);
        for (int trial = 0; trial < 3; trial++) {
            Ext3[] r = point(out.numVars(), rnd);
            Ext3[] rho = point(in.numVars(), rnd);
            Ext3 want = IndexMapLayer.genericWiring(map, new TensorLayout[] {in}, out, r, new Ext3[][] {rho})[0];
            assertEquals(want, IndexMapLayer.separableWiring(map, in, out, r, rho), map.toString());
        }
    }

    /** Every output element's padded source, computed from coordinates, equals its row-major source's padded index. */
    private static void checkPaddedSources(IndexMap map, TensorLayout in, TensorLayout out) {
        TensorLayout[] ins = {in};
        map.check(ins, out);
        int[] c = new int[out.rank()];
        int sources = 0;
        for (long i = 0; i < out.size(); i++) {
            long src = map.source(c, ins, out);
            long want = src == IndexMap.NONE ? IndexMap.NONE : in.paddedIndex(src & 0xFFFF_FFFFL);
            assertEquals(want, map.paddedSource(c, ins, out), map + " at " + java.util.Arrays.toString(c));
            sources += src == IndexMap.NONE ? 0 : 1;
            for (int d = out.rank() - 1; d >= 0 && ++c[d] == out.dim(d); d--) {
                c[d] = 0;
            }
        }
        assertTrue(sources > 0 && sources < out.size(), "padding and sources both visited: " + map);
    }

    @Test
    void convolutionAndPoolingMapsGiveTheirSourcesPaddedIndexWithoutTheRowMajorOne() {
        // odd sizes (every dimension padded), stride 2 and padding 1: sources outside the image are NONE
        checkPaddedSources(new IndexMap.Im2col(3, 5, 7, 6, 3, 3, 2, 2, 1, 1, 4, 3), TensorLayout.of(3, 5, 7, 6), TensorLayout.of(3, 4, 3, 45));
        checkPaddedSources(new IndexMap.Im2col(2, 3, 5, 5, 3, 3, 1, 1, 1, 1, 5, 5), TensorLayout.of(2, 3, 5, 5), TensorLayout.of(2, 5, 5, 27));
        checkPaddedSources(new IndexMap.Window(3, 5, 7, 6, 2, 2, 2, 2, 1, 1, 4, 4, 1, 0), TensorLayout.of(3, 5, 7, 6), TensorLayout.of(3, 5, 4, 4));
        checkPaddedSources(new IndexMap.Window(2, 3, 5, 5, 3, 3, 1, 1, 1, 1, 5, 5, 0, 2), TensorLayout.of(2, 3, 5, 5), TensorLayout.of(2, 3, 5, 5));
    }

    private static void checkAxis(IndexMap map, TensorLayout in, TensorLayout out, SplittableRandom rnd) {
        map.check(new TensorLayout[] {in}, out);
        for (int trial = 0; trial < 3; trial++) {
            Ext3[] r = point(out.numVars(), rnd);
            Ext3[] rho = point(in.numVars(), rnd);
            Ext3 want = IndexMapLayer.genericWiring(map, new TensorLayout[] {in}, out, r, new Ext3[][] {rho})[0];
            assertEquals(want, IndexMapLayer.axisWiring(map, in, out, r, rho), map + " " + in + " -> " + out);
        }
    }

    @Test
    void gatherAlongAnAxisClosedFormEqualsGeneric() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 60; i++) {
            int rank = 1 + rnd.nextInt(4);
            int[] dims = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = 1 + rnd.nextInt(9);
            }
            int axis = rnd.nextInt(rank);
            int[] idx = new int[1 + rnd.nextInt(12)];
            for (int j = 0; j < idx.length; j++) {
                // broadcasts (all zeros) as the compiler makes them, and arbitrary picks
                idx[j] = i % 3 == 0 ? 0 : rnd.nextInt(dims[axis]);
            }
            int[] od = dims.clone();
            od[axis] = idx.length;
            checkAxis(new IndexMap.Gather(axis, idx), TensorLayout.of(dims), TensorLayout.of(od), rnd);
        }
    }

    @Test
    void sliceAndTransposeClosedFormsEqualGeneric() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 60; i++) {
            int rank = 1 + rnd.nextInt(4);
            int[] dims = new int[rank], starts = new int[rank], steps = new int[rank], od = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = 1 + rnd.nextInt(9);
                if (rnd.nextBoolean()) {
                    starts[d] = 0;
                    steps[d] = 1;
                    od[d] = dims[d];
                } else {
                    starts[d] = rnd.nextInt(dims[d]);
                    steps[d] = 1 + rnd.nextInt(3);
                    od[d] = 1 + rnd.nextInt((dims[d] - 1 - starts[d]) / steps[d] + 1);
                }
            }
            checkAxis(new IndexMap.Slice(starts, steps), TensorLayout.of(dims), TensorLayout.of(od), rnd);
            int[] perm = java.util.stream.IntStream.range(0, rank).boxed().sorted((a, b) -> rnd.nextInt(3) - 1)
                    .mapToInt(Integer::intValue).toArray();
            java.util.List<Integer> shuffled = new java.util.ArrayList<>();
            for (int d = 0; d < rank; d++) {
                shuffled.add(d);
            }
            java.util.Collections.shuffle(shuffled, new java.util.Random(i));
            for (int d = 0; d < rank; d++) {
                perm[d] = shuffled.get(d);
            }
            int[] td = new int[rank];
            for (int d = 0; d < rank; d++) {
                td[d] = dims[perm[d]];
            }
            checkAxis(new IndexMap.Transpose(perm), TensorLayout.of(dims), TensorLayout.of(td), rnd);
        }
    }

    @Test
    void addressKeepingReshapeClosedFormEqualsGeneric() {
        SplittableRandom rnd = new SplittableRandom(4);
        int[][][] cases = {
            {{16, 197, 256}, {16, 50432}}, {{3, 5, 8}, {3, 40}}, {{3, 40}, {3, 5, 8}}, {{1, 7}, {7}}, {{7}, {1, 1, 7, 1}},
            {{2, 3, 4, 2}, {2, 24}}, {{5, 1, 3}, {5, 3}}, {{1, 50257}, {1, 1, 50257}}, {{6, 4}, {3, 2, 4}},
        };
        for (int[][] c : cases) {
            TensorLayout in = TensorLayout.of(c[0]), out = TensorLayout.of(c[1]);
            assertTrue(IndexMapLayer.sameAddresses(in, out), in + " -> " + out);
            checkAxis(new IndexMap.Reshape(), in, out, rnd);
        }
        // reshapes that move elements to other padded addresses keep the generic evaluation
        int[][][] moving = {{{3, 5}, {5, 3}}, {{3, 6}, {18}}, {{2, 3, 3}, {2, 9}}, {{6}, {2, 3}}};
        for (int[][] c : moving) {
            TensorLayout in = TensorLayout.of(c[0]), out = TensorLayout.of(c[1]);
            assertFalse(IndexMapLayer.sameAddresses(in, out), in + " -> " + out);
            assertNull(IndexMapLayer.axisWiring(new IndexMap.Reshape(), in, out, point(out.numVars(), rnd), point(in.numVars(), rnd)));
        }
    }

    @Test
    void shiftedDiagonalEqualsItsSum() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int trial = 0; trial < 400; trial++) {
            int vx = rnd.nextInt(7), vy = rnd.nextInt(vx + 1);
            long m = 1 + rnd.nextInt(1 << vy), s = rnd.nextInt((int) ((1L << vx) - m + 1));
            Ext3[] r = point(vy + 2, rnd), rho = point(vx + 3, rnd);
            long[] ey = dev.zkinfer.poly.Mle.eqTable(java.util.Arrays.copyOfRange(r, 1, 1 + vy));
            long[] ex = dev.zkinfer.poly.Mle.eqTable(java.util.Arrays.copyOfRange(rho, 2, 2 + vx));
            Ext3 want = Ext3.ZERO;
            for (int i = 0; i < m; i++) {
                want = want.add(Ext3.get(ey, i).mul(Ext3.get(ex, (int) (s + i))));
            }
            assertEquals(want, IndexMapLayer.shiftedDiagonal(r, 1, vy, rho, 2, vx, s, m), "vy " + vy + " vx " + vx + " s " + s + " m " + m);
        }
    }

    @Test
    void offsetSlicesAndConsecutiveGathersClosedFormsEqualGeneric() {
        SplittableRandom rnd = new SplittableRandom(22);
        // GPT-2's q, k, v from the fused projection (2304 columns padded to 4096), at a smaller width
        for (int start : new int[] {0, 48, 96}) {
            checkAxis(new IndexMap.Slice(new int[] {0, 0, start}, new int[] {1, 1, 1}), TensorLayout.of(1, 5, 144), TensorLayout.of(1, 5, 48), rnd);
        }
        for (int i = 0; i < 80; i++) {
            int rank = 1 + rnd.nextInt(3);
            int[] dims = new int[rank], starts = new int[rank], steps = new int[rank], od = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = 1 + rnd.nextInt(40);
                starts[d] = rnd.nextInt(dims[d]);
                steps[d] = 1;
                od[d] = 1 + rnd.nextInt(dims[d] - starts[d]);
            }
            checkAxis(new IndexMap.Slice(starts, steps), TensorLayout.of(dims), TensorLayout.of(od), rnd);
            int axis = rnd.nextInt(rank);
            int[] idx = new int[od[axis]];
            for (int j = 0; j < idx.length; j++) {
                idx[j] = i % 2 == 0 ? starts[axis] + j : starts[axis]; // consecutive, or a broadcast of one index
            }
            int[] gd = dims.clone();
            gd[axis] = idx.length;
            checkAxis(new IndexMap.Gather(axis, idx), TensorLayout.of(dims), TensorLayout.of(gd), rnd);
        }
    }

    /** Output size of a convolution / pooling dimension. */
    private static int outDim(int n, int k, int s, int pad) {
        return (n + 2 * pad - k) / s + 1;
    }

    @Test
    void im2colClosedFormEqualsGeneric() {
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] cases = {
            // B, C, H, W, KH, KW, sH, sW, pad
            {1, 1, 28, 28, 5, 5, 1, 1, 0}, {1, 6, 14, 14, 5, 5, 1, 1, 0}, {1, 3, 32, 32, 3, 3, 1, 1, 1}, {2, 3, 7, 5, 3, 3, 2, 2, 1},
            {1, 5, 9, 11, 3, 2, 2, 3, 2}, {3, 2, 6, 6, 1, 1, 1, 1, 0}, {1, 7, 5, 5, 5, 5, 1, 1, 2}, {1, 1, 1, 1, 1, 1, 1, 1, 0},
            {2, 4, 13, 6, 4, 3, 3, 1, 3}, {1, 16, 4, 4, 3, 3, 1, 1, 1}, {1, 3, 8, 8, 7, 7, 2, 2, 3}, {1, 2, 10, 3, 2, 2, 4, 1, 0},
        };
        for (int[] cs : cases) {
            int B = cs[0], C = cs[1], H = cs[2], W = cs[3], KH = cs[4], KW = cs[5], sH = cs[6], sW = cs[7], p = cs[8];
            int OH = outDim(H, KH, sH, p), OW = outDim(W, KW, sW, p);
            // asymmetric padding too: top/left only
            for (int[] pads : new int[][] {{p, p}, {p, 0}, {0, p}}) {
                IndexMap map = new IndexMap.Im2col(B, C, H, W, KH, KW, sH, sW, pads[0], pads[1], OH, OW);
                check(map, TensorLayout.of(B, C, H, W), TensorLayout.of(B, OH, OW, C * KH * KW), rnd);
            }
        }
        for (int i = 0; i < 40; i++) {
            int B = 1 + rnd.nextInt(3), C = 1 + rnd.nextInt(6), H = 1 + rnd.nextInt(12), W = 1 + rnd.nextInt(12);
            int KH = 1 + rnd.nextInt(Math.min(H, 4)), KW = 1 + rnd.nextInt(Math.min(W, 4));
            int sH = 1 + rnd.nextInt(3), sW = 1 + rnd.nextInt(3), pT = rnd.nextInt(KH), pL = rnd.nextInt(KW);
            int OH = outDim(H, KH, sH, pT), OW = outDim(W, KW, sW, pL);
            IndexMap map = new IndexMap.Im2col(B, C, H, W, KH, KW, sH, sW, pT, pL, OH, OW);
            check(map, TensorLayout.of(B, C, H, W), TensorLayout.of(B, OH, OW, C * KH * KW), rnd);
        }
    }

    @Test
    void windowClosedFormEqualsGeneric() {
        SplittableRandom rnd = new SplittableRandom(2);
        int[][] cases = {
            // B, C, H, W, K, s, pad
            {1, 6, 28, 28, 2, 2, 0}, {1, 16, 10, 10, 2, 2, 0}, {1, 64, 32, 32, 2, 2, 0}, {2, 3, 7, 7, 3, 2, 1}, {1, 5, 9, 6, 3, 3, 1},
            {1, 1, 1, 1, 1, 1, 0}, {3, 2, 5, 11, 2, 1, 0}, {1, 7, 13, 13, 3, 2, 1},
        };
        for (int[] cs : cases) {
            int B = cs[0], C = cs[1], H = cs[2], W = cs[3], K = cs[4], s = cs[5], p = cs[6];
            int OH = outDim(H, K, s, p), OW = outDim(W, K, s, p);
            for (int kh = 0; kh < K; kh++) {
                for (int kw = 0; kw < K; kw++) {
                    IndexMap map = new IndexMap.Window(B, C, H, W, K, K, s, s, p, p, OH, OW, kh, kw);
                    check(map, TensorLayout.of(B, C, H, W), TensorLayout.of(B, C, OH, OW), rnd);
                }
            }
        }
        for (int i = 0; i < 40; i++) {
            int B = 1 + rnd.nextInt(3), C = 1 + rnd.nextInt(6), H = 1 + rnd.nextInt(12), W = 1 + rnd.nextInt(12);
            int KH = 1 + rnd.nextInt(Math.min(H, 3)), KW = 1 + rnd.nextInt(Math.min(W, 3));
            int sH = 1 + rnd.nextInt(3), sW = 1 + rnd.nextInt(3), pT = rnd.nextInt(KH), pL = rnd.nextInt(KW);
            // ceil-mode style output sizes can reach past the image: windows partly outside
            int OH = outDim(H, KH, sH, pT) + rnd.nextInt(2), OW = outDim(W, KW, sW, pL) + rnd.nextInt(2);
            IndexMap map = new IndexMap.Window(B, C, H, W, KH, KW, sH, sW, pT, pL, OH, OW, rnd.nextInt(KH), rnd.nextInt(KW));
            check(map, TensorLayout.of(B, C, H, W), TensorLayout.of(B, C, OH, OW), rnd);
        }
    }
}

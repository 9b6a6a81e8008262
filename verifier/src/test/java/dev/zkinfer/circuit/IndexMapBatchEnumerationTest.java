package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The nested-loop enumeration of im2col and pooling-window sources (IndexMapLayer.forEachSource for
 * batch-local maps) against the definition: every output element in row-major order, its source by
 * {@link IndexMap#paddedSource}; and a range of batch rows is that range's part of the whole.
 */
class IndexMapBatchEnumerationTest {
    @Test
    void im2colAndWindowSourcesComeInRowMajorOrderAsTheMapDefinesThem() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 40; trial++) {
            int b = 1 + rnd.nextInt(3), c = 1 + rnd.nextInt(5), h = 1 + rnd.nextInt(9), w = 1 + rnd.nextInt(9);
            int kh = 1 + rnd.nextInt(3), kw = 1 + rnd.nextInt(3), sh = 1 + rnd.nextInt(2), sw = 1 + rnd.nextInt(2);
            int pt = rnd.nextInt(2), pl = rnd.nextInt(2);
            int oh = Math.max(1, (h + 2 * pt - kh) / sh + 1), ow = Math.max(1, (w + 2 * pl - kw) / sw + 1);
            TensorLayout[] in = {TensorLayout.of(b, c, h, w)};
            check(new IndexMap.Im2col(b, c, h, w, kh, kw, sh, sw, pt, pl, oh, ow), in, TensorLayout.of(b, oh, ow, c * kh * kw));
            check(new IndexMap.Window(b, c, h, w, kh, kw, sh, sw, pt, pl, oh, ow, rnd.nextInt(kh), rnd.nextInt(kw)), in,
                    TensorLayout.of(b, c, oh, ow));
        }
    }

    private static void check(IndexMap map, TensorLayout[] in, TensorLayout out) {
        assertTrue(IndexMapLayer.batchLocal(map));
        List<long[]> want = new ArrayList<>();
        int[] coords = new int[4];
        for (long i = 0; i < out.size(); i++) {
            long src = map.paddedSource(coords, in, out);
            if (src != IndexMap.NONE) {
                want.add(new long[] {out.paddedIndex(coords), src >>> 32, (int) src});
            }
            for (int d = 3; d >= 0; d--) {
                if (++coords[d] < out.dim(d)) {
                    break;
                }
                coords[d] = 0;
            }
        }
        List<long[]> got = new ArrayList<>();
        IndexMapLayer.forEachSource(map, in, out, (o, k, j) -> got.add(new long[] {o, k, j}));
        assertEquals(want.size(), got.size(), map.toString());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(List.of(want.get(i)[0], want.get(i)[1], want.get(i)[2]), List.of(got.get(i)[0], got.get(i)[1], got.get(i)[2]),
                    map + " element " + i);
        }
        List<long[]> byRows = new ArrayList<>();
        for (int b = 0; b < out.dim(0); b++) {
            IndexMapLayer.forEachSource(map, in, out, b, b + 1, (o, k, j) -> byRows.add(new long[] {o, k, j}));
        }
        assertEquals(got.size(), byRows.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(got.get(i)[0], byRows.get(i)[0]);
            assertEquals(got.get(i)[2], byRows.get(i)[2]);
        }
    }
}

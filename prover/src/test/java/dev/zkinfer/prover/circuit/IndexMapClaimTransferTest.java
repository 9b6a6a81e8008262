package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.stream.IntStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Index maps that are permutations of index bits (IndexMapLayer.claimTransfer): recognised only
 * when ỹ(r) = x̃(π(r)) holds exactly on the padded layouts, proved with no message, and a false
 * output claim (or an input that is not the permuted output) ends in a false claim on the input.
 */
class IndexMapClaimTransferTest {
    /**
     * The exactness oracle, by enumeration of the padded output cube: a real output element with a
     * source j has π(o) = j; every other output index (padding, or real without source) has π(o) on
     * the input's padding, with a padding coordinate in one of the dimensions that
     * {@link IndexMapLayer#paddingRead} names (so that zeros there make the transfer exact); π is injective.
     */
    static boolean exact(IndexMap map, TensorLayout lx, TensorLayout ly, int[] vm) {
        int read = IndexMapLayer.paddingRead(map, lx, ly);
        boolean[] hit = new boolean[lx.paddedSize()];
        int[] coords = new int[ly.rank()];
        for (int o = 0; o < ly.paddedSize(); o++) {
            boolean real = true;
            for (int d = 0; d < ly.rank(); d++) {
                coords[d] = (o >>> ly.varOffset(d)) & ((1 << ly.dimVars(d)) - 1);
                real &= coords[d] < ly.dim(d);
            }
            int pi = 0;
            for (int v = 0; v < vm.length; v++) {
                int bit = vm[v] >= 0 ? (o >>> vm[v]) & 1 : vm[v] == IndexMapLayer.FIXED_1 ? 1 : 0;
                pi |= bit << v;
            }
            if (hit[pi]) {
                return false;
            }
            hit[pi] = true;
            long src = real ? map.paddedSource(coords, new TensorLayout[] {lx}, ly) : IndexMap.NONE;
            if (src != IndexMap.NONE ? (int) src != pi : (paddingDims(lx, pi) & read) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The dimensions (bit d) in which a padded index has a padding coordinate (0: a real element). */
    private static int paddingDims(TensorLayout l, int padded) {
        int m = 0;
        for (int d = 0; d < l.rank(); d++) {
            if (((padded >>> l.varOffset(d)) & ((1 << l.dimVars(d)) - 1)) >= l.dim(d)) {
                m |= 1 << d;
            }
        }
        return m;
    }

    private static int[] recognised(IndexMap map, int[] in, int[] out) {
        TensorLayout lx = TensorLayout.of(in), ly = TensorLayout.of(out);
        map.check(new TensorLayout[] {lx}, ly);
        int[] vm = IndexMapLayer.variableMap(map, lx, ly);
        if (vm != null) {
            assertTrue(exact(map, lx, ly, vm), map + " " + lx + " -> " + ly + " recognised but not exact: " + Arrays.toString(vm));
        }
        return vm;
    }

    @Test
    void permutationsOfIndexBitsAreRecognised() {
        // GPT-2's attention: [T, 768] -> [T, 12, 64] keeps every padded address; the head transpose permutes variable groups
        assertNotNull(recognised(new IndexMap.Reshape(), new int[] {4, 768}, new int[] {4, 12, 64}));
        assertNotNull(recognised(new IndexMap.Reshape(), new int[] {4, 12, 64}, new int[] {4, 768}));
        assertNotNull(recognised(new IndexMap.Transpose(new int[] {1, 0, 2}), new int[] {5, 12, 64}, new int[] {12, 5, 64}));
        assertNotNull(recognised(new IndexMap.Transpose(new int[] {2, 0, 1}), new int[] {2, 3, 5}, new int[] {5, 2, 3}));
        // aligned slices onto a sub-cube, including a last block whose padding is the input's padding
        assertNotNull(recognised(new IndexMap.Slice(new int[] {0, 4}, new int[] {1, 1}), new int[] {3, 8}, new int[] {3, 4}));
        assertNotNull(recognised(new IndexMap.Slice(new int[] {0, 4}, new int[] {1, 1}), new int[] {3, 7}, new int[] {3, 3}));
        assertNotNull(recognised(new IndexMap.Slice(new int[] {5, 0}, new int[] {1, 1}), new int[] {6, 3}, new int[] {1, 3}));
        assertNotNull(recognised(new IndexMap.Gather(0, new int[] {15}), new int[] {16, 5}, new int[] {1, 5}));
        assertNotNull(recognised(new IndexMap.Gather(1, new int[] {8, 9, 10}), new int[] {2, 11}, new int[] {2, 3}));
        // a zero pad within the same padded sizes: the new real elements lie on the input's padding
        assertNotNull(recognised(new IndexMap.Pad(new int[] {0, 0}), new int[] {3, 5}, new int[] {4, 7}));
    }

    @Test
    void mapsThatAreNotExactPermutationsAreNotRecognised() {
        // a bijection of the real elements that moves a real element onto padding: [2,3] pads to 8 with (1,0) at 4, [6] has it at 3
        assertNull(recognised(new IndexMap.Reshape(), new int[] {2, 3}, new int[] {6}));
        int[] identity = {0, 1, 2};
        assertFalse(exact(new IndexMap.Reshape(), TensorLayout.of(2, 3), TensorLayout.of(6), identity));
        assertNull(recognised(new IndexMap.Reshape(), new int[] {3, 4}, new int[] {4, 3}));
        // output padding (coordinate 3 of 4) onto a real input element (3 of 8)
        assertNull(recognised(new IndexMap.Slice(new int[] {0}, new int[] {1}), new int[] {8}, new int[] {3}));
        assertFalse(exact(new IndexMap.Slice(new int[] {0}, new int[] {1}), TensorLayout.of(8), TensorLayout.of(3), new int[] {0, 1, IndexMapLayer.FIXED_0}));
        // unaligned start, strides, reversal
        assertNull(recognised(new IndexMap.Slice(new int[] {1}, new int[] {1}), new int[] {4}, new int[] {2}));
        assertNull(recognised(new IndexMap.Slice(new int[] {0}, new int[] {2}), new int[] {8}, new int[] {4}));
        assertNull(recognised(new IndexMap.Slice(new int[] {3}, new int[] {-1}), new int[] {4}, new int[] {4}));
        // not bijective (a broadcast), or a permutation of values that is not one of bits
        assertNull(recognised(new IndexMap.Gather(0, new int[] {0, 0}), new int[] {2, 3}, new int[] {2, 3}));
        assertNull(recognised(new IndexMap.Gather(0, new int[] {1, 0}), new int[] {2, 3}, new int[] {2, 3}));
        // a pad that shifts, or a crop whose output padding lands on real input elements
        assertNull(recognised(new IndexMap.Pad(new int[] {1}), new int[] {3}, new int[] {4}));
        assertNull(recognised(new IndexMap.Pad(new int[] {0}), new int[] {4}, new int[] {3}));
        // the several-input and window maps are never transfers
        assertNull(IndexMapLayer.variableMap(new IndexMap.Concat(0), TensorLayout.of(2), TensorLayout.of(4)));
        assertNull(IndexMapLayer.variableMap(new IndexMap.Im2col(1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 2, 2), TensorLayout.of(1, 1, 2, 2),
                TensorLayout.of(1, 2, 2, 1)));
    }

    /** Random small layouts and maps: whatever is recognised passes the enumeration oracle. */
    @Test
    void everyRecognisedMapIsExact() {
        SplittableRandom rnd = new SplittableRandom(15);
        int found = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int rank = 1 + rnd.nextInt(3);
            int[] in = new int[rank];
            for (int d = 0; d < rank; d++) {
                in[d] = 1 + rnd.nextInt(9);
            }
            int[] out = in.clone();
            IndexMap map;
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    int[] perm = shuffled(rank, rnd);
                    for (int d = 0; d < rank; d++) {
                        out[d] = in[perm[d]];
                    }
                    map = new IndexMap.Transpose(perm);
                }
                case 1 -> {
                    int[] starts = new int[rank], steps = new int[rank];
                    for (int d = 0; d < rank; d++) {
                        starts[d] = rnd.nextInt(in[d]);
                        out[d] = 1 + rnd.nextInt(in[d] - starts[d]);
                        steps[d] = 1;
                    }
                    map = new IndexMap.Slice(starts, steps);
                }
                case 2 -> {
                    int a = rnd.nextInt(rank);
                    int m = 1 + rnd.nextInt(in[a]);
                    int[] idx = new int[m];
                    int s = rnd.nextInt(in[a] - m + 1);
                    for (int j = 0; j < m; j++) {
                        idx[j] = rnd.nextInt(4) == 0 ? rnd.nextInt(in[a]) : s + j;
                    }
                    out[a] = m;
                    map = new IndexMap.Gather(a, idx);
                }
                case 3 -> {
                    for (int d = 0; d < rank; d++) {
                        out[d] = Math.max(1, in[d] + rnd.nextInt(5) - 1);
                    }
                    map = new IndexMap.Pad(new int[rank]);
                }
                default -> {
                    long size = Arrays.stream(in).asLongStream().reduce(1, (p, q) -> p * q);
                    out = factorization(size, rnd);
                    map = new IndexMap.Reshape();
                }
            }
            if (recognised(map, in, out) != null) {
                found++;
            }
        }
        assertTrue(found > 300, "only " + found + " recognised");
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] factorization(long size, SplittableRandom rnd) {
        List<Integer> dims = new java.util.ArrayList<>();
        long rest = size;
        for (long f = 2; f <= rest; f++) {
            while (rest % f == 0) {
                if (dims.isEmpty() || rnd.nextBoolean()) {
                    dims.add((int) f);
                } else {
                    dims.set(dims.size() - 1, dims.get(dims.size() - 1) * (int) f);
                }
                rest /= f;
            }
        }
        if (dims.isEmpty() || rnd.nextInt(4) == 0) {
            dims.add(rnd.nextInt(dims.size() + 1), 1);
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    record Chain(Circuit circuit, IndexMapLayer layer, WitnessValues w) {}

    /** x (public input) → an index map that keeps x (m, padding 0) → the map under test → y. */
    static Chain chain(int[] in, int[] out, IndexMap map, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(in), TensorRole.INPUT);
        int m = cb.tensor("m", TensorLayout.of(in), TensorRole.COMPUTED);
        int y = cb.tensor("y", TensorLayout.of(out), TensorRole.COMPUTED);
        IndexMapLayer layer = new IndexMapLayer(new int[] {m}, y, map);
        Circuit c = cb.layer(new IndexMapLayer(new int[] {x}, m, new IndexMap.Slice(new int[in.length], ones(in.length)))).layer(layer)
                .build(new int[] {x}, new int[] {y});
        WitnessValues w = new WitnessValues(c);
        long[] real = new long[(int) c.tensor(x).layout().size()];
        for (int i = 0; i < real.length; i++) {
            real[i] = Goldilocks.fromSigned(rnd.nextInt(2001) - 1000);
        }
        w.put(x, c.tensor(x).layout().pad(real, 0));
        LayerHarness.computeWitness(c, w);
        return new Chain(c, layer, w);
    }

    private static int[] ones(int n) {
        int[] v = new int[n];
        Arrays.fill(v, 1);
        return v;
    }

    @Test
    void aTransferSendsNothingAndItsClaimHolds() throws InvalidProofException {
        Object[][] cases = {
            {new int[] {3, 12, 8}, new int[] {12, 3, 8}, new IndexMap.Transpose(new int[] {1, 0, 2})},
            {new int[] {3, 24}, new int[] {3, 3, 8}, new IndexMap.Reshape()},
            {new int[] {3, 7}, new int[] {3, 3}, new IndexMap.Slice(new int[] {0, 4}, new int[] {1, 1})},
            {new int[] {5, 3}, new int[] {1, 3}, new IndexMap.Gather(0, new int[] {4})},
            {new int[] {3, 5}, new int[] {4, 7}, new IndexMap.Pad(new int[] {0, 0})},
        };
        for (Object[] k : cases) {
            Chain ch = chain((int[]) k[0], (int[]) k[1], (IndexMap) k[2], 3);
            assertNotNull(ch.layer.claimTransfer(ch.circuit), k[2].toString());
            Claim[] oc = LayerHarness.randomOutputClaims(ch.layer, ch.w, new SplittableRandom(4));
            assertEquals(0, LayerSoundness.prove(ch.layer, oc, ch.w).length, "a transfer sends nothing");
            List<Claim> claims = LayerHarness.proveAndVerify(ch.layer, ch.w, 5);
            assertEquals(1, claims.size());
            assertEquals(ch.layer.inputs()[0], claims.get(0).tensor());
        }
        // the same map on a public input (which the verifier pads with 0) is a transfer too
        IndexMapLayerTest.Setup s = IndexMapLayerTest.setup(new int[][] {{3, 12, 8}}, new int[] {12, 3, 8},
                new IndexMap.Transpose(new int[] {1, 0, 2}), 6);
        assertNotNull(s.layer().claimTransfer(s.circuit()));
        // on an ADVICE tensor that no layer defines (its padding is the prover's choice) it keeps its sumcheck
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(3, 12, 8), TensorRole.ADVICE);
        int y = cb.tensor("y", TensorLayout.of(12, 3, 8), TensorRole.COMPUTED);
        IndexMapLayer free = new IndexMapLayer(new int[] {x}, y, new IndexMap.Transpose(new int[] {1, 0, 2}));
        Circuit c = cb.layer(free).build(new int[0], new int[] {y});
        assertNull(free.claimTransfer(c));
        WitnessValues w = new WitnessValues(c);
        w.put(x, LayerSoundness.randomPadded(c.tensor(x).layout(), new SplittableRandom(6), 1000));
        LayerHarness.computeWitness(c, w);
        Claim[] oc = LayerHarness.randomOutputClaims(free, w, new SplittableRandom(7));
        assertTrue(LayerSoundness.prove(free, oc, w).length > 0);
    }

    /**
     * A cheating prover whose input is not the permuted output (one entry changed, in the input or in
     * the output, real or padding) ends with a false claim on the input; a false output claim likewise;
     * any byte appended is rejected.
     */
    @Test
    void anInputThatIsNotThePermutedOutputEndsInAFalseClaim() {
        Chain ch = chain(new int[] {3, 12, 8}, new int[] {12, 3, 8}, new IndexMap.Transpose(new int[] {1, 0, 2}), 8);
        int m = ch.layer.inputs()[0], y = ch.layer.output();
        TensorLayout lm = ch.circuit.tensor(m).layout(), ly = ch.circuit.tensor(y).layout();
        // the input's padding entries too (which its producer's relation keeps at 0): the transfer reads them
        int[][] targets = {{m, lm.paddedIndex(0)}, {m, lm.paddedIndex(lm.size() - 1)}, {m, lm.paddedIndex(1, 11, 7)},
            {m, lm.paddedIndex(3, 0, 0)}, {m, lm.paddedIndex(2, 15, 7)},
            {y, ly.paddedIndex(5)}, {y, ly.paddedIndex(11, 2, 7)}, {y, ly.paddedIndex(0, 3, 0)} /* padding: row 3 of 4 */};
        for (int[] tg : targets) {
            WitnessValues bad = new WitnessValues(ch.circuit);
            for (int t : new int[] {m, y}) {
                bad.put(t, ch.w.get(t).clone());
            }
            bad.get(tg[0])[tg[1]] = Goldilocks.add(bad.get(tg[0])[tg[1]], 1);
            Claim[] oc = LayerHarness.randomOutputClaims(ch.layer, bad, new SplittableRandom(9));
            LayerSoundness.assertRejectedOrFalse(ch.layer, oc, bad, LayerSoundness.prove(ch.layer, oc, bad),
                    ch.circuit.tensor(tg[0]).name() + " entry " + tg[1]);
        }
        Claim[] oc = LayerHarness.randomOutputClaims(ch.layer, ch.w, new SplittableRandom(10));
        Claim[] wrong = {new Claim(oc[0].tensor(), oc[0].point(), oc[0].value().add(1))};
        LayerSoundness.assertRejectedOrFalse(ch.layer, wrong, ch.w, new byte[0], "false output claim");
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(ch.layer, oc, ch.circuit, new byte[8]));
    }

    /**
     * Broadcasts (m copies of one input coordinate along an axis): recognised with the axis's input
     * variables fixed to j0's bits, and ỹ(r) = s(r)·x̃(π(r)) exactly at random points when x's padding
     * along the other dimensions is 0, not otherwise; a proof sends nothing and its claim holds.
     */
    @Test
    void broadcastsMoveTheirClaimScaledByTheirEqWeights() throws InvalidProofException {
        Object[][] cases = {
            {new int[] {1, 5, 1}, new int[] {1, 5, 12}, new IndexMap.Gather(2, new int[12])},
            {new int[] {3, 1}, new int[] {3, 4}, new IndexMap.Gather(1, new int[4])},
            {new int[] {3, 6}, new int[] {3, 7}, new IndexMap.Gather(1, new int[] {4, 4, 4, 4, 4, 4, 4})},
            {new int[] {2, 3, 5}, new int[] {2, 9, 5}, new IndexMap.Gather(1, new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2})},
        };
        SplittableRandom rnd = new SplittableRandom(31);
        for (Object[] k : cases) {
            IndexMap map = (IndexMap) k[2];
            TensorLayout lx = TensorLayout.of((int[]) k[0]), ly = TensorLayout.of((int[]) k[1]);
            map.check(new TensorLayout[] {lx}, ly);
            assertNull(IndexMapLayer.variableMap(map, lx, ly), "not a permutation");
            int[] vm = IndexMapLayer.broadcastMap(map, lx, ly);
            assertNotNull(vm, map.toString());
            for (boolean zeroPadding : new boolean[] {true, false}) {
                // x with its padding 0 or random, y = the map of x
                long[] x = LayerSoundness.randomPadded(lx, rnd, 1000);
                if (!zeroPadding) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] = Goldilocks.fromSigned(rnd.nextInt(2001) - 1000);
                    }
                }
                long[] y = new long[ly.paddedSize()];
                IndexMapLayer.forEachSource(map, new TensorLayout[] {lx}, ly, (o, in, j) -> y[o] = x[j]);
                Ext3[] r = new Ext3[ly.numVars()];
                for (int v = 0; v < r.length; v++) {
                    r[v] = new Ext3(rnd.nextLong() >>> 1, rnd.nextLong() >>> 1, rnd.nextLong() >>> 1);
                }
                int axis = ((IndexMap.Gather) map).axis();
                Ext3[] ra = java.util.Arrays.copyOfRange(r, ly.varOffset(axis), ly.varOffset(axis) + ly.dimVars(axis));
                long[] eqA = Mle.eqTable(ra);
                Ext3 s = Ext3.ZERO;
                for (int i = 0; i < ly.dim(axis); i++) {
                    s = s.add(Ext3.get(eqA, i));
                }
                Ext3 lhs = Mle.evaluate(y, r), rhs = s.mul(Mle.evaluate(x, IndexMapLayer.transferPoint(vm, r)));
                boolean otherPadding = IntStream.range(0, lx.rank()).anyMatch(d -> d != axis && lx.dim(d) != 1 << lx.dimVars(d));
                assertEquals(zeroPadding || !otherPadding, lhs.equals(rhs), map + " " + lx + " -> " + ly + ", x's padding 0: " + zeroPadding);
            }
            Chain ch = chain((int[]) k[0], (int[]) k[1], map, 32);
            assertNotNull(ch.layer.claimTransfer(ch.circuit), map.toString());
            Claim[] oc = LayerHarness.randomOutputClaims(ch.layer, ch.w, new SplittableRandom(33));
            assertEquals(0, LayerSoundness.prove(ch.layer, oc, ch.w).length, "a transfer sends nothing");
            assertEquals(1, LayerHarness.proveAndVerify(ch.layer, ch.w, 34).size());
        }
        // on an input with free padding along another dimension it keeps its sumcheck
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(3, 1), TensorRole.ADVICE);
        int y = cb.tensor("y", TensorLayout.of(3, 4), TensorRole.COMPUTED);
        IndexMapLayer free = new IndexMapLayer(new int[] {x}, y, new IndexMap.Gather(1, new int[4]));
        Circuit c = cb.layer(free).build(new int[0], new int[] {y});
        assertNull(free.claimTransfer(c));
        // gathers of different indices are not broadcasts
        assertNull(IndexMapLayer.broadcastMap(new IndexMap.Gather(0, new int[] {1, 0}), TensorLayout.of(2, 3), TensorLayout.of(2, 3)));
        assertNull(IndexMapLayer.broadcastMap(new IndexMap.Gather(0, new int[] {1}), TensorLayout.of(2, 3), TensorLayout.of(1, 3)));
    }

    /** A broadcast whose input or output entry is changed (real, or the input's padding it reads), or whose claim is false, is caught. */
    @Test
    void aBroadcastOfAnotherInputEndsInAFalseClaim() {
        Chain ch = chain(new int[] {3, 1, 5}, new int[] {3, 6, 5}, new IndexMap.Gather(1, new int[6]), 35);
        int m = ch.layer.inputs()[0], y = ch.layer.output();
        TensorLayout lm = ch.circuit.tensor(m).layout(), ly = ch.circuit.tensor(y).layout();
        int[][] targets = {{m, lm.paddedIndex(0, 0, 0)}, {m, lm.paddedIndex(2, 0, 4)}, {m, lm.paddedIndex(3, 0, 1)}, {m, lm.paddedIndex(1, 0, 6)},
            {y, ly.paddedIndex(0, 0, 0)}, {y, ly.paddedIndex(2, 5, 4)}, {y, ly.paddedIndex(1, 6, 2)} /* padding column 6 of 8 */};
        for (int[] tg : targets) {
            WitnessValues bad = new WitnessValues(ch.circuit);
            for (int t : new int[] {m, y}) {
                bad.put(t, ch.w.get(t).clone());
            }
            bad.get(tg[0])[tg[1]] = Goldilocks.add(bad.get(tg[0])[tg[1]], 1);
            Claim[] oc = LayerHarness.randomOutputClaims(ch.layer, bad, new SplittableRandom(36));
            LayerSoundness.assertRejectedOrFalse(ch.layer, oc, bad, LayerSoundness.prove(ch.layer, oc, bad),
                    ch.circuit.tensor(tg[0]).name() + " entry " + tg[1]);
        }
        Claim[] oc = LayerHarness.randomOutputClaims(ch.layer, ch.w, new SplittableRandom(37));
        Claim[] wrong = {new Claim(oc[0].tensor(), oc[0].point(), oc[0].value().add(1))};
        LayerSoundness.assertRejectedOrFalse(ch.layer, wrong, ch.w, new byte[0], "false output claim");
    }
}

package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.BlockWeight;
import dev.zkinfer.poly.Mle;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The zero-knowledge witness layout and the weights that open its masks (docs/zero-knowledge.md §3.4). */
class ZkLayoutTest {
    private final SplittableRandom rnd = new SplittableRandom(3);

    private Ext3 random() {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    private static int[] uniform(int n, int d) {
        return dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, d);
    }

    private Ext3[] point(int n) {
        Ext3[] p = new Ext3[n];
        for (int i = 0; i < n; i++) {
            p[i] = random();
        }
        return p;
    }

    /** x → Linear(w) → h; h·h → y: h is read twice (two claims), y is the public output. */
    private static Circuit circuit() {
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 5), TensorRole.INPUT);
        int w = cb.tensor("w", TensorLayout.of(6, 5), TensorRole.MODEL);
        int h = cb.tensor("h", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        int a = cb.tensor("a", TensorLayout.of(2, 6), TensorRole.ADVICE);
        int y = cb.tensor("y", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        cb.layer(new LinearLayer(x, w, -1, h));
        cb.layer(new ElementwiseProductLayer(h, a, y));
        return cb.build(x, y);
    }

    @Test
    void theModelOpeningsMaskPartsGoInTheWitnessOnlyWhereItHasRoomForThem() {
        Circuit c = circuit();
        // a witness of 2^13 entries whose top 4,096 are its own hiding mask block: 4,096 left for the rest
        java.util.function.IntToLongFunction mask = n -> n < 13 ? 1L << n : 4096;
        ZkLayout without = new ZkLayout(c, mask, 64);
        assertEquals(13, without.witness().numVars());
        assertEquals(0, without.modelMaskBlocks().length);
        dev.zkinfer.pcs.PcsParameters small = dev.zkinfer.pcs.PcsParameters.insecureForTests(11, 2, 3, 2, 1).withZeroKnowledge(3);
        ZkLayout with = new ZkLayout(c, mask, 64, false, false, small);
        int[] parts = with.modelMaskBlocks();
        assertEquals(small.zkMaskWidth(), parts.length);
        assertEquals(13, with.witness().numVars(), "the parts fit beside the rest: the witness does not grow");
        long end = (1L << 13) - 4096;
        for (int id : parts) {
            CommittedLayout.Block b = with.witness().blocks(id).get(0);
            assertEquals(small.zkMaskVars(), b.numVars());
            assertTrue(b.offset() + (1L << b.numVars()) <= end, "a part in the hiding mask block");
        }
        // parts that would grow the witness stay out of it (the openings keep their own mask trees)
        dev.zkinfer.pcs.PcsParameters large = dev.zkinfer.pcs.PcsParameters.insecureForTests(14, 2, 3, 2, 1).withZeroKnowledge(3);
        assertTrue((long) large.zkMaskWidth() << large.zkMaskVars() > 4096);
        ZkLayout tooLarge = new ZkLayout(c, mask, 64, false, false, large);
        assertEquals(0, tooLarge.modelMaskBlocks().length);
        assertEquals(13, tooLarge.witness().numVars());
        // one opening's parameters (the mask in the commitment's own leaves) never put parts in the witness
        assertEquals(0, new ZkLayout(c, mask, 64, false, false, dev.zkinfer.pcs.PcsParameters.insecureForTests(11, 2, 3, 2, 1)
                .withZeroKnowledge()).modelMaskBlocks().length);
    }

    @Test
    void masksFollowTheClaimCounts() {
        Circuit c = circuit();
        ZkLayout z = new ZkLayout(c, n -> 0, 64);
        assertEquals(-1, z.delta(0), "public input");
        assertEquals(0, z.delta(1), "weights: masked per proof, one claim");
        assertEquals(0, z.delta(2), "one claim: δ = 0");
        assertEquals(0, z.delta(3), "advice with one claim");
        assertEquals(-1, z.delta(4), "public output");
        // the pool's bound: one sumcheck per layer (its largest tensor's variables + w, degree ≤ 15:
        // w's 6 for the Linear layer, 4 for the product), none for merges, one per model tensor's
        // blinded opening (degree 2, over max(n_W, b) + 1 variables); four entries per coefficient
        int b = ZkLayout.blindingVars(c, 64);
        assertEquals(4 * (6 + 1) * 16 + 4 * (4 + 1) * 16 + 4 * (Math.max(6, b) + 1) * 3, z.poolBound());
        // blocks of 2^10 entries (at least twice the largest mask, 448 entries): first-fit may leave up to 447 of each unused
        assertEquals(10, z.poolBits());
        assertEquals(2, z.poolBlocks());
        assertTrue(ZkLayout.unsupported(c).isEmpty());
        // the witness holds the advice tensor, the pool's blocks and the masks, without overlap
        CommittedLayout wl = z.witness();
        long covered = 0;
        for (int id : wl.tensors()) {
            covered += 1L << wl.blocks(id).get(0).numVars();
        }
        assertTrue(covered <= 1L << wl.numVars());
        assertEquals(1 + 2 + 3, wl.tensors().size());
    }

    @Test
    void whatZeroKnowledgeModeCannotProveIsListedWhenTheKeyIsMade() {
        // a Linear layer that sums over one element: its masked sumcheck would have no round
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 1), TensorRole.INPUT);
        int w = cb.tensor("w", TensorLayout.of(3, 1), TensorRole.MODEL);
        int y = cb.tensor("y", TensorLayout.of(2, 3), TensorRole.COMPUTED);
        Circuit k1 = cb.layer(new LinearLayer(x, w, -1, y)).build(x, y);
        assertEquals(List.of("a Linear layer summing over one element (y)"), ZkLayout.unsupported(k1));
        // a one-element tensor to hide: h = x·w has one element and is not public
        cb = new Circuit.Builder();
        x = cb.tensor("x", TensorLayout.of(1, 4), TensorRole.INPUT);
        w = cb.tensor("w", TensorLayout.of(1, 4), TensorRole.MODEL);
        int h = cb.tensor("h", TensorLayout.of(1, 1), TensorRole.COMPUTED);
        y = cb.tensor("y", TensorLayout.of(1, 1), TensorRole.COMPUTED);
        Circuit one = cb.layer(new LinearLayer(x, w, -1, h)).layer(new ElementwiseProductLayer(h, h, y)).build(x, y);
        assertEquals(List.of("one-element tensors to hide (h)"), ZkLayout.unsupported(one));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VerifyingKey(dev.zkinfer.security.SecurityProfile.DEFAULT, one, new byte[32], new IoScales(1.0, -128, 127, 1.0), true));
        assertTrue(e.getMessage().contains("one-element tensors to hide (h)"), e.getMessage());
    }

    @Test
    void slotWeightsExtensionMatchesTheirTable() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        ZkLayout.MaskCursor cursor = z.cursor();
        ZkLayout.MaskPlace first = cursor.next(new int[] {1, 3, 3, 2, 5}); // round degrees of their own
        ZkLayout.MaskPlace second = cursor.next(uniform(4, 2)); // at an offset that is not a multiple of a power of two but 4
        assertEquals(4 * (2 + 4 + 4 + 3 + 6), second.offset());
        for (BlockWeight w : List.of(z.sumcheckWeights(first, point(5)), z.sumcheckWeights(second, point(4)),
                z.tensorMaskWeights(2, random(), random()),
                z.tensorMaskWeights(3, random(), random(), random()))) {
            Ext3[] r = point(w.numVars());
            assertEquals(Mle.evaluateExt(w.table(), r), w.evaluate(r));
        }
    }

    @Test
    void aCursorsMasksShareTheirEqTablesAndStillEvaluateToTheirTables() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        ZkLayout.MaskCursor cursor = z.cursor();
        List<ZkLayout.PoolWeights> ws = new java.util.ArrayList<>();
        for (int[] degrees : new int[][] {{1, 3, 3, 2, 5}, uniform(4, 2), {7, 1, 2}, uniform(6, 1)}) {
            ws.add(cursor.weights(cursor.next(degrees), point(degrees.length)));
        }
        // two rounds at two points, each weight after the others: the shared tables follow the point
        for (int round = 0; round < 2; round++) {
            Ext3[] r = point(z.poolBits());
            for (ZkLayout.PoolWeights w : ws) {
                assertEquals(Mle.evaluateExt(w.table(), r), w.evaluate(r));
            }
        }
        Ext3[] r = point(z.poolBits());
        Ext3[] other = point(z.poolBits());
        assertEquals(Mle.evaluateExt(ws.get(0).table(), r), ws.get(0).evaluate(r));
        assertEquals(Mle.evaluateExt(ws.get(1).table(), other), ws.get(1).evaluate(other));
        assertEquals(Mle.evaluateExt(ws.get(2).table(), r), ws.get(2).evaluate(r));
    }

    @Test
    void aSumOfTermsIsTheWeightOfTheirTablesPlacedInTheWholePolynomial() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        CommittedLayout wl = z.witness();
        int n = wl.numVars();
        WitnessForm form = new WitnessForm(List.of(
                new WitnessForm.Term(wl.blocks(3).get(0).offset(), new WitnessForm.EqWeight(point(4), random())),
                new WitnessForm.Term(wl.blocks(z.maskBlock(3)).get(0).offset(), z.tensorMaskWeights(3, random(), random()))), random());
        BlockWeight sum = form.claim(n).weight();
        Ext3[] r = point(n);
        assertEquals(Mle.evaluateExt(sum.table(), r), sum.evaluate(r));
        assertEquals(0, form.claim(n).block());

        // at an opening's shared point (as WHIR's final check evaluates it, after other claims
        // filled the point's eq cache): the same value; its block factors are eq over the top coordinates
        dev.zkinfer.pcs.OpeningPoint at = new dev.zkinfer.pcs.OpeningPoint(r);
        WitnessForm.Term term = form.terms().get(1);
        int k = term.weight().numVars();
        assertEquals(Mle.eqAtIndex(java.util.Arrays.copyOfRange(r, k, n), term.offset() >>> k), at.eqAbove(k, term.offset() >>> k));
        assertEquals(Mle.evaluateExt(sum.table(), r), sum.evaluate(at));
        // a point with more coordinates (the Sum on block 0 of a larger polynomial): the Sum's own n coordinates
        Ext3[] longer = java.util.Arrays.copyOf(r, n + 2);
        longer[n] = random();
        longer[n + 1] = random();
        assertEquals(sum.evaluate(r), sum.evaluate(new dev.zkinfer.pcs.OpeningPoint(longer)));
        assertThrows(IllegalArgumentException.class, () -> at.eqAbove(k, 1L << (n - k)));
    }

    @Test
    void masksBeyondThePoolAreRefused() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        int size = 1 << z.poolBits();
        // a mask larger than a pool block
        assertThrows(IllegalStateException.class, () -> z.cursor().next(uniform(size, 1)));
        // a round of degree 0, and no round at all
        assertThrows(IllegalStateException.class, () -> z.cursor().next(new int[] {2, 0, 3}));
        assertThrows(IllegalStateException.class, () -> z.cursor().next(new int[0]));
        // more masks than the pool holds: first-fit moves to the next block, and there is none
        ZkLayout.MaskCursor cursor = z.cursor();
        assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i <= size; i++) {
                cursor.next(uniform(4, 15));
            }
        });
        ZkLayout.MaskPlace place = z.cursor().next(uniform(3, 2));
        assertThrows(IllegalStateException.class, () -> z.sumcheckWeights(place, point(4)));
        assertThrows(IllegalStateException.class, () -> z.poolBlock(z.poolBlocks()));
        assertThrows(IllegalStateException.class, () -> z.maskBlock(0));
    }

    @Test
    void poolWeightsOfAMaskWithRoundDegreesOpenItsValue() {
        // a mask with its own degree per round, laid out as ZkLayout says (component j of c_{i,k} at
        // offset + 4·(Σ_{i'<i}(d_i' + 1) + k) + j, the fourth entry unused): the pool weight's inner
        // product with the block is g(p), whatever the unused entries and the rest of the block hold
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        ZkLayout.MaskCursor cursor = z.cursor();
        cursor.next(uniform(2, 2));
        int[] degrees = {1, 3, 2, 5};
        ZkLayout.MaskPlace place = cursor.next(degrees);
        Ext3[][] c = new Ext3[degrees.length][];
        long[] block = new long[1 << z.poolBits()];
        for (int e = 0; e < block.length; e++) {
            block[e] = random().c0;
        }
        int start = place.offset();
        for (int i = 0; i < degrees.length; i++) {
            c[i] = new Ext3[degrees[i] + 1];
            for (int k = 0; k <= degrees[i]; k++) {
                c[i][k] = random();
                block[start] = c[i][k].c0;
                block[start + 1] = c[i][k].c1;
                block[start + 2] = c[i][k].c2;
                start += 4;
            }
        }
        assertEquals(place.offset() + 4 * (2 + 4 + 3 + 6), start);
        dev.zkinfer.sumcheck.SumcheckMask mask = new dev.zkinfer.sumcheck.SumcheckMask(c);
        Ext3[] p = point(degrees.length);
        long[] w = z.sumcheckWeights(place, p).table();
        Ext3 dot = Ext3.ZERO;
        for (int e = 0; e < block.length; e++) {
            dot = dot.add(Ext3.get(w, e).mul(Ext3.of(block[e])));
        }
        assertEquals(mask.evaluate(p), dot);
        // the weight's encoding (absorbed with the claim) names the round degrees
        assertNotEquals(java.util.Arrays.toString(z.sumcheckWeights(place, p).encode()),
                java.util.Arrays.toString(z.sumcheckWeights(new ZkLayout.MaskPlace(place.block(), place.offset(), new int[] {1, 3, 3, 4}), p).encode()));
    }

    @Test
    void poolWeightsEvaluateTheirTablesExtensionAtRandomPointsAndDegrees() {
        // the product form (one product per coefficient) against the weight table's multilinear
        // extension evaluated directly, for masks of random round degrees at random offsets (some
        // across the half tables' boundaries), at plain points and at an opening's point
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 40; trial++) {
            ZkLayout.MaskCursor cursor = z.cursor();
            cursor.next(uniform(1 + rnd.nextInt(4), 1 + rnd.nextInt(6))); // a mask before it, at a random offset
            int[] degrees = new int[1 + rnd.nextInt(6)];
            for (int i = 0; i < degrees.length; i++) {
                degrees[i] = 1 + rnd.nextInt(8);
            }
            ZkLayout.MaskPlace place = cursor.next(degrees);
            ZkLayout.PoolWeights w = cursor.weights(place, point(degrees.length));
            Ext3[] r = point(z.poolBits());
            assertEquals(Mle.evaluateExt(w.table(), r), w.evaluate(r), "mask " + java.util.Arrays.toString(degrees));
            Ext3[] longer = java.util.Arrays.copyOf(r, z.poolBits() + 3);
            for (int i = z.poolBits(); i < longer.length; i++) {
                longer[i] = random();
            }
            assertEquals(Mle.evaluateExt(w.table(), r), w.evaluate(new dev.zkinfer.pcs.OpeningPoint(longer)));
        }
    }

    @Test
    void poolWeightsOfRoundsAcrossSeveralHalfTableRunsEvaluateTheirTables() {
        // small blocks (half-table runs of 1 to 8 coefficients): a round's coefficients cross one
        // or several high indices, and a mask may end on a run's boundary or at the block's end
        SplittableRandom rnd = new SplittableRandom(13);
        int checked = 0;
        for (int bits = 2; bits <= 8; bits++) {
            for (int trial = 0; trial < 12; trial++) {
                int coefficients = 1 << (bits - 2);
                int[] degrees = new int[1 + rnd.nextInt(3)];
                int used = 0;
                for (int i = 0; i < degrees.length; i++) {
                    degrees[i] = 1 + rnd.nextInt(Math.max(1, Math.min(12, coefficients / degrees.length - 1)));
                    used += degrees[i] + 1;
                }
                if (used > coefficients) {
                    continue;
                }
                int offset = 4 * (trial % 3 == 0 ? coefficients - used : rnd.nextInt(coefficients - used + 1));
                ZkLayout.PoolWeights w = new ZkLayout.PoolWeights(bits, offset, point(degrees.length), degrees, new ZkLayout.PoolEq(bits));
                Ext3[] r = point(bits);
                assertEquals(Mle.evaluateExt(w.table(), r), w.evaluate(r), bits + " bits, offset " + offset + ", degrees "
                        + java.util.Arrays.toString(degrees));
                checked++;
            }
        }
        assertTrue(checked >= 50, checked + " masks checked");
    }

    @Test
    void poolEntriesAreFourPerCoefficientWithTheFourthUnused() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        ZkLayout.MaskCursor cursor = z.cursor();
        cursor.next(new int[] {2, 1});
        ZkLayout.MaskPlace place = cursor.next(new int[] {1, 3});
        assertEquals(4 * (3 + 2), place.offset());
        // coefficient c_{1,2} is number (1 + 1) + 2 = 4 of the mask
        assertEquals(place.offset() + 16 + 2, ZkLayout.poolEntry(place, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> ZkLayout.poolEntry(place, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> ZkLayout.poolEntry(place, 2 + 4, 0));
    }

    @Test
    void slotWeightsAtAnOpeningPointMatchTheirTable() {
        // rows with the same power point share their power sum; rows with different ones do not
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            int iBits = rnd.nextInt(3), kBits = rnd.nextInt(4);
            int rows = 1 + rnd.nextInt(1 << iBits);
            int degree = rnd.nextInt(1 << kBits);
            Ext3 shared = random();
            Ext3[] p = new Ext3[rows], sc = new Ext3[rows];
            for (int i = 0; i < rows; i++) {
                p[i] = rnd.nextBoolean() ? shared : random();
                sc[i] = random();
            }
            ZkLayout.SlotWeights w = new ZkLayout.SlotWeights(iBits, kBits, p, sc, degree);
            Ext3[] r = point(w.numVars() + 2);
            Ext3 expected = Mle.evaluateExt(w.table(), java.util.Arrays.copyOf(r, w.numVars()));
            assertEquals(expected, w.evaluate(java.util.Arrays.copyOf(r, w.numVars())));
            assertEquals(expected, w.evaluate(new dev.zkinfer.pcs.OpeningPoint(r)));
        }
    }

    @Test
    void poolWeightsAddSparselyWhatTheirTableHolds() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0, 64);
        ZkLayout.MaskCursor cursor = z.cursor();
        cursor.next(uniform(3, 1));
        ZkLayout.PoolWeights w = z.sumcheckWeights(cursor.next(new int[] {1, 3, 3, 5}), point(4));
        long[] dense = w.table();
        assertEquals(4 * 3 * 2 + 4 * (2 + 4 + 4 + 6), w.supportEnd());
        for (int e = 0; e < 1 << w.numVars(); e++) {
            // in the mask's range, every coefficient's fourth entry is unused: weight zero
            boolean weighted = e >= 4 * 3 * 2 && e < w.supportEnd() && e % 4 != 3;
            assertEquals(!weighted, Ext3.get(dense, e).equals(Ext3.ZERO), "entry " + e);
        }
        long[] sparse = new long[3 << (w.numVars() + 1)];
        w.addScaled(sparse, 1L << w.numVars(), Ext3.ONE);
        assertArrayEquals(dense, java.util.Arrays.copyOfRange(sparse, 3 << w.numVars(), 3 << (w.numVars() + 1)));
    }

    @Test
    void theKeyRecordsTAndRefusesFlagsThatDisagree() throws Exception {
        Circuit c = circuit();
        IoScales io = new IoScales(1.0, -128, 127, 1.0);
        VerifyingKey zk = new VerifyingKey(dev.zkinfer.security.SecurityProfile.DEFAULT, new int[] {1}, new Circuit[] {c}, new byte[32], io, 40);
        VerifyingKey back = VerifyingKey.decode(zk.encode());
        assertTrue(back.zeroKnowledge());
        assertEquals(40, back.hiddenProofs());
        assertEquals(40, back.modelPcs().zkOpenings(), "the model commitment is laid out for T");
        assertArrayEquals(zk.digest(), back.digest());
        // the default T fits the weights without growing their polynomial by more than a variable
        int dflt = VerifyingKey.defaultHiddenProofs(dev.zkinfer.security.SecurityProfile.DEFAULT, c);
        assertTrue(dflt >= 1 && dflt <= ZkLayout.MAX_PROOFS, "default T " + dflt);
        assertEquals(dflt, new VerifyingKey(dev.zkinfer.security.SecurityProfile.DEFAULT, c, new byte[32], io, true).hiddenProofs());
        assertEquals(0, new VerifyingKey(dev.zkinfer.security.SecurityProfile.DEFAULT, c, new byte[32], io).hiddenProofs());
        // flags word (offset 12): the zero-knowledge bit without T, T without the bit, an unknown bit (3; bits 1 and 2
        // are committed inputs and outputs), or committed outputs without zero knowledge, are malformed
        for (int flags : new int[] {1, 40 << 16, 8 | 40 << 16 | 1, 4}) {
            byte[] file = zk.encode();
            java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(12, flags);
            byte[] body = java.util.Arrays.copyOf(file, file.length - 32);
            System.arraycopy(java.security.MessageDigest.getInstance("SHA-256").digest(body), 0, file, file.length - 32, 32);
            dev.zkinfer.encoding.MalformedProofException e = assertThrows(dev.zkinfer.encoding.MalformedProofException.class,
                    () -> VerifyingKey.decode(file));
            assertTrue(e.getMessage().contains("unknown flags"), e.getMessage());
        }
        // bit 2 with zero knowledge is a key with committed outputs: another key (another digest), whose outputs are masked
        byte[] file = zk.encode();
        java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(12, 4 | 40 << 16 | 1);
        byte[] body = java.util.Arrays.copyOf(file, file.length - 32);
        System.arraycopy(java.security.MessageDigest.getInstance("SHA-256").digest(body), 0, file, file.length - 32, 32);
        VerifyingKey committed = VerifyingKey.decode(file);
        assertTrue(committed.committedOutputs());
        assertEquals("committed", committed.outputVisibility());
        assertFalse(java.util.Arrays.equals(zk.digest(), committed.digest()));
        for (int o : c.outputs()) {
            assertTrue(committed.zkLayout().delta(o) >= 0, "a committed output is masked");
            assertEquals(-1, zk.zkLayout().delta(o), "a public output is not");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VerifyingKey(dev.zkinfer.security.SecurityProfile.DEFAULT, new int[] {1}, new Circuit[] {c}, new byte[32], io, 70000));
        assertTrue(e.getMessage().contains("1 to 65535 proofs"), e.getMessage());
    }
}

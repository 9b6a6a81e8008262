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
    void masksFollowTheClaimCounts() {
        Circuit c = circuit();
        ZkLayout z = new ZkLayout(c, n -> 0);
        assertEquals(-1, z.delta(0), "public input");
        assertEquals(0, z.delta(1), "weights: masked per proof, one claim");
        assertEquals(0, z.delta(2), "one claim: δ = 0");
        assertEquals(0, z.delta(3), "advice with one claim");
        assertEquals(-1, z.delta(4), "public output");
        assertEquals(3, z.sumcheckSlots(), "one per layer, none for merges, one per model tensor's blinded opening");
        assertTrue(ZkLayout.unsupported(c).isEmpty());
        // the witness holds the advice tensor, the slots and the two masks, without overlap
        CommittedLayout wl = z.witness();
        long covered = 0;
        for (int id : wl.tensors()) {
            covered += 1L << wl.blocks(id).get(0).numVars();
        }
        assertTrue(covered <= 1L << wl.numVars());
        assertEquals(1 + 3 + 3, wl.tensors().size());
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
        ZkLayout z = new ZkLayout(circuit(), n -> 0);
        for (BlockWeight w : List.of(z.sumcheckWeights(point(5), 3), z.tensorMaskWeights(2, random(), random()),
                z.tensorMaskWeights(3, random(), random(), random()))) {
            Ext3[] r = point(w.numVars());
            assertEquals(Mle.evaluateExt(w.table(), r), w.evaluate(r));
        }
    }

    @Test
    void aSumOfTermsIsTheWeightOfTheirTablesPlacedInTheWholePolynomial() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0);
        CommittedLayout wl = z.witness();
        int n = wl.numVars();
        WitnessForm form = new WitnessForm(List.of(
                new WitnessForm.Term(wl.blocks(3).get(0).offset(), new WitnessForm.EqWeight(point(4), random())),
                new WitnessForm.Term(wl.blocks(z.maskBlock(3)).get(0).offset(), z.tensorMaskWeights(3, random(), random()))), random());
        BlockWeight sum = form.claim(n).weight();
        Ext3[] r = point(n);
        assertEquals(Mle.evaluateExt(sum.table(), r), sum.evaluate(r));
        assertEquals(0, form.claim(n).block());
    }

    @Test
    void masksTooLargeForTheSlotsAreRefused() {
        ZkLayout z = new ZkLayout(circuit(), n -> 0);
        assertThrows(IllegalStateException.class, () -> z.sumcheckWeights(point(z.slotVars() + 1), 2));
        assertThrows(IllegalStateException.class, () -> z.sumcheckWeights(point(3), z.slotDegree() + 1));
        assertThrows(IllegalStateException.class, () -> z.slotBlock(z.sumcheckSlots()));
        assertThrows(IllegalStateException.class, () -> z.maskBlock(0));
    }
}

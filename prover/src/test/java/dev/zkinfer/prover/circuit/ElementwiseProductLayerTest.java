package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.ElementwiseProductLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseProductLayerTest {
    record Setup(Circuit circuit, ElementwiseProductLayer layer, WitnessValues w) {}

    /** z = a ⊙ b on random int8-like values; {@code square}: b is a itself. */
    static Setup setup(int[] dims, boolean square, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        TensorLayout l = new TensorLayout(dims);
        int a = cb.tensor("a", l, TensorRole.INPUT);
        int b = square ? a : cb.tensor("b", l, TensorRole.ADVICE);
        int z = cb.tensor("z", l, TensorRole.COMPUTED);
        ElementwiseProductLayer layer = new ElementwiseProductLayer(a, b, z);
        Circuit c = cb.layer(layer).build(a, z);
        WitnessValues w = new WitnessValues(c);
        w.put(a, LayerSoundness.randomPadded(l, rnd, 128));
        if (!square) {
            w.put(b, LayerSoundness.randomPadded(l, rnd, 128));
        }
        LayerHarness.computeWitness(c, w);
        return new Setup(c, layer, w);
    }

    @Test
    void completeness() throws InvalidProofException {
        int[][] shapes = {{3, 5}, {2, 3, 7}, {1}, {6}, {4, 4}, {1, 10, 10}};
        long seed = 1;
        for (int[] dims : shapes) {
            for (boolean square : new boolean[] {false, true}) {
                Setup s = setup(dims, square, seed++);
                TensorLayout l = new TensorLayout(dims);
                long[] a = s.w.get(s.layer.a()), b = s.w.get(s.layer.b()), z = s.w.get(s.layer.output());
                for (int i = 0; i < z.length; i++) {
                    assertEquals(Goldilocks.mul(a[i], b[i]), z[i]);
                }
                assertArrayEquals(l.pad(l.unpad(z), 0), z, "padding stays zero");
                List<Claim> claims = LayerHarness.proveAndVerify(s.layer, s.w, seed + 100);
                assertEquals(2, claims.size());
            }
        }
    }

    @Test
    void wrongOutputIsCaught() {
        Setup s = setup(new int[] {3, 5}, false, 20);
        TensorLayout l = s.circuit.tensor(s.layer.output()).layout();
        for (int pi : new int[] {l.paddedIndex(2, 4), l.paddedIndex(0, 0), l.paddedIndex(1, 6) /* padding */}) {
            WitnessValues bad = new WitnessValues(s.circuit);
            bad.put(s.layer.a(), s.w.get(s.layer.a()));
            bad.put(s.layer.b(), s.w.get(s.layer.b()));
            long[] z = s.w.get(s.layer.output()).clone();
            z[pi] = Goldilocks.add(z[pi], 1);
            bad.put(s.layer.output(), z);
            // the claim is true for the wrong z; the honest operands do not give it
            Claim[] oc = LayerHarness.randomOutputClaims(s.layer, bad, new SplittableRandom(21 + pi));
            LayerSoundness.assertRejectedOrFalse(s.layer, oc, bad, LayerSoundness.prove(s.layer, oc, bad), "wrong output at " + pi);
        }
    }

    @Test
    void wrongOperandEvaluationsAreRejected() throws InvalidProofException {
        Setup s = setup(new int[] {2, 3, 7}, false, 25);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(26));
        byte[] proof = LayerSoundness.prove(s.layer, oc, s.w);
        // the two operand evaluations are the last two extension elements (24 bytes each)
        for (int k = 1; k <= 2; k++) {
            byte[] bad = proof.clone();
            int off = proof.length - 24 * k;
            bad[off] ^= 1;
            byte[] badProof = bad;
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(s.layer, oc, s.circuit, badProof));
        }
        // swapping the operands' evaluations keeps their product but must give false claims (a ≠ b here)
        byte[] swapped = proof.clone();
        System.arraycopy(proof, proof.length - 48, swapped, proof.length - 24, 24);
        System.arraycopy(proof, proof.length - 24, swapped, proof.length - 48, 24);
        LayerSoundness.assertRejectedOrFalse(s.layer, oc, s.w, swapped, "swapped operand evaluations");
    }

    @Test
    void tamperedProofs() throws InvalidProofException {
        LayerSoundness.tamperEveryElement(setup(new int[] {3, 5}, false, 30).layer, setup(new int[] {3, 5}, false, 30).w, 31);
        Setup sq = setup(new int[] {4, 3}, true, 32);
        LayerSoundness.tamperEveryElement(sq.layer, sq.w, 33);
    }

    @Test
    void noClaimMeansNoProof() throws InvalidProofException {
        Setup s = setup(new int[] {3, 5}, false, 40);
        byte[] proof = LayerSoundness.prove(s.layer, new Claim[] {null}, s.w);
        assertEquals(0, proof.length);
        assertTrue(LayerHarness.verify(s.layer, new Claim[] {null}, s.circuit, proof).isEmpty());
    }

    @Test
    void claimOnAnotherTensorOrPointSizeIsRejected() {
        Setup s = setup(new int[] {3, 5}, false, 50);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(51));
        byte[] proof = LayerSoundness.prove(s.layer, oc, s.w);
        Claim c = oc[0];
        Claim[] shortPoint = {new Claim(c.tensor(), java.util.Arrays.copyOf(c.point(), c.point().length - 1), c.value())};
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(s.layer, shortPoint, s.circuit, proof));
        Claim[] otherTensor = {new Claim(s.layer.a(), c.point(), c.value())};
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(s.layer, otherTensor, s.circuit, proof));
        Claim[] shifted = {new Claim(c.tensor(), c.point(), c.value().add(Ext3.ONE))};
        LayerSoundness.assertRejectedOrFalse(s.layer, shifted, s.w, proof, "claim value changed");
    }

    @Test
    void mismatchedLayoutsAreRefused() {
        Circuit.Builder cb = new Circuit.Builder();
        int a = cb.tensor("a", TensorLayout.of(3, 5), TensorRole.INPUT);
        int b = cb.tensor("b", TensorLayout.of(5, 3), TensorRole.ADVICE);
        int z = cb.tensor("z", TensorLayout.of(3, 5), TensorRole.COMPUTED);
        ElementwiseProductLayer layer = new ElementwiseProductLayer(a, b, z);
        // the circuit's validation runs the layer's shape check: such a circuit (or key) never exists
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cb.layer(layer).build(a, z));
        assertTrue(e.getMessage().contains("operand layouts differ"), e.getMessage());
    }

    @Test
    void codec() {
        LayerSoundness.assertCodec(setup(new int[] {3, 5}, false, 60).circuit, new SplittableRandom(61));
        LayerSoundness.assertCodec(setup(new int[] {2, 2}, true, 62).circuit, new SplittableRandom(63));
        assertEquals(new ElementwiseProductLayer(0, 1, 2), new ElementwiseProductLayer(0, 1, 2));
        assertNotEquals(new ElementwiseProductLayer(0, 1, 2), new ElementwiseProductLayer(1, 0, 2));
    }
}

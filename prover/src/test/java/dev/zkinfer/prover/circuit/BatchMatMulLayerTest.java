package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.BatchMatMulLayer;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchMatMulLayerTest {
    record Setup(Circuit circuit, BatchMatMulLayer layer, WitnessValues w, int[] dims) {}

    /** A = [t, m, k], B = [t, k, n] of random int8-like values with zero padding. */
    static Setup setup(int t, int m, int k, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        TensorLayout la = TensorLayout.of(t, m, k), lb = TensorLayout.of(t, k, n);
        int a = cb.tensor("a", la, TensorRole.INPUT);
        int b = cb.tensor("b", lb, TensorRole.ADVICE);
        int y = cb.tensor("y", TensorLayout.of(t, m, n), TensorRole.COMPUTED);
        BatchMatMulLayer layer = new BatchMatMulLayer(a, b, y);
        Circuit c = cb.layer(layer).build(a, y);
        WitnessValues w = new WitnessValues(c);
        w.put(a, LayerSoundness.randomPadded(la, rnd, 128));
        w.put(b, LayerSoundness.randomPadded(lb, rnd, 128));
        LayerHarness.computeWitness(c, w);
        return new Setup(c, layer, w, new int[] {t, m, k, n});
    }

    @Test
    void completeness() throws InvalidProofException {
        int[][] shapes = {{1, 2, 2, 2}, {3, 2, 5, 4}, {4, 7, 16, 3}, {1, 1, 1, 1}, {2, 1, 3, 1}, {5, 3, 1, 6}};
        long seed = 1;
        for (int[] s : shapes) {
            Setup st = setup(s[0], s[1], s[2], s[3], seed++);
            TensorLayout la = TensorLayout.of(s[0], s[1], s[2]), lb = TensorLayout.of(s[0], s[2], s[3]);
            TensorLayout ly = TensorLayout.of(s[0], s[1], s[3]);
            long[] a = st.w.get(st.layer.a()), b = st.w.get(st.layer.b()), y = st.w.get(st.layer.y());
            for (int t = 0; t < s[0]; t++) {
                for (int m = 0; m < s[1]; m++) {
                    for (int n = 0; n < s[3]; n++) {
                        long acc = 0;
                        for (int k = 0; k < s[2]; k++) {
                            acc += Goldilocks.toSigned(a[la.paddedIndex(t, m, k)]) * Goldilocks.toSigned(b[lb.paddedIndex(t, k, n)]);
                        }
                        assertEquals(acc, Goldilocks.toSigned(y[ly.paddedIndex(t, m, n)]));
                    }
                }
            }
            assertArrayEquals(ly.pad(ly.unpad(y), 0), y, "padding stays zero");
            List<Claim> claims = LayerHarness.proveAndVerify(st.layer, st.w, seed + 100);
            assertEquals(2, claims.size());
        }
    }

    @Test
    void wrongOutputIsCaught() {
        Setup s = setup(3, 2, 5, 3, 20);
        TensorLayout l = s.circuit.tensor(s.layer.y()).layout();
        for (int pi : new int[] {l.paddedIndex(2, 1, 2), l.paddedIndex(0, 0, 0), l.paddedIndex(1, 1, 3) /* padding */}) {
            WitnessValues bad = new WitnessValues(s.circuit);
            bad.put(s.layer.a(), s.w.get(s.layer.a()));
            bad.put(s.layer.b(), s.w.get(s.layer.b()));
            long[] y = s.w.get(s.layer.y()).clone();
            y[pi] = Goldilocks.add(y[pi], 1);
            bad.put(s.layer.y(), y);
            Claim[] oc = LayerHarness.randomOutputClaims(s.layer, bad, new SplittableRandom(21 + pi));
            LayerSoundness.assertRejectedOrFalse(s.layer, oc, bad, LayerSoundness.prove(s.layer, oc, bad), "wrong output at " + pi);
        }
    }

    @Test
    void mixingBatchesIsCaught() {
        // Y computed with batch 1's B for batch 0: Σ_t eq(r_t,t)·A'(t)·B'(t) pairs each batch with itself only
        Setup s = setup(2, 2, 3, 2, 22);
        TensorLayout la = s.circuit.tensor(s.layer.a()).layout(), lb = s.circuit.tensor(s.layer.b()).layout();
        TensorLayout ly = s.circuit.tensor(s.layer.y()).layout();
        long[] a = s.w.get(s.layer.a()), b = s.w.get(s.layer.b());
        long[] y = s.w.get(s.layer.y()).clone();
        for (int m = 0; m < 2; m++) {
            for (int n = 0; n < 2; n++) {
                long acc = 0;
                for (int k = 0; k < 3; k++) {
                    acc = Goldilocks.add(acc, Goldilocks.mul(a[la.paddedIndex(0, m, k)], b[lb.paddedIndex(1, k, n)]));
                }
                y[ly.paddedIndex(0, m, n)] = acc;
            }
        }
        WitnessValues bad = new WitnessValues(s.circuit);
        bad.put(s.layer.a(), a);
        bad.put(s.layer.b(), b);
        bad.put(s.layer.y(), y);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, bad, new SplittableRandom(23));
        LayerSoundness.assertRejectedOrFalse(s.layer, oc, bad, LayerSoundness.prove(s.layer, oc, bad), "batches mixed");
    }

    @Test
    void tamperedProofs() throws InvalidProofException {
        Setup s = setup(3, 2, 5, 3, 30);
        LayerSoundness.tamperEveryElement(s.layer, s.w, 31);
        Setup one = setup(1, 3, 4, 2, 32);
        LayerSoundness.tamperEveryElement(one.layer, one.w, 33);
    }

    @Test
    void swappedOperandEvaluationsGiveFalseClaims() {
        Setup s = setup(2, 3, 4, 3, 40);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(41));
        byte[] proof = LayerSoundness.prove(s.layer, oc, s.w);
        byte[] swapped = proof.clone();
        System.arraycopy(proof, proof.length - 48, swapped, proof.length - 24, 24);
        System.arraycopy(proof, proof.length - 24, swapped, proof.length - 48, 24);
        LayerSoundness.assertRejectedOrFalse(s.layer, oc, s.w, swapped, "swapped operand evaluations");
    }

    @Test
    void inconsistentShapesAndClaimsAreRejected() throws InvalidProofException {
        Circuit.Builder cb = new Circuit.Builder();
        int a = cb.tensor("a", TensorLayout.of(2, 3, 4), TensorRole.INPUT);
        int b = cb.tensor("b", TensorLayout.of(2, 5, 3), TensorRole.ADVICE);
        int y = cb.tensor("y", TensorLayout.of(2, 3, 3), TensorRole.COMPUTED);
        BatchMatMulLayer layer = new BatchMatMulLayer(a, b, y);
        // the circuit's validation runs the layer's shape check: such a circuit (or key) never exists
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cb.layer(layer).build(a, y));
        assertTrue(e.getMessage().contains("BatchMatMul layer: inconsistent shapes"), e.getMessage());
        Setup s = setup(2, 2, 3, 2, 50);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(51));
        byte[] proof = LayerSoundness.prove(s.layer, oc, s.w);
        Claim[] shortPoint = {new Claim(oc[0].tensor(), java.util.Arrays.copyOf(oc[0].point(), oc[0].point().length - 1), oc[0].value())};
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(s.layer, shortPoint, s.circuit, proof));
        assertTrue(LayerHarness.verify(s.layer, new Claim[] {null}, s.circuit, new byte[0]).isEmpty());
    }

    @Test
    void codec() {
        LayerSoundness.assertCodec(setup(2, 3, 4, 5, 60).circuit, new SplittableRandom(61));
        assertEquals(new BatchMatMulLayer(0, 1, 2), new BatchMatMulLayer(0, 1, 2));
        assertNotEquals(new BatchMatMulLayer(0, 1, 2), new BatchMatMulLayer(1, 0, 2));
    }
}

package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.ElementwiseLinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseLinearLayerTest {
    record Setup(Circuit circuit, ElementwiseLinearLayer layer, WitnessValues w) {}

    static Setup setup(int[] dims, long[] coeffs, long constant, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        TensorLayout l = new TensorLayout(dims);
        int[] ins = new int[coeffs.length];
        for (int k = 0; k < ins.length; k++) {
            ins[k] = cb.tensor("x" + k, l, TensorRole.INPUT);
        }
        int y = cb.tensor("y", l, TensorRole.COMPUTED);
        ElementwiseLinearLayer layer = new ElementwiseLinearLayer(ins, coeffs, constant, y);
        Circuit c = cb.layer(layer).build(ins, new int[] {y});
        WitnessValues w = new WitnessValues(c);
        for (int t : ins) {
            w.put(t, LayerSoundness.randomPadded(l, rnd, 1000));
        }
        LayerHarness.computeWitness(c, w);
        return new Setup(c, layer, w);
    }

    @Test
    void completeness() throws InvalidProofException {
        Object[][] cases = {
            {new int[] {3, 5}, new long[] {1, 1}, 0L},
            {new int[] {2, 3, 7}, new long[] {1, -1, 3}, -17L},
            {new int[] {6}, new long[] {-5}, 1L << 40},
            {new int[] {1}, new long[] {2}, 3L},
            {new int[] {4, 4}, new long[] {1, 2, 3, 4}, 0L},
        };
        long seed = 1;
        for (Object[] cs : cases) {
            int[] dims = (int[]) cs[0];
            long[] co = (long[]) cs[1];
            long cst = (Long) cs[2];
            Setup s = setup(dims, co, cst, seed++);
            TensorLayout l = new TensorLayout(dims);
            long[] y = l.unpad(s.w.get(s.layer.output()));
            int[] ins = s.layer.inputs();
            for (int i = 0; i < y.length; i++) {
                long acc = Goldilocks.fromSigned(cst);
                for (int k = 0; k < ins.length; k++) {
                    acc = Goldilocks.add(acc, Goldilocks.mul(Goldilocks.fromSigned(co[k]), l.unpad(s.w.get(ins[k]))[i]));
                }
                assertEquals(acc, y[i]);
            }
            assertArrayEquals(l.pad(y, 0), s.w.get(s.layer.output()), "padding stays zero");
            assertEquals(co.length, LayerHarness.proveAndVerify(s.layer, s.w, seed + 100).size());
        }
    }

    @Test
    void wrongOutputIsCaught() {
        Setup s = setup(new int[] {3, 5}, new long[] {1, -2}, 9, 20);
        TensorLayout l = s.circuit.tensor(s.layer.output()).layout();
        for (int pi : new int[] {l.paddedIndex(2, 4), l.paddedIndex(1, 6) /* padding */}) {
            WitnessValues bad = new WitnessValues(s.circuit);
            for (int t : s.layer.inputs()) {
                bad.put(t, s.w.get(t));
            }
            long[] y = s.w.get(s.layer.output()).clone();
            y[pi] = Goldilocks.add(y[pi], 1);
            bad.put(s.layer.output(), y);
            Claim[] oc = LayerHarness.randomOutputClaims(s.layer, bad, new SplittableRandom(21));
            LayerSoundness.assertRejectedOrFalse(s.layer, oc, bad, LayerSoundness.prove(s.layer, oc, bad), "wrong output at " + pi);
        }
    }

    @Test
    void tamperedProofs() throws InvalidProofException {
        Setup s = setup(new int[] {3, 5}, new long[] {1, -2, 4}, -3, 30);
        LayerSoundness.tamperEveryElement(s.layer, s.w, 31);
    }

    @Test
    void codec() {
        LayerSoundness.assertCodec(setup(new int[] {3, 5}, new long[] {1, -2, Long.MIN_VALUE}, -3, 40).circuit, new SplittableRandom(41));
        assertEquals(new ElementwiseLinearLayer(new int[] {0, 1}, new long[] {1, -1}, 5, 2),
                new ElementwiseLinearLayer(new int[] {0, 1}, new long[] {1, -1}, 5, 2));
    }
}

package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearLayerTest {
    record Setup(Circuit circuit, LinearLayer layer, WitnessValues w) {}

    /** X = [B, P.., K], W = [O, K], bias = [O] or none, Y = [B, O, P..]. */
    static Setup setup(int b, int[] pos, int k, int o, boolean bias, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        int[] xd = new int[pos.length + 2];
        int[] yd = new int[pos.length + 2];
        xd[0] = b;
        yd[0] = b;
        yd[1] = o;
        for (int i = 0; i < pos.length; i++) {
            xd[1 + i] = pos[i];
            yd[2 + i] = pos[i];
        }
        xd[pos.length + 1] = k;
        int x = cb.tensor("x", new TensorLayout(xd), TensorRole.INPUT);
        int wt = cb.tensor("w", TensorLayout.of(o, k), TensorRole.MODEL);
        int bi = bias ? cb.tensor("b", TensorLayout.of(o), TensorRole.MODEL) : -1;
        int y = cb.tensor("y", new TensorLayout(yd), TensorRole.COMPUTED);
        LinearLayer layer = new LinearLayer(x, wt, bi, y);
        Circuit c = cb.layer(layer).build(x, y);
        WitnessValues w = new WitnessValues(c);
        w.put(x, LayerSoundness.randomPadded(c.tensor(x).layout(), rnd, 100));
        w.put(wt, LayerSoundness.randomPadded(c.tensor(wt).layout(), rnd, 100));
        if (bias) {
            w.put(bi, LayerSoundness.randomPadded(c.tensor(bi).layout(), rnd, 1000));
        }
        LayerHarness.computeWitness(c, w);
        return new Setup(c, layer, w);
    }

    /** Naive check of Y's real entries against the definition, and that Y padding is zero. */
    static void checkWitness(Setup s, int b, int[] pos, int k, int o) {
        var c = s.circuit;
        TensorLayout lx = c.tensor(s.layer.x()).layout(), ly = c.tensor(s.layer.y()).layout();
        long[] X = lx.unpad(s.w.get(s.layer.x()));
        long[] W = c.tensor(s.layer.weight()).layout().unpad(s.w.get(s.layer.weight()));
        long[] Bv = s.layer.bias() >= 0 ? s.w.get(s.layer.bias()) : null;
        long[] Yp = s.w.get(s.layer.y());
        long[] Y = ly.unpad(Yp);
        int p = 1;
        for (int d : pos) {
            p *= d;
        }
        for (int bb = 0; bb < b; bb++) {
            for (int oo = 0; oo < o; oo++) {
                for (int pp = 0; pp < p; pp++) {
                    long acc = Bv == null ? 0 : Bv[oo];
                    for (int kk = 0; kk < k; kk++) {
                        acc = Goldilocks.add(acc, Goldilocks.mul(W[oo * k + kk], X[(bb * p + pp) * k + kk]));
                    }
                    assertEquals(acc, Y[(bb * o + oo) * p + pp]);
                }
            }
        }
        long nonzeroPad = 0;
        long[] real = ly.pad(Y, 0);
        for (int i = 0; i < Yp.length; i++) {
            if (real[i] != Yp[i]) {
                nonzeroPad++;
            }
        }
        assertEquals(0, nonzeroPad, "Y padding must be zero");
    }

    @Test
    void denseCompleteness() throws InvalidProofException {
        int[][] cases = {{1, 7, 5, 1}, {3, 10, 3, 0}, {2, 1, 1, 1}, {1, 16, 8, 1}, {5, 3, 9, 1}};
        long seed = 1;
        for (int[] cs : cases) {
            Setup s = setup(cs[0], new int[0], cs[1], cs[2], cs[3] == 1, seed++);
            checkWitness(s, cs[0], new int[0], cs[1], cs[2]);
            List<Claim> claims = LayerHarness.proveAndVerify(s.layer, s.w, seed);
            assertEquals(cs[3] == 1 ? 3 : 2, claims.size());
        }
    }

    @Test
    void convShapedCompleteness() throws InvalidProofException {
        Setup s = setup(2, new int[] {3, 5}, 18, 4, true, 11);
        checkWitness(s, 2, new int[] {3, 5}, 18, 4);
        LayerHarness.proveAndVerify(s.layer, s.w, 12);
        Setup s1 = setup(1, new int[] {6}, 5, 3, false, 13);
        checkWitness(s1, 1, new int[] {6}, 5, 3);
        LayerHarness.proveAndVerify(s1.layer, s1.w, 14);
    }

    /**
     * Weights committed transposed (Wᵀ = [K, O]): Y is X·W as for the plain layer on W, the weight
     * claim lands on Wᵀ (all emitted claims true), for a dense X and for a one-hot X (a token
     * embedding's), with and without bias; a wrong output is caught.
     */
    @Test
    void transposedWeightsGiveThePlainLayersOutputAndTrueClaims() throws InvalidProofException {
        int[][] cases = {{3, 7, 5, 1}, {1, 16, 8, 0}, {4, 2, 3, 1}};
        long seed = 31;
        for (int[] cs : cases) {
            for (boolean oneHot : new boolean[] {false, true}) {
                int b = cs[0], k = cs[1], o = cs[2];
                Setup plain = setup(b, new int[0], k, o, cs[3] == 1, seed++);
                Circuit.Builder cb = new Circuit.Builder();
                int x = cb.tensor("x", TensorLayout.of(b, k), TensorRole.INPUT);
                int wt = cb.tensor("w transposed", TensorLayout.of(k, o), TensorRole.MODEL);
                int bi = cs[3] == 1 ? cb.tensor("b", TensorLayout.of(o), TensorRole.MODEL) : -1;
                int y = cb.tensor("y", TensorLayout.of(b, o), TensorRole.COMPUTED);
                LinearLayer layer = new LinearLayer(x, wt, bi, y, true);
                Circuit c = cb.layer(layer).build(x, y);
                long[] xs = plain.w.get(plain.layer.x()).clone();
                if (oneHot) {
                    java.util.Arrays.fill(xs, 0);
                    TensorLayout lx = c.tensor(x).layout();
                    for (int r = 0; r < b; r++) {
                        xs[lx.paddedIndex(r, (r * 5) % k)] = 1;
                    }
                    WitnessValues pw = new WitnessValues(plain.circuit);
                    pw.put(plain.layer.x(), xs);
                    pw.put(plain.layer.weight(), plain.w.get(plain.layer.weight()));
                    if (plain.layer.bias() >= 0) {
                        pw.put(plain.layer.bias(), plain.w.get(plain.layer.bias()));
                    }
                    LayerHarness.computeWitness(plain.circuit, pw);
                    plain = new Setup(plain.circuit, plain.layer, pw);
                }
                TensorLayout lw = c.tensor(wt).layout(), lo = plain.circuit.tensor(plain.layer.weight()).layout();
                long[] w = plain.w.get(plain.layer.weight()), t = new long[lw.paddedSize()];
                for (int i = 0; i < o; i++) {
                    for (int j = 0; j < k; j++) {
                        t[lw.paddedIndex(j, i)] = w[lo.paddedIndex(i, j)];
                    }
                }
                WitnessValues wv = new WitnessValues(c);
                wv.put(x, xs);
                wv.put(wt, t);
                if (bi >= 0) {
                    wv.put(bi, plain.w.get(plain.layer.bias()));
                }
                LayerHarness.computeWitness(c, wv);
                assertArrayEquals(plain.w.get(plain.layer.y()), wv.get(y), "the plain layer's output");
                List<Claim> claims = LayerHarness.proveAndVerify(layer, wv, seed++);
                assertEquals(bi >= 0 ? 3 : 2, claims.size());
                assertTrue(claims.stream().anyMatch(cl -> cl.tensor() == wt), "a claim on the transposed weights");

                long[] bad = wv.get(y).clone();
                bad[c.tensor(y).layout().paddedIndex(b - 1, o - 1)] = Goldilocks.add(bad[c.tensor(y).layout().paddedIndex(b - 1, o - 1)], 1);
                wv.put(y, bad);
                Claim[] oc = LayerHarness.randomOutputClaims(layer, wv, new SplittableRandom(seed++));
                byte[] proof = LayerSoundness.prove(layer, oc, wv);
                LayerSoundness.assertRejectedOrFalse(layer, oc, wv, proof, "wrong output (transposed weights)");
            }
        }
    }

    @Test
    void wrongOutputIsCaught() {
        for (boolean bias : new boolean[] {true, false}) {
            Setup s = setup(3, new int[] {3}, 6, 5, bias, 21);
            TensorLayout ly = s.circuit.tensor(s.layer.y()).layout();
            long[] y = s.w.get(s.layer.y()).clone();
            y[ly.paddedIndex(2, 4, 1)] = Goldilocks.add(y[ly.paddedIndex(2, 4, 1)], 1);
            s.w.put(s.layer.y(), y);
            Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(22));
            byte[] proof = LayerSoundness.prove(s.layer, oc, s.w);
            LayerSoundness.assertRejectedOrFalse(s.layer, oc, s.w, proof, "wrong output");
        }
    }

    @Test
    void wrongPaddingOutputIsCaught() {
        Setup s = setup(3, new int[0], 6, 5, true, 23);
        TensorLayout ly = s.circuit.tensor(s.layer.y()).layout();
        long[] y = s.w.get(s.layer.y()).clone();
        y[ly.paddedIndex(3, 1)] = 5; // b = 3 is padding
        s.w.put(s.layer.y(), y);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(24));
        LayerSoundness.assertRejectedOrFalse(s.layer, oc, s.w, LayerSoundness.prove(s.layer, oc, s.w), "bias in padding");
    }

    @Test
    void differentWeightIsCaught() {
        Setup honest = setup(2, new int[] {2}, 7, 3, true, 31);
        Setup cheat = setup(2, new int[] {2}, 7, 3, true, 31);
        TensorLayout lw = cheat.circuit.tensor(cheat.layer.weight()).layout();
        long[] wv = cheat.w.get(cheat.layer.weight()).clone();
        wv[lw.paddedIndex(1, 3)] = Goldilocks.add(wv[lw.paddedIndex(1, 3)], 7);
        WitnessValues w2 = new WitnessValues(cheat.circuit);
        w2.put(cheat.layer.x(), cheat.w.get(cheat.layer.x()));
        w2.put(cheat.layer.weight(), wv);
        w2.put(cheat.layer.bias(), cheat.w.get(cheat.layer.bias()));
        LayerHarness.computeWitness(cheat.circuit, w2);
        Claim[] oc = LayerHarness.randomOutputClaims(cheat.layer, w2, new SplittableRandom(32));
        byte[] proof = LayerSoundness.prove(cheat.layer, oc, w2);
        // against the committed (honest) weights, some claim must be false
        LayerSoundness.assertRejectedOrFalse(honest.layer, oc, honest.w, proof, "different weight");
    }

    @Test
    void tamperedProofs() throws InvalidProofException {
        LayerSoundness.tamperEveryElement(setup(2, new int[0], 5, 3, true, 41).layer, setup(2, new int[0], 5, 3, true, 41).w, 42);
        Setup s = setup(1, new int[] {2, 3}, 4, 2, false, 43);
        LayerSoundness.tamperEveryElement(s.layer, s.w, 44);
    }

    @Test
    void codec() {
        LayerSoundness.assertCodec(setup(2, new int[] {3}, 5, 3, true, 51).circuit, new SplittableRandom(52));
        LayerSoundness.assertCodec(setup(2, new int[0], 5, 3, false, 53).circuit, new SplittableRandom(54));
        assertEquals(new LinearLayer(0, 1, -1, 2), new LinearLayer(0, 1, -1, 2));
    }
}

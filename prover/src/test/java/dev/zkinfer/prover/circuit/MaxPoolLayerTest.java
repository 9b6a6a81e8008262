package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.MaxPoolLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaxPoolLayerTest {
    record Setup(Circuit circuit, MaxPoolLayer layer, WitnessValues w, long[] expected) {}

    /** Builds views of a random [B,C,H,W] image as IndexMap.Window would (0 outside the image). */
    static Setup setup(long seed, int b, int c, int h, int wd, int kh, int kw, int sh, int sw, int pt, int pl, int bits,
            boolean geometry, long minVal, long maxVal) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] img = new long[b * c * h * wd];
        for (int i = 0; i < img.length; i++) {
            img[i] = rnd.nextLong(minVal, maxVal + 1);
        }
        int oh = (h + 2 * pt - kh) / sh + 1, ow = (wd + 2 * pl - kw) / sw + 1;
        TensorLayout lo = TensorLayout.of(b, c, oh, ow);
        Circuit.Builder cb = new Circuit.Builder();
        int k = kh * kw;
        int[] views = new int[k];
        long[][] viewVals = new long[k][(int) lo.size()];
        long[] expected = new long[(int) lo.size()];
        Arrays.fill(expected, Long.MIN_VALUE);
        for (int w = 0; w < k; w++) {
            views[w] = cb.tensor("view " + w, lo, TensorRole.INPUT);
            int dy = w / kw, dx = w % kw;
            int idx = 0;
            for (int bb = 0; bb < b; bb++) {
                for (int cc = 0; cc < c; cc++) {
                    for (int y = 0; y < oh; y++) {
                        for (int x = 0; x < ow; x++, idx++) {
                            int iy = y * sh + dy - pt, ix = x * sw + dx - pl;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                long v = img[((bb * c + cc) * h + iy) * wd + ix];
                                viewVals[w][idx] = v;
                                expected[idx] = Math.max(expected[idx], v);
                            }
                        }
                    }
                }
            }
        }
        int y = cb.tensor("pooled", lo, TensorRole.ADVICE);
        MaxPoolLayer l = geometry ? MaxPoolLayer.create(cb, views, y, bits, h, wd, kh, kw, sh, sw, pt, pl)
                : MaxPoolLayer.create(cb, views, y, bits);
        cb.layer(l);
        Circuit circ = cb.build(views, new int[] {y});
        WitnessValues wv = new WitnessValues(circ);
        for (int w = 0; w < k; w++) {
            long[] f = new long[viewVals[w].length];
            for (int i = 0; i < f.length; i++) {
                f[i] = Goldilocks.fromSigned(viewVals[w][i]);
            }
            wv.put(views[w], lo.pad(f, 0));
        }
        LayerHarness.computeWitness(circ, wv);
        return new Setup(circ, l, wv, expected);
    }

    static void complete(Setup st) throws InvalidProofException {
        TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
        long[] y = lo.unpad(st.w.get(st.layer.y()));
        for (int i = 0; i < y.length; i++) {
            assertEquals(st.expected[i], Goldilocks.toSigned(y[i]), "element " + i);
        }
        assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
        List<Claim> claims = LayerHarness.proveAndVerify(st.layer, st.w, 9);
        assertEquals(st.layer.operands().length, claims.size());
    }

    @Test
    void completeness() throws InvalidProofException {
        complete(setup(1, 1, 3, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127)); // LeNet-style 2×2/2
        complete(setup(2, 2, 2, 5, 7, 3, 3, 1, 1, 1, 1, 8, true, -128, -1)); // padding ignored: all negative
        complete(setup(3, 1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 8, true, -128, 127));
        complete(setup(4, 1, 3, 6, 6, 2, 2, 2, 2, 0, 0, 8, false, -128, 127)); // no geometry
        complete(setup(5, 1, 2, 4, 6, 2, 3, 2, 3, 0, 0, 16, true, -32768, 32767)); // two-limb gaps
        complete(setup(6, 1, 1, 3, 3, 3, 3, 1, 1, 0, 0, 8, true, 0, 127)); // one output
    }

    static WitnessValues copy(Setup st) {
        WitnessValues w = new WitnessValues(st.circuit);
        st.w.all().forEach((k, v) -> w.put(k, v.clone()));
        return w;
    }

    /** Sets y at padded index i and recomputes the gaps (single-limb case). */
    static WitnessValues withY(Setup st, int i, long yNew) {
        WitnessValues bad = copy(st);
        bad.get(st.layer.y())[i] = Goldilocks.fromSigned(yNew);
        int[] views = st.layer.views();
        long[] mask;
        TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
        for (int w = 0; w < views.length; w++) {
            mask = st.layer.maskTable(w, lo);
            if (mask[i] != 0) {
                bad.get(st.layer.gapLimbs(w)[0])[i] = Goldilocks.fromSigned(yNew - Goldilocks.toSigned(bad.get(views[w])[i]));
            }
        }
        return bad;
    }

    static void assertCaught(Setup st, WitnessValues bad) {
        Claim[] none = new Claim[0];
        LayerHarness.Run run = LayerHarness.prove(st.layer, none, bad, Backends.scalar());
        try {
            List<Claim> claims = LayerHarness.verify(st.layer, none, st.circuit, run.proof());
            assertNotNull(LayerHarness.falseClaim(claims, bad), "tampered witness accepted with true claims");
        } catch (InvalidProofException expected) {
            // rejected
        }
    }

    @Test
    void outputAboveTheMaxRejected() {
        for (boolean geometry : new boolean[] {true, false}) {
            Setup st = setup(11, 1, 2, 5, 5, 3, 3, 2, 2, geometry ? 1 : 0, geometry ? 1 : 0, 8, geometry, -128, 120);
            TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
            int i = lo.paddedIndex(1);
            WitnessValues bad = withY(st, i, st.expected[1] + 1);
            assertNull(LayerHarness.missingLookupRow(st.circuit, bad), "all gaps stay in range");
            assertCaught(st, bad);
        }
    }

    @Test
    void outputBelowAnElementMissesALookup() {
        Setup st = setup(12, 1, 2, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127);
        TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
        int i = lo.paddedIndex(2);
        WitnessValues bad = withY(st, i, st.expected[2] - 1);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, bad));
    }

    @Test
    void paddingValueCannotBeTheMax() {
        // all-negative image with padding: claiming y = 0 (the out-of-image view value) needs a
        // zero gap at an invalid offset, whose gap is pinned to 1 by the mask link
        Setup st = setup(13, 1, 1, 4, 4, 3, 3, 1, 1, 1, 1, 8, true, -128, -1);
        TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
        int i = lo.paddedIndex(0); // corner: offsets with dy = 0 or dx = 0 are outside
        WitnessValues bad = withY(st, i, 0);
        bad.get(st.layer.gapLimbs(0)[0])[i] = 0; // offset (0,0) is invalid here: set its gap to 0
        assertNull(LayerHarness.missingLookupRow(st.circuit, bad));
        assertCaught(st, bad);
    }

    @Test
    void tamperedProof() throws InvalidProofException {
        Setup st = setup(21, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 8, true, -128, 127);
        Claim[] none = new Claim[0];
        byte[] proof = LayerHarness.prove(st.layer, none, st.w, Backends.scalar()).proof();
        assertNull(LayerHarness.falseClaim(LayerHarness.verify(st.layer, none, st.circuit, proof), st.w));
        for (int off = 0; off < proof.length; off += 8) {
            byte[] bad = proof.clone();
            bad[off] ^= 1;
            try {
                List<Claim> claims = LayerHarness.verify(st.layer, none, st.circuit, bad);
                assertNotNull(LayerHarness.falseClaim(claims, st.w), "flip at byte " + off + " accepted");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        for (int len = 0; len < proof.length; len += 11) {
            byte[] cut = Arrays.copyOf(proof, len);
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, cut));
        }
    }

    @Test
    void encoding() throws MalformedProofException {
        for (boolean geometry : new boolean[] {true, false}) {
            Setup st = setup(31, 1, 2, 4, 4, 2, 2, 2, 2, 0, 0, 16, geometry, -5, 5);
            ProofWriter w = new ProofWriter();
            st.circuit.encode(w);
            Circuit back = Circuit.decode(new ProofReader(w.toByteArray()));
            assertArrayEquals(st.circuit.digest(), back.digest());
            assertArrayEquals(st.layer.operands(), back.layers().get(0).operands());
            ProofWriter lw = new ProofWriter();
            st.layer.encode(lw);
            byte[] enc = lw.toByteArray();
            int n = st.circuit.tensors().size();
            for (int len = 0; len < enc.length; len++) {
                byte[] cut = Arrays.copyOf(enc, len);
                assertThrows(MalformedProofException.class, () -> MaxPoolLayer.decode(new ProofReader(cut), n));
            }
            SplittableRandom rnd = new SplittableRandom(4);
            for (int k = 0; k < 200; k++) {
                byte[] g = new byte[rnd.nextInt(64)];
                rnd.nextBytes(g);
                assertThrows(MalformedProofException.class, () -> MaxPoolLayer.decode(new ProofReader(g), n));
            }
        }
        Circuit.Builder b = new Circuit.Builder();
        int v = b.tensor("v", TensorLayout.of(1, 1, 2, 2), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(1, 1, 2, 2), TensorRole.ADVICE);
        // output row 1 of a 1×1 window over a 1-row image with stride 2 lies outside
        assertThrows(IllegalArgumentException.class, () -> MaxPoolLayer.create(b, new int[] {v}, y, 8, 1, 4, 1, 1, 2, 2, 0, 0));
    }
}

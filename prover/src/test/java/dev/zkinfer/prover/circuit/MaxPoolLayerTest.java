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
        return setup(seed, b, c, h, wd, kh, kw, sh, sw, pt, pl, bits, geometry, minVal, maxVal, false);
    }

    static Setup setup(long seed, int b, int c, int h, int wd, int kh, int kw, int sh, int sw, int pt, int pl, int bits,
            boolean geometry, long minVal, long maxVal, boolean derived) {
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
        MaxPoolLayer l = derived ? MaxPoolLayer.create(cb, views, y, bits, h, wd, kh, kw, sh, sw, pt, pl, true)
                : geometry ? MaxPoolLayer.create(cb, views, y, bits, h, wd, kh, kw, sh, sw, pt, pl)
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
        // with derived gaps each gap's claim adds claims on y and its view
        assertEquals(st.layer.operands().length + 2 * st.layer.outputs().length, claims.size());
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
        return LayerHarness.copy(st.w);
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
        LayerHarness.assertCaught(st.layer, st.circuit, bad);
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

    /** Derived gaps: COMPUTED outputs, operands y and the views, true claims from true ones. */
    @Test
    void derivedGapsCompleteness() throws InvalidProofException {
        Setup[] cases = {setup(41, 2, 3, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127, true), // LeNet-style 2×2/2
                setup(42, 1, 2, 5, 7, 3, 3, 1, 1, 0, 0, 8, true, 0, 127, true), // 3×3/1, no padding
                setup(43, 1, 2, 7, 7, 2, 2, 2, 2, 0, 0, 15, true, -16384, 16383, true)}; // 7 = 2·3 + 1: last row unused
        for (Setup st : cases) {
            assertTrue(st.layer.derivedGaps());
            int k = st.layer.views().length;
            assertEquals(k, st.layer.outputs().length);
            for (int g : st.layer.outputs()) {
                assertEquals(TensorRole.COMPUTED, st.circuit.tensor(g).role());
            }
            assertEquals(1 + k, st.layer.operands().length);
            complete(st);
            assertNull(LayerHarness.falseClaim(LayerHarness.proveAndVerify(st.layer, st.w, 5), st.w));
        }
        // padding (a window position outside the image) or 16-bit values keep the gaps committed
        assertThrows(IllegalArgumentException.class, () -> setup(44, 1, 1, 5, 5, 3, 3, 2, 2, 1, 1, 8, true, 0, 127, true));
        assertThrows(IllegalArgumentException.class, () -> setup(45, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 16, true, 0, 127, true));
    }

    /**
     * A cheating prover with derived gaps: y above the max (gaps by their definition, all in range)
     * fails the product zero-check; y below an element leaves a gap out of its range table; a false
     * claim on a gap, a missing claim, every flipped byte and truncation are rejected.
     */
    @Test
    void derivedGapsCheatingCaught() throws InvalidProofException {
        Setup st = setup(51, 1, 2, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 120, true);
        TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
        int i = lo.paddedIndex(1);
        SplittableRandom rnd = new SplittableRandom(52);
        WitnessValues above = withY(st, i, st.expected[1] + 1);
        assertNull(LayerHarness.missingLookupRow(st.circuit, above), "all gaps stay in range");
        Claim[] out = LayerHarness.randomOutputClaims(st.layer, above, rnd);
        byte[] cheat = LayerHarness.prove(st.layer, out, above, Backends.scalar()).proof();
        try {
            assertNotNull(LayerHarness.falseClaim(LayerHarness.verify(st.layer, out, st.circuit, cheat), above),
                    "an output above the max accepted with true claims");
        } catch (InvalidProofException expected) {
            // rejected
        }
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, withY(st, lo.paddedIndex(2), st.expected[2] - 1)));
        Claim[] honest = LayerHarness.randomOutputClaims(st.layer, st.w, rnd);
        Claim[] wrong = honest.clone();
        wrong[1] = new Claim(honest[1].tensor(), honest[1].point(), honest[1].value().add(1));
        byte[] proof = LayerHarness.prove(st.layer, wrong, st.w, Backends.scalar()).proof();
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, wrong, st.circuit, proof));
        byte[] good = LayerHarness.prove(st.layer, honest, st.w, Backends.scalar()).proof();
        assertNull(LayerHarness.falseClaim(LayerHarness.verify(st.layer, honest, st.circuit, good), st.w));
        Claim[] missing = honest.clone();
        missing[0] = null;
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, missing, st.circuit, good));
        for (int off = 0; off < good.length; off += 5) {
            byte[] bad = good.clone();
            bad[off] ^= 1;
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, honest, st.circuit, bad), "byte " + off);
        }
        for (int len = 0; len < good.length; len += 11) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, honest, st.circuit, cut));
        }
    }

    /** Derived gaps are bit 1 of the geometry flag: the circuit round-trips, flag 4 is refused, an ADVICE gap too. */
    @Test
    void derivedGapsEncoding() throws MalformedProofException {
        Setup st = setup(61, 1, 2, 4, 4, 2, 2, 2, 2, 0, 0, 8, true, -5, 5, true);
        ProofWriter w = new ProofWriter();
        st.circuit.encode(w);
        byte[] bytes = w.toByteArray();
        Circuit back = Circuit.decode(new ProofReader(bytes));
        assertArrayEquals(st.circuit.digest(), back.digest());
        assertTrue(((MaxPoolLayer) back.layers().get(0)).derivedGaps());
        ProofWriter lw = new ProofWriter();
        st.layer.encode(lw);
        byte[] enc = lw.toByteArray();
        int flagAt = enc.length - 8 * 4 - 1;
        assertEquals(3, enc[flagAt]);
        byte[] four = enc.clone();
        four[flagAt] = 4;
        assertThrows(MalformedProofException.class, () -> MaxPoolLayer.decode(new ProofReader(four), st.circuit.tensors().size()));
        Setup committed = setup(61, 1, 2, 4, 4, 2, 2, 2, 2, 0, 0, 8, true, -5, 5, false);
        ProofWriter cw = new ProofWriter();
        committed.circuit.encode(cw);
        byte[] cbytes = cw.toByteArray();
        ProofWriter clw = new ProofWriter();
        committed.layer.encode(clw);
        byte[] cenc = clw.toByteArray();
        int at = LayerHarness.firstOccurrenceOfBytes(cbytes, cenc);
        assertTrue(at >= 0);
        cbytes[at + flagAt] = 3; // derived over ADVICE gaps: not a fresh COMPUTED output
        assertThrows(MalformedProofException.class, () -> Circuit.decode(new ProofReader(cbytes)));
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

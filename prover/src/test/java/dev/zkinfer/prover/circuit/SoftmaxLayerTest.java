package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.SoftmaxLayer;
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

class SoftmaxLayerTest {
    record Setup(Circuit circuit, SoftmaxLayer layer, WitnessValues w, long[] xReal, int[] view) {}

    /** The exp table as the quantizer builds it for input scale sx (offset capped at maxOffset). */
    static int[] expTable(double sx, int maxOffset) {
        int offset = (int) Math.min(maxOffset, Math.ceil(12 / sx));
        int[] exp = new int[offset + 1];
        for (int i = 0; i <= offset; i++) {
            exp[i] = (int) Math.round(Math.scalb(Math.exp((i - offset) * sx), 15));
        }
        return exp;
    }

    /** QSoftmax's formula (IntegerExecutor) on the real values. */
    static long[] reference(long[] x, int outer, int mid, int inner, int offset, int[] exp, int outMax) {
        long[] y = new long[x.length];
        long[] e = new long[mid];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * mid * inner + i;
                long mx = Long.MIN_VALUE;
                for (int j = 0; j < mid; j++) {
                    mx = Math.max(mx, x[base + j * inner]);
                }
                long sum = 0;
                for (int j = 0; j < mid; j++) {
                    long d = x[base + j * inner] - mx;
                    e[j] = d >= -offset ? exp[(int) (d + offset)] : 0;
                    sum += e[j];
                }
                for (int j = 0; j < mid; j++) {
                    y[base + j * inner] = (e[j] * outMax + sum / 2) / sum;
                }
            }
        }
        return y;
    }

    /**
     * A circuit of one softmax layer over x of the given shape and view, with x's real values
     * and padding values (bits-bit) given; witness computed.
     */
    static Setup setup(int[] shape, int[] view, long[] xReal, int bits, int[] exp, int outMax, SplittableRandom padRnd) {
        TensorLayout l = TensorLayout.of(shape);
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", l, TensorRole.INPUT);
        int y = cb.tensor("y", l, TensorRole.ADVICE);
        SoftmaxLayer layer = SoftmaxLayer.create(cb, x, y, view[0], view[1], view[2], exp.length - 1, exp, outMax, bits);
        cb.layer(layer);
        Circuit c = cb.build(x, y);
        WitnessValues w = new WitnessValues(c);
        long[] f = new long[xReal.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = Goldilocks.fromSigned(xReal[i]);
        }
        long[] padded = l.pad(f, 0);
        if (padRnd != null) {
            // arbitrary bits-bit padding values (the layer treats padding rows as rows)
            long[] ind = dev.zkinfer.circuit.Validity.indicator(l);
            for (int i = 0; i < padded.length; i++) {
                if (ind[i] == 0) {
                    padded[i] = Goldilocks.fromSigned(padRnd.nextLong(-(1L << (bits - 1)), 1L << (bits - 1)));
                }
            }
        }
        w.put(x, padded);
        LayerHarness.computeWitness(c, w);
        return new Setup(c, layer, w, xReal, view);
    }

    static long[] random(int n, SplittableRandom rnd, long lo, long hi) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextLong(lo, hi + 1);
        }
        return v;
    }

    static void complete(Setup st) throws InvalidProofException {
        TensorLayout lo = st.circuit.tensor(st.layer.y()).layout();
        long[] y = lo.unpad(st.w.get(st.layer.y()));
        long[] want = reference(st.xReal, st.view[0], st.view[1], st.view[2], st.layer.offset(), st.layer.expTable(),
                st.layer.outMax());
        for (int i = 0; i < y.length; i++) {
            assertEquals(want[i], Goldilocks.toSigned(y[i]), "element " + i);
        }
        assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
        assertPaddingDetermined(st);
        List<Claim> claims = LayerHarness.proveAndVerify(st.layer, st.w, 9);
        assertEquals(st.layer.operands().length, claims.size());
    }

    /** At every padding axis position (A = 0): g = σ = y = 0, every u and v limb 0, e = expTable[offset]. */
    static void assertPaddingDetermined(Setup st) {
        SoftmaxLayer l = st.layer;
        long[] mask = l.axisMaskTable(st.circuit.tensor(l.x()).layout());
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                continue;
            }
            assertEquals(0, st.w.get(l.gap())[i], "gap at padding " + i);
            assertEquals(0, st.w.get(l.selector())[i], "selector at padding " + i);
            assertEquals(0, st.w.get(l.y())[i], "y at padding " + i);
            assertEquals(l.expOfGap(0), st.w.get(l.exp())[i], "e at padding " + i);
            for (int t : l.remainderLimbs()) {
                assertEquals(0, st.w.get(t)[i], "u limb at padding " + i);
            }
            for (int t : l.boundLimbs()) {
                assertEquals(0, st.w.get(t)[i], "v limb at padding " + i);
            }
        }
    }

    static final int[] EXP8 = expTable(0.1, 255); // offset 120

    @Test
    void completenessRandomRows() throws InvalidProofException {
        SplittableRandom rnd = new SplittableRandom(1);
        complete(setup(new int[] {1, 10}, new int[] {1, 10, 1}, random(10, rnd, -128, 127), 8, EXP8, 127, null));
        complete(setup(new int[] {10}, new int[] {1, 10, 1}, random(10, rnd, -128, 127), 8, EXP8, 127, null));
        complete(setup(new int[] {4, 10}, new int[] {4, 10, 1}, random(40, rnd, -128, 127), 8, EXP8, 127, rnd));
        // outer > 1 and inner > 1, padding rows with arbitrary int8 padding values
        complete(setup(new int[] {3, 5, 6}, new int[] {3, 5, 6}, random(90, rnd, -128, 127), 8, EXP8, 127, rnd));
        complete(setup(new int[] {2, 7, 3}, new int[] {2, 7, 3}, random(42, rnd, -20, 20), 8, expTable(0.05, 255), 127, rnd));
        // the axis spans several dimensions (opset < 13 coercion): [2, 3·4·5, 1]
        complete(setup(new int[] {2, 3, 4, 5}, new int[] {2, 60, 1}, random(120, rnd, -128, 127), 8, EXP8, 127, rnd));
        // ... and a middle pair of dimensions
        complete(setup(new int[] {2, 3, 2, 3}, new int[] {2, 6, 3}, random(36, rnd, -128, 127), 8, EXP8, 127, rnd));
        // softmax over one element, and a scalar-ish layout
        complete(setup(new int[] {4, 1}, new int[] {4, 1, 1}, random(4, rnd, -128, 127), 8, EXP8, 127, null));
        complete(setup(new int[] {1}, new int[] {1, 1, 1}, new long[] {-7}, 8, EXP8, 127, null));
        // int16 input and output
        complete(setup(new int[] {3, 9}, new int[] {3, 9, 1}, random(27, rnd, -32768, 32767), 16, expTable(0.002, 65535),
                32767, rnd));
    }

    @Test
    void completenessTiesEqualRowsAndUnderflow() throws InvalidProofException {
        // ties for the max
        complete(setup(new int[] {2, 6}, new int[] {2, 6, 1}, new long[] {5, 9, 9, -3, 9, 0, 127, 127, -128, -128, 127, 1},
                8, EXP8, 127, null));
        // all-equal rows (y = round(outMax / mid) everywhere)
        long[] eq = new long[30];
        Arrays.fill(eq, 0, 10, -128);
        Arrays.fill(eq, 10, 20, 42);
        Arrays.fill(eq, 20, 30, 127);
        complete(setup(new int[] {3, 10}, new int[] {3, 10, 1}, eq, 8, EXP8, 127, null));
        // entries below −offset (e = 0): a small offset so that most of the row underflows
        int[] exp = expTable(0.5, 255); // offset 24
        assertEquals(25, exp.length);
        complete(setup(new int[] {2, 10}, new int[] {2, 10, 1},
                new long[] {127, -128, -128, -100, 103, 102, 90, -1, 0, 126, -128, -128, -128, -128, -128, -128, -128, -128, -128, -105},
                8, exp, 127, null));
        // exp table entries that round to 0 inside the offset
        complete(setup(new int[] {1, 10}, new int[] {1, 10, 1}, new long[] {100, -100, 80, 60, 40, 20, 0, -20, -40, -60}, 8,
                expTable(0.01, 2000), 127, null));
    }

    // ---- soundness ----

    /** A cheating witness whose every lookup row is in its table: only the relation can catch it. */
    static void assertCaughtThoughLookupsHold(Setup st, WitnessValues bad) {
        assertNull(LayerHarness.missingLookupRow(st.circuit, bad));
        assertCaught(st, bad);
    }

    static WitnessValues copy(Setup st) {
        return copy(st.w);
    }

    static WitnessValues copy(WitnessValues from) {
        return LayerHarness.copy(from);
    }

    static void assertCaught(Setup st, WitnessValues bad) {
        LayerHarness.assertCaught(st.layer, st.circuit, bad);
    }

    /** Padded indices of row r's axis positions (real and padding). */
    static int[] rowIndices(Setup st, int r) {
        TensorLayout l = st.circuit.tensor(st.layer.x()).layout();
        int off = st.layer.axisVarOffset(l), av = st.layer.axisVars(l);
        int base = (r & ((1 << off) - 1)) | ((r >>> off) << (off + av));
        int[] idx = new int[1 << av];
        for (int a = 0; a < idx.length; a++) {
            idx[a] = base | (a << off);
        }
        return idx;
    }

    /**
     * Sets the limbs of a value at padded index i so that they recombine to it in the field: 8-bit
     * limbs when it fits, else the whole (signed) value in limb 0 and zeros above.
     */
    static void setLimbs(WitnessValues w, int[] limbs, int i, long v) {
        boolean fits = v >= 0 && v < 1L << (8 * limbs.length);
        for (int j = 0; j < limbs.length; j++) {
            w.get(limbs[j])[i] = fits ? (v >>> (8 * j)) & 0xFF : j == 0 ? Goldilocks.fromSigned(v) : 0;
        }
    }

    /** Recomputes y, u, v of row r from the (possibly tampered) e and s, so that Z3 and Z4 hold. */
    static void redivide(Setup st, WitnessValues w, int r) {
        SoftmaxLayer l = st.layer;
        long s = w.get(l.sum())[r];
        long[] mask = l.axisMaskTable(st.circuit.tensor(l.x()).layout());
        for (int i : rowIndices(st, r)) {
            if (mask[i] == 0) {
                continue; // padding axis positions stay 0
            }
            long e = w.get(l.exp())[i];
            long q = (e * l.outMax() + s / 2) / s;
            long u = 2 * e * l.outMax() + s - 2 * q * s;
            w.get(l.y())[i] = q;
            setLimbs(w, l.remainderLimbs(), i, u);
            setLimbs(w, l.boundLimbs(), i, 2 * s - 1 - u);
        }
    }

    static Setup small() {
        SplittableRandom rnd = new SplittableRandom(7);
        return setup(new int[] {2, 10}, new int[] {2, 10, 1}, random(20, rnd, -100, 100), 8, EXP8, 127, null);
    }

    @Test
    void honestSmallSetupIsComplete() throws InvalidProofException {
        complete(small());
    }

    @Test
    void wrongOutputOffByOne() {
        Setup st = small();
        SoftmaxLayer l = st.layer;
        for (int r = 0; r < 2; r++) {
            for (int a = 0; a < 10; a++) {
                int i = rowIndices(st, r)[a];
                long s = st.w.get(l.sum())[r];
                long y = st.w.get(l.y())[i];
                long u = 2 * st.w.get(l.exp())[i] * l.outMax() + s - 2 * y * s;
                // y + 1 with the remainder adjusted: u < 0 leaves its range
                WitnessValues up = copy(st);
                up.get(l.y())[i] = y + 1;
                setLimbs(up, l.remainderLimbs(), i, u - 2 * s);
                setLimbs(up, l.boundLimbs(), i, 2 * s - 1 - (u - 2 * s));
                assertNotNull(LayerHarness.missingLookupRow(st.circuit, up), "y+1 at " + i);
                if (y > 0) {
                    // y − 1 with the remainder adjusted: u ≥ 2S, so v = 2S − 1 − u < 0 leaves its range
                    WitnessValues down = copy(st);
                    down.get(l.y())[i] = y - 1;
                    setLimbs(down, l.remainderLimbs(), i, u + 2 * s);
                    setLimbs(down, l.boundLimbs(), i, 2 * s - 1 - (u + 2 * s));
                    assertNotNull(LayerHarness.missingLookupRow(st.circuit, down), "y-1 at " + i);
                }
            }
        }
        // y + 1 with in-range limbs left as they were: the division constraint catches it
        int i = rowIndices(st, 0)[3];
        WitnessValues bad = copy(st);
        bad.get(l.y())[i] = Goldilocks.add(bad.get(l.y())[i], 1);
        assertCaughtThoughLookupsHold(st, bad);
        // a y far out of range, with u, v "solving" the field equation, misses y's range lookup
        WitnessValues far = copy(st);
        far.get(l.y())[i] = Goldilocks.add(far.get(l.y())[i], 1L << 20);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, far));
    }

    /** Shifts row r's max by delta, recomputes gaps, exps, the sum and the division consistently. */
    static WitnessValues shiftedMax(Setup st, int r, long delta) {
        SoftmaxLayer l = st.layer;
        WitnessValues w = copy(st);
        w.get(l.max())[r] = Goldilocks.add(w.get(l.max())[r], Goldilocks.fromSigned(delta));
        long s = 0;
        int[] idx = rowIndices(st, r);
        for (int a = 0; a < 10; a++) {
            int i = idx[a];
            long g = Goldilocks.add(w.get(l.gap())[i], Goldilocks.fromSigned(delta));
            w.get(l.gap())[i] = g;
            long e = g < (1L << l.bits()) ? l.expOfGap(g) : 0;
            w.get(l.exp())[i] = e;
            s += e;
        }
        w.get(l.sum())[r] = s;
        redivide(st, w, r);
        return w;
    }

    @Test
    void wrongMax() {
        Setup st = small();
        SoftmaxLayer l = st.layer;
        // not attained (max + 1): every lookup is fine, the selector points at a gap of 1
        WitnessValues above = shiftedMax(st, 1, 1);
        assertCaughtThoughLookupsHold(st, above);
        // ... and with the selector cleared instead, Σσ = 0 ≠ 1
        WitnessValues noSel = copy(above);
        for (int i : rowIndices(st, 1)) {
            noSel.get(l.selector())[i] = 0;
        }
        assertCaught(st, noSel);
        // ... or the selector moved to a padding axis position (masked out of the sum)
        WitnessValues padSel = copy(noSel);
        padSel.get(l.selector())[rowIndices(st, 1)[12]] = 1;
        assertCaughtThoughLookupsHold(st, padSel);
        // a selector of 1/2 on two positions, one of which has a nonzero gap
        WitnessValues half = copy(st);
        int[] idx = rowIndices(st, 0);
        long inv2 = Goldilocks.inv(2);
        int withGap = -1;
        for (int a = 0; a < 10; a++) {
            if (half.get(l.gap())[idx[a]] != 0) {
                withGap = idx[a];
            }
            if (half.get(l.selector())[idx[a]] == 1) {
                half.get(l.selector())[idx[a]] = inv2;
            }
        }
        half.get(l.selector())[withGap] = inv2;
        assertCaught(st, half);
        // smaller than an element (max − 1): the arg-max gap is −1, outside the gap table
        WitnessValues below = shiftedMax(st, 0, -1);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, below));
    }

    @Test
    void wrongSumOrExp() {
        Setup st = small();
        SoftmaxLayer l = st.layer;
        // S + 1 (or − 1) with every division redone for it: only the row sum breaks
        for (long d : new long[] {1, -1, 1000}) {
            WitnessValues bad = copy(st);
            bad.get(l.sum())[1] += d;
            redivide(st, bad, 1);
            assertNull(LayerHarness.missingLookupRow(st.circuit, bad));
            assertCaught(st, bad);
        }
        // an exponential that is not the table's
        WitnessValues badE = copy(st);
        int i = rowIndices(st, 0)[4];
        badE.get(l.exp())[i] += 1;
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, badE));
        // a gap that does not match x (exps, sum and division redone): Z1 breaks
        WitnessValues badG = copy(st);
        long g = badG.get(l.gap())[i];
        badG.get(l.gap())[i] = g + 1;
        badG.get(l.exp())[i] = l.expOfGap(g + 1);
        long s = 0;
        for (int a = 0; a < 10; a++) {
            s += badG.get(l.exp())[rowIndices(st, 0)[a]];
        }
        badG.get(l.sum())[0] = s;
        redivide(st, badG, 0);
        assertCaughtThoughLookupsHold(st, badG);
    }

    /**
     * Values at padding axis positions (A = 0) that every lookup accepts and that the v1 relation
     * left free: a non-zero gap (with its table exponential), a selector next to a zero gap, and
     * y, u, v from the division formula (what the v1 prover wrote there). Each is rejected.
     */
    @Test
    void rejectsNonZeroValuesAtPaddingAxisPositions() throws InvalidProofException {
        Setup st = small();
        SoftmaxLayer l = st.layer;
        complete(st);
        int[] row = rowIndices(st, 1);
        assertEquals(16, row.length);
        int pad = row[13]; // axis coordinate 13 ≥ 10: padding
        assertEquals(0, l.axisMaskTable(st.circuit.tensor(l.x()).layout())[pad]);
        long s = st.w.get(l.sum())[1];

        // a gap of 5 with e = e(5): a valid (g, e) table row
        WitnessValues gap = copy(st);
        gap.get(l.gap())[pad] = 5;
        gap.get(l.exp())[pad] = l.expOfGap(5);
        assertCaughtThoughLookupsHold(st, gap);

        // a selector where the gap is 0 (σ·g = 0 holds; the row sum R2 only counts real positions)
        WitnessValues sel = copy(st);
        sel.get(l.selector())[pad] = 1;
        assertCaughtThoughLookupsHold(st, sel);

        // y, u, v as the division of e(0) by the row sum: in range, Z3 and Z4 hold at the position
        long e0 = l.expOfGap(0);
        long q = (e0 * l.outMax() + s / 2) / s;
        long u = 2 * e0 * l.outMax() + s - 2 * q * s;
        assertTrue(q > 0 && q < 1L << l.outputBits());
        WitnessValues div = copy(st);
        div.get(l.y())[pad] = q;
        setLimbs(div, l.remainderLimbs(), pad, u);
        setLimbs(div, l.boundLimbs(), pad, 2 * s - 1 - u);
        assertCaughtThoughLookupsHold(st, div);

        // each of y, a u limb and a v limb alone
        WitnessValues y = copy(st);
        y.get(l.y())[pad] = 1;
        assertCaughtThoughLookupsHold(st, y);
        WitnessValues uLimb = copy(st);
        uLimb.get(l.remainderLimbs()[0])[pad] = 7;
        assertCaughtThoughLookupsHold(st, uLimb);
        int[] vl = l.boundLimbs();
        WitnessValues vLimb = copy(st);
        vLimb.get(vl[vl.length - 1])[pad] = 1;
        assertCaughtThoughLookupsHold(st, vLimb);

        // e = 0 next to g = 0 is no row of the gap table: the lookup argument refuses it
        WitnessValues e = copy(st);
        e.get(l.exp())[pad] = 0;
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, e));
    }

    @Test
    void tamperedProof() throws InvalidProofException {
        SplittableRandom rnd = new SplittableRandom(3);
        Setup st = setup(new int[] {2, 3}, new int[] {2, 3, 1}, random(6, rnd, -128, 127), 8, EXP8, 127, rnd);
        Claim[] none = new Claim[0];
        byte[] proof = LayerHarness.prove(st.layer, none, st.w, Backends.scalar()).proof();
        assertNull(LayerHarness.falseClaim(LayerHarness.verify(st.layer, none, st.circuit, proof), st.w));
        assertEquals(0, proof.length % 8);
        for (int off = 0; off < proof.length; off += 8) {
            for (int mode = 0; mode < 2; mode++) {
                byte[] bad = proof.clone();
                if (mode == 0) {
                    bad[off] ^= 1;
                } else {
                    long v = 0;
                    for (int k = 0; k < 8; k++) {
                        v |= (bad[off + k] & 0xFFL) << (8 * k);
                    }
                    v = Goldilocks.add(v, 1);
                    for (int k = 0; k < 8; k++) {
                        bad[off + k] = (byte) (v >>> (8 * k));
                    }
                }
                try {
                    List<Claim> claims = LayerHarness.verify(st.layer, none, st.circuit, bad);
                    assertNotNull(LayerHarness.falseClaim(claims, st.w), "change at byte " + off + " accepted");
                } catch (InvalidProofException expected) {
                    // rejected
                }
            }
        }
        for (int len = 0; len < proof.length; len += 5) {
            byte[] cut = Arrays.copyOf(proof, len);
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, cut));
        }
        byte[] longer = Arrays.copyOf(proof, proof.length + 8);
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, longer));
    }

    @Test
    void encoding() throws MalformedProofException {
        SplittableRandom rnd = new SplittableRandom(4);
        Setup st = setup(new int[] {2, 3, 4}, new int[] {2, 3, 4}, random(24, rnd, -5, 5), 8, expTable(0.3, 255), 127, null);
        ProofWriter w = new ProofWriter();
        st.circuit.encode(w);
        Circuit back = Circuit.decode(new ProofReader(w.toByteArray()));
        assertArrayEquals(st.circuit.digest(), back.digest());
        assertEquals(st.layer, back.layers().get(0));
        LayerSoundness.assertCodec(st.circuit, rnd);
        ProofWriter lw = new ProofWriter();
        st.layer.encode(lw);
        byte[] enc = lw.toByteArray();
        int n = st.circuit.tensors().size();
        for (int len = 0; len < enc.length; len++) {
            byte[] cut = Arrays.copyOf(enc, len);
            assertThrows(MalformedProofException.class, () -> SoftmaxLayer.decode(new ProofReader(cut), n));
        }
        for (int k = 0; k < 300; k++) {
            byte[] g = new byte[rnd.nextInt(96)];
            rnd.nextBytes(g);
            assertThrows(MalformedProofException.class, () -> SoftmaxLayer.decode(new ProofReader(g), n));
        }
        for (int k = 0; k < 300; k++) {
            byte[] g = enc.clone();
            g[rnd.nextInt(g.length)] = (byte) rnd.nextInt(256);
            try {
                SoftmaxLayer.decode(new ProofReader(g), n);
            } catch (MalformedProofException expected) {
                // fine: only this exception
            }
        }
        // parameter checks at creation
        Circuit.Builder b = new Circuit.Builder();
        int x = b.tensor("x", TensorLayout.of(2, 10), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(2, 10), TensorRole.ADVICE);
        int yc = b.tensor("yc", TensorLayout.of(2, 10), TensorRole.COMPUTED);
        assertThrows(IllegalArgumentException.class, () -> SoftmaxLayer.create(b, x, yc, 2, 10, 1, 120, EXP8, 127, 8));
        assertThrows(IllegalArgumentException.class, () -> SoftmaxLayer.create(b, x, y, 4, 5, 1, 120, EXP8, 127, 8));
        assertThrows(IllegalArgumentException.class, () -> SoftmaxLayer.create(b, x, y, 2, 10, 1, 121, EXP8, 127, 8));
        int[] zeroTop = EXP8.clone();
        zeroTop[120] = 0;
        assertThrows(IllegalArgumentException.class, () -> SoftmaxLayer.create(b, x, y, 2, 10, 1, 120, zeroTop, 127, 8));
        assertThrows(IllegalArgumentException.class, () -> SoftmaxLayer.create(b, x, y, 2, 10, 1, 120, EXP8, 0, 8));
    }
}

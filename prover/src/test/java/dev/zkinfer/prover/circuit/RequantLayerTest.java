package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequantLayerTest {
    /** QRequant's reference semantics (QOp javadoc / Requantize): 64-bit, arithmetic shift. */
    static long reference(long x, int m, int s, int lo, int hi) {
        long q = (x * m + (1L << (s - 1))) >> s;
        return Math.max(lo, Math.min(hi, q));
    }

    record Setup(Circuit circuit, RequantLayer layer, WitnessValues w, long[] x, int[] m, int[] s, int[] dims, int axis) {}

    static Setup setup(long seed, int[] dims, int axis, boolean perChannel, int lo, int hi, int bits, int xMode) {
        return setup(seed, dims, axis, perChannel, lo, hi, bits, xMode, RequantLayer.INT32_X_BOUND, 8, false);
    }

    /** xMode: 0 mostly inside the clamp range, 1 any int32, 2 mixed with int32 extremes, 3 ±xBound and random. */
    static Setup setup(long seed, int[] dims, int axis, boolean perChannel, int lo, int hi, int bits, int xMode, long xBound,
            int limbWidth, boolean table) {
        return setup(seed, dims, axis, perChannel, lo, hi, bits, xMode, xBound, limbWidth, table, false);
    }

    static Setup setup(long seed, int[] dims, int axis, boolean perChannel, int lo, int hi, int bits, int xMode, long xBound,
            int limbWidth, boolean table, boolean derived) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int ch = perChannel ? dims[axis] : 1;
        int[] m = new int[ch];
        int[] s = new int[ch];
        for (int c = 0; c < ch; c++) {
            m[c] = (1 << 23) + rnd.nextInt(1 << 23);
            s[c] = 32 + rnd.nextInt(4);
        }
        Circuit.Builder b = new Circuit.Builder();
        TensorLayout layout = TensorLayout.of(dims);
        int x = b.tensor("acc", layout, TensorRole.INPUT);
        int y = b.tensor("y", layout, TensorRole.ADVICE);
        RequantLayer l = RequantLayer.create(b, x, y, axis, m, s, lo, hi, bits, xBound, limbWidth, table, derived);
        b.layer(l);
        Circuit c = b.build(x, y);
        long[] xs = new long[(int) layout.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = switch (xMode == 2 ? rnd.nextInt(3) : xMode) {
                case 0 -> rnd.nextInt(-(1 << 17), 1 << 17); // mostly inside the clamp range
                case 1 -> rnd.nextInt(); // full int32 range
                case 3 -> rnd.nextInt(3) == 0 ? (rnd.nextBoolean() ? -xBound : xBound) : rnd.nextLong(-xBound, xBound + 1);
                default -> rnd.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            };
        }
        long[] xf = toField(xs);
        WitnessValues w = new WitnessValues(c);
        w.put(x, layout.pad(xf, 0));
        LayerHarness.computeWitness(c, w);
        return new Setup(c, l, w, xs, m, s, dims, axis);
    }

    static long[] toField(long[] signed) {
        long[] f = new long[signed.length];
        for (int i = 0; i < signed.length; i++) {
            f[i] = Goldilocks.fromSigned(signed[i]);
        }
        return f;
    }

    static void checkSemantics(Setup st) {
        TensorLayout layout = TensorLayout.of(st.dims);
        long[] y = layout.unpad(st.w.get(st.layer.y()));
        int inner = 1;
        for (int d = st.axis + 1; d < st.dims.length; d++) {
            inner *= st.dims[d];
        }
        for (int i = 0; i < y.length; i++) {
            int c = st.m.length == 1 ? 0 : (i / inner) % st.dims[st.axis];
            long want = reference(st.x[i], st.m[c], st.s[c], st.layer.lo(), st.layer.hi());
            assertEquals(want, Goldilocks.toSigned(y[i]), "element " + i);
        }
    }

    @Test
    void completenessLeNetLike() throws InvalidProofException {
        int[][] clamps = {{-128, 127, 8}, {0, 127, 8}, {-32768, 32767, 16}, {0, 32767, 16}, {-5, 100, 8}};
        int seed = 1;
        for (int[] cl : clamps) {
            for (int xMode = 0; xMode < 3; xMode++) {
                for (boolean perChannel : new boolean[] {true, false}) {
                    Setup st = setup(seed++, new int[] {2, 6, 3, 5}, 1, perChannel, cl[0], cl[1], cl[2], xMode);
                    checkSemantics(st);
                    assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
                    List<Claim> claims = LayerHarness.proveAndVerify(st.layer, st.w, seed);
                    assertEquals(st.layer.operands().length, claims.size());
                }
            }
        }
    }

    @Test
    void leNetParameters() {
        Setup st = setup(7, new int[] {6, 4}, 0, true, -128, 127, 8, 0);
        // S = 35 rounded up to whole 8-bit limbs (40) where that stays sound, else 35
        assertTrue(st.layer.commonShift() == 35 || st.layer.commonShift() == 40, "S = " + st.layer.commonShift());
        checkSemantics(st);
        // shifts exactly 32..35, multipliers just below 2^24: S = 40 would be unsound for D = 23, so S = 35
        Circuit.Builder b = new Circuit.Builder();
        int x = b.tensor("x", TensorLayout.of(4), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(4), TensorRole.ADVICE);
        RequantLayer l = RequantLayer.create(b, x, y, 0, new int[] {(1 << 24) - 1, 1 << 23, 12345678, 9999999},
                new int[] {32, 33, 34, 35}, -128, 127, 8);
        assertEquals(35, l.commonShift());
        assertEquals(24, l.overflowBits()); // D = 23 rounded up to whole 8-bit limbs
        assertEquals(5, l.remainderLimbs().length);
        assertEquals(3, l.overflowUpLimbs().length);
    }

    @Test
    void otherAxesAndScalar() throws InvalidProofException {
        Setup st = setup(11, new int[] {3, 10}, 1, true, -128, 127, 8, 2);
        checkSemantics(st);
        assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
        LayerHarness.proveAndVerify(st.layer, st.w, 3);
        Setup one = setup(12, new int[] {1}, 0, true, 0, 127, 8, 0);
        checkSemantics(one);
        LayerHarness.proveAndVerify(one.layer, one.w, 4);
    }

    @Test
    void impossibleMultipliersRejected() {
        Circuit.Builder b = new Circuit.Builder();
        int x = b.tensor("x", TensorLayout.of(2), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(2), TensorRole.ADVICE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RequantLayer.create(b, x, y, 0, new int[] {1 << 23, 1 << 23}, new int[] {1, 40}, -128, 127, 8));
        assertTrue(e.getMessage().contains("multipliers too large"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RequantLayer.create(b, x, y, 0, new int[] {1}, new int[] {1}, 0, 300, 8));
        assertThrows(IllegalArgumentException.class, () -> RequantLayer.create(b, x, y, 0, new int[] {1, 2, 3}, new int[] {1, 1, 1}, 0, 3, 8));
    }

    /** A prover run on a tampered witness must be rejected or produce a false claim (w.r.t. the honest witness). */
    static void assertCaught(Setup st, WitnessValues bad, WitnessValues honest) {
        LayerHarness.assertCaught(st.layer, st.circuit, bad);
    }

    static WitnessValues copy(Setup st) {
        return LayerHarness.copy(st.w);
    }

    /** A padded index of a real element where the quotient is strictly inside (lo, hi). */
    static int interiorIndex(Setup st) {
        TensorLayout layout = TensorLayout.of(st.dims);
        for (int i = 0; i < layout.size(); i++) {
            int pi = layout.paddedIndex(i);
            long y = Goldilocks.toSigned(st.w.get(st.layer.y())[pi]);
            if (y > st.layer.lo() + 1 && y < st.layer.hi() - 1) {
                return pi;
            }
        }
        throw new AssertionError("no interior element");
    }

    @Test
    void wrongOutputWithCompensatingOverflow() {
        Setup st = setup(21, new int[] {4, 8}, 0, true, -128, 127, 8, 0);
        int i = interiorIndex(st);
        WitnessValues bad = copy(st);
        bad.get(st.layer.y())[i] = Goldilocks.add(bad.get(st.layer.y())[i], 1);
        bad.get(st.layer.overflowDownLimbs()[0])[i] = 1; // q = y + dp − dn unchanged: linear part holds
        assertNull(LayerHarness.missingLookupRow(st.circuit, bad));
        assertCaught(st, bad, st.w);
    }

    @Test
    void wrongOutputWithOutOfRangeRemainder() {
        Setup st = setup(22, new int[] {4, 8}, 0, true, -128, 127, 8, 0);
        int i = interiorIndex(st);
        WitnessValues bad = copy(st);
        bad.get(st.layer.y())[i] = Goldilocks.sub(bad.get(st.layer.y())[i], 1);
        int[] rl = st.layer.remainderLimbs();
        int top = rl.length - 1;
        int topWidth = RequantLayer.limbWidth(st.layer.commonShift(), st.layer.limbWidth(), top);
        // r + 2^S: the top limb gains 2^topWidth, beyond its range table
        bad.get(rl[top])[i] = Goldilocks.add(bad.get(rl[top])[i], 1L << topWidth);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, bad));
        // the constraint proof itself goes through (only the lookup catches it)
        Claim[] none = new Claim[0];
        LayerHarness.Run run = LayerHarness.prove(st.layer, none, bad, Backends.scalar());
        assertDoesNotThrow(() -> LayerHarness.verify(st.layer, none, st.circuit, run.proof()));
    }

    @Test
    void bothOverflowsNonzeroRejected() {
        Setup st = setup(23, new int[] {4, 8}, 0, true, -128, 127, 8, 0);
        int i = interiorIndex(st);
        WitnessValues bad = copy(st);
        bad.get(st.layer.overflowUpLimbs()[0])[i] = 3;
        bad.get(st.layer.overflowDownLimbs()[0])[i] = 3;
        assertNull(LayerHarness.missingLookupRow(st.circuit, bad));
        assertCaught(st, bad, st.w);
        // also at a clamped element: y = hi, dp > 0 honest; adding dn breaks dn·(y − lo)
        Setup cl = setup(24, new int[] {4, 8}, 0, true, 0, 127, 8, 1);
        TensorLayout layout = TensorLayout.of(cl.dims);
        for (int k = 0; k < layout.size(); k++) {
            int pi = layout.paddedIndex(k);
            if (Goldilocks.toSigned(cl.w.get(cl.layer.y())[pi]) == 127) {
                WitnessValues b2 = copy(cl);
                long v = b2.get(cl.layer.overflowUpLimbs()[0])[pi];
                long vd = b2.get(cl.layer.overflowDownLimbs()[0])[pi];
                if (v == 255 || vd != 0) {
                    continue;
                }
                b2.get(cl.layer.overflowUpLimbs()[0])[pi] = v + 1;
                b2.get(cl.layer.overflowDownLimbs()[0])[pi] = 1;
                assertNull(LayerHarness.missingLookupRow(cl.circuit, b2));
                assertCaught(cl, b2, cl.w);
                return;
            }
        }
        fail("no clamped element");
    }

    @Test
    void reluOutputAboveHiNeedsLookupMiss() {
        // y = 200 > hi = 127 with q = 200 and no overflow: only the second range check catches it
        Setup st = setup(25, new int[] {4, 8}, 0, true, 0, 127, 8, 1);
        TensorLayout layout = TensorLayout.of(st.dims);
        for (int k = 0; k < layout.size(); k++) {
            int pi = layout.paddedIndex(k);
            long y = Goldilocks.toSigned(st.w.get(st.layer.y())[pi]);
            long[] dp = st.w.get(st.layer.overflowUpLimbs()[0]);
            if (y == 127 && dp[pi] > 0 && dp[pi] < 100 && st.w.get(st.layer.overflowUpLimbs()[1])[pi] == 0
                    && st.w.get(st.layer.overflowUpLimbs()[2])[pi] == 0) {
                WitnessValues bad = copy(st);
                bad.get(st.layer.y())[pi] = 127 + dp[pi];
                bad.get(st.layer.overflowUpLimbs()[0])[pi] = 0;
                assertNotNull(LayerHarness.missingLookupRow(st.circuit, bad));
                return;
            }
        }
        // with full-range inputs such elements are rare; construct directly instead
        WitnessValues bad = copy(st);
        int pi = layout.paddedIndex(0);
        bad.get(st.layer.y())[pi] = 200;
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, bad));
    }

    @Test
    void tamperedProofBytes() throws InvalidProofException {
        Setup st = setup(31, new int[] {2, 3}, 0, true, -128, 127, 8, 2);
        Claim[] none = new Claim[0];
        LayerHarness.Run run = LayerHarness.prove(st.layer, none, st.w, Backends.scalar());
        byte[] proof = run.proof();
        assertEquals(0, proof.length % 8);
        for (int off = 0; off < proof.length; off += 8) {
            byte[] bad = proof.clone();
            bad[off] ^= 1;
            try {
                List<Claim> claims = LayerHarness.verify(st.layer, none, st.circuit, bad);
                assertNotNull(LayerHarness.falseClaim(claims, st.w), "flip at byte " + off + " accepted with true claims");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        for (int len = 0; len < proof.length; len += 13) {
            byte[] cut = java.util.Arrays.copyOf(proof, len);
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, cut));
        }
        byte[] longer = java.util.Arrays.copyOf(proof, proof.length + 8);
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, longer));
    }

    static Setup tableSetup(long seed, int lo, int hi, int bits, int xMode) {
        return setup(seed, new int[] {2, 6, 3, 5}, 1, true, lo, hi, bits, xMode, 1L << 17, 12, true);
    }

    @Test
    void tableClampCompleteness() throws InvalidProofException {
        int[][] clamps = {{-128, 127, 8}, {0, 127, 8}, {-5, 100, 8}, {0, 255, 8}};
        int seed = 100;
        for (int[] cl : clamps) {
            for (int xMode : new int[] {0, 3}) {
                Setup st = tableSetup(seed++, cl[0], cl[1], cl[2], xMode);
                assertTrue(st.layer.tableClamp());
                assertTrue(st.layer.excess() >= 0 && st.layer.overflowUpLimbs().length == 0);
                checkSemantics(st);
                assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
                List<Claim> claims = LayerHarness.proveAndVerify(st.layer, st.w, seed);
                assertEquals(st.layer.operands().length, claims.size());
                assertEquals(2 + 3 + 1, claims.size(), "x, y, three 12-bit remainder limbs (S = 36) and the excess");
            }
        }
    }

    @Test
    void planAndForms() {
        int[] m = {(1 << 24) - 1};
        int[] s = {35};
        RequantLayer.Plan wide = RequantLayer.plan(m, s, 0, 127, 8, RequantLayer.INT32_X_BOUND, 12);
        assertEquals(-1, wide.clampTableLog(), "int32 inputs need an excess of 2^22: no table");
        RequantLayer.Plan narrow = RequantLayer.plan(m, s, 0, 127, 8, 1L << 18, 12);
        // |q| ≤ 2^18·2^24/2^35 = 128: E ≥ 128 − 0, rows ≥ 128 + 2·128
        assertEquals(9, narrow.clampTableLog());
        assertEquals(3, narrow.remainderLimbs());
        Circuit.Builder b = new Circuit.Builder();
        int x = b.tensor("x", TensorLayout.of(2), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(2), TensorRole.ADVICE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RequantLayer.create(b, x, y, 0, m, s, 0, 127, 8, RequantLayer.INT32_X_BOUND, 12, true));
        assertTrue(e.getMessage().contains("no sound clamp table"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RequantLayer.create(b, x, y, 0, m, s, 0, 127, 8, 0, 12, true));
        assertThrows(IllegalArgumentException.class, () -> RequantLayer.create(b, x, y, 0, m, s, 0, 127, 8, 1 << 18, 7, true));
        assertThrows(IllegalArgumentException.class, () -> RequantLayer.create(b, x, y, 0, m, s, 0, 127, 8, 1 << 18,
                RequantLayer.MAX_LIMB_WIDTH + 1, false));
    }

    static Setup derivedSetup(long seed, int lo, int hi, int bits, int xMode, boolean perChannel) {
        return setup(seed, new int[] {2, 6, 3, 5}, 1, perChannel, lo, hi, bits, xMode, 1L << 17, 12, true, true);
    }

    /**
     * The derived excess: a COMPUTED output (not committed), defined by the layer; true claims on it
     * reduce to true claims on x, y and the remainder limbs, and it equals the committed form's excess.
     */
    @Test
    void derivedExcessCompleteness() throws InvalidProofException {
        int[][] clamps = {{-128, 127, 8}, {0, 127, 8}, {-5, 100, 8}};
        int seed = 700;
        for (int[] cl : clamps) {
            for (int xMode : new int[] {0, 3}) {
                for (boolean perChannel : new boolean[] {true, false}) {
                    Setup st = derivedSetup(seed, cl[0], cl[1], cl[2], xMode, perChannel);
                    Setup committed = setup(seed, new int[] {2, 6, 3, 5}, 1, perChannel, cl[0], cl[1], cl[2], xMode, 1L << 17, 12, true);
                    seed++;
                    assertTrue(st.layer.derivedExcess() && st.layer.tableClamp());
                    assertEquals(TensorRole.COMPUTED, st.circuit.tensor(st.layer.excess()).role());
                    assertArrayEquals(new int[] {st.layer.excess()}, st.layer.outputs());
                    assertEquals(2 + 3, st.layer.operands().length, "x, y and three remainder limbs; the excess is the output");
                    assertArrayEquals(committed.w.get(committed.layer.excess()), st.w.get(st.layer.excess()));
                    checkSemantics(st);
                    assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
                    Claim[] out = LayerHarness.randomOutputClaims(st.layer, st.w, new SplittableRandom(seed));
                    LayerHarness.Run run = LayerHarness.prove(st.layer, out, st.w, Backends.scalar());
                    List<Claim> claims = LayerHarness.verify(st.layer, out, st.circuit, run.proof());
                    assertEquals(st.layer.operands().length, claims.size());
                    assertNull(LayerHarness.falseClaim(claims, st.w));
                }
            }
        }
    }

    /**
     * A cheating prover with the derived excess: a wrong output y + 1 whose excess follows the
     * definition is not a clamp-table row (the lookup catches it); one that keeps the honest excess
     * (the row (e, y + 1) a table row) contradicts the definition, and the sumcheck fails or leaves a
     * false claim; a false claim on the excess is rejected; no claim at all is rejected.
     */
    @Test
    void derivedExcessCheatingCaught() {
        Setup st = derivedSetup(720, -128, 127, 8, 0, true);
        int i = interiorIndex(st);
        int e = st.layer.excess();
        SplittableRandom rnd = new SplittableRandom(721);
        // y + 1, the excess by its definition (e − 1): no clamp-table row
        WitnessValues defined = copy(st);
        defined.get(st.layer.y())[i] = Goldilocks.add(defined.get(st.layer.y())[i], 1);
        defined.get(e)[i] = Goldilocks.sub(defined.get(e)[i], 1);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, defined));
        // y + 1 with the honest excess: the lookup passes, the definition does not hold
        WitnessValues kept = copy(st);
        kept.get(st.layer.y())[i] = Goldilocks.add(kept.get(st.layer.y())[i], 1);
        assertNull(LayerHarness.missingLookupRow(st.circuit, kept));
        Claim[] out = LayerHarness.randomOutputClaims(st.layer, kept, rnd);
        LayerHarness.Run run = LayerHarness.prove(st.layer, out, kept, Backends.scalar());
        try {
            List<Claim> claims = LayerHarness.verify(st.layer, out, st.circuit, run.proof());
            assertNotNull(LayerHarness.falseClaim(claims, kept), "an excess off its definition accepted with true claims");
        } catch (InvalidProofException expected) {
            // rejected
        }
        // a false claim on the excess (the honest witness)
        Claim[] honest = LayerHarness.randomOutputClaims(st.layer, st.w, rnd);
        Claim[] wrong = {new Claim(e, honest[0].point(), honest[0].value().add(1))};
        byte[] proof = LayerHarness.prove(st.layer, wrong, st.w, Backends.scalar()).proof();
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, wrong, st.circuit, proof));
        byte[] good = LayerHarness.prove(st.layer, honest, st.w, Backends.scalar()).proof();
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, new Claim[] {null}, st.circuit, good));
        // every flipped byte of an honest proof is rejected
        for (int k = 0; k < good.length; k += 7) {
            byte[] bad = good.clone();
            bad[k] ^= 1;
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, honest, st.circuit, bad), "byte " + k);
        }
        assertThrows(InvalidProofException.class,
                () -> LayerHarness.verify(st.layer, honest, st.circuit, java.util.Arrays.copyOf(good, good.length - 1)));
    }

    /**
     * Integrity mode's claim transfer of the derived excess (RequantLayer, "Derived excess"): with one
     * multiplier the proof is x̃, ỹ and the limbs at the claim's point and nothing else (no sumcheck);
     * with one per channel, ỹ and the limbs, a degree-2 sumcheck over the channel variables only and
     * x̃ at the point with those variables bound by it; on every axis (channel variables low, middle,
     * high; channel counts that pad) the emitted claims are true.
     */
    @Test
    void derivedExcessTransferSizesAndAxes() throws InvalidProofException {
        int[] dims = {3, 6, 5, 2};
        int seed = 740;
        for (int axis = 0; axis < dims.length; axis++) {
            for (boolean perChannel : new boolean[] {true, false}) {
                Setup st = setup(seed++, dims, axis, perChannel, -128, 127, 8, 3, 1L << 17, 12, true, true);
                assertTrue(st.layer.derivedExcess());
                Claim[] out = LayerHarness.randomOutputClaims(st.layer, st.w, new SplittableRandom(seed));
                byte[] proof = LayerHarness.prove(st.layer, out, st.w, Backends.scalar()).proof();
                List<Claim> claims = LayerHarness.verify(st.layer, out, st.circuit, proof);
                assertEquals(st.layer.operands().length, claims.size());
                assertNull(LayerHarness.falseClaim(claims, st.w));
                int ops = st.layer.operands().length;
                int dv = TensorLayout.of(dims).dimVars(axis);
                assertEquals(perChannel ? 24 * (ops - 1 + 2 * dv + 1) : 24 * ops, proof.length,
                        "evaluations only (one multiplier), or with a 2-coefficient round per channel variable");
                for (Claim c : claims) {
                    boolean xAtChannelPoint = perChannel && c.tensor() == st.layer.x();
                    for (int k = 0; k < c.point().length; k++) {
                        boolean channelVar = k >= TensorLayout.of(dims).varOffset(axis)
                                && k < TensorLayout.of(dims).varOffset(axis) + dv;
                        assertEquals(!(xAtChannelPoint && channelVar), c.point()[k].equals(out[0].point()[k]),
                                "claim on " + c.tensor() + ", variable " + k);
                    }
                }
            }
        }
    }

    /**
     * Cheating provers against the integrity transfer, per-channel and single multipliers: a wrong
     * remainder limb, a wrong y and a wrong x at one index (each with the honest excess, so that the
     * claim on the excess is the honest one) are rejected or leave a false claim on the tampered
     * tensor; a changed claim on the excess, every flipped byte, truncations and an extension are rejected.
     */
    @Test
    void derivedExcessTransferCheatingCaught() {
        for (boolean perChannel : new boolean[] {true, false}) {
            Setup st = derivedSetup(760 + (perChannel ? 1 : 0), -128, 127, 8, 0, perChannel);
            int i = interiorIndex(st);
            SplittableRandom rnd = new SplittableRandom(762);
            int[] tampered = {st.layer.remainderLimbs()[0], st.layer.y(), st.layer.x()};
            for (int t : tampered) {
                WitnessValues bad = copy(st);
                bad.get(t)[i] = Goldilocks.add(bad.get(t)[i], 1);
                // the claim on the (honest) excess is the same for both witnesses
                Claim[] out = LayerHarness.randomOutputClaims(st.layer, bad, rnd);
                assertEquals(LayerHarness.randomOutputClaims(st.layer, st.w, new SplittableRandom(0)).length, out.length);
                // the tampered witness's true evaluations contradict the excess's definition
                byte[] proof = LayerHarness.prove(st.layer, out, bad, Backends.scalar()).proof();
                assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, out, st.circuit, proof),
                        "tensor " + t + " off by one at " + i);
                // evaluations that fit the definition (the honest witness's) leave a false claim on the tampered tensor,
                // which the witness opening (y, limbs) or x's producer refutes
                byte[] lying = LayerHarness.prove(st.layer, out, st.w, Backends.scalar()).proof();
                List<Claim> claims;
                try {
                    claims = LayerHarness.verify(st.layer, out, st.circuit, lying);
                } catch (InvalidProofException e) {
                    throw new AssertionError(e);
                }
                Claim f = LayerHarness.falseClaim(claims, bad);
                assertNotNull(f, "tensor " + t + " off by one accepted with true claims");
                assertEquals(t, f.tensor());
            }
            Claim[] honest = LayerHarness.randomOutputClaims(st.layer, st.w, rnd);
            byte[] good = LayerHarness.prove(st.layer, honest, st.w, Backends.scalar()).proof();
            Claim[] wrong = {new Claim(honest[0].tensor(), honest[0].point(), honest[0].value().add(1))};
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, wrong, st.circuit, good));
            byte[] forWrong = LayerHarness.prove(st.layer, wrong, st.w, Backends.scalar()).proof();
            assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, wrong, st.circuit, forWrong));
            for (int k = 0; k < good.length; k++) {
                byte[] bad = good.clone();
                bad[k] ^= (byte) (1 << (k % 8));
                int at = k;
                assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, honest, st.circuit, bad), "byte " + at);
            }
            for (int len = 0; len < good.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(good, len);
                assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, honest, st.circuit, cut), "length " + len);
            }
            assertThrows(InvalidProofException.class,
                    () -> LayerHarness.verify(st.layer, honest, st.circuit, java.util.Arrays.copyOf(good, good.length + 8)));
        }
    }

    /** The derived form's encoding (clamp form 2) round-trips; form 3 is refused. */
    @Test
    void derivedExcessEncoding() throws MalformedProofException {
        Setup st = derivedSetup(730, 0, 127, 8, 0, true);
        ProofWriter w = new ProofWriter();
        st.layer.encode(w);
        byte[] bytes = w.toByteArray();
        RequantLayer back = RequantLayer.decode(new ProofReader(bytes), st.circuit.tensors().size());
        assertTrue(back.derivedExcess());
        assertEquals(st.layer.excess(), back.excess());
        assertArrayEquals(st.layer.operands(), back.operands());
        ProofWriter again = new ProofWriter();
        back.encode(again);
        assertArrayEquals(bytes, again.toByteArray());
        int formAt = bytes.length - 4 * (st.layer.remainderLimbs().length + 1) - 1;
        assertEquals(2, bytes[formAt]);
        byte[] three = bytes.clone();
        three[formAt] = 3;
        assertThrows(MalformedProofException.class, () -> RequantLayer.decode(new ProofReader(three), st.circuit.tensors().size()));
    }

    /** 18-bit limbs: S = 36 in two limbs, in both clamp forms, with per-channel and single multipliers. */
    @Test
    void eighteenBitLimbsCompleteness() throws InvalidProofException {
        int seed = 600;
        for (boolean table : new boolean[] {true, false}) {
            for (boolean perChannel : new boolean[] {true, false}) {
                for (int xMode : new int[] {0, 3}) {
                    Setup st = setup(seed++, new int[] {2, 6, 3, 5}, 1, perChannel, 0, 127, 8, xMode, 1L << 17, 18, table);
                    assertEquals(36, st.layer.commonShift());
                    assertEquals(2, st.layer.remainderLimbs().length);
                    assertEquals(table, st.layer.tableClamp());
                    checkSemantics(st);
                    assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
                    List<Claim> claims = LayerHarness.proveAndVerify(st.layer, st.w, seed);
                    assertEquals(st.layer.operands().length, claims.size());
                }
            }
        }
        // the range table of the limbs is 2^18 rows
        Setup st = setup(610, new int[] {4, 8}, 0, true, 0, 127, 8, 0, 1L << 17, 18, true);
        assertTrue(st.layer.lookups().stream().anyMatch(l -> l.table().bits() == 18));
    }

    /**
     * 18-bit limbs keep the remainder's range proved: moving 2^18 from the high limb into the low one
     * keeps r (the constraint proof goes through) but leaves the low limb's range table; a remainder
     * of r + 2^36 with y − 1 puts the top limb out of its table. Both are lookup misses.
     */
    @Test
    void eighteenBitLimbsOutOfRangeCaughtByLookups() {
        Setup st = setup(620, new int[] {4, 8}, 0, true, -128, 127, 8, 0, 1L << 17, 18, true);
        int i = interiorIndex(st);
        int[] rl = st.layer.remainderLimbs();
        WitnessValues carry = copy(st);
        if (carry.get(rl[1])[i] == 0) {
            carry.get(rl[1])[i] = 1;
            carry.get(st.layer.y())[i] = Goldilocks.sub(carry.get(st.layer.y())[i], 1); // keeps the relation: −2^36 + 2^18·2^18
        } else {
            carry.get(rl[1])[i] = Goldilocks.sub(carry.get(rl[1])[i], 1);
        }
        carry.get(rl[0])[i] = Goldilocks.add(carry.get(rl[0])[i], 1L << 18);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, carry));
        Claim[] none = new Claim[0];
        LayerHarness.Run run = LayerHarness.prove(st.layer, none, carry, Backends.scalar());
        assertDoesNotThrow(() -> LayerHarness.verify(st.layer, none, st.circuit, run.proof()),
                "the relation holds: only the range lookup catches the carried limb");

        WitnessValues low = copy(st);
        low.get(st.layer.y())[i] = Goldilocks.sub(low.get(st.layer.y())[i], 1);
        low.get(rl[1])[i] = Goldilocks.add(low.get(rl[1])[i], 1L << 18);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, low));
        LayerHarness.Run lowRun = LayerHarness.prove(st.layer, none, low, Backends.scalar());
        assertDoesNotThrow(() -> LayerHarness.verify(st.layer, none, st.circuit, lowRun.proof()));
    }

    @Test
    void tableClampRejectsInputBeyondBound() {
        assertThrows(IllegalStateException.class, () -> setup(110, new int[] {2, 6}, 1, true, 0, 127, 8, 1, 1L << 17, 12, true),
                "an int32 input beyond the compiled bound is refused by the prover");
    }

    /** (e, y) pairs that keep q = y + e (so the linear relation holds) but are not clamp-table rows. */
    @Test
    void tableClampWrongOutputIsNotATableRow() {
        Setup st = tableSetup(120, -128, 127, 8, 0);
        int i = interiorIndex(st);
        int e = st.layer.excess();
        // y + 1 with e − 1: an interior output with a negative excess
        WitnessValues bad = copy(st);
        bad.get(st.layer.y())[i] = Goldilocks.add(bad.get(st.layer.y())[i], 1);
        bad.get(e)[i] = Goldilocks.sub(bad.get(e)[i], 1);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, bad));
        // the linear relation itself still holds: only the lookup catches it
        Claim[] none = new Claim[0];
        byte[] proof = LayerHarness.prove(st.layer, none, bad, Backends.scalar()).proof();
        assertDoesNotThrow(() -> LayerHarness.verify(st.layer, none, st.circuit, proof));
        // y = hi with e = q − hi < 0: "clamped" from below at the top
        WitnessValues top = copy(st);
        long q = Goldilocks.toSigned(st.w.get(st.layer.y())[i]);
        top.get(st.layer.y())[i] = Goldilocks.fromSigned(st.layer.hi());
        top.get(e)[i] = Goldilocks.fromSigned(q - st.layer.hi());
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, top));
        // an excess beyond the table at a clamped element
        Setup cl = tableSetup(121, 0, 127, 8, 3);
        long[] ev = cl.w.get(cl.layer.excess());
        for (int k = 0; k < ev.length; k++) {
            if (Goldilocks.toSigned(ev[k]) > 0) {
                WitnessValues far = copy(cl);
                far.get(cl.layer.excess())[k] = cl.layer.excessBound() + 1;
                assertNotNull(LayerHarness.missingLookupRow(cl.circuit, far));
                return;
            }
        }
        fail("no clamped element");
    }

    @Test
    void tableClampTamperedProofBytes() {
        Setup st = tableSetup(130, 0, 127, 8, 3);
        Claim[] none = new Claim[0];
        byte[] proof = LayerHarness.prove(st.layer, none, st.w, Backends.scalar()).proof();
        for (int off = 0; off < proof.length; off += 8) {
            byte[] bad = proof.clone();
            bad[off] ^= 4;
            try {
                List<Claim> claims = LayerHarness.verify(st.layer, none, st.circuit, bad);
                assertNotNull(LayerHarness.falseClaim(claims, st.w), "flip at byte " + off + " accepted with true claims");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
    }

    @Test
    void tableClampEncoding() throws MalformedProofException {
        Setup st = tableSetup(140, -128, 127, 8, 0);
        ProofWriter w = new ProofWriter();
        st.circuit.encode(w);
        Circuit back = Circuit.decode(new ProofReader(w.toByteArray()));
        assertArrayEquals(st.circuit.digest(), back.digest());
        RequantLayer l2 = (RequantLayer) back.layers().get(0);
        assertTrue(l2.tableClamp());
        assertArrayEquals(st.layer.operands(), l2.operands());
        assertEquals(st.layer.lookups().get(0).table(), l2.lookups().get(0).table());
        ProofWriter lw = new ProofWriter();
        st.layer.encode(lw);
        byte[] enc = lw.toByteArray();
        int tensors = st.circuit.tensors().size();
        // the clamp-form byte sits before the four tensor ids (remainder limbs, excess)
        int formAt = enc.length - 4 * 4 - 1;
        assertEquals(1, enc[formAt]);
        byte[] bad = enc.clone();
        bad[formAt] = 3;
        assertThrows(MalformedProofException.class, () -> RequantLayer.decode(new ProofReader(bad), tensors));
        // form 2 (derived) over a committed excess: the layer decodes, the circuit refuses an ADVICE output
        byte[] circuitBytes = w.toByteArray();
        int at = LayerHarness.firstOccurrenceOfBytes(circuitBytes, enc);
        assertTrue(at >= 0);
        byte[] derived = circuitBytes.clone();
        derived[at + formAt] = 2;
        assertThrows(MalformedProofException.class, () -> Circuit.decode(new ProofReader(derived)));
        // an input bound above 2^31
        byte[] big = enc.clone();
        big[formAt - 4 - 8 + 4] = 1;
        assertThrows(MalformedProofException.class, () -> RequantLayer.decode(new ProofReader(big), tensors));
    }

    @Test
    void encodingRoundTripAndGarbage() throws MalformedProofException {
        Setup st = setup(41, new int[] {3, 4}, 1, true, -128, 127, 8, 0);
        ProofWriter w = new ProofWriter();
        st.circuit.encode(w);
        Circuit back = Circuit.decode(new ProofReader(w.toByteArray()));
        assertArrayEquals(st.circuit.digest(), back.digest());
        RequantLayer l2 = (RequantLayer) back.layers().get(0);
        assertArrayEquals(st.layer.operands(), l2.operands());

        ProofWriter lw = new ProofWriter();
        st.layer.encode(lw);
        byte[] enc = lw.toByteArray();
        int tensors = st.circuit.tensors().size();
        assertArrayEquals(st.layer.operands(), RequantLayer.decode(new ProofReader(enc), tensors).operands());
        for (int len = 0; len < enc.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(enc, len);
            assertThrows(MalformedProofException.class, () -> RequantLayer.decode(new ProofReader(cut), tensors));
        }
        SplittableRandom rnd = new SplittableRandom(5);
        for (int k = 0; k < 200; k++) {
            byte[] g = new byte[rnd.nextInt(64)];
            rnd.nextBytes(g);
            assertThrows(MalformedProofException.class, () -> RequantLayer.decode(new ProofReader(g), tensors));
        }
        // a huge multiplier in an otherwise valid key
        byte[] huge = enc.clone();
        huge[16] = (byte) 0xFF;
        huge[17] = (byte) 0xFF;
        huge[18] = (byte) 0xFF;
        huge[19] = (byte) 0x7F;
        assertThrows(MalformedProofException.class, () -> RequantLayer.decode(new ProofReader(huge), tensors));
    }

    /**
     * An Add's sum can exceed int32 (two requantized tensors, each up to 2^31 after scaling):
     * the layer takes the true bound (here 2^40, multiplier 1, shift 6), proves values out to
     * ±2^40, and every tampered proof element is rejected.
     */
    @Test
    void inputsBeyondInt32ProveWithTheirTrueBound() throws InvalidProofException {
        long xBound = 1L << 40;
        Circuit.Builder b = new Circuit.Builder();
        TensorLayout layout = TensorLayout.of(5, 7);
        int x = b.tensor("sum", layout, TensorRole.INPUT);
        int y = b.tensor("y", layout, TensorRole.ADVICE);
        RequantLayer l = RequantLayer.create(b, x, y, 0, new int[] {1}, new int[] {6}, -128, 127, 8, xBound, 12, false);
        b.layer(l);
        Circuit c = b.build(x, y);
        SplittableRandom rnd = new SplittableRandom(40);
        long[] xs = new long[(int) layout.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = switch (i % 4) {
                case 0 -> xBound;
                case 1 -> -xBound;
                case 2 -> rnd.nextLong(-xBound, xBound + 1);
                default -> rnd.nextInt(-8000, 8000);
            };
        }
        long[] xf = toField(xs);
        WitnessValues w = new WitnessValues(c);
        w.put(x, layout.pad(xf, 0));
        LayerHarness.computeWitness(c, w);
        long[] yv = layout.unpad(w.get(y));
        for (int i = 0; i < xs.length; i++) {
            assertEquals(reference(xs[i], 1, 6, -128, 127), Goldilocks.toSigned(yv[i]), "element " + i);
        }
        LayerHarness.proveAndVerify(l, w, 41);
        Claim[] none = new Claim[0];
        byte[] proof = LayerHarness.prove(l, none, w, Backends.scalar()).proof();
        for (int off = 0; off < proof.length; off += 8) {
            byte[] bad = proof.clone();
            bad[off] ^= 1;
            try {
                List<Claim> claims = LayerHarness.verify(l, none, c, bad);
                assertNotNull(LayerHarness.falseClaim(claims, w), "flip at byte " + off + " accepted with true claims");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        // a wrong output at the largest input, the rest of the witness honest
        Setup st = new Setup(c, l, w, xs, new int[] {1}, new int[] {6}, new int[] {5, 7}, 0);
        WitnessValues bad = copy(st);
        int pi = layout.paddedIndex(0);
        bad.get(y)[pi] = Goldilocks.fromSigned(Goldilocks.toSigned(bad.get(y)[pi]) - 1);
        assertCaught(st, bad, w);
        long[] tooBig = xf.clone();
        tooBig[3] = Goldilocks.fromSigned(xBound + 1);
        WitnessValues w2 = new WitnessValues(c);
        w2.put(x, layout.pad(tooBig, 0));
        assertThrows(IllegalStateException.class, () -> LayerHarness.computeWitness(c, w2), "an input beyond the stated bound");
    }
}

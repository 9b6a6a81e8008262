package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.ZkLookups;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.ZkLeafLayout;
import dev.zkinfer.prover.lookup.LogUpGkrProver;
import dev.zkinfer.sumcheck.TensorMask;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The zero-knowledge lookup stage (docs/zero-knowledge.md §3.6): {@link ZkLookupProving} against
 * {@link ZkLookups}, with {@link ZkLayerHarness}'s oracle standing in for the openings (every claim
 * on a tensor against T̂, every mask value against the masks the proof drew).
 */
class ZkLookupsTest {
    /** x (public input) → table f → y1 → table g → y2, or a single table layer when g is null. */
    record Setup(Circuit circuit, WitnessValues w, int x, int y1, int y2) {}

    static Setup chain(long seed, int[] dims, int min, int[] f, int[] g, boolean sameTableTwice) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder b = new Circuit.Builder();
        TensorLayout layout = TensorLayout.of(dims);
        int x = b.tensor("x", layout, TensorRole.INPUT);
        int y1 = b.tensor("y1", layout, TensorRole.ADVICE);
        b.layer(new TableLayer(x, y1, min, f));
        int y2 = -1;
        if (g != null || sameTableTwice) {
            y2 = b.tensor("y2", layout, TensorRole.ADVICE);
            b.layer(sameTableTwice ? new TableLayer(x, y2, min, f) : new TableLayer(y1, y2, min, g));
        }
        Circuit c = b.build(x, y2 >= 0 ? y2 : y1);
        long[] xf = new long[(int) layout.size()];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = Goldilocks.fromSigned(min + rnd.nextInt(f.length));
        }
        WitnessValues w = new WitnessValues(c);
        w.put(x, layout.pad(xf, Goldilocks.fromSigned(min)));
        LayerHarness.computeWitness(c, w);
        CircuitProver.computeMultiplicities(c, w);
        return new Setup(c, w, x, y1, y2);
    }

    /** A small single-table circuit: 5 lookups into a 3-row table over [10, 12]. */
    static Setup small(long seed) {
        return chain(seed, new int[] {5}, 10, new int[] {5, -3, 7}, null, false);
    }

    static ZkLayerHarness.Masks masks(long seed, int delta, Integer... unmasked) {
        return new ZkLayerHarness.Masks(seed, delta, new HashSet<>(Arrays.asList(unmasked)));
    }

    @Test
    void honestLookupsVerifyWithMaskedAndPublicColumns() throws InvalidProofException {
        int[] sig = TableLayerTest.sigmoidTable();
        Setup st = chain(1, new int[] {3, 5}, -128, sig, null, false);
        // x public (the verifier evaluates it), y1 and the multiplicities masked; then every column masked; then both public
        for (Set<Integer> unmasked : List.of(Set.of(st.x()), Set.<Integer>of(), Set.of(st.x(), st.y1()))) {
            for (int delta = 0; delta <= 2; delta++) {
                ZkLayerHarness.Masks m = new ZkLayerHarness.Masks(7 + delta, delta, unmasked);
                ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerifyLookups(st.w(), m);
                // one claim per looked-up column and one on the multiplicities, two mask segment values
                assertEquals(3, r.claims().size());
                assertEquals(2, r.maskSegments().size());
                int n = new ZkLeafLayout(ProofProtocol.lookupShapes(st.circuit())).logLeaves();
                assertEquals(4 * (n - 1), r.halfMasks().size());
                assertEquals(n, r.sumcheckMasks().size());
            }
        }
    }

    @Test
    void severalSegmentsAndTables() throws InvalidProofException {
        int[] sig = TableLayerTest.sigmoidTable();
        int[] relu = TableLayerTest.clampTable(-128, 127, 0, 127);
        Setup two = chain(2, new int[] {2, 9}, -128, sig, relu, false);
        ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerifyLookups(two.w(), masks(3, 1, two.x()));
        assertEquals(6, r.claims().size()); // 2 lookups × 2 columns, 2 tables
        Setup shared = chain(4, new int[] {7}, -128, relu, null, true);
        r = ZkLayerHarness.proveAndVerifyLookups(shared.w(), masks(5, 0, shared.x()));
        assertEquals(5, r.claims().size()); // 2 lookups × 2 columns, 1 table
        Setup tiny = small(6); // one-variable table segment: its x_0 is the last variable (degree 3 + δ)
        for (int delta = 0; delta <= 3; delta++) {
            ZkLayerHarness.proveAndVerifyLookups(tiny.w(), masks(8, delta, tiny.x()));
        }
    }

    @Test
    void oneElementLookupsNeedPublicColumns() throws InvalidProofException {
        Setup one = chain(24, new int[] {1}, 10, new int[] {5, -3, 7}, null, false);
        // both columns public: the segment has no variable, the batched leaf sumcheck counts it as a constant
        ZkLayerHarness.proveAndVerifyLookups(one.w(), masks(25, 0, one.x(), one.y1()));
        // a masked one-element column cannot be masked by Z·R: refused loudly
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> ZkLayerHarness.proveAndVerifyLookups(one.w(), masks(26, 0, one.x())));
        assertTrue(e.getMessage().contains("one-element"), e.getMessage());
    }

    @Test
    void maskBlocksDescribeWhatTheProofUses() throws InvalidProofException {
        Setup st = chain(9, new int[] {2, 9}, -128, TableLayerTest.sigmoidTable(), TableLayerTest.clampTable(-128, 127, 0, 127), false);
        ZkLayerHarness.Masks m = masks(10, 2, st.x());
        ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerifyLookups(st.w(), m);
        List<ZkLookups.MaskBlock> blocks = ZkLookups.maskBlocks(st.circuit(), t -> m.degree(t));
        List<ZkLookups.MaskBlock> sum = blocks.stream().filter(b -> b.kind() == ZkLookups.MaskKind.SUMCHECK).toList();
        assertEquals(m.sumchecks.size(), sum.size());
        for (int i = 0; i < sum.size(); i++) {
            assertEquals(m.sumchecks.get(i).numVars(), sum.get(i).numVars());
            assertArrayEquals(m.sumchecks.get(i).degrees(), sum.get(i).roundDegrees());
            assertArrayEquals(r.sumcheckMasks().get(i).degrees(), sum.get(i).roundDegrees());
            int elements = 0;
            for (int d : sum.get(i).roundDegrees()) {
                elements += d + 1;
            }
            assertEquals(elements, sum.get(i).elements());
        }
        // the tree's layer sumchecks: w of degree 1, then 3 in every round but the last, 5 there
        for (int k = 1; k < sum.size(); k++) {
            int[] d = sum.get(k - 1).roundDegrees();
            assertEquals(k + 1, d.length);
            assertEquals(1, d[0]);
            for (int i = 1; i < k; i++) {
                assertEquals(3, d[i], "layer " + k + " round " + i);
            }
            assertEquals(LogUpGkrVerifier.MASKED_LAYER_DEGREE, d[k]);
        }
        TensorMask[][] halves = m.lookups.halves();
        List<ZkLookups.MaskBlock> half = blocks.stream().filter(b -> b.kind() == ZkLookups.MaskKind.HALF).toList();
        assertEquals(4 * (halves.length - 2), half.size());
        for (ZkLookups.MaskBlock b : half) {
            assertEquals(halves[b.layer()][b.part()].degree(), b.degree());
            assertEquals(b.layer() - 1, b.numVars());
        }
        // every half mask value the proof revealed names a listed block
        for (ZkLayerHarness.HalfMaskClaim c : r.halfMasks()) {
            assertTrue(half.stream().anyMatch(b -> b.layer() == c.layer() && b.part() == c.half()));
        }
        List<ZkLookups.MaskBlock> segs = blocks.stream().filter(b -> b.kind() == ZkLookups.MaskKind.SEGMENT).toList();
        assertEquals(2, segs.size());
        for (ZkLookups.MaskBlock b : segs) {
            assertEquals(m.lookups.segments()[b.part()].length / 3, b.elements());
        }
    }

    @Test
    void falseLookupsAreRejectedWhateverTheMasks() {
        Setup st = small(11);
        long[] y = st.w().get(st.y1()).clone();
        y[2] = Goldilocks.add(y[2], 1); // (x, y) is no longer a row of the table
        WitnessValues bad = copy(st.w());
        bad.put(st.y1(), y);
        int multTensor = st.circuit().multiplicities().values().iterator().next();
        long[] mult = st.w().get(multTensor).clone();
        WitnessValues badMult = copy(st.w());
        mult[0] = Goldilocks.add(mult[0], 1); // multiplicities that do not count the lookups
        badMult.put(multTensor, mult);
        for (WitnessValues w : List.of(bad, badMult)) {
            for (long seed = 0; seed < 4; seed++) {
                assertRejected(w, masks(seed, 0, st.x()), null);
            }
            // adversarial mask segments: sums that do not cancel, chosen before α
            ZkLayerHarness.Masks skew = masks(20, 0, st.x());
            LogUpGkrProver.TreeMasks honest = skew.lookups(st.circuit());
            long[][] segs = {honest.segments()[0].clone(), honest.segments()[1].clone()};
            segs[1][0] = Goldilocks.add(segs[1][0], 1);
            skew.lookups = new LogUpGkrProver.TreeMasks(honest.halves(), segs);
            assertRejected(w, skew, null);
            // a mask leaf (0, 0) would make the root check vacuous: the root denominator check stops it
            ZkLayerHarness.Masks zero = masks(21, 0, st.x());
            honest = zero.lookups(st.circuit());
            segs = new long[][] {honest.segments()[0].clone(), honest.segments()[1].clone()};
            Arrays.fill(segs[0], 0, 3, 0); // p_0 = 0
            Arrays.fill(segs[0], 6, 9, 0); // q_0 = 0
            zero.lookups = new LogUpGkrProver.TreeMasks(honest.halves(), segs);
            assertRejected(w, zero, "root denominator");
        }
    }

    /**
     * Why the masks must be in the witness commitment absorbed before α: here (the harness absorbs
     * no commitment) a prover who picks the right mask segment after seeing α cancels a false
     * lookup's non-zero fraction sum, and the proof verifies with every claim true. The drivers
     * must therefore commit every lookup mask before drawing α (docs/zero-knowledge.md §3.4, §3.6).
     */
    @Test
    void masksChosenAfterAlphaWouldLetAFalseLookupThrough() throws InvalidProofException {
        Setup st = small(27);
        long[] y = st.w().get(st.y1()).clone();
        y[1] = Goldilocks.add(y[1], 1);
        WitnessValues bad = copy(st.w());
        bad.put(st.y1(), y);
        ZkLayerHarness.Masks first = masks(28, 0, st.x());
        Ext3[] r = root(ZkLayerHarness.proveLookups(bad, first, ZkLayerHarness.Recorded.empty(), false));
        Ext3 falseSum = r[0].mul(r[2].inv()).add(r[1].mul(r[3].inv()));
        assertNotEquals(Ext3.ZERO, falseSum);
        LogUpGkrProver.TreeMasks honest = first.lookups;
        long[] right = honest.segments()[1].clone();
        Ext3 q1 = Ext3.get(right, 3);
        Ext3.set(right, 1, Ext3.get(right, 1).sub(falseSum.mul(q1))); // the right segment's sum absorbs it
        ZkLayerHarness.Masks cheat = masks(29, 0, st.x());
        cheat.lookups = new LogUpGkrProver.TreeMasks(honest.halves(), new long[][] {honest.segments()[0], right});
        byte[] forged = ZkLayerHarness.proveLookups(bad, cheat, ZkLayerHarness.Recorded.empty(), false);
        assertNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verifyLookups(st.circuit(), cheat, forged), bad, cheat));
    }

    private static WitnessValues copy(WitnessValues w) {
        WitnessValues c = new WitnessValues(w.circuit());
        w.all().forEach((t, v) -> c.put(t, v.clone()));
        return c;
    }

    private static void assertRejected(WitnessValues w, ZkLayerHarness.Masks m, String reason) {
        byte[] proof = ZkLayerHarness.proveLookups(w, m, ZkLayerHarness.Recorded.empty(), false);
        try {
            ZkLayerHarness.Recorded r = ZkLayerHarness.verifyLookups(w.circuit(), m, proof);
            assertNotNull(ZkLayerHarness.falseClaim(r, w, m), "a false lookup was accepted with true claims");
            assertNull(reason, "expected a rejection for: " + reason);
        } catch (InvalidProofException e) {
            if (reason != null) {
                assertTrue(e.getMessage().contains(reason), e.getMessage());
            }
        }
    }

    @Test
    void everyTamperedElementAndTruncationIsCaught() throws InvalidProofException {
        Setup st = small(12);
        ZkLayerHarness.Masks m = masks(13, 1, st.x());
        byte[] proof = ZkLayerHarness.proveLookups(st.w(), m, ZkLayerHarness.Recorded.empty(), true);
        assertNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verifyLookups(st.circuit(), m, proof), st.w(), m));
        int accepted = 0;
        for (int off = 0; off < proof.length; off += 8) {
            byte[] bad = LayerSoundness.withElementIncremented(proof, off);
            try {
                ZkLayerHarness.Recorded r = ZkLayerHarness.verifyLookups(st.circuit(), m, bad);
                assertNotNull(ZkLayerHarness.falseClaim(r, st.w(), m), "element at byte " + off + ": accepted with true claims");
                accepted++;
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        // only the values that become claims (segment evaluations, mask values) pass the verifier itself
        assertTrue(accepted < proof.length / 8 / 4, accepted + " of " + proof.length / 8);
        for (int cut : new int[] {1, 8, 24, proof.length}) {
            byte[] shortP = Arrays.copyOf(proof, proof.length - cut);
            assertThrows(InvalidProofException.class, () -> ZkLayerHarness.verifyLookups(st.circuit(), m, shortP), "cut " + cut);
        }
        byte[] longer = Arrays.copyOf(proof, proof.length + 8);
        assertThrows(InvalidProofException.class, () -> ZkLayerHarness.verifyLookups(st.circuit(), m, longer));
    }

    @Test
    void freshMasksGiveFreshRevealedValues() throws InvalidProofException {
        Setup st = chain(14, new int[] {3, 5}, -128, TableLayerTest.sigmoidTable(), null, false);
        ZkLayerHarness.Masks a = masks(15, 0, st.x()), b = masks(16, 0, st.x());
        byte[] pa = ZkLayerHarness.proveLookups(st.w(), a, ZkLayerHarness.Recorded.empty(), true);
        byte[] pb = ZkLayerHarness.proveLookups(st.w(), b, ZkLayerHarness.Recorded.empty(), true);
        assertEquals(pa.length, pb.length);
        Ext3[] ra = root(pa), rb = root(pb);
        for (int i = 0; i < 4; i++) {
            assertNotEquals(ra[i], rb[i], "root child " + i);
        }
        ZkLayerHarness.Recorded va = ZkLayerHarness.verifyLookups(st.circuit(), a, pa);
        ZkLayerHarness.Recorded vb = ZkLayerHarness.verifyLookups(st.circuit(), b, pb);
        for (int i = 0; i < va.claims().size(); i++) {
            assertNotEquals(va.claims().get(i).value(), vb.claims().get(i).value(), "claim " + i);
        }
        // every 24-byte element differs except where both proofs carry the same public structure (none)
        int same = 0;
        for (int off = 0; off < pa.length; off += 24) {
            if (Arrays.equals(pa, off, off + 24, pb, off, off + 24)) {
                same++;
            }
        }
        assertEquals(0, same);
    }

    /** The proof's first four extension elements: the root's children p0, p1, q0, q1. */
    private static Ext3[] root(byte[] proof) {
        ByteBuffer bb = ByteBuffer.wrap(proof).order(ByteOrder.LITTLE_ENDIAN);
        Ext3[] r = new Ext3[4];
        for (int i = 0; i < 4; i++) {
            r[i] = new Ext3(bb.getLong(), bb.getLong(), bb.getLong());
        }
        return r;
    }

    /**
     * The executable half of the root's simulation: for fixed real leaves, every root
     * (p0, p1, q0, q1) with p0·q1 + p1·q0 = 0 and q0, q1 ≠ 0 is produced by some choice of the mask
     * segments, and by equally many (the first leaf of each segment is free), so honest roots are
     * uniform on that set. The real halves' sums S_L, S_R and products Q_L, Q_R are read off one
     * proof; masks solved for random targets then produce exactly those roots, and verify.
     */
    @Test
    void rootChildrenAreOntoTheRootRelation() throws InvalidProofException {
        Setup st = chain(17, new int[] {3, 5}, -128, TableLayerTest.sigmoidTable(), null, false);
        ZkLayerHarness.Masks m0 = masks(18, 0, st.x());
        Ext3[] r0 = root(ZkLayerHarness.proveLookups(st.w(), m0, ZkLayerHarness.Recorded.empty(), true));
        LogUpGkrProver.TreeMasks t0 = m0.lookups;
        Ext3 qL = r0[2].mul(product(t0.segments()[0]).inv()), qR = r0[3].mul(product(t0.segments()[1]).inv());
        Ext3 sL = r0[0].mul(r0[2].inv()).sub(sum(t0.segments()[0]));
        Ext3 sR = r0[1].mul(r0[3].inv()).sub(sum(t0.segments()[1]));
        assertEquals(Ext3.ZERO, sL.add(sR), "the real leaves' fractions add up to zero");
        SplittableRandom rnd = new SplittableRandom(19);
        ZkLayerHarness.Masks helper = masks(19, 0);
        for (int trial = 0; trial < 4; trial++) {
            Ext3 tq0 = helper.random(), tq1 = helper.random(), tp0 = helper.random();
            Ext3 tp1 = tp0.mul(tq1).mul(tq0.inv()).neg();
            Ext3 mA = tp0.mul(tq0.inv()).sub(sL);
            long[][] segs = {solve(helper, tq0.mul(qL.inv()), mA), solve(helper, tq1.mul(qR.inv()), mA.neg())};
            ZkLayerHarness.Masks m = masks(100 + trial + rnd.nextInt(1000), 0, st.x());
            m.lookups = new LogUpGkrProver.TreeMasks(t0.halves(), segs);
            ZkLayerHarness.Recorded p = ZkLayerHarness.Recorded.empty();
            byte[] proof = ZkLayerHarness.proveLookups(st.w(), m, p, true);
            assertArrayEquals(new Ext3[] {tp0, tp1, tq0, tq1}, root(proof));
            assertNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verifyLookups(st.circuit(), m, proof), st.w(), m));
        }
    }

    /** A two-leaf mask segment with denominator product {@code product} and fraction sum {@code sum}, first leaf random. */
    private static long[] solve(ZkLayerHarness.Masks rnd, Ext3 product, Ext3 sum) {
        Ext3 q0 = rnd.random(), p0 = rnd.random();
        Ext3 q1 = product.mul(q0.inv());
        Ext3 p1 = q1.mul(sum.sub(p0.mul(q0.inv())));
        long[] block = new long[12];
        Ext3.set(block, 0, p0);
        Ext3.set(block, 1, p1);
        Ext3.set(block, 2, q0);
        Ext3.set(block, 3, q1);
        return block;
    }

    private static Ext3 product(long[] block) {
        int size = block.length / 6;
        Ext3 p = Ext3.ONE;
        for (int i = 0; i < size; i++) {
            p = p.mul(Ext3.get(block, size + i));
        }
        return p;
    }

    private static Ext3 sum(long[] block) {
        int size = block.length / 6;
        Ext3 s = Ext3.ZERO;
        for (int i = 0; i < size; i++) {
            s = s.add(Ext3.get(block, i).mul(Ext3.get(block, size + i).inv()));
        }
        return s;
    }

    @Test
    void soundnessCountsTheMaskedSumchecks() {
        double integrity = LogUpGkrVerifier.soundnessBits(22, 2);
        double zk = LogUpGkrVerifier.soundnessBitsMasked(23, 2, dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(20, 5));
        assertTrue(zk < integrity, zk + " vs " + integrity);
        assertTrue(zk > 160, "zero-knowledge LogUp at 2^23 leaves: " + zk + " bits");
        assertThrows(IllegalArgumentException.class, () -> LogUpGkrVerifier.soundnessBitsMasked(2, 1, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> LogUpGkrVerifier.soundnessBitsMasked(5, 1, new int[] {2, 0}));
    }

    /** Claims the verifier emits are at the leaf sumcheck's point: one point per segment size. */
    @Test
    void claimsOnColumnsAreAtTheLeafSumchecksPoint() throws InvalidProofException {
        Setup st = chain(22, new int[] {2, 9}, -128, TableLayerTest.sigmoidTable(), TableLayerTest.clampTable(-128, 127, 0, 127), false);
        ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerifyLookups(st.w(), masks(23, 0, st.x()));
        Claim first = r.claims().get(0);
        for (Claim c : r.claims()) {
            int l = c.point().length;
            assertArrayEquals(Arrays.copyOf(first.point(), Math.min(l, first.point().length)),
                    Arrays.copyOf(c.point(), Math.min(l, first.point().length)));
        }
    }
}

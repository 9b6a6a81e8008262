package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.ZkSteps;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.pcs.ProgrammedTranscript;
import dev.zkinfer.sumcheck.TensorMask;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * IndexMap layers in zero-knowledge mode (docs/zero-knowledge.md §3.2, §3.7): one input, and several
 * (concatenation), where one masked sumcheck over all inputs replaces the integrity mode's partial
 * sums, which would reveal each input's unmasked share of Ỹ(r).
 */
class IndexMapLayerZkTest {
    private static void honest(IndexMapLayerTest.Setup s, long seed) throws Exception {
        int[] ins = s.layer().inputs();
        List<Set<Integer>> visibilities = new ArrayList<>(List.of(Set.of(ins[0]), Set.<Integer>of(), Set.of(s.layer().output())));
        if (ins.length > 1) { // some inputs public, the others masked, the output public
            visibilities.add(Set.of(ins[ins.length - 1], s.layer().output()));
        }
        for (Set<Integer> unmasked : visibilities) {
            for (int delta = 0; delta <= 2; delta++) {
                ZkLayerHarness.Recorded rec = ZkLayerHarness.proveAndVerify(s.layer(), s.w(),
                        new ZkLayerHarness.Masks(seed + delta, delta, unmasked), seed);
                assertEquals(1, rec.sumcheckMasks().size(), "one masked sumcheck for all inputs");
                assertEquals(ins.length, rec.claims().size(), "one claim per input");
                for (int k = 0; k < ins.length; k++) {
                    Claim c = rec.claims().get(k);
                    assertEquals(ins[k], c.tensor());
                    Ext3 plain = Mle.evaluate(s.w().get(c.tensor()), c.point());
                    assertEquals(!unmasked.contains(c.tensor()), !plain.equals(c.value()),
                            "a masked input's revealed evaluation differs from the plain one, an unmasked one equals it");
                }
            }
        }
    }

    @Test
    void im2colWindowReshapeTransposeSlice() throws Exception {
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 7, 6}}, new int[] {2, 4, 3, 27},
                new IndexMap.Im2col(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, 4, 3), 1), 1);
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 5, 6}}, new int[] {2, 3, 3, 3},
                new IndexMap.Window(2, 3, 5, 6, 2, 2, 2, 2, 0, 0, 3, 3, 1, 0), 2), 2);
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 5}}, new int[] {6, 5}, new IndexMap.Reshape(), 3), 3);
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 5}}, new int[] {5, 2, 3}, new IndexMap.Transpose(new int[] {2, 0, 1}), 4), 4);
        honest(IndexMapLayerTest.setup(new int[][] {{7, 3}}, new int[] {3, 3}, new IndexMap.Slice(new int[] {1, 2}, new int[] {2, -1}), 5), 5);
        // a two-element input: its one variable is the sumcheck's last
        honest(IndexMapLayerTest.setup(new int[][] {{2}}, new int[] {2}, new IndexMap.Reshape(), 6), 6);
    }

    @Test
    void concatenationsProveWithOneClaimPerInput() throws Exception {
        // inputs of 3, 2 and 3 variables along axis 0 (the shorter one repeated along the sumcheck's last variable)
        honest(concat3(62), 7);
        // along the last axis, three inputs
        honest(IndexMapLayerTest.setup(new int[][] {{2, 1, 3}, {2, 3, 3}, {2, 2, 3}}, new int[] {2, 6, 3}, new IndexMap.Concat(1), 52), 8);
        // a two-element input next to a larger one: its only variable is the first, so its mask enters in round 0
        honest(IndexMapLayerTest.setup(new int[][] {{2}, {5}}, new int[] {7}, new IndexMap.Concat(0), 53), 9);
        // inputs of equal size
        honest(IndexMapLayerTest.setup(new int[][] {{3}, {3}}, new int[] {6}, new IndexMap.Concat(0), 43), 10);
    }

    @Test
    void aTensorConcatenatedWithItselfGetsTwoTrueClaims() throws Exception {
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", new TensorLayout(new int[] {3, 2}), TensorRole.INPUT);
        int y = cb.tensor("y", new TensorLayout(new int[] {6, 2}), TensorRole.COMPUTED);
        IndexMapLayer layer = new IndexMapLayer(new int[] {x, x}, y, new IndexMap.Concat(0));
        Circuit c = cb.layer(layer).build(new int[] {x}, new int[] {y});
        WitnessValues w = new WitnessValues(c);
        w.put(x, c.tensor(x).layout().pad(new long[] {1, 2, 3, 4, 5, Goldilocks.fromSigned(-6)}, 0));
        LayerHarness.computeWitness(c, w);
        for (int delta = 0; delta <= 2; delta++) {
            ZkLayerHarness.Recorded rec = ZkLayerHarness.proveAndVerify(layer, w, new ZkLayerHarness.Masks(20 + delta, delta, Set.of()), 21);
            assertEquals(2, rec.claims().size());
        }
    }

    @Test
    void everyTamperingIsRejectedOrCaughtByTheOpenings() throws Exception {
        IndexMapLayerTest.Setup s = IndexMapLayerTest.setup(new int[][] {{1, 1, 4, 3}}, new int[] {1, 2, 1, 4},
                new IndexMap.Im2col(1, 1, 4, 3, 2, 2, 2, 2, 0, 0, 2, 1), 60);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(1, 1, Set.of()), 61);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(2, 1, Set.of(s.layer().inputs()[0])), 62);
    }

    @Test
    void everyTamperingOfAConcatenationIsRejectedOrCaughtByTheOpenings() throws Exception {
        IndexMapLayerTest.Setup s = concat3(63);
        int[] ins = s.layer().inputs();
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(3, 0, Set.of()), 64);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(4, 1, Set.of(ins[1], s.layer().output())), 65);
        IndexMapLayerTest.Setup small = IndexMapLayerTest.setup(new int[][] {{2}, {5}}, new int[] {7}, new IndexMap.Concat(0), 66);
        ZkLayerHarness.tamperEveryElement(small.layer(), small.w(), new ZkLayerHarness.Masks(5, 2, Set.of()), 67);
    }

    /**
     * The concatenation's analogue of a wrong partial sum: a prover who moves Δ of Ỹ(r) from one input's
     * share to another's (sends X̂_0(ρ) + Δ/c_0 and X̂_1(ρ) − Δ/c_1, c_k = P̃_k(r, ρ_{<n_k})·Π_{i≥n_k}(1 − ρ_i))
     * passes the layer's final check, which sees only the total, but its claims on both inputs are
     * false, so the inputs' producers and the openings catch it; moving Δ into one share only is
     * rejected by the layer itself.
     */
    @Test
    void aWrongSplitBetweenTheInputsIsCaught() throws Exception {
        IndexMapLayerTest.Setup s = concat3(68);
        IndexMapLayer layer = s.layer();
        Circuit c = s.circuit();
        int n = layer.inputs().length;
        ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(6, 1, Set.of());
        Claim[] out = ZkLayerHarness.outputClaims(layer, s.w(), masks, new SplittableRandom(69));
        int used = masks.sumchecks.size();
        byte[] proof = ZkLayerHarness.prove(layer, out, s.w(), masks, ZkLayerHarness.Recorded.empty());
        // the same masks for the verifier runs below (the oracle checks the one sumcheck mask drawn)
        ZkLayerHarness.Masks view = new ZkLayerHarness.Masks(6, 1, Set.of()) {
            @Override
            TensorMask tensor(int t) {
                return masks.tensor(t);
            }
        };
        view.sumchecks.addAll(masks.sumchecks.subList(used, masks.sumchecks.size()));
        ZkLayerHarness.Recorded honest = ZkLayerHarness.verify(layer, out, c, view, proof);
        assertNull(ZkLayerHarness.falseClaim(honest, s.w(), view));

        Ext3[] rho = honest.claims().stream().map(Claim::point).max((a, b) -> a.length - b.length).orElseThrow();
        Ext3[][] points = honest.claims().stream().map(Claim::point).toArray(Ext3[][]::new);
        Ext3[] wiring = layer.wiringEvaluations(c, out[0].point(), points);
        Ext3 delta = new Ext3(12345, 678, 9);
        Ext3[] moved = new Ext3[n];
        Arrays.fill(moved, Ext3.ZERO);
        moved[0] = delta.mul(wiring[0].mul(ZkSteps.zeroTail(rho, points[0].length)).inv());
        moved[1] = delta.neg().mul(wiring[1].mul(ZkSteps.zeroTail(rho, points[1].length)).inv());
        ZkLayerHarness.Recorded cheated = ZkLayerHarness.verify(layer, out, c, view, withLastValuesShifted(proof, honest, moved));
        assertNotNull(ZkLayerHarness.falseClaim(cheated, s.w(), view), "a wrong split passed with true claims");
        assertEquals("claim on x0", ZkLayerHarness.falseClaim(cheated, s.w(), view));

        Ext3[] one = new Ext3[n];
        Arrays.fill(one, Ext3.ZERO);
        one[1] = moved[1];
        assertThrows(InvalidProofException.class,
                () -> ZkLayerHarness.verify(layer, out, c, view, withLastValuesShifted(proof, honest, one)));
    }

    /** The proof with its last n elements (the inputs' revealed evaluations) replaced by value_k + shift_k. */
    private static byte[] withLastValuesShifted(byte[] proof, ZkLayerHarness.Recorded honest, Ext3[] shift) {
        ProofWriter tail = new ProofWriter();
        for (int k = 0; k < shift.length; k++) {
            tail.ext(honest.claims().get(k).value().add(shift[k]));
        }
        byte[] t = tail.toByteArray();
        byte[] out = proof.clone();
        System.arraycopy(t, 0, out, proof.length - t.length, t.length);
        return out;
    }

    @Test
    void freshMasksGiveFreshRevealedValues() throws Exception {
        IndexMapLayerTest.Setup s = concat3(70);
        // a public output: the same claim in both proofs, every revealed input value differs
        Set<Integer> unmasked = Set.of(s.layer().output());
        ZkLayerHarness.Recorded a = ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(1, 0, unmasked), 71);
        ZkLayerHarness.Recorded b = ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(2, 0, unmasked), 71);
        for (int k = 0; k < a.claims().size(); k++) {
            assertNotEquals(a.claims().get(k).value(), b.claims().get(k).value(), "input " + k);
        }
    }

    /**
     * The simulation check of the concatenation (as {@code ZkSimulationTest} does for a whole model): with
     * the challenges programmed, the layer's view V (the masked output claim Ŷ(r), every element of the
     * layer's proof, and each input's R_k(ρ_0, w_k), the value its producer reveals later) is affine in
     * the witness and the masks, V = A·x + B·m. Fresh masks for one witness span B's image; the view
     * of any other witness lies in V_0 + span(B), so the views of two witnesses are identically
     * distributed and the revealed values (no partial sums among them) say nothing about the inputs.
     * The span has exactly the dimension of the views the verifier's checks allow (every coordinate
     * free but the final check's: the round polynomials are sent without s(0), which the verifier
     * derives). Control: with one input's
     * mask held fixed, a change of that input leaves the span.
     */
    @Test
    void revealedValuesAreUniformAndIndependentOfTheInputs() {
        IndexMapLayerTest.Setup s = concat3(72);
        IndexMapLayerTest.Setup other = concat3(73);
        int fixedInput = s.layer().inputs()[1];
        for (boolean control : new boolean[] {false, true}) {
            TensorMask fixed = new ZkLayerHarness.Masks(99, 0, Set.of()).tensor(fixedInput);
            java.util.function.LongFunction<ZkLayerHarness.Masks> draw = seed -> new ZkLayerHarness.Masks(seed, 0, Set.of()) {
                @Override
                TensorMask tensor(int t) {
                    return control && t == fixedInput ? fixed : super.tensor(t);
                }
            };
            long[] v0 = view(s, draw.apply(1000));
            List<long[]> span = new ArrayList<>();
            for (int i = 1; i <= v0.length + 8; i++) {
                span.add(minus(view(s, draw.apply(1000 + i)), v0));
            }
            int rank = rank(span);
            long[] d = minus(view(other, draw.apply(1000)), v0);
            List<long[]> with = new ArrayList<>(span);
            with.add(d);
            if (!control) {
                // one constraint (3 base-field coordinates): the final check; a round's s(0) + s(1) is not sent
                assertEquals(v0.length - 3, rank, "the masks reach every view the verifier's checks allow");
                assertEquals(rank, rank(with), "another witness's view is outside the span of the masks");
            } else {
                assertEquals(rank + 1, rank(with), "control: with input 1's mask fixed, a change of input 1 is visible");
            }
        }
    }

    /** The layer's view with programmed challenges: Ŷ(r), the proof's elements, R_k(ρ_0, w_k) per input. */
    private static long[] view(IndexMapLayerTest.Setup s, ZkLayerHarness.Masks masks) {
        IndexMapLayer layer = s.layer();
        int y = layer.output();
        Ext3[] r = new Ext3[s.circuit().tensor(y).layout().numVars()];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < r.length; i++) {
            r[i] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
        }
        Claim[] out = {new Claim(y, r, masks.masked(s.w(), y, r))};
        ZkLayerHarness.Recorded rec = ZkLayerHarness.Recorded.empty();
        byte[] proof = ZkLayerHarness.prove(s.w(), masks, rec, new ProgrammedTranscript(6),
                ctx -> LayerProvers.forLayer(layer).prove(layer, out, ctx));
        List<Ext3> values = new ArrayList<>();
        values.add(out[0].value());
        ByteBuffer bb = ByteBuffer.wrap(proof).order(ByteOrder.LITTLE_ENDIAN);
        long[] elements = new long[proof.length / 8];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = bb.getLong();
        }
        int[] ins = layer.inputs();
        for (int k = 0; k < ins.length; k++) {
            Ext3 producerW = new Ext3(7 + k, 11 * k, 13);
            values.add(masks.tensor(ins[k]).r(rec.claims().get(k).point()[0], producerW));
        }
        long[] v = new long[elements.length + 3 * values.size()];
        System.arraycopy(elements, 0, v, 0, elements.length);
        for (int i = 0; i < values.size(); i++) {
            Ext3 e = values.get(i);
            v[elements.length + 3 * i] = e.c0;
            v[elements.length + 3 * i + 1] = e.c1;
            v[elements.length + 3 * i + 2] = e.c2;
        }
        return v;
    }

    private static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = Goldilocks.sub(a[i], b[i]);
        }
        return d;
    }

    /** The rank over the base field of the rows (Gaussian elimination on copies). */
    static int rank(List<long[]> rows) {
        long[][] a = rows.stream().map(long[]::clone).toArray(long[][]::new);
        int rank = 0, cols = a.length == 0 ? 0 : a[0].length;
        for (int col = 0; col < cols && rank < a.length; col++) {
            int piv = -1;
            for (int i = rank; i < a.length && piv < 0; i++) {
                piv = a[i][col] != 0 ? i : -1;
            }
            if (piv < 0) {
                continue;
            }
            long[] tmp = a[piv];
            a[piv] = a[rank];
            a[rank] = tmp;
            long inv = Goldilocks.inv(a[rank][col]);
            for (int j = col; j < cols; j++) {
                a[rank][j] = Goldilocks.mul(a[rank][j], inv);
            }
            for (int i = 0; i < a.length; i++) {
                if (i != rank && a[i][col] != 0) {
                    long f = a[i][col];
                    for (int j = col; j < cols; j++) {
                        a[i][j] = Goldilocks.sub(a[i][j], Goldilocks.mul(f, a[rank][j]));
                    }
                }
            }
            rank++;
        }
        return rank;
    }

    /** Inputs of 3, 2 and 3 variables concatenated along axis 0 into y [5, 3]. */
    private static IndexMapLayerTest.Setup concat3(long seed) {
        return IndexMapLayerTest.setup(new int[][] {{2, 3}, {1, 3}, {2, 3}}, new int[] {5, 3}, new IndexMap.Concat(0), seed);
    }
}

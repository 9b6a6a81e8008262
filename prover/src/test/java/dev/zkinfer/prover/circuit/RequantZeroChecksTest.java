package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.RequantZeroChecks;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifierContext;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The integrity-mode batched zero-check of the requantizations without derived excess ({@link RequantZeroChecks}). */
class RequantZeroChecksTest {
    /** Four requantizations in one circuit: two sizes (5 and 3 variables), limb and table clamps, per-channel and single multipliers. */
    record Setup(Circuit circuit, WitnessValues w, RequantLayer[] layers) {}

    static Setup setup(long seed) {
        return setup(seed, new int[][] {{4, 8}, {2, 3}, {4, 8}, {3, 2}}, new boolean[] {true, false, false, true},
                new boolean[] {false, true, false, true}, new int[][] {{-128, 127}, {0, 127}, {0, 255}, {-128, 127}});
    }

    /** {@code count} limb-clamp layers of one size, alternately per-channel and not: more than one prover instance holds. */
    static Setup oneSize(long seed, int count) {
        int[][] dims = new int[count][];
        boolean[] perChannel = new boolean[count];
        int[][] clamp = new int[count][];
        for (int k = 0; k < count; k++) {
            dims[k] = new int[] {4, 8};
            perChannel[k] = k % 2 == 0;
            clamp[k] = new int[] {-128, 127};
        }
        return setup(seed, dims, perChannel, new boolean[count], clamp);
    }

    static Setup setup(long seed, int[][] dims, boolean[] perChannel, boolean[] table, int[][] clamp) {
        return setup(seed, dims, perChannel, table, new boolean[dims.length], clamp);
    }

    /** As above; {@code derived[k]} (table clamp only): layer k's excess is derived (a COMPUTED tensor it defines). */
    static Setup setup(long seed, int[][] dims, boolean[] perChannel, boolean[] table, boolean[] derived, int[][] clamp) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder b = new Circuit.Builder();
        int[] xs = new int[dims.length];
        int[] ys = new int[dims.length];
        RequantLayer[] layers = new RequantLayer[dims.length];
        for (int k = 0; k < dims.length; k++) {
            TensorLayout layout = TensorLayout.of(dims[k]);
            int ch = perChannel[k] ? dims[k][0] : 1;
            int[] m = new int[ch];
            int[] s = new int[ch];
            for (int c = 0; c < ch; c++) {
                m[c] = (1 << 23) + rnd.nextInt(1 << 23);
                s[c] = 32 + rnd.nextInt(4);
            }
            xs[k] = b.tensor("x" + k, layout, TensorRole.INPUT);
            ys[k] = b.tensor("y" + k, layout, TensorRole.ADVICE);
            layers[k] = RequantLayer.create(b, xs[k], ys[k], 0, m, s, clamp[k][0], clamp[k][1], 8, table[k] ? 1L << 17 : RequantLayer.INT32_X_BOUND,
                    table[k] ? 12 : 8, table[k], derived[k]);
            b.layer(layers[k]);
        }
        Circuit c = b.build(xs, ys);
        WitnessValues w = new WitnessValues(c);
        for (int k = 0; k < dims.length; k++) {
            TensorLayout layout = TensorLayout.of(dims[k]);
            long[] x = new long[(int) layout.size()];
            for (int i = 0; i < x.length; i++) {
                // inside the clamp range and beyond it (clamped elements have nonzero overflow)
                x[i] = Goldilocks.fromSigned(rnd.nextInt(-(1 << 17), 1 << 17));
            }
            w.put(xs[k], layout.pad(x, 0));
        }
        LayerHarness.computeWitness(c, w);
        return new Setup(c, w, layers);
    }

    record Run(byte[] proof, List<Claim> claims) {}

    static Run prove(Circuit circuit, WitnessValues w, Backend backend) {
        ProofWriter out = new ProofWriter();
        List<Claim> claims = new ArrayList<>();
        ProverContext ctx = LayerHarness.proverContext(w, backend, out, claims);
        RequantLayerProver.proveBatch(RequantZeroChecks.batched(circuit, false), ctx);
        return new Run(out.toByteArray(), claims);
    }

    static List<Claim> verify(Circuit circuit, byte[] proof) throws InvalidProofException {
        ProofReader in = new ProofReader(proof);
        List<Claim> claims = new ArrayList<>();
        VerifierContext ctx = LayerHarness.verifierContext(circuit, in, claims);
        RequantZeroChecks.verify(ctx, RequantZeroChecks.batched(circuit, false));
        in.finish();
        return claims;
    }

    /** The bytes of the batch's L round polynomials of degree 3 (3 extension elements each). */
    static int roundBytes(Circuit c) {
        return RequantZeroChecks.numVars(c, RequantZeroChecks.batched(c, false)) * 3 * 24;
    }

    /** Proved on the tampered witness: rejected, or some emitted claim is false for the values the prover committed to. */
    static void assertCaught(Setup st, WitnessValues bad) {
        byte[] proof = prove(st.circuit, bad, Backends.scalar()).proof();
        LayerHarness.assertRejectedOrFalseClaim(() -> verify(st.circuit, proof), bad);
    }

    static WitnessValues copy(Setup st) {
        return LayerHarness.copy(st.w);
    }

    /** A padded index of layer k's real elements whose output is strictly inside (lo, hi). */
    static int interiorIndex(Setup st, int k) {
        RequantLayer l = st.layers[k];
        TensorLayout layout = st.circuit.tensor(l.y()).layout();
        for (int i = 0; i < layout.size(); i++) {
            int pi = layout.paddedIndex(i);
            long y = Goldilocks.toSigned(st.w.get(l.y())[pi]);
            if (y > l.lo() + 1 && y < l.hi() - 1) {
                return pi;
            }
        }
        throw new AssertionError("no interior element");
    }

    @Test
    void batchOfTwoSizesIsCompleteAndItsClaimsHold() throws InvalidProofException {
        Setup st = setup(1);
        int[] batched = RequantZeroChecks.batched(st.circuit, false);
        assertArrayEquals(new int[] {3, 2, 1, 0}, batched, "every requantization, last layer first");
        assertEquals(5, RequantZeroChecks.numVars(st.circuit, batched));
        for (Backend backend : List.of(Backends.scalar(), Backends.vector())) {
            Run run = prove(st.circuit, st.w, backend);
            List<Claim> claims = verify(st.circuit, run.proof());
            assertEquals(run.claims().size(), claims.size());
            for (int i = 0; i < claims.size(); i++) {
                assertEquals(run.claims().get(i).value(), claims.get(i).value());
                assertArrayEquals(run.claims().get(i).point(), claims.get(i).point());
            }
            assertNull(LayerHarness.falseClaim(claims, st.w));
            int operands = 0;
            for (RequantLayer l : st.layers) {
                operands += l.operands().length;
                // each layer's claims are at the first n_l coordinates of the one point
                assertTrue(claims.stream().filter(c -> c.tensor() == l.x()).allMatch(c -> c.point().length
                        == st.circuit.tensor(l.y()).layout().numVars()));
            }
            assertEquals(operands, claims.size());
            // one sumcheck for all four: 5 rounds, then every operand's evaluation
            assertEquals(roundBytes(st.circuit) + 24 * operands, run.proof().length);
        }
        assertArrayEquals(batched, RequantZeroChecks.batched(st.circuit, true), "zero-knowledge proofs batch them too");
    }

    @Test
    void manyLayersOfOneSize() throws InvalidProofException {
        // 7 layers of 6 or 5 tables: several instances of at most 16 tables, each with its own copy of the eq table
        Setup st = oneSize(8, 7);
        Run run = prove(st.circuit, st.w, Backends.vector());
        List<Claim> claims = verify(st.circuit, run.proof());
        assertNull(LayerHarness.falseClaim(claims, st.w));
        assertEquals(run.claims().size(), claims.size());
        for (int k : new int[] {0, 3, 6}) {
            WitnessValues bad = copy(st);
            int i = interiorIndex(st, k);
            bad.get(st.layers[k].y())[i] = Goldilocks.sub(bad.get(st.layers[k].y())[i], 1);
            assertCaught(st, bad);
        }
    }

    @Test
    void wrongRemainderLimbInOneLayerIsCaught() {
        Setup st = setup(2);
        for (int k = 0; k < st.layers.length; k++) {
            int i = interiorIndex(st, k);
            WitnessValues bad = copy(st);
            long[] limb = bad.get(st.layers[k].remainderLimbs()[0]);
            limb[i] = limb[i] == 0 ? 1 : limb[i] - 1; // still inside its range table
            assertNull(LayerHarness.missingLookupRow(st.circuit, bad));
            assertCaught(st, bad);
        }
    }

    @Test
    void wrongOutputInOneLayerIsCaught() {
        Setup st = setup(3);
        for (int k = 0; k < st.layers.length; k++) {
            int i = interiorIndex(st, k);
            WitnessValues bad = copy(st);
            bad.get(st.layers[k].y())[i] = Goldilocks.add(bad.get(st.layers[k].y())[i], 1);
            assertCaught(st, bad);
        }
    }

    @Test
    void wrongInputEntryInOneLayerIsCaught() {
        Setup st = setup(4);
        for (int k = 0; k < st.layers.length; k++) {
            WitnessValues bad = copy(st);
            int i = interiorIndex(st, k);
            bad.get(st.layers[k].x())[i] = Goldilocks.add(bad.get(st.layers[k].x())[i], 1L << 40);
            assertCaught(st, bad);
        }
    }

    @Test
    void tamperedRoundPolynomialRejected() {
        Setup st = setup(5);
        byte[] proof = prove(st.circuit, st.w, Backends.scalar()).proof();
        for (int off = 0; off < roundBytes(st.circuit); off += 8) {
            byte[] bad = proof.clone();
            ByteBuffer bb = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
            bb.putLong(off, Goldilocks.add(bb.getLong(off), 1));
            int at = off;
            assertThrows(InvalidProofException.class, () -> verify(st.circuit, bad), "round value at byte " + at);
        }
    }

    @Test
    void changedEvaluationOfOneLayerRejected() {
        Setup st = setup(6);
        byte[] proof = prove(st.circuit, st.w, Backends.scalar()).proof();
        for (int off = roundBytes(st.circuit); off < proof.length; off += 8) {
            byte[] bad = proof.clone();
            ByteBuffer bb = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
            bb.putLong(off, Goldilocks.add(bb.getLong(off), 1));
            int at = off;
            assertThrows(InvalidProofException.class, () -> verify(st.circuit, bad), "evaluation at byte " + at);
        }
    }

    @Test
    void flippedBitsAndTruncationRejected() {
        Setup st = setup(7);
        byte[] proof = prove(st.circuit, st.w, Backends.scalar()).proof();
        for (int off = 0; off < proof.length; off++) {
            byte[] bad = proof.clone();
            bad[off] ^= (byte) (1 << (off % 8));
            try {
                List<Claim> claims = verify(st.circuit, bad);
                // a flip that leaves the value canonical and the check passing is impossible but for negligible chance
                assertNotNull(LayerHarness.falseClaim(claims, st.w), "flip at byte " + off + " accepted with true claims");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        for (int len = 0; len < proof.length; len += 7) {
            byte[] cut = Arrays.copyOf(proof, len);
            assertThrows(InvalidProofException.class, () -> verify(st.circuit, cut));
        }
        byte[] longer = Arrays.copyOf(proof, proof.length + 8);
        assertThrows(InvalidProofException.class, () -> verify(st.circuit, longer));
    }
}

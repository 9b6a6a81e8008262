package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import dev.zkinfer.prover.pcs.ProgrammedTranscript;
import dev.zkinfer.transcript.Transcript;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole-proof simulation check of issue 13, on a one-layer model: a public input x (2×5), private
 * weights W (6×5, committed in the key's hiding model commitment with its blinding block), a public
 * output y = x·Wᵀ (one Linear layer). With the transcript's challenges programmed (they depend on a
 * seed and the label only, {@link ProgrammedTranscript}), a proof's layer part (every sumcheck
 * message, mask sum, masked claim and mask value from the first layer message to the model
 * commitment's opening: the Linear layer's masked sumcheck and the weights' blinded opening of
 * docs/zero-knowledge.md §5) is an affine function V = A·W + B·m of the weights and of all the
 * randomness m (the proof's masks and the key's blinding block). Drawing fresh keys and proofs
 * for one W spans B's image (the differences V_i − V_0); the test shows that the view of a
 * <em>different</em> W' with the same public statement (W' − W orthogonal to both rows of x, so
 * the output is the same) lies in V_0 + span(B): for every view of W there are masks giving W' the
 * same view, so with uniform masks the two views are identically distributed, and the simulator
 * that runs the honest prover on any weights consistent with (x, y) (here: ones it makes up from
 * the statement) produces the real view's distribution without the private weights.
 *
 * <p>Controls: weights with another output (W'' with W''·x ≠ W·x) give a view outside the span;
 * and with the blinding block fixed (one key, fresh proofs only) W' is outside the span too: the
 * weights' evaluation inside the blinded opening is hidden by the key's blinding block, which is
 * why a key hides its weights for a bounded number of proofs only (§5).
 *
 * <p>What this does not show: the commitments' part of the view (roots, salts, Merkle paths, the
 * WHIR openings' values) is not in V; {@code WhirZeroKnowledgeTest} shows the same span property
 * for the hiding WHIR openings given their claims. Models with products of two private tensors
 * (a second Linear layer on a private activation, elementwise products, lookups) make V a
 * polynomial of degree 2 in the masks, outside this affine technique; their hiding rests on the
 * per-component arguments (MaskedSumcheckTest, MaskedClaimsTest, ZkLookupsTest) and the
 * simulator sketch of docs/zero-knowledge.md §4. The simulated proofs are not checked against the
 * verifier (a programmed transcript binds nothing; the verifier uses the hash transcript).
 */
class ZkSimulationTest {
    static final int ROWS = 2, IN = 5, OUT = 6;

    static Circuit circuit() {
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(ROWS, IN), TensorRole.INPUT);
        int w = cb.tensor("w", TensorLayout.of(OUT, IN), TensorRole.MODEL);
        int y = cb.tensor("y", TensorLayout.of(ROWS, OUT), TensorRole.COMPUTED);
        cb.layer(new LinearLayer(x, w, -1, y));
        return cb.build(x, y);
    }

    record Keyed(VerifyingKey vk, CircuitProver prover, WhirProver.WhirCommitment commitment) {}

    /** The model table of a zero-knowledge key for weights {@code w} (unpadded, row-major), its blinding block from {@code seed}. */
    static long[] modelTable(Circuit c, CommittedLayout ml, long[] w, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Integer, long[]> mv = new HashMap<>();
        mv.put(1, c.tensor(1).layout().pad(w, 0));
        long[] bl = new long[1 << ml.blocks(ZkLayout.blindingBlock(c)).get(0).numVars()];
        for (int i = 0; i < bl.length; i++) {
            bl[i] = dev.zkinfer.prover.sumcheck.SumcheckProver.uniformBase(rnd);
        }
        mv.put(ZkLayout.blindingBlock(c), bl);
        return ml.pack(mv);
    }

    /** A zero-knowledge key for weights {@code w} with its randomness from {@code seed}: committed, so its proofs verify. */
    static Keyed key(Circuit c, long[] w, long seed) {
        SecurityProfile profile = SecurityProfile.DEFAULT;
        ZkLayout.ModelHiding hiding = VerifyingKey.modelHiding(profile, c, VerifyingKey.defaultHiddenProofs(profile, c));
        long[] table = modelTable(c, hiding.layout(), w, seed);
        WhirProver.WhirCommitment commitment = new WhirProver(hiding.params(), Backends.scalar()).commit(table, hiding.layout().numVars(),
                ZkProofTest.seeded(seed));
        VerifyingKey vk = new VerifyingKey(profile, c, commitment.root(), new IoScales(1.0, -128, 127, 1.0), true);
        return new Keyed(vk, new CircuitProver(vk, commitment, table, Backends.scalar()), commitment);
    }

    /**
     * The prover of a key for weights {@code w} with its blinding block from {@code seed}, for layer
     * parts only: it holds {@code base}'s commitment (its root and out-of-domain answers come before
     * the layer part, and the programmed transcript absorbs nothing, so the layer part is the one an
     * honest key with this blinding block gives; the model opening, which would not match, is never made).
     */
    static CircuitProver layerProver(Keyed base, Circuit c, long[] w, long seed) {
        long[] table = modelTable(c, base.vk().modelLayout(), w, seed);
        return new CircuitProver(base.vk(), base.commitment(), table, Backends.scalar());
    }

    static WitnessValues witness(Circuit c, long[] x, long[] w) {
        WitnessValues v = new WitnessValues(c);
        v.put(0, c.tensor(0).layout().pad(x, 0));
        v.put(1, c.tensor(1).layout().pad(w, 0));
        LayerHarness.computeWitness(c, v);
        return v;
    }

    /** The layer part of a proof under programmed challenges, as base-field elements. */
    static long[] view(CircuitProver prover, WitnessValues w, long proofSeed) {
        int[] range = new int[2];
        byte[] proof = prover.insecureLayerPart(w, ZkProofTest.seeded(proofSeed), new ProgrammedTranscript(77), range);
        assertEquals(0, (range[1] - range[0]) % 8, "the layer part is field elements");
        ByteBuffer bb = ByteBuffer.wrap(proof, range[0], range[1] - range[0]).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[(range[1] - range[0]) / 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = bb.getLong();
            assertTrue(Long.compareUnsigned(v[i], Goldilocks.P) < 0, "word " + i + " of the layer part is not a field element");
        }
        return v;
    }

    /** Row-reduced basis over the base field; {@link #reduce} leaves the part of a vector outside the span. */
    static final class Span {
        final List<long[]> rows = new ArrayList<>();
        final List<Integer> pivots = new ArrayList<>();

        long[] reduce(long[] v) {
            long[] r = v.clone();
            for (int i = 0; i < rows.size(); i++) {
                int p = pivots.get(i);
                if (r[p] != 0) {
                    long f = r[p];
                    long[] row = rows.get(i);
                    for (int j = 0; j < r.length; j++) {
                        r[j] = Goldilocks.sub(r[j], Goldilocks.mul(f, row[j]));
                    }
                }
            }
            return r;
        }

        /** Adds v; whether the rank grew. */
        boolean add(long[] v) {
            long[] r = reduce(v);
            int p = firstNonZero(r);
            if (p < 0) {
                return false;
            }
            long inv = Goldilocks.inv(r[p]);
            for (int j = 0; j < r.length; j++) {
                r[j] = Goldilocks.mul(r[j], inv);
            }
            // keep the basis fully reduced at the new pivot
            for (int i = 0; i < rows.size(); i++) {
                long[] row = rows.get(i);
                long f = row[p];
                if (f != 0) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = Goldilocks.sub(row[j], Goldilocks.mul(f, r[j]));
                    }
                }
            }
            rows.add(r);
            pivots.add(p);
            return true;
        }

        boolean contains(long[] v) {
            return firstNonZero(reduce(v)) < 0;
        }

        static int firstNonZero(long[] r) {
            for (int j = 0; j < r.length; j++) {
                if (r[j] != 0) {
                    return j;
                }
            }
            return -1;
        }
    }

    static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = Goldilocks.sub(a[i], b[i]);
        }
        return d;
    }

    /** Spans {V(k_i, proof_i) − v0} until {@code stable} samples in a row add nothing; the rank. */
    static int span(Span s, long[] v0, java.util.function.LongFunction<long[]> sample, int stable, int max) {
        int quiet = 0;
        for (int i = 1; i <= max && quiet < stable; i++) {
            quiet = s.add(minus(sample.apply(i), v0)) ? 0 : quiet + 1;
        }
        assertEquals(stable, quiet, "the span did not settle within " + max + " samples");
        return s.rows.size();
    }

    @Test
    void anotherWeightsViewWithTheSameStatementLiesInTheSpanOfTheMasks() {
        Circuit c = circuit();
        SplittableRandom rnd = new SplittableRandom(2026);
        long[] x = new long[ROWS * IN];
        long[] w = new long[OUT * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = Goldilocks.fromSigned(rnd.nextInt(-100, 101));
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = Goldilocks.fromSigned(rnd.nextInt(-100, 101));
        }
        // W' = W + D with every row of D orthogonal to both rows of x: the same output
        long[] d = orthogonalRow(x);
        long[] w2 = w.clone();
        for (int o = 0; o < OUT; o++) {
            for (int k = 0; k < IN; k++) {
                w2[o * IN + k] = Goldilocks.add(w2[o * IN + k], Goldilocks.mul(Goldilocks.fromSigned(o + 1), d[k]));
            }
        }
        WitnessValues a = witness(c, x, w), b = witness(c, x, w2);
        assertArrayEquals(a.get(2), b.get(2), "the same public output");
        assertFalse(java.util.Arrays.equals(a.get(1), b.get(1)), "other weights");
        // a third weight tensor with another output: the control
        long[] w3 = w.clone();
        w3[0] = Goldilocks.add(w3[0], 1);
        WitnessValues other = witness(c, x, w3);

        // the honest proofs verify (with the hash transcript): the circuit is a proper zero-knowledge one
        Keyed k0 = key(c, w, 1);
        CircuitVerifier.Outcome o = CircuitVerifier.verify(k0.vk(), k0.prover().prove(a, 1, m -> {}, null, ZkProofTest.seeded(9)));
        assertTrue(o.result().isValid(), o.result().reason());

        long[] v0 = view(layerProver(k0, c, w, 1), a, 1000);
        // the weights do reach the view: with the same randomness, other weights give another view
        assertFalse(java.util.Arrays.equals(v0, view(layerProver(k0, c, w2, 1), b, 1000)), "the view does not depend on the weights");
        assertArrayEquals(v0, view(layerProver(k0, c, w, 1), a, 1000), "the view is a function of the weights and the randomness");
        Span s = new Span();
        int rank = span(s, v0, i -> view(layerProver(k0, c, w, 1 + i), a, 1000 + i), 4, 400);
        System.out.printf("layer part: %d base-field elements; the masks span %d dimensions%n", v0.length, rank);
        assertTrue(rank > 0 && rank < v0.length, "the view has structure (sumcheck relations) and randomness: rank " + rank);
        // the other weights' views, for several keys and proofs, are in v0 + span
        for (long i = 0; i < 3; i++) {
            assertTrue(s.contains(minus(view(layerProver(k0, c, w2, 500 + i), b, 2000 + i), v0)),
                    "W' view " + i + " outside the span of the masks");
        }
        // control: another output is outside it
        assertFalse(s.contains(minus(view(layerProver(k0, c, w3, 600), other, 3000), v0)), "control: a view for another output is in the span");

        // with one key (its blinding block fixed), fresh proofs span less, and W' is outside it
        CircuitProver fixed = layerProver(k0, c, w, 700);
        long[] f0 = view(fixed, a, 4000);
        Span perProof = new Span();
        int perProofRank = span(perProof, f0, i -> view(fixed, a, 4000 + i), 4, 400);
        System.out.printf("with the key's blinding block fixed, the proofs' masks span %d dimensions%n", perProofRank);
        assertTrue(perProofRank < rank, "the key's blinding block adds directions: " + perProofRank + " < " + rank);
        assertFalse(perProof.contains(minus(view(layerProver(k0, c, w2, 700), b, 5000), f0)),
                "control: with the blinding block fixed, the weights' evaluation is not hidden by the proof's masks alone");
    }

    /** A vector orthogonal (over the field) to both rows of x, not zero. */
    static long[] orthogonalRow(long[] x) {
        // solve d·x0 = 0, d·x1 = 0 with d = (d0, d1, 1, 0, 0) by Cramer's rule over the field
        long a = x[0], bb = x[1], c = x[IN], dd = x[IN + 1];
        long e = Goldilocks.neg(x[2]), f = Goldilocks.neg(x[IN + 2]);
        long det = Goldilocks.sub(Goldilocks.mul(a, dd), Goldilocks.mul(bb, c));
        assertNotEquals(0, det);
        long inv = Goldilocks.inv(det);
        long d0 = Goldilocks.mul(Goldilocks.sub(Goldilocks.mul(e, dd), Goldilocks.mul(bb, f)), inv);
        long d1 = Goldilocks.mul(Goldilocks.sub(Goldilocks.mul(a, f), Goldilocks.mul(e, c)), inv);
        long[] d = {d0, d1, 1, 0, 0};
        for (int r = 0; r < ROWS; r++) {
            long dot = 0;
            for (int k = 0; k < IN; k++) {
                dot = Goldilocks.add(dot, Goldilocks.mul(d[k], x[r * IN + k]));
            }
            assertEquals(0, dot, "orthogonal to row " + r);
        }
        return d;
    }
}

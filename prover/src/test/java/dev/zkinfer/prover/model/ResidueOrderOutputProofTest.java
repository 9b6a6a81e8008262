package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.ResidueOrder;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.nn.graph.GptBuilder;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tied LM head over a vocabulary on the residue path computes its logits in residue order; the
 * circuit proves them in that order, as the proof's public output, and the key records the order,
 * which the verifier applies outside the proof (issue 15: no Gather layer, no sumcheck). What a user
 * reads (the verifier's outcome, the prover's result) is in vocabulary order and is the integer
 * executor's output; a proof whose public logits are changed, swapped or written in another order
 * is rejected.
 */
class ResidueOrderOutputProofTest {
    static final int T = 4;
    static final GptBuilder.Config CONFIG = new GptBuilder.Config(1, 2, 16, 5_000, T);

    static QuantizedModel qm;
    static ProvingKey pk;
    static IntTensor x;
    static byte[] proof;
    static long[] logits;

    @BeforeAll
    static void prove() {
        qm = TiedLmHeadProofTest.quantized(CONFIG, true, false);
        pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        x = qm.quantizeInput(GptBuilder.randomPrompts(11, CONFIG.vocab(), T, 1).get(0));
        ProofResult r = new ModelProver(pk).prove(x, s -> {});
        proof = r.proof();
        logits = Arrays.stream(IntegerExecutor.create().infer(qm, x).data()).asLongStream().toArray();
        assertArrayEquals(logits, Arrays.stream(r.output().data()).asLongStream().toArray(), "the prover's result is in vocabulary order");
    }

    static boolean accepted(byte[] p) {
        return CircuitVerifier.verify(pk.verifyingKey(), p).result().isValid();
    }

    @Test
    void theLogitsAreProvedInResidueOrderWithoutAGatherLayer() {
        VerifyingKey vk = pk.verifyingKey();
        ResidueOrder order = vk.outputOrder(0);
        assertNotNull(order, "the key records the logits' order");
        assertEquals(CONFIG.vocab(), order.elements());
        Circuit c = vk.circuit();
        int[] outDims = c.tensor(c.outputs()[0]).layout().dims();
        assertEquals(order.width(), outDims[outDims.length - 1], "the circuit's output is in residue order");
        assertArrayEquals(new int[] {1, T, CONFIG.vocab()}, vk.outputDims(0), "the model's output shape");
        for (Layer l : c.layers()) {
            assertFalse(l instanceof IndexMapLayer m && m.map() instanceof IndexMap.Gather g && g.indices().length == CONFIG.vocab(),
                    "no Gather into vocabulary order");
        }
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, proof);
        assertTrue(o.result().isValid(), o.result().toString());
        assertArrayEquals(logits, o.output(), "the verifier presents the integer executor's logits, in vocabulary order");
        // the proof holds them in residue order: the same values at the order's positions, 0 at the positions naming no token
        long[] written = PublicValues.output(proof).values();
        assertEquals((long) T * order.width(), written.length);
        assertArrayEquals(order.toCircuit(logits), written);
        assertFalse(Arrays.equals(Arrays.copyOf(written, logits.length), logits), "residue order is not vocabulary order");
    }

    @Test
    void aKeyLoadedFromItsFileKeepsTheOrder() throws Exception {
        VerifyingKey back = VerifyingKey.decode(pk.verifyingKey().encode());
        assertEquals(pk.verifyingKey().outputOrder(0), back.outputOrder(0));
        assertArrayEquals(pk.verifyingKey().digest(), back.digest());
        assertArrayEquals(logits, CircuitVerifier.verify(back, proof).output());
        for (boolean background : new boolean[] {false, true}) {
            ProvingKey loaded = background ? ProvingKey.decodeRecommittingInBackground(pk.encode(), s -> {})
                    : ProvingKey.decode(pk.encode(), s -> {});
            assertArrayEquals(pk.verifyingKey().digest(), loaded.verifyingKey().digest());
            ProofResult again = new ModelProver(loaded).prove(x, s -> {});
            assertArrayEquals(proof, again.proof(), "integrity proofs are deterministic");
            assertArrayEquals(logits, Arrays.stream(again.output().data()).asLongStream().toArray());
        }
    }

    @Test
    void rejectsAProofWithAChangedLogit() {
        PublicValues.Tensor out = PublicValues.output(proof);
        int at = pk.verifyingKey().outputOrder(0).position(1_234);
        assertFalse(accepted(PublicValues.withValueChanged(proof, out, at, 1)));
        assertFalse(accepted(PublicValues.withValueChanged(proof, out, at + 2 * pk.verifyingKey().outputOrder(0).width(), -1)));
    }

    @Test
    void rejectsAProofWhoseLogitsArePermutedDifferently() {
        PublicValues.Tensor out = PublicValues.output(proof);
        ResidueOrder order = pk.verifyingKey().outputOrder(0);
        // two tokens' logits swapped
        int i = 0, j = 1;
        while (logits[i] == logits[j]) {
            j++;
        }
        long[] swapped = out.values().clone();
        swapped[order.position(i)] = logits[j];
        swapped[order.position(j)] = logits[i];
        assertFalse(accepted(PublicValues.withValues(proof, out, swapped)));
        // the logits in vocabulary order where the circuit holds residue order (a prover skipping the order)
        long[] plain = new long[out.values().length];
        for (int t = 0; t < T; t++) {
            System.arraycopy(logits, t * order.elements(), plain, t * order.width(), order.elements());
        }
        assertFalse(accepted(PublicValues.withValues(proof, out, plain)));
        // each token's logit at the next token's position (a rotation of the order)
        long[] rotated = out.values().clone();
        for (int t = 0; t < T; t++) {
            for (int v = 0; v < order.elements(); v++) {
                rotated[t * order.width() + order.position((v + 1) % order.elements())] = logits[t * order.elements() + v];
            }
        }
        assertFalse(accepted(PublicValues.withValues(proof, out, rotated)));
    }

    @Test
    void rejectsAProofWithAChangedPositionThatNamesNoToken() {
        ResidueOrder order = pk.verifyingKey().outputOrder(0);
        boolean[] named = new boolean[order.width()];
        for (int i = 0; i < order.elements(); i++) {
            named[order.position(i)] = true;
        }
        int free = 0;
        while (named[free]) {
            free++;
        }
        PublicValues.Tensor out = PublicValues.output(proof);
        assertEquals(0, out.values()[free]);
        byte[] changed = PublicValues.withValue(proof, out, free, 1);
        assertFalse(accepted(changed), "the values at positions naming no token are proved too");
    }

    @Test
    void rejectsATruncatedOrFlippedPublicOutput() {
        PublicValues.Tensor out = PublicValues.output(proof);
        assertFalse(accepted(Arrays.copyOf(proof, out.valuesAt() + 10)));
        byte[] flipped = proof.clone();
        flipped[out.valuesAt() + 3 * out.width()] ^= 1;
        assertFalse(accepted(flipped));
        // the output's length one short of the circuit's (the key fixes it)
        byte[] shorter = proof.clone();
        ByteBuffer.wrap(shorter, out.widthAt() - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(out.values().length - 1);
        assertFalse(accepted(shorter));
    }

    @Test
    void aKeyWithAnInvalidOrderIsMalformed() throws Exception {
        ResidueOrder order = pk.verifyingKey().outputOrder(0);
        byte[] file = pk.verifyingKey().encode();
        byte[] pattern = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(order.elements()).putInt(order.b1())
                .putInt(order.b2()).array();
        int at = indexOf(file, pattern);
        assertTrue(at > 0, "the order is in the key");
        // b1 even: not coprime to b2, two tokens would share a position
        byte[] bad = file.clone();
        ByteBuffer.wrap(bad, at + 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(order.b1() + 1);
        resum(bad);
        MalformedProofException e = assertThrows(MalformedProofException.class, () -> VerifyingKey.decode(bad));
        assertTrue(e.getMessage().contains("output order"), e.getMessage());
        // a width other than the circuit's output axis
        byte[] wide = file.clone();
        ByteBuffer.wrap(wide, at + 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(order.b1() + 2);
        resum(wide);
        assertThrows(MalformedProofException.class, () -> VerifyingKey.decode(wide));
        // an order kind other than 0 and 1
        byte[] kind = file.clone();
        ByteBuffer.wrap(kind, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        resum(kind);
        assertThrows(MalformedProofException.class, () -> VerifyingKey.decode(kind));
    }

    /**
     * Any model output made by a last-axis Gather of constant indices in residue order (here 10 of a
     * Linear layer's 12 outputs, modulo 3 and 4) is proved in the circuit's order; a Gather of other
     * indices (the same outputs reversed) stays a layer. Both prove the integer executor's output.
     */
    @Test
    void onlyAGatherOfResidueOrderIndicesIsAppliedOutsideTheProof() {
        long[] residue = new long[10], reversed = new long[10];
        for (int i = 0; i < 10; i++) {
            residue[i] = (i % 3) * 4 + i % 4;
            reversed[i] = 11 - i;
        }
        for (long[] indices : new long[][] {residue, reversed}) {
            boolean inOrder = indices == residue;
            java.util.Random random = new java.util.Random(3);
            double[] w = new double[16 * 12];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.nextDouble() - 0.5;
            }
            java.util.Map<String, dev.zkinfer.nn.tensor.Tensor> weights = new java.util.LinkedHashMap<>();
            weights.put("w", dev.zkinfer.nn.tensor.Tensor.of(new int[] {16, 12}, w));
            weights.put("indices", dev.zkinfer.nn.tensor.Tensor.ofLongs(new int[] {10}, indices));
            java.util.List<dev.zkinfer.nn.graph.Node> nodes = java.util.List.of(
                    new dev.zkinfer.nn.graph.Node("mm", "MatMul", 0, 13, java.util.List.of("x", "w"), java.util.List.of("y"), java.util.Map.of()),
                    new dev.zkinfer.nn.graph.Node("pick", "Gather", 1, 13, java.util.List.of("y", "indices"), java.util.List.of("out"),
                            java.util.Map.of("axis", 1L)));
            dev.zkinfer.nn.graph.Graph g = dev.zkinfer.nn.graph.GraphAssembler.assemble(nodes, weights,
                    java.util.List.of(new dev.zkinfer.nn.graph.ValueInfo("x", new int[] {1, 16})), java.util.List.of("out"), 1, 1);
            double[] xs = new double[16];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = random.nextDouble() * 2 - 1;
            }
            dev.zkinfer.nn.tensor.Tensor in = dev.zkinfer.nn.tensor.Tensor.of(new int[] {1, 16}, xs);
            QuantizedModel m = dev.zkinfer.nn.quant.Quantizer.quantize(g, java.util.List.of(in), dev.zkinfer.nn.quant.QuantizationOptions.int8());
            ProvingKey key = ProvingKey.create(m, SecurityProfile.DEFAULT, s -> {});
            VerifyingKey vk = key.verifyingKey();
            assertEquals(inOrder ? new ResidueOrder(10, 3, 4) : null, vk.outputOrder(0));
            long gathers = vk.circuit().layers().stream().filter(l -> l instanceof IndexMapLayer im && im.map() instanceof IndexMap.Gather).count();
            assertEquals(inOrder ? 0 : 1, gathers, "the Gather layer");
            assertArrayEquals(new int[] {1, 10}, vk.outputDims(0));
            IntTensor q = m.quantizeInput(in);
            ProofResult r = new ModelProver(key).prove(q, s -> {});
            CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
            assertTrue(o.result().isValid(), o.result().toString());
            long[] expected = Arrays.stream(IntegerExecutor.create().infer(m, q).data()).asLongStream().toArray();
            assertArrayEquals(expected, o.output());
            assertArrayEquals(expected, Arrays.stream(r.output().data()).asLongStream().toArray());
            assertEquals(inOrder ? 12 : 10, PublicValues.output(r.proof()).values().length, "the public output as the circuit holds it");
        }
    }

    private static int indexOf(byte[] a, byte[] p) {
        outer:
        for (int i = 0; i + p.length <= a.length; i++) {
            for (int k = 0; k < p.length; k++) {
                if (a[i + k] != p[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Recomputes a key file's trailing checksum (a crafted key, not a corrupted one). */
    private static void resum(byte[] file) throws Exception {
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(file, file.length - 32));
        System.arraycopy(sum, 0, file, file.length - 32, 32);
    }
}

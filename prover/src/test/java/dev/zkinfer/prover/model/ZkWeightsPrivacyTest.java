package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuits.ModelCompiler;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: "the weights' quantized values do not appear in the proof bytes" of a zero-knowledge
 * key. A proof writes every value it carries as a little-endian u64 field element
 * ({@code ProofWriter.u64}; a signed value v as {@link Goldilocks#fromSigned}). The weights are
 * every MODEL tensor of the compiled circuit (weights and biases, as the key commits them). The
 * scan reads the proof at every byte offset (aligned or not) after its public values (the public
 * input and output are int8 values too, so many equal some weight) and looks for:
 * <ul>
 *   <li>every non-trivial negative weight (w &lt; −1) on its own: its encoding p − |w| is
 *       unmistakable;
 *   <li>every pair of consecutive weights of a tensor (both |w| &gt; 1), as 16 bytes: a small
 *       positive weight alone is the u64 of a small integer, which a proof also holds for other
 *       reasons (the WHIR rounds' proof-of-work nonces are small integers: scans for single positive
 *       values found values like 47, 65 and 108 there, at offsets that change from proof to proof),
 *       so positive weights are looked for two at a time.
 * </ul>
 * Control: the same two scans, over the public input's values written as the proof writes field
 * elements (u64, as its sumcheck messages and evaluations are; since proof version 12 the public
 * values themselves are written narrower) and placed after the proof's public values, find every
 * negative input value and every pair of consecutive input values: a weight tensor written the way
 * a proof writes field elements would be found. An integrity-mode proof of the same input is
 * scanned too and what it holds is printed (its openings are codeword symbols and folded
 * evaluations, not raw weights either, so it is no control).
 *
 * <p>What this does not show: that no function of the weights is revealed (that is the simulation
 * argument, docs/zero-knowledge.md §4, and {@code ZkSimulationTest}); only that the raw quantized
 * values are absent.
 */
class ZkWeightsPrivacyTest {
    /** The values a scan looks for: single u64 values, and pairs of consecutive u64 values. */
    record Needles(Set<Long> singles, Set<List<Long>> pairs) {
        static Needles of(List<long[]> tensors) {
            Set<Long> singles = new HashSet<>();
            Set<List<Long>> pairs = new HashSet<>();
            for (long[] t : tensors) {
                for (int i = 0; i < t.length; i++) {
                    long s = Goldilocks.toSigned(t[i]);
                    if (s < -1) {
                        singles.add(t[i]);
                    }
                    if (i + 1 < t.length && Math.abs(s) > 1 && Math.abs(Goldilocks.toSigned(t[i + 1])) > 1) {
                        pairs.add(List.of(t[i], t[i + 1]));
                    }
                }
            }
            return new Needles(singles, pairs);
        }

        /** What of these occurs in bytes[from, to), each as "value" or "value,value". */
        Set<String> foundIn(byte[] bytes, int from, int to) {
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            Set<String> hits = new TreeSet<>();
            for (int i = from; i + 8 <= to; i++) {
                long a = bb.getLong(i);
                if (singles.contains(a)) {
                    hits.add(Long.toString(Goldilocks.toSigned(a)));
                }
                if (i + 16 <= to) {
                    long b = bb.getLong(i + 8);
                    if (pairs.contains(List.of(a, b))) {
                        hits.add(Goldilocks.toSigned(a) + "," + Goldilocks.toSigned(b));
                    }
                }
            }
            return hits;
        }

        int size() {
            return singles.size() + pairs.size();
        }
    }

    static Needles weights(QuantizedModel qm) {
        return Needles.of(new ArrayList<>(ModelCompiler.compile(qm, false).modelValues().values()));
    }

    /**
     * Where a proof's public values end: after the header, each public input and each public
     * output (a u32 count, then per tensor a u32 length and its values), as CircuitProver writes them.
     */
    static int publicValuesEnd(byte[] proof) {
        return PublicValues.end(proof);
    }

    private static void noWeightInTheProofs(QuantizedModel qm, IntTensor input) throws Exception {
        Needles weights = weights(qm);
        assertTrue(weights.singles().size() >= 10 && weights.pairs().size() >= 20, "enough weight values to scan for");
        long[] x = Arrays.stream(input.data()).mapToLong(Goldilocks::fromSigned).toArray();
        Needles inputs = Needles.of(List.of(x));
        assertTrue(inputs.singles().size() >= 3 && inputs.pairs().size() >= 5, "enough input values for the control");
        for (boolean privateInput : new boolean[] {false, true}) {
            ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, privateInput), s -> {});
            for (int proofs = 0; proofs < 2; proofs++) {
                byte[] proof = new ModelProver(zk).prove(input, s -> {}).proof();
                assertTrue(CircuitVerifier.verify(zk.verifyingKey(), proof).result().isValid());
                int end = publicValuesEnd(proof);
                assertTrue(end > ProofProtocol.HEADER_BYTES && end < proof.length / 4, "the public values' end: " + end);
                String what = (privateInput ? "private" : "public") + " input, proof " + proofs;
                assertEquals(Set.of(), weights.foundIn(proof, end, proof.length), what + ": weight values in the proof");
                if (privateInput) {
                    // after the public values too: the public output's int8 values may equal input values
                    assertEquals(Set.of(), inputs.foundIn(proof, end, proof.length), what + ": a private input's values in the proof");
                } else {
                    // control: every needle of the public input is found in its values written as field elements within the proof
                    byte[] written = new dev.zkinfer.encoding.ProofWriter().bases(x).toByteArray();
                    byte[] planted = new byte[proof.length + written.length];
                    System.arraycopy(proof, 0, planted, 0, end);
                    System.arraycopy(written, 0, planted, end, written.length);
                    System.arraycopy(proof, end, planted, end + written.length, proof.length - end);
                    assertEquals(inputs.size(), inputs.foundIn(planted, end, end + written.length).size(),
                            what + ": control, the public input is found");
                }
            }
        }
    }

    @Test
    void anMlpsWeightsAreInNoZeroKnowledgeProof() throws Exception {
        Graph g = new ModelBuilder(11, 1, 64).gemm(32).relu().gemm(10).build();
        QuantizedModel qm = ModelProofTest.quantize(g, 5);
        noWeightInTheProofs(qm, qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 6).get(0)));
    }

    @Test
    void aConvolutionsWeightsAreInNoZeroKnowledgeProof() throws Exception {
        Graph g = new ModelBuilder(12, 1, 2, 8, 8).conv(4, 3, 1, 1).relu().flatten().gemm(6).build();
        QuantizedModel qm = ModelProofTest.quantize(g, 7);
        noWeightInTheProofs(qm, qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 8).get(0)));
    }
}

package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.prover.circuit.LayerHarness;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuits.UnsupportedModelException;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13's sweep: every EZKL conformance model that integrity mode proves
 * ({@link ConformanceProofTest}) × each input visibility, in zero-knowledge mode. For each pair
 * either the zero-knowledge key is made and its proof verifies with the integrity proof's outputs
 * (row 0 of the batch circuit when the key proves one inference in a larger batch), is randomized,
 * is rejected by the integrity key, and is rejected with a flipped byte in its body, a changed public
 * output or a truncation; or the key is <em>refused when made</em> with a one-line message, in which
 * case the pair is listed in {@link #REFUSED} with the reason's start. A refusal that is not listed,
 * a listed one that now proves, or any failure at prove or verify time fails the test.
 *
 * <p>Visibility is a parameter ({@link Visibility}): public, private, and committed input with committed output.
 *
 * <p>Run time: the default selection (27 models × 3 visibilities) takes about a minute on two busy cores; the two models whose
 * zero-knowledge proofs take 10 s to 95 s each (self_attention, nanoGPT: about 4 minutes together,
 * measured 2026-12-04) are in {@link #HEAVY} and run only with {@code -Dzkinfer.zkSweep=all};
 * the default selection covers every other model ({@code -Dzkinfer.zkSweep=heavy}: the heavy ones only;
 * {@code -Dzkinfer.zkModels=1l_concat,1l_mean}: the models named). Run all with
 * {@code ./run-tests -pl prover -am -Dtest=ZkConformanceProofTest -Dsurefire.failIfNoSpecifiedTests=false -Dzkinfer.zkSweep=all}.
 * A summary is written to target/zk-conformance-proofs.txt.
 */
class ZkConformanceProofTest {
    /**
     * Visibility (docs/zero-knowledge.md §1): public input and output; private input; committed input
     * and committed output (the combination that exercises both commitments; the other pairings of
     * the ends are {@code CommittedOutputProofTest}'s).
     */
    enum Visibility {
        PUBLIC(false, false),
        PRIVATE(true, false),
        COMMITTED(true, true);

        final boolean privateInput;
        final boolean committed;

        Visibility(boolean privateInput, boolean committed) {
            this.privateInput = privateInput;
            this.committed = committed;
        }

        ProvingKey.Options options() {
            return new ProvingKey.Options(true, privateInput, committed, 0, committed);
        }
    }

    /**
     * Pairs ("model VISIBILITY") whose zero-knowledge key is refused when made, with the start of the
     * one-line reason. Each entry is a limit of the mode ({@code ZkLayout.unsupported},
     * {@code Layer.zeroKnowledgeLimit}), not a failure at prove or verify time. With public and private
     * input every model that integrity mode proves proves in this mode too (1l_concat: a concatenation,
     * docs/zero-knowledge.md §3.7; 1l_mean: a mean to one element, padded by the compiler, §8 item 6),
     * and with committed input and output as well (1l_mean's one-element output is committed in its
     * padded form [value, 0], §3.5). Empty: every pair proves.
     */
    static final Map<String, String> REFUSED = Map.of();

    /** Models left out of the default run for their proving time (see the class comment). */
    static final List<String> HEAVY = List.of("self_attention", "nanoGPT");

    static final Map<String, String> SUMMARY = new TreeMap<>();

    /** The integrity-mode result of a model: its key's outputs for the case's input, or why it is not proved. */
    record Integrity(QuantizedModel qm, IntTensor input, List<long[]> outputs, String notProved) {}

    private static final Map<String, Integrity> INTEGRITY = new HashMap<>();

    static Stream<Arguments> cases() throws Exception {
        String selection = System.getProperty("zkinfer.zkSweep", "default");
        String named = System.getProperty("zkinfer.zkModels", "");
        List<String> only = named.isEmpty() ? List.of() : List.of(named.split(","));
        List<Arguments> out = new ArrayList<>();
        for (String name : ConformanceProofTest.cases().toList()) {
            boolean heavy = HEAVY.contains(name);
            if (!only.isEmpty() ? !only.contains(name) : selection.equals("heavy") ? !heavy : !selection.equals("all") && heavy) {
                continue;
            }
            for (Visibility v : Visibility.values()) {
                out.add(Arguments.of(name, v));
            }
        }
        return out.stream();
    }

    private static synchronized Integrity integrity(String name) throws Exception {
        Integrity known = INTEGRITY.get(name);
        if (known != null) {
            return known;
        }
        Path caseDir = ConformanceProofTest.dir().resolve(name);
        EzklInput json = EzklInput.read(caseDir.resolve("input.json"));
        Integrity r;
        try {
            Graph g = OnnxModel.load(caseDir.resolve("network.onnx"));
            Map<String, Tensor> in = new HashMap<>();
            for (int i = 0; i < g.inputs().size(); i++) {
                var vi = g.inputs().get(i);
                in.put(vi.name(), Tensor.of(vi.shape(), json.inputData().get(i)));
            }
            QuantizedModel qm = Quantizer.quantizeNamed(g, List.of(in), QuantizationOptions.int8());
            ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
            var vi = g.inputs().get(0);
            IntTensor x = qm.quantizeInput(Tensor.of(vi.shape(), json.inputData().get(0)));
            CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), new ModelProver(pk).prove(x, s -> {}).proof());
            assertTrue(o.result().isValid(), name + " (integrity mode): " + o.result());
            r = new Integrity(qm, x, o.outputs(), null);
        } catch (UnsupportedModelException | ModelFormatException | IllegalArgumentException e) {
            r = new Integrity(null, null, null, e.getMessage());
        }
        INTEGRITY.put(name, r);
        return r;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void provesInZeroKnowledgeModeLikeIntegrityModeOrIsRefusedAtKeyCreation(String name, Visibility visibility) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(ConformanceProofTest.dir().resolve(name)),
                "shared conformance data not found at " + ConformanceProofTest.dir() + " (set -Dzkinfer.shared); skipping");
        Integrity plain = integrity(name);
        Assumptions.assumeTrue(plain.notProved() == null, name + " is not proved in integrity mode: " + plain.notProved());
        String key = name + " " + visibility;

        long t0 = System.nanoTime();
        ProvingKey zk;
        try {
            zk = ProvingKey.create(plain.qm(), SecurityProfile.DEFAULT, visibility.options(), s -> {});
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            assertNotNull(msg, key + ": refused without a message");
            assertFalse(msg.contains("\n"), key + ": the refusal is not one line: " + msg);
            assertTrue(msg.startsWith("zero-knowledge mode cannot prove this model"), key + ": refused for another reason: " + msg);
            String expected = REFUSED.get(key);
            assertNotNull(expected, key + ": refused but not listed in REFUSED: " + msg);
            assertTrue(msg.contains(expected), key + ": the reason changed: " + msg);
            record(key, String.format("REFUSED  %-32s %s", key, msg));
            return;
        }
        assertFalse(REFUSED.containsKey(key), key + " is listed in REFUSED but its key is made: remove the entry");
        assertTrue(zk.verifyingKey().zeroKnowledge());
        assertEquals(visibility.privateInput ? 0 : 1, zk.verifyingKey().circuit().inputs().length, key + ": public inputs of the key");

        long t1 = System.nanoTime();
        ModelProver prover = new ModelProver(zk);
        ProofResult result = prover.prove(plain.input(), s -> {});
        byte[] proof = result.proof();
        long t2 = System.nanoTime();
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), proof);
        long t3 = System.nanoTime();
        assertTrue(o.result().isValid(), key + ": " + o.result());
        if (visibility.committed) {
            // no output in the proof; the opening the prover wrote opens the commitment to the integrity outputs
            assertTrue(o.outputs().isEmpty(), key + ": a committed output is not in the outcome");
            CommitmentOpening opening = result.opening();
            assertNotNull(opening, key + ": no opening written");
            assertTrue(opening.check(zk.verifyingKey(), o).isValid(), key + ": " + opening.check(zk.verifyingKey(), o));
            assertEquals(plain.outputs().size(), opening.count(CommittedEnd.OUTPUTS), key + ": number of outputs");
            for (int j = 0; j < plain.outputs().size(); j++) {
                long[] want = plain.outputs().get(j);
                assertArrayEquals(want, opening.output(j), key + ": output " + j + " differs from integrity mode");
            }
            List<long[]> other = new ArrayList<>(opening.part(CommittedEnd.OUTPUTS).values());
            long[] changed = other.get(0).clone();
            changed[0] += 1;
            other.set(0, changed);
            CommitmentOpening wrong = new CommitmentOpening(opening.keyDigest(), opening.batch(), opening.rows(),
                    opening.part(CommittedEnd.INPUTS), new CommitmentOpening.Part(other, opening.part(CommittedEnd.OUTPUTS).seed()));
            assertFalse(wrong.check(zk.verifyingKey(), o).isValid(), key + ": the opening of another output was accepted");
        } else {
            assertEquals(plain.outputs().size(), o.outputs().size(), key + ": number of outputs");
            for (int j = 0; j < plain.outputs().size(); j++) {
                assertArrayEquals(plain.outputs().get(j), o.rowOutput(j, 0), key + ": output " + j + " differs from integrity mode");
            }
        }
        if (visibility.privateInput) {
            assertTrue(o.inputs().isEmpty(), key + ": a private input is not in the outcome");
        } else {
            long[] x = Arrays.stream(plain.input().data()).asLongStream().toArray();
            assertArrayEquals(x, o.rowInput(0, 0), key + ": the proved public input");
        }

        // randomized; the integrity-mode key does not accept it
        byte[] again = prover.prove(plain.input(), s -> {}).proof();
        assertFalse(Arrays.equals(proof, again), key + ": two zero-knowledge proofs are equal");
        assertTrue(CircuitVerifier.verify(zk.verifyingKey(), again).result().isValid(), key + ": the second proof");

        // tampering: a flipped byte at several places of the body, a changed output value, a truncation
        for (int at : new int[] {proof.length / 3, proof.length / 2, (int) (proof.length * 0.9), proof.length - 1}) {
            byte[] bad = proof.clone();
            bad[at] ^= 0x10;
            assertFalse(CircuitVerifier.verify(zk.verifyingKey(), bad).result().isValid(), key + ": byte " + at + " flipped was accepted");
        }
        if (!visibility.committed) {
            long[] firstOutput = Arrays.stream(o.outputs().get(0)).map(Goldilocks::fromSigned).toArray();
            int outAt = LayerHarness.firstOccurrence(proof, firstOutput);
            assertTrue(outAt >= 0, key + ": the public output is written in the proof");
            byte[] bad = proof.clone();
            bad[outAt] ^= 1;
            assertFalse(CircuitVerifier.verify(zk.verifyingKey(), bad).result().isValid(), key + ": a changed output was accepted");
        }
        assertFalse(CircuitVerifier.verify(zk.verifyingKey(), Arrays.copyOf(proof, proof.length - 8)).result().isValid(),
                key + ": a truncated proof was accepted");

        record(key, String.format("PROVED   %-32s batch %s, %7d-byte proof, setup %6.2f s, prove %6.2f s, verify %5.0f ms", key,
                Arrays.toString(zk.verifyingKey().batchSizes()), proof.length, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e6));
    }


    private static void record(String key, String line) {
        System.out.println(line);
        synchronized (SUMMARY) {
            SUMMARY.put(key, line);
        }
    }

    @AfterAll
    static void summary() throws Exception {
        StringBuilder sb = new StringBuilder("EZKL conformance models in zero-knowledge mode (" + SUMMARY.size() + " pairs):\n");
        SUMMARY.values().forEach(s -> sb.append(s).append('\n'));
        System.out.print(sb);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("zk-conformance-proofs.txt"), sb.toString());
        }
    }
}

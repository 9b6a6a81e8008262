package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitTensor;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.circuit.CircuitProver;
import dev.zkinfer.prover.circuit.LayerProvers;
import dev.zkinfer.prover.circuit.WitnessValues;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled character-level GPT (2 blocks, 4 heads, d = 64, context 32, trained on Genesis;
 * samples/.../chargpt/make_chargpt.py), exported by torch.onnx with token ids as an int64 input:
 * quantized to int16, its next-character argmax agrees with onnxruntime's float model over the
 * held-out text (Exodus 1-3, 64 windows of 32 characters, every position); a prompt of the full
 * context proves and verifies, its proved logits pick onnxruntime's next character; changed
 * logits, changed token ids, another model's key and flipped proof bytes are rejected; and a
 * prover that lets a position attend to a later one (the causal mask is a model tensor in the
 * key's commitment) is caught. Quantized to int16 (int8 misses the target, see below).
 */
class CharGptProofTest {
    static final Path DIR = Path.of("../samples/src/main/resources/dev/zkinfer/samples/chargpt");
    static final int CONTEXT = 32;

    static Graph graph;
    static List<String> vocab;
    static long[][] heldOut;
    static double[][] ortLogits;
    static QuantizedModel qm;
    static QuantizedModel qm8;
    private static ProvingKey pk;
    private static ProofResult proof;

    @BeforeAll
    static void load() throws Exception {
        graph = OnnxModel.load(DIR.resolve("chargpt.onnx"));
        vocab = Files.readAllLines(DIR.resolve("vocab.txt")).stream().map(CharGptProofTest::unquote).toList();
        heldOut = windows(Files.readString(DIR.resolve("heldout.txt")));
        ortLogits = new double[heldOut.length][];
        for (int w = 0; w < heldOut.length; w++) {
            ortLogits[w] = OnnxRuntimeReference.runIds(DIR.resolve("chargpt.onnx"), "ids", new long[] {1, CONTEXT}, heldOut[w]);
        }
        List<Tensor> calibration = new ArrayList<>();
        for (long[] w : windows(Files.readString(DIR.resolve("calibration.txt")))) {
            calibration.add(ids(w));
        }
        qm = Quantizer.quantize(graph, calibration, QuantizationOptions.int16());
        qm8 = Quantizer.quantize(graph, calibration, QuantizationOptions.int8());
    }

    @Test
    void floatImportMatchesOnnxRuntime() {
        Tensor fl = new FloatExecutor(graph).run(ids(heldOut[0]));
        assertEquals(ortLogits[0].length, fl.size());
        for (int i = 0; i < fl.size(); i++) {
            assertEquals(ortLogits[0][i], fl.get(i), 1e-4 * Math.max(1, Math.abs(ortLogits[0][i])), "logit " + i);
        }
    }

    /**
     * int16 activations (the operands of the two attention products rounded to 14 and 13 bits so
     * that their int32 accumulators cannot overflow) meet the 98 % target; int8 does not (about
     * 93 %: its error grows through the residual stream, the attention scores and the GELU's Erf
     * table), a figure printed for the record.
     */
    @Test
    void int16NextCharacterAgreesWithOnnxRuntimeOnTheHeldOutText() {
        double int16 = agreement(qm, "int16");
        double int8 = agreement(qm8, "int8");
        assertTrue(int16 >= 0.98, "int16 argmax agreement " + int16);
        assertTrue(int8 < int16, "int8 " + int8 + " against int16 " + int16);
    }

    private static double agreement(QuantizedModel model, String what) {
        IntegerExecutor ex = IntegerExecutor.create();
        int agree = 0, total = 0;
        double maxErr = 0, maxRef = 0;
        for (int w = 0; w < heldOut.length; w++) {
            Tensor got = model.dequantize(model.outputIds()[0], ex.infer(model, model.quantizeInput(ids(heldOut[w]))));
            for (int pos = 0; pos < CONTEXT; pos++) {
                agree += argmax(got, pos) == argmax(ortLogits[w], pos) ? 1 : 0;
                total++;
            }
            for (int i = 0; i < got.size(); i++) {
                maxErr = Math.max(maxErr, Math.abs(got.get(i) - ortLogits[w][i]));
                maxRef = Math.max(maxRef, Math.abs(ortLogits[w][i]));
            }
        }
        System.out.printf("char GPT %s: next-character argmax agrees with onnxruntime at %d of %d held-out positions (%.4f);"
                + " largest logit error %.4f of largest |logit| %.3f%n", what, agree, total, agree / (double) total, maxErr, maxRef);
        return agree / (double) total;
    }

    private static synchronized void prove() {
        if (proof == null) {
            pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
            proof = new ModelProver(pk).prove(qm.quantizeInput(ids(heldOut[0])), s -> {});
        }
    }

    @Test
    void fullContextPromptProvesVerifiesAndPicksOnnxRuntimesNextCharacter() {
        prove();
        IntTensor x = qm.quantizeInput(ids(heldOut[0]));
        assertEquals(IntegerExecutor.create().infer(qm, x), proof.output(), "proved logits against the integer executor");
        long t0 = System.nanoTime();
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        long t1 = System.nanoTime();
        assertTrue(o.result().isValid(), o.result().toString());
        Tensor proved = qm.dequantize(qm.outputIds()[0], proof.output());
        int agree = 0;
        for (int pos = 0; pos < CONTEXT; pos++) {
            agree += argmax(proved, pos) == argmax(ortLogits[0], pos) ? 1 : 0;
        }
        int next = argmax(proved, CONTEXT - 1);
        System.out.printf("char GPT proof: prompt \"%s\", next character '%s' (onnxruntime '%s'); %d/%d positions agree;"
                        + " witness %.1f s + prove %.1f s, verify %.1f ms, proof %d bytes%n", text(heldOut[0]), vocab.get(next),
                vocab.get(argmax(ortLogits[0], CONTEXT - 1)), agree, CONTEXT, proof.witnessNanos() / 1e9, proof.proveNanos() / 1e9,
                (t1 - t0) / 1e6, proof.proof().length);
        assertEquals(argmax(ortLogits[0], CONTEXT - 1), next, "the proved next character");
        assertTrue(agree >= CONTEXT - 1, agree + "/" + CONTEXT + " positions agree with onnxruntime");
    }

    @Test
    void rejectsChangedLogitsChangedTokenIdsAndFlippedBytes() {
        prove();
        // the attention's head reshapes and transposes are claim transfers (no bytes of their own): this suite covers them
        dev.zkinfer.circuit.Circuit c = pk.verifyingKey().circuit();
        assertTrue(c.layers().stream().anyMatch(l -> l instanceof dev.zkinfer.circuit.IndexMapLayer im && im.claimTransfer(c) != null),
                "the char GPT's circuit has index maps proved by claim transfer");
        byte[] p = proof.proof();
        PublicValues.Tensor in = PublicValues.input(p);
        PublicValues.Tensor out = PublicValues.output(p);
        assertEquals(CONTEXT, ConformanceProofTest.u32(p, in.widthAt() - 4), "input length field");
        assertEquals(CONTEXT * vocab.size(), ConformanceProofTest.u32(p, out.widthAt() - 4), "output length field");
        // a changed logit: the last position's largest one, and one of the first position
        int last = (CONTEXT - 1) * vocab.size() + argmax(qm.dequantize(qm.outputIds()[0], proof.output()), CONTEXT - 1);
        for (int idx : new int[] {0, last}) {
            byte[] bad = PublicValues.withValueChanged(p, out, idx, 1);
            assertRejected(bad, "logit " + idx + " changed by one");
        }
        // a changed token id: the public input holds the quantized ids; another valid id in their place
        IntTensor x = qm.quantizeInput(ids(heldOut[0]));
        for (int pos : new int[] {0, CONTEXT / 2, CONTEXT - 1}) {
            long[] other = heldOut[0].clone();
            other[pos] = (other[pos] + 1) % vocab.size();
            int q = qm.quantizeInput(ids(other)).get(pos);
            assertNotEquals(x.get(pos), q);
            byte[] bad = PublicValues.withValue(p, in, pos, q);
            assertRejected(bad, "token id at " + pos + " changed");
        }
        SplittableRandom rnd = new SplittableRandom(15);
        for (int i = out.end(); i < p.length; i += 1 + rnd.nextInt(p.length / 40)) {
            byte[] bad = p.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            VerificationResult r = assertRejected(bad, "byte " + i + " flipped");
            assertFalse(r.reason().startsWith("malformed proof ("), "byte " + i + ": " + r.reason());
        }
    }

    @Test
    void rejectsTheProofUnderAnotherModelsKey() throws Exception {
        prove();
        // the same network calibrated on other text: other scales, so another circuit and digest
        List<Tensor> other = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            other.add(ids(heldOut[w]));
        }
        QuantizedModel qm2 = Quantizer.quantize(graph, other, QuantizationOptions.int8());
        ProvingKey pk2 = ProvingKey.create(qm2, SecurityProfile.DEFAULT, s -> {});
        assertFalse(java.util.Arrays.equals(pk.verifyingKey().digest(), pk2.verifyingKey().digest()));
        VerificationResult r = CircuitVerifier.verify(pk2.verifyingKey(), proof.proof()).result();
        assertFalse(r.isValid(), "a proof verified under another model's key");
    }

    /**
     * The causal mask is the constant of each attention's masked fill (QMaskedFill), compiled into
     * two MODEL tensors ".../keep" and ".../fill" inside the model commitment. A prover that opens
     * every position of every head of the first block to all later positions (keep = 1, fill = 0), with
     * every later layer's witness and the lookup multiplicities recomputed consistently, changes
     * the logits and is rejected: the layer claims land on committed mask values it did not use.
     */
    @Test
    void aProofInWhichAPositionAttendsToALaterOneDoesNotVerify() {
        prove();
        Circuit c = pk.verifyingKey().circuit();
        CircuitTensor keep = null, fill = null;
        for (CircuitTensor t : c.tensors()) {
            if (t.role() == TensorRole.MODEL && t.name().endsWith("/keep") && keep == null) keep = t;
            if (t.role() == TensorRole.MODEL && t.name().endsWith("/fill") && fill == null) fill = t;
        }
        assertNotNull(keep, "the causal mask's keep tensor in the circuit");
        assertNotNull(fill, "the causal mask's fill tensor in the circuit");
        IntTensor x = qm.quantizeInput(ids(heldOut[0]));
        WitnessValues w = new ModelProver(pk).witness(x);
        long[] k = w.get(keep.id()).clone(), f = w.get(fill.id()).clone();
        int opened = 0;
        for (int i = 0; i < keep.layout().size(); i++) {
            int at = keep.layout().paddedIndex(i);
            if (k[at] == 0) {
                k[at] = 1;
                f[fill.layout().paddedIndex(i)] = 0;
                opened++;
            }
        }
        int heads = (int) (keep.layout().size() / (CONTEXT * CONTEXT));
        assertEquals(heads * CONTEXT * (CONTEXT - 1) / 2, opened, "the honest mask is causal: it hides exactly the later positions");
        // the witness from scratch: the public input, the model tensors with the opened mask, then every layer
        WitnessValues honestW = w;
        w = new WitnessValues(c);
        w.put(c.inputs()[0], honestW.get(c.inputs()[0]));
        pk.compiled().modelValues().forEach(w::put);
        w.put(keep.id(), k);
        w.put(fill.id(), f);
        for (Layer l : c.layers()) {
            LayerProvers.forLayer(l).computeWitness(l, w);
        }
        CircuitProver.computeMultiplicities(c, w);
        int outId = c.outputs()[0];
        long[] honest = honestW.get(outId);
        assertFalse(java.util.Arrays.equals(honest, w.get(outId)), "attending to a later position changes the logits");
        CircuitProver cp = new CircuitProver(pk.verifyingKey(), pk.modelCommitment(), pk.modelTable(), Backends.get());
        byte[] bad = cp.prove(w, s -> {});
        System.out.println("char GPT, opened causal mask: " + assertRejected(bad, "a proof with positions attending to later ones").reason());
    }

    private static VerificationResult assertRejected(byte[] proofBytes, String what) {
        VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), proofBytes).result();
        assertFalse(r.isValid(), what + " was accepted");
        assertFalse(r.reason().isEmpty(), what + ": no reason");
        return r;
    }

    static long[][] windows(String text) {
        long[][] w = new long[text.length() / CONTEXT][CONTEXT];
        for (int i = 0; i < w.length * CONTEXT; i++) {
            int id = vocab.indexOf(String.valueOf(text.charAt(i)));
            assertTrue(id >= 0, "character '" + text.charAt(i) + "' is not in the vocabulary");
            w[i / CONTEXT][i % CONTEXT] = id;
        }
        return w;
    }

    static Tensor ids(long[] window) {
        double[] d = new double[window.length];
        for (int i = 0; i < d.length; i++) d[i] = window[i];
        return Tensor.of(new int[] {1, window.length}, d);
    }

    static String text(long[] window) {
        StringBuilder sb = new StringBuilder();
        for (long id : window) sb.append(vocab.get((int) id));
        return sb.toString();
    }

    static int argmax(Tensor logits, int pos) {
        return logits.argmaxOfRow(pos);
    }

    static int argmax(double[] logits, int pos) {
        int v = vocab.size(), best = 0;
        for (int j = 1; j < v; j++) if (logits[pos * v + j] > logits[pos * v + best]) best = j;
        return best;
    }

    /** One line of vocab.txt: a JSON string of one character. */
    static String unquote(String json) {
        String s = json.substring(1, json.length() - 1);
        return s.startsWith("\\") ? s.substring(1) : s;
    }
}

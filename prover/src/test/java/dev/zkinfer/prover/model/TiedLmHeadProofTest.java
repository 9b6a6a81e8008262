package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.GptBuilder;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A GPT whose vocabulary takes the residue path (more than 4,096 tokens) with the LM head tied to
 * the token embedding commits the table once (issue 15): the LM head multiplies by the embedding's
 * residue-permuted table (one tensor, read transposed by one of the two Linear layers), whose logits
 * the circuit proves in residue order and the verifier puts back into vocabulary order outside the
 * proof (ResidueOrderOutputProofTest); an untied head commits a matrix of its own and still
 * proves. A proof made with one shared weight changed is rejected by the tied key.
 */
class TiedLmHeadProofTest {
    static final int T = 4;

    static QuantizedModel quantized(GptBuilder.Config config, boolean tied) {
        return quantized(config, tied, true);
    }

    /** The GPT of {@code config} quantized, its logits those of the last position or of every position. */
    static QuantizedModel quantized(GptBuilder.Config config, boolean tied, boolean lastPositionOnly) {
        Graph g = GptBuilder.build(5, config, T, lastPositionOnly, tied);
        return Quantizer.quantize(g, GptBuilder.randomPrompts(6, config.vocab(), T, 3), QuantizationOptions.int16());
    }

    /** The circuit's MODEL tensors of at least {@code entries} real entries. */
    static long largeModelTensors(Circuit c, long entries) {
        return c.tensorsWithRole(TensorRole.MODEL).stream().filter(t -> c.tensor(t).layout().size() >= entries).count();
    }

    static List<LinearLayer> linears(Circuit c) {
        List<LinearLayer> out = new ArrayList<>();
        for (Layer l : c.layers()) if (l instanceof LinearLayer ll) out.add(ll);
        return out;
    }

    @Test
    void aTiedHeadCommitsTheTableOnceAndAnUntiedOneTwice() {
        GptBuilder.Config config = new GptBuilder.Config(1, 2, 16, 50_257, T);
        long table = 50_257L * 16;
        ProvingKey tied = ProvingKey.create(quantized(config, true), SecurityProfile.DEFAULT, s -> {});
        ProvingKey untied = ProvingKey.create(quantized(config, false), SecurityProfile.DEFAULT, s -> {});
        Circuit ct = tied.verifyingKey().circuit(), cu = untied.verifyingKey().circuit();
        assertEquals(1, largeModelTensors(ct, table), "the tied table is one committed tensor");
        assertEquals(2, largeModelTensors(cu, table), "an untied head is a tensor of its own");
        List<LinearLayer> transposed = linears(ct).stream().filter(LinearLayer::transposed).toList();
        assertEquals(1, transposed.size(), "one Linear layer reads the table transposed");
        int shared = transposed.get(0).weight();
        assertEquals(2, linears(ct).stream().filter(l -> l.weight() == shared).count(), "the embedding and the LM head read one tensor");
        assertTrue(linears(cu).stream().noneMatch(LinearLayer::transposed));
        // 807,680 parameters: 2^20 values tied, 2^21 with the second copy
        assertTrue(tied.verifyingKey().modelLayout().numVars() < untied.verifyingKey().modelLayout().numVars(),
                tied.verifyingKey().modelLayout().numVars() + " vs " + untied.verifyingKey().modelLayout().numVars());
    }

    @Test
    void tiedAndUntiedHeadsProveTheIntegerExecutorsLogits() {
        GptBuilder.Config config = new GptBuilder.Config(1, 2, 16, 5_000, T);
        for (boolean tied : new boolean[] {true, false}) {
            QuantizedModel qm = quantized(config, tied);
            Tensor prompt = GptBuilder.randomPrompts(7, config.vocab(), T, 1).get(0);
            IntTensor x = qm.quantizeInput(prompt);
            ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
            assertEquals(tied, linears(pk.verifyingKey().circuit()).stream().anyMatch(LinearLayer::transposed));
            assertEquals(tied, pk.verifyingKey().outputOrder(0) != null, "a tied head's logits are proved in residue order");
            ProofResult proof = new ModelProver(pk).prove(x, s -> {});
            CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
            assertTrue(o.result().isValid(), (tied ? "tied: " : "untied: ") + o.result());
            assertEquals(IntegerExecutor.create().infer(qm, x), proof.output());
            Tensor fl = new FloatExecutor(GptBuilder.build(5, config, T, true, tied)).run(prompt);
            assertEquals(fl.argmaxOfRow(0), qm.dequantize(qm.outputIds()[0], proof.output()).argmaxOfRow(0), "next token, tied " + tied);
        }
    }

    @Test
    void aProofWithAChangedSharedWeightIsRejected() {
        GptBuilder.Config config = new GptBuilder.Config(1, 2, 16, 5_000, T);
        QuantizedModel qm = quantized(config, true);
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        // the same weight changed in both uses (still tied, so still one tensor, of another model)
        List<QOp.QDense> dense = new ArrayList<>();
        for (QOp op : qm.ops()) if (op instanceof QOp.QDense d) dense.add(d);
        QOp.QDense emb = dense.stream().filter(d -> d.inFeatures() > 5_000).findFirst().orElseThrow();
        QOp.QDense head = dense.stream().filter(d -> d.outFeatures() == emb.inFeatures()).findFirst().orElseThrow();
        int[] we = emb.weights().clone(), wh = head.weights().clone();
        int o = 3, k = 1_000;
        while (we[o * emb.inFeatures() + k] == 0) k++; // a row that holds a vocabulary entry (pairs naming none are 0)
        int i = o * emb.inFeatures() + k;
        assertEquals(we[i], wh[k * head.inFeatures() + o], "the two uses hold the same integers");
        int changed = we[i] == 127 ? 126 : we[i] + 1;
        we[i] = changed;
        wh[k * head.inFeatures() + o] = changed;
        List<QOp> ops = new ArrayList<>(qm.ops());
        ops.set(ops.indexOf(emb), new QOp.QDense(emb.input(), emb.output(), emb.inFeatures(), emb.outFeatures(), we, emb.bias()));
        ops.set(ops.indexOf(head), new QOp.QDense(head.input(), head.output(), head.inFeatures(), head.outFeatures(), wh, head.bias()));
        QuantizedModel other = new QuantizedModel(qm.tensors(), ops, qm.inputIds(), qm.outputIds(), qm.activationBits());
        ProvingKey otherPk = ProvingKey.create(other, SecurityProfile.DEFAULT, s -> {});
        assertEquals(1, linears(otherPk.verifyingKey().circuit()).stream().filter(LinearLayer::transposed).count());
        IntTensor x = qm.quantizeInput(GptBuilder.randomPrompts(8, config.vocab(), T, 1).get(0));
        byte[] otherProof = new ModelProver(otherPk).prove(x, s -> {}).proof();
        assertTrue(CircuitVerifier.verify(otherPk.verifyingKey(), otherProof).result().isValid());
        assertFalse(CircuitVerifier.verify(pk.verifyingKey(), otherProof).result().isValid());
        // with the key's digest swapped in, the proof still fails: the weights differ from the commitment
        byte[] forged = otherProof.clone();
        System.arraycopy(pk.verifyingKey().digest(), 0, forged, 8, 32);
        assertFalse(CircuitVerifier.verify(pk.verifyingKey(), forged).result().isValid());
    }
}

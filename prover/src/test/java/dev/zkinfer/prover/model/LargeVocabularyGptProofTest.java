package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.GptBuilder;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A small GPT (1 block, 2 heads, d = 16) with GPT-2's vocabulary of 50,257 tokens: its token
 * embedding, a Gather of run-time ids from a table 12 times past the direct one-hot's limit, goes
 * through the residues of the id (OperatorLowering.gatherByResidues) and the LM head is the tied
 * [16, 50,257] product. A 16-token prompt, ids from across the vocabulary, proves and verifies at
 * int16; its proved next-token logits are the integer executor's and pick the float model's next
 * token; a proof whose public token ids are changed (to another valid id) is rejected.
 */
class LargeVocabularyGptProofTest {
    static final int T = 16;

    static Tensor ids(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < d.length; i++) d[i] = v[i];
        return Tensor.of(new int[] {1, v.length}, d);
    }

    @Test
    void sixteenTokensOfGpt2sVocabularyProveAndVerify() {
        GptBuilder.Config config = new GptBuilder.Config(1, 2, 16, 50_257, T);
        Graph g = GptBuilder.build(3, config, T, true);
        SplittableRandom rnd = new SplittableRandom(11);
        List<Tensor> calibration = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            long[] v = rnd.longs(T, 0, config.vocab()).toArray();
            v[0] = config.vocab() - 1;
            calibration.add(ids(v));
        }
        QuantizedModel qm = Quantizer.quantize(g, calibration, QuantizationOptions.int16());
        long[] prompt = rnd.longs(T, 0, config.vocab()).toArray();
        prompt[1] = 50_256;
        prompt[2] = 0;
        IntTensor x = qm.quantizeInput(ids(prompt));
        long t0 = System.nanoTime();
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        long t1 = System.nanoTime();
        ProofResult proof = new ModelProver(pk).prove(x, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        long t2 = System.nanoTime();
        assertTrue(o.result().isValid(), o.result().toString());
        assertEquals(IntegerExecutor.create().infer(qm, x), proof.output(), "proved logits against the integer executor");
        Tensor fl = new FloatExecutor(g).run(ids(prompt));
        Tensor proved = qm.dequantize(qm.outputIds()[0], proof.output());
        assertEquals(config.vocab(), proved.size(), "next-token logits");
        assertEquals(fl.argmaxOfRow(0), proved.argmaxOfRow(0), "the proved next token is the float model's");
        System.out.printf("GPT with a 50,257-token vocabulary (%d parameters), %d tokens: key %.1f s, witness %.1f s + prove %.1f s,"
                + " verify %.0f ms, proof %d bytes (of which the public logits %d)%n", config.parameters(), T, (t1 - t0) / 1e9,
                proof.witnessNanos() / 1e9, proof.proveNanos() / 1e9, o.result().isValid() ? (System.nanoTime() - t2) / 1e6 : -1,
                proof.proof().length, PublicValues.output(proof.proof()).end() - PublicValues.output(proof.proof()).valuesAt());

        byte[] p = proof.proof();
        PublicValues.Tensor in = PublicValues.input(p);
        assertEquals(T, in.values().length, "input length");
        for (int pos : new int[] {0, 1, T - 1}) {
            long[] other = prompt.clone();
            other[pos] = (other[pos] + 4_099) % config.vocab();
            int q = qm.quantizeInput(ids(other)).get(pos);
            assertNotEquals(x.get(pos), q);
            byte[] bad = PublicValues.withValue(p, in, pos, q);
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "token id at " + pos + " changed to " + other[pos] + " was accepted");
        }
    }
}

package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The README's "Java API" snippet, run as written, from a project that only has the published artifacts. */
class ReadmeSnippetTest {
    @Test
    void readmeSnippetCompilesProvesAndVerifiesLenet() throws Exception {
        Random random = new Random(7);
        List<Tensor> calibrationInputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calibrationInputs.add(randomImage(random));
        }
        Tensor inputTensor = randomImage(random);

        // ---- the README snippet ----
        Graph graph = OnnxModel.load(Path.of(System.getProperty("lenet5.onnx")), OnnxLoadOptions.defaults().withBatchSize(1));
        QuantizedModel qm = Quantizer.quantize(graph, calibrationInputs, QuantizationOptions.int8());
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, stage -> {});
        byte[] vkBytes = pk.verifyingKey().encode();

        ModelProver prover = new ModelProver(pk);
        ProofResult r = prover.prove(qm.quantizeInput(inputTensor), stage -> {});

        VerifyingKey vk = VerifyingKey.decode(vkBytes);
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        // ---- end of the snippet ----

        assertTrue(o.result().isValid(), o.result().toString());
        long[] expected = Arrays.stream(new IntegerExecutor(IntegerExecutor.Kernels.SCALAR)
                .infer(qm, qm.quantizeInput(inputTensor)).data()).asLongStream().toArray();
        long[] provedOutput = o.output();
        assertArrayEquals(expected, provedOutput, "the proved output is the integer inference's output");

        // Hand the key and the proof to the verifier-only client (the next project).
        Path exchange = Path.of(System.getProperty("exchange.dir"));
        Files.createDirectories(exchange);
        Files.write(exchange.resolve("model.vk"), vkBytes);
        Files.write(exchange.resolve("proof.bin"), r.proof());
    }

    private static Tensor randomImage(Random random) {
        Tensor t = Tensor.zeros(1, 1, 28, 28);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) random.nextGaussian();
        }
        return t;
    }
}

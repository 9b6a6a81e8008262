package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.CudaBackend;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Whole-model proving time on the vector and CUDA backends (the GPU run of issue 7): per model,
 * a proving key per backend (the model commitment runs on that backend), one warm-up proof,
 * then timed proofs; checks that both backends write the same proof bytes and that the proof
 * verifies. Usage: {@code CudaProofBenchmark [--proofs=N] lenet5|vgg11|vgg16|smallcnn ...};
 * LeNet-5 is read from {@code -Dzkinfer.shared} (default /work/shared) as in ProofCostReport.
 */
public final class CudaProofBenchmark {
    private CudaProofBenchmark() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int proofs = 2;
        List<String> models = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--proofs=")) {
                proofs = Integer.parseInt(a.substring(9));
            } else {
                models.add(a);
            }
        }
        Backend vector = Backends.vector();
        CudaBackend cuda = null;
        try {
            cuda = CudaBackend.load();
            System.out.println("cuda device: " + cuda.device());
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", java " + Runtime.version());
        for (String name : models) {
            long t0 = System.nanoTime();
            QuantizedModel qm = model(name);
            IntTensor input = input(name, qm);
            System.out.printf("%s: quantized in %.2f s%n", name, (System.nanoTime() - t0) / 1e9);
            byte[] reference = null;
            for (Backend b : cuda == null ? List.of(vector) : List.of(vector, cuda)) {
                long tc = System.nanoTime();
                ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {}, b);
                double compile = (System.nanoTime() - tc) / 1e9;
                ModelProver prover = new ModelProver(pk, b);
                long tw = System.nanoTime();
                byte[] proof = prover.prove(input, s -> {}).proof();
                double warm = (System.nanoTime() - tw) / 1e9;
                double[] times = new double[proofs];
                for (int i = 0; i < proofs; i++) {
                    long tp = System.nanoTime();
                    ProofResult r = prover.prove(input, s -> {});
                    times[i] = (System.nanoTime() - tp) / 1e9;
                    if (!Arrays.equals(r.proof(), proof)) {
                        throw new IllegalStateException(name + " on " + b.name() + ": proofs differ between runs");
                    }
                }
                boolean valid = CircuitVerifier.verify(pk.verifyingKey(), proof).result().isValid();
                String same = reference == null ? "reference" : Arrays.equals(reference, proof) ? "identical to vector" : "DIFFERENT from vector";
                if (reference == null) {
                    reference = proof;
                }
                double[] sorted = times.clone();
                Arrays.sort(sorted);
                System.out.printf("%s %-6s compile+commit %.2f s, first proof %.2f s, proofs %s s (median %.2f s), %d bytes, sha-256 %s, valid %b, %s%n",
                        name, b.name(), compile, warm, Arrays.toString(Arrays.stream(times).map(t -> Math.round(t * 100) / 100.0).toArray()),
                        sorted[sorted.length / 2], proof.length,
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(proof)).substring(0, 16), valid, same);
                if (!valid || (reference != proof && !Arrays.equals(reference, proof))) {
                    System.out.println("FAILED: " + name + " on " + b.name());
                }
            }
        }
    }

    private static QuantizedModel model(String name) throws Exception {
        return switch (name) {
            case "lenet5" -> {
                Path shared = Path.of(System.getProperty("zkinfer.shared", "/work/shared"));
                Graph g = OnnxModel.load(shared.resolve("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
                List<Tensor> calibration = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    calibration.add(digits().lenetInput(i));
                }
                yield ModelProofTest.withoutSoftmax(Quantizer.quantize(g, calibration, QuantizationOptions.int8()));
            }
            case "vgg16" -> ModelProofTest.quantize(ModelBuilder.vgg16(1), 1);
            case "vgg11" -> ModelProofTest.quantize(ModelBuilder.vgg11(1), 1);
            case "smallcnn" -> ModelProofTest.quantize(ModelBuilder.smallCnn(1), 1);
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }

    private static MnistIdx.Images digits() throws Exception {
        Path shared = Path.of(System.getProperty("zkinfer.shared", "/work/shared"));
        return MnistIdx.readImages(shared.resolve("datasets/mnist/t10k-images-idx3-ubyte.gz"));
    }

    private static IntTensor input(String name, QuantizedModel qm) throws Exception {
        if (name.equals("lenet5")) {
            return qm.quantizeInput(digits().lenetInput(0));
        }
        return qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0));
    }
}

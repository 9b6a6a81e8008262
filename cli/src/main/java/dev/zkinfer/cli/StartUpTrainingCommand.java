package dev.zkinfer.cli;

import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The training run of the launcher's ahead-of-time cache (bin/zkinfer, JDK 25's
 * {@code -XX:AOTCacheOutput}): the JVM records which classes this run loads and links and the
 * profiles of its hot methods, and later runs start with them. It compiles the bundled LeNet-5
 * (calibrated on 8 digits: the start-up path, not the quantizer, is what is trained; the
 * proved digit is one of them, so it lies in the calibrated input range), then runs
 * the commands whose cold start matters as a user would: {@code prove} and {@code verify} twice
 * each on a digit in an input.json, then {@code inspect}, on their short path and through picocli. Hidden: the launcher runs it, once per
 * JDK and installation.
 */
@Command(name = "train-start-up-cache", hidden = true,
        description = "Exercise prove and verify on the bundled LeNet-5 (the launcher's ahead-of-time cache training run).")
final class StartUpTrainingCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "An empty scratch folder for the keys, input and proofs.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        byte[] onnx;
        try (InputStream in = DemoCommand.resource("lenet5.onnx")) {
            onnx = in.readAllBytes();
        }
        MnistIdx.Images images = MnistIdx.readImages(DemoCommand.resource("digits-images-idx3-ubyte.gz"), "bundled digits");
        Graph graph = OnnxModel.load(onnx, OnnxLoadOptions.defaults().withBatchSize(1));
        List<Tensor> calibration = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calibration.add(images.lenetInput(i));
        }
        QuantizedModel qm = Quantizer.quantize(graph, calibration, QuantizationOptions.int8());
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        Files.createDirectories(dir);
        Path pkFile = dir.resolve("model.pk");
        Path vkFile = dir.resolve("model.vk");
        Files.write(pkFile, pk.encode());
        Files.write(vkFile, pk.verifyingKey().encode());
        StringBuilder json = new StringBuilder("{\"input_data\": [[");
        double[] digit = images.lenetInput(3).data();
        for (int i = 0; i < digit.length; i++) {
            json.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", digit[i]));
        }
        Files.writeString(dir.resolve("input.json"), json.append("]]}").toString());
        for (int round = 0; round < 2; round++) {
            Path proof = dir.resolve("proof-" + round + ".bin");
            check(Main.execute("prove", "--quiet", "--pk", pkFile.toString(), "--input", dir.resolve("input.json").toString(),
                    "-o", proof.toString()), "prove");
            check(Main.execute("verify", "--quiet", "--vk", vkFile.toString(), "--proof", proof.toString()), "verify");
        }
        check(Main.execute("inspect", "--quiet", vkFile.toString()), "inspect");
        // prove, verify and inspect take the short path without picocli; the other commands (infer,
        // demo, compile, --help) still build picocli's model of the command tree: once through it
        // puts its classes in the cache too
        check(Main.executeWithPicocli("inspect", "--quiet", vkFile.toString()), "inspect through picocli");
        return Main.EXIT_OK;
    }

    private static void check(int code, String command) {
        if (code != Main.EXIT_OK) {
            throw new IllegalStateException("the training run's " + command + " exited with " + code);
        }
    }
}

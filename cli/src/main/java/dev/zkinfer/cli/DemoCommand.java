package dev.zkinfer.cli;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.ProofSecurity;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizationReport;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job end to end on the bundled sample: compile the LeNet-5 (quantize, build the
 * circuit, commit to the weights; cached after the first run), prove the inference of one MNIST
 * digit, verify the proof, and show the digit, the prediction, the label, the timings and the
 * proof size.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Compile a bundled model (LeNet-5 by default, or the character-level GPT), prove one inference, and verify the proof.")
final class DemoCommand extends CliSupport implements Callable<Integer> {
    static final String SAMPLE = "/dev/zkinfer/samples/lenet5/";

    @Option(names = "--model", paramLabel = "lenet5|gpt", description = "Which bundled model: lenet5 (MNIST digits) or gpt (the"
            + " character-level GPT, next character of a prompt); default ${DEFAULT-VALUE}.", defaultValue = "lenet5")
    String model;

    @Option(names = "--digit", description = "Which bundled test digit to use (0-255, default ${DEFAULT-VALUE}).", defaultValue = "0")
    int digit;

    @Option(names = "--prompt", description = "With --model gpt: the prompt whose next character is proved (its last 32 characters,"
            + " lowercased; a shorter one is padded with spaces on the left; default \"${DEFAULT-VALUE}\").",
            defaultValue = "and god said, let there be ligh")
    String prompt;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where the compiled keys are cached (default: ~/.cache/zkinfer).")
    Path cache;

    /** The demo's key cache for a model: (--cache or ~/.cache/zkinfer)/demo-NAME-(the model's SHA-256, 8 bytes in hex). */
    Path cacheDir(String name, byte[] onnx) throws java.security.NoSuchAlgorithmException {
        return (cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "zkinfer"))
                .resolve("demo-" + name + "-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx), 0, 8));
    }

    /** The cached proving key, or null when there is none or it cannot be read (said, then compiled again). */
    ProvingKey cachedKey(Path pkFile, java.util.function.Consumer<String> progress) {
        if (Files.isRegularFile(pkFile)) {
            try {
                return ProvingKey.decode(Files.readAllBytes(pkFile), progress);
            } catch (IOException | dev.zkinfer.MalformedInputException e) {
                say("(ignoring the cached key: %s)", e.getMessage());
            }
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        switch (model) {
            case "lenet5" -> {}
            case "gpt" -> {
                return new GptDemo(this).run();
            }
            default -> throw new UserError("--model must be lenet5 or gpt, got " + model);
        }
        if (digit < 0 || digit > 255) {
            throw new UserError("--digit must be between 0 and 255, got " + digit);
        }
        var progress = progress();
        byte[] onnx;
        try (InputStream in = resource("lenet5.onnx")) {
            onnx = in.readAllBytes();
        }
        MnistIdx.Images images = MnistIdx.readImages(resource("digits-images-idx3-ubyte.gz"), "bundled digits");
        int[] labels = MnistIdx.readLabels(resource("digits-labels-idx1-ubyte.gz"), "bundled labels");
        say("zkinfer demo: the bundled LeNet-5 (MNIST), proving its inference on test digit #%d", digit);
        say("");

        // 1. Compile, or load the cached keys.
        long t0 = System.nanoTime();
        Path dir = cacheDir("lenet5", onnx);
        Path pkFile = dir.resolve("model.pk");
        ProvingKey pk = cachedKey(pkFile, progress);
        boolean cached = pk != null;
        if (pk == null) {
            progress.accept("quantizing the model");
            Graph graph = OnnxModel.load(onnx, OnnxLoadOptions.defaults().withBatchSize(1));
            List<Tensor> calibration = new ArrayList<>();
            for (int i = 0; i < images.count(); i++) {
                calibration.add(images.lenetInput(i));
            }
            QuantizedModel qm = Quantizer.quantize(graph, calibration, QuantizationOptions.int8());
            QuantizationReport report = QuantizationReport.compare(graph, qm, calibration);
            say("1. Quantized to int8: argmax agrees with the float model on %.1f %% of the %d bundled digits",
                    100 * report.argmaxAgreement(), report.samples());
            pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, progress);
            CliSupport.writeAtomically(pkFile, pk.encode());
            CliSupport.writeAtomically(dir.resolve("model.vk"), pk.verifyingKey().encode());
        }
        long t1 = System.nanoTime();
        endProgress();
        QuantizedModel qm = pk.model();
        VerifyingKey vk = pk.verifyingKey();
        say("%s %d proof layers, model digest %s…", cached ? "1. Loaded the cached compiled model:" : "   Compiled into",
                vk.circuit().layers().size(), HexFormat.of().formatHex(vk.digest(), 0, 8));
        say("   (%s, %.1f s; keys in %s)", cached ? "weights recommitted and checked against its digest" : "one-time", (t1 - t0) / 1e9, dir);

        // 2. Prove.
        say("");
        say("%s", picture(images, digit));
        IntTensor x = qm.quantizeInput(images.lenetInput(digit));
        ModelProver prover = new ModelProver(pk);
        ProofResult res = prover.prove(x, progress);
        endProgress();
        int predicted = res.output().argmaxOfRow(0);
        say("2. Proved: prediction %d, label %d (%s)", predicted, labels[digit], predicted == labels[digit] ? "correct" : "wrong");
        say("   witness %.0f ms + proof %.0f ms; proof %,d bytes", res.witnessNanos() / 1e6, res.proveNanos() / 1e6, res.proof().length);
        if (!res.output().equals(IntegerExecutor.create().infer(qm, x))) {
            throw new IllegalStateException("the proved output differs from the integer executor's");
        }

        // 3. Verify, with the verifying key alone (warm-up once: the first run pays for class loading).
        byte[] vkBytes = vk.encode();
        VerifyingKey vk2 = VerifyingKey.decode(vkBytes);
        CircuitVerifier.verify(vk2, res.proof());
        long t2 = System.nanoTime();
        CircuitVerifier.Outcome outcome = CircuitVerifier.verify(vk2, res.proof());
        long t3 = System.nanoTime();
        say("3. Verified with only the %,d-byte verifying key: %s in %.1f ms (%.0f bits of provable security)",
                vkBytes.length, outcome.result(), (t3 - t2) / 1e6, ProofSecurity.report(vk2).totalBits());
        say("These proofs give integrity, not privacy; compile with --zk for zero-knowledge proofs (docs/zero-knowledge.md).");
        if (json) {
            out.println(new Json().put("digit", digit).put("label", labels[digit]).put("prediction", predicted)
                    .put("valid", outcome.result().isValid()).put("proof_bytes", res.proof().length)
                    .put("timings_ms", new Json().put("compile", ms(t1 - t0)).put("witness", ms(res.witnessNanos()))
                            .put("prove", ms(res.proveNanos())).put("verify", ms(t3 - t2))));
        }
        return outcome.result().isValid() ? Main.EXIT_OK : Main.EXIT_INVALID;
    }

    static InputStream resource(String name) throws IOException {
        return resourceAt(SAMPLE + name);
    }

    static InputStream resourceAt(String path) throws IOException {
        String name = path.substring(path.lastIndexOf('/') + 1);
        InputStream in = DemoCommand.class.getResourceAsStream(path);
        if (in == null) {
            throw new IOException("the bundled sample " + name + " is missing from the class path (is zkinfer-samples built?)");
        }
        return in;
    }

    /** A 14-line text picture (two pixel rows per line). */
    static String picture(MnistIdx.Images images, int i) {
        String shades = " .:-=+*#%@";
        byte[] px = images.pixels()[i];
        int rows = images.rows(), cols = images.cols();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r + 1 < rows; r += 2) {
            sb.append("    ");
            for (int c = 0; c < cols; c++) {
                int v = Math.max(px[r * cols + c] & 0xFF, px[(r + 1) * cols + c] & 0xFF);
                sb.append(shades.charAt(v * (shades.length() - 1) / 255));
            }
            if (r + 2 < rows) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}

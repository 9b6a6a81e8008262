package dev.zkinfer.cli;

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
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code zkinfer demo --model gpt}: the bundled character-level GPT (samples' chargpt) compiled
 * at int16 (cached like the LeNet-5 demo's keys), one prompt of its full context proved, the
 * proved next character shown, and the proof verified with the verifying key alone.
 */
final class GptDemo {
    static final String SAMPLE = "/dev/zkinfer/samples/chargpt/";
    static final int CONTEXT = 32;

    private final DemoCommand cmd;

    GptDemo(DemoCommand cmd) {
        this.cmd = cmd;
    }

    int run() throws Exception {
        byte[] onnx = bytes("chargpt.onnx");
        List<String> vocab = new ArrayList<>();
        for (String line : new String(bytes("vocab.txt"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                String c = line.substring(1, line.length() - 1);
                vocab.add(c.startsWith("\\") ? c.substring(1) : c);
            }
        }
        String text = cmd.prompt.toLowerCase(Locale.ROOT);
        text = text.length() > CONTEXT ? text.substring(text.length() - CONTEXT) : " ".repeat(CONTEXT - text.length()) + text;
        double[] ids = new double[CONTEXT];
        for (int i = 0; i < CONTEXT; i++) {
            int id = vocab.indexOf(String.valueOf(text.charAt(i)));
            if (id < 0) {
                throw new UserError("the prompt's character '" + text.charAt(i) + "' is not in the model's vocabulary ("
                        + String.join("", vocab) + ")");
            }
            ids[i] = id;
        }
        var progress = cmd.progress();
        cmd.say("zkinfer demo: the bundled character-level GPT (2 blocks, d = 64, context %d, trained on Genesis, KJV),", CONTEXT);
        cmd.say("proving the next character of \"%s\"", text);
        cmd.say("");

        long t0 = System.nanoTime();
        Path dir = cmd.cacheDir("chargpt", onnx);
        Path pkFile = dir.resolve("model.pk");
        ProvingKey pk = cmd.cachedKey(pkFile, progress);
        boolean cached = pk != null;
        if (pk == null) {
            progress.accept("quantizing the model");
            Graph graph = OnnxModel.load(onnx, OnnxLoadOptions.defaults());
            String calibration = new String(bytes("calibration.txt"), StandardCharsets.UTF_8);
            List<Tensor> windows = new ArrayList<>();
            for (int w = 0; w + CONTEXT <= calibration.length(); w += CONTEXT) {
                double[] d = new double[CONTEXT];
                for (int i = 0; i < CONTEXT; i++) {
                    d[i] = vocab.indexOf(String.valueOf(calibration.charAt(w + i)));
                }
                windows.add(Tensor.of(new int[] {1, CONTEXT}, d));
            }
            QuantizedModel qm = Quantizer.quantize(graph, windows, QuantizationOptions.int16());
            pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, progress);
            CliSupport.writeAtomically(pkFile, pk.encode());
            CliSupport.writeAtomically(dir.resolve("model.vk"), pk.verifyingKey().encode());
        }
        long t1 = System.nanoTime();
        cmd.endProgress();
        QuantizedModel qm = pk.model();
        VerifyingKey vk = pk.verifyingKey();
        cmd.say("1. %s %d proof layers, int16 activations, model digest %s…", cached ? "Loaded the cached compiled model:" : "Compiled into",
                vk.circuit().layers().size(), HexFormat.of().formatHex(vk.digest(), 0, 8));
        cmd.say("   (%s, %.1f s; keys in %s)", cached ? "weights recommitted and checked against its digest" : "one-time", (t1 - t0) / 1e9, dir);

        IntTensor x = qm.quantizeInput(Tensor.of(new int[] {1, CONTEXT}, ids));
        ProofResult res = new ModelProver(pk).prove(x, progress);
        cmd.endProgress();
        if (!res.output().equals(IntegerExecutor.create().infer(qm, x))) {
            throw new IllegalStateException("the proved output differs from the integer executor's");
        }
        int next = res.output().argmaxOfRow(CONTEXT - 1);
        cmd.say("2. Proved the logits of all %d positions: next character '%s' (\"%s\")", CONTEXT, vocab.get(next),
                text.stripLeading() + vocab.get(next));
        cmd.say("   witness %.0f ms + proof %.0f ms; proof %,d bytes", res.witnessNanos() / 1e6, res.proveNanos() / 1e6, res.proof().length);

        byte[] vkBytes = vk.encode();
        VerifyingKey vk2 = VerifyingKey.decode(vkBytes);
        CircuitVerifier.verify(vk2, res.proof());
        long t2 = System.nanoTime();
        CircuitVerifier.Outcome outcome = CircuitVerifier.verify(vk2, res.proof());
        long t3 = System.nanoTime();
        cmd.say("3. Verified with only the %,d-byte verifying key: %s in %.1f ms", vkBytes.length, outcome.result(), (t3 - t2) / 1e6);
        if (cmd.json) {
            cmd.out.println(new CliSupport.Json().put("prompt", text).put("next_character", vocab.get(next))
                    .put("valid", outcome.result().isValid()).put("proof_bytes", res.proof().length)
                    .put("timings_ms", new CliSupport.Json().put("compile", CliSupport.ms(t1 - t0)).put("witness", CliSupport.ms(res.witnessNanos()))
                            .put("prove", CliSupport.ms(res.proveNanos())).put("verify", CliSupport.ms(t3 - t2))));
        }
        return outcome.result().isValid() ? Main.EXIT_OK : Main.EXIT_INVALID;
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = DemoCommand.resourceAt(SAMPLE + name)) {
            return in.readAllBytes();
        }
    }
}

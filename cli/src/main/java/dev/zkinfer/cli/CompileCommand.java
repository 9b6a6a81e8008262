package dev.zkinfer.cli;

import dev.zkinfer.circuit.ProofSecurity;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizationReport;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import dev.zkinfer.security.SecurityReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Quantize an ONNX model, compile it into a circuit, commit to its weights, and write DIR/model.pk and DIR/model.vk.")
final class CompileCommand extends CliSupport implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where to write model.pk and model.vk.")
    Path dir;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Sample inputs that choose the activation scales: any file --input takes, holding one or more whole inputs (for several model inputs, the same number of each); without it, 8 random normal inputs are used.")
    Path calibration;

    @Option(names = "--bits", defaultValue = "8", paramLabel = "8|16", description = "Activation width (default ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (a dynamic batch defaults to 1; a fixed one is kept unless given).")
    Integer batch;

    @Option(names = "--batch-sizes", paramLabel = "LIST", split = ",",
            description = "The batch sizes the key proves (increasing, at most 16 of them, each up to 4096): one proof holds up to the largest number of inferences, padded to the next size (default 1,2,4,8,16,32,64; a model that cannot be proved in batches gets 1 alone, with a warning).")
    int[] batchSizes;

    @Option(names = "--profile", defaultValue = "default", paramLabel = "default|128", description = "Security profile: default (≥100 bits provable) or 128.")
    String profile;

    @Option(names = "--zk", description = "Make zero-knowledge keys: proofs reveal nothing about the intermediate values (docs/zero-knowledge.md).")
    boolean zk;

    @Option(names = "--input-visibility", defaultValue = "public", paramLabel = "public|private|committed",
            description = "With --zk: whether proofs carry the input (public, the default), keep it private, or carry a hiding commitment to it (committed: 'prove' writes an opening that the input's owner checks with 'verify --input FILE --opening FILE').")
    String inputVisibility;

    @Option(names = "--zk-proofs", paramLabel = "T",
            description = "With --zk: how many proofs the weights stay hidden for (docs/zero-knowledge.md §5). The default trades proofs per key against each proof's cost of opening the weights (inspect prints it); a larger T makes the model commitment larger.")
    Integer zkProofs;

    @Option(names = "--output-visibility", defaultValue = "public", paramLabel = "public|committed",
            description = "With --zk for committed: whether proofs carry the output (public, the default) or a hiding commitment to it (committed: 'prove' writes an opening that the output's owner checks with 'verify --output FILE --opening FILE').")
    String outputVisibility;

    @Override
    public Integer call() throws Exception {
        if (bits != 8 && bits != 16) {
            throw new UserError("--bits must be 8 or 16, got " + bits);
        }
        if (batch != null && batch < 1) {
            throw new UserError("--batch must be at least 1, got " + batch);
        }
        if (batchSizes != null) {
            for (int i = 0; i < batchSizes.length; i++) {
                if (batchSizes[i] < 1 || batchSizes[i] > VerifyingKey.MAX_BATCH || (i > 0 && batchSizes[i] <= batchSizes[i - 1])
                        || batchSizes.length > VerifyingKey.MAX_BATCH_CIRCUITS) {
                    throw new UserError("--batch-sizes must list 1 to " + VerifyingKey.MAX_BATCH_CIRCUITS + " increasing sizes from 1 to "
                            + VerifyingKey.MAX_BATCH + ", got " + java.util.Arrays.toString(batchSizes));
                }
            }
        }
        SecurityProfile prof;
        try {
            prof = SecurityProfile.parse(profile);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        ProvingKey.Options keyOptions = keyOptions();
        CliSupport.checkOutput(dir.resolve("model.pk"));
        CliSupport.checkOutput(dir.resolve("model.vk"));
        long t0 = System.nanoTime();
        var progress = progress();
        progress.accept("loading " + model);
        CliSupport.read(model, "model file");
        OnnxLoadOptions options = OnnxLoadOptions.defaults();
        if (batch != null) {
            options = options.withBatchSize(batch);
        }
        Graph graph = OnnxModel.load(model, options);
        List<Map<String, Tensor>> cal = calibrationSamples(graph);
        progress.accept("quantizing to int" + bits);
        QuantizedModel qm = Quantizer.quantizeNamed(graph, cal, bits == 8 ? QuantizationOptions.int8() : QuantizationOptions.int16());
        QuantizationReport report = QuantizationReport.compareNamed(graph, qm, cal);
        ProvingKey pk;
        try {
            pk = batchSizes == null ? ProvingKey.createBatchesIfPossible(qm, prof, ProvingKey.DEFAULT_BATCH_SIZES, keyOptions, progress)
                    : ProvingKey.create(qm, prof, batchSizes, keyOptions, progress);
        } catch (IllegalArgumentException e) {
            if (!zk) {
                throw e;
            }
            throw new UserError("--zk: " + e.getMessage());
        }
        VerifyingKey vk = pk.verifyingKey();
        progress.accept("writing the keys");
        CliSupport.writeAtomically(dir.resolve("model.pk"), pk.encode());
        CliSupport.writeAtomically(dir.resolve("model.vk"), vk.encode());
        endProgress();
        long t1 = System.nanoTime();
        SecurityReport sec = ProofSecurity.report(vk);
        String digest = HexFormat.of().formatHex(vk.digest());
        if (json) {
            out.println(new Json().put("digest", digest).put("security_bits", Math.floor(sec.totalBits() * 10) / 10)
                    .put("security_bits_without_grinding", Math.floor(sec.statisticalBits() * 10) / 10)
                    .put("quantization", new Json().put("samples", report.samples()).put("argmax_agreement", report.argmaxAgreement())
                            .put("max_abs_error", report.maxAbsError()).put("mean_abs_error", report.meanAbsError()))
                    .put("zero_knowledge", zk).put("input_visibility", vk.inputVisibility()).put("output_visibility", vk.outputVisibility())
                    .put("weights_hidden_for_proofs", vk.hiddenProofs())
                    .put("layers", vk.circuit().layers().size()).put("parameters", qm.parameterCount())
                    .put("batch_sizes", java.util.Arrays.stream(vk.batchSizes()).boxed().toList())
                    .put("proving_key", dir.resolve("model.pk").toString()).put("verifying_key", dir.resolve("model.vk").toString())
                    .put("timings_ms", new Json().put("compile", ms(t1 - t0))));
        } else if (quiet) {
            out.println(digest);
        } else {
            say("Compiled %s: %,d parameters, %d proof layers", model.getFileName(), qm.parameterCount(), vk.circuit().layers().size());
            say("Quantization (int%d, on %d calibration input(s)): argmax agreement %.1f %%, max |error| %.4g, mean |error| %.4g",
                    bits, report.samples(), 100 * report.argmaxAgreement(), report.maxAbsError(), report.meanAbsError());
            say("Security: %.1f bits provable, %.1f without grinding (weakest component %.1f bits; 'zkinfer inspect' lists them)",
                    sec.totalBits(), sec.statisticalBits(), sec.minimumBits());
            if (zk) {
                say("Zero-knowledge: proofs hide the intermediate values%s%s and the weights, the weights for up to %d proofs"
                        + " (re-key after that: compile again; docs/zero-knowledge.md §5)",
                        keyOptions.committedInputs() ? ", the input (proofs carry a hiding commitment to it)" : keyOptions.privateInputs() ? ", the input" : "",
                        keyOptions.committedOutputs() ? ", the output (proofs carry a hiding commitment to it)" : "",
                        vk.hiddenProofs());
            }
            say("Batch circuits: %s (one proof holds up to %d inferences)",
                    java.util.Arrays.toString(vk.batchSizes()).replaceAll("[\\[\\]]", ""), vk.maxBatch());
            say("Model digest: %s", digest);
            say("Wrote %s and %s in %.1f s", dir.resolve("model.pk"), dir.resolve("model.vk"), (t1 - t0) / 1e9);
        }
        return Main.EXIT_OK;
    }

    /** The key options from --zk and the visibility flags; a one-line error for a combination that is not available. */
    private ProvingKey.Options keyOptions() {
        switch (inputVisibility) {
            case "public", "private", "committed" -> { }
            default -> throw new UserError("--input-visibility must be public, private or committed, got '" + inputVisibility + "'");
        }
        switch (outputVisibility) {
            case "public" -> { }
            case "committed" -> {
                if (!zk) {
                    throw new UserError("--output-visibility committed needs --zk (without it proofs reveal intermediate values, the output among them)");
                }
            }
            default -> throw new UserError("--output-visibility must be public or committed, got '" + outputVisibility + "'");
        }
        boolean privateInput = !inputVisibility.equals("public");
        if (privateInput && !zk) {
            throw new UserError("--input-visibility " + inputVisibility + " needs --zk (without it proofs reveal intermediate values)");
        }
        if (zkProofs != null && !zk) {
            throw new UserError("--zk-proofs needs --zk (integrity-mode proofs do not hide the weights)");
        }
        if (zkProofs != null && (zkProofs < 1 || zkProofs > dev.zkinfer.circuit.VerifyingKey.MAX_HIDDEN_PROOFS)) {
            throw new UserError("--zk-proofs must be 1 to " + dev.zkinfer.circuit.VerifyingKey.MAX_HIDDEN_PROOFS + ", got " + zkProofs);
        }
        return new ProvingKey.Options(zk, privateInput, inputVisibility.equals("committed"), zkProofs == null ? 0 : zkProofs,
                outputVisibility.equals("committed"));
    }

    /**
     * The calibration samples, each a map from input name to value: from {@code --calibration}
     * (every form {@link InputFiles#samples} reads: for one input, whole inputs or batches in any rows; for several, groups of one
     * list per input), or 8 random normal samples; one empty sample for a model without run-time input.
     */
    private List<Map<String, Tensor>> calibrationSamples(Graph graph) throws java.io.IOException {
        int k = graph.inputs().size();
        String[] names = new String[k];
        int[][] shapes = new int[k][];
        for (int i = 0; i < k; i++) {
            names[i] = graph.inputs().get(i).name();
            shapes[i] = graph.shapeOf(names[i]);
        }
        List<Map<String, Tensor>> cal = new ArrayList<>();
        if (k == 0) {
            if (calibration != null) {
                throw new UserError(model + ": the model takes no run-time input, so there is nothing to calibrate; leave out --calibration");
            }
            cal.add(Map.of());
        } else if (calibration != null) {
            cal.addAll(InputFiles.samples(calibration, shapes, names));
        } else {
            if (!quiet && !json) {
                err.println("zkinfer: no --calibration given: calibrating on 8 random normal inputs (accuracy may suffer)");
            }
            cal.addAll(Quantizer.randomNormalCalibration(graph));
        }
        return cal;
    }
}

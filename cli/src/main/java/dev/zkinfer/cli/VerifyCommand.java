package dev.zkinfer.cli;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.circuit.VerifyingKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a proof against a verifying key; print 'valid' and the proved output, or 'invalid: <reason>' (exit code 1).")
final class VerifyCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--vk", required = true, paramLabel = "DIR/model.vk", description = "The verifying key from 'zkinfer compile'.")
    Path vkFile;

    @Option(names = "--proof", required = true, paramLabel = "PROOF", description = "The proof from 'zkinfer prove'.")
    Path proofFile;

    @Option(names = "--input", paramLabel = "FILE", description = "Also check that the proof is for this input (input.json or Arrow IPC).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Also check that the proof is for this output: a JSON file with \"output_data\" (one list of real values per model output, the proved inferences one after the other), as in EZKL's input.json.")
    Path output;

    @Option(names = "--opening", paramLabel = "FILE",
            description = "With --input or --output, for a key whose inputs or outputs are committed: the opening file 'prove' wrote (PROOF.opening); checks that the proof's commitments open to that input or output.")
    Path opening;

    @Option(names = "--clamp-inputs", description = "With --input: clamp values outside the model's calibrated input range, as 'prove --clamp-inputs' did (default: refuse them).")
    boolean clampInputs;

    @Override
    public Integer call() throws Exception {
        VerifyingKey vk = KeyFiles.verifyingKey(vkFile);
        byte[] proof = CliSupport.read(proofFile, "proof");
        long t0 = System.nanoTime();
        CircuitVerifier.Outcome outcome = CircuitVerifier.verify(vk, proof);
        long t1 = System.nanoTime();
        VerificationResult result = outcome.result();
        byte[] recorded = recordedDigest(proof);
        if (!result.isValid() && recorded != null && !Arrays.equals(recorded, vk.digest())) {
            // Name both models, so that a mixed-up pair of files is easy to sort out.
            HexFormat hex = HexFormat.of();
            result = VerificationResult.invalid("the proof was made for a different model (the proof names model digest "
                    + hex.formatHex(recorded) + ", " + vkFile + " has digest " + hex.formatHex(vk.digest())
                    + "; if the key should match, it may be corrupted)");
        }
        Circuit c = vk.circuit();
        boolean committed = vk.committedInputs();
        boolean committedOut = vk.committedOutputs();
        if (opening != null && !committed && !committedOut) {
            throw new UserError("--opening: " + vkFile + " makes proofs without input commitment and without output commitment (its input is "
                    + vk.inputVisibility() + ", its output " + vk.outputVisibility() + "), so there is nothing to open");
        }
        if (opening != null && input == null && output == null) {
            throw new UserError("--opening needs --input FILE or --output FILE: the input or output to check the proof's commitments against");
        }
        if (committed && input != null && opening == null) {
            throw new UserError("--input: the proof carries a commitment to its input, not the input; checking it needs the opening file the"
                    + " prover wrote (--opening FILE)");
        }
        if (committedOut && output != null && opening == null) {
            throw new UserError("--output: the proof carries a commitment to its output, not the output; checking it needs the opening file the"
                    + " prover wrote (--opening FILE)");
        }
        if (input != null && !committed && c.inputs().length == 0) {
            throw new UserError("--input: " + vkFile + " proves no public input (the input is private, or the model takes none),"
                    + " so there is no input in the proof to check " + input + " against");
        }
        dev.zkinfer.prover.model.CommitmentOpening open = null;
        if (opening != null) {
            try {
                open = dev.zkinfer.prover.model.CommitmentOpening.decode(CliSupport.read(opening, "opening"));
            } catch (dev.zkinfer.MalformedInputException e) {
                throw new UserError(opening + ": " + e.getMessage());
            }
            if (committed && input != null && !open.holds(CommittedEnd.INPUTS)) {
                throw new UserError("--input: " + opening + " opens the proof's output only; the input's opening is another file");
            }
            if (committedOut && output != null && !open.holds(CommittedEnd.OUTPUTS)) {
                throw new UserError("--output: " + opening + " opens the proof's input only; the output's opening is another file");
            }
        }
        List<double[]> claimedOutputs = output == null ? null : outputFile(output);
        if (result.isValid() && open != null) {
            VerificationResult opened = open.check(vk, outcome);
            if (!opened.isValid()) {
                result = VerificationResult.invalid(opening + " does not open this proof: " + opened.reason());
            }
        }
        // the outputs the proof is about: public ones from the proof, committed ones from the opening (when given)
        List<long[]> provedOutputs = null;
        if (result.isValid()) {
            if (!committedOut) {
                provedOutputs = outcome.outputs();
            } else if (open != null && open.holds(CommittedEnd.OUTPUTS)) {
                provedOutputs = new ArrayList<>();
                for (int k = 0; k < open.count(CommittedEnd.OUTPUTS); k++) {
                    provedOutputs.add(open.output(k));
                }
            }
        }
        if (result.isValid() && claimedOutputs != null) {
            String differs = differentOutput(claimedOutputs, provedOutputs, vk.io().outputScales());
            if (differs != null) {
                result = VerificationResult.invalid("the proof is for a different output than " + output + differs);
            }
        }
        if (result.isValid() && input != null) {
            // the inputs the proof is about: public ones from the proof, committed ones from the opening it opens to
            int[] inIds = committed ? vk.zkLayout().committed(dev.zkinfer.circuit.CommittedEnd.INPUTS) : c.inputs();
            List<long[]> proved = new ArrayList<>();
            for (int k = 0; k < inIds.length; k++) {
                proved.add(committed ? open.input(k) : outcome.inputs().get(k));
            }
            int[][] shapes = new int[inIds.length][];
            String[] names = new String[inIds.length];
            for (int k = 0; k < inIds.length; k++) {
                shapes[k] = rowShape(c.tensor(inIds[k]).layout().dims(), vk.batch());
                names[k] = c.tensor(inIds[k]).name();
            }
            // one or more whole inputs, one per proved inference (row)
            List<java.util.Map<String, Tensor>> rows = inIds.length == 0 ? List.of() : InputFiles.samples(input, shapes, names);
            boolean same = rows.size() == (inIds.length == 0 ? 0 : outcome.rows());
            for (int k = 0; k < inIds.length && same; k++) {
                IoScales.InputDomain io = vk.io().input(k);
                long[] q = new long[0];
                for (java.util.Map<String, Tensor> row : rows) {
                    double[] x = row.get(names[k]).data();
                    int at = q.length;
                    q = Arrays.copyOf(q, at + x.length);
                    for (int i = 0; i < x.length; i++) {
                        long r = Math.round(x[i] / io.scale());
                        if (!clampInputs && (r < io.min() || r > io.max())) {
                            // Clamping would make this input indistinguishable from others: refuse it.
                            throw new UserError(String.format(java.util.Locale.ROOT, "%s: %sinput value %s at index %d is outside the model's "
                                    + "calibrated input range [%.6g, %.6g], so no proof can be checked against it (pass --clamp-inputs if the "
                                    + "proof was made with --clamp-inputs)", input, inIds.length > 1 ? "input '" + names[k] + "': " : "",
                                    x[i], at + i, io.min() * io.scale(), io.max() * io.scale()));
                        }
                        q[at + i] = io.quantize(x[i]);
                    }
                }
                same &= Arrays.equals(q, proved.get(k));
            }
            if (!same) {
                result = VerificationResult.invalid("the proof is for a different input than " + input
                        + (rows.size() != outcome.rows() ? " (" + rows.size() + " inference(s) in the file, " + outcome.rows() + " proved)" : ""));
            }
        }
        boolean outputChecked = committedOut && open != null && open.holds(CommittedEnd.OUTPUTS);
        List<int[]> outShapes = new ArrayList<>();
        for (int o = 0; o < c.outputs().length; o++) {
            int[] d = rowShape(vk.outputDims(o), vk.batch()); // the model's shape (a padded committed output's is its one element)
            if (result.isValid() && d.length > 0) {
                d[0] *= outcome.rows();
            }
            outShapes.add(d);
        }
        if (json) {
            Json j = new Json().put("valid", result.isValid());
            if (!result.isValid()) {
                j.put("reason", result.reason());
            }
            if (result.isValid()) {
                j.put("rows", outcome.rows());
                if (committed) {
                    j.put("input_commitment", open != null && open.holds(CommittedEnd.INPUTS) ? "checked" : "not checked");
                }
                if (committedOut) {
                    // a committed output's values stay out of the JSON, even when the opening revealed them here
                    j.put("output_commitment", outputChecked ? "checked" : "not checked");
                } else {
                    Outputs.all(this, j, outcome.outputs(), vk.io().outputScales(), outShapes);
                }
            }
            out.println(j.put("timings_ms", new Json().put("verify", ms(t1 - t0))));
        } else if (result.isValid()) {
            out.println("valid");
            if (outcome.rows() > 1) {
                say("%d inferences proved in one proof; one output line per inference, in the input's order", outcome.rows());
            }
            if (!committedOut || outputChecked) {
                Outputs.all(this, null, provedOutputs, vk.io().outputScales(), outShapes);
            }
            if (committed) {
                say(open != null && open.holds(CommittedEnd.INPUTS) ? "The proof's input commitment opens to " + (input != null ? input : "the opening's input")
                        : "The input is committed, not checked (pass --input FILE --opening FILE to check it)");
            }
            if (committedOut) {
                say(outputChecked ? "The proof's output commitment opens to " + (output != null ? output : "the output above, from " + opening)
                        : "The output is committed, not checked (pass --output FILE --opening FILE to check it)");
            }
            say("Verified in %.2f ms", (t1 - t0) / 1e6);
        } else {
            out.println("invalid: " + result.reason());
        }
        return result.isValid() ? Main.EXIT_OK : Main.EXIT_INVALID;
    }

    /** The output_data of an output file, a one-line error when it has none. */
    private static List<double[]> outputFile(Path file) throws java.io.IOException {
        String text = new String(CliSupport.read(file, "output file"), java.nio.charset.StandardCharsets.UTF_8);
        try {
            return dev.zkinfer.nn.io.EzklInput.parseOutputData(text);
        } catch (RuntimeException e) {
            throw new UserError(file + ": not an output file (" + e.getMessage() + ")");
        }
    }

    /**
     * Why the claimed outputs (real values, quantized with the key's output scales) differ from the
     * proved ones (" (...)"), "" when they differ in values only, or null when they are the same.
     */
    private static String differentOutput(List<double[]> claimed, List<long[]> proved, List<Double> scales) {
        if (claimed.size() != proved.size()) {
            return " (" + claimed.size() + " output(s) in the file, " + proved.size() + " proved)";
        }
        for (int k = 0; k < claimed.size(); k++) {
            double[] x = claimed.get(k);
            long[] y = proved.get(k);
            if (x.length != y.length) {
                return " (" + x.length + " values in the file" + (claimed.size() > 1 ? " for output " + k : "") + ", " + y.length + " proved)";
            }
            for (int i = 0; i < x.length; i++) {
                if (Math.round(x[i] / scales.get(k)) != y[i]) {
                    return "";
                }
            }
        }
        return null;
    }

    /** The shape of one row of a batch circuit's tensor of {@code dims} (its leading dimension divided by the batch). */
    private static int[] rowShape(int[] dims, int batch) {
        int[] d = dims.clone();
        if (batch > 1) {
            d[0] /= batch;
        }
        return d;
    }

    /** The verifying-key digest a proof's header names (after magic and version), or null if it has no such header. */
    static byte[] recordedDigest(byte[] proof) {
        if (proof.length < 40 || !dev.zkinfer.circuit.ProofProtocol.hasMagic(proof)) {
            return null;
        }
        return Arrays.copyOfRange(proof, 8, 40);
    }
}

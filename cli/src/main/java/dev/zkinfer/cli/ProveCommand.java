package dev.zkinfer.cli;

import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;

@Command(name = "prove", mixinStandardHelpOptions = true, description = "Run the model and prove the inference (or the inferences: an input file with several whole inputs makes one batch proof of all of them); write the proof.")
final class ProveCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--pk", required = true, paramLabel = "DIR/model.pk", description = "The proving key from 'zkinfer compile'.")
    Path pk;

    @Option(names = "--input", paramLabel = "FILE",
            description = "input.json (one list per model input, in order; a list, or several lists together, may hold several whole inputs: each is one inference of the batch proof) or an Arrow IPC file or stream (one column per model input, by name or in order; its rows may hold one input or several). Leave it out for a model without run-time input.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PROOF", description = "Where to write the proof.")
    Path proofFile;

    @Option(names = "--opening", paramLabel = "FILE",
            description = "With a key whose inputs or outputs are committed: where to write the opening of the proof's commitments (default PROOF.opening; one file for both ends). It reveals what it opens: give it only to their owner, who checks the proof with 'verify --input FILE --opening FILE' or 'verify --output FILE --opening FILE'.")
    Path openingFile;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up (exit 2) if the proof takes longer than this, counted from the start of proving "
                    + "(loading the key is not counted): 90s, 5m, 1h, 500ms, or ISO-8601 such as PT1M30S.")
    Duration timeout;

    @Option(names = "--clamp-inputs", description = "Clamp input values outside the model's calibrated input range (default: refuse them); the output says how many were clamped.")
    boolean clampInputs;

    @Override
    public Integer call() throws Exception {
        CliSupport.checkOutput(proofFile);
        // The backend's one-time set-up (a cold JVM spends a few hundred ms loading libzkinfer and
        // making its call stubs, or loading the Vector API) overlaps reading the key and the input.
        Thread.ofPlatform().daemon().name("zkinfer-backend-start").start(() -> {
            try {
                Backends.get();
            } catch (Throwable e) {
                // never here (the choice falls back to the scalar backend); the proof's own call reports anything else
            }
        });
        var progress = progress();
        long loadStart = System.nanoTime();
        ProvingKey key = KeyFiles.provingKey(pk, progress, true);
        long loadNanos = System.nanoTime() - loadStart;
        boolean committedOutput = key.verifyingKey().committedOutputs();
        boolean committed = key.verifyingKey().committedInputs() || committedOutput;
        if (openingFile != null && !committed) {
            throw new UserError("--opening: " + pk + " makes proofs without input commitment and without output commitment (its input is "
                    + key.verifyingKey().inputVisibility() + ", its output public), so there is no opening to write");
        }
        Path opening = committed ? (openingFile != null ? openingFile : proofFile.resolveSibling(proofFile.getFileName() + ".opening")) : null;
        if (opening != null) {
            CliSupport.checkOutput(opening);
        }
        QuantizedModel qm = key.model();
        List<QuantizedModel.QuantizedInputs> rows = InputFiles.quantizedRows(input, qm, clampInputs);
        int max = key.verifyingKey().maxBatch();
        if (rows.size() > max) {
            throw new UserError(input + ": " + rows.size() + " inferences, but one proof with this key holds at most " + max
                    + " (compile with a larger --batch-sizes, or split the file)");
        }
        List<IntTensor[]> x = new ArrayList<>();
        int clamped = 0;
        for (QuantizedModel.QuantizedInputs r : rows) {
            x.add(r.array());
            clamped += r.clamped();
        }
        // a zero-knowledge key hides its weights for a bounded number of proofs: they are counted beside the key
        java.nio.file.Path counter = pk.resolveSibling(pk.getFileName() + ".proofs");
        long made = key.verifyingKey().zeroKnowledge() ? proofsMade(counter) : 0;
        if (key.verifyingKey().zeroKnowledge() && made >= key.verifyingKey().hiddenProofs()) {
            throw new UserError(pk + " has made " + made + " zero-knowledge proofs (counted in " + counter + "), all it can make with its"
                    + " weights hidden; compile the model again for a new key (docs/zero-knowledge.md §5)");
        }
        ModelProver prover = new ModelProver(key);
        ProofResult res;
        try {
            res = timeout == null ? prover.proveBatch(x, progress) : prover.proveBatch(x, progress, timeout);
        } catch (dev.zkinfer.MalformedInputException e) {
            // the key's recommitment, checked when the proof first needs it (the input's mistakes are InvalidInputExceptions)
            throw e.getMessage() != null && e.getMessage().startsWith("corrupted proving key") ? KeyFiles.inKeyFile(pk, e) : e;
        }
        if (key.verifyingKey().zeroKnowledge()) {
            CliSupport.writeAtomically(counter, (made + 1 + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        CliSupport.writeAtomically(proofFile, res.proof());
        if (opening != null) {
            CliSupport.writeAtomically(opening, res.opening().encode());
        }
        endProgress();
        if (json) {
            Json j = new Json();
            if (committedOutput) {
                j.put("output_visibility", "committed"); // its values are in the opening only
            } else {
                InferCommand.outputs(this, j, qm, res.outputs());
            }
            if (opening != null) {
                j.put("opening", opening.toString());
            }
            this.out.println(j.put("rows", res.rows()).put("batch", res.batch()).put("clamped_inputs", clamped).put("proof_bytes", res.proof().length).put("proof", proofFile.toString())
                    .put("timings_ms", new Json().put("load_key", ms(loadNanos)).put("witness", ms(res.witnessNanos())).put("prove", ms(res.proveNanos()))
                            .put("total", ms(res.witnessNanos() + res.proveNanos()))));
        } else {
            if (committedOutput) {
                say("Output: committed (the proof carries a hiding commitment to it; its values are in %s)", opening);
            } else {
                InferCommand.outputs(this, null, qm, res.outputs());
            }
            InputFiles.sayClamped(this, clamped);
            if (res.rows() > 1 || res.batch() > 1) {
                say("%d inference(s) in one proof (batch circuit of %d: %.1f ms per inference)", res.rows(), res.batch(),
                        (res.witnessNanos() + res.proveNanos()) / 1e6 / res.rows());
            }
            say("Proof: %,d bytes written to %s", res.proof().length, proofFile);
            if (opening != null) {
                String what = key.verifyingKey().committedInputs() && committedOutput ? "input and output" : committedOutput ? "output" : "input";
                say("Opening of its %s commitment%s written to %s (it reveals the %s: give it to their owner only)", what,
                        what.contains(" and ") ? "s" : "", opening, what);
            }
            say("Timings: witness %.0f ms, prove %.0f ms, total %.0f ms", res.witnessNanos() / 1e6, res.proveNanos() / 1e6,
                    (res.witnessNanos() + res.proveNanos()) / 1e6);
        }
        return Main.EXIT_OK;
    }

    /** "90s", "5m", "1h", "500ms" or ISO-8601 ("PT1M30S"); positive. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Duration d;
            try {
                if (v.startsWith("p")) {
                    d = Duration.parse(v.toUpperCase(Locale.ROOT));
                } else if (v.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                } else if (v.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                } else if (v.endsWith("h")) {
                    d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                } else {
                    throw new TypeConversionException("'" + value + "' has no unit (write 90s, 5m, 1h, 500ms or PT1M30S)");
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (write 90s, 5m, 1h, 500ms or PT1M30S)");
            }
            if (d.isNegative() || d.isZero()) {
                throw new TypeConversionException("'" + value + "' is not a positive duration");
            }
            return d;
        }
    }

    /** The zero-knowledge proofs a key has made, from its counter file (0 when there is none). */
    private static long proofsMade(java.nio.file.Path counter) {
        if (!java.nio.file.Files.exists(counter)) {
            return 0;
        }
        try {
            return Long.parseLong(java.nio.file.Files.readString(counter).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            throw new UserError(counter + " does not hold a proof count (" + e.getMessage() + "); it counts the proofs of a"
                    + " zero-knowledge key: restore it, or compile the model again");
        }
    }
}

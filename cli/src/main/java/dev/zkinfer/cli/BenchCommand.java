package dev.zkinfer.cli;

import dev.zkinfer.bench.harness.Bench;
import dev.zkinfer.bench.harness.BenchHarness;
import dev.zkinfer.bench.harness.BenchModel;
import dev.zkinfer.bench.harness.ModelResult;
import dev.zkinfer.bench.harness.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness: for each model of the ladder, float and integer inference, compile,
 * prove, verify, proof size and peak resident memory, then replicated (N re-executions) versus proved (one
 * proof, N verifications) compute and the break-even N. Writes results.csv, results.md and PNG
 * charts into the output directory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure replicated vs proved execution on a ladder of models (mlp, lenet5, cnn264k, dense4m, vgg11, vgg16, nanogpt; "
            + "gpt2-16 and gpt2-64 when named) "
            + "and write results.csv, results.md and PNG charts into DIR.",
            "Exit code 0 when every model was proved and every proof verified; 1 when a proof did not verify; "
                + "2 when a model could not be proved (not provable, or out of memory), with one line per model saying why."})
final class BenchCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--quick", description = "Only the small models (mlp, lenet5), with fewer runs: a smoke test.")
    boolean quick;

    @Option(names = "--models", paramLabel = "NAME,...", split = ",",
            description = "Models to run, in ladder order: mlp, lenet5, cnn264k, dense4m, vgg11, vgg16, nanogpt, gpt2-16, gpt2-64 "
                + "(default: all but gpt2-16 and gpt2-64, GPT-2 small, which needs a heap of about 12 GB at 16 tokens; "
                + "with --quick: mlp, lenet5).")
    List<String> models;

    @Option(names = "--batch", paramLabel = "N,...", split = ",",
            description = "Also measure batch proofs: one row per model and batch size N, each one proof of N inferences (prove per proof and per inference, verify, proof size, peak RSS, break-even N per inference); e.g. --batch 1,8,64 (default 1).")
    int[] batches;

    @Option(names = "--zk", description = "Also measure every model with a zero-knowledge key, in the same run: rows named MODEL+zk.")
    boolean zk;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true, description = "Directory for the results (created if needed).")
    Path output;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed runs before each timed stage, which also warms up for at least 3 s (1 s with --quick; none with --warmup 0); without --quick, prove and verify warm up on while the JIT compiler is still busy (more than 5% of the last 2 s of runs' time; within half the stage budget) (default 2; 1 with --quick).")
    Integer warmup;

    @Option(names = "--reps", paramLabel = "N", description = "Timed runs per stage; the median is reported (default 5; 3 with --quick).")
    Integer reps;

    @Option(names = "--stage-budget", paramLabel = "SECONDS",
            description = "Stop taking further runs of a stage after this long, keeping at least one timed run (default 60; 20 with --quick).")
    Double stageBudget;

    @Override
    public Integer call() throws Exception {
        List<BenchModel> selected;
        try {
            selected = Bench.select(models == null ? null : String.join(",", models), quick);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UserError("cannot write to " + output + ": it is not a directory");
        }
        checkOutput(output.resolve(Reports.CSV));
        if ((warmup != null && warmup < 0) || (reps != null && reps < 1) || (stageBudget != null && stageBudget <= 0)) {
            throw new UserError("--warmup must be >= 0, --reps >= 1 and --stage-budget > 0");
        }
        BenchHarness.Options d = quick ? BenchHarness.Options.QUICK : BenchHarness.Options.DEFAULT;
        BenchHarness.Options options = d.with(warmup, reps, stageBudget);
        if (batches != null) {
            try {
                options = options.withBatches(batches);
            } catch (IllegalArgumentException e) {
                throw new UserError("--batch: " + e.getMessage());
            }
        }
        if (zk) {
            options = options.withZeroKnowledge();
        }
        say("zkinfer bench: %d model(s) (%s), %d warm-up + %d timed run(s) per stage; results in %s", selected.size(),
                String.join(", ", selected.stream().map(BenchModel::name).toList()), options.warmup(), options.reps(), output);
        say("machine: %s", Reports.machine());
        var progress = progress();
        List<String> args = new ArrayList<>(List.of("zkinfer", "bench"));
        if (quick) {
            args.add("--quick");
        }
        if (models != null) {
            args.add("--models " + String.join(",", models));
        }
        if (warmup != null) {
            args.add("--warmup " + warmup);
        }
        if (reps != null) {
            args.add("--reps " + reps);
        }
        if (stageBudget != null) {
            args.add("--stage-budget " + stageBudget);
        }
        if (batches != null) {
            args.add("--batch " + String.join(",", java.util.Arrays.stream(batches).mapToObj(Integer::toString).toList()));
        }
        if (zk) {
            args.add("--zk");
        }
        args.add("-o " + output);
        List<ModelResult> results = Bench.run(selected, options, output, String.join(" ", args), progress, r -> {
            endProgress();
            say("%s", Bench.summary(r));
        });
        endProgress();
        boolean allVerified = results.stream().allMatch(r -> !r.prove().present() || r.verified());
        say("wrote %s, %s, %s and %s in %s", Reports.CSV, Reports.MARKDOWN, Reports.COST_CHART, Reports.PROVE_CHART, output);
        if (json) {
            List<Json> rows = new ArrayList<>();
            for (ModelResult r : results) {
                rows.add(new Json().put("model", r.model()).put("params", r.params()).put("infer_float_ms", r.inferFloat().median())
                        .put("infer_int_ms", r.inferInt().median()).put("compile_ms", r.compileMs()).put("prove_ms", r.prove().median())
                        .put("verify_ms", r.verify().median()).put("proof_bytes", r.proofBytes()).put("batch", r.batch())
                        .put("prove_per_inference_ms", r.provePerInferenceMs()).put("peak_rss_mb", r.peakRssMb())
                        .put("breakeven_n", r.breakEvenN().isPresent() ? (Object) r.breakEvenN().getAsLong() : "never")
                        .put("verified", r.verified()).put("notes", r.notes()));
            }
            Json top = new Json().put("output", output.toString()).put("all_verified", allVerified);
            for (int i = 0; i < rows.size(); i++) {
                top.put(Bench.label(results.get(i)), rows.get(i));
            }
            out.println(top);
        }
        if (!allVerified) {
            return Main.EXIT_INVALID;
        }
        // A model that could not be proved (not provable, out of memory) is a failed benchmark:
        // say which and what to do, and exit non-zero (the other models' rows are still written).
        boolean allProved = true;
        for (ModelResult r : results) {
            if (!r.prove().present()) {
                allProved = false;
                String hint = r.notes().contains("out of memory")
                        ? "; give the JVM more heap (e.g. JAVA_OPTS=-Xmx20g; ./zkinfer uses up to 75% of the machine's memory, no more than is free when it starts) or leave this model out with --models"
                        : "; leave this model out with --models";
                err.println("zkinfer: error: " + r.model() + " was not proved: " + r.notes() + hint);
            }
        }
        return allProved ? Main.EXIT_OK : Main.EXIT_USAGE;
    }
}

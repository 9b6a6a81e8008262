package dev.zkinfer.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole-model benchmark harness: measures the chosen models one after the other in this JVM
 * and writes {@code results.csv}, {@code results.md} and the charts. Used by {@code zkinfer
 * bench} and by {@link #main}:
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp 'benchmarks/target/classes:benchmarks/target/lib/*' \
 *     dev.zkinfer.bench.harness.Bench [--quick] [--models mlp,lenet5] [--batch 1,8,64] [--warmup N] [--reps N] -o DIR
 * </pre>
 */
public final class Bench {
    private Bench() {}

    /**
     * The models to run, in ladder order: those named in {@code names} (comma-separated; null or
     * empty for all that run by default), restricted to the small ones when {@code quick}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static List<BenchModel> select(String names, boolean quick) {
        Map<String, BenchModel> ladder = BenchModel.ladder();
        Set<String> wanted = new LinkedHashSet<>();
        if (names != null && !names.isBlank()) {
            for (String n : names.split(",")) {
                String key = n.trim().toLowerCase(Locale.ROOT);
                if (key.isEmpty()) {
                    continue;
                }
                if (!ladder.containsKey(key)) {
                    throw new IllegalArgumentException("unknown model '" + n.trim() + "'; known models: " + String.join(",", ladder.keySet()));
                }
                wanted.add(key);
            }
        }
        List<BenchModel> out = new ArrayList<>();
        for (BenchModel m : ladder.values()) {
            if ((wanted.isEmpty() ? m.byDefault() : wanted.contains(m.name())) && (!quick || m.quick())) {
                out.add(m);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no model selected: --quick runs only " + String.join(",",
                    ladder.values().stream().filter(BenchModel::quick).map(BenchModel::name).toList()));
        }
        return out;
    }

    /** Measures {@code models}, reporting each finished row to {@code done}, and writes the outputs to {@code dir}. */
    public static List<ModelResult> run(List<BenchModel> models, BenchHarness.Options options, Path dir, String command,
            Consumer<String> progress, Consumer<ModelResult> done) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Reports.captureMachine();
        BenchHarness harness = new BenchHarness(options, progress);
        List<ModelResult> results = new ArrayList<>();
        for (BenchModel m : models) {
            for (ModelResult r : harness.runAll(m)) {
                results.add(r);
                done.accept(r);
            }
            // Written after each model, so that a long run that is stopped keeps what it measured.
            Reports.write(dir, results, command);
        }
        return results;
    }

    /** One line summarizing a row, for terminals and logs. */
    public static String summary(ModelResult r) {
        if (!r.prove().present()) {
            return String.format(Locale.ROOT, "%-8s %,11d params  int infer %s ms  not proved: %s", label(r), r.params(),
                    Reports.ms(r.inferInt().median()), r.notes());
        }
        return String.format(Locale.ROOT, "%-8s %,11d params  float %s ms  int %s ms  compile %s ms  prove %s ms  verify %s ms  "
                + "proof %,d B  peak RSS %.0f MB  break-even N %s  %s", label(r), r.params(), Reports.ms(r.inferFloat().median()),
                Reports.ms(r.inferInt().median()), Reports.ms(r.compileMs()), Reports.ms(r.prove().median())
                        + (r.batch() > 1 ? " (" + Reports.ms(r.provePerInferenceMs()) + " per inference)" : ""),
                Reports.ms(r.verify().median()), r.proofBytes(), r.peakRssMb(), Reports.breakEven(r.breakEvenN()),
                r.verified() ? "verified" : "NOT VERIFIED");
    }

    /** The row's name: the model, and "x N" for a batch of N. */
    public static String label(ModelResult r) {
        return r.batch() == 1 ? r.model() : r.model() + " x" + r.batch();
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        String models = null;
        Path out = null;
        Integer warmup = null, reps = null;
        int[] batches = {1};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--models" -> models = args[++i];
                case "-o", "--output" -> out = Path.of(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--batch" -> batches = java.util.Arrays.stream(args[++i].split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
                default -> {
                    System.err.println("usage: Bench [--quick] [--models NAME,...] [--batch N,...] [--warmup N] [--reps N] -o DIR");
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            System.err.println("usage: Bench [--quick] [--models NAME,...] [--batch N,...] [--warmup N] [--reps N] -o DIR");
            System.exit(2);
        }
        BenchHarness.Options d = quick ? BenchHarness.Options.QUICK : BenchHarness.Options.DEFAULT;
        BenchHarness.Options o = d.with(warmup, reps, null).withBatches(batches);
        List<BenchModel> selected;
        try {
            selected = select(models, quick);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(selected, o, out, "Bench " + String.join(" ", args), s -> System.err.println("  " + s), r -> System.out.println(summary(r)));
        System.out.println("wrote " + out.resolve(Reports.CSV) + ", " + Reports.MARKDOWN + ", " + Reports.COST_CHART + ", " + Reports.PROVE_CHART);
    }
}

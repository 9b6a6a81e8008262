package dev.zkinfer.bench.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the harness's outputs: {@code results.csv}, {@code results.md} and the PNG charts. */
public final class Reports {
    /** The N of the replicated-vs-proved table. */
    private static final long[] NS = {1, 3, 10, 13, 100};
    public static final String CSV = "results.csv";
    public static final String MARKDOWN = "results.md";
    public static final String COST_CHART = "cost-vs-n.png";
    public static final String PROVE_CHART = "prove-time-vs-params.png";

    public static final List<String> COLUMNS = List.of("model", "batch", "params", "input_shape", "infer_float_ms", "infer_float_min_ms",
            "infer_float_max_ms", "infer_int_ms", "infer_int_min_ms", "infer_int_max_ms", "compile_ms", "prove_ms", "prove_min_ms",
            "prove_max_ms", "prove_per_inference_ms", "witness_ms", "verify_ms", "verify_min_ms", "verify_max_ms", "prove_runs", "proof_bytes", "vk_bytes",
            "peak_rss_mb", "breakeven_n", "breakeven_n_float", "verified", "notes");

    private Reports() {}

    /** Writes all outputs into {@code dir} (created if needed); returns the files written. */
    public static List<Path> write(Path dir, List<ModelResult> results, String command) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(write(dir.resolve(CSV), csv(results)));
        files.add(write(dir.resolve(MARKDOWN), markdown(results, command)));
        files.add(costChart(dir.resolve(COST_CHART), results));
        files.add(proveChart(dir.resolve(PROVE_CHART), results));
        return files;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : v >= 1 ? String.format(Locale.ROOT, "%.3f", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    static String breakEven(OptionalLong n) {
        return n.isPresent() ? Long.toString(n.getAsLong()) : "never";
    }

    public static String csv(List<ModelResult> results) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (ModelResult r : results) {
            List<String> v = List.of(r.model(), Integer.toString(r.batch()), Long.toString(r.params()), r.inputShape(), num(r.inferFloat().median()),
                    num(r.inferFloat().min()), num(r.inferFloat().max()), num(r.inferInt().median()), num(r.inferInt().min()),
                    num(r.inferInt().max()), num(r.compileMs()), num(r.prove().median()), num(r.prove().min()), num(r.prove().max()),
                    num(r.provePerInferenceMs()), num(r.witness().median()), num(r.verify().median()), num(r.verify().min()), num(r.verify().max()),
                    Integer.toString(r.prove().runs()), r.proofBytes() > 0 ? Long.toString(r.proofBytes()) : "",
                    r.verifyingKeyBytes() > 0 ? Long.toString(r.verifyingKeyBytes()) : "", num(r.peakRssMb()),
                    r.prove().present() ? breakEven(r.breakEvenN()) : "", r.prove().present() ? breakEven(r.breakEvenNFloat()) : "",
                    Boolean.toString(r.verified()), r.notes());
            List<String> quoted = new ArrayList<>();
            for (String s : v) {
                quoted.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
            }
            sb.append(String.join(",", quoted)).append('\n');
        }
        return sb.toString();
    }

    /** The machine, in one line: CPU, cores, memory, JVM, heap limit, load. */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        long memMb = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memMb = os.getTotalMemorySize() >> 20;
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%s, %d cores, %s RAM, %s %s (%s), max heap %d MB, %s %s, backend %s, load average %s at start",
                cpu, Runtime.getRuntime().availableProcessors(), memMb > 0 ? String.format(Locale.ROOT, "%.1f GB", memMb / 1024.0) : "?",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("zkinfer.backend", "default"), load < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", load));
    }

    private static String machine;

    /** Captures the machine description (with the load average) before the measurements start. */
    public static void captureMachine() {
        machine = machine();
    }

    public static String markdown(List<ModelResult> results, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# zkinfer benchmark: replicated vs proved execution\n\n");
        sb.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(" by `")
                .append(command).append("`.\n\n");
        sb.append("**Machine:** ").append(machine != null ? machine : machine()).append(".\n\n");
        sb.append("Times are the median of the timed runs after warm-up, in milliseconds, with the spread (min–max) in the CSV. "
                + "*prove* is the whole prover call (witness generation included); *compile* is the one-time key generation (one run); "
                + "*peak RSS* is the process's peak resident set (VmHWM, reset before each model where Linux allows it) while the model was measured. "
                + "A row of batch B is one batch proof of B inferences (`batch` in the CSV; 1: one inference per proof): *prove* and *verify* "
                + "are per proof, *prove / inference* is prove over B, and the break-even N is per inference (below). "
                + "Float and integer inference are single-image, in-process, in Java.\n\n");
        sb.append("| model | batch | params | float infer | int infer | compile | prove | prove / inference | verify | proof | peak RSS | break-even N | verified |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|\n");
        for (ModelResult r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.model(), r.batch(),
                    r.params(), ms(r.inferFloat().median()), ms(r.inferInt().median()), ms(r.compileMs()), ms(r.prove().median()),
                    ms(r.provePerInferenceMs()),
                    ms(r.verify().median()), r.proofBytes() > 0 ? String.format(Locale.ROOT, "%,d B", r.proofBytes()) : "–",
                    Double.isNaN(r.peakRssMb()) ? "–" : String.format(Locale.ROOT, "%.0f MB", r.peakRssMb()), r.prove().present() ? breakEven(r.breakEvenN()) : "–",
                    r.verified() ? "yes" : "**no**"));
        }
        sb.append("\n## Replicated vs proved\n\n");
        sb.append("Total compute, in milliseconds, for N parties to obtain the result: **replicated** = N × integer inference "
                + "(every validator re-executes the quantized model, whose output is bit-exact and so comparable); **proved** = "
                + "one prove + N × verify (the one-time compile excluded), per inference: a batch proof of B inferences is proved once "
                + "and each verifier verifies it once, so proved = (prove + N × verify) / B. The **break-even N** is the smallest N ≥ 1 where "
                + "proved ≤ replicated, i.e. ⌈(prove/B) / (infer − verify/B)⌉; *never* when verifying costs as much as re-executing "
                + "(verify/B ≥ infer). `breakeven_n_float` in the CSV is the same against float inference.\n\n");
        sb.append("| model |");
        for (long n : NS) {
            sb.append(" N=").append(n).append(" replicated | N=").append(n).append(" proved |");
        }
        sb.append(" break-even N |\n|---|");
        sb.append("--:|".repeat(2 * NS.length)).append("--:|\n");
        for (ModelResult r : results) {
            if (!r.prove().present()) {
                continue;
            }
            sb.append("| ").append(Bench.label(r)).append(" |");
            for (long n : NS) {
                sb.append(' ').append(ms(r.replicatedMs(n))).append(" | ").append(ms(r.provedMs(n))).append(" |");
            }
            sb.append(' ').append(breakEven(r.breakEvenN())).append(" |\n");
        }
        sb.append("\n## Models\n\n");
        for (ModelResult r : results) {
            sb.append("- **").append(Bench.label(r)).append("**: ").append(r.description()).append(", input ").append(r.inputShape())
                    .append(", ").append(String.format(Locale.ROOT, "%,d", r.params())).append(" parameters; prove ")
                    .append(r.prove().runs()).append(" timed run(s)");
            if (r.prove().present()) {
                sb.append(String.format(Locale.ROOT, " (%s–%s ms), verify %s–%s ms", num(r.prove().min()), num(r.prove().max()),
                        num(r.verify().min()), num(r.verify().max())));
            }
            if (!r.notes().isEmpty()) {
                sb.append(". Note: ").append(r.notes());
            }
            sb.append(".\n");
        }
        sb.append("\nCharts: `").append(COST_CHART).append("` (cost versus N) and `").append(PROVE_CHART)
                .append("` (prove and verify time versus model size).\n");
        return sb.toString();
    }

    static String ms(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(1000).height(650).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        return c;
    }

    /** Total compute versus N, log-log: N × inference (dashed) and prove + N × verify (solid), one colour per model. */
    static Path costChart(Path file, List<ModelResult> results) throws IOException {
        XYChart c = chart("Replicated (dashed) vs proved (solid) compute, per inference", "N (replicas / verifiers)", "total compute per inference (ms)");
        int points = 61;
        double[] ns = new double[points];
        for (int i = 0; i < points; i++) {
            ns[i] = Math.pow(10, 3.0 * i / (points - 1));
        }
        int k = 0;
        for (ModelResult r : results) {
            if (!r.prove().present() || !r.inferInt().present()) {
                continue;
            }
            Color color = PALETTE[k++ % PALETTE.length];
            double[] rep = new double[points], pro = new double[points];
            for (int i = 0; i < points; i++) {
                rep[i] = ns[i] * r.inferInt().median();
                pro[i] = (r.prove().median() + ns[i] * r.verify().median()) / r.batch();
            }
            XYSeries a = c.addSeries(Bench.label(r) + " replicated", ns, rep);
            a.setLineColor(color);
            a.setMarker(SeriesMarkers.NONE);
            a.setLineStyle(SeriesLines.DASH_DASH);
            XYSeries b = c.addSeries(Bench.label(r) + " proved", ns, pro);
            b.setLineColor(color);
            b.setMarker(SeriesMarkers.NONE);
            b.setLineStyle(new BasicStroke(2f));
        }
        if (k == 0) {
            c.addSeries("no model measured", new double[] {1, 1000}, new double[] {1, 1});
        }
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Prove, verify and integer-inference time versus parameter count, log-log. */
    static Path proveChart(Path file, List<ModelResult> results) throws IOException {
        XYChart c = chart("Time versus model size", "parameters", "time (ms)");
        int first = results.stream().mapToInt(ModelResult::batch).min().orElse(1);
        List<ModelResult> all = results.stream().filter(r -> r.prove().present()).sorted((a, b) -> Long.compare(a.params(), b.params()))
                .toList();
        List<ModelResult> done = all.stream().filter(r -> r.batch() == first).toList();
        if (done.isEmpty()) {
            c.addSeries("no model measured", new double[] {1, 10}, new double[] {1, 1});
        } else {
            double[] x = done.stream().mapToDouble(r -> r.params()).toArray();
            // Whole decades, so that a log axis always has labelled ticks.
            c.getStyler().setXAxisMin(Math.pow(10, Math.floor(Math.log10(x[0]))));
            c.getStyler().setXAxisMax(Math.pow(10, Math.max(Math.ceil(Math.log10(x[x.length - 1])), Math.floor(Math.log10(x[0])) + 1)));
            series(c, first == 1 ? "prove" : "prove per inference, batch " + first, x,
                    done.stream().mapToDouble(ModelResult::provePerInferenceMs).toArray(), PALETTE[1]);
            int k = 3;
            for (int b : all.stream().mapToInt(ModelResult::batch).filter(b -> b != first).distinct().sorted().toArray()) {
                List<ModelResult> rows = all.stream().filter(r -> r.batch() == b).toList();
                series(c, "prove per inference, batch " + b, rows.stream().mapToDouble(r -> r.params()).toArray(),
                        rows.stream().mapToDouble(ModelResult::provePerInferenceMs).toArray(), PALETTE[k++ % PALETTE.length]);
            }
            series(c, "verify", x, done.stream().mapToDouble(r -> r.verify().median()).toArray(), PALETTE[0]);
            series(c, "integer inference", x, done.stream().mapToDouble(r -> r.inferInt().median()).toArray(), PALETTE[2]);
            for (ModelResult r : done) {
                c.addAnnotation(new org.knowm.xchart.AnnotationText(r.model(), r.params(), r.provePerInferenceMs() * 1.6, false));
            }
        }
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static void series(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries s = c.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
    }
}

package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ONNX file we can find — ONNX's own test models (Debian's libonnx-testdata: node,
 * pytorch-converted, pytorch-operator, simple) and every model under ../shared — goes through
 * {@code zkinfer compile} as a user would run it. Each must either compile (exit 0) or be refused
 * with exit 2 and one line on stderr naming the problem; never an internal error (exit 3) or a
 * stack trace. The counts (compiled, proved, refused by reason, and per source) are written to
 * target/model-sweep.txt, each model's outcome to target/model-sweep-models.txt.
 */
class ModelSweepTest {
    static final Path ONNX_TESTDATA = Path.of("/usr/share/libonnx-testdata/data");

    static List<Path> models() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String part : List.of("node", "pytorch-converted", "pytorch-operator", "simple")) {
            Path dir = ONNX_TESTDATA.resolve(part);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).sorted().forEach(out::add);
                }
            }
        }
        Path shared = CliEndToEndTest.shared();
        try (Stream<Path> s = Files.walk(shared)) {
            s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(out::add);
        }
        return out;
    }

    @Test
    void everyModelCompilesOrIsRefusedWithOneLine(@TempDir Path tmp) throws IOException {
        List<Path> models = models();
        Assumptions.assumeTrue(models.size() > 40, "libonnx-testdata is not installed; run-tests installs it");
        Map<String, Integer> refusals = new TreeMap<>();
        List<String> internal = new ArrayList<>();
        int compiled = 0;
        int provedCount = 0;
        Map<String, Integer> proveFailures = new TreeMap<>();
        int k = 0;
        // per source (libonnx-testdata's parts, ../shared/conformance, the rest of ../shared): models, compiled, proved
        Map<String, int[]> bySource = new TreeMap<>();
        StringBuilder perModel = new StringBuilder();
        for (Path model : models) {
            Path out = tmp.resolve("m" + k++);
            CliEndToEndTest.Result r = CliEndToEndTest.exec("compile", model.toString(), "-o", out.toString(), "-q");
            String where = ONNX_TESTDATA.relativize(model.toAbsolutePath()).toString();
            int[] counts = bySource.computeIfAbsent(source(model), x -> new int[3]);
            counts[0]++;
            String outcome;
            List<String> err = r.err().lines().filter(l -> !l.startsWith("zkinfer: no --calibration given")).toList();
            if (r.code() == Main.EXIT_OK) {
                compiled++;
                counts[1]++;
                String proved = prove(out, where, internal);
                if (proved == null) {
                    provedCount++;
                    counts[2]++;
                    outcome = "proved";
                } else {
                    proveFailures.merge(proved, 1, Integer::sum);
                    outcome = "compiled, not proved: " + proved;
                }
            } else if (r.code() == Main.EXIT_USAGE && err.size() == 1 && err.get(0).startsWith("zkinfer: error: ")
                    && !r.err().contains("\tat ")) {
                refusals.merge(reason(err.get(0)), 1, Integer::sum);
                outcome = "refused: " + reason(err.get(0));
            } else {
                internal.add(where + ": exit " + r.code() + ": " + r.err().lines().limit(3).toList());
                outcome = "internal error";
            }
            perModel.append(where).append('\t').append(outcome).append('\n');
        }
        StringBuilder report = new StringBuilder();
        report.append(models.size()).append(" models: ").append(compiled).append(" compiled, ")
                .append(models.size() - compiled - internal.size()).append(" refused with one line, ")
                .append(internal.size()).append(" internal errors; of the compiled, ").append(provedCount)
                .append(" proved and verified on a random normal input\n\nprove failures by reason:\n");
        proveFailures.forEach((m, n) -> report.append(String.format("%5d  %s%n", n, m)));
        report.append("\nby source (models, compiled, proved):\n");
        bySource.forEach((src, c) -> report.append(String.format("%5d %5d %5d  %s%n", c[0], c[1], c[2], src)));
        report.append("\nrefusals by reason:\n");
        refusals.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> report.append(String.format("%5d  %s%n", e.getValue(), e.getKey())));
        report.append("\ninternal errors:\n");
        internal.forEach(i -> report.append(i).append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "model-sweep.txt"), report);
        Files.writeString(Path.of("target", "model-sweep-models.txt"), perModel);
        assertTrue(internal.isEmpty(), internal.size() + " model(s) ended in an internal error or a malformed message "
                + "(see target/model-sweep.txt):\n" + String.join("\n", internal.subList(0, Math.min(20, internal.size()))));
    }

    /**
     * Proves and verifies the compiled model in {@code dir} on a random normal input (clamped into
     * the calibrated range, as the calibration was on random normal inputs too); returns null when
     * it verified, else the reason (an internal error is added to {@code internal}).
     */
    static String prove(Path dir, String where, List<String> internal) throws IOException {
        byte[] vkBytes = Files.readAllBytes(dir.resolve("model.vk"));
        int[] sizes;
        try {
            var vk = dev.zkinfer.circuit.VerifyingKey.decode(vkBytes);
            int[] ins = vk.circuit().inputs();
            sizes = new int[ins.length];
            for (int i = 0; i < ins.length; i++) {
                sizes[i] = (int) vk.circuit().tensor(ins[i]).layout().size();
            }
        } catch (dev.zkinfer.encoding.MalformedProofException e) {
            internal.add(where + ": compile wrote a verifying key that does not decode: " + e.getMessage());
            return "bad key";
        }
        // one list per input (none for a model without run-time input: no --input)
        java.util.Random rnd = new java.util.Random(5);
        StringBuilder json = new StringBuilder("{\"input_data\": [");
        for (int k = 0; k < sizes.length; k++) {
            json.append(k == 0 ? "[" : ", [");
            for (int i = 0; i < sizes[k]; i++) {
                json.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.4f", rnd.nextGaussian()));
            }
            json.append(']');
        }
        Path input = Files.writeString(dir.resolve("input.json"), json.append("]}"));
        List<String> inputArgs = sizes.length == 0 ? List.of() : List.of("--input", input.toString());
        Path proof = dir.resolve("proof.bin");
        List<String> args = new ArrayList<>(List.of("prove", "--pk", dir.resolve("model.pk").toString(), "-o", proof.toString(), "-q", "--clamp-inputs"));
        args.addAll(inputArgs);
        CliEndToEndTest.Result p = CliEndToEndTest.exec(args.toArray(new String[0]));
        if (p.code() != Main.EXIT_OK) {
            if (p.code() != Main.EXIT_USAGE || p.err().contains("\tat ")) {
                internal.add(where + ": prove exit " + p.code() + ": " + p.err().lines().limit(3).toList());
            }
            return p.err().lines().findFirst().map(ModelSweepTest::reason).orElse("exit " + p.code());
        }
        CliEndToEndTest.Result v = CliEndToEndTest.exec("verify", "--vk", dir.resolve("model.vk").toString(), "--proof", proof.toString(), "-q");
        if (v.code() != Main.EXIT_OK) {
            internal.add(where + ": an honest proof did not verify: " + v.out().strip() + " " + v.err().strip());
            return "did not verify";
        }
        return null;
    }

    /** Where a model comes from: a part of libonnx-testdata, ../shared/conformance, or elsewhere in ../shared. */
    static String source(Path model) {
        Path abs = model.toAbsolutePath().normalize();
        if (abs.startsWith(ONNX_TESTDATA)) return "libonnx-testdata " + ONNX_TESTDATA.relativize(abs).getName(0);
        return abs.toString().contains("/conformance/") ? "shared conformance" : "shared, other";
    }

    /** The message without file names and node names, so that equal causes count together. */
    static String reason(String line) {
        String m = line.substring("zkinfer: error: ".length());
        // keep the operator's name in "unsupported operator 'X' at node ...", so the counts say which
        m = m.replaceFirst("^unsupported operator '([^']*)'", "unsupported operator \u00ab$1\u00bb");
        m = m.replaceAll("'[^']*'", "'…'").replaceAll("\\(node \\d+\\)", "(node …)").replaceAll("/[^ :]*", "…");
        m = m.replaceAll("\\d+", "N");
        return m.length() > 140 ? m.substring(0, 140) + "…" : m;
    }
}

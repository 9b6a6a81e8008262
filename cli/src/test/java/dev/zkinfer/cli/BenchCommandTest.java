package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.bench.harness.Reports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zkinfer bench --quick} end to end (the smoke test of the benchmark harness): every row
 * of results.csv is filled, every proof verified, results.md and the PNG charts are written.
 */
class BenchCommandTest {
    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Splits one CSV line (RFC 4180 quoting). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    @Test
    void quickRunFillsEveryRowVerifiesAndDrawsCharts(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("bench");
        // Few runs, short warm-up: this is a smoke test of the harness, not a measurement.
        Run r = run("bench", "--quick", "--reps", "2", "-o", dir.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("mlp") && r.out().contains("lenet5"), r.out());

        List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
        List<String> header = fields(lines.get(0));
        assertEquals(Reports.COLUMNS, header);
        for (String col : List.of("model", "params", "infer_float_ms", "infer_int_ms", "prove_ms", "verify_ms", "proof_bytes",
                "peak_rss_mb", "batch", "prove_per_inference_ms", "breakeven_n", "verified")) {
            assertTrue(header.contains(col), col);
        }
        assertEquals(3, lines.size(), "a header and one row per quick model: " + lines);
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = fields(line);
            assertEquals(header.size(), f.size(), line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < f.size(); i++) {
                row.put(header.get(i), f.get(i));
            }
            rows.put(row.get("model"), row);
        }
        assertEquals(List.of("mlp", "lenet5"), new ArrayList<>(rows.keySet()));
        for (Map<String, String> row : rows.values()) {
            for (String col : header) {
                if (!col.equals("notes")) {
                    assertFalse(row.get(col).isEmpty(), row.get("model") + ": " + col + " is empty in " + row);
                }
            }
            assertEquals("true", row.get("verified"), "the proof of " + row.get("model") + " verified: " + row);
            for (String col : List.of("infer_float_ms", "infer_int_ms", "compile_ms", "prove_ms", "verify_ms", "peak_rss_mb")) {
                assertTrue(Double.parseDouble(row.get(col)) > 0, col + " in " + row);
            }
            assertEquals("1", row.get("batch"), row.toString());
            assertEquals(Double.parseDouble(row.get("prove_ms")), Double.parseDouble(row.get("prove_per_inference_ms")), 1e-9);
            assertTrue(Long.parseLong(row.get("proof_bytes")) > 1000, row.toString());
            String be = row.get("breakeven_n");
            assertTrue(be.equals("never") || Long.parseLong(be) >= 1, be);
            assertTrue(Double.parseDouble(row.get("prove_min_ms")) <= Double.parseDouble(row.get("prove_ms"))
                    && Double.parseDouble(row.get("prove_ms")) <= Double.parseDouble(row.get("prove_max_ms")), row.toString());
        }
        assertEquals("44530", rows.get("mlp").get("params"));

        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("**Machine:**") && md.contains("| mlp |") && md.contains("| lenet5 |") && md.contains("break-even"), md);
        assertTrue(md.contains("zkinfer bench --quick"), "names the command that produced it");

        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        for (String png : List.of("cost-vs-n.png", "prove-time-vs-params.png")) {
            byte[] bytes = Files.readAllBytes(dir.resolve(png));
            assertArrayEquals(magic, Arrays.copyOf(bytes, 8), png);
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertTrue(img != null && img.getWidth() >= 400 && img.getHeight() >= 300, png);
        }
    }

    @Test
    void unknownModelIsAOneLineUsageError(@TempDir Path tmp) {
        Path dir = tmp.resolve("never");
        Run r = run("bench", "--models", "mlp,resnet9000", "-o", dir.toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown model 'resnet9000'") && r.err().contains("vgg16"), r.err());
        assertFalse(Files.exists(dir), "nothing written");

        Run quickBig = run("bench", "--quick", "--models", "vgg16", "-o", dir.toString());
        assertEquals(Main.EXIT_USAGE, quickBig.code());
        assertTrue(quickBig.err().contains("--quick"), quickBig.err());
        assertEquals(Main.EXIT_USAGE, run("bench", "--quick").code(), "-o is required");
    }

    /** A model that cannot be proved (here: a heap too small to prove LeNet-5) fails the run with a reason, not exit 0. */
    @Test
    void aModelThatCannotBeProvedExitsTwoWithAReason(@TempDir Path tmp) throws Exception {
        BadBackendPropertyTest.Run r = BadBackendPropertyTest.java(tmp, List.of("-Xmx24m", "-XX:+UseSerialGC", "-Dzkinfer.backend=scalar"),
                "bench", "--quick", "--models", "lenet5", "--warmup", "0", "--reps", "1", "-o", tmp.resolve("out").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("zkinfer: error: lenet5 was not proved: out of memory"), r.toString());
        assertTrue(r.err().contains("JAVA_OPTS=-Xmx"), r.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("out").resolve(Reports.CSV)), "the results are still written");
    }
}

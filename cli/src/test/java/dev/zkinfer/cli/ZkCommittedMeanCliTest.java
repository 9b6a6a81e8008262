package dev.zkinfer.cli;

import static dev.zkinfer.cli.CliEndToEndTest.get;
import static dev.zkinfer.cli.CliEndToEndTest.json;
import static dev.zkinfer.cli.CliEndToEndTest.ok;
import static dev.zkinfer.cli.CliEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed one-element output through the CLI (docs/zero-knowledge.md §3.5): EZKL's 1l_mean (a
 * mean over the whole input) compiled with {@code --zk --output-visibility committed}, proved, and
 * verified against its output file with the opening the prover wrote: the right value is checked,
 * a wrong value, or a second value (the circuit's padding, 0 or not), is refused in one line;
 * {@code inspect} shows the model's output shape.
 */
class ZkCommittedMeanCliTest {
    @Test
    void aMeansCommittedOutputProvesAndItsOpeningChecksTheOneValue(@TempDir Path tmp) throws Exception {
        Path model = CliEndToEndTest.shared().resolve("conformance/ezkl/1l_mean");
        Assumptions.assumeTrue(Files.isDirectory(model), "1l_mean not found in the shared data; skipping");
        String onnx = model.resolve("network.onnx").toString(), input = model.resolve("input.json").toString();

        // integrity mode: the output, and its shape
        Path plain = tmp.resolve("plain");
        ok("compile", onnx, "-o", plain.toString(), "--calibration", input, "-q");
        Map<String, Object> p = json(ok("prove", "--pk", plain.resolve("model.pk").toString(), "--input", input, "-o",
                tmp.resolve("plain.proof").toString(), "--json"));
        @SuppressWarnings("unchecked")
        List<Double> real = (List<Double>) p.get("output");
        assertEquals(1, real.size(), p.toString());
        Object shapes = get(json(ok("inspect", plain.resolve("model.vk").toString(), "--json")), "output_shapes");

        Path dir = tmp.resolve("zk");
        Map<String, Object> c = json(ok("compile", onnx, "-o", dir.toString(), "--calibration", input, "--zk", "--output-visibility",
                "committed", "--json"));
        assertEquals("committed", c.get("output_visibility"), c.toString());
        String vk = dir.resolve("model.vk").toString();
        Map<String, Object> i = json(ok("inspect", vk, "--json"));
        assertEquals("committed", get(i, "visibility.output"));
        assertEquals(shapes, get(i, "output_shapes"), "the model's output shape, not the circuit's padded one");
        String text = ok("inspect", vk).out();
        assertFalse(text.contains(", 2]"), text);

        Path proof = tmp.resolve("zk.proof");
        Map<String, Object> proved = json(ok("prove", "--pk", dir.resolve("model.pk").toString(), "--input", input, "-o", proof.toString(),
                "--json"));
        String opening = tmp.resolve("zk.proof.opening").toString();
        assertEquals(opening, proved.get("opening"));
        assertFalse(proved.containsKey("output") || proved.containsKey("outputs"), proved.toString());

        // the right output: checked
        Path right = Files.writeString(tmp.resolve("right.json"), "{\"output_data\": [" + real + "]}");
        Map<String, Object> v = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--output", right.toString(), "--opening",
                opening, "--json"));
        assertEquals(Boolean.TRUE, v.get("valid"), v.toString());
        assertEquals("checked", v.get("output_commitment"), v.toString());
        String shown = ok("verify", "--vk", vk, "--proof", proof.toString(), "--output", right.toString(), "--opening", opening).out();
        assertTrue(shown.contains("output commitment opens to " + right), shown);

        // a wrong value, and the padded pair with a second element (0 or not): refused in one line
        double wrong = real.get(0) + 100.0;
        for (String values : List.of("[" + wrong + "]", "[" + real.get(0) + ", 0.0]", "[" + real.get(0) + ", 5.0]")) {
            Path file = Files.writeString(tmp.resolve("wrong.json"), "{\"output_data\": [" + values + "]}");
            CliEndToEndTest.Result x = run(1, "verify", "--vk", vk, "--proof", proof.toString(), "--output", file.toString(), "--opening",
                    opening);
            assertEquals(1, x.out().strip().lines().count(), x.out());
            assertTrue(x.out().startsWith("invalid: the proof is for a different output than"), values + ": " + x.out());
        }
    }
}

package dev.zkinfer.cli;

import static dev.zkinfer.cli.CliEndToEndTest.json;
import static dev.zkinfer.cli.CliEndToEndTest.nums;
import static dev.zkinfer.cli.CliEndToEndTest.ok;
import static dev.zkinfer.cli.CliEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compile / infer / prove / verify end to end on the prover's graph-shape models
 * (prover/src/test/resources/graphio): input.json with one list per input, several outputs, and
 * a model without run-time input that proves without --input.
 */
class GraphShapesCliTest {
    static final Path DIR = Path.of("../prover/src/test/resources/graphio");

    @Test
    void twoInputsTakeOneListEachAndVerifyChecksBoth(@TempDir Path tmp) throws Exception {
        Path onnx = DIR.resolve("two_inputs.onnx");
        String json = Files.readString(DIR.resolve("two_inputs.json"));
        Path input = tmp.resolve("input.json");
        // input.json as the CLI reads it: input_data only, one list per input in graph order (a: 2×3, b: 3×4)
        Files.writeString(input, json.substring(0, json.indexOf(", \"output_data\"")) + "}");
        ok("compile", onnx.toString(), "-o", tmp.toString(), "--calibration", input.toString(), "-q");
        Path pk = tmp.resolve("model.pk"), vk = tmp.resolve("model.vk"), proof = tmp.resolve("p.proof");
        Map<String, Object> prove = json(ok("prove", "--pk", pk.toString(), "--input", input.toString(), "-o", proof.toString(), "--json"));
        List<Double> out = nums(prove, "output");
        assertEquals(8, out.size());
        Map<String, Object> verify = json(ok("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", input.toString(), "--json"));
        assertEquals(Boolean.TRUE, verify.get("valid"));
        assertEquals(out, nums(verify, "output"));
        assertEquals(List.of(out), verify.get("outputs"));

        // the second input's values in reverse order (all inside the calibrated range): a different input
        dev.zkinfer.nn.io.EzklInput in = dev.zkinfer.nn.io.EzklInput.read(input);
        double[] bs = in.inputData().get(1).clone();
        for (int i = 0; i < bs.length / 2; i++) {
            double t = bs[i];
            bs[i] = bs[bs.length - 1 - i];
            bs[bs.length - 1 - i] = t;
        }
        Path other = tmp.resolve("other.json");
        Files.writeString(other, new dev.zkinfer.nn.io.EzklInput(List.of(in.inputData().get(0), bs), List.of()).toJson());
        Map<String, Object> v2 = json(run(1, "verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", other.toString(), "--json"));
        assertEquals(Boolean.FALSE, v2.get("valid"));

        // one list for a two-input model is refused, naming the inputs
        Path one = tmp.resolve("one.json");
        Files.writeString(one, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]}");
        CliEndToEndTest.Result r = run(2, "prove", "--pk", pk.toString(), "--input", one.toString(), "-o", tmp.resolve("x.proof").toString());
        assertTrue(r.err().contains("the model takes 2 inputs ('a', 'b')"), r.err());
    }

    @Test
    void everyOutputIsPrintedAndInJson(@TempDir Path tmp) throws Exception {
        Path onnx = DIR.resolve("two_outputs.onnx");
        String json = Files.readString(DIR.resolve("two_outputs.json"));
        Path input = tmp.resolve("input.json");
        Files.writeString(input, json.substring(0, json.indexOf(", \"output_data\"")) + "}");
        ok("compile", onnx.toString(), "-o", tmp.toString(), "--calibration", input.toString(), "-q");
        Path proof = tmp.resolve("p.proof");
        Map<String, Object> prove = json(ok("prove", "--pk", tmp.resolve("model.pk").toString(), "--input", input.toString(), "-o", proof.toString(), "--json"));
        assertFalse(prove.containsKey("output"), "no single output for a two-output model");
        List<?> outs = (List<?>) prove.get("outputs");
        assertEquals(2, outs.size());
        assertEquals(6, ((List<?>) outs.get(0)).size());
        assertEquals(3, ((List<?>) outs.get(1)).size());
        CliEndToEndTest.Result text = ok("verify", "--vk", tmp.resolve("model.vk").toString(), "--proof", proof.toString());
        assertTrue(text.out().contains("output 0: ") && text.out().contains("output 1: "), text.out());
        Map<String, Object> infer = json(ok("infer", "--pk", tmp.resolve("model.pk").toString(), "--input", input.toString(), "--json"));
        assertEquals(outs, infer.get("outputs"));
    }

    @Test
    void aModelWithoutRunTimeInputProvesWithoutInput(@TempDir Path tmp) throws Exception {
        ok("compile", DIR.resolve("no_input.onnx").toString(), "-o", tmp.toString(), "-q");
        Path proof = tmp.resolve("p.proof");
        Map<String, Object> prove = json(ok("prove", "--pk", tmp.resolve("model.pk").toString(), "-o", proof.toString(), "--json"));
        List<?> outs = (List<?>) prove.get("outputs");
        assertEquals(2, outs.size());
        Map<String, Object> verify = json(ok("verify", "--vk", tmp.resolve("model.vk").toString(), "--proof", proof.toString(), "--json"));
        assertEquals(Boolean.TRUE, verify.get("valid"));
        assertEquals(outs, verify.get("outputs"));
        Path any = tmp.resolve("any.json");
        Files.writeString(any, "{\"input_data\": [[1.0]]}");
        CliEndToEndTest.Result r = run(2, "prove", "--pk", tmp.resolve("model.pk").toString(), "--input", any.toString(), "-o", tmp.resolve("x.proof").toString());
        assertTrue(r.err().contains("no run-time input"), r.err());
    }
}

package dev.zkinfer.cli;

import static dev.zkinfer.cli.CliEndToEndTest.json;
import static dev.zkinfer.cli.CliEndToEndTest.ok;
import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.nn.io.EzklInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: "a private input's values ... do not appear in any --json output". {@code prove --json}
 * and {@code verify --json} of a zero-knowledge key with a private input, on an EZKL conformance
 * model (3l_relu_conv_fc: 784 distinct input values, 10 outputs): every field
 * of their JSON is walked; the fields are the known ones (no input field), every number list is an
 * output (equal to the integrity-mode key's), and neither the input file's values nor their
 * quantized integers occur in any list, in order or as a run of three. Control: the same walk
 * finds the output of the proof in both, and the input file's values occur in the input file's
 * own text as the scan looks for them.
 */
class ZkJsonPrivacyCliTest {
    static final String MODEL = "conformance/ezkl/3l_relu_conv_fc";

    @Test
    void proveAndVerifyJsonOfAPrivateInputKeyHoldNoInputValue(@TempDir Path tmp) throws Exception {
        Path dir = CliEndToEndTest.shared().resolve(MODEL);
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("network.onnx")), MODEL + " is absent; skipping");
        Path onnx = dir.resolve("network.onnx"), input = dir.resolve("input.json");
        double[] x = EzklInput.read(input).inputData().get(0);
        assertTrue(x.length >= 8, "an input with enough values to scan for");

        ok("compile", onnx.toString(), "-o", tmp.resolve("plain").toString(), "--calibration", input.toString(), "-q");
        Map<String, Object> plain = json(ok("prove", "--pk", tmp.resolve("plain/model.pk").toString(), "--input", input.toString(), "-o",
                tmp.resolve("plain.proof").toString(), "--json"));
        ok("compile", onnx.toString(), "-o", tmp.resolve("zk").toString(), "--calibration", input.toString(), "--zk",
                "--input-visibility", "private", "-q");
        Path proof = tmp.resolve("zk.proof");
        String proveText = ok("prove", "--pk", tmp.resolve("zk/model.pk").toString(), "--input", input.toString(), "-o", proof.toString(),
                "--json").out();
        String verifyText = ok("verify", "--vk", tmp.resolve("zk/model.vk").toString(), "--proof", proof.toString(), "--json").out();
        Map<String, Object> prove = json(new CliEndToEndTest.Result(0, proveText, ""));
        Map<String, Object> verify = json(new CliEndToEndTest.Result(0, verifyText, ""));
        assertEquals(Boolean.TRUE, verify.get("valid"), verifyText);

        // the quantized input as the key quantizes it (the integers a proof of a public input carries)
        var qm = dev.zkinfer.prover.model.ProvingKey.decode(Files.readAllBytes(tmp.resolve("zk/model.pk")), s -> {}).model();
        int[] q = qm.quantizeInput(dev.zkinfer.nn.tensor.Tensor.of(qm.input().shape(), x)).data();

        for (Map<String, Object> j : List.of(prove, verify)) {
            String text = j == prove ? proveText : verifyText;
            List<String> keys = new ArrayList<>();
            keys(j, keys);
            assertTrue(keys.contains("output"), "control: the walk finds the output field in " + text);
            for (String key : keys) {
                assertFalse(key.contains("input") && !key.equals("clamped_inputs"), "an input field: " + key + " in " + text);
            }
            List<List<Double>> lists = new ArrayList<>();
            numberLists(j, lists);
            assertFalse(lists.isEmpty(), "control: the walk finds the output's list in " + text);
            for (List<Double> l : lists) {
                assertFalse(containsRun(l, x, 3), "three input values in a row in " + text);
                double[] qd = java.util.Arrays.stream(q).asDoubleStream().toArray();
                assertFalse(containsRun(l, qd, 3) && !isOutput(l, plain), "three quantized input values in a row in " + text);
            }
            // no input value is printed as text either (the file's own digits)
            for (double v : x) {
                if (Math.abs(v) > 1e-3) {
                    String s = Double.toString(v);
                    assertFalse(text.contains(s), "input value " + s + " in " + text);
                }
            }
            assertEquals(CliEndToEndTest.get(plain, "output"), CliEndToEndTest.get(j, "output"), "the integrity-mode output: " + text);
        }
        // control for the textual scan: the values are found in the input file, written as the scan looks for them
        String file = Files.readString(input);
        long inFile = java.util.Arrays.stream(x).filter(v -> Math.abs(v) > 1e-3 && file.contains(Double.toString(v))).count();
        assertTrue(inFile >= x.length / 2, "control: " + inFile + " of " + x.length + " input values found in the input file's text");
    }

    private static boolean isOutput(List<Double> l, Map<String, Object> plain) {
        return l.equals(CliEndToEndTest.get(plain, "output"));
    }

    /** Every field name anywhere in the JSON value. */
    private static void keys(Object v, List<String> out) {
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.add(String.valueOf(e.getKey()));
                keys(e.getValue(), out);
            }
        } else if (v instanceof List<?> l) {
            for (Object o : l) {
                keys(o, out);
            }
        }
    }

    /** Every list of numbers anywhere in the JSON value. */
    @SuppressWarnings("unchecked")
    private static void numberLists(Object v, List<List<Double>> out) {
        if (v instanceof Map<?, ?> m) {
            for (Object o : m.values()) {
                numberLists(o, out);
            }
        } else if (v instanceof List<?> l) {
            if (!l.isEmpty() && l.stream().allMatch(e -> e instanceof Double)) {
                out.add((List<Double>) l);
            } else {
                for (Object o : l) {
                    numberLists(o, out);
                }
            }
        }
    }

    /** Whether {@code l} holds {@code run} consecutive values of {@code values} in their order. */
    private static boolean containsRun(List<Double> l, double[] values, int run) {
        for (int i = 0; i + run <= l.size(); i++) {
            for (int k = 0; k + run <= values.length; k++) {
                boolean all = true;
                for (int r = 0; r < run && all; r++) {
                    all = l.get(i + r) == values[k + r];
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }
}

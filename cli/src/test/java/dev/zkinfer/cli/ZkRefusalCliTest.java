package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compile --zk} of a model zero-knowledge mode cannot prove is refused when the key is made,
 * in one line naming the tensors, and writes no key. The model: a ReduceMax over every axis of one
 * [1, 40] input (test resource {@code zk-refused/reduce_max_all.onnx}) with {@code --batch-sizes 1}:
 * its maximum is then a one-element tensor, which Z·R cannot mask (docs/zero-knowledge.md §8 item 6:
 * the compiler pads a sum to one element, not yet a maximum; with the default batch sizes the key
 * proves one input through the batch-2 circuit, where the maxima have a variable). Every EZKL
 * conformance model that integrity mode proves now proves in this mode (1l_concat was this test's
 * model until concatenations were built). The
 * line used to carry the class name of the exception ForkJoinTask re-made across threads
 * ("--zk: java.lang.IllegalArgumentException: zero-knowledge mode ...").
 */
class ZkRefusalCliTest {
    @Test
    void compileZkRefusesAModelItCannotProveInOneLine(@TempDir Path tmp) throws Exception {
        Path onnx = resource("reduce_max_all.onnx"), calibration = resource("reduce_max_all.json");
        Path out = tmp.resolve("zk");
        CliEndToEndTest.Result r = CliEndToEndTest.userError("compile", onnx.toString(), "-o", out.toString(),
                "--calibration", calibration.toString(), "--zk", "--batch-sizes", "1");
        String line = r.err().lines().findFirst().orElseThrow();
        assertTrue(line.startsWith("zkinfer: error: --zk: zero-knowledge mode cannot prove this model (batch "), line);
        assertTrue(line.contains("one-element tensors to hide (") && line.contains("y/max"), line);
        assertTrue(line.endsWith("one-element tensors get a variable at a larger batch size"), line);
        assertFalse(line.contains("java.lang"), line);
        assertFalse(Files.exists(out.resolve("model.pk")), "no key is written");
        // the same model and batch size compile in integrity mode
        CliEndToEndTest.ok("compile", onnx.toString(), "-o", tmp.resolve("plain").toString(), "--calibration", calibration.toString(),
                "--batch-sizes", "1", "-q");
        assertTrue(Files.exists(tmp.resolve("plain/model.pk")));
    }

    private static Path resource(String name) throws Exception {
        var url = ZkRefusalCliTest.class.getResource("/zk-refused/" + name);
        assertNotNull(url, "test resource zk-refused/" + name);
        return Path.of(url.toURI());
    }
}

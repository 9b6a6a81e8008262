package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compile --zk} of a model zero-knowledge mode cannot prove (1l_conv: the bias of its one
 * output channel is a one-element weight tensor at every batch size, which Z·R cannot mask) is
 * refused when the key is made, in one line naming the tensor, and writes no key. The line used
 * to carry the class name of the exception ForkJoinTask re-made across threads
 * ("--zk: java.lang.IllegalArgumentException: zero-knowledge mode ...").
 */
class ZkRefusalCliTest {
    @Test
    void compileZkRefusesAModelItCannotProveInOneLine(@TempDir Path tmp) {
        Path dir = CliEndToEndTest.shared().resolve("conformance/ezkl/1l_concat");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("network.onnx")), "1l_concat is absent; skipping");
        Path out = tmp.resolve("zk");
        CliEndToEndTest.Result r = CliEndToEndTest.userError("compile", dir.resolve("network.onnx").toString(), "-o", out.toString(),
                "--calibration", dir.resolve("input.json").toString(), "--zk");
        String line = r.err().lines().findFirst().orElseThrow();
        assertTrue(line.startsWith("zkinfer: error: --zk: zero-knowledge mode cannot prove this model (batch "), line);
        assertTrue(line.contains("an IndexMap layer with several inputs (Concat)"), line);
        assertFalse(line.contains("java.lang"), line);
        assertFalse(Files.exists(out.resolve("model.pk")), "no key is written");
        // the same model compiles in integrity mode
        CliEndToEndTest.ok("compile", dir.resolve("network.onnx").toString(), "-o", tmp.resolve("plain").toString(), "--calibration",
                dir.resolve("input.json").toString(), "-q");
    }
}

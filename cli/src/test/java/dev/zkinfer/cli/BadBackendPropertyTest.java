package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Dzkinfer.backend=bogus} (and a bogus {@code zkinfer.nn.kernels}) in a fresh JVM, as a
 * user would pass it through JAVA_OPTS: the command still works, and stderr has exactly one
 * warning line per bad property, in the CLI's one-line format.
 */
class BadBackendPropertyTest {
    @Test
    void bogusBackendWarnsOnceAndStillProves(@TempDir Path tmp) throws Exception {
        Path model = CliEndToEndTest.shared().resolve(CliEndToEndTest.MODEL_A);
        Assumptions.assumeTrue(Files.isRegularFile(model.resolve("network.onnx")), "no conformance model under " + model);
        Path input = model.resolve("input.json");
        assertEquals(0, CliEndToEndTest.exec("compile", model.resolve("network.onnx").toString(), "-o", tmp.toString(), "-q").code());
        Path proof = tmp.resolve("p.proof");

        Run r = java(tmp, List.of("-Dzkinfer.backend=bogus", "-Dzkinfer.nn.kernels=turbo"),
                "prove", "--pk", tmp.resolve("model.pk").toString(), "--input", input.toString(), "-o", proof.toString(), "-q");
        assertEquals(0, r.code, r.toString());
        List<String> err = r.err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(2, err.size(), r.toString());
        assertEquals(1, err.stream().filter(l -> l.startsWith("zkinfer: warning: zkinfer.backend=bogus is not a backend (valid: scalar, vector, native, cuda)")).count(), r.toString());
        assertEquals(1, err.stream().filter(l -> l.startsWith("zkinfer: warning: zkinfer.nn.kernels=turbo is not a kernel set")).count(), r.toString());
        assertTrue(r.out.startsWith("output: "), r.toString());

        CliEndToEndTest.Result v = CliEndToEndTest.exec("verify", "--vk", tmp.resolve("model.vk").toString(), "--proof", proof.toString());
        assertEquals(0, v.code(), v.toString());
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs the CLI in a child JVM on this test's class path, with the JVM flags the launcher passes. */
    static Run java(Path dir, List<String> props, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        cmd.addAll(props);
        cmd.addAll(List.of("-cp", cp, Main.class.getName()));
        cmd.addAll(List.of(args));
        File out = dir.resolve("child.out").toFile(), err = dir.resolve("child.err").toFile();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}

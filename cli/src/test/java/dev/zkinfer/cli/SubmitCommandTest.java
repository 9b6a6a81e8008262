package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.service.ProvingService;
import dev.zkinfer.service.http.ProvingServer;
import dev.zkinfer.service.models.ModelRegistry;
import dev.zkinfer.service.worker.ProvingWorker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zkinfer submit} against a proving service (embedded PostgreSQL) started by the test. */
class SubmitCommandTest {
    static ProvingService service;
    static String digest;
    static Path input;
    static String url;
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        Path shared = CliEndToEndTest.shared();
        Path onnx = shared.resolve("conformance/ezkl/1l_mlp/network.onnx");
        input = shared.resolve("conformance/ezkl/1l_mlp/input.json");
        data = Files.createTempDirectory("zkinfer-submit");
        service = ProvingService.serve(null, data,
                ProvingServer.Options.defaults().withHost("127.0.0.1").withPort(0).withToken("tok"),
                ProvingWorker.Options.defaults().withPollInterval(Duration.ofMillis(50)));
        digest = new ModelRegistry(service.store()).register(Files.readAllBytes(onnx), null, 8, null).digest();
        url = "http://127.0.0.1:" + service.port();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (data != null) {
            try (var walk = Files.walk(data)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                System.err.println("could not delete " + data + ": " + e);
            }
        }
    }

    static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        PrintStream o = System.out;
        PrintStream e = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            return Main.execute(args);
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void submitPrintsTheVerifiedOutputAndWritesTheProof(@TempDir Path tmp) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Path proof = tmp.resolve("p.proof");
        int code = run(out, err, "submit", "--server", url, "--model", digest, "--input", input.toString(), "-o", proof.toString(), "--token", "tok");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().startsWith("valid"), out.toString());
        assertEquals(0, Main.execute("verify", "--vk", writeVk(tmp).toString(), "--proof", proof.toString(), "-q"));
    }

    static Path writeVk(Path tmp) throws Exception {
        Path vk = tmp.resolve("model.vk");
        Files.write(vk, service.store().verifyingKey(digest).orElseThrow());
        return vk;
    }

    @Test
    void aRefusedSubmissionOrAnUnknownModelIsExitTwoWithOneLine(@TempDir Path tmp) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(2, run(out, err, "submit", "--server", url, "--model", digest, "--input", input.toString(), "-o", tmp.resolve("a").toString()));
        assertTrue(err.toString().contains("401"), err.toString());
        err.reset();
        assertEquals(2, run(out, err, "submit", "--server", url, "--model", "ab".repeat(32), "--input", input.toString(), "-o", tmp.resolve("b").toString(),
                "--token", "tok"));
        assertTrue(err.toString().contains("no such model"), err.toString());
        assertEquals(1, err.toString().strip().lines().filter(l -> !l.startsWith("WARNING")).count(), err.toString());
    }
}

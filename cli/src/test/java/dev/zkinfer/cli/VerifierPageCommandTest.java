package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.web.VerifierPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierPageCommandTest {
    @Test
    void writesEveryFileOfThePageAndMayRunAgain(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("page");
        CliEndToEndTest.Result r = CliEndToEndTest.ok("verifier-page", "-o", dir.toString());
        assertTrue(r.out().contains("Wrote the verifier page"), r.toString());
        for (String name : VerifierPage.FILES) {
            assertTrue(Files.size(dir.resolve(name)) > 0, name);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(VerifierPage.FILES.size(), files.count());
        }
        assertTrue(Files.size(dir.resolve("zkinfer-verifier.wasm")) > 10_000);
        CliEndToEndTest.ok("verifier-page", "-o", dir.toString(), "--quiet");
    }

    @Test
    void refusesToOverwriteAFileWithOtherContentAndWritesNothing(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("index.html"), "my own page");
        CliEndToEndTest.Result r = CliEndToEndTest.userError("verifier-page", "-o", tmp.toString());
        assertTrue(r.err().contains("index.html exists with other content"), r.toString());
        assertArrayEquals("my own page".getBytes(), Files.readAllBytes(tmp.resolve("index.html")));
        assertFalse(Files.exists(tmp.resolve("zkinfer-verifier.wasm")));
    }

    @Test
    void refusesAFileAsTheFolder(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        CliEndToEndTest.userError("verifier-page", "-o", file.toString());
    }
}

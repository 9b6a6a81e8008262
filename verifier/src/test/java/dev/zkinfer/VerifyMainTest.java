package dev.zkinfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier jar's command: exit codes and one-line messages. */
class VerifyMainTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifyMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void validProofExitsZero() throws Exception {
        Path vk = write("m.vk", FixtureProofTest.key());
        Path proof = write("p.bin", FixtureProofTest.proof());
        Run r = run(vk.toString(), proof.toString(), "--time");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("valid\n"), r.out());
        assertTrue(r.out().contains("verification"), r.out());
    }

    @Test
    void tamperedProofExitsOneWithAReason() throws Exception {
        byte[] proof = FixtureProofTest.proof();
        proof[proof.length / 2] ^= 1;
        Run r = run(write("m.vk", FixtureProofTest.key()).toString(), write("p.bin", proof).toString());
        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("invalid: "), r.out());
    }

    @Test
    void userErrorsExitTwoWithOneLine() throws Exception {
        Path proof = write("p.bin", FixtureProofTest.proof());
        byte[] key = FixtureProofTest.key();
        key[key.length - 1] ^= 1;
        Path badKey = write("bad.vk", key);
        for (Run r : new Run[] {run(), run(proof.toString()), run("--bogus", proof.toString(), proof.toString()),
                run(dir.resolve("missing.vk").toString(), proof.toString()), run(badKey.toString(), proof.toString()),
                run(proof.toString(), proof.toString())}) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("zkinfer-verifier: error: "), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }
}

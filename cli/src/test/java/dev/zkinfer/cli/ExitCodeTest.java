package dev.zkinfer.cli;

import static dev.zkinfer.cli.CliEndToEndTest.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.InternalException;
import dev.zkinfer.InvalidInputException;
import dev.zkinfer.MalformedInputException;
import dev.zkinfer.ProvingCancelledException;
import dev.zkinfer.cli.CliEndToEndTest.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit-code contract (README, "Commands"): 0 ok, 1 invalid proof (a proof that does not
 * parse included), 2 the user's problem with one line "zkinfer: error: ...", 3 a bug with its
 * stack trace. End to end on a small model through {@link Main#execute}, and {@link Main#report}
 * for the failures no command line can provoke on purpose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExitCodeTest {
    Path tmp, input, vk, pk, proof;

    @BeforeAll
    void compileAndProve(@TempDir Path dir) {
        tmp = dir;
        Path model = CliEndToEndTest.shared().resolve(CliEndToEndTest.MODEL_A);
        Assumptions.assumeTrue(Files.isRegularFile(model.resolve("network.onnx")), "no conformance model under " + model);
        input = model.resolve("input.json");
        assertEquals(0, exec("compile", model.resolve("network.onnx").toString(), "-o", tmp.resolve("k").toString(), "-q").code());
        vk = tmp.resolve("k/model.vk");
        pk = tmp.resolve("k/model.pk");
        proof = tmp.resolve("a.proof");
        assertEquals(0, exec("prove", "--pk", pk.toString(), "--input", input.toString(), "-o", proof.toString(), "-q").code());
    }

    /** Exit 2, exactly one line on stderr "zkinfer: error: ..." (plus the usage hint for option errors), nothing on stdout. */
    static Result assertUserError(String... args) {
        Result r = exec(args);
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("Run 'zkinfer ")).toList();
        assertEquals(1, lines.size(), r.toString());
        assertTrue(lines.get(0).startsWith("zkinfer: error: "), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
        assertEquals("", r.out(), r.toString());
        return r;
    }

    @Test
    void missingFileIs2() {
        Result r = assertUserError("verify", "--vk", tmp.resolve("absent.vk").toString(), "--proof", proof.toString());
        assertTrue(r.err().contains("absent.vk"), r.err());
        assertUserError("prove", "--pk", pk.toString(), "--input", tmp.resolve("absent.json").toString(), "-o", tmp.resolve("x").toString());
    }

    @Test
    void garbageKeysAre2() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("garbage.key"), "ZKPK but not really a key at all, just some text");
        Result r = assertUserError("prove", "--pk", garbage.toString(), "--input", input.toString(), "-o", tmp.resolve("y").toString());
        assertTrue(r.err().contains("garbage.key") && r.err().contains("proving key"), r.err());
        Path garbageVk = Files.writeString(tmp.resolve("garbage.vk"), "ZKVK and then nonsense");
        r = assertUserError("verify", "--vk", garbageVk.toString(), "--proof", proof.toString());
        assertTrue(r.err().contains("not a valid verifying key"), r.err());
    }

    @Test
    void badOptionIs2() {
        assertUserError("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--no-such-option");
    }

    @Test
    void truncatedProofIsAnInvalidProof1() throws IOException {
        byte[] p = Files.readAllBytes(proof);
        for (int len : new int[] {0, 10, p.length / 2, p.length - 1}) {
            Path t = Files.write(tmp.resolve("trunc" + len + ".proof"), Arrays.copyOf(p, len));
            Result r = exec("verify", "--vk", vk.toString(), "--proof", t.toString());
            assertEquals(Main.EXIT_INVALID, r.code(), r.toString());
            assertTrue(r.out().startsWith("invalid: "), r.toString());
            assertFalse(r.err().contains("\tat "), r.toString());
        }
    }

    @Test
    void tamperedProofIs1() throws IOException {
        byte[] p = Files.readAllBytes(proof);
        p[p.length - 40] ^= 1;
        Path t = Files.write(tmp.resolve("tampered.proof"), p);
        Result r = exec("verify", "--vk", vk.toString(), "--proof", t.toString());
        assertEquals(Main.EXIT_INVALID, r.code(), r.toString());
        assertTrue(r.out().startsWith("invalid: "), r.toString());
        assertEquals(Main.EXIT_OK, exec("verify", "--vk", vk.toString(), "--proof", proof.toString()).code());
    }

    // ---------------------------------------------------------------- Main.report, one failure at a time

    record Report(int code, String err) {}

    static Report report(Throwable t) {
        StringWriter s = new StringWriter();
        int code = Main.report(t, new PrintWriter(s));
        return new Report(code, s.toString());
    }

    static void assertOneLine(Report r, int code, String startsWith) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(startsWith), r.err());
    }

    @Test
    void usersProblemsAre2WithOneLine() {
        assertOneLine(report(new InvalidInputException("input 'x' has shape [1, 2] but the model expects [1, 3]")), 2,
                "zkinfer: error: input 'x' has shape [1, 2]");
        assertOneLine(report(new MalformedInputException("k.pk: corrupted proving key (checksum mismatch)")), 2,
                "zkinfer: error: k.pk: corrupted");
        assertOneLine(report(new NoSuchFileException("/tmp/nope")), 2, "zkinfer: error: /tmp/nope: no such file or directory");
        assertOneLine(report(new java.io.UncheckedIOException(new IOException("disk full"))), 2, "zkinfer: error: disk full");
        assertOneLine(report(new ProvingCancelledException("the proof passed its deadline of 5 s")), 2,
                "zkinfer: error: the proof passed its deadline");
        assertOneLine(report(new UserError("--bits must be 8 or 16, got 7")), 2, "zkinfer: error: --bits");
    }

    @Test
    void invalidProofIs1() {
        assertOneLine(report(new dev.zkinfer.InvalidProofException("round 3 does not sum")), 1, "zkinfer: invalid: round 3");
    }

    @Test
    void bugsAre3WithTheStackTrace() {
        for (Throwable bug : List.of(new IllegalStateException("deep state"), new IllegalArgumentException("deep argument"),
                new InternalException("layer 4 claim mismatch"), new NullPointerException(), new StackOverflowError(),
                new AssertionError("unreachable"))) {
            Report r = report(bug);
            assertEquals(Main.EXIT_INTERNAL, r.code(), r.err());
            assertTrue(r.err().startsWith("zkinfer: internal error"), r.err());
            assertTrue(r.err().contains("\tat "), "a bug keeps its stack trace: " + r.err());
        }
        // A bug wrapped by a thread pool is still a bug, reported with what went wrong inside.
        Report wrapped = report(new java.util.concurrent.CompletionException(new IllegalStateException("in a worker")));
        assertEquals(Main.EXIT_INTERNAL, wrapped.code());
        assertTrue(wrapped.err().contains("in a worker"), wrapped.err());
    }

    @Test
    void outOfMemoryIs3WithAHeapHint() {
        Report r = report(new OutOfMemoryError("Java heap space"));
        assertOneLine(r, 3, "zkinfer: error: out of memory");
        assertTrue(r.err().contains("-Xmx") && r.err().contains("JAVA_OPTS"), r.err());
    }
}

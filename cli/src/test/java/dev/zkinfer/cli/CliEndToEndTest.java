package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.arrow.ArrowBatches;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code zkinfer} command line end to end, in-process through {@link Main#execute}: compile →
 * infer → prove → verify on small EZKL conformance models, the exit-code contract (0 valid, 1
 * invalid, 2 user mistake), the {@code --json} fields, {@code --quiet}, {@code --help}, atomic
 * output files, and that no user mistake ever prints a stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndTest {
    /** Model A: Gemm 3 → 4 (+ ReLU); model B: a different network with the same [1, 3] input. */
    static final String MODEL_A = "conformance/ezkl/1l_mlp";
    static final String MODEL_B = "conformance/ezkl/2l_relu_fc";

    /** One directory for the whole class (keys and proofs are made once, in {@link #compileAndProve}). */
    Path tmp;

    Path onnxA, inputA, onnxB, inputB;
    Path pkA, vkA, vkB, proofA;
    Map<String, Object> compileA, compileB, proveA;

    // ---------------------------------------------------------------- set-up

    @BeforeAll
    void compileAndProve(@TempDir Path dir) throws IOException {
        tmp = dir;
        Path shared = shared();
        onnxA = shared.resolve(MODEL_A).resolve("network.onnx");
        inputA = shared.resolve(MODEL_A).resolve("input.json");
        onnxB = shared.resolve(MODEL_B).resolve("network.onnx");
        inputB = shared.resolve(MODEL_B).resolve("input.json");
        Assumptions.assumeTrue(Files.isRegularFile(onnxA) && Files.isRegularFile(onnxB),
                "conformance models " + MODEL_A + " / " + MODEL_B + " are absent under " + shared + "; skipping");

        compileA = json(ok("compile", onnxA.toString(), "-o", tmp.resolve("a").toString(), "--calibration", inputA.toString(), "--json"));
        compileB = json(ok("compile", onnxB.toString(), "-o", tmp.resolve("b").toString(), "--json"));
        pkA = tmp.resolve("a/model.pk");
        vkA = tmp.resolve("a/model.vk");
        vkB = tmp.resolve("b/model.vk");
        proofA = tmp.resolve("a.proof");
        proveA = json(ok("prove", "--pk", pkA.toString(), "--input", inputA.toString(), "-o", proofA.toString(), "--json"));
    }

    static Path shared() {
        String prop = System.getProperty("zkinfer.shared");
        for (String p : new String[] {prop, "../shared", "../../shared"}) {
            if (p != null && Files.isDirectory(Path.of(p))) {
                return Path.of(p);
            }
        }
        Assumptions.abort("shared test data not found (set -Dzkinfer.shared=/path/to/shared); skipping the CLI end-to-end tests");
        return null;
    }

    // ---------------------------------------------------------------- the happy path and --json

    @Test
    void compileJsonHasDigestSecurityAndQuantization() {
        for (Map<String, Object> c : List.of(compileA, compileB)) {
            assertTrue(((String) c.get("digest")).matches("[0-9a-f]{64}"), c.toString());
            assertTrue(num(c, "security_bits") >= 100, c.toString());
            Map<?, ?> q = assertInstanceOf(Map.class, c.get("quantization"));
            assertTrue(q.containsKey("argmax_agreement") && q.containsKey("max_abs_error"), q.toString());
        }
        assertNotEquals(compileA.get("digest"), compileB.get("digest"));
        assertTrue(Files.isRegularFile(pkA) && Files.isRegularFile(vkA));
    }

    @Test
    void inferProveAndVerifyAgreeOnTheOutput() {
        Map<String, Object> infer = json(ok("infer", "--pk", pkA.toString(), "--input", inputA.toString(), "--json"));
        List<Double> out = nums(infer, "output");
        assertEquals(4, out.size());
        assertTrue(num(infer, "timings_ms.infer") >= 0);

        assertEquals(out, nums(proveA, "output"));
        assertEquals(fileSize(proofA), (long) num(proveA, "proof_bytes"));
        for (String t : List.of("load_key", "witness", "prove", "total")) {
            assertTrue(num(proveA, "timings_ms." + t) >= 0, t);
        }

        Map<String, Object> verify = json(ok("verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--json"));
        assertEquals(Boolean.TRUE, verify.get("valid"));
        assertFalse(verify.containsKey("reason"));
        assertEquals(out, nums(verify, "output"));
        assertTrue(num(verify, "timings_ms.verify") >= 0);

        Result text = ok("verify", "--vk", vkA.toString(), "--proof", proofA.toString());
        assertTrue(text.out.startsWith("valid"), text.out);
        assertTrue(text.out.contains("output:"), text.out);
    }

    @Test
    void verifyWithInputChecksWhichInputWasProved() {
        ok("verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--input", inputA.toString());
        // Model B's input has the same shape [1, 3] and different values.
        Result r = run(1, "verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--input", inputB.toString(), "--json");
        Map<String, Object> j = json(r);
        assertEquals(Boolean.FALSE, j.get("valid"));
        assertTrue(((String) j.get("reason")).contains("different input"), j.toString());
        Result t = run(1, "verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--input", inputB.toString());
        assertTrue(t.out.startsWith("invalid: "), t.out);
    }

    @Test
    void arrowInputGivesTheSameOutputAsInputJson() throws IOException {
        double[] x = {1.5, 0.5, 1.25}; // exact in float32, which the Arrow file holds
        Path json = write("exact.json", "{\"input_data\": [[1.5, 0.5, 1.25]]}");
        Path arrow = tmp.resolve("exact.arrow");
        ArrowBatches.write(arrow, "input", List.of(Tensor.of(new int[] {3}, x)));
        Map<String, Object> fromJson = json(ok("infer", "--pk", pkA.toString(), "--input", json.toString(), "--json"));
        Map<String, Object> fromArrow = json(ok("infer", "--pk", pkA.toString(), "--input", arrow.toString(), "--json"));
        assertEquals(fromJson.get("output_int"), fromArrow.get("output_int"));
    }

    // ---------------------------------------------------------------- batch proofs

    @Test
    void anInputFileWithSeveralRowsMakesOneBatchProofWhoseRowsAreEachTheSingleProofs() throws IOException {
        String[] rows = {"[0.1, 0.2, 0.3]", "[1.0, -1.0, 0.5]", "[0.0, 0.7, -0.3]"};
        Path three = write("three-rows.json", "{\"input_data\": [" + String.join(", ", rows) + "]}");
        Path batchProof = tmp.resolve("three.proof");
        Map<String, Object> proved = json(ok("prove", "--pk", pkA.toString(), "--input", three.toString(), "-o", batchProof.toString(),
                "--clamp-inputs", "--json"));
        assertEquals(3.0, num(proved, "rows"));
        assertEquals(4.0, num(proved, "batch"), "three rows are padded to the batch circuit of 4");
        Map<String, Object> verified = json(ok("verify", "--vk", vkA.toString(), "--proof", batchProof.toString(), "--json"));
        assertEquals(Boolean.TRUE, verified.get("valid"));
        assertEquals(3.0, num(verified, "rows"));
        List<Double> all = nums(verified, "output_int");
        int per = all.size() / 3;
        for (int r = 0; r < 3; r++) {
            Path one = write("row" + r + ".json", "{\"input_data\": [" + rows[r] + "]}");
            Path single = tmp.resolve("row" + r + ".proof");
            Map<String, Object> p = json(ok("prove", "--pk", pkA.toString(), "--input", one.toString(), "-o", single.toString(),
                    "--clamp-inputs", "--json"));
            assertEquals(nums(p, "output_int"), all.subList(r * per, (r + 1) * per), "row " + r + " equals its single proof's output");
        }
        ok("verify", "--vk", vkA.toString(), "--proof", batchProof.toString(), "--input", three.toString(), "--clamp-inputs");
        Result other = run(1, "verify", "--vk", vkA.toString(), "--proof", batchProof.toString(), "--input", inputA.toString(), "--clamp-inputs");
        assertTrue(other.out.contains("1 inference(s) in the file, 3 proved"), other.out);
        ok("compile", onnxA.toString(), "-o", tmp.resolve("a2").toString(), "--calibration", inputA.toString(), "--batch-sizes", "1,2", "-q");
        Result tooMany = userError("prove", "--pk", tmp.resolve("a2/model.pk").toString(), "--input", three.toString(), "-o",
                tmp.resolve("x.proof").toString(), "--clamp-inputs");
        assertTrue(tooMany.err.contains("3 inferences, but one proof with this key holds at most 2"), tooMany.err);
        userError("compile", onnxA.toString(), "-o", tmp.resolve("a3").toString(), "--batch-sizes", "2,1");
    }

    // ---------------------------------------------------------------- exit code 1: invalid proofs

    @Test
    void proofWithAFlippedOutputByteIsInvalid() throws IOException {
        byte[] proof = Files.readAllBytes(proofA);
        // Header: magic, u32 version, 32-byte vk digest, u32 batch, u32 rows, u32 1 (inputs), u32 n, u8 width w + n input values
        // (w bytes each), u32 1 (outputs), u32 m, u8 width + m outputs.
        int h = dev.zkinfer.circuit.ProofProtocol.HEADER_BYTES;
        int inputs = java.nio.ByteBuffer.wrap(proof, h + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        int firstOutput = h + 9 + proof[h + 8] * inputs + 9;
        proof[firstOutput] ^= 1;
        Path bad = tmp.resolve("flipped-output.proof");
        Files.write(bad, proof);
        Map<String, Object> j = json(run(1, "verify", "--vk", vkA.toString(), "--proof", bad.toString(), "--json"));
        assertEquals(Boolean.FALSE, j.get("valid"));
        assertFalse(((String) j.get("reason")).isBlank());
        assertFalse(j.containsKey("output"), "an invalid proof's output must not be reported");
        assertTrue(run(1, "verify", "--vk", vkA.toString(), "--proof", bad.toString()).out.startsWith("invalid: "));
    }

    @Test
    void truncatedOrGarbageProofIsInvalid() throws IOException {
        byte[] proof = Files.readAllBytes(proofA);
        Path truncated = tmp.resolve("truncated.proof");
        Files.write(truncated, Arrays.copyOf(proof, proof.length / 2));
        Path garbage = write("garbage.proof", "not a proof at all");
        run(1, "verify", "--vk", vkA.toString(), "--proof", truncated.toString());
        run(1, "verify", "--vk", vkA.toString(), "--proof", garbage.toString());
    }

    @Test
    void proofForAnotherModelIsInvalidAndTheReasonNamesBothDigests() {
        Map<String, Object> j = json(run(1, "verify", "--vk", vkB.toString(), "--proof", proofA.toString(), "--json"));
        assertEquals(Boolean.FALSE, j.get("valid"));
        String reason = (String) j.get("reason");
        assertTrue(reason.contains("different model"), reason);
        assertTrue(reason.contains((String) compileA.get("digest")) && reason.contains((String) compileB.get("digest")), reason);
    }

    // ---------------------------------------------------------------- exit code 2: user mistakes

    @Test
    void missingFilesAreUsageErrors() {
        String missing = tmp.resolve("no-such-file").toString();
        String out = tmp.resolve("unused").toString();
        userError("compile", missing, "-o", out);
        userError("compile", onnxA.toString(), "-o", out, "--calibration", missing);
        userError("infer", "--pk", missing, "--input", inputA.toString());
        userError("infer", "--pk", pkA.toString(), "--input", missing);
        userError("prove", "--pk", missing, "--input", inputA.toString(), "-o", out);
        userError("prove", "--pk", pkA.toString(), "--input", missing, "-o", out);
        userError("verify", "--vk", missing, "--proof", proofA.toString());
        userError("verify", "--vk", vkA.toString(), "--proof", missing);
        userError("verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--input", missing);
        userError("inspect", missing);
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void wrongShapedOrMalformedInputIsAUsageError() throws IOException {
        Path two = write("two-values.json", "{\"input_data\": [[1.0, 2.0]]}");
        Path four = write("four-values.json", "{\"input_data\": [[1.0, 2.0, 3.0, 4.0]]}");
        Path empty = write("empty.json", "{\"input_data\": []}");
        Path notJson = write("not.json", "{\"input_data\": [[1, 2,");
        Path infinite = write("infinite.json", "{\"input_data\": [[1e400, 0, 0]]}");
        Path badArrow = write("bad.arrow", "ARROW1\0\0 and then garbage, not a record batch");
        for (Path in : List.of(two, four, empty, notJson, infinite, badArrow)) {
            Result r = userError("infer", "--pk", pkA.toString(), "--input", in.toString());
            assertTrue(r.err.contains(in.toString()), "the error names the file: " + r.err);
        }
        userError("verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--input", two.toString());
        userError("compile", onnxA.toString(), "-o", tmp.resolve("c").toString(), "--calibration", two.toString());
        userError("compile", two.toString(), "-o", tmp.resolve("c").toString()); // not an ONNX model
    }

    @Test
    void corruptedVerifyingKeyIsNeverAccepted() throws IOException {
        byte[] vk = Files.readAllBytes(vkA);
        // A damaged header or a truncation is a malformed key (2). The key has no checksum, so a
        // flip in its body may decode to another model's key, which the proof then fails (1).
        for (int pos : new int[] {0, 2, 5, 10}) {
            userError("verify", "--vk", flipped("vk-flip" + pos, vk, pos).toString(), "--proof", proofA.toString());
        }
        for (int len : new int[] {0, 3, vk.length / 2, vk.length - 1}) {
            Path f = tmp.resolve("vk-trunc" + len);
            Files.write(f, Arrays.copyOf(vk, len));
            userError("verify", "--vk", f.toString(), "--proof", proofA.toString());
        }
        for (int pos : new int[] {40, vk.length / 3, vk.length / 2, vk.length - 4}) {
            Result r = run(-1, "verify", "--vk", flipped("vk-flip" + pos, vk, pos).toString(), "--proof", proofA.toString());
            assertTrue(r.code == Main.EXIT_INVALID || r.code == Main.EXIT_USAGE, "flip at " + pos + ": exit " + r.code + "\n" + r);
        }
    }

    @Test
    void corruptedProvingKeyIsAUsageError() throws IOException {
        byte[] pk = Files.readAllBytes(pkA);
        // Magic, security level, the recorded digest, the model's counts, its weights, the tail.
        for (int pos : new int[] {0, 2, 8, 12, 20, 44, 60, pk.length / 2, pk.length - 3}) {
            Path f = flipped("pk-flip" + pos, pk, pos);
            Path proof = tmp.resolve("pk-flip" + pos + ".proof");
            userError("prove", "--pk", f.toString(), "--input", inputA.toString(), "-o", proof.toString());
            assertFalse(Files.exists(proof));
        }
        for (int len : new int[] {0, 3, 30, pk.length / 2, pk.length - 1}) {
            Path f = tmp.resolve("pk-trunc" + len);
            Files.write(f, Arrays.copyOf(pk, len));
            userError("infer", "--pk", f.toString(), "--input", inputA.toString());
            userError("inspect", f.toString());
        }
        // Keys swapped: a verifying key where a proving key belongs, and the other way round.
        userError("infer", "--pk", vkA.toString(), "--input", inputA.toString());
        userError("verify", "--vk", pkA.toString(), "--proof", proofA.toString());
    }

    /**
     * prove recommits a key's weights while it computes the witness
     * (ProvingKey.decodeRecommittingInBackground): a key whose stored weights were changed under a
     * valid checksum is still refused with one line naming the file, and no proof is written.
     */
    @Test
    void provingKeyWithChangedWeightsUnderAValidChecksumIsRefusedByProve() throws Exception {
        byte[] pk = Files.readAllBytes(pkA);
        dev.zkinfer.prover.model.ProvingKey key = dev.zkinfer.prover.model.ProvingKey.decode(pk, s -> {});
        // the stored circuit values end before the tensor maps (per batch circuit a u32 count and a
        // u32 per model tensor), the blinding seed's u32 length and the checksum
        int batches = key.verifyingKey().batchSizes().length;
        int lastWeight = pk.length - 32 - 4 - batches * (4 + 4 * key.model().tensors().size()) - 1;
        boolean refusedByDigest = false;
        for (int at = lastWeight; at > lastWeight - 4096 && !refusedByDigest; at--) {
            if ((pk[at] & 0x80) != 0 || (pk[at - 1] & 0x80) != 0) {
                continue; // not a one-byte varint
            }
            byte[] bad = Arrays.copyOf(pk, pk.length);
            bad[at] ^= 0x02;
            System.arraycopy(java.security.MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bad, bad.length - 32)), 0, bad,
                    bad.length - 32, 32);
            Path f = Files.write(tmp.resolve("pk-reweighted"), bad);
            Path proof = tmp.resolve("pk-reweighted.proof");
            Result r = userError("prove", "--pk", f.toString(), "--input", inputA.toString(), "-o", proof.toString());
            assertTrue(r.err.startsWith("zkinfer: error: " + f + ": corrupted proving key"), r.err);
            assertFalse(Files.exists(proof));
            // (a changed padding entry, or a length field between tensors, is refused while loading)
            refusedByDigest = r.err.contains("do not match the digest");
        }
        assertTrue(refusedByDigest, "no stored weight change reached the digest check");
    }

    @Test
    void badOptionsAreUsageErrors() {
        String out = tmp.resolve("opts").toString();
        Result unknown = userError("prove", "--pk", pkA.toString(), "--input", inputA.toString(), "-o", out, "--frobnicate");
        assertTrue(unknown.err.contains("--frobnicate") && unknown.err.contains("zkinfer prove --help"), unknown.err);
        Result top = userError("--frobnicate");
        assertTrue(top.err.contains("Run 'zkinfer --help'"), top.err);
        userError("no-such-command");
        userError("prove", "--pk", pkA.toString()); // missing required options
        userError("compile", onnxA.toString(), "-o", out, "--bits", "7");
        userError("compile", onnxA.toString(), "-o", out, "--bits", "eight");
        userError("compile", onnxA.toString(), "-o", out, "--profile", "99");
        userError("compile", onnxA.toString(), "-o", out, "--profile", "");
        userError("compile", onnxA.toString(), "-o", out, "--batch", "0");
        userError("bench", "--no-such-option");
        assertFalse(Files.exists(Path.of(out)), "a rejected command writes nothing");
    }

    // ---------------------------------------------------------------- output files

    @Test
    void failedProveLeavesNoOutputFileBehind() throws IOException {
        Path wrong = write("wrong.json", "{\"input_data\": [[1.0]]}");
        Path proof = tmp.resolve("out/never.proof");
        userError("prove", "--pk", pkA.toString(), "--input", wrong.toString(), "-o", proof.toString());
        assertFalse(Files.exists(proof));

        // An existing proof is left as it was, not truncated or replaced.
        Path existing = write("existing.proof", "old contents");
        userError("prove", "--pk", pkA.toString(), "--input", wrong.toString(), "-o", existing.toString());
        assertEquals("old contents", Files.readString(existing));

        // -o names a directory, or a path under a file: refused before proving, nothing written.
        Path dir = Files.createDirectories(tmp.resolve("a-directory.proof"));
        Result r = userError("prove", "--pk", pkA.toString(), "--input", inputA.toString(), "-o", dir.toString());
        assertTrue(r.err.contains("directory"), r.err);
        assertTrue(Files.isDirectory(dir));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        userError("prove", "--pk", pkA.toString(), "--input", inputA.toString(), "-o", existing.resolve("x.proof").toString());
        userError("compile", onnxA.toString(), "-o", existing.toString());
        assertEquals("old contents", Files.readString(existing));

        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "temporary files left behind");
        }
    }

    // ---------------------------------------------------------------- --quiet, --help, inspect, demo

    @Test
    void quietPrintsOnlyTheResult() {
        Result compile = ok("compile", onnxA.toString(), "-o", tmp.resolve("quiet").toString(), "--calibration", inputA.toString(), "-q");
        assertEquals(List.of(compileA.get("digest")), compile.lines());
        Result infer = ok("infer", "--pk", pkA.toString(), "--input", inputA.toString(), "--quiet");
        assertEquals(1, infer.lines().size(), infer.out);
        assertTrue(infer.out.startsWith("output: "), infer.out);
        Path proof = tmp.resolve("quiet.proof");
        Result prove = ok("prove", "--pk", pkA.toString(), "--input", inputA.toString(), "-o", proof.toString(), "-q");
        assertEquals(infer.lines(), prove.lines());
        Result verify = ok("verify", "--vk", vkA.toString(), "--proof", proof.toString(), "-q");
        assertEquals("valid", verify.lines().get(0));
        assertEquals(infer.lines(), verify.lines().subList(1, verify.lines().size()));
        for (Result r : List.of(compile, infer, prove, verify)) {
            assertEquals("", r.err, "--quiet prints nothing on stderr");
        }
    }

    @Test
    void helpOnEveryCommandExitsZero() {
        for (String cmd : List.of("demo", "compile", "infer", "prove", "verify", "inspect", "bench")) {
            Result r = ok(cmd, "--help");
            assertTrue(r.out.contains("Usage: zkinfer " + cmd), cmd + ": " + r.out);
        }
        Result top = ok("--help");
        for (String cmd : List.of("demo", "compile", "infer", "prove", "verify", "inspect")) {
            assertTrue(top.out.contains(cmd), top.out);
        }
        assertTrue(ok().out.contains("Usage: zkinfer"));
        assertTrue(ok("--version").out.startsWith("zkinfer "));
    }

    @Test
    void inspectDescribesKeysAndProofs() {
        String digest = (String) compileA.get("digest");
        Map<String, Object> vk = json(ok("inspect", vkA.toString(), "--json"));
        assertEquals("verifying key", vk.get("kind"));
        assertEquals(digest, vk.get("digest"));
        assertEquals(fileSize(vkA), (long) num(vk, "bytes"));
        Map<String, Object> pk = json(ok("inspect", pkA.toString(), "--json"));
        assertEquals("proving key", pk.get("kind"));
        assertEquals(digest, pk.get("digest"));
        Map<String, Object> proof = json(ok("inspect", proofA.toString(), "--json"));
        assertEquals("proof", proof.get("kind"));
        assertEquals(digest, proof.get("verifying_key_digest"));
        assertEquals(proveA.get("output_int"), proof.get("output_int"));
        for (Path f : List.of(vkA, pkA, proofA)) {
            assertTrue(ok("inspect", f.toString()).out.contains(digest), f.toString());
        }
        userError("inspect", inputA.toString()); // not a key or proof
    }

    @Test
    void demoRuns() {
        Result r = ok("demo", "--cache", tmp.resolve("demo-cache").toString());
        assertFalse(r.out.isBlank());
    }

    /** The GPT demo proves the bundled model's next character (the integer executor's, checked inside) and verifies it. */
    @Test
    void gptDemoProvesTheNextCharacterAndVerifies() {
        Map<String, Object> r = json(ok("demo", "--model", "gpt", "--prompt", "And God said, Let there be ligh", "--json",
                "--cache", tmp.resolve("demo-cache").toString()));
        assertEquals(Boolean.TRUE, r.get("valid"), r.toString());
        assertEquals("t", r.get("next_character"), r.toString());
        userError("demo", "--model", "gpt", "--prompt", "Hello #1");
        userError("demo", "--model", "gpt2");
    }

    // ---------------------------------------------------------------- running the CLI

    record Result(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs the CLI with stdout and stderr captured. */
    static Result exec(String... args) {
        return capture(Main::execute, args);
    }

    /** Runs {@code cli} on {@code args} with stdout and stderr captured. */
    static Result capture(java.util.function.ToIntFunction<String[]> cli, String[] args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = cli.applyAsInt(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the CLI, expecting {@code expected} (or any code when negative) and no stack trace. */
    static Result run(int expected, String... args) {
        Result r = exec(args);
        String cmd = String.join(" ", args);
        if (expected >= 0) {
            assertEquals(expected, r.code, "zkinfer " + cmd + "\n" + r);
        }
        assertNoStackTrace(cmd, r);
        return r;
    }

    static Result ok(String... args) {
        return run(Main.EXIT_OK, args);
    }

    /** Exit 2 with one line "zkinfer: ..." on stderr (plus a usage hint for option errors) and nothing on stdout. */
    static Result userError(String... args) {
        Result r = run(Main.EXIT_USAGE, args);
        String cmd = "zkinfer " + String.join(" ", args);
        List<String> lines = r.err.lines().toList();
        assertFalse(lines.isEmpty(), cmd + ": no error message");
        assertTrue(lines.get(0).startsWith("zkinfer: ") && lines.get(0).length() > "zkinfer: ".length() + 3, cmd + "\n" + r);
        assertTrue(lines.size() == 1 || (lines.size() == 2 && lines.get(1).startsWith("Run 'zkinfer ")), cmd + ": more than one line\n" + r);
        assertEquals("", r.out, cmd + ": a failed command prints nothing on stdout");
        return r;
    }

    static void assertNoStackTrace(String cmd, Result r) {
        for (String s : List.of(r.err, r.out)) {
            assertFalse(s.contains("\tat ") || s.contains("Exception:") || s.contains("internal error"),
                    "zkinfer " + cmd + " printed a stack trace or an internal error\n" + r);
        }
    }

    @Test
    void aProofPastItsTimeoutStopsWithOneLineAndNoFile() {
        Path p = tmp.resolve("late.proof");
        Result r = userError("prove", "--pk", pkA.toString(), "--input", inputA.toString(), "-o", p.toString(), "--timeout", "1ms");
        assertTrue(r.err.contains("deadline"), r.err);
        assertFalse(Files.exists(p), "no proof file after a timeout");
    }

    // ---------------------------------------------------------------- input ranges and calibration forms

    @Test
    void anInputOutsideTheCalibratedRangeIsRefusedUnlessClamped() throws IOException {
        // Model A was calibrated on its own input, whose largest value is about 1.54.
        Path far = write("far.json", "{\"input_data\": [[100000, 0.5, 1.25]]}");
        Path farProof = tmp.resolve("far.proof");
        for (String cmd : List.of("prove", "infer")) {
            List<String> args = new java.util.ArrayList<>(List.of(cmd, "--pk", pkA.toString(), "--input", far.toString()));
            if (cmd.equals("prove")) {
                args.addAll(List.of("-o", farProof.toString()));
            }
            Result r = userError(args.toArray(String[]::new));
            assertTrue(r.err.contains("input value 100000.0 at index 0 is outside the model's calibrated input range"), r.err);
            assertTrue(r.err.contains("--clamp-inputs"), r.err);
        }
        assertFalse(Files.exists(farProof), "no proof is written for a refused input");

        Map<String, Object> clamped = json(ok("prove", "--pk", pkA.toString(), "--input", far.toString(), "-o", farProof.toString(),
                "--clamp-inputs", "--json"));
        assertEquals(1.0, num(clamped, "clamped_inputs"));
        assertTrue(ok("prove", "--pk", pkA.toString(), "--input", far.toString(), "-o", farProof.toString(), "--clamp-inputs")
                .out.contains("Clamped 1 input value(s)"));
        assertEquals(0.0, num(proveA, "clamped_inputs"));
        // The proof is for the clamped input: checking it against the far input must be asked for explicitly.
        Result v = userError("verify", "--vk", vkA.toString(), "--proof", farProof.toString(), "--input", far.toString());
        assertTrue(v.err.contains("outside the model's calibrated input range"), v.err);
        ok("verify", "--vk", vkA.toString(), "--proof", farProof.toString(), "--input", far.toString(), "--clamp-inputs");
        Path nan = write("nan.json", "{\"input_data\": [[1e400, 0.5, 1.25]]}");
        assertTrue(userError("prove", "--pk", pkA.toString(), "--input", nan.toString(), "-o", farProof.toString(), "--clamp-inputs")
                .err.contains("finite"));
    }

    @Test
    void calibrationTakesTheFormsInputTakes() throws IOException {
        // One row holding a whole batch of four inputs (what prove --input accepts for --batch 4).
        Path oneRow = write("batch4.json", "{\"input_data\": [[0.1, 0.2, 0.3, 1.0, -1.0, 0.5, 0.0, 0.7, -0.3, 1.2, 0.4, -0.9]]}");
        ok("compile", onnxA.toString(), "-o", tmp.resolve("cal1").toString(), "--batch", "4", "--calibration", oneRow.toString(), "-q");
        ok("prove", "--pk", tmp.resolve("cal1/model.pk").toString(), "--input", oneRow.toString(), "-o", tmp.resolve("cal1.proof").toString(), "-q");
        // Rows of single inputs, and a flat list of several inputs (EZKL's calibration data), for batch 1.
        Path rows = write("rows.json", "{\"input_data\": [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]]}");
        ok("compile", onnxA.toString(), "-o", tmp.resolve("cal2").toString(), "--calibration", rows.toString(), "-q");
        Path flat = write("flat.json", "{\"input_data\": [[0.1, 0.2, 0.3, 1.0, -1.0, 0.5, 0.0, 0.7, -0.3]]}");
        ok("compile", onnxA.toString(), "-o", tmp.resolve("cal3").toString(), "--calibration", flat.toString(), "-q");
        Path seven = write("seven.json", "{\"input_data\": [[0.1, 0.2, 0.3, 1.0, -1.0, 0.5, 0.0]]}");
        Result r = userError("compile", onnxA.toString(), "-o", tmp.resolve("cal4").toString(), "--calibration", seven.toString());
        assertTrue(r.err.contains("7 values in all, which is not a whole number of model inputs"), r.err);
    }

    @Test
    void zeroKnowledgeKeysWithAPrivateInput() throws IOException {
        Path dir = tmp.resolve("zk");
        Map<String, Object> c = json(ok("compile", onnxA.toString(), "-o", dir.toString(), "--calibration", inputA.toString(), "--zk",
                "--input-visibility", "private", "--batch-sizes", "1,2", "--json"));
        assertEquals(Boolean.TRUE, c.get("zero_knowledge"), c.toString());
        assertEquals("private", c.get("input_visibility"));
        double hidden = num(c, "weights_hidden_for_proofs");
        assertTrue(hidden >= 1, c.toString());
        Map<String, Object> i = json(ok("inspect", dir.resolve("model.vk").toString(), "--json"));
        assertEquals(Boolean.TRUE, i.get("zero_knowledge"));
        assertEquals("private", get(i, "visibility.input"));
        assertEquals("private", get(i, "visibility.weights"));
        Path proof = tmp.resolve("zk.proof");
        Map<String, Object> p = json(ok("prove", "--pk", dir.resolve("model.pk").toString(), "--input", inputA.toString(), "-o",
                proof.toString(), "--json"));
        // the same output as the integrity-mode key's proof of this input
        assertEquals(get(proveA, "output"), get(p, "output"), p.toString());
        Map<String, Object> v = json(ok("verify", "--vk", dir.resolve("model.vk").toString(), "--proof", proof.toString(), "--json"));
        assertEquals(Boolean.TRUE, v.get("valid"), v.toString());
        assertEquals(get(proveA, "output"), get(v, "output"));
        assertFalse(v.containsKey("input"), "a private input is not reported: " + v);
        // there is no input in the proof to check a file against
        Result r = userError("verify", "--vk", dir.resolve("model.vk").toString(), "--proof", proof.toString(), "--input", inputA.toString());
        assertTrue(r.err.contains("proves no public input"), r.err);
        // a proof of the integrity-mode key does not verify under the zero-knowledge key, and the other way round
        assertEquals(Boolean.FALSE, json(run(1, "verify", "--vk", dir.resolve("model.vk").toString(), "--proof", proofA.toString(), "--json"))
                .get("valid"));
        // the key counts its proofs beside itself
        assertEquals("1", Files.readString(dir.resolve("model.pk.proofs")).strip());
        Result bad = userError("compile", onnxA.toString(), "-o", tmp.resolve("zk2").toString(), "--input-visibility", "private");
        assertTrue(bad.err.contains("needs --zk"), bad.err);
        // T asked for: the key records it, and a larger T than the default makes a larger model commitment
        Map<String, Object> more = json(ok("compile", onnxA.toString(), "-o", tmp.resolve("zk3").toString(), "--calibration",
                inputA.toString(), "--zk", "--zk-proofs", "1000", "--batch-sizes", "1", "--json"));
        assertEquals(1000.0, num(more, "weights_hidden_for_proofs"), more.toString());
        assertEquals(1000.0, num(json(ok("inspect", tmp.resolve("zk3/model.vk").toString(), "--json")), "weights_hidden_for_proofs"));
        Result noZk = userError("compile", onnxA.toString(), "-o", tmp.resolve("zk4").toString(), "--zk-proofs", "10");
        assertTrue(noZk.err.contains("--zk-proofs needs --zk"), noZk.err);
        Result zero = userError("compile", onnxA.toString(), "-o", tmp.resolve("zk5").toString(), "--zk", "--zk-proofs", "0");
        assertTrue(zero.err.contains("--zk-proofs must be 1 to 65535, got 0"), zero.err);
    }

    @Test
    void zeroKnowledgeKeysWithACommittedInput() throws IOException {
        Path dir = tmp.resolve("zkc");
        Map<String, Object> c = json(ok("compile", onnxA.toString(), "-o", dir.toString(), "--calibration", inputA.toString(), "--zk",
                "--input-visibility", "committed", "--batch-sizes", "1,2", "--json"));
        assertEquals("committed", c.get("input_visibility"), c.toString());
        assertEquals("public", c.get("output_visibility"), c.toString());
        Map<String, Object> i = json(ok("inspect", dir.resolve("model.vk").toString(), "--json"));
        assertEquals("committed", get(i, "visibility.input"));
        assertEquals("public", get(i, "visibility.output"));
        assertTrue(ok("inspect", dir.resolve("model.vk").toString()).out.contains("input committed"));
        String vk = dir.resolve("model.vk").toString();
        Path proof = tmp.resolve("zkc.proof");
        Map<String, Object> p = json(ok("prove", "--pk", dir.resolve("model.pk").toString(), "--input", inputA.toString(), "-o",
                proof.toString(), "--json"));
        assertEquals(get(proveA, "output"), get(p, "output"), p.toString());
        Path opening = tmp.resolve("zkc.proof.opening");
        assertEquals(opening.toString(), p.get("opening"), "the opening's default name");
        assertTrue(Files.isRegularFile(opening));
        // without the opening: valid, the input committed and not checked (and not in the output)
        Map<String, Object> v = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--json"));
        assertEquals(Boolean.TRUE, v.get("valid"), v.toString());
        assertEquals("not checked", v.get("input_commitment"), v.toString());
        assertFalse(v.containsKey("input"), v.toString());
        assertTrue(ok("verify", "--vk", vk, "--proof", proof.toString()).out.contains("committed, not checked"));
        // with the input and the opening: checked
        Map<String, Object> w = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString(), "--opening",
                opening.toString(), "--json"));
        assertEquals(Boolean.TRUE, w.get("valid"), w.toString());
        assertEquals("checked", w.get("input_commitment"));
        // another input with the same opening is rejected
        Map<String, Object> x = json(run(1, "verify", "--vk", vk, "--proof", proof.toString(), "--input", inputB.toString(), "--opening",
                opening.toString(), "--json"));
        assertEquals(Boolean.FALSE, x.get("valid"));
        assertTrue(((String) x.get("reason")).contains("different input"), x.toString());
        // an opening whose seed was changed does not open the proof
        byte[] ob = Files.readAllBytes(opening);
        Path reseeded = flipped("reseeded.opening", ob, ob.length - 1);
        Map<String, Object> y = json(run(1, "verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString(), "--opening",
                reseeded.toString(), "--json"));
        assertEquals(Boolean.FALSE, y.get("valid"));
        assertTrue(((String) y.get("reason")).contains("does not open"), y.toString());
        // one-line errors: a missing opening file, a garbled one, --input without --opening, --opening on another key
        Result missing = userError("verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString(), "--opening",
                tmp.resolve("nope.opening").toString());
        assertEquals(1, missing.err.strip().lines().count(), missing.err);
        Result garbled = userError("verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString(), "--opening",
                write("garbled.opening", "not an opening").toString());
        assertTrue(garbled.err.contains("not a zkinfer opening"), garbled.err);
        assertEquals(1, garbled.err.strip().lines().count(), garbled.err);
        Result truncated = userError("verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString(), "--opening",
                Files.write(tmp.resolve("cut.opening"), java.util.Arrays.copyOf(ob, ob.length - 5)).toString());
        assertTrue(truncated.err.contains("corrupted opening"), truncated.err);
        Result noOpening = userError("verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString());
        assertTrue(noOpening.err.contains("--opening"), noOpening.err);
        Result otherKey = userError("verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--input", inputA.toString(),
                "--opening", opening.toString());
        assertTrue(otherKey.err.contains("without input commitment"), otherKey.err);
    }

    @Test
    void zeroKnowledgeKeysWithACommittedOutput() throws IOException {
        Path dir = tmp.resolve("zko");
        Map<String, Object> c = json(ok("compile", onnxA.toString(), "-o", dir.toString(), "--calibration", inputA.toString(), "--zk",
                "--output-visibility", "committed", "--json"));
        assertEquals("public", c.get("input_visibility"), c.toString());
        assertEquals("committed", c.get("output_visibility"), c.toString());
        Map<String, Object> i = json(ok("inspect", dir.resolve("model.vk").toString(), "--json"));
        assertEquals("committed", get(i, "visibility.output"));
        String vk = dir.resolve("model.vk").toString();
        Path proof = tmp.resolve("zko.proof");
        Result proved = ok("prove", "--pk", dir.resolve("model.pk").toString(), "--input", inputA.toString(), "-o", proof.toString(), "--json");
        Map<String, Object> p = json(proved);
        Path opening = tmp.resolve("zko.proof.opening");
        assertEquals(opening.toString(), p.get("opening"));
        // the output's values are in neither prove's nor verify's JSON (the public-output proof's are: control)
        @SuppressWarnings("unchecked")
        List<Double> real = (List<Double>) get(proveA, "output");
        assertFalse(p.containsKey("output") || p.containsKey("outputs") || p.containsKey("outputs_int"), p.toString());
        Map<String, Object> v = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--json"));
        assertEquals(Boolean.TRUE, v.get("valid"), v.toString());
        assertEquals("not checked", v.get("output_commitment"), v.toString());
        assertFalse(v.containsKey("output") || v.containsKey("outputs") || v.containsKey("outputs_int"), v.toString());
        assertTrue(ok("verify", "--vk", vk, "--proof", proof.toString()).out.contains("output is committed, not checked"));
        // with the output and the opening: checked, in text mode the opened output is printed
        Path outFile = write("zko-output.json", "{\"output_data\": [" + real + "]}");
        Map<String, Object> w = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--output", outFile.toString(), "--opening",
                opening.toString(), "--json"));
        assertEquals(Boolean.TRUE, w.get("valid"), w.toString());
        assertEquals("checked", w.get("output_commitment"));
        assertFalse(w.containsKey("output"), w.toString());
        Result text = ok("verify", "--vk", vk, "--proof", proof.toString(), "--output", outFile.toString(), "--opening", opening.toString());
        assertTrue(text.out.contains("output commitment opens to " + outFile), text.out);
        // a wrong output with the right opening is refused in one line
        List<Double> wrong = new ArrayList<>(real);
        wrong.set(0, wrong.get(0) + 1.0);
        Path wrongFile = write("zko-wrong.json", "{\"output_data\": [" + wrong + "]}");
        Result x = run(1, "verify", "--vk", vk, "--proof", proof.toString(), "--output", wrongFile.toString(), "--opening", opening.toString());
        assertEquals(1, x.out.strip().lines().count(), x.out);
        assertTrue(x.out.startsWith("invalid: the proof is for a different output than"), x.out);
        // an opening whose seed was changed does not open the proof
        byte[] ob = Files.readAllBytes(opening);
        Path reseeded = flipped("zko-reseeded.opening", ob, ob.length - 1);
        Map<String, Object> y = json(run(1, "verify", "--vk", vk, "--proof", proof.toString(), "--output", outFile.toString(), "--opening",
                reseeded.toString(), "--json"));
        assertTrue(((String) y.get("reason")).contains("output commitment does not open"), y.toString());
        // one-line user errors: --output without --opening, --opening alone, an output file without output_data
        Result noOpening = userError("verify", "--vk", vk, "--proof", proof.toString(), "--output", outFile.toString());
        assertTrue(noOpening.err.contains("--opening"), noOpening.err);
        assertEquals(1, noOpening.err.strip().lines().count(), noOpening.err);
        Result alone = userError("verify", "--vk", vk, "--proof", proof.toString(), "--opening", opening.toString());
        assertTrue(alone.err.contains("--output FILE"), alone.err);
        Result notOutput = userError("verify", "--vk", vk, "--proof", proof.toString(), "--output",
                write("zko-input-only.json", "{\"input_data\": [[0.5, 1.0, -1.0]]}").toString(), "--opening", opening.toString());
        assertTrue(notOutput.err.contains("output_data"), notOutput.err);
        assertEquals(1, notOutput.err.strip().lines().count(), notOutput.err);
        // --output on a public-output key checks the proof's own output
        assertEquals(Boolean.TRUE, json(ok("verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--output", outFile.toString(),
                "--json")).get("valid"));
        assertEquals(1, run(1, "verify", "--vk", vkA.toString(), "--proof", proofA.toString(), "--output", wrongFile.toString()).code());
        // without --zk, committed is refused in one line
        Result noZk = userError("compile", onnxA.toString(), "-o", tmp.resolve("zko2").toString(), "--output-visibility", "committed");
        assertTrue(noZk.err.contains("needs --zk"), noZk.err);
        assertEquals(1, noZk.err.strip().lines().count(), noZk.err);
    }

    @Test
    void zeroKnowledgeKeysWithCommittedInputAndOutput() throws IOException {
        Path dir = tmp.resolve("zkio");
        Map<String, Object> c = json(ok("compile", onnxA.toString(), "-o", dir.toString(), "--calibration", inputA.toString(), "--zk",
                "--input-visibility", "committed", "--output-visibility", "committed", "--json"));
        assertEquals("committed", c.get("input_visibility"), c.toString());
        assertEquals("committed", c.get("output_visibility"), c.toString());
        String vk = dir.resolve("model.vk").toString();
        Path proof = tmp.resolve("zkio.proof");
        ok("prove", "--pk", dir.resolve("model.pk").toString(), "--input", inputA.toString(), "-o", proof.toString());
        Path opening = tmp.resolve("zkio.proof.opening");
        @SuppressWarnings("unchecked")
        List<Double> real = (List<Double>) get(proveA, "output");
        Path outFile = write("zkio-output.json", "{\"output_data\": [" + real + "]}");
        // one opening file checks both ends, each alone or together
        Map<String, Object> both = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--input", inputA.toString(), "--output",
                outFile.toString(), "--opening", opening.toString(), "--json"));
        assertEquals("checked", both.get("input_commitment"), both.toString());
        assertEquals("checked", both.get("output_commitment"), both.toString());
        Map<String, Object> out = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--output", outFile.toString(), "--opening",
                opening.toString(), "--json"));
        assertEquals(Boolean.TRUE, out.get("valid"), out.toString());
        Map<String, Object> none = json(ok("verify", "--vk", vk, "--proof", proof.toString(), "--json"));
        assertEquals("not checked", none.get("input_commitment"), none.toString());
        assertEquals("not checked", none.get("output_commitment"), none.toString());
        Result wrongInput = run(1, "verify", "--vk", vk, "--proof", proof.toString(), "--input", inputB.toString(), "--opening", opening.toString());
        assertTrue(wrongInput.out.startsWith("invalid: the proof is for a different input"), wrongInput.out);
    }

    // ---------------------------------------------------------------- files and JSON

    Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    Path flipped(String name, byte[] bytes, int pos) throws IOException {
        byte[] b = bytes.clone();
        b[pos] ^= 0x41;
        return Files.write(tmp.resolve(name), b);
    }

    static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> json(Result r) {
        String text = r.out.strip();
        assertEquals(1, text.lines().count(), "--json prints one line\n" + r);
        Object v = new JsonReader(text).readDocument();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = assertInstanceOf(Map.class, v, text);
        return m;
    }

    /** A dotted path ("timings_ms.prove") to a number. */
    static double num(Map<String, Object> json, String path) {
        Object v = get(json, path);
        return assertInstanceOf(Double.class, v, path + " in " + json);
    }

    static List<Double> nums(Map<String, Object> json, String path) {
        List<?> list = assertInstanceOf(List.class, get(json, path), path + " in " + json);
        List<Double> out = new ArrayList<>();
        for (Object o : list) {
            out.add(assertInstanceOf(Double.class, o, path + " in " + json));
        }
        return out;
    }

    static Object get(Map<String, Object> json, String path) {
        Object v = json;
        for (String key : path.split("\\.")) {
            Map<?, ?> m = assertInstanceOf(Map.class, v, path + " in " + json);
            assertTrue(m.containsKey(key), "missing field " + path + " in " + json);
            v = m.get(key);
        }
        return v;
    }

    @Test
    void jsonReaderReadsWhatTheCliWrites() {
        assertEquals(Map.of("a", List.of(1.0, -2.5e-3), "b", Map.of("c", true, "d", "x\"y\u00e9")),
                new JsonReader("{\"a\":[1,-2.5e-3],\"b\":{\"c\":true,\"d\":\"x\\\"y\\u00e9\"}}").readDocument());
        assertArrayEquals(new Object[] {null, false}, ((List<?>) new JsonReader(" [null, false] ").readDocument()).toArray());
    }

    /** Just enough of a JSON reader to check the CLI's output: objects, arrays, strings, numbers (as Double), booleans, null. */
    static final class JsonReader {
        private final String s;
        private int i;

        JsonReader(String s) {
            this.s = s;
        }

        Object readDocument() {
            Object v = value();
            skip();
            if (i != s.length()) {
                throw new AssertionError("trailing characters at " + i + " in " + s);
            }
            return v;
        }

        private Object value() {
            skip();
            char c = peek();
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skip();
                    if (peek() == '}') {
                        i++;
                        return m;
                    }
                    do {
                        skip();
                        String k = string();
                        skip();
                        expect(':');
                        if (m.put(k, value()) != null) {
                            throw new AssertionError("duplicate key " + k + " in " + s);
                        }
                        skip();
                    } while (take(','));
                    expect('}');
                    return m;
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    skip();
                    if (peek() == ']') {
                        i++;
                        return l;
                    }
                    do {
                        l.add(value());
                        skip();
                    } while (take(','));
                    expect(']');
                    return l;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    for (String lit : new String[] {"true", "false", "null"}) {
                        if (s.startsWith(lit, i)) {
                            i += lit.length();
                            return lit.equals("null") ? null : Boolean.valueOf(lit);
                        }
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw new AssertionError("unexpected '" + c + "' at " + i + " in " + s);
                    }
                    return Double.valueOf(s.substring(start, i));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (peek() != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            i++;
            return sb.toString();
        }

        private char peek() {
            if (i >= s.length()) {
                throw new AssertionError("unexpected end of JSON: " + s);
            }
            return s.charAt(i);
        }

        private boolean take(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!take(c)) {
                throw new AssertionError("expected '" + c + "' at " + i + " in " + s);
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}

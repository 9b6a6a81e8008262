package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.cli.CliEndToEndTest.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LeanCommands}, the short path of {@code verify} and {@code inspect}: for every command
 * line it takes, the exit code, standard output and standard error are exactly those of the
 * picocli path (timings aside); every command line it cannot vouch for goes to picocli; and a
 * verification in a fresh JVM loads no picocli, prover, native, JNA, Arrow or service class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeanCommandsTest {
    Path tmp, input, otherInput, vk, pk, proof, flipped, truncated;

    @BeforeAll
    void compileAndProve(@TempDir Path dir) throws Exception {
        tmp = dir;
        Path model = CliEndToEndTest.shared().resolve(CliEndToEndTest.MODEL_A);
        Assumptions.assumeTrue(Files.isRegularFile(model.resolve("network.onnx")), "no conformance model under " + model);
        input = model.resolve("input.json");
        assertEquals(0, CliEndToEndTest.exec("compile", model.resolve("network.onnx").toString(), "-o", tmp.resolve("k").toString(), "-q").code());
        vk = tmp.resolve("k/model.vk");
        pk = tmp.resolve("k/model.pk");
        proof = tmp.resolve("a.proof");
        assertEquals(0, CliEndToEndTest.exec("prove", "--pk", pk.toString(), "--input", input.toString(), "-o", proof.toString(), "-q").code());
        byte[] bytes = Files.readAllBytes(proof);
        byte[] f = bytes.clone();
        f[f.length / 2] ^= 1;
        flipped = Files.write(tmp.resolve("flipped.proof"), f);
        truncated = Files.write(tmp.resolve("truncated.proof"), java.util.Arrays.copyOf(bytes, bytes.length - 7));
        // The same input with its first value changed: a valid proof, but not for this input.
        String json = Files.readString(input);
        int at = json.indexOf("[[") + 2;
        otherInput = Files.writeString(tmp.resolve("other.json"), json.substring(0, at) + "0.123456, " + json.substring(json.indexOf(',', at) + 1));
    }

    private List<String[]> leanCommandLines() {
        String v = vk.toString(), p = proof.toString();
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"verify", "--vk", v, "--proof", p});
        lines.add(new String[] {"verify", "--vk=" + v, "--proof=" + p, "--json"});
        lines.add(new String[] {"verify", "-q", "--proof", p, "--vk", v, "--input", input.toString()});
        lines.add(new String[] {"verify", "--vk", v, "--proof", p, "--input", input.toString(), "--clamp-inputs", "--quiet"});
        lines.add(new String[] {"verify", "--vk", v, "--proof", p, "--input", otherInput.toString()});
        lines.add(new String[] {"verify", "--vk", v, "--proof", p, "--input", otherInput.toString(), "--json"});
        lines.add(new String[] {"verify", "--vk", v, "--proof", flipped.toString()});
        lines.add(new String[] {"verify", "--vk", v, "--proof", truncated.toString(), "--json"});
        lines.add(new String[] {"verify", "--vk", v, "--proof", v});
        lines.add(new String[] {"verify", "--vk", p, "--proof", p});
        lines.add(new String[] {"verify", "--vk", tmp.resolve("absent.vk").toString(), "--proof", p});
        lines.add(new String[] {"verify", "--vk", v, "--proof", tmp.toString()});
        lines.add(new String[] {"verify", "--vk", v, "--proof", p, "--input", tmp.resolve("absent.json").toString()});
        lines.add(new String[] {"inspect", v});
        lines.add(new String[] {"inspect", "--json", p});
        lines.add(new String[] {"inspect", pk.toString(), "-q"});
        lines.add(new String[] {"inspect", input.toString()});
        lines.add(new String[] {"inspect", tmp.resolve("absent").toString()});
        return lines;
    }

    @Test
    void shortPathMatchesPicocliExactly() {
        for (String[] args : leanCommandLines()) {
            assertNotNull(LeanCommands.parse(args), "the short path should take " + String.join(" ", args));
            Result lean = capture(Main::execute, args);
            Result full = capture(Main::executeWithPicocli, args);
            String cmd = "zkinfer " + String.join(" ", args);
            assertEquals(full.code(), lean.code(), cmd + "\npicocli: " + full + "\nshort path: " + lean);
            assertEquals(withoutTimings(full.out()), withoutTimings(lean.out()), cmd);
            assertEquals(full.err(), lean.err(), cmd);
            assertTrue(lean.code() != Main.EXIT_INTERNAL, cmd + "\n" + lean);
        }
    }

    /**
     * A prove on the short path prints exactly what picocli's path prints and writes the same
     * proof, byte for byte (integrity-mode proofs are deterministic); its mistakes (a missing key,
     * an input of the wrong shape, an existing output folder) give the same messages and codes.
     */
    @Test
    void shortProvePathMatchesPicocliExactly() throws Exception {
        String k = pk.toString(), in = input.toString();
        Path wrongShape = Files.writeString(tmp.resolve("short.json"), "{\"input_data\": [[0.5, 0.25]]}");
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"prove", "--pk", k, "--input", in, "-o", "OUT"});
        lines.add(new String[] {"prove", "--pk=" + k, "--input=" + in, "--output=OUT", "--json"});
        lines.add(new String[] {"prove", "-q", "--output", "OUT", "--input", in, "--pk", k, "--clamp-inputs"});
        lines.add(new String[] {"prove", "--pk", k, "--input", wrongShape.toString(), "-o", "OUT"});
        lines.add(new String[] {"prove", "--pk", tmp.resolve("absent.pk").toString(), "--input", in, "-o", "OUT"});
        lines.add(new String[] {"prove", "--pk", vk.toString(), "--input", in, "-o", "OUT", "--json"});
        lines.add(new String[] {"prove", "--pk", k, "--input", in, "-o", tmp.toString()});
        int n = 0;
        for (String[] template : lines) {
            n++;
            String[] viaLean = template.clone(), viaPicocli = template.clone();
            Path leanProof = tmp.resolve("lean-" + n + ".proof"), fullProof = tmp.resolve("full-" + n + ".proof");
            for (int i = 0; i < template.length; i++) {
                viaLean[i] = template[i].replace("OUT", leanProof.toString());
                viaPicocli[i] = template[i].replace("OUT", fullProof.toString());
            }
            assertNotNull(LeanCommands.parse(viaLean), "the short path should take " + String.join(" ", viaLean));
            Result lean = capture(Main::execute, viaLean);
            Result full = capture(Main::executeWithPicocli, viaPicocli);
            String cmd = "zkinfer " + String.join(" ", template);
            assertEquals(full.code(), lean.code(), cmd + "\npicocli: " + full + "\nshort path: " + lean);
            assertEquals(withoutTimings(full.out()).replace(fullProof.toString(), "OUT"),
                    withoutTimings(lean.out()).replace(leanProof.toString(), "OUT"), cmd);
            assertEquals(full.err(), lean.err(), cmd);
            assertTrue(lean.code() != Main.EXIT_INTERNAL, cmd + "\n" + lean);
            assertEquals(Files.exists(fullProof), Files.exists(leanProof), cmd);
            if (Files.exists(fullProof)) {
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(fullProof), Files.readAllBytes(leanProof)), cmd + ": proofs differ");
                assertEquals(0, CliEndToEndTest.exec("verify", "--vk", vk.toString(), "--proof", leanProof.toString(), "-q").code(), cmd);
            }
        }
    }

    @Test
    void freshProveLoadsNoPicocli() throws Exception {
        BadBackendPropertyTest.Run r = BadBackendPropertyTest.java(tmp, List.of("-Xlog:class+load=info"),
                "prove", "--pk", pk.toString(), "--input", input.toString(), "-o", tmp.resolve("fresh.proof").toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        List<String> loaded = r.out().lines().filter(l -> l.contains("[class,load]")).toList();
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.zkinfer.prover.model.ModelProver ")), r.toString());
        List<String> bad = loaded.stream().filter(l -> l.contains(" picocli.")).toList();
        assertTrue(bad.isEmpty(), "a plain prove loaded picocli: " + bad);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("{\"output\"")), r.toString());
    }

    @Test
    void everyOtherCommandLineGoesToPicocli() {
        String v = vk.toString(), p = proof.toString();
        String[][] others = {
            {}, {"verify"}, {"verify", "--help"}, {"verify", "-h", "--vk", v, "--proof", p}, {"verify", "--version"},
            {"verify", "--vk", v}, {"verify", "--proof", p}, {"verify", "--vk", v, "--vk", v, "--proof", p},
            {"verify", "--vk", v, "--proof", p, "-q", "--quiet"}, {"verify", "--vk", "--proof", p},
            {"verify", "--vk", v, "--proof"}, {"verify", "--vk", v, "--proof", p, "--bogus"}, {"verify", "--vk", v, "--proof", p, "extra"},
            {"verify", "--json=true", "--vk", v, "--proof", p}, {"verify", "--vk", v, "--proof", p, "@args.txt"},
            {"verify", "--vk", v, "--proof", p, "--", "x"}, {"verify", "--vk", "a\0b", "--proof", p}, {"verify", "-qq", "--vk", v, "--proof", p},
            {"inspect"}, {"inspect", v, p}, {"inspect", "-x", v}, {"inspect", "--help"}, {"inspect", "--json", "--json", v},
            {"prove", "--pk", pk.toString(), "--input", input.toString(), "-o", "x", "--timeout", "5m"}, {"prove", "--pk", pk.toString()},
            {"prove", "--input", input.toString(), "-o", "x"}, {"prove", "--pk", pk.toString(), "-o", "x", "--help"},
            {"prove", "--pk", pk.toString(), "-o", "x", "--output", "y"}, {"prove", "--pk", pk.toString(), "-ox"},
            {"prove", "--pk", pk.toString(), "-o=x"}, {"prove", "--pk", pk.toString(), "-o", "x", "--json=true"}, {"--version"}, {"-V"}, {"Verify", "--vk", v, "--proof", p},
        };
        for (String[] args : others) {
            assertNull(LeanCommands.parse(args), "picocli should parse " + String.join(" ", args));
        }
        // And the messages for mistakes are picocli's, through execute as through picocli.
        String[][] mistakes = {{"verify", "--vk", v}, {"verify", "--vk", v, "--vk", v, "--proof", p}, {"inspect", v, p}, {"verify", "--help"},
            {"prove", "--pk", pk.toString()}, {"prove", "--pk", pk.toString(), "-o", "x", "--output", "y"}};
        for (String[] args : mistakes) {
            Result viaExecute = capture(Main::execute, args);
            Result viaPicocli = capture(Main::executeWithPicocli, args);
            assertEquals(viaPicocli, viaExecute, String.join(" ", args));
        }
    }

    @Test
    void freshVerificationLoadsOnlyTheVerifier() throws Exception {
        BadBackendPropertyTest.Run r = BadBackendPropertyTest.java(tmp, List.of("-Xlog:class+load=info"),
                "verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", input.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        List<String> loaded = r.out().lines().filter(l -> l.contains("[class,load]")).toList();
        assertTrue(loaded.size() > 100, "no class loading log:\n" + r);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.zkinfer.circuit.CircuitVerifier ")), r.toString());
        for (String pkg : List.of("picocli.", "dev.zkinfer.prover.", "dev.zkinfer.service.", "dev.zkinfer.arrow.", "com.sun.jna.",
                "org.apache.arrow.", "io.javalin.", "org.eclipse.jetty.", "dev.zkinfer.nn.quant.", "dev.zkinfer.nn.onnx.")) {
            List<String> bad = loaded.stream().filter(l -> l.contains(" " + pkg)).toList();
            assertTrue(bad.isEmpty(), "a verification loaded " + pkg + "*: " + bad);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("{\"valid\":true")), r.toString());
    }

    /** The output with the times (which differ from run to run) replaced. */
    private static String withoutTimings(String out) {
        return out.replaceAll("Verified in [0-9.]+ ms", "Verified in T ms")
                .replaceAll("Timings: witness [0-9]+ ms, prove [0-9]+ ms, total [0-9]+ ms", "Timings: T").replaceAll("\"timings_ms\":\\{[^}]*}", "\"timings_ms\":T");
    }

    private static Result capture(ToIntFunction<String[]> cli, String[] args) {
        return CliEndToEndTest.capture(cli, args);
    }
}

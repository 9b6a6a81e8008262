package dev.zkinfer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript module (TeaVM's JavaScript build of the verifier, under Node.js) gives exactly
 * the Java verifier's verdict on the whole rejection suite. The cases and the Java verdicts are
 * written to target/js-module-cases; src/test/node/check-verdicts.mjs verifies each with the
 * module and compares. Skipped, saying so, where there is no {@code node} on the PATH.
 */
class JavaScriptModuleTest {
    static final Path PAGE = Path.of("target/classes").resolve(VerifierPage.RESOURCE_DIR);

    @Test
    void javaScriptModuleGivesTheJavaVerdictOnTheRejectionSuite() throws Exception {
        assumeTrue(nodeVersion() != null, "node is not installed: the JavaScript module's test is skipped");
        Path dir = Path.of("target/js-module-cases");
        Files.createDirectories(dir);
        List<RejectionSuite.Case> cases = RejectionSuite.cases();
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < cases.size(); i++) {
            RejectionSuite.Case c = cases.get(i);
            Files.write(dir.resolve(i + ".vk"), c.vk());
            Files.write(dir.resolve(i + ".proof"), c.proof());
            String expected = WebVerdict.verify(c.vk(), c.proof(), null);
            assertEquals(javaVerifierSaysValid(c), expected.startsWith("{\"valid\":true"), c.name());
            list.append(i == 0 ? "" : ",\n").append("{\"name\":").append(jsonString(c.name()))
                    .append(",\"vk\":\"").append(i).append(".vk\",\"proof\":\"").append(i)
                    .append(".proof\",\"expected\":").append(expected).append('}');
        }
        Files.writeString(dir.resolve("cases.json"), list.append("]\n"));
        Process p = new ProcessBuilder("node", Path.of("src/test/node/check-verdicts.mjs").toString(),
                PAGE.resolve("zkinfer-verifier.js").toAbsolutePath().toString(), dir.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "node did not finish");
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("all " + cases.size() + " verdicts agree"), out);
    }

    /** Node.js 20 has no WebAssembly GC (by default): the page's engine choice falls back to JavaScript. */
    @Test
    void runtimeWithoutWebAssemblyGcFallsBackToTheJavaScriptBuild() throws Exception {
        String version = nodeVersion();
        assumeTrue(version != null, "node is not installed: the fallback test is skipped");
        for (String flag : version.startsWith("v20.") ? List.of("--experimental-wasm-gc", "") : List.of("")) {
            List<String> cmd = new java.util.ArrayList<>(List.of("node"));
            if (!flag.isEmpty()) {
                cmd.add(flag);
            }
            cmd.addAll(List.of(Path.of("src/test/node/check-fallback.mjs").toString(), PAGE.toAbsolutePath().toString(),
                    RejectionSuite.FIXTURE.resolve("2l_relu_fc.vk").toString(), RejectionSuite.FIXTURE.resolve("2l_relu_fc.proof").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "node did not finish");
            System.out.println("node " + flag + ": " + out);
            assertEquals(0, p.exitValue(), out);
        }
    }

    @Test
    void suiteHoldsTwoValidCasesAndRejectsTheRest() {
        List<RejectionSuite.Case> cases = RejectionSuite.cases();
        assertTrue(javaVerifierSaysValid(cases.get(0)));
        assertTrue(javaVerifierSaysValid(cases.get(1)), cases.get(1).name());
        for (RejectionSuite.Case c : cases.subList(2, cases.size())) {
            assertFalse(javaVerifierSaysValid(c), c.name());
        }
    }

    private static boolean javaVerifierSaysValid(RejectionSuite.Case c) {
        try {
            return CircuitVerifier.verify(VerifyingKey.decode(c.vk()), c.proof()).result().isValid();
        } catch (MalformedProofException e) {
            return false;
        }
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

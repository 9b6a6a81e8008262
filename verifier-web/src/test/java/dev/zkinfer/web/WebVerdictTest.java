package dev.zkinfer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The verdict the page and the module show, computed on the JVM. */
class WebVerdictTest {
    @Test
    void validVerdictCarriesTheProvedOutputDigestAndSecurity() throws Exception {
        VerifyingKey vk = VerifyingKey.decode(RejectionSuite.fixtureKey());
        long[] output = CircuitVerifier.verify(vk, RejectionSuite.fixtureProof()).output();
        String json = WebVerdict.verify(RejectionSuite.fixtureKey(), RejectionSuite.fixtureProof(), null);
        assertTrue(json.startsWith("{\"valid\":true,\"reason\":\"\","), json);
        assertTrue(json.contains("\"output_int\":" + Arrays.toString(output).replace(" ", "")), json);
        assertTrue(json.contains("\"digest\":\"" + java.util.HexFormat.of().formatHex(vk.digest()) + "\""), json);
        assertTrue(json.contains("\"security_bits\":"), json);
    }

    @Test
    void malformedKeyIsAnInvalidVerdictNotAnException() {
        String json = WebVerdict.verify(new byte[] {1, 2, 3}, RejectionSuite.fixtureProof(), null);
        assertTrue(json.startsWith("{\"valid\":false,\"reason\":\"the verifying key is malformed: "), json);
    }

    @Test
    void inputOtherThanTheProofsIsRejected() {
        String json = WebVerdict.verify(RejectionSuite.fixtureKey(), RejectionSuite.fixtureProof(), new double[] {1e9});
        assertTrue(json.contains("\"reason\":\"the proof is for a different input than the given one\""), json);
    }

    @Test
    void stringsAreEscaped() {
        String json = new JsonObject().put("reason", "a \"quoted\" \\ line\nbreak\u0001").toString();
        assertEquals("{\"reason\":\"a \\\"quoted\\\" \\\\ line\\u000abreak\\u0001\"}", json);
    }

    @Test
    void pageListsExactlyTheFilesTheBuildAssembles() throws Exception {
        try (Stream<Path> files = Files.list(JavaScriptModuleTest.PAGE)) {
            Set<String> built = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(new HashSet<>(VerifierPage.FILES), built);
        }
    }
}

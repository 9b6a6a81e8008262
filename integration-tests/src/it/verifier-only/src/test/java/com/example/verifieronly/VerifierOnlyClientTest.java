package com.example.verifieronly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A validator that depends on zkinfer-verifier alone: it pulls in no other jar, runs on the JDK
 * that runs Maven (Java 17 in CI), and checks the proof the consumer project made.
 */
class VerifierOnlyClientTest {
    private static final Path EXCHANGE = Path.of(System.getProperty("exchange.dir"));

    @Test
    void verifiesTheConsumersProofWithOnlyTheVerifierJar() throws Exception {
        VerifyingKey vk = VerifyingKey.decode(Files.readAllBytes(EXCHANGE.resolve("model.vk")));
        byte[] proof = Files.readAllBytes(EXCHANGE.resolve("proof.bin"));
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, proof);
        assertTrue(o.result().isValid(), o.result().toString());
        assertEquals(10, o.output().length);

        byte[] tampered = proof.clone();
        tampered[tampered.length / 2] ^= 1;
        assertFalse(CircuitVerifier.verify(vk, tampered).result().isValid(), "a flipped bit is caught");
        assertFalse(CircuitVerifier.verify(vk, new byte[] {1, 2, 3}).result().isValid(), "garbage is invalid");
    }

    @Test
    void theVerifierBringsNoOtherJar() {
        List<String> others = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean testTooling = name.startsWith("junit-") || name.startsWith("opentest4j") || name.startsWith("apiguardian")
                    || name.startsWith("surefire") || name.startsWith("common-") || name.equals("test-classes") || name.equals("classes");
            if (!testTooling && !name.startsWith("zkinfer-verifier-")) {
                others.add(name);
            }
        }
        assertTrue(others.isEmpty(), "unexpected jars beside zkinfer-verifier: " + others);
        System.out.println("verifier-only client ran on Java " + Runtime.version());
    }
}

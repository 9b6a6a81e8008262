package dev.zkinfer.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ServiceExampleTest {
    @Test
    void provesThreeRequestsConcurrentlyAndVerifiesEachWithOnlyTheVerifyingKey() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = ServiceExample.run(3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        if (code == ServiceExample.EXIT_UNSUPPORTED) {
            assertTrue(out.contains("Softmax"), "the only expected unsupported operator is the final Softmax:\n" + out);
            Assumptions.abort("the prover does not support Softmax yet, so the bundled LeNet-5 cannot be proved; skipping:\n" + out);
        }
        assertEquals(ServiceExample.EXIT_OK, code, out);
        assertTrue(out.contains("3 of 3 proofs valid"), out);
        assertEquals(3, out.lines().filter(l -> l.matches("\\s+\\d+\\s+\\d+\\s+\\d+\\s+.*valid")).count(), out);
    }
}

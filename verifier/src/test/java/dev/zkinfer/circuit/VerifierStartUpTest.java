package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/**
 * Guards of the cold {@code verify}: what the verifier creates on every call must be a class the
 * launcher's start-up cache can keep. A lambda of an interface with a default method is spun at run
 * time under JDK 25's AOT cache (its class-file generation then runs interpreted and is compiled
 * during the verification: about 20 ms of a 50 ms cold verify of LeNet-5).
 */
class VerifierStartUpTest {
    @Test
    void noTimingIsAnOrdinaryClass() {
        Class<?> c = CircuitVerifier.Timing.NONE.getClass();
        assertFalse(c.isHidden(), "Timing.NONE is a hidden (lambda) class: " + c.getName());
        assertFalse(c.isSynthetic(), "Timing.NONE is a synthetic class: " + c.getName());
    }
}

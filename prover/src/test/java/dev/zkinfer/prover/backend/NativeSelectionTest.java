package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** zkinfer.backend=native gives the native backend when libzkinfer loads, else the vector one (never an error). */
class NativeSelectionTest {
    @Test
    void nativeIsChosenWhenLoadableElseVector() {
        Backend chosen = Backends.choose("native");
        if (Backends.nativeUnavailableReason() == null) {
            assertEquals("native", chosen.name());
            assertNotNull(Backends.nativeBackend());
        } else {
            assertEquals("vector", chosen.name());
            assertNull(Backends.nativeBackend());
        }
    }
}

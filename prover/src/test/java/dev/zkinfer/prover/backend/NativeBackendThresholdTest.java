package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The native kernels' threshold from {@link NativeBackend#MIN_NATIVE_PROPERTY} (the launcher lowers it for short runs). */
class NativeBackendThresholdTest {
    @Test
    void thePropertySetsTheThresholdAndAnUnusableValueLeavesTheDefault() {
        String before = System.getProperty(NativeBackend.MIN_NATIVE_PROPERTY);
        try {
            System.clearProperty(NativeBackend.MIN_NATIVE_PROPERTY);
            assertEquals(NativeCommitKernels.MIN_NATIVE, NativeBackend.minNative());
            System.setProperty(NativeBackend.MIN_NATIVE_PROPERTY, "32");
            assertEquals(32, NativeBackend.minNative());
            System.setProperty(NativeBackend.MIN_NATIVE_PROPERTY, " 0 ");
            assertEquals(0, NativeBackend.minNative());
            for (String bad : new String[] {"", "x", "-1", "2000000", "1e3"}) {
                System.setProperty(NativeBackend.MIN_NATIVE_PROPERTY, bad);
                assertEquals(NativeCommitKernels.MIN_NATIVE, NativeBackend.minNative(), "'" + bad + "'");
            }
        } finally {
            if (before == null) {
                System.clearProperty(NativeBackend.MIN_NATIVE_PROPERTY);
            } else {
                System.setProperty(NativeBackend.MIN_NATIVE_PROPERTY, before);
            }
        }
    }
}

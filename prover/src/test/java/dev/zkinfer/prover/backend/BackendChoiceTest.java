package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Backends#choose} never throws: an unknown, blank or unavailable backend name gives a
 * working backend and at most one warning that says why (System.Logger routes to
 * java.util.logging here, where the test listens).
 */
class BackendChoiceTest {
    private final Logger jul = Logger.getLogger("zkinfer.backend");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level oldLevel;

    @BeforeEach
    void listen() {
        oldLevel = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        jul.removeHandler(handler);
        jul.setLevel(oldLevel);
    }

    private List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).map(LogRecord::getMessage).toList();
    }

    /** The backend computes: an NTT and a Merkle leaf hash agree with the scalar reference. */
    private static void assertWorks(Backend b) {
        assertNotNull(b);
        long[] values = new long[64];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 7L + 1;
        }
        CommitKernels ref = Backends.scalar().commit();
        long[] expected = values.clone(), actual = values.clone();
        ref.ntt(expected, 6);
        b.commit().ntt(actual, 6);
        assertArrayEquals(expected, actual, b.name());
        assertArrayEquals(ref.hashLeaves(values, 4), b.commit().hashLeaves(values, 4), b.name());
    }

    @Test
    void unknownNameWarnsOnceNamingItAndTheValidOnesThenChoosesAutomatically() {
        Backend auto = Backends.choose(null);
        records.clear();
        Backend b = Backends.choose("gpu");
        assertEquals(auto.name(), b.name());
        List<String> w = warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("zkinfer.backend=gpu") && w.get(0).contains("scalar, vector, native, cuda"), w.get(0));
        assertWorks(b);
    }

    @Test
    void blankOrAbsentIsTheAutomaticChoiceWithoutWarning() {
        Backend auto = Backends.choose(null);
        for (String s : new String[] {"", "   ", "\t"}) {
            assertEquals(auto.name(), Backends.choose(s).name(), "'" + s + "'");
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void caseAndSurroundingBlanksAreIgnored() {
        assertEquals("vector", Backends.choose("  VECTOR ").name());
        assertEquals("scalar", Backends.choose("Scalar").name());
        assertEquals(List.of(), warnings());
    }

    @Test
    void vectorWithoutTheVectorApiModuleWarnsOnceAndIsScalar() {
        Backend b = Backends.choose("vector", false);
        assertEquals("scalar", b.name());
        List<String> w = warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("--add-modules=jdk.incubator.vector"), w.get(0));
    }

    @Test
    void unavailableNativeOrCudaWarnsOnceAndFallsBack() {
        if (Backends.nativeUnavailableReason() != null) {
            Backend b = Backends.choose("native");
            assertEquals("vector", b.name());
            assertEquals(1, warnings().size(), warnings().toString());
            records.clear();
        }
        Backend cuda = Backends.choose("cuda");
        if (!cuda.name().equals("cuda")) {
            List<String> w = warnings();
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).startsWith("cuda backend not used ("), w.get(0));
        }
    }

    @Test
    void theChoiceMadeAtClassLoadTimeIsTheOneChooseMakesLater() {
        // Catches a static field that Backends' initializer reads before it is initialized.
        assertEquals(Backends.choose(System.getProperty(Backends.PROPERTY)).name(), Backends.get().name());
    }

    @Test
    void cudaIsTriedOnLinuxOnlyWhereTheNvidiaDriverIsPresent() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            boolean driver = Backends.NVIDIA_DRIVER_FILES.stream().anyMatch(f -> new java.io.File(f).exists());
            assertEquals(driver, Backends.cudaDriverPresent());
        } else {
            assertTrue(Backends.cudaDriverPresent());
        }
    }

    @Test
    void oddValuesNeverThrow() {
        for (String s : new String[] {"gpu", "native ", "CUDA", "vector,native", "\u0000", "scalar\n", "é"}) {
            assertWorks(Backends.choose(s));
            assertWorks(Backends.choose(s, false));
        }
        assertWorks(Backends.get());
    }
}

package dev.zkinfer.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LogUp-GKR proofs from the native backend are the scalar reference's bytes (skipped without libzkinfer). */
class NativeLogUpGkrTest {
    @Test
    void nativeBackendProvesTheReferenceBytes() throws Exception {
        Backend nat = Backends.nativeBackend();
        assumeTrue(nat != null, () -> "native backend not loadable: " + Backends.nativeUnavailableReason());
        LogUpGkrTest.Statement st = LogUpGkrTest.random(new SplittableRandom(15), 2, new int[] {14, 12, 9, 3});
        byte[] scalar = LogUpGkrTest.prove(st, Backends.scalar(), st.multiplicities, true);
        byte[] fast = LogUpGkrTest.prove(st, nat, st.multiplicities, true);
        assertArrayEquals(scalar, fast);
        LogUpGkrTest.verify(st, fast, true);
    }
}

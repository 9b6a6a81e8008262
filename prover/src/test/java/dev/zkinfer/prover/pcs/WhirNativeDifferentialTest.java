package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WHIR commit + open: the native backend writes the scalar reference's root and proof (skipped without libzkinfer). */
class WhirNativeDifferentialTest {
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 4, 10, 15})
    void nativeBackendWritesTheReferenceProof(int n) throws Exception {
        Backend nat = Backends.nativeBackend();
        assumeTrue(nat != null, () -> "native backend not loadable: " + Backends.nativeUnavailableReason());
        SplittableRandom rnd = new SplittableRandom(700 + n);
        PcsParameters params = PcsParameters.forSecurity(100, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        var points = WhirTestSupport.randomPoints(rnd, n, 2);
        WhirTestSupport.Opening a = WhirTestSupport.prove(params, Backends.scalar(), table, points);
        WhirTestSupport.Opening b = WhirTestSupport.prove(params, nat, table, points);
        assertArrayEquals(a.root(), b.root());
        assertArrayEquals(a.proof(), b.proof());
        WhirTestSupport.verify(b);
    }
}

package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WhirBackendDifferentialTest {
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 3, 6, 9, 14})
    void scalarAndVectorBackendsWriteIdenticalProofs(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(500 + n);
        PcsParameters params = PcsParameters.forSecurity(100, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        var points = WhirTestSupport.randomPoints(rnd, n, 2);
        WhirTestSupport.Opening a = WhirTestSupport.prove(params, Backends.scalar(), table, points);
        WhirTestSupport.Opening b = WhirTestSupport.prove(params, Backends.vector(), table, points);
        assertArrayEquals(a.root(), b.root());
        assertArrayEquals(a.proof(), b.proof());
        WhirTestSupport.verify(b);
    }
}

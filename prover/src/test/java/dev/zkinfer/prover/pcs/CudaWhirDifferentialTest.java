package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.CudaBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A WHIR commitment and opening on the CUDA backend is the same byte string as on the scalar one. */
class CudaWhirDifferentialTest {
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 5, 9, 14, 17})
    void cudaAndScalarBackendsWriteIdenticalProofs(int n) throws Exception {
        CudaBackend cuda;
        try {
            cuda = CudaBackend.load();
        } catch (IllegalStateException e) {
            Assumptions.assumeTrue(false, e.getMessage());
            return;
        }
        SplittableRandom rnd = new SplittableRandom(900 + n);
        PcsParameters params = PcsParameters.forSecurity(100, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        var points = WhirTestSupport.randomPoints(rnd, n, 3);
        WhirTestSupport.Opening a = WhirTestSupport.prove(params, Backends.scalar(), table, points);
        WhirTestSupport.Opening b = WhirTestSupport.prove(params, cuda, table, points);
        assertArrayEquals(a.root(), b.root());
        assertArrayEquals(a.proof(), b.proof());
        WhirTestSupport.verify(b);
    }
}

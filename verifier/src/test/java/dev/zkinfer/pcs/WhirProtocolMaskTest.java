package dev.zkinfer.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hiding mask's values on a fold block ({@link WhirProtocol#maskBlock}) against φ_a evaluated term by term. */
class WhirProtocolMaskTest {
    @ParameterizedTest
    @CsvSource({"1, 3", "2, 3", "4, 3", "4, 16", "3, 8", "5, 3"})
    void maskBlockIsTheSumOfEachLowPartTimesItsSymbol(int k0, int c) {
        SplittableRandom rnd = new SplittableRandom(k0 * 31L + c);
        long[][] phi = WhirProtocol.maskLowWeights(k0, c);
        int size = 1 << k0;
        long x = 1 + Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P - 1);
        long[] symbols = new long[c + 5];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P);
        }
        long[] expected = new long[size];
        for (int u = 0; u < size; u++) {
            long z = Goldilocks.mul(x, Goldilocks.pow(Goldilocks.rootOfUnity(k0), WhirProtocol.bitReverse(u, k0)));
            for (int a = 0; a < c; a++) {
                long phiZ = 0;
                for (int m = 0; m < size; m++) {
                    phiZ = Goldilocks.add(phiZ, Goldilocks.mul(phi[a][m], Goldilocks.pow(z, m)));
                }
                expected[u] = Goldilocks.add(expected[u], Goldilocks.mul(phiZ, symbols[2 + a]));
            }
        }
        assertArrayEquals(expected, WhirProtocol.maskBlock(phi, x, k0, symbols, 2));
    }
}

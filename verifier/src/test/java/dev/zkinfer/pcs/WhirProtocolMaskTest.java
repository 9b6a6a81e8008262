package dev.zkinfer.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The verifier's closed form for a folded round-0 block in hiding mode ({@link WhirProtocol#maskFolds}):
 * ρ·fold(f) + Σ_a φ̃_a(α)·S_a(y) against folding the block's values ρ·f(z) + ĝ(z) themselves, with ĝ(z) =
 * Σ_a φ_a(z)·S_a(y) evaluated term by term at each point z of the block.
 */
class WhirProtocolMaskTest {
    @ParameterizedTest
    @CsvSource({"1, 3", "2, 3", "4, 3", "4, 16", "3, 8", "5, 3"})
    void foldedMaskBlockIsTheSymbolsTimesTheFoldedLowParts(int k0, int c) {
        SplittableRandom rnd = new SplittableRandom(k0 * 31L + c);
        long[][] phi = WhirProtocol.maskLowWeights(k0, c);
        int size = 1 << k0;
        long x = 1 + Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P - 1);
        long[] symbols = new long[c];
        for (int a = 0; a < c; a++) {
            symbols[a] = element(rnd);
        }
        long[] f = new long[size];
        for (int u = 0; u < size; u++) {
            f[u] = element(rnd);
        }
        Ext3 rho = ext(rnd);
        Ext3[] alphas = new Ext3[k0];
        for (int j = 0; j < k0; j++) {
            alphas[j] = ext(rnd);
        }
        long[] combined = new long[3 * size];
        for (int u = 0; u < size; u++) {
            long z = Goldilocks.mul(x, Goldilocks.pow(Goldilocks.rootOfUnity(k0), WhirProtocol.bitReverse(u, k0)));
            long g = 0;
            for (int a = 0; a < c; a++) {
                long phiZ = 0;
                for (int m = 0; m < size; m++) {
                    phiZ = Goldilocks.add(phiZ, Goldilocks.mul(phi[a][m], Goldilocks.pow(z, m)));
                }
                g = Goldilocks.add(g, Goldilocks.mul(phiZ, symbols[a]));
            }
            Ext3.set(combined, u, rho.mul(f[u]).add(Ext3.of(g)));
        }
        long[][] invTwiddles = WhirVerifier.inverseTwiddles(k0);
        Ext3 expected = WhirVerifier.foldLeaf(combined, 0, 3, k0, x, alphas, invTwiddles);

        Ext3[] folds = WhirProtocol.maskFolds(phi, alphas);
        Ext3 closed = rho.mul(WhirVerifier.foldLeaf(f, 0, 1, k0, x, alphas, invTwiddles));
        for (int a = 0; a < c; a++) {
            closed = closed.add(folds[a].mul(symbols[a]));
        }
        assertEquals(expected, closed);

        // control: the symbols paired with the wrong low parts (rotated by one) give another value,
        // so a verifier that mis-indexed the mask's symbols would fail this test
        Ext3 rotated = rho.mul(WhirVerifier.foldLeaf(f, 0, 1, k0, x, alphas, invTwiddles));
        for (int a = 0; a < c; a++) {
            rotated = rotated.add(folds[a].mul(symbols[(a + 1) % c]));
        }
        assertNotEquals(expected, rotated);
    }

    private static long element(SplittableRandom rnd) {
        return Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P);
    }

    private static Ext3 ext(SplittableRandom rnd) {
        return new Ext3(element(rnd), element(rnd), element(rnd));
    }
}

package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.CommitKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The opening's shortcuts against the direct computations they replace (each must give the same
 * values, so that proofs stay byte for byte what the direct form sends): the out-of-domain
 * answers' chunked Horner, and the mask polynomial's symbols from one width-3 encoding.
 */
class WhirProverShortcutsTest {
    @Test
    void chunkedHornerEqualsHornerOverTheWholeTable() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int size : new int[] {1, 3, 100, 1 << 10, 1 << 11, 1 << 13}) {
            long[] coeffs = new long[3 * size];
            for (int i = 0; i < coeffs.length; i++) {
                coeffs[i] = Goldilocks.reduce(rnd.nextLong());
            }
            Ext3 zeta = WhirTestSupport.randomExt(rnd);
            Ext3 direct = Ext3.ZERO;
            for (int b = size - 1; b >= 0; b--) {
                direct = direct.mul(zeta).add(Ext3.get(coeffs, b));
            }
            assertEquals(direct, WhirProver.evalUnivariateExt(coeffs, size, zeta), "size " + size);
        }
    }

    @Test
    void maskSymbolsAreEachPartsCodewordInLeafOrder() {
        PcsParameters p = PcsParameters.insecureForTests(WhirZeroKnowledgeTest.SMALL_N, 2, 3, 2, 1).withZeroKnowledge();
        for (Backend backend : new Backend[] {Backends.scalar(), Backends.get()}) {
            WhirProver prover = new WhirProver(p, backend);
            CommitKernels kernels = backend.commit();
            SplittableRandom rnd = new SplittableRandom(9);
            int m = p.zkMaskVars(), logWord = p.logDomainSize(0) - p.foldVars(0), c = p.zkMaskWidth();
            long[][] parts = new long[c][];
            for (int a = 0; a < c; a++) {
                parts[a] = WhirTestSupport.randomTable(rnd, m);
            }
            WhirProver.MaskPolynomial mask = prover.mask(parts, null);
            long[] expected = new long[c << logWord];
            for (int a = 0; a < c; a++) {
                long[] coeffs = parts[a].clone();
                kernels.evaluationsToCoefficients(coeffs);
                assertArrayEquals(coeffs, mask.partCoefficients()[a]);
                long[] word = kernels.toHost(kernels.encodeBitReversed(coeffs, 1, m, logWord), 1 << logWord);
                for (int l = 0; l < word.length; l++) {
                    expected[l * c + a] = word[l];
                }
            }
            assertArrayEquals(expected, mask.symbols(), backend.toString());
        }
    }
}

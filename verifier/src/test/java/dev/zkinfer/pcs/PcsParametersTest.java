package dev.zkinfer.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PcsParametersTest {
    @Test
    void defaultAndStrongProfilesReachTheirTargetProvably() {
        for (int bits : new int[] {100, 128}) {
            for (int n = 1; n <= PcsParameters.MAX_NUM_VARS; n++) {
                PcsParameters p = PcsParameters.forSecurity(bits, n);
                assertTrue(p.securityBits() >= bits, p.toString());
                assertEquals(n, p.varsBefore(0));
                int folded = 0;
                for (int i = 0; i < p.numRounds(); i++) {
                    folded += p.foldVars(i);
                }
                assertEquals(n, folded + p.finalVars());
            }
        }
    }

    @Test
    void queryCountsFollowTheUniqueDecodingFormula() {
        PcsParameters p = PcsParameters.custom(PcsParameters.Regime.UNIQUE_DECODING, 100, 22, 2, 4, 16, 11);
        // ρ_0 = 1/4: log2(2/(1+1/4)) = 0.678 bits per query, 84 bits after 16 bits of grinding
        assertEquals(124, p.queries(0));
        assertEquals(3, p.numRounds());
        assertEquals(10, p.finalVars());
        assertEquals(0, p.oodSamples());
    }

    @Test
    void defaultProfileUsesTheJohnsonBoundWithOneOutOfDomainSample() {
        PcsParameters p = PcsParameters.forSecurity(100, 22);
        assertEquals(PcsParameters.Regime.JOHNSON_BOUND, p.regime());
        assertEquals(1, p.oodSamples());
        // ρ_0 = 1/4: δ = 1 - 1.05·√ρ, -log2(0.525) = 0.930 bits per query, 84 bits after grinding
        assertEquals(91, p.queries(0));
        // L_1 = L_0^4 (domain shrink 2): ρ_1 = 2^-4, -log2(1.05·2^-2) = 1.93 bits per query
        assertEquals(2, p.domainShrink());
        assertEquals(44, p.queries(1));
        assertTrue(p.estimatedProofBytes() < PcsParameters.custom(PcsParameters.Regime.UNIQUE_DECODING, 100, 22, 2, 4, 16, 11)
                .estimatedProofBytes());
    }

    @Test
    void strongProfileFallsBackToUniqueDecodingWhereTheGapBoundIsTooWeak() {
        PcsParameters p = PcsParameters.forSecurity(131, 20);
        assertEquals(PcsParameters.Regime.UNIQUE_DECODING, p.regime());
        assertEquals(0, p.oodSamples());
        assertTrue(p.securityBits() >= 131);
    }

    @Test
    void domainShrinkTradesQueriesForSmallerLaterCodewords() {
        PcsParameters halving = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 22, 2, 4, 16, 6, 1);
        PcsParameters quarter = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 22, 2, 4, 16, 6, 2);
        assertEquals(23, halving.logDomainSize(1));
        assertEquals(22, quarter.logDomainSize(1));
        assertTrue(quarter.queries(1) > halving.queries(1));
        assertTrue(quarter.securityBits() >= 100 && halving.securityBits() >= 100);
        // shrinking the domain faster than the polynomial folds would raise the rate: refused
        assertThrows(IllegalArgumentException.class,
                () -> PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 12, 1, 2, 16, 4, 3));
    }

    @Test
    void rejectsUnsupportedTargetsAndShapes() {
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(64, 10));
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(100, 0));
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(100, PcsParameters.MAX_NUM_VARS + 1));
    }

    @Test
    void insecureProfileSaysSo() {
        PcsParameters p = PcsParameters.insecureForTests(10, 2);
        assertTrue(p.profile().contains("INSECURE"));
        assertTrue(p.securityBits() < 10);
    }

    @Test
    void soundnessReportListsEveryComponent() {
        PcsParameters p = PcsParameters.forSecurity(100, 20);
        var terms = p.soundnessBits();
        assertTrue(terms.stream().anyMatch(t -> t.component().startsWith("round 0 queries")));
        assertTrue(terms.stream().anyMatch(t -> t.component().startsWith("round 0 fold")));
        assertTrue(terms.stream().anyMatch(t -> t.component().startsWith("claim batching")));
        assertTrue(terms.stream().anyMatch(t -> t.component().startsWith("round 0 out-of-domain")));
    }
}

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
        // ρ_1 = 2^-5: -log2(1.05·2^-2.5) = 2.43 bits per query
        assertEquals(35, p.queries(1));
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

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
        PcsParameters p = PcsParameters.forSecurity(160, 26);
        assertEquals(PcsParameters.Regime.UNIQUE_DECODING, p.regime());
        assertEquals(0, p.oodSamples());
        assertTrue(p.securityBits() >= 160);
    }

    @Test
    void johnsonBoundFoldErrorIsBchks25Theorem42() {
        // ρ = 1/4, η = √ρ/20, m = 20: (2·20.5^5 + 3·20.5·δ·ρ)·|L|/(3ρ^1.5) + 20.5/√ρ, δ = 1 − 0.525
        double m = 20.5, delta = 0.475;
        double want = (2 * Math.pow(m, 5) + 3 * m * delta * 0.25) * (1 << 24) / (3 * 0.125) + m / 0.5;
        assertEquals(want, PcsParameters.johnsonAgreementError(0.25, 24), want * 1e-12);
        // linear in |L|: about 24.2 + log2|L| bits lost, where BCIKS20's bound lost 25.2 + 2·log2|L|
        double lost = Math.log(PcsParameters.johnsonAgreementError(0.25, 24)) / Math.log(2);
        assertEquals(24.2 + 24, lost, 0.1);
        // the 128-bit profile now stays in the Johnson-bound regime on large polynomials
        assertEquals(PcsParameters.Regime.JOHNSON_BOUND, PcsParameters.forSecurity(128, 22).regime());
    }

    @Test
    void queryTermsRecordTheirGrindingAndTheReportGivesBitsWithoutIt() {
        PcsParameters p = PcsParameters.forSecurity(100, 22);
        dev.zkinfer.security.SecurityReport r = new dev.zkinfer.security.SecurityReport().addPcs("", p.soundnessBits());
        int withPow = 0;
        for (SoundnessTerm t : p.soundnessBits()) {
            if (t.component().contains("queries")) {
                assertEquals(p.powBits(), t.grindingBits(), t.component());
                withPow++;
            } else {
                assertEquals(0, t.grindingBits(), t.component());
            }
        }
        assertEquals(p.numRounds(), withPow);
        assertEquals(16, r.grindingBits());
        assertTrue(r.minimumBits() >= 100);
        // the weakest query phase loses its 16 bits of grinding: about 84 bits statistically
        assertTrue(r.statisticalBits() < r.totalBits() - 14 && r.statisticalBits() > r.totalBits() - 17.5,
                r.statisticalBits() + " vs " + r.totalBits());
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
    void modelCommitmentsOf2To26And27ValuesUseRateOneQuarterInRoundZeroOnly() {
        for (int bits : new int[] {103, 131}) {
            for (int n = 1; n <= PcsParameters.MAX_NUM_VARS; n++) {
                PcsParameters model = PcsParameters.forModelCommitment(bits, n);
                PcsParameters plain = PcsParameters.forSecurity(bits, n);
                assertTrue(model.securityBits() >= bits, model.toString());
                for (SoundnessTerm t : model.soundnessBits()) {
                    assertTrue(t.bits() >= bits, model + ": " + t);
                }
                if (n <= PcsParameters.MAX_RATE_QUARTER_VARS || n > PcsParameters.MAX_RATE_QUARTER_MODEL_VARS
                        || model.regime() != PcsParameters.Regime.JOHNSON_BOUND) {
                    assertEquals(plain, model, "n = " + n);
                    continue;
                }
                assertEquals(2, model.logInvRate(), model.toString());
                assertEquals(3, model.firstShrink(), model.toString());
                assertEquals(2, model.domainShrink(), model.toString());
                // round 1 onwards: the same codewords, folds and queries as the rate-1/2 profile's
                assertEquals(plain.numRounds(), model.numRounds());
                for (int i = 1; i < model.numRounds(); i++) {
                    assertEquals(plain.logDomainSize(i), model.logDomainSize(i), model + " round " + i);
                    assertEquals(plain.varsBefore(i), model.varsBefore(i));
                    assertEquals(plain.queries(i), model.queries(i));
                }
                assertEquals(plain.logDomainSize(0) + 1, model.logDomainSize(0));
                assertTrue(model.logLeaves(0) <= PcsParameters.MAX_LOG_LEAVES && model.codewordLongs(0) <= 1L << 29, model.toString());
                // 0.93 instead of 0.43 bits per round-0 query: fewer than half the queries
                assertTrue(2 * model.queries(0) < plain.queries(0), model + " vs " + plain);
                assertTrue(model.estimatedProofBytes() < plain.estimatedProofBytes() - 60_000, model + " vs " + plain);
                // a shape of its own in the transcript (encoding version 6, round 0's shrink last)
                long[] e = model.encode();
                assertEquals(6, e[0]);
                assertEquals(3, e[e.length - 1]);
                assertTrue(!model.equals(plain) && !model.withZeroKnowledgeFits());
                assertThrows(IllegalArgumentException.class, model::withZeroKnowledge);
            }
        }
        // GPT-2 small's 2^27-value model commitment at the key's 103 bits: 88 round-0 queries instead of 189
        PcsParameters gpt2 = PcsParameters.forModelCommitment(103, 27);
        assertEquals(88, gpt2.queries(0));
        assertEquals(189, PcsParameters.forSecurity(103, 27).queries(0));
        assertEquals(29, gpt2.logDomainSize(0));
        assertEquals(26, gpt2.logDomainSize(1));
        assertEquals(24, gpt2.logDomainSize(2));
    }

    @Test
    void largePolynomialsGrind22BitsAndReportTheirStatisticalSecurity() {
        assertEquals(16, PcsParameters.forSecurity(103, 25).powBits());
        for (int n = 26; n <= PcsParameters.MAX_NUM_VARS; n++) {
            for (PcsParameters p : new PcsParameters[] {PcsParameters.forSecurity(103, n), PcsParameters.forModelCommitment(103, n)}) {
                assertEquals(22, p.powBits(), p.toString());
                dev.zkinfer.security.SecurityReport r = new dev.zkinfer.security.SecurityReport().addPcs("", p.soundnessBits());
                assertEquals(22, r.grindingBits());
                assertTrue(r.minimumBits() >= 103, p.toString());
                // each query phase still holds 103 − 22 = 81 bits without its grinding; the union of
                // the five phases about 79.7 (16 bits of grinding: about 85.7)
                for (SoundnessTerm t : p.soundnessBits()) {
                    assertTrue(t.bits() - t.grindingBits() >= 81, t.toString());
                }
                assertTrue(r.statisticalBits() > r.totalBits() - 24 && r.statisticalBits() < r.totalBits() - 20,
                        r.statisticalBits() + " vs " + r.totalBits() + " for " + p);
            }
        }
        // rate 1/2, 0.43 bits per query: 6 bits more grinding than 16 save 14 round-0 queries
        assertEquals(189, PcsParameters.forSecurity(103, 26).queries(0));
        assertEquals(203, PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 103, 26, 1, 4, 16, 6).queries(0));
    }

    @Test
    void roundZerosOwnShrinkIsBoundedByItsFold() {
        PcsParameters p = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 12, 2, 4, 16, 4, 2, 4);
        assertEquals(14, p.logDomainSize(0));
        assertEquals(10, p.logDomainSize(1));
        assertEquals(8, p.logDomainSize(2));
        assertThrows(IllegalArgumentException.class,
                () -> PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 12, 2, 4, 16, 4, 2, 5));
        assertThrows(IllegalArgumentException.class,
                () -> PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, 12, 2, 4, 16, 4, 2, 0));
    }

    @Test
    void rejectsUnsupportedTargetsAndShapes() {
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(64, 10));
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(100, 0));
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(100, PcsParameters.MAX_NUM_VARS + 1));
    }

    @Test
    void largestPolynomialsUseRateOneHalfWithinJavasArrayLimitsAndReachTheTarget() {
        // shapes only: nothing of 2^28 is allocated
        for (int bits : new int[] {103, 131}) {
            for (int n = 20; n <= PcsParameters.MAX_NUM_VARS; n++) {
                PcsParameters p = PcsParameters.forSecurity(bits, n);
                assertTrue(p.securityBits() >= bits, p.toString());
                assertEquals(n <= PcsParameters.MAX_RATE_QUARTER_VARS ? 2 : 1, p.logInvRate(), p.toString());
                for (int i = 0; i < p.numRounds(); i++) {
                    assertTrue(p.codewordLongs(i) <= 1L << 29, p + " round " + i);
                    assertTrue(p.logLeaves(i) <= PcsParameters.MAX_LOG_LEAVES, p + " round " + i);
                    // every table index the prover computes in int arithmetic stays below 2^31
                    assertTrue((long) p.codewordLongs(i) < Integer.MAX_VALUE - 8);
                }
                assertTrue(3L << n < Integer.MAX_VALUE - 8, "the opening's weight table of 3·2^n longs");
            }
        }
        PcsParameters top = PcsParameters.forSecurity(103, 28);
        assertEquals(1L << 29, top.codewordLongs(0));
        assertEquals(25, top.logLeaves(0));
        assertEquals(3L << 27, top.codewordLongs(1));
    }

    @Test
    void shapesBeyondTheArrayLimitsAreRefused() {
        // 2^28 values at rate 1/4: a codeword of 2^30 elements in 2^26 leaves, whose digest layer would be 2^31 bytes
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 103, 28, 2, 4, 16, 8, 2));
        assertTrue(e.getMessage().contains("array limits"), e.getMessage());
        // folding 5 variables keeps 2^25 leaves: allowed
        assertEquals(25, PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 103, 28, 2, 5, 16, 8, 2).logLeaves(0));
        assertThrows(IllegalArgumentException.class,
                () -> PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 103, 28, 3, 5, 16, 8, 2));
    }

    @Test
    void hidingCommitmentsKeepTheSmallerLimit() {
        PcsParameters p = PcsParameters.forSecurity(103, PcsParameters.MAX_ZK_NUM_VARS + 1);
        assertTrue(!p.withZeroKnowledgeFits());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::withZeroKnowledge);
        assertTrue(e.getMessage().contains("at most 2^26"), e.getMessage());
        assertTrue(PcsParameters.forSecurity(103, PcsParameters.MAX_ZK_NUM_VARS).withZeroKnowledge().zeroKnowledge());
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

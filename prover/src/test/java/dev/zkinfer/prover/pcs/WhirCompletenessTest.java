package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.poly.Mle;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WhirCompletenessTest {
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void honestOpeningsOfOneTwoAndThreeClaimsVerifyAtTheDefaultProfile(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(1000 + n);
        PcsParameters params = PcsParameters.forSecurity(100, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        for (int claims = 1; claims <= 3; claims++) {
            List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, claims);
            WhirTestSupport.Opening o = WhirTestSupport.prove(params, null, table, points);
            for (int j = 0; j < claims; j++) {
                assertEquals(Mle.evaluate(table, points.get(j)), o.claims().get(j).value());
            }
            WhirTestSupport.verify(o);
        }
    }

    @Test
    void honestOpeningOfSixteenVariablesVerifies() throws Exception {
        SplittableRandom rnd = new SplittableRandom(16);
        PcsParameters params = PcsParameters.forSecurity(100, 16);
        long[] table = WhirTestSupport.randomTable(rnd, 16);
        WhirTestSupport.verify(WhirTestSupport.prove(params, null, table, WhirTestSupport.randomPoints(rnd, 16, 2)));
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 5, 9, 13})
    void honestOpeningsVerifyAtTheStrongProfileAndTheInsecureTestProfile(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(77 + n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        WhirTestSupport.verify(WhirTestSupport.prove(PcsParameters.forSecurity(128, n), null, table,
                WhirTestSupport.randomPoints(rnd, n, 2)));
        WhirTestSupport.verify(WhirTestSupport.prove(PcsParameters.insecureForTests(n, 3), null, table,
                WhirTestSupport.randomPoints(rnd, n, 3)));
    }

    @Test
    void aCommitmentThatDropsItsCoefficientsAndCodewordComputesThemAgainAndProvesTheSameBytes() throws Exception {
        // commitments of a codeword above 2^27 elements keep neither coefficients nor codeword (WhirProver.keepsCodeword),
        // 2^26 values at rate 1/2 the codeword alone (keepsEncoding false): limits of 0 take these paths at a small
        // size (keep 0: nothing kept, 1: everything, 2: the codeword alone); the proof must not change by a byte
        SplittableRandom rnd = new SplittableRandom(28);
        int n = 13;
        PcsParameters params = PcsParameters.forSecurity(103, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, 2);
        byte[][] proofs = new byte[3][];
        for (int keep = 0; keep < 3; keep++) {
            WhirProver prover = new WhirProver(params, dev.zkinfer.prover.backend.Backends.get(), keep == 0 ? 0 : Long.MAX_VALUE,
                    keep == 2 ? 0 : WhirProver.MAX_KEPT_VARS, WhirProver.STREAM_CHUNK_VARS);
            assertEquals(keep == 1, prover.keepsEncoding());
            assertEquals(keep > 0, prover.keepsCodeword());
            PcsProver.Committed c = prover.commit(table, n);
            dev.zkinfer.transcript.Sha256Transcript t = new dev.zkinfer.transcript.Sha256Transcript(WhirTestSupport.TAG);
            t.absorbBytes("root", c.root());
            dev.zkinfer.encoding.ProofWriter out = new dev.zkinfer.encoding.ProofWriter();
            Ext3[] values = prover.open(c, points, out, t);
            proofs[keep] = out.toByteArray();
            List<dev.zkinfer.pcs.EvaluationClaim> claims = List.of(new dev.zkinfer.pcs.EvaluationClaim(points.get(0), values[0]),
                    new dev.zkinfer.pcs.EvaluationClaim(points.get(1), values[1]));
            WhirTestSupport.verify(params, c.root(), claims, proofs[keep]);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(proofs[1], proofs[0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(proofs[1], proofs[2]);
    }

    @Test
    void hypercubePointsOpenToTableEntries() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 7;
        long[] table = WhirTestSupport.randomTable(rnd, n);
        Ext3[] point = new Ext3[n];
        int index = 0b1011001;
        for (int k = 0; k < n; k++) {
            point[k] = ((index >> k) & 1) == 1 ? Ext3.ONE : Ext3.ZERO;
        }
        WhirTestSupport.Opening o = WhirTestSupport.prove(PcsParameters.forSecurity(100, n), null, table, java.util.Collections.singletonList(point));
        assertEquals(Ext3.of(table[index]), o.claims().get(0).value());
        WhirTestSupport.verify(o);
    }
}

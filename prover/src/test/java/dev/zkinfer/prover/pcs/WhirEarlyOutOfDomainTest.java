package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The out-of-domain samples of a commitment are drawn right after its root is absorbed, before
 * any challenge of the protocol that uses the commitment (issue 13): prover and verifier stay in
 * step across the challenges in between, the samples do not depend on anything absorbed later,
 * and a changed answer is rejected.
 */
class WhirEarlyOutOfDomainTest {
    static final int N = 10;
    static final PcsParameters JOHNSON = PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 100, N, 2, 4, 8, 4);

    /** Commit, absorb the root, draw the samples, then a challenge and a message of "another sub-protocol", then open. */
    static byte[] proveWithChallengesBetween(long[] table, List<Ext3[]> points, String later, List<Ext3> valuesOut) {
        WhirProver prover = new WhirProver(JOHNSON);
        PcsProver.Committed c = prover.commit(table, N);
        Sha256Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        List<EvaluationClaim> ood = prover.outOfDomain(c, out, t);
        t.absorbBytes("later-message", later.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        t.challengeExt("later-challenge");
        for (Ext3[] z : points) {
            valuesOut.add(prover.evaluate(c, z));
        }
        prover.open(c, ood, points, valuesOut, out, t);
        return out.toByteArray();
    }

    static void verify(byte[] root, List<Ext3[]> points, List<Ext3> values, String later, byte[] proof) throws InvalidProofException {
        Sha256Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", root);
        ProofReader in = new ProofReader(proof);
        WhirVerifier v = new WhirVerifier(JOHNSON);
        List<EvaluationClaim> ood = v.readOutOfDomain(root, in, t);
        t.absorbBytes("later-message", later.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        t.challengeExt("later-challenge");
        List<EvaluationClaim> claims = new ArrayList<>();
        for (int j = 0; j < points.size(); j++) {
            claims.add(new EvaluationClaim(points.get(j), values.get(j)));
        }
        v.verifyOpening(root, N, ood, claims, in, t);
        in.finish();
    }

    @Test
    void samplesDrawnAtCommitmentTimeVerifyAndIgnoreLaterMessages() throws Exception {
        assertTrue(JOHNSON.oodSamples() > 0);
        SplittableRandom rnd = new SplittableRandom(5);
        long[] table = WhirTestSupport.randomTable(rnd, N);
        byte[] root = new WhirProver(JOHNSON).commit(table, N).root();
        List<Ext3[]> pointsA = WhirTestSupport.randomPoints(rnd, N, 3);
        List<Ext3[]> pointsB = WhirTestSupport.randomPoints(rnd, N, 2);
        List<Ext3> valuesA = new ArrayList<>();
        List<Ext3> valuesB = new ArrayList<>();
        byte[] a = proveWithChallengesBetween(table, pointsA, "first", valuesA);
        byte[] b = proveWithChallengesBetween(table, pointsB, "second", valuesB);
        verify(root, pointsA, valuesA, "first", a);
        verify(root, pointsB, valuesB, "second", b);
        // the answers open the proof; they depend on the root only, not on what came after it
        int answers = 24 * JOHNSON.oodSamples();
        assertArrayEquals(Arrays.copyOf(a, answers), Arrays.copyOf(b, answers));
        // a verifier whose transcript differs after the samples rejects (the two sides stay in step)
        assertThrows(InvalidProofException.class, () -> verify(root, pointsA, valuesA, "other", a));
    }

    @Test
    void rejectsAChangedEarlyAnswer() {
        SplittableRandom rnd = new SplittableRandom(9);
        long[] table = WhirTestSupport.randomTable(rnd, N);
        byte[] root = new WhirProver(JOHNSON).commit(table, N).root();
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, N, 2);
        List<Ext3> values = new ArrayList<>();
        byte[] proof = proveWithChallengesBetween(table, points, "m", values);
        for (int s = 0; s < JOHNSON.oodSamples(); s++) {
            byte[] bad = proof.clone();
            bad[24 * s] ^= 1;
            InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(root, points, values, "m", bad));
            assertTrue(!e.getMessage().isBlank());
        }
    }
}

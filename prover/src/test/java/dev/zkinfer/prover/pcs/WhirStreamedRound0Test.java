package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A large commitment's opening runs round 0 chunk by chunk ({@code WhirProver.streamedRound0}):
 * forced here at small sizes (no kept codeword, chunks of a few variables), it must write the
 * very bytes of the opening on whole tables, for claims at random points, at points whose top
 * coordinates select a block (lifted tensor claims, as the model commitment's), at hypercube
 * corners, with the out-of-domain samples; and a cheating prover's streamed proof must fail.
 */
class WhirStreamedRound0Test {
    @ParameterizedTest
    @ValueSource(ints = {10, 13})
    void streamedRound0WritesTheSameProofAsWholeTables(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(900 + n);
        PcsParameters params = PcsParameters.forSecurity(103, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = claimPoints(rnd, n);
        for (Backend backend : List.of(Backends.scalar(), Backends.vector(), Backends.get())) {
            WhirTestSupport.Opening whole = open(new WhirProver(params, backend, Long.MAX_VALUE), table, points);
            int chunkVars = params.foldVars(0) + 1;
            WhirTestSupport.Opening streamed = open(new WhirProver(params, backend, 0, chunkVars), table, points);
            assertArrayEquals(whole.proof(), streamed.proof(), "streamed round 0 on " + backend.name());
            assertArrayEquals(whole.root(), streamed.root());
            // the large codewords encoded again for their queries instead of read from their files: the same bytes
            WhirTestSupport.Opening reencoded = open(new WhirProver(params, backend, 0, chunkVars, false), table, points);
            assertArrayEquals(whole.proof(), reencoded.proof(), "re-encoded codewords on " + backend.name());
            for (int j = 0; j < points.size(); j++) {
                assertEquals(Mle.evaluate(table, points.get(j)), streamed.claims().get(j).value());
            }
            WhirTestSupport.verify(streamed);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {11})
    void streamedOpeningOfAWrongValueOrTamperedRoundsIsRejected(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(77 + n);
        PcsParameters params = PcsParameters.forSecurity(103, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = claimPoints(rnd, n);
        WhirTestSupport.Opening o = open(new WhirProver(params, Backends.get(), 0, params.foldVars(0) + 2), table, points);
        WhirTestSupport.verify(o);

        // a prover that claims a wrong value and streams round 0 from it: the claim is absorbed, the rounds do not add up
        List<EvaluationClaim> lie = new ArrayList<>(o.claims());
        lie.set(1, new EvaluationClaim(points.get(1), o.claims().get(1).value().add(Ext3.ONE)));
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, o.root(), lie, o.proof()));
        // every byte of round 0's streamed messages (after the out-of-domain answers) flipped, one at a time
        int ood = 24 * params.oodSamples();
        int round0 = 72 * params.foldVars(0);
        for (int pos = ood; pos < ood + round0; pos += 5) {
            byte[] bad = o.proof().clone();
            bad[pos] ^= 1;
            int at = pos;
            assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, o.root(), o.claims(), bad),
                    () -> "flipping byte " + at + " of round 0 was accepted");
        }
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, o.root(), o.claims(),
                java.util.Arrays.copyOf(o.proof(), o.proof().length - 8)));
    }

    @Test
    void aProverWhoseSpilledCodewordIsNotTheCommittedOneIsCaught() throws Exception {
        int n = 11;
        SplittableRandom rnd = new SplittableRandom(5 + n);
        PcsParameters params = PcsParameters.forSecurity(103, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = claimPoints(rnd, n);
        WhirProver prover = new WhirProver(params, Backends.get(), 0, params.foldVars(0) + 2);
        WhirProver.WhirCommitment c = prover.commit(table.clone(), n);
        assertNotNull(c.spilled(), "a commitment that keeps no codeword writes it to a file");
        // the file changed after the root was computed: every value off by one
        long size = 1L << params.logDomainSize(0);
        long[] leaf = c.spilled().leaves(new int[] {0}, 1);
        for (long i = 0; i < size; i++) {
            c.spilled().overwrite(i, Goldilocks.add(i == 0 ? leaf[0] : c.spilled().leaves(new int[] {(int) i}, 1)[0], 1));
        }
        Sha256Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        Ext3[] values = prover.open(c, points, out, t);
        List<EvaluationClaim> claims = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            assertEquals(Mle.evaluate(table, points.get(j)), values[j]);
            claims.add(new EvaluationClaim(points.get(j), values[j]));
        }
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(params, c.root(), claims, out.toByteArray()));
    }

    /**
     * A commitment stowed while other work runs ({@code WhirProver.stowed}: its codeword and tree in
     * files, its coefficients dropped) opens to the very bytes it would have written held whole, on
     * the opening that keeps f̂'s coefficients and on the streamed one (a commitment that keeps its
     * codeword alone); its file changed after the root was computed is caught by the verifier.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 13})
    void aStowedCommitmentOpensToTheSameProof(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(300 + n);
        PcsParameters params = PcsParameters.forSecurity(103, n);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = claimPoints(rnd, n);
        for (Backend backend : List.of(Backends.vector(), Backends.get())) {
            for (int keptVars : new int[] {WhirProver.MAX_KEPT_VARS, n - 1}) {
                WhirProver prover = new WhirProver(params, backend, Long.MAX_VALUE, keptVars, params.foldVars(0) + 1);
                WhirTestSupport.Opening held = open(prover, table, points);
                WhirProver.WhirCommitment c = prover.commit(table.clone(), n);
                WhirProver.WhirCommitment stowed = prover.stowed(c);
                assertNotNull(stowed.spilled(), "the stowed commitment's codeword is in a file");
                WhirTestSupport.Opening o = openCommitted(prover, stowed, points);
                assertArrayEquals(held.proof(), o.proof(), backend.name() + ", coefficients kept up to 2^" + keptVars);
                assertArrayEquals(held.root(), o.root());
                WhirTestSupport.verify(o);
            }
        }
        // a prover whose stowed codeword is not the committed one: one queried-or-not value off by one everywhere
        WhirProver prover = new WhirProver(params, Backends.get(), Long.MAX_VALUE);
        WhirProver.WhirCommitment stowed = prover.stowed(prover.commit(table.clone(), n));
        for (long i = 0; i < 1L << params.logDomainSize(0); i++) {
            stowed.spilled().overwrite(i, Goldilocks.add(stowed.spilled().leaves(new int[] {(int) i}, 1)[0], 1));
        }
        WhirTestSupport.Opening bad = openCommitted(prover, stowed, points);
        assertThrows(InvalidProofException.class, () -> WhirTestSupport.verify(bad));
    }

    private static WhirTestSupport.Opening openCommitted(WhirProver prover, WhirProver.WhirCommitment c, List<Ext3[]> points) {
        Sha256Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        Ext3[] values = prover.open(c, points, out, t);
        List<EvaluationClaim> claims = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            claims.add(new EvaluationClaim(points.get(j), values[j]));
        }
        return new WhirTestSupport.Opening(prover.parameters(), c.root(), claims, out.toByteArray());
    }

    /** Two random points, two block-selecting points (top coordinates 0/1, as lifted tensor claims), one corner. */
    private static List<Ext3[]> claimPoints(SplittableRandom rnd, int n) {
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, 4);
        for (int j = 2; j < 4; j++) {
            Ext3[] p = points.get(j);
            for (int i = n - 3 - j; i < n; i++) {
                p[i] = rnd.nextBoolean() ? Ext3.ONE : Ext3.ZERO;
            }
        }
        Ext3[] corner = new Ext3[n];
        int index = rnd.nextInt(1 << n);
        for (int i = 0; i < n; i++) {
            corner[i] = (index >>> i & 1) == 1 ? Ext3.ONE : Ext3.ZERO;
        }
        points.add(corner);
        return points;
    }

    private static WhirTestSupport.Opening open(WhirProver prover, long[] table, List<Ext3[]> points) {
        return WhirTestSupport.prove(prover, table.clone(), points);
    }
}

package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.PointSumWeights;
import dev.zkinfer.pcs.PowerWeights;
import dev.zkinfer.pcs.WeightedClaim;
import dev.zkinfer.pcs.WhirProtocol;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Openings of a hiding commitment for several openings whose mask parts S_a another commitment
 * holds ({@link PcsParameters#withZkMaskElsewhere()}, docs/zero-knowledge.md §3.3 item 3): the
 * opening verifies and leaves one claim per part, true on the parts the prover used; an opening made
 * with other parts, or any flipped byte, is rejected by the opening or leaves a claim that is false
 * on the parts the other commitment holds (so that commitment's opening rejects it).
 */
class WhirMaskElsewhereTest {
    static final int N = WhirZeroKnowledgeTest.SMALL_N;

    static PcsParameters params() {
        return WhirZeroKnowledgeTest.multi().withZkMaskElsewhere();
    }

    record Opening(byte[] root, List<EvaluationClaim> claims, List<WeightedClaim> weighted, byte[] proof, WhirProtocol.MaskSymbols symbols) {}

    static Opening open(WhirProver prover, PcsProver.Committed c, SplittableRandom rnd, long[][] parts) {
        Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        List<EvaluationClaim> ood = prover.outOfDomain(c, out, t);
        List<Ext3[]> points = WhirZeroKnowledgeTest.lowerHalfPoints(rnd, N, 2);
        List<Ext3> values = new ArrayList<>();
        List<EvaluationClaim> claims = new ArrayList<>();
        for (Ext3[] z : points) {
            Ext3 v = prover.evaluate(c, z);
            values.add(v);
            claims.add(new EvaluationClaim(z, v));
        }
        PowerWeights weight = new PowerWeights(WhirTestSupport.randomPoints(rnd, 3, 1).get(0), 3);
        List<WeightedClaim> weighted = List.of(new WeightedClaim(weight, 1, prover.weightedSum(c, weight, 1)));
        WhirProtocol.MaskSymbols symbols = prover.openMaskElsewhere(c, ood, points, values, weighted, new SecureRandom(), parts, out, t);
        return new Opening(c.root(), claims, weighted, out.toByteArray(), symbols);
    }

    static WhirProtocol.MaskSymbols verify(Opening o, byte[] proof) throws InvalidProofException {
        Transcript t = new Sha256Transcript(WhirTestSupport.TAG);
        t.absorbBytes("root", o.root());
        ProofReader r = new ProofReader(proof);
        WhirVerifier v = new WhirVerifier(params());
        List<EvaluationClaim> ood = v.readOutOfDomain(o.root(), r, t);
        WhirProtocol.MaskSymbols s = v.verifyOpeningMaskElsewhere(o.root(), N, ood, o.claims(), o.weighted(), r, t);
        r.finish();
        return s;
    }

    /** A multilinear polynomial's monomial coefficients from its hypercube values (the Möbius transform). */
    static long[] coefficients(long[] values) {
        long[] c = values.clone();
        for (int bit = 1; bit < c.length; bit <<= 1) {
            for (int b = 0; b < c.length; b++) {
                if ((b & bit) != 0) {
                    c[b] = Goldilocks.sub(c[b], c[b ^ bit]);
                }
            }
        }
        return c;
    }

    /** Whether every part's claim Σ_j w(j)·c_{a,j} = value holds on {@code parts} (hypercube values; the witness holds their coefficients c_a). */
    static boolean trueOn(WhirProtocol.MaskSymbols s, long[][] parts) {
        long[] w = s.weight().table();
        for (int a = 0; a < parts.length; a++) {
            long[] c = coefficients(parts[a]);
            Ext3 sum = Ext3.ZERO;
            for (int b = 0; b < c.length; b++) {
                sum = sum.add(Ext3.get(w, b).mul(c[b]));
            }
            if (!sum.equals(s.values()[a])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void anOpeningVerifiesAndLeavesTrueClaimsOnItsMaskParts() throws Exception {
        PcsParameters p = params();
        assertTrue(p.zkMaskElsewhere() && p.zkSeparateMask());
        assertNotEquals(WhirZeroKnowledgeTest.multi(), p, "the mode is bound by the parameters' encoding");
        assertEquals(5, p.encode()[0]);
        assertThrows(IllegalStateException.class, () -> PcsParameters.insecureForTests(N, 2, 3, 2, 1).withZeroKnowledge().withZkMaskElsewhere());
        SplittableRandom rnd = new SplittableRandom(31);
        WhirProver prover = new WhirProver(p);
        PcsProver.Committed c = prover.commit(WhirZeroKnowledgeTest.maskFreeTable(rnd, p), N, new SecureRandom());
        long[][] parts = WhirZeroKnowledgeTest.parts(rnd, p);
        Opening o = open(prover, c, rnd, parts);
        WhirProtocol.MaskSymbols s = verify(o, o.proof());
        assertEquals(p.zkMaskWidth(), s.values().length);
        assertTrue(trueOn(s, parts));
        assertTrue(trueOn(o.symbols(), parts), "the prover's claims are the verifier's");
        assertTrue(Arrays.equals(s.weight().encode(), o.symbols().weight().encode()));
        // the prover's table (its NTT kernel) is the weight's own (this class's DFT, the verifier's copy)
        assertTrue(Arrays.equals(o.symbols().weight().table(), s.weight().table()));
        // the weight's extension is the multilinear extension of its table
        Ext3[] z = WhirTestSupport.randomPoints(rnd, p.zkMaskVars(), 1).get(0);
        assertEquals(Mle.evaluateExt(s.weight().table(), z), s.weight().evaluate(z));
        // no mask tree: the proof is shorter than the same opening with the mask parts in a tree of their own
        WhirProver treeProver = new WhirProver(WhirZeroKnowledgeTest.multi());
        PcsProver.Committed c2 = treeProver.commit(WhirZeroKnowledgeTest.maskFreeTable(rnd, p), N, new SecureRandom());
        int withTree = WhirZeroKnowledgeTest.prove(WhirZeroKnowledgeTest.multi(), treeProver, c2, WhirZeroKnowledgeTest.lowerHalfPoints(rnd, N, 2),
                List.of(), List.of(), new Sha256Transcript(WhirTestSupport.TAG)).proof().length;
        assertTrue(o.proof().length < withTree, o.proof().length + " bytes, " + withTree + " with the mask tree");
        // the other openers refuse the mode
        assertThrows(IllegalStateException.class, () -> new WhirVerifier(p).verifyOpening(o.root(), N, List.of(), o.claims(), o.weighted(),
                new ProofReader(o.proof()), new Sha256Transcript(WhirTestSupport.TAG)));
    }

    @Test
    void anOpeningWithOtherMaskPartsLeavesFalseClaims() throws Exception {
        PcsParameters p = params();
        SplittableRandom rnd = new SplittableRandom(32);
        WhirProver prover = new WhirProver(p);
        PcsProver.Committed c = prover.commit(WhirZeroKnowledgeTest.maskFreeTable(rnd, p), N, new SecureRandom());
        long[][] held = WhirZeroKnowledgeTest.parts(rnd, p);
        long[][] other = new long[held.length][];
        for (int a = 0; a < held.length; a++) {
            other[a] = held[a].clone();
        }
        // one value of one part differs from what the other commitment holds: the last one, whose change moves
        // only the top monomial coefficient, so the part differs at every queried point y (by δ·y^(2^m − 1));
        // a value elsewhere moves a sum of coefficients that vanishes at the points whose y^(2^i) = 1 for a free
        // bit i, and a run whose few queries all fell there (SecureRandom commitments) left the claim true
        int last = other[1].length - 1;
        other[1][last] = dev.zkinfer.field.Goldilocks.add(other[1][last], 1);
        Opening o = open(prover, c, rnd, other);
        WhirProtocol.MaskSymbols s = verify(o, o.proof());
        assertTrue(trueOn(s, other));
        assertFalse(trueOn(s, held), "the symbols of other parts are a false claim on the parts the other commitment holds");
    }

    @Test
    void everyFlippedByteIsRejectedOrLeavesAFalseClaim() throws Exception {
        PcsParameters p = params();
        SplittableRandom rnd = new SplittableRandom(33);
        WhirProver prover = new WhirProver(p);
        PcsProver.Committed c = prover.commit(WhirZeroKnowledgeTest.maskFreeTable(rnd, p), N, new SecureRandom());
        long[][] parts = WhirZeroKnowledgeTest.parts(rnd, p);
        Opening o = open(prover, c, rnd, parts);
        for (int i = 0; i < o.proof().length; i++) {
            byte[] bad = o.proof().clone();
            bad[i] ^= 0x01;
            WhirProtocol.MaskSymbols s;
            try {
                s = verify(o, bad);
            } catch (InvalidProofException e) {
                continue;
            }
            assertFalse(trueOn(s, parts), "byte " + i + " flipped: accepted with true claims on the mask parts");
        }
        for (int cut = 1; cut <= 40; cut++) {
            byte[] shortProof = Arrays.copyOf(o.proof(), o.proof().length - cut);
            assertThrows(InvalidProofException.class, () -> verify(o, shortProof));
        }
    }
}

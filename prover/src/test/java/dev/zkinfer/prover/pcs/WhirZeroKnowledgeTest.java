package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.pcs.BlockWeight;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.MonomialWeights;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.PowerWeights;
import dev.zkinfer.pcs.WeightedClaim;
import dev.zkinfer.pcs.WhirProtocol;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hiding WHIR (docs/zero-knowledge.md §3.3): ZK openings verify, a cheating prover is caught,
 * fresh randomness gives fresh proofs, and, with programmed challenges, everything an opening
 * reveals is a function of the prover's masks that does not depend on the polynomial beyond the
 * claimed values.
 */
class WhirZeroKnowledgeTest {
    /** A statement with its opening. */
    record Statement(PcsParameters params, byte[] root, List<EvaluationClaim> claims, List<WeightedClaim> weighted, byte[] proof) {}

    /** A random table with its hiding mask block left empty. */
    static long[] maskFreeTable(SplittableRandom rnd, PcsParameters p) {
        long[] t = WhirTestSupport.randomTable(rnd, p.numVars());
        Arrays.fill(t, t.length - p.zkMaskSize(), t.length, 0);
        return t;
    }

    /** Random points in the lower half of the hypercube (last coordinate 0), clear of the mask block. */
    static List<Ext3[]> lowerHalfPoints(SplittableRandom rnd, int n, int count) {
        List<Ext3[]> pts = WhirTestSupport.randomPoints(rnd, n, count);
        for (Ext3[] p : pts) {
            p[n - 1] = Ext3.ZERO;
        }
        return pts;
    }

    static Statement prove(PcsParameters params, WhirProver prover, PcsProver.Committed c, List<Ext3[]> points,
            List<BlockWeight> weights, List<Long> blocks, Transcript t) {
        return prove(params, prover, c, points, weights, blocks, null, t);
    }

    /** An opening; for a commitment of several openings, with the mask polynomial's parts {@code parts} when non-null. */
    static Statement prove(PcsParameters params, WhirProver prover, PcsProver.Committed c, List<Ext3[]> points,
            List<BlockWeight> weights, List<Long> blocks, long[][] parts, Transcript t) {
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        List<EvaluationClaim> ood = prover.outOfDomain(c, out, t);
        List<Ext3> values = new ArrayList<>();
        List<EvaluationClaim> claims = new ArrayList<>();
        for (Ext3[] z : points) {
            Ext3 v = prover.evaluate(c, z);
            values.add(v);
            claims.add(new EvaluationClaim(z, v));
        }
        List<WeightedClaim> weighted = new ArrayList<>();
        for (int j = 0; j < weights.size(); j++) {
            weighted.add(new WeightedClaim(weights.get(j), blocks.get(j), prover.weightedSum(c, weights.get(j), blocks.get(j))));
        }
        if (parts != null) {
            prover.open(c, ood, points, values, weighted, seeded(5), parts, new byte[MerkleHash.SALT_BYTES << params.logLeaves(0)],
                    out, t);
        } else {
            prover.open(c, ood, points, values, weighted, out, t);
        }
        return new Statement(params, c.root(), claims, weighted, out.toByteArray());
    }

    static Statement prove(PcsParameters params, long[] table, List<Ext3[]> points, List<BlockWeight> weights, List<Long> blocks,
            SecureRandom random) {
        WhirProver prover = new WhirProver(params);
        PcsProver.Committed c = prover.commit(table, params.numVars(), random);
        return prove(params, prover, c, points, weights, blocks, new Sha256Transcript(WhirTestSupport.TAG));
    }

    static void verify(Statement s, byte[] root, List<EvaluationClaim> claims, List<WeightedClaim> weighted, byte[] proof,
            Transcript t) throws InvalidProofException {
        t.absorbBytes("root", root);
        ProofReader r = new ProofReader(proof);
        WhirVerifier v = new WhirVerifier(s.params());
        List<EvaluationClaim> ood = v.readOutOfDomain(root, r, t);
        v.verifyOpening(root, s.params().numVars(), ood, claims, weighted, r, t);
        r.finish();
    }

    static void verify(Statement s, List<EvaluationClaim> claims, List<WeightedClaim> weighted, byte[] proof)
            throws InvalidProofException {
        verify(s, s.root(), claims, weighted, proof, new Sha256Transcript(WhirTestSupport.TAG));
    }

    static void verify(Statement s) throws InvalidProofException {
        verify(s, s.claims(), s.weighted(), s.proof());
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- small parameters for the rejection suite and the simulation ----

    static final int SMALL_N = 11;
    static PcsParameters small;
    static Statement smallHonest;
    static long[] smallTable;

    @BeforeAll
    static void proveSmall() {
        small = PcsParameters.insecureForTests(SMALL_N, 2, 3, 2, 1).withZeroKnowledge();
        // every message kind: committed rounds, out-of-domain samples, a final polynomial and sumcheck; the small mask polynomial
        assertTrue(small.numRounds() == 3 && small.finalVars() == 2 && small.oodSamples() == 1 && small.zkMaskWidth() == 3,
                small.toString());
        SplittableRandom rnd = new SplittableRandom(11);
        smallTable = maskFreeTable(rnd, small);
        smallHonest = prove(small, smallTable.clone(), lowerHalfPoints(rnd, SMALL_N, 2),
                List.of(new PowerWeights(WhirTestSupport.randomPoints(rnd, 3, 1).get(0), 3)), List.of(1L), new SecureRandom());
        assertDoesNotThrow(() -> verify(smallHonest));
    }

    @Test
    void parametersBindTheModeAndReportTheMask() {
        PcsParameters plain = PcsParameters.forSecurity(100, 16);
        PcsParameters zk = plain.withZeroKnowledge();
        assertEquals(2, plain.encode()[0], "integrity mode keeps its encoding");
        assertEquals(0, plain.zkMaskSize());
        assertEquals(4, zk.encode()[0]);
        assertNotEquals(plain, zk);
        int mu = zk.zkMaskSize();
        assertTrue(Integer.bitCount(mu) == 1 && mu >= zk.zkRevealedSymbols() && mu < 2 * zk.zkRevealedSymbols(), zk.toString());
        long[] enc = zk.encode();
        assertEquals(1, enc[enc.length - 3]);
        assertEquals(mu, enc[enc.length - 2]);
        assertEquals(zk.zkMaskWidth(), enc[enc.length - 1]);
        // several openings: the mask block covers T·(t_0·2^k_0 + 3·ood) + 3·ood symbols, and the mode binds T
        PcsParameters big = PcsParameters.forSecurity(100, 22);
        PcsParameters fixed = big.withZeroKnowledge(1024);
        assertEquals(1024, fixed.zkOpenings());
        assertTrue(fixed.zkSeparateMask() && !big.withZeroKnowledge().zkSeparateMask());
        long perOpening = ((long) big.queries(0) << big.foldVars(0)) + 3L * big.oodSamples();
        assertEquals(1024 * perOpening + 3L * big.oodSamples(), fixed.zkRevealedSymbols());
        assertTrue(fixed.zkMaskSize() >= fixed.zkRevealedSymbols() && fixed.zkMaskSize() <= 1 << 21, fixed.toString());
        assertNotEquals(fixed, big.withZeroKnowledge(1023));
        assertTrue(big.maxZkOpenings() >= 1024 && fixed.securityBits() >= 100, big.maxZkOpenings() + " " + fixed);
        // a model too small for T openings says how many fit
        PcsParameters n20 = PcsParameters.forSecurity(100, 20);
        int max = n20.maxZkOpenings();
        assertTrue(max > 1 && max < 1024, "n = 20 holds " + max);
        assertDoesNotThrow(() -> n20.withZeroKnowledge(max));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> n20.withZeroKnowledge(max + 1));
        assertTrue(tooMany.getMessage().contains("at most " + max + " openings"), tooMany.getMessage());
        // large polynomials get the small mask polynomial (3 symbols per round-0 leaf), small ones the full one
        assertEquals(3, n20.withZeroKnowledge().zkMaskWidth());
        assertEquals(1 << PcsParameters.forSecurity(100, 12).foldVars(0), PcsParameters.forSecurity(100, 12).withZeroKnowledge().zkMaskWidth());
        assertTrue(zk.securityBits() >= 100, zk.toString());
        assertTrue(zk.soundnessBits().stream().anyMatch(term -> term.component().contains("hiding")));
        assertThrows(IllegalArgumentException.class, () -> PcsParameters.forSecurity(100, 6).withZeroKnowledge(),
                "a polynomial too small for its mask is refused");
        // the named profiles keep their provable bits in hiding mode wherever the mask fits
        for (int bits : new int[] {100, 128}) {
            for (int n = 12; n <= PcsParameters.MAX_NUM_VARS; n++) {
                PcsParameters p = PcsParameters.forSecurity(bits, n);
                if (p.withZeroKnowledgeFits()) {
                    PcsParameters z = p.withZeroKnowledge();
                    assertTrue(z.securityBits() >= bits, z.toString());
                    assertTrue(z.zkMaskSize() <= 1 << (n - 1));
                }
            }
            assertTrue(PcsParameters.forSecurity(bits, 14).withZeroKnowledgeFits());
        }
    }

    @Test
    void zkOpeningsOfEvaluationAndWeightedClaimsVerifyAtTheDefaultProfile() throws Exception {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int n : new int[] {12, 14}) {
            PcsParameters params = PcsParameters.forSecurity(100, n).withZeroKnowledge();
            long[] table = maskFreeTable(rnd, params);
            List<BlockWeight> weights = List.of(new PowerWeights(WhirTestSupport.randomPoints(rnd, 5, 1).get(0), 4),
                    new MonomialWeights(WhirTestSupport.randomPoints(rnd, 2, 1).get(0), new int[] {3, 2}));
            Statement s = prove(params, table, lowerHalfPoints(rnd, n, 2), weights, List.of(3L, 7L), new SecureRandom());
            verify(s);
            // the claims are about the caller's values: the filled mask block does not enter them
            assertEquals(dev.zkinfer.poly.Mle.evaluate(Arrays.copyOf(table, table.length - params.zkMaskSize()),
                    s.claims().get(0).point()), s.claims().get(0).value());
            // evaluation claims alone, and weighted claims alone
            verify(prove(params, maskFreeTable(rnd, params), lowerHalfPoints(rnd, n, 1), List.of(), List.of(), new SecureRandom()));
            verify(prove(params, maskFreeTable(rnd, params), List.of(), weights, List.of(0L, 1L), new SecureRandom()));
        }
    }

    /** With the masks and salts fixed, the scalar and vector backends write the same hiding opening. */
    @Test
    void backendsWriteIdenticalHidingOpeningsForFixedMasks() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 12;
        PcsParameters params = PcsParameters.forSecurity(100, n).withZeroKnowledge();
        long[] table = maskFreeTable(rnd, params);
        for (int b = table.length - params.zkMaskSize(); b < table.length; b++) {
            table[b] = Goldilocks.reduce(rnd.nextLong());
        }
        long[][] g = parts(rnd, params);
        byte[] salts = new byte[MerkleHash.SALT_BYTES << params.logLeaves(0)];
        List<Ext3[]> points = lowerHalfPoints(rnd, n, 2);
        List<byte[]> proofs = new ArrayList<>();
        for (dev.zkinfer.prover.backend.Backend backend : List.of(dev.zkinfer.prover.backend.Backends.scalar(),
                dev.zkinfer.prover.backend.Backends.vector())) {
            WhirProver prover = new WhirProver(params, backend);
            PcsProver.Committed c = prover.commitHiding(table.clone(), g, salts, seeded(4));
            Statement s = prove(params, prover, c, points, List.of(), List.of(), new Sha256Transcript(WhirTestSupport.TAG));
            verify(s);
            proofs.add(s.proof());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(proofs.get(0), proofs.get(1));
    }

    @Test
    void twoZkOpeningsOfTheSamePolynomialDiffer() {
        SplittableRandom rnd = new SplittableRandom(2);
        List<Ext3[]> points = lowerHalfPoints(rnd, SMALL_N, 1);
        Statement a = prove(small, smallTable.clone(), points, List.of(), List.of(), new SecureRandom());
        Statement b = prove(small, smallTable.clone(), points, List.of(), List.of(), new SecureRandom());
        assertEquals(a.claims().get(0).value(), b.claims().get(0).value());
        assertFalse(Arrays.equals(a.root(), b.root()));
        assertFalse(Arrays.equals(a.proof(), b.proof()));
        assertDoesNotThrow(() -> verify(a));
        assertDoesNotThrow(() -> verify(b));
    }

    private static void assertRejected(Statement s, byte[] root, List<EvaluationClaim> claims, List<WeightedClaim> weighted,
            byte[] proof) {
        InvalidProofException e = assertThrows(InvalidProofException.class,
                () -> verify(s, root, claims, weighted, proof, new Sha256Transcript(WhirTestSupport.TAG)));
        assertFalse(e.getMessage() == null || e.getMessage().isBlank());
    }

    @Test
    void rejectsWrongValuesAnotherRootAndTheOtherMode() {
        Statement s = smallHonest;
        EvaluationClaim c = s.claims().get(1);
        List<EvaluationClaim> wrong = List.of(s.claims().get(0), new EvaluationClaim(c.point(), c.value().add(Ext3.ONE)));
        assertRejected(s, s.root(), wrong, s.weighted(), s.proof());
        WeightedClaim wc = s.weighted().get(0);
        assertRejected(s, s.root(), s.claims(), List.of(new WeightedClaim(wc.weight(), wc.block(), wc.value().add(Ext3.ONE))),
                s.proof());
        byte[] root = s.root().clone();
        root[5] ^= 4;
        assertRejected(s, root, s.claims(), s.weighted(), s.proof());
        Statement other = prove(small, smallTable.clone(), s.claims().stream().map(EvaluationClaim::point).toList(),
                List.of(wc.weight()), List.of(wc.block()), new SecureRandom());
        assertRejected(s, s.root(), s.claims(), s.weighted(), other.proof());
        // the same proof read with integrity-mode parameters of the same shape
        Statement plain = new Statement(PcsParameters.insecureForTests(SMALL_N, 2, 3, 2, 1), s.root(), s.claims(), s.weighted(), s.proof());
        assertThrows(InvalidProofException.class, () -> verify(plain));
    }

    @Test
    void claimsOnTheMaskBlockAreRefusedByProverAndVerifier() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Ext3[]> full = WhirTestSupport.randomPoints(rnd, SMALL_N, 1);
        assertThrows(IllegalArgumentException.class,
                () -> prove(small, maskFreeTable(rnd, small), full, List.of(), List.of(), new SecureRandom()));
        Statement s = smallHonest;
        assertRejected(s, s.root(), List.of(new EvaluationClaim(full.get(0), Ext3.ONE)), s.weighted(), s.proof());
        BlockWeight top = new MonomialWeights(WhirTestSupport.randomPoints(rnd, 1, 1).get(0), new int[] {2});
        long lastBlock = (1L << (SMALL_N - top.numVars())) - 1;
        assertRejected(s, s.root(), s.claims(), List.of(new WeightedClaim(top, lastBlock, Ext3.ONE)), s.proof());
        long[] dirty = maskFreeTable(rnd, small);
        dirty[dirty.length - 1] = 5;
        assertThrows(IllegalArgumentException.class, () -> new WhirProver(small).commit(dirty, SMALL_N, new SecureRandom()));
        assertThrows(IllegalStateException.class, () -> new WhirProver(small).commit(maskFreeTable(rnd, small), SMALL_N));
    }

    /** The masks cover one opening: a second one (h' = ρ'·f + g next to h = ρ·f + g) would give f away, so it is refused. */
    @Test
    void aHidingCommitmentIsOpenedOnce() {
        SplittableRandom rnd = new SplittableRandom(4);
        WhirProver prover = new WhirProver(small);
        PcsProver.Committed c = prover.commit(maskFreeTable(rnd, small), SMALL_N, new SecureRandom());
        List<Ext3[]> points = lowerHalfPoints(rnd, SMALL_N, 1);
        prove(small, prover, c, points, List.of(), List.of(), new Sha256Transcript(WhirTestSupport.TAG));
        assertThrows(IllegalStateException.class,
                () -> prove(small, prover, c, points, List.of(), List.of(), new Sha256Transcript(WhirTestSupport.TAG)));
    }

    @Test
    void rejectsEverySingleByteFlipAndTruncation() {
        Statement s = smallHonest;
        byte[] proof = s.proof();
        assertEveryFlipAndTruncationRejected(s);
        assertRejected(s, s.root(), s.claims(), s.weighted(), Arrays.copyOf(proof, proof.length + 1));
    }

    @Test
    void rejectsAWrongSaltOfEveryOpenedLeaf() throws Exception {
        Statement s = smallHonest;
        // locate the salts by reading the proof as the verifier does (programmed challenges are not
        // needed: the indices come from the real transcript's replay)
        View v = View.read(small, s.proof(), s.root(), s.claims(), s.weighted(), () -> new Sha256Transcript(WhirTestSupport.TAG));
        assertFalse(v.saltOffsets.isEmpty());
        for (int at : v.saltOffsets) {
            byte[] bad = s.proof().clone();
            bad[at + 3] ^= 0x40;
            assertRejected(s, s.root(), s.claims(), s.weighted(), bad);
        }
    }

    /**
     * With the salted leaf hashed in one message (proof version 21), a verifier that checks the
     * salted digest rejects: the salts of two opened leaves of one tree swapped (each salt is bound to
     * its leaf, not only to the set of salts), and an opened leaf value changed to another canonical
     * value under its own salt; both at the Merkle check of that tree. For one opening (f's leaves with
     * the mask symbols) and for a fixed commitment's opening (f's tree and the mask's own tree).
     */
    @Test
    void rejectsSwappedSaltsAndChangedLeafValuesAtTheMerkleCheck() throws Exception {
        PcsParameters p = multi();
        SplittableRandom rnd = new SplittableRandom(23);
        WhirProver prover = new WhirProver(p);
        PcsProver.Committed c = prover.commit(maskFreeTable(rnd, p), SMALL_N, new SecureRandom());
        Statement fixed = prove(p, prover, c, lowerHalfPoints(rnd, SMALL_N, 2), List.of(), List.of(), null,
                new Sha256Transcript(WhirTestSupport.TAG));
        verify(fixed);
        int swaps = 0, changes = 0;
        for (Statement s : List.of(smallHonest, fixed)) {
            View v = View.read(s.params(), s.proof(), s.root(), s.claims(), s.weighted(), () -> new Sha256Transcript(WhirTestSupport.TAG));
            assertTrue(v.trees.size() == s.params().numRounds() + (s.params().zkSeparateMask() ? 1 : 0), v.trees.size() + " trees");
            for (int[] tree : v.trees) {
                int leafAt = tree[0], count = tree[1], leafLongs = tree[2], saltAt = tree[3];
                if (count > 1) {
                    byte[] bad = s.proof().clone();
                    int a = saltAt, b = saltAt + MerkleHash.SALT_BYTES * (count - 1);
                    System.arraycopy(s.proof(), a, bad, b, MerkleHash.SALT_BYTES);
                    System.arraycopy(s.proof(), b, bad, a, MerkleHash.SALT_BYTES);
                    assertRejectedAtMerkleCheck(s, bad);
                    swaps++;
                }
                for (int q = 0; q < count; q++) {
                    // the last value of leaf q, plus one (mod p): still a canonical field element
                    int at = leafAt + 8 * (q * leafLongs + leafLongs - 1);
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(s.proof().clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    buf.putLong(at, dev.zkinfer.field.Goldilocks.add(buf.getLong(at), 1));
                    assertRejectedAtMerkleCheck(s, buf.array());
                    changes++;
                }
            }
        }
        assertTrue(swaps >= 3 && changes > 2 * p.queries(0), swaps + " swaps, " + changes + " changed values");
    }

    private static void assertRejectedAtMerkleCheck(Statement s, byte[] proof) {
        InvalidProofException e = assertThrows(InvalidProofException.class,
                () -> verify(s, s.root(), s.claims(), s.weighted(), proof, new Sha256Transcript(WhirTestSupport.TAG)));
        assertTrue(e.getMessage().contains("Merkle opening does not match the committed root"), e.getMessage());
    }

    /** c uniform parts S_a of a mask polynomial for {@code p}. */
    static long[][] parts(SplittableRandom rnd, PcsParameters p) {
        long[][] parts = new long[p.zkMaskWidth()][];
        for (int a = 0; a < parts.length; a++) {
            parts[a] = WhirTestSupport.randomTable(rnd, p.zkMaskVars());
        }
        return parts;
    }

    // ---- one commitment, several openings (docs/zero-knowledge.md §5) ----

    static PcsParameters multi() {
        return PcsParameters.insecureForTests(SMALL_N, 2, 3, 2, 1).withZeroKnowledge(3);
    }

    @Test
    void severalOpeningsOfOneFixedCommitmentVerifyAndAreRefusedBeyondTheirCount() throws Exception {
        PcsParameters p = multi();
        SplittableRandom rnd = new SplittableRandom(21);
        WhirProver prover = new WhirProver(p);
        long[] table = maskFreeTable(rnd, p);
        PcsProver.Committed c = prover.commit(table, SMALL_N, new SecureRandom());
        BlockWeight weight = new PowerWeights(WhirTestSupport.randomPoints(rnd, 3, 1).get(0), 3);
        List<Statement> openings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // each proof has its own claims on the fixed polynomial and its own transcript
            Statement s = prove(p, prover, c, lowerHalfPoints(rnd, SMALL_N, 2), List.of(weight), List.of((long) i), null,
                    new Sha256Transcript(WhirTestSupport.TAG));
            verify(s);
            openings.add(s);
        }
        assertArrayEquals(openings.get(0).root(), openings.get(2).root());
        assertThrows(IllegalStateException.class, () -> prove(p, prover, c, lowerHalfPoints(rnd, SMALL_N, 1), List.of(), List.of(),
                null, new Sha256Transcript(WhirTestSupport.TAG)), "a fourth opening exceeds the mask block");
        // the same claims opened twice give different proofs (fresh mask polynomials)
        WhirProver again = new WhirProver(p);
        PcsProver.Committed c2 = again.commit(maskFreeTable(new SplittableRandom(5), p), SMALL_N, new SecureRandom());
        List<Ext3[]> pts = lowerHalfPoints(rnd, SMALL_N, 1);
        Statement a = prove(p, again, c2, pts, List.of(), List.of(), null, new Sha256Transcript(WhirTestSupport.TAG));
        Statement b = prove(p, again, c2, pts, List.of(), List.of(), null, new Sha256Transcript(WhirTestSupport.TAG));
        assertEquals(a.claims().get(0).value(), b.claims().get(0).value());
        assertFalse(Arrays.equals(a.proof(), b.proof()));
        verify(a);
        verify(b);
    }

    @Test
    void openingsOfAFixedCommitmentRejectTamperingOfEveryByte() throws Exception {
        PcsParameters p = multi();
        SplittableRandom rnd = new SplittableRandom(22);
        WhirProver prover = new WhirProver(p);
        PcsProver.Committed c = prover.commit(maskFreeTable(rnd, p), SMALL_N, new SecureRandom());
        Statement s = prove(p, prover, c, lowerHalfPoints(rnd, SMALL_N, 2),
                List.of(new PowerWeights(WhirTestSupport.randomPoints(rnd, 3, 1).get(0), 3)), List.of(1L), null,
                new Sha256Transcript(WhirTestSupport.TAG));
        verify(s);
        byte[] proof = s.proof();
        assertEveryFlipAndTruncationRejected(s);
        EvaluationClaim cl = s.claims().get(0);
        assertRejected(s, s.root(), List.of(new EvaluationClaim(cl.point(), cl.value().add(Ext3.ONE)), s.claims().get(1)),
                s.weighted(), proof);
        // read as a one-opening commitment (or another opening count) of the same shape, it fails
        for (PcsParameters other : new PcsParameters[] {small, PcsParameters.insecureForTests(SMALL_N, 2, 3, 2, 1).withZeroKnowledge(4)}) {
            Statement o = new Statement(other, s.root(), s.claims(), s.weighted(), proof);
            assertThrows(InvalidProofException.class, () -> verify(o));
        }
        // every salt of both trees' opened leaves is checked
        View v = View.read(p, proof, s.root(), s.claims(), s.weighted(), () -> new Sha256Transcript(WhirTestSupport.TAG));
        assertTrue(v.saltOffsets.size() > 2 * p.queries(0) - 2);
        for (int at : v.saltOffsets) {
            byte[] bad = proof.clone();
            bad[at + 1] ^= 0x08;
            assertRejected(s, s.root(), s.claims(), s.weighted(), bad);
        }
    }

    // ---- the simulation, made executable ----

    /**
     * The field elements an opening reveals (out-of-domain answers, the mask sum, sumcheck
     * messages, opened leaves of f and of the mask polynomial, the final polynomial), read in the
     * verifier's order, and the positions of the leaf salts. The query indices are replayed on a
     * transcript from {@code transcripts}, which must give the challenges the opening was made with.
     */
    static final class View {
        final List<Long> values = new ArrayList<>();
        final List<Integer> saltOffsets = new ArrayList<>();
        /** Per tree opening (in proof order): {offset of its first leaf, leaves, longs per leaf, offset of its first salt}. */
        final List<int[]> trees = new ArrayList<>();

        static View read(PcsParameters p, byte[] proof, byte[] root, List<EvaluationClaim> claims, List<WeightedClaim> weighted,
                Supplier<Transcript> transcripts) throws InvalidProofException {
            // the real verifier accepts it under these challenges, and replaying its transcript gives the indices
            Transcript t = transcripts.get();
            IndexRecorder rec = new IndexRecorder(t);
            t.absorbBytes("root", root);
            ProofReader r = new ProofReader(proof);
            WhirVerifier verifier = new WhirVerifier(p);
            verifier.verifyOpening(root, p.numVars(), verifier.readOutOfDomain(root, r, rec), claims, weighted, r, rec);
            r.finish();

            boolean separate = p.zkSeparateMask();
            int c = p.zkMaskWidth();
            View v = new View();
            ProofReader in = new ProofReader(proof);
            if (separate) {
                v.exts(in, p.oodSamples()); // f̂(ζ) at the commitment's samples
                in.bytes("mask root", 32);
            }
            v.exts(in, 2 * p.oodSamples() + 1); // f̂(ζ), ĝ(ζ) per sample; the mask sum
            for (int i = 0; i < p.numRounds(); i++) {
                int k = p.foldVars(i);
                v.exts(in, 3 * k);
                boolean last = i == p.numRounds() - 1;
                if (!last) {
                    in.bytes("root", 32);
                    v.exts(in, p.oodSamples());
                } else {
                    v.exts(in, 1 << p.finalVars());
                }
                if (p.powBits() > 0) {
                    in.u64("nonce");
                }
                int[] idx = rec.indices.get(i);
                int leafLongs = (i == 0 ? 1 : 3) << k;
                if (i == 0 && !separate) {
                    leafLongs += c;
                }
                v.leaves(in, idx, leafLongs, p.logLeaves(i));
                if (i == 0 && separate) {
                    v.leaves(in, idx, c, p.logLeaves(0));
                }
            }
            v.exts(in, 3 * p.finalVars());
            in.finish();
            return v;
        }

        private void leaves(ProofReader in, int[] idx, int leafLongs, int depth) throws InvalidProofException {
            trees.add(new int[] {in.position(), idx.length, leafLongs, in.position() + 8 * idx.length * leafLongs});
            for (long x : in.bases("leaves", idx.length * leafLongs)) {
                values.add(x);
            }
            for (int q = 0; q < idx.length; q++) {
                saltOffsets.add(in.position());
                in.bytes("salt", MerkleHash.SALT_BYTES);
            }
            in.bytes("siblings", 32 * siblings(idx, depth));
        }

        private void exts(ProofReader in, int count) throws InvalidProofException {
            for (long x : in.exts("view", count)) {
                values.add(x);
            }
        }

        long[] vector() {
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        /** The number of sibling digests of a compressed multi-path opening (MerkleVerifier's walk). */
        static int siblings(int[] indices, int depth) {
            int[] idx = indices.clone();
            int count = idx.length, sent = 0;
            for (int level = 0; level < depth; level++) {
                int out = 0;
                for (int i = 0; i < count; ) {
                    int node = idx[i];
                    if ((node & 1) == 0 && i + 1 < count && idx[i + 1] == node + 1) {
                        i += 2;
                    } else {
                        sent++;
                        i++;
                    }
                    idx[out++] = node >>> 1;
                }
                count = out;
            }
            return sent;
        }
    }

    /** A transcript that forwards everything and records the (sorted, distinct) query indices of each round. */
    static final class IndexRecorder implements Transcript {
        final Transcript t;
        final List<int[]> indices = new ArrayList<>();

        IndexRecorder(Transcript t) {
            this.t = t;
        }

        @Override public void domain(String tag) { t.domain(tag); }
        @Override public void absorbBytes(String l, byte[] d) { t.absorbBytes(l, d); }
        @Override public void absorbLongs(String l, long[] v) { t.absorbLongs(l, v); }
        @Override public void absorbExt(String l, Ext3 v) { t.absorbExt(l, v); }
        @Override public void absorbExts(String l, long[] a, int f, int c) { t.absorbExts(l, a, f, c); }
        @Override public long challengeBase(String l) { return t.challengeBase(l); }
        @Override public Ext3 challengeExt(String l) { return t.challengeExt(l); }
        @Override public byte[] challengeBytes(String l, int c) { return t.challengeBytes(l, c); }

        @Override
        public int[] challengeIndices(String l, int c, int b) {
            int[] out = t.challengeIndices(l, c, b);
            if (l.equals(WhirProtocol.QUERIES)) {
                indices.add(Arrays.stream(out).sorted().distinct().toArray());
            }
            return out;
        }
    }

    /**
     * The masks of a hiding commitment and its openings: the filled mask block of f and, per
     * opening, the parts of its mask polynomial (with one opening: the parts in the commitment's leaves).
     */
    record Masks(long[] block, long[][][] parts) {
        Masks with(int opening, int part, int i) {
            long[][][] ps = new long[parts.length][][];
            for (int o = 0; o < ps.length; o++) {
                ps[o] = parts[o].clone();
            }
            ps[opening][part] = ps[opening][part].clone();
            ps[opening][part][i] = Goldilocks.add(ps[opening][part][i], 1);
            return new Masks(block, ps);
        }

        Masks withBlock(int i) {
            long[] b = block.clone();
            b[i] = Goldilocks.add(b[i], 1);
            return new Masks(b, parts);
        }
    }

    /** One opening's claims: evaluation points and one weighted claim. */
    record Claims(List<Ext3[]> points, BlockWeight weight, long block) {}

    /**
     * The revealed field elements of the openings of {@code table} (mask block empty), one per
     * entry of {@code claims}, opening j with challenges programmed by seed + j, concatenated: a
     * linear function of (table, masks). With {@code p} for one opening and several claims, each
     * opening is of a fresh commitment made with the same masks (what a second opening of one
     * commitment with one mask polynomial would reveal).
     */
    static long[] view(PcsParameters p, long[] table, Masks m, List<Claims> claims, long seed) throws Exception {
        int mu = p.zkMaskSize();
        long[] t = table.clone();
        System.arraycopy(m.block(), 0, t, t.length - mu, mu);
        byte[] salts = new byte[MerkleHash.SALT_BYTES << p.logLeaves(0)];
        WhirProver prover = new WhirProver(p);
        PcsProver.Committed c = p.zkSeparateMask() ? prover.commitHiding(t.clone(), null, salts, seeded(1)) : null;
        List<Long> all = new ArrayList<>();
        for (int j = 0; j < claims.size(); j++) {
            Claims cl = claims.get(j);
            long[][] parts = p.zkSeparateMask() ? m.parts()[j] : null;
            PcsProver.Committed cj = c != null ? c : prover.commitHiding(t.clone(), m.parts()[0], salts, seeded(1));
            Statement s = prove(p, prover, cj, cl.points(), List.of(cl.weight()), List.of(cl.block()), parts,
                    new ProgrammedTranscript(seed + j));
            long sj = seed + j;
            for (long x : View.read(p, s.proof(), s.root(), s.claims(), s.weighted(), () -> new ProgrammedTranscript(sj)).vector()) {
                all.add(x);
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    static long[] sub(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = Goldilocks.sub(a[i], b[i]);
        }
        return d;
    }

    /** The claims as base-field functionals on the table: 3 rows per claim. */
    static List<long[]> claimRows(int size, List<Claims> claims) {
        List<long[]> rows = new ArrayList<>();
        for (Claims cl : claims) {
            for (Ext3[] z : cl.points()) {
                long[] eq = dev.zkinfer.poly.Mle.eqTable(z);
                for (int j = 0; j < 3; j++) {
                    long[] row = new long[size];
                    for (int b = 0; b < size; b++) {
                        row[b] = eq[3 * b + j];
                    }
                    rows.add(row);
                }
            }
        }
        // one weighted claim, the same in every opening
        Claims first = claims.get(0);
        long[] w = first.weight().table();
        for (int j = 0; j < 3; j++) {
            long[] row = new long[size];
            for (int b = 0; b < (1 << first.weight().numVars()); b++) {
                row[(int) (first.block() << first.weight().numVars()) + b] = w[3 * b + j];
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * With programmed challenges, the openings' revealed values are V = A·f + B·m for the table f
     * and the masks m (the mask block of f, the mask polynomials' parts). The view does not depend
     * on f beyond the claimed values iff A·d lies in the span of B for every d that keeps the
     * claims (then V for uniform m is uniform on A·f + span(B), the same set for every such f).
     * Returns, for random claim-keeping directions d, whether A·d is in span(B), in span(B
     * restricted to the mask block), and whether a claim-changing direction is in span(B).
     */
    static boolean[] simulation(PcsParameters p, int openings, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = p.numVars(), size = 1 << n, mu = p.zkMaskSize();
        long[] f = maskFreeTable(rnd, p);
        PowerWeights weight = new PowerWeights(WhirTestSupport.randomPoints(rnd, 2, 1).get(0), 3); // 2+1+2 = 5 variables
        List<Claims> claims = new ArrayList<>();
        for (int j = 0; j < openings; j++) {
            claims.add(new Claims(lowerHalfPoints(rnd, n, 1), weight, 2)); // the weighted block: entries [64, 96)
        }
        int distinctParts = p.zkSeparateMask() ? openings : 1;
        long[][][] parts = new long[openings][][];
        for (int j = 0; j < openings; j++) {
            parts[j] = j < distinctParts ? parts(rnd, p) : parts[0];
        }
        Masks m = new Masks(WhirTestSupport.randomTable(rnd, Integer.numberOfTrailingZeros(mu)), parts);
        long[] v0 = view(p, f, m, claims, seed);

        // B: one column per mask coordinate
        Span withG = new Span(v0.length), blockOnly = new Span(v0.length);
        for (int i = 0; i < mu; i++) {
            long[] col = sub(view(p, f, m.withBlock(i), claims, seed), v0);
            withG.add(col);
            blockOnly.add(col);
        }
        for (int j = 0; j < distinctParts; j++) {
            for (int a = 0; a < p.zkMaskWidth(); a++) {
                for (int i = 0; i < 1 << p.zkMaskVars(); i++) {
                    withG.add(sub(view(p, f, m.with(j, a, i), claims, seed), v0));
                }
            }
        }
        List<long[]> rows = claimRows(size, claims);
        // correction coordinates inside the claims' support: three in the weighted block, the others elsewhere in the lower half
        int[] fix = Arrays.copyOf(new int[] {64, 65, 66, 3, 17, 40, 100, 130, 200, 5, 9, 21}, rows.size());
        boolean[] out = {true, false, false};
        for (int rep = 0; rep < 2; rep++) {
            long[] d = new long[size];
            for (int b = 0; b < size - mu; b++) {
                d[b] = Goldilocks.reduce(rnd.nextLong());
            }
            keepClaims(d, rows, fix);
            long[] ad = sub(view(p, add(f, d), m, claims, seed), v0);
            out[0] &= withG.contains(ad);
            out[1] |= blockOnly.contains(ad);
        }
        long[] d = new long[size];
        d[5] = 1;
        out[2] = withG.contains(sub(view(p, add(f, d), m, claims, seed), v0));
        return out;
    }

    /** The simulation check's parameters: two committed rounds of two variables... and the small mask polynomial. */
    static PcsParameters rankShape() {
        return PcsParameters.insecureForTests(9, 2, 2, 2, 1);
    }

    @Test
    void revealedValuesAreUniformAndIndependentOfThePolynomialBeyondTheClaims() throws Exception {
        PcsParameters p = rankShape().withZeroKnowledge();
        assertEquals(3, p.zkMaskWidth(), p.toString());
        boolean[] r = simulation(p, 1, 77);
        assertTrue(r[0], "a claim-keeping change of the polynomial is visible in the opening");
        assertFalse(r[1], "control: without the mask polynomial the opening reveals the polynomial");
        assertFalse(r[2], "control: a change of a claimed value is not masked");
    }

    /** Two openings of one commitment, each with its own mask polynomial, reveal nothing beyond their claims together. */
    @Test
    void twoOpeningsOfOneCommitmentRevealNothingBeyondTheirClaims() throws Exception {
        PcsParameters p = rankShape().withZeroKnowledge(2);
        assertTrue(p.zkSeparateMask() && p.zkMaskWidth() == 3, p.toString());
        boolean[] r = simulation(p, 2, 78);
        assertTrue(r[0], "two openings together reveal a claim-keeping change of the polynomial");
        assertFalse(r[1], "control: without the mask polynomials the openings reveal the polynomial");
        assertFalse(r[2], "control: a change of a claimed value is not masked");
    }

    /** Control: the one-opening form opened twice (one mask polynomial for both) gives the polynomial away. */
    @Test
    void theOneOpeningFormWouldLeakWithTwoOpenings() throws Exception {
        PcsParameters p = rankShape().withZeroKnowledge();
        boolean[] r = simulation(p, 2, 79);
        assertFalse(r[0], "two openings with one mask polynomial must reveal the polynomial beyond the claims");
    }

    static long[] add(long[] a, long[] b) {
        long[] s = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = Goldilocks.add(a[i], b[i]);
        }
        return s;
    }

    /** Changes d on the coordinates {@code fix} so that every row·d = 0 (Gauss–Jordan on the square system). */
    static void keepClaims(long[] d, List<long[]> rows, int[] fix) {
        int c = rows.size();
        long[][] a = new long[c][c + 1];
        for (int r = 0; r < c; r++) {
            long[] row = rows.get(r);
            long rest = 0;
            for (int b = 0; b < d.length; b++) {
                int at = b;
                if (Arrays.stream(fix).noneMatch(x -> x == at)) {
                    rest = Goldilocks.add(rest, Goldilocks.mul(row[b], d[b]));
                }
            }
            for (int j = 0; j < c; j++) {
                a[r][j] = row[fix[j]];
            }
            a[r][c] = Goldilocks.sub(0, rest);
        }
        for (int col = 0; col < c; col++) {
            int piv = col;
            while (a[piv][col] == 0) {
                piv++;
            }
            long[] tmp = a[piv];
            a[piv] = a[col];
            a[col] = tmp;
            long inv = Goldilocks.inv(a[col][col]);
            for (int j = 0; j <= c; j++) {
                a[col][j] = Goldilocks.mul(a[col][j], inv);
            }
            for (int r = 0; r < c; r++) {
                if (r != col && a[r][col] != 0) {
                    long factor = a[r][col];
                    for (int j = 0; j <= c; j++) {
                        a[r][j] = Goldilocks.sub(a[r][j], Goldilocks.mul(factor, a[col][j]));
                    }
                }
            }
        }
        for (int j = 0; j < c; j++) {
            d[fix[j]] = a[j][c];
        }
        for (long[] row : rows) {
            long s = 0;
            for (int b = 0; b < d.length; b++) {
                s = Goldilocks.add(s, Goldilocks.mul(row[b], d[b]));
            }
            assertEquals(0, s, "the direction keeps the claims");
        }
    }

    /** A subspace of GF(p)^len, kept in reduced row-echelon form. */
    static final class Span {
        private final int len;
        private final List<long[]> basis = new ArrayList<>();
        private final List<Integer> pivots = new ArrayList<>();

        Span(int len) {
            this.len = len;
        }

        private long[] reduce(long[] v) {
            long[] x = v.clone();
            for (int i = 0; i < basis.size(); i++) {
                int p = pivots.get(i);
                if (x[p] != 0) {
                    long f = x[p];
                    long[] b = basis.get(i);
                    for (int j = 0; j < len; j++) {
                        x[j] = Goldilocks.sub(x[j], Goldilocks.mul(f, b[j]));
                    }
                }
            }
            return x;
        }

        void add(long[] v) {
            long[] x = reduce(v);
            int p = 0;
            while (p < len && x[p] == 0) {
                p++;
            }
            if (p == len) {
                return;
            }
            long inv = Goldilocks.inv(x[p]);
            for (int j = 0; j < len; j++) {
                x[j] = Goldilocks.mul(x[j], inv);
            }
            for (int i = 0; i < basis.size(); i++) {
                long[] b = basis.get(i);
                if (b[p] != 0) {
                    long f = b[p];
                    for (int j = 0; j < len; j++) {
                        b[j] = Goldilocks.sub(b[j], Goldilocks.mul(f, x[j]));
                    }
                }
            }
            basis.add(x);
            pivots.add(p);
        }

        boolean contains(long[] v) {
            return Arrays.stream(reduce(v)).allMatch(x -> x == 0);
        }

        int rank() {
            return basis.size();
        }
    }

    /** Every single-bit flip of the proof (a different bit per byte) and truncations to 0, 24, half and all but one byte are rejected. */
    private static void assertEveryFlipAndTruncationRejected(Statement s) {
        byte[] proof = s.proof();
        for (int i = 0; i < proof.length; i++) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            int at = i;
            assertThrows(InvalidProofException.class, () -> verify(s, s.claims(), s.weighted(), bad), "byte " + at);
        }
        for (int len : new int[] {0, 24, proof.length / 2, proof.length - 1}) {
            assertRejected(s, s.root(), s.claims(), s.weighted(), Arrays.copyOf(proof, len));
        }
    }
}

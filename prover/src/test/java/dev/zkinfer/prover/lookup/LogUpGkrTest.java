package dev.zkinfer.prover.lookup;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.Columns;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.RangeTable;
import dev.zkinfer.lookup.SegmentClaim;
import dev.zkinfer.lookup.SegmentKind;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogUpGkrTest {
    static final int RANGE = 0, FX = 1, SMALL = 2;
    static final int FX_BITS = 6;

    static long f(long x) {
        return (7 * x * x + 3 * x + 11) % 251;
    }

    /**
     * A lookup statement as a real caller holds it: per table the columns (structured or
     * committed) and per lookup segment its columns; the multiplicities are "committed".
     */
    static final class Statement {
        final List<int[]> lookupTables = new ArrayList<>(); // {tableId}
        final List<long[][]> lookupColumns = new ArrayList<>();
        final long[] smallTable;
        final boolean[] present = new boolean[3];
        /** Committed multiplicities per table id (what the caller opens). */
        final long[][] multiplicities = new long[3][];

        Statement(long[] smallTable) {
            this.smallTable = smallTable;
        }

        long[][] tableColumns(int id) {
            return switch (id) {
                case RANGE -> new long[][] {RangeTable.values(8)};
                case FX -> {
                    long[] x = RangeTable.values(FX_BITS);
                    long[] fx = new long[x.length];
                    for (int i = 0; i < x.length; i++) {
                        fx[i] = f(x[i]);
                    }
                    yield new long[][] {x, fx};
                }
                default -> new long[][] {smallTable};
            };
        }

        /** The witness commitment stand-in: absorb everything committed before α, β. */
        Ext3[] challenges(Transcript t) {
            t.domain("test/statement");
            for (long[][] cols : lookupColumns) {
                for (long[] c : cols) {
                    t.absorbLongs("lookup column", c);
                }
            }
            for (long[] m : multiplicities) {
                if (m != null) {
                    t.absorbLongs("multiplicities", m);
                }
            }
            return new Ext3[] {t.challengeExt("alpha"), t.challengeExt("beta")};
        }

        /** The prover's segments: lookups in order, then one table segment per present table. */
        List<LogUpSegment> segments(Ext3 beta, long[][] mults) {
            List<LogUpSegment> out = new ArrayList<>();
            for (int s = 0; s < lookupColumns.size(); s++) {
                long[][] cols = lookupColumns.get(s);
                int id = lookupTables.get(s)[0];
                out.add(cols.length == 1 ? LookupSegment.of(cols[0], id) : LookupSegment.ofExt(Columns.combine(cols, beta), id));
            }
            for (int id = 0; id < 3; id++) {
                if (present[id]) {
                    long[][] cols = tableColumns(id);
                    out.add(cols.length == 1 ? TableSegment.of(cols[0], mults[id], id)
                            : TableSegment.ofExt(Columns.combine(cols, beta), mults[id], id));
                }
            }
            return out;
        }

        List<SegmentShape> shapes() {
            return LogUpGkrProver.shapes(segments(Ext3.ONE, multiplicities));
        }

        /** What a real caller does with the verifier's output: check every segment claim. */
        void callerChecks(List<SegmentClaim> claims, Ext3 beta) throws InvalidProofException {
            int tableIndex = 0;
            for (SegmentClaim c : claims) {
                Ext3[] r = c.point();
                if (c.shape().kind() == SegmentKind.LOOKUP) {
                    long[][] cols = lookupColumns.get(c.segment());
                    Ext3[] evals = new Ext3[cols.length];
                    for (int k = 0; k < cols.length; k++) {
                        evals[k] = Mle.evaluate(cols[k], r);
                    }
                    if (!Columns.combineEvals(evals, beta).equals(c.valuesEval())) {
                        throw new InvalidProofException("caller: looked-up values do not match segment " + c.segment());
                    }
                } else {
                    int id = c.shape().tableId();
                    Ext3 table = switch (id) {
                        case RANGE -> RangeTable.evaluate(r);
                        case FX -> Columns.combineEvals(new Ext3[] {RangeTable.evaluate(r), Mle.evaluate(tableColumns(FX)[1], r)}, beta);
                        default -> Mle.evaluate(smallTable, r);
                    };
                    if (!table.equals(c.valuesEval())) {
                        throw new InvalidProofException("caller: table " + id + " does not match");
                    }
                    if (!Mle.evaluate(multiplicities[id], r).equals(c.multiplicitiesEval())) {
                        throw new InvalidProofException("caller: multiplicities of table " + id + " do not match");
                    }
                    tableIndex++;
                }
            }
            assertTrue(tableIndex > 0);
        }
    }

    static Statement random(SplittableRandom rnd, int numTables, int[] logSizes) {
        long[] small = new long[8];
        for (int i = 0; i < small.length; i++) {
            small[i] = Goldilocks.reduce(rnd.nextLong());
        }
        Statement st = new Statement(small);
        for (int logSize : logSizes) {
            int id = rnd.nextInt(numTables);
            int size = 1 << logSize;
            long[][] cols;
            if (id == RANGE) {
                cols = new long[][] {rnd.longs(size, 0, 256).toArray()};
            } else if (id == FX) {
                long[] x = rnd.longs(size, 0, 1 << FX_BITS).toArray();
                long[] fx = new long[size];
                for (int i = 0; i < size; i++) {
                    fx[i] = f(x[i]);
                }
                cols = new long[][] {x, fx};
            } else {
                long[] v = new long[size];
                for (int i = 0; i < size; i++) {
                    v[i] = small[rnd.nextInt(small.length)];
                }
                cols = new long[][] {v};
            }
            st.lookupTables.add(new int[] {id});
            st.lookupColumns.add(cols);
            st.present[id] = true;
        }
        for (int id = 0; id < 3; id++) {
            if (st.present[id]) {
                long[][] tcols = st.tableColumns(id);
                List<long[]> vals = new ArrayList<>();
                List<long[][]> tupleLookups = new ArrayList<>();
                for (int s = 0; s < st.lookupColumns.size(); s++) {
                    if (st.lookupTables.get(s)[0] == id) {
                        vals.add(st.lookupColumns.get(s)[0]);
                        tupleLookups.add(st.lookupColumns.get(s));
                    }
                }
                if (id == FX) {
                    long[] m = new long[tcols[0].length];
                    for (long[][] cols : tupleLookups) {
                        Multiplicities.accumulate(m, Multiplicities.count(m.length, cols[0].length,
                                i -> RangeTable.indexOf(cols[0][i], FX_BITS)));
                    }
                    st.multiplicities[id] = m;
                } else {
                    st.multiplicities[id] = Multiplicities.count(tcols[0], vals.toArray(new long[0][]));
                }
            }
        }
        return st;
    }

    static byte[] prove(Statement st, Backend backend, long[][] mults, boolean check) {
        Transcript t = new Sha256Transcript("test");
        Ext3[] ab = st.challenges(t);
        ProofWriter w = new ProofWriter();
        new LogUpGkrProver(backend).prove(st.segments(ab[1], mults), ab[0], w, t, check);
        return w.toByteArray();
    }

    /**
     * A cheating prover: α, β come from the {@code committed} statement's commitment, the tree
     * is built from {@code tree}'s data.
     */
    static byte[] proveCustom(Statement committed, Statement tree, long[][] treeMults) {
        Transcript t = new Sha256Transcript("test");
        Ext3[] ab = committed.challenges(t);
        ProofWriter w = new ProofWriter();
        new LogUpGkrProver(Backends.scalar()).prove(tree.segments(ab[1], treeMults), ab[0], w, t, false);
        return w.toByteArray();
    }

    static byte[] prove(Statement st) {
        return prove(st, Backends.scalar(), st.multiplicities, true);
    }

    /** Verifier + the caller's final checks. */
    static List<SegmentClaim> verify(Statement st, byte[] proof, boolean callerChecks) throws InvalidProofException {
        Transcript t = new Sha256Transcript("test");
        Ext3[] ab = st.challenges(t);
        ProofReader r = new ProofReader(proof);
        List<SegmentClaim> claims = LogUpGkrVerifier.verify(st.shapes(), ab[0], r, t);
        r.finish();
        if (callerChecks) {
            st.callerChecks(claims, ab[1]);
        }
        return claims;
    }

    // ---------------------------------------------------------------- completeness

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void honestProofsVerify(int seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        int numTables = 1 + seed % 3;
        int[] logs = new int[2 + rnd.nextInt(4)];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = rnd.nextInt(11);
        }
        Statement st = random(rnd, numTables, logs);
        byte[] proof = prove(st);
        List<SegmentClaim> claims = verify(st, proof, true);
        assertEquals(LogUpGkrVerifier.proofBytes(st.shapes()), proof.length);
        assertEquals(st.shapes().size(), claims.size());
    }

    @Test
    void threeTablesAndTupleLookups() throws Exception {
        Statement st = random(new SplittableRandom(42), 3, new int[] {9, 4, 4, 7, 0, 2, 5});
        assertTrue(st.present[RANGE] && st.present[FX] && st.present[SMALL]);
        verify(st, prove(st), true);
    }

    @Test
    void proverClaimsEqualVerifierClaims() throws Exception {
        Statement st = random(new SplittableRandom(7), 3, new int[] {5, 3, 6});
        Transcript t = new Sha256Transcript("test");
        Ext3[] ab = st.challenges(t);
        ProofWriter w = new ProofWriter();
        List<SegmentClaim> mine = new LogUpGkrProver(Backends.scalar()).prove(st.segments(ab[1], st.multiplicities), ab[0], w, t);
        List<SegmentClaim> theirs = verify(st, w.toByteArray(), true);
        for (int i = 0; i < mine.size(); i++) {
            assertArrayEquals(mine.get(i).point(), theirs.get(i).point());
            assertEquals(mine.get(i).p(), theirs.get(i).p());
            assertEquals(mine.get(i).q(), theirs.get(i).q());
        }
    }

    @Test
    void smallestTree() throws Exception {
        // One lookup of one value into a one-row table: 2 leaves, no layer sumcheck.
        long[] table = {Goldilocks.fromSigned(-5)};
        long[] values = {Goldilocks.fromSigned(-5)};
        List<LogUpSegment> segs = List.of(LookupSegment.of(values, 3), TableSegment.of(table, Multiplicities.count(table, values), 3));
        Ext3 alpha = new Ext3(5, 6, 7);
        ProofWriter w = new ProofWriter();
        new LogUpGkrProver(Backends.scalar()).prove(segs, alpha, w, new Sha256Transcript("t"));
        ProofReader r = new ProofReader(w.toByteArray());
        List<SegmentClaim> c = LogUpGkrVerifier.verify(LogUpGkrProver.shapes(segs), alpha, r, new Sha256Transcript("t"));
        r.finish();
        assertEquals(Ext3.of(values[0]), c.get(0).valuesEval());
        assertEquals(Ext3.of(1), c.get(1).multiplicitiesEval());
    }

    @Test
    void paddedLookupSegment() throws Exception {
        long[] table = RangeTable.values(4);
        long[] raw = {3, 9, 15, 0, 7};
        long[] values = LookupSegment.pad(raw, 0);
        assertEquals(8, values.length);
        long[] m = Multiplicities.count(table, values);
        assertEquals(4, m[0]);
        List<LogUpSegment> segs = List.of(LookupSegment.of(values, 0), TableSegment.of(table, m, 0));
        ProofWriter w = new ProofWriter();
        Ext3 alpha = new Ext3(11, 12, 13);
        new LogUpGkrProver(Backends.scalar()).prove(segs, alpha, w, new Sha256Transcript("t"));
        List<SegmentClaim> c = LogUpGkrVerifier.verify(LogUpGkrProver.shapes(segs), alpha, new ProofReader(w.toByteArray()),
                new Sha256Transcript("t"));
        assertEquals(Mle.evaluate(values, c.get(0).point()), c.get(0).valuesEval());
        assertEquals(RangeTable.evaluate(c.get(1).point()), c.get(1).valuesEval());
        assertEquals(Mle.evaluate(m, c.get(1).point()), c.get(1).multiplicitiesEval());
    }

    // ---------------------------------------------------------------- soundness

    /** A statement with one value outside the 8-bit range table. */
    static Statement withMissingValue() {
        Statement st = random(new SplittableRandom(99), 1, new int[] {4, 3});
        st.lookupColumns.get(1)[0][5] = 300;
        return st;
    }

    @Test
    void missingValueCannotBeCounted() {
        Statement st = withMissingValue();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multiplicities.count(RangeTable.values(8), st.lookupColumns.get(0)[0], st.lookupColumns.get(1)[0]));
        assertTrue(e.getMessage().contains("300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Multiplicities.count(256, 8,
                i -> RangeTable.indexOf(st.lookupColumns.get(1)[0][i], 8)));
    }

    @Test
    void missingValueHonestProverRefuses() {
        Statement st = withMissingValue();
        assertThrows(IllegalArgumentException.class, () -> prove(st, Backends.scalar(), st.multiplicities, true));
    }

    @Test
    void missingValueRejectedAtTheRoot() {
        Statement st = withMissingValue();
        // Whatever the multiplicities, the sum is not zero: try the stale ones and ones that
        // count the missing lookup at every row in turn.
        byte[] proof = prove(st, Backends.scalar(), st.multiplicities, false);
        InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(st, proof, true));
        assertTrue(e.getMessage().contains("root numerator"), e.getMessage());
        for (int row = 0; row < 256; row += 37) {
            long[][] m = {st.multiplicities[0].clone()};
            m[0][row]++;
            st.multiplicities[0] = m[0];
            byte[] forged = prove(st, Backends.scalar(), m, false);
            assertThrows(InvalidProofException.class, () -> verify(st, forged, true), "row " + row);
            st.multiplicities[0][row]--;
        }
    }

    @Test
    void forcedValueRejectedByTheCallersCheck() throws Exception {
        Statement st = withMissingValue();
        // The prover commits 300 (and multiplicities that count an in-table 44 instead), then
        // builds the tree from 44: the tree is consistent, the opening is not.
        Statement fake = withMissingValue();
        fake.lookupColumns.get(1)[0][5] = 44;
        long[] m = Multiplicities.count(RangeTable.values(8), fake.lookupColumns.get(0)[0], fake.lookupColumns.get(1)[0]);
        fake.multiplicities[0] = m;
        st.multiplicities[0] = m;
        byte[] proof = proveCustom(st, fake, fake.multiplicities);
        verify(st, proof, false); // the GKR part alone passes...
        InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(st, proof, true));
        assertTrue(e.getMessage().contains("looked-up values"), e.getMessage()); // ...the opening does not
    }

    @Test
    void offByOneMultiplicityRejected() throws Exception {
        Statement st = random(new SplittableRandom(5), 2, new int[] {5, 6});
        int id = st.present[RANGE] ? RANGE : FX;
        long[] honest = st.multiplicities[id].clone();
        int row = 0;
        while (honest[row] == 0) {
            row++;
        }
        // Committed and used in the tree: off by one either way → the root is not zero.
        for (long delta : new long[] {-1, 1}) {
            st.multiplicities[id] = honest.clone();
            st.multiplicities[id][row] += delta;
            byte[] proof = prove(st, Backends.scalar(), st.multiplicities, false);
            InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(st, proof, true));
            assertTrue(e.getMessage().contains("root numerator"), e.getMessage());
        }
        // Committed off by one, honest tree: the multiplicities opening fails.
        long[][] treeMults = st.multiplicities.clone();
        treeMults[id] = honest;
        byte[] proof = proveCustom(st, st, treeMults);
        InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(st, proof, true));
        assertTrue(e.getMessage().contains("multiplicities"), e.getMessage());
    }

    @Test
    void lookupIntoTheWrongTableRejected() {
        // Value 200 is in the range table (id 0) but claimed as a lookup into the small table
        // (id 2); the multiplicities count it in the range table. γ separates the tables.
        Statement st = random(new SplittableRandom(8), 1, new int[] {3});
        long[] small = st.smallTable;
        Statement two = new Statement(small);
        two.lookupTables.add(new int[] {RANGE});
        two.lookupColumns.add(st.lookupColumns.get(0));
        two.lookupTables.add(new int[] {SMALL});
        two.lookupColumns.add(new long[][] {{small[0], 200}});
        two.present[RANGE] = true;
        two.present[SMALL] = true;
        two.multiplicities[RANGE] = Multiplicities.count(RangeTable.values(8), st.lookupColumns.get(0)[0], new long[] {200});
        two.multiplicities[SMALL] = Multiplicities.count(small, new long[] {small[0]});
        assertThrows(IllegalArgumentException.class, () -> prove(two, Backends.scalar(), two.multiplicities, true));
        byte[] proof = prove(two, Backends.scalar(), two.multiplicities, false);
        assertThrows(InvalidProofException.class, () -> verify(two, proof, true));
    }

    @Test
    void fudgedRootRejectedInTheFirstLayer() {
        Statement st = withMissingValue();
        byte[] proof = prove(st, Backends.scalar(), st.multiplicities, false);
        // Make the root consistent: p1 := −p0·q1/q0, keep the rest of the (honest) tree.
        ProofReader r = new ProofReader(proof);
        Ext3 p0, q0, q1;
        try {
            p0 = r.ext("p0");
            r.ext("p1");
            q0 = r.ext("q0");
            q1 = r.ext("q1");
        } catch (InvalidProofException e) {
            throw new AssertionError(e);
        }
        Ext3 p1 = p0.mul(q1).mul(q0.inv()).neg();
        byte[] forged = proof.clone();
        byte[] enc = new ProofWriter().ext(p1).toByteArray();
        System.arraycopy(enc, 0, forged, 24, 24);
        InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(st, forged, true));
        assertTrue(e.getMessage().contains("layer 1"), e.getMessage());
    }

    @Test
    void zeroRootDenominatorRejected() {
        Statement st = random(new SplittableRandom(3), 1, new int[] {3});
        byte[] proof = prove(st).clone();
        Arrays.fill(proof, 0, 24, (byte) 0); // p0 = 0
        Arrays.fill(proof, 48, 72, (byte) 0); // q0 = 0 → p0·q1 + p1·q0 = 0, q0·q1 = 0
        InvalidProofException e = assertThrows(InvalidProofException.class, () -> verify(st, proof, true));
        assertTrue(e.getMessage().contains("root denominator"), e.getMessage());
    }

    @Test
    void wrongSegmentClaimRejectedAtTheLeaves() throws Exception {
        Statement st = random(new SplittableRandom(4), 2, new int[] {3, 2});
        byte[] proof = prove(st);
        int elements = 0;
        for (SegmentShape sh : st.shapes()) {
            elements += sh.kind() == SegmentKind.TABLE ? 2 : 1;
        }
        int segStart = proof.length - 24 * elements;
        for (int e = segStart; e < proof.length; e += 24) {
            byte[] bad = proof.clone();
            bad[e] ^= 1;
            InvalidProofException ex = assertThrows(InvalidProofException.class, () -> verify(st, bad, false));
            assertTrue(ex.getMessage().contains("segment"), ex.getMessage());
        }
    }

    @Test
    void everySingleElementChangeRejected() throws Exception {
        Statement st = random(new SplittableRandom(11), 3, new int[] {2, 1, 0});
        byte[] proof = prove(st);
        verify(st, proof, true);
        for (int e = 0; e < proof.length / 8; e++) {
            for (long delta : new long[] {1, 1L << 40}) {
                byte[] bad = proof.clone();
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v |= (bad[8 * e + i] & 0xFFL) << (8 * i);
                }
                v = Goldilocks.add(v, Goldilocks.reduce(delta)); // stays canonical
                for (int i = 0; i < 8; i++) {
                    bad[8 * e + i] = (byte) (v >>> (8 * i));
                }
                final int elem = e;
                assertThrows(InvalidProofException.class, () -> verify(st, bad, true), "element " + elem);
            }
        }
    }

    @Test
    void malformedProofsOnlyEverGiveInvalidProof() {
        Statement st = random(new SplittableRandom(12), 2, new int[] {4, 2});
        byte[] proof = prove(st);
        List<byte[]> bad = new ArrayList<>();
        for (int len : new int[] {0, 1, 8, 23, 24, 95, 96, proof.length / 2, proof.length - 24, proof.length - 1}) {
            bad.add(Arrays.copyOf(proof, len));
        }
        bad.add(Arrays.copyOf(proof, proof.length + 1));
        bad.add(Arrays.copyOf(proof, proof.length + 24));
        SplittableRandom rnd = new SplittableRandom(13);
        for (int i = 0; i < 20; i++) {
            byte[] g = new byte[i < 10 ? proof.length : rnd.nextInt(2 * proof.length)];
            rnd.nextBytes(g);
            bad.add(g);
        }
        byte[] ff = new byte[proof.length];
        Arrays.fill(ff, (byte) 0xFF); // non-canonical everywhere
        bad.add(ff);
        bad.add(new byte[proof.length]); // all zero: root denominator zero
        for (byte[] b : bad) {
            try {
                verify(st, b, true);
                fail("accepted a malformed proof of " + b.length + " bytes");
            } catch (InvalidProofException expected) {
                // the only acceptable outcome
            } catch (Throwable other) {
                fail("malformed proof of " + b.length + " bytes raised " + other, other);
            }
        }
    }

    @Test
    void transcriptBindsAlphaAndShapes() {
        Statement st = random(new SplittableRandom(14), 1, new int[] {3, 3});
        byte[] proof = prove(st);
        Transcript t = new Sha256Transcript("test");
        Ext3[] ab = st.challenges(t);
        assertThrows(InvalidProofException.class,
                () -> LogUpGkrVerifier.verify(st.shapes(), ab[0].add(1), new ProofReader(proof), t));
        // Same proof length, different table id: a different statement.
        List<SegmentShape> other = new ArrayList<>();
        for (SegmentShape sh : st.shapes()) {
            other.add(new SegmentShape(sh.kind(), sh.logSize(), sh.tableId() + 1));
        }
        assertEquals(LogUpGkrVerifier.proofBytes(st.shapes()), LogUpGkrVerifier.proofBytes(other));
        Transcript t2 = new Sha256Transcript("test");
        Ext3[] ab2 = st.challenges(t2);
        assertThrows(InvalidProofException.class, () -> LogUpGkrVerifier.verify(other, ab2[0], new ProofReader(proof), t2));
    }

    @Test
    void malformedShapesAreCallerErrors() {
        assertThrows(IllegalArgumentException.class, () -> LogUpGkrVerifier.verify(List.of(), Ext3.ONE,
                new ProofReader(new byte[0]), new Sha256Transcript("t")));
        assertThrows(IllegalArgumentException.class, () -> LogUpGkrVerifier.verify(List.of(SegmentShape.lookup(3, 1),
                SegmentShape.table(3, 2)), Ext3.ONE, new ProofReader(new byte[0]), new Sha256Transcript("t")));
        assertThrows(IllegalArgumentException.class, () -> SegmentShape.lookup(29, 0));
        assertThrows(IllegalArgumentException.class, () -> LookupSegment.of(new long[3], 0));
        assertThrows(IllegalArgumentException.class, () -> TableSegment.of(new long[4], new long[2], 0));
    }

    // ---------------------------------------------------------------- backends, helpers

    @Test
    void backendsProduceIdenticalProofs() throws Exception {
        Statement st = random(new SplittableRandom(15), 2, new int[] {14, 12, 9});
        byte[] scalar = prove(st, Backends.scalar(), st.multiplicities, true);
        byte[] vector = prove(st, Backends.vector(), st.multiplicities, true);
        assertArrayEquals(scalar, vector);
        verify(st, vector, true);
    }

    /**
     * The leaf layer is written a chunk at a time ({@link LeafLayer}): any chunk (4 leaves, sizes
     * that split segments and pairs unevenly, one chunk for the whole tree) gives the bytes of the
     * default, on every backend, and the proof verifies.
     */
    @Test
    void leafChunksGiveTheSameProof() throws Exception {
        for (int seed = 20; seed < 24; seed++) {
            Statement st = random(new SplittableRandom(seed), 1 + seed % 3, new int[] {9, 3, 6, 0, 7});
            byte[] reference = prove(st);
            for (Backend backend : new Backend[] {Backends.scalar(), Backends.vector()}) {
                for (int chunk : new int[] {4, 8, 12, 36, 1 << 12, 1 << 20}) {
                    Transcript t = new Sha256Transcript("test");
                    Ext3[] ab = st.challenges(t);
                    ProofWriter w = new ProofWriter();
                    new LogUpGkrProver(backend, chunk).prove(st.segments(ab[1], st.multiplicities), ab[0], w, t);
                    assertArrayEquals(reference, w.toByteArray(), "seed " + seed + ", chunk " + chunk);
                }
            }
            verify(st, reference, true);
        }
        assertThrows(IllegalArgumentException.class, () -> new LogUpGkrProver(Backends.scalar(), 6));
    }

    @Test
    void rangeTableMleIsLinear() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int bits = 0; bits <= 10; bits++) {
            Ext3[] r = new Ext3[bits];
            for (int k = 0; k < bits; k++) {
                r[k] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), 3);
            }
            assertEquals(Mle.evaluate(RangeTable.values(bits), r), RangeTable.evaluate(r));
            long shift = Goldilocks.fromSigned(-(1L << Math.max(0, bits - 1)));
            long[] signed = RangeTable.values(bits);
            for (int i = 0; i < signed.length; i++) {
                signed[i] = Goldilocks.add(signed[i], shift);
            }
            assertEquals(Mle.evaluate(signed, r), RangeTable.evaluate(r, shift));
        }
        assertEquals(-1, RangeTable.indexOf(256, 8));
        assertEquals(-1, RangeTable.indexOf(Goldilocks.fromSigned(-1), 8));
        assertEquals(255, RangeTable.indexOf(255, 8));
    }

    @Test
    void eqLevelsMatchMle() {
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar(), Backends.vector()));
        if (Backends.nativeBackend() != null) {
            backends.add(Backends.nativeBackend());
        }
        for (Backend b : backends) {
            eqLevelsMatchMle(b);
        }
    }

    private static void eqLevelsMatchMle(Backend backend) {
        Ext3[] big = new Ext3[15]; // the big levels take the parallel and native paths
        for (int k = 0; k < big.length; k++) {
            big[k] = new Ext3(k * 1000003L + 7, k + 1, 5 * k);
        }
        int[] pairs = new int[big.length];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = 1 << (big.length - 1 - i);
        }
        long[][] levels = LayerSumcheck.eqLevels(backend.logUp(), big, pairs);
        for (int v = 0; v < big.length; v++) {
            assertArrayEquals(Mle.eqTable(Arrays.copyOfRange(big, big.length - v, big.length)), levels[v]);
        }
        // a live prefix of 5 pairs: each level as long as its round needs, rounded up to even
        pairs = new int[] {5, 3, 2, 1};
        long[][] prefix = LayerSumcheck.eqLevels(backend.logUp(), Arrays.copyOf(big, 4), pairs);
        long[] full = Mle.eqTable(Arrays.copyOfRange(big, 1, 4));
        assertArrayEquals(Arrays.copyOf(full, 18), prefix[3]);
    }

    @Test
    void eqPrefixSumsAreSumsOfTheEqTable() {
        Ext3[] r = {new Ext3(3, 1, 4), new Ext3(1, 5, 9), new Ext3(2, 6, 5), Ext3.ZERO, Ext3.ONE};
        long[] eq = Mle.eqTable(Arrays.copyOfRange(r, 1, r.length));
        Ext3 sum = Ext3.ZERO;
        for (int count = 0; count <= 16; count++) {
            assertEquals(sum, LayerSumcheck.eqPrefixSum(r, 1, count), "count " + count);
            if (count < 16) {
                sum = sum.add(Ext3.get(eq, count));
            }
        }
    }

    @Test
    void soundnessBits() {
        double b20 = LogUpGkrVerifier.soundnessBits(20, 2);
        assertTrue(b20 > 168 && b20 < 171, "n = 20: " + b20);
        assertTrue(LogUpGkrVerifier.soundnessBits(26, 1) > 160);
        assertTrue(LogUpGkrVerifier.soundnessBits(10, 1) > LogUpGkrVerifier.soundnessBits(11, 1));
    }
}

package dev.zkinfer.prover.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.merkle.MerkleVerifier;
import dev.zkinfer.prover.backend.Backends;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    static final int LEAF = 4;
    static final int DEPTH = 7;
    final SplittableRandom rnd = new SplittableRandom(3);
    final long[] data = rnd.longs(LEAF << DEPTH, 0, Long.MAX_VALUE).toArray();
    final MerkleTree tree = MerkleTree.build(Backends.scalar().commit(), data, LEAF);

    private byte[] digests(long[] values, int[] idx) {
        MerkleHash h = new MerkleHash();
        byte[] d = new byte[32 * idx.length];
        for (int i = 0; i < idx.length; i++) {
            h.hashLeaf(values, idx[i] * LEAF, LEAF, d, 32 * i);
        }
        return d;
    }

    private void check(byte[] root, int[] idx, byte[] digests, byte[] proof) throws InvalidProofException {
        ProofReader r = new ProofReader(proof);
        MerkleVerifier.verify(new MerkleHash(), root, DEPTH, idx, digests, r, "test");
        r.finish();
    }

    private int[] randomIndices(int count) {
        return IntStream.generate(() -> rnd.nextInt(1 << DEPTH)).limit(count).sorted().distinct().toArray();
    }

    @Test
    void membershipProofsVerifyForSingleAndManyLeaves() {
        for (int count : new int[] {1, 2, 5, 30, 128}) {
            int[] idx = count == 128 ? IntStream.range(0, 128).toArray() : randomIndices(count);
            ProofWriter w = new ProofWriter();
            tree.writeMultiProof(idx, w);
            assertDoesNotThrow(() -> check(tree.root(), idx, digests(data, idx), w.toByteArray()));
            if (count == 1) {
                assertEquals(32 * DEPTH, w.size());
            }
            if (count == 128) {
                assertEquals(0, w.size(), "opening every leaf needs no sibling");
            }
        }
    }

    @Test
    void aTreeWithItsLayersInAFileWritesTheSamePathsAndATamperedFileIsCaught() {
        MerkleTree spilled = tree.spilled(1);
        assertTrue(spilled != tree, "every layer below the root moves to a file");
        assertEquals(tree.numLeaves(), spilled.numLeaves());
        assertTrue(Arrays.equals(tree.root(), spilled.root()));
        for (int count : new int[] {1, 5, 30}) {
            int[] idx = randomIndices(count);
            ProofWriter a = new ProofWriter();
            ProofWriter b = new ProofWriter();
            tree.writeMultiProof(idx, a);
            spilled.writeMultiProof(idx, b);
            assertTrue(Arrays.equals(a.toByteArray(), b.toByteArray()), count + " leaves");
            assertDoesNotThrow(() -> check(spilled.root(), idx, digests(data, idx), b.toByteArray()));
        }
        // a file whose sibling digests are not the tree's: its paths do not verify
        MerkleTree bad = tree.spilled(1);
        bad.spillFileForTests().overwrite(0, 1);
        bad.spillFileForTests().overwrite(1, 2);
        int[] idx = {1};
        ProofWriter w = new ProofWriter();
        bad.writeMultiProof(idx, w);
        assertThrows(InvalidProofException.class, () -> check(bad.root(), idx, digests(data, idx), w.toByteArray()));
        // a tree with no layer that large is kept as it is
        assertTrue(tree.spilled() == tree);
    }

    @Test
    void sharedNodesAreSentOnce() {
        int[] idx = {4, 5};
        ProofWriter w = new ProofWriter();
        tree.writeMultiProof(idx, w);
        assertEquals(32 * (DEPTH - 1), w.size());
    }

    @Test
    void parallelAndScalarTreesAgree() {
        MerkleTree fast = MerkleTree.build(Backends.vector().commit(), data, LEAF);
        assertEquals(Arrays.toString(tree.root()), Arrays.toString(fast.root()));
    }

    @Test
    void rejectsTamperedLeafSiblingIndexAndRoot() {
        int[] idx = randomIndices(6);
        ProofWriter w = new ProofWriter();
        tree.writeMultiProof(idx, w);
        byte[] proof = w.toByteArray();
        byte[] d = digests(data, idx);
        for (int i = 0; i < proof.length; i++) {
            byte[] bad = proof.clone();
            bad[i] ^= 0x10;
            assertThrows(InvalidProofException.class, () -> check(tree.root(), idx, d, bad));
        }
        long[] tampered = data.clone();
        tampered[idx[2] * LEAF + 1] ^= 1;
        assertThrows(InvalidProofException.class, () -> check(tree.root(), idx, digests(tampered, idx), proof));
        int[] shifted = idx.clone();
        shifted[0] = shifted[0] == 0 ? 1 : shifted[0] - 1;
        if (shifted.length == 1 || shifted[0] < shifted[1]) {
            assertThrows(InvalidProofException.class, () -> check(tree.root(), shifted, d, proof));
        }
        byte[] root = tree.root();
        root[31] ^= 1;
        assertThrows(InvalidProofException.class, () -> check(root, idx, d, proof));
        assertThrows(InvalidProofException.class, () -> check(tree.root(), idx, d, Arrays.copyOf(proof, proof.length - 1)));
    }

    @Test
    void leafAndNodeHashesAreDomainSeparated() {
        // A leaf made of the bytes of two child digests must not hash like the node above them.
        MerkleHash h = new MerkleHash();
        byte[] node = new byte[32];
        byte[] children = new byte[64];
        h.hashNode(children, 0, children, 32, node, 0);
        byte[] leaf = new byte[32];
        h.hashLeaf(new long[8], 0, 8, leaf, 0);
        assertEquals(false, Arrays.equals(node, leaf));
    }

    /** The salted digests of the opened leaves, as a verifier computes them from the values and the sent salts. */
    private byte[] saltedDigests(long[] values, int[] idx, byte[] salts) {
        MerkleHash h = new MerkleHash();
        byte[] d = new byte[32 * idx.length];
        for (int i = 0; i < idx.length; i++) {
            h.hashSaltedLeaf(salts, idx[i] * MerkleHash.SALT_BYTES, values, idx[i] * LEAF, LEAF, d, 32 * i);
        }
        return d;
    }

    /** SHA-256 of tag ‖ prefix ‖ u64le(values[from .. from+count)), assembled here byte by byte. */
    static byte[] sha256(int tag, byte[] prefix, long[] values, int from, int count) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + prefix.length + 8 * count).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) tag).put(prefix);
        for (int i = 0; i < count; i++) {
            b.putLong(values[from + i]);
        }
        return java.security.MessageDigest.getInstance("SHA-256").digest(b.array());
    }

    @Test
    void aSaltedLeafIsOneSha256OfTagSaltAndValues() throws Exception {
        MerkleHash h = new MerkleHash();
        for (int count : new int[] {1, 3, 16, 19, 48}) {
            long[] values = rnd.longs(count, 0, Long.MAX_VALUE).toArray();
            byte[] salt = new byte[MerkleHash.SALT_BYTES];
            rnd.nextBytes(salt);
            byte[] got = new byte[32];
            h.hashSaltedLeaf(salt, 0, values, 0, count, got, 0);
            assertArrayEquals(sha256(2, salt, values, 0, count), got, count + " values");
            // not the two-hash form of proof version 21 and earlier: SHA-256(0x02 ‖ salt ‖ SHA-256(0x00 ‖ values))
            byte[] plain = sha256(0, new byte[0], values, 0, count);
            byte[] twoHash = java.security.MessageDigest.getInstance("SHA-256").digest(
                    java.nio.ByteBuffer.allocate(49).put((byte) 2).put(salt).put(plain).array());
            assertFalse(Arrays.equals(twoHash, got));
        }
        // the scalar and vector backends' salted leaf layers: the same direct hashes, leaf by leaf
        byte[] salts = new byte[MerkleHash.SALT_BYTES << DEPTH];
        rnd.nextBytes(salts);
        for (var kernels : java.util.List.of(Backends.scalar().commit(), Backends.vector().commit())) {
            byte[] layer = kernels.hashSaltedLeaves(data, 1 << DEPTH, LEAF, salts);
            for (int i = 0; i < 1 << DEPTH; i++) {
                byte[] salt = Arrays.copyOfRange(salts, MerkleHash.SALT_BYTES * i, MerkleHash.SALT_BYTES * (i + 1));
                assertArrayEquals(sha256(2, salt, data, LEAF * i, LEAF), Arrays.copyOfRange(layer, 32 * i, 32 * i + 32), "leaf " + i);
            }
        }
    }

    @Test
    void saltedLeavesUnsaltedLeavesAndNodesAreDomainSeparated() {
        // the same 64 bytes after the tag: a salt and six values, eight values, two child digests
        long[] values = rnd.longs(8, 0, Long.MAX_VALUE).toArray();
        byte[] bytes = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(values[0]).putLong(values[1])
                .putLong(values[2]).putLong(values[3]).putLong(values[4]).putLong(values[5]).putLong(values[6]).putLong(values[7]).array();
        MerkleHash h = new MerkleHash();
        byte[] salted = new byte[32], leaf = new byte[32], node = new byte[32];
        h.hashSaltedLeaf(bytes, 0, values, 2, 6, salted, 0);
        h.hashLeaf(values, 0, 8, leaf, 0);
        h.hashNode(bytes, 0, bytes, 32, node, 0);
        assertFalse(Arrays.equals(salted, leaf));
        assertFalse(Arrays.equals(salted, node));
        assertFalse(Arrays.equals(leaf, node));
    }

    @Test
    void saltedTreesOpenWithTheirSaltsOnly() throws Exception {
        byte[] salts = new byte[MerkleHash.SALT_BYTES << DEPTH];
        new java.security.SecureRandom().nextBytes(salts);
        MerkleTree salted = MerkleTree.buildSalted(Backends.scalar().commit(), data, 1 << DEPTH, LEAF, salts);
        assertFalse(java.util.Arrays.equals(tree.root(), salted.root()), "salting changes the root");
        assertArrayEquals(salted.root(), MerkleTree.buildSalted(Backends.vector().commit(), data, 1 << DEPTH, LEAF, salts).root());
        for (int count : new int[] {1, 3, 17}) {
            int[] idx = randomIndices(count);
            ProofWriter w = new ProofWriter();
            salted.writeMultiProof(idx, w);
            check(salted.root(), idx, saltedDigests(data, idx, salts), w.toByteArray());
            // a wrong salt, a wrong leaf value, or the unsalted digest, does not open
            byte[] badSalts = salts.clone();
            badSalts[idx[0] * MerkleHash.SALT_BYTES] ^= 1;
            assertThrows(InvalidProofException.class, () -> check(salted.root(), idx, saltedDigests(data, idx, badSalts), w.toByteArray()));
            long[] badData = data.clone();
            badData[idx[idx.length - 1] * LEAF + LEAF - 1] ^= 1L << 40;
            assertThrows(InvalidProofException.class, () -> check(salted.root(), idx, saltedDigests(badData, idx, salts), w.toByteArray()));
            assertThrows(InvalidProofException.class, () -> check(salted.root(), idx, digests(data, idx), w.toByteArray()));
            if (idx.length > 1) {
                // the salts of two opened leaves swapped
                byte[] swapped = salts.clone();
                int a = idx[0] * MerkleHash.SALT_BYTES, b = idx[1] * MerkleHash.SALT_BYTES;
                System.arraycopy(salts, a, swapped, b, MerkleHash.SALT_BYTES);
                System.arraycopy(salts, b, swapped, a, MerkleHash.SALT_BYTES);
                assertThrows(InvalidProofException.class, () -> check(salted.root(), idx, saltedDigests(data, idx, swapped), w.toByteArray()));
            }
        }
        // the same data under fresh salts: every node digest differs, so siblings say nothing about the leaves
        byte[] other = new byte[salts.length];
        new java.security.SecureRandom().nextBytes(other);
        MerkleTree again = MerkleTree.buildSalted(Backends.scalar().commit(), data, 1 << DEPTH, LEAF, other);
        ProofWriter a = new ProofWriter(), b = new ProofWriter();
        salted.writeMultiProof(new int[] {5}, a);
        again.writeMultiProof(new int[] {5}, b);
        byte[] pa = a.toByteArray(), pb = b.toByteArray();
        for (int k = 0; k < DEPTH; k++) {
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(pa, 32 * k, 32 * k + 32),
                    java.util.Arrays.copyOfRange(pb, 32 * k, 32 * k + 32)), "sibling " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.buildSalted(Backends.scalar().commit(), data, 1 << DEPTH, LEAF,
                new byte[3]));
    }

    @Test
    void shapesBeyondJavasArrayLimitsAreRefusedWithoutAllocating() {
        // the largest trees WHIR builds: 2^25 leaves of 16 base elements (round 0 at 2^28 values, rate 1/2), 2^23 of 48
        assertDoesNotThrow(() -> MerkleTree.checkShape(1L << 25, 16));
        assertDoesNotThrow(() -> MerkleTree.checkShape(1L << 23, 48));
        // 2^26 leaves: a digest layer of 2^31 bytes (int arithmetic would wrap to a negative size)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MerkleTree.checkShape(1L << 26, 16));
        assertTrue(e.getMessage().contains("array limits"), e.getMessage());
        // data of 2^31 longs in 2^24 leaves
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.checkShape(1L << 24, 128));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.checkShape(3, 16));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.checkShape(1L << 10, 0));
    }
}

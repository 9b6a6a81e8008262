package dev.zkinfer.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash of zkinfer's Merkle trees: SHA-256 with domain separation between leaves and
 * internal nodes, so that no leaf can be passed off as a node or the other way round (the
 * second-preimage attack on plain Merkle trees).
 *
 * <ul>
 *   <li>leaf digest = SHA-256(0x00 ‖ u64le(v_0) ‖ ... ‖ u64le(v_{m-1})) for the leaf's field
 *       elements (an extension element contributes its three coefficients c0, c1, c2);
 *   <li>node digest = SHA-256(0x01 ‖ left ‖ right);
 *   <li>in a hiding tree (zero-knowledge mode, docs/zero-knowledge.md §3.3), the salted leaf
 *       digest SHA-256(0x02 ‖ salt ‖ u64le(v_0) ‖ ... ‖ u64le(v_{m-1})) with a fresh
 *       {@value #SALT_BYTES}-byte salt per leaf, sent only for opened leaves: the 128 bits of
 *       salt inside the one hash make a sibling digest in an opening reveal nothing about an
 *       unopened low-entropy leaf (an int8 block could otherwise be found by trying every value),
 *       in the random-oracle model as a second hash over the unsalted digest did (proof version 21;
 *       before, SHA-256(0x02 ‖ salt ‖ leaf digest), one more compression per leaf).
 * </ul>
 *
 * The first byte separates the three kinds of message (0x00 leaf, 0x01 node, 0x02 salted
 * leaf), so no digest of one kind is the digest of another kind's message.
 *
 * A leaf holds a whole fold block (all the codeword values one query needs), so one opening
 * per query suffices. Instances hold a {@link MessageDigest} and are not thread-safe.
 */
public final class MerkleHash {
    /** Bytes in a digest. */
    public static final int DIGEST_BYTES = 32;
    static final byte LEAF_TAG = 0;
    static final byte NODE_TAG = 1;
    static final byte SALT_TAG = 2;
    /** Bytes of a leaf's salt in a hiding tree. */
    public static final int SALT_BYTES = 16;

    private final MessageDigest sha;
    private byte[] scratch = new byte[0];
    private final byte[] node = new byte[1 + 2 * DIGEST_BYTES];

    public MerkleHash() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    /** Writes the digest of the leaf holding {@code values[from .. from+count)} at out[outOff..]. */
    public void hashLeaf(long[] values, int from, int count, byte[] out, int outOff) {
        int len = 1 + 8 * count;
        ensureScratch(len);
        scratch[0] = LEAF_TAG;
        putValues(values, from, count, 1);
        sha.update(scratch, 0, len);
        digestInto(out, outOff);
    }

    /**
     * Writes the salted digest SHA-256(0x02 ‖ salt ‖ u64le(v_0) ‖ ...) of the leaf holding
     * {@code values[from .. from+count)} at out[outOff..], with the {@value #SALT_BYTES}-byte salt at
     * salt[saltOff..]: one hash, as many SHA-256 compressions as the unsalted leaf for most leaf sizes.
     */
    public void hashSaltedLeaf(byte[] salt, int saltOff, long[] values, int from, int count, byte[] out, int outOff) {
        int len = 1 + SALT_BYTES + 8 * count;
        ensureScratch(len);
        scratch[0] = SALT_TAG;
        System.arraycopy(salt, saltOff, scratch, 1, SALT_BYTES);
        putValues(values, from, count, 1 + SALT_BYTES);
        sha.update(scratch, 0, len);
        digestInto(out, outOff);
    }

    private void ensureScratch(int len) {
        if (scratch.length < len) {
            scratch = new byte[len];
        }
    }

    /** values[from .. from+count) as u64le at scratch[at..]. */
    private void putValues(long[] values, int from, int count, int at) {
        // byte by byte rather than through a VarHandle, so that TeaVM (the web verifier) can
        // compile it; recent JITs merge the eight stores into one
        byte[] b = scratch;
        for (int i = 0; i < count; i++) {
            long v = values[from + i];
            int p = at + 8 * i;
            b[p] = (byte) v;
            b[p + 1] = (byte) (v >>> 8);
            b[p + 2] = (byte) (v >>> 16);
            b[p + 3] = (byte) (v >>> 24);
            b[p + 4] = (byte) (v >>> 32);
            b[p + 5] = (byte) (v >>> 40);
            b[p + 6] = (byte) (v >>> 48);
            b[p + 7] = (byte) (v >>> 56);
        }
    }

    /** Writes node(left, right) at out[outOff..]; the children are read at the given offsets. */
    public void hashNode(byte[] left, int leftOff, byte[] right, int rightOff, byte[] out, int outOff) {
        // one contiguous 65-byte message: a single update avoids per-call overhead
        node[0] = NODE_TAG;
        System.arraycopy(left, leftOff, node, 1, DIGEST_BYTES);
        System.arraycopy(right, rightOff, node, 1 + DIGEST_BYTES, DIGEST_BYTES);
        sha.update(node, 0, node.length);
        digestInto(out, outOff);
    }

    private void digestInto(byte[] out, int off) {
        try {
            sha.digest(out, off, DIGEST_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest into buffer failed", e);
        }
    }
}

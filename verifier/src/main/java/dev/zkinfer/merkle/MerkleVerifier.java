package dev.zkinfer.merkle;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import java.security.MessageDigest;

/**
 * Checks a compressed multi-path opening of a binary Merkle tree (see {@link MerkleHash}).
 *
 * <p>Format: the opened leaves are given by strictly increasing indices (the caller derives
 * them from the transcript and reads their contents). The proof then lists, level by level
 * from the leaves up and in increasing index order within a level, the digest of every sibling
 * that cannot be computed from the opened leaves: a node whose sibling is also known is never
 * sent (shared nodes are de-duplicated). The number of digests read is therefore determined by
 * the indices and at most {@code count · depth}; nothing is allocated from a length in the
 * proof.
 * Stateless and thread-safe.
 */
public final class MerkleVerifier {
    private MerkleVerifier() {}

    /**
     * Verifies that the leaves with the given digests sit at {@code indices} in the tree of
     * depth {@code depth} (2^depth leaves) with root {@code root}.
     *
     * @param indices strictly increasing leaf indices in [0, 2^depth)
     * @param leafDigests 32 bytes per index, in the same order
     * @throws InvalidProofException if a sibling digest is missing or the recomputed root differs
     */
    public static void verify(MerkleHash hash, byte[] root, int depth, int[] indices, byte[] leafDigests,
            ProofReader proof, String what) throws InvalidProofException {
        int count = indices.length;
        if (depth < 0 || depth > 40 || count == 0 || leafDigests.length != MerkleHash.DIGEST_BYTES * count) {
            throw new IllegalArgumentException("bad Merkle opening shape");
        }
        for (int i = 0; i < count; i++) {
            if (indices[i] < 0 || (depth < 31 && indices[i] >= (1 << depth)) || (i > 0 && indices[i] <= indices[i - 1])) {
                throw new IllegalArgumentException("Merkle indices must be increasing and inside the tree");
            }
        }
        int[] idx = indices.clone();
        byte[] cur = leafDigests.clone();
        byte[] next = new byte[cur.length];
        for (int level = 0; level < depth; level++) {
            int out = 0;
            int i = 0;
            while (i < count) {
                int node = idx[i];
                if ((node & 1) == 0 && i + 1 < count && idx[i + 1] == node + 1) {
                    hash.hashNode(cur, 32 * i, cur, 32 * (i + 1), next, 32 * out);
                    i += 2;
                } else {
                    byte[] sibling = proof.bytes(what + " Merkle sibling", MerkleHash.DIGEST_BYTES);
                    if ((node & 1) == 0) {
                        hash.hashNode(cur, 32 * i, sibling, 0, next, 32 * out);
                    } else {
                        hash.hashNode(sibling, 0, cur, 32 * i, next, 32 * out);
                    }
                    i += 1;
                }
                idx[out] = node >>> 1;
                out++;
            }
            count = out;
            byte[] t = cur;
            cur = next;
            next = t;
        }
        // After depth levels every path has reached node 0: exactly one digest remains.
        if (count != 1 || !MessageDigest.isEqual(java.util.Arrays.copyOf(cur, 32), root)) {
            throw new InvalidProofException(what + ": Merkle opening does not match the committed root");
        }
    }
}

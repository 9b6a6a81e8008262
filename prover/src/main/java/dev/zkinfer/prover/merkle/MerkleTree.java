package dev.zkinfer.prover.merkle;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.merkle.MerkleVerifier;
import dev.zkinfer.prover.backend.CommitKernels;
import java.util.Arrays;

/**
 * A binary SHA-256 Merkle tree over fixed-size leaves of field elements (hashing of
 * {@link MerkleHash}), built layer by layer with the backend's (multi-threaded) kernels, with
 * compressed multi-path openings in the format that {@link MerkleVerifier} reads.
 */
public final class MerkleTree {
    /** layers[0]: leaf digests; layers[depth]: the root. 32 bytes per node; null for a layer in {@link #lower}. */
    private final byte[][] layers;
    private final int numLeaves;
    /** The layers moved to a file ({@link #spilled}), at {@link #offsets}; null when all are held. */
    private final SpillFile lower;
    private final long[] offsets;

    private MerkleTree(byte[][] layers) {
        this(layers, layers[0].length / MerkleHash.DIGEST_BYTES, null, null);
    }

    private MerkleTree(byte[][] layers, int numLeaves, SpillFile lower, long[] offsets) {
        this.layers = layers;
        this.numLeaves = numLeaves;
        this.lower = lower;
        this.offsets = offsets;
    }

    /** Layers of at least this many nodes (2 MiB) are the ones {@link #spilled()} moves to a file. */
    public static final int SPILL_MIN_NODES = 1 << 16;

    /**
     * This tree with its layers of {@value #SPILL_MIN_NODES} nodes or more in a file ({@link
     * SpillFile}): a large commitment's tree (2 GiB at 2^25 leaves) costs no heap while a proof
     * runs, and an opening reads its paths' siblings back (a few thousand reads of 32 bytes). This
     * tree itself when it has no such layer or no file can be written.
     */
    public MerkleTree spilled() {
        return spilled(SPILL_MIN_NODES);
    }

    /** As {@link #spilled()}, for the layers below the root of at least {@code minNodes} nodes (tests: small trees). */
    public MerkleTree spilled(int minNodes) {
        long bytes = 0;
        int count = 0;
        for (int level = 0; level < layers.length - 1; level++) {
            if (spills(level, minNodes)) {
                bytes += layers[level].length;
                count++;
            }
        }
        if (lower != null || count == 0) {
            return this;
        }
        SpillFile file = SpillFile.create(bytes);
        if (file == null) {
            return this;
        }
        byte[][] held = layers.clone();
        long[] at = new long[layers.length];
        long offset = 0;
        for (int level = 0; level < layers.length - 1; level++) {
            if (spills(level, minNodes)) {
                if (!file.appendBytes(layers[level])) {
                    return this;
                }
                at[level] = offset;
                offset += layers[level].length;
                held[level] = null;
            }
        }
        return new MerkleTree(held, numLeaves, file, at);
    }

    /** The file of the spilled layers, or null (tests). */
    SpillFile spillFileForTests() {
        return lower;
    }

    private boolean spills(int level, int minNodes) {
        return layers[level] != null && layers[level].length >= (long) minNodes * MerkleHash.DIGEST_BYTES;
    }

    /** The digest of node {@code node} of layer {@code level}. */
    private byte[] node(int level, int node) {
        byte[] layer = layers[level];
        if (layer == null) {
            return lower.bytes(offsets[level] + (long) MerkleHash.DIGEST_BYTES * node, MerkleHash.DIGEST_BYTES);
        }
        return Arrays.copyOfRange(layer, MerkleHash.DIGEST_BYTES * node, MerkleHash.DIGEST_BYTES * (node + 1));
    }

    /** Builds the tree whose leaves are consecutive runs of {@code leafLongs} longs of data. */
    public static MerkleTree build(CommitKernels kernels, long[] data, int leafLongs) {
        if (leafLongs <= 0 || data.length % leafLongs != 0 || Integer.bitCount(data.length / leafLongs) != 1) {
            throw new IllegalArgumentException("a Merkle tree needs a power-of-two number of whole leaves");
        }
        return build(kernels, data, data.length / leafLongs, leafLongs);
    }

    /**
     * Builds the tree over {@code leaves} leaves of {@code leafLongs} longs of data, which may be
     * a resident handle of the kernels' backend ({@link CommitKernels#merkleLayers}).
     */
    public static MerkleTree build(CommitKernels kernels, long[] data, int leaves, int leafLongs) {
        checkShape(leaves, leafLongs);
        return new MerkleTree(kernels.merkleLayers(data, leaves, leafLongs));
    }

    /** The tree over leaves whose digests (32 bytes each, a power of two of them) are {@code digests}: the layers above hashed here. */
    public static MerkleTree fromLeafDigests(CommitKernels kernels, byte[] digests) {
        int leaves = digests.length / 32;
        if (digests.length % 32 != 0 || Integer.bitCount(leaves) != 1) {
            throw new IllegalArgumentException("a Merkle tree needs a power-of-two number of 32-byte leaf digests");
        }
        int depth = Integer.numberOfTrailingZeros(leaves);
        byte[][] layers = new byte[depth + 1][];
        layers[0] = digests;
        for (int level = 1; level <= depth; level++) {
            layers[level] = kernels.hashParents(layers[level - 1]);
        }
        return new MerkleTree(layers);
    }

    /**
     * A hiding tree (see {@link MerkleHash}): the leaves' digests salted with
     * {@code salts} ({@link MerkleHash#SALT_BYTES} bytes per leaf, fresh random bytes from the
     * caller), the layers above them hashed here. Openings then send each opened leaf's salt.
     */
    public static MerkleTree buildSalted(CommitKernels kernels, long[] data, int leaves, int leafLongs, byte[] salts) {
        checkShape(leaves, leafLongs);
        if (salts.length != (long) leaves * MerkleHash.SALT_BYTES) {
            throw new IllegalArgumentException("a salted tree needs " + MerkleHash.SALT_BYTES + " bytes of salt per leaf");
        }
        int depth = Integer.numberOfTrailingZeros(leaves);
        byte[][] layers = new byte[depth + 1][];
        // salted leaf digests (one native pass where the backend has it) and the layers above them
        layers[0] = kernels.hashSaltedLeaves(data, leaves, leafLongs, salts);
        for (int level = 1; level <= depth; level++) {
            layers[level] = kernels.hashParents(layers[level - 1]);
        }
        return new MerkleTree(layers);
    }

    /**
     * Checks that a tree of {@code leaves} leaves of {@code leafLongs} longs fits Java arrays: a
     * power of two of leaves, their data (leaves × leafLongs longs) and the leaf digest layer
     * (32 bytes a leaf) each below 2^31 elements, computed in long arithmetic (at 2^26 leaves
     * the digest layer alone would be 2^31 bytes). Pure: allocates nothing.
     *
     * @throws IllegalArgumentException naming the limit that the shape exceeds
     */
    public static void checkShape(long leaves, long leafLongs) {
        if (leafLongs <= 0 || leaves <= 0 || Long.bitCount(leaves) != 1) {
            throw new IllegalArgumentException("a Merkle tree needs a power-of-two number of whole leaves");
        }
        if (leaves * MerkleHash.DIGEST_BYTES > MAX_ARRAY || leaves > MAX_ARRAY / leafLongs) {
            throw new IllegalArgumentException("a Merkle tree of " + leaves + " leaves of " + leafLongs
                    + " longs exceeds Java's array limits (at most 2^25 leaves)");
        }
    }

    /** The most elements this code allocates in one array (the JVM's own limit is a few below 2^31 − 1). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public byte[] root() {
        return Arrays.copyOf(layers[layers.length - 1], MerkleHash.DIGEST_BYTES);
    }

    public int depth() {
        return layers.length - 1;
    }

    public int numLeaves() {
        return numLeaves;
    }

    /**
     * Writes the siblings needed to authenticate the leaves at {@code indices} (strictly
     * increasing): level by level, in increasing order, each sibling not computable from the
     * opened leaves (see {@link MerkleVerifier}).
     */
    public void writeMultiProof(int[] indices, ProofWriter out) {
        int[] idx = indices.clone();
        int count = idx.length;
        for (int i = 0; i < count; i++) {
            if (idx[i] < 0 || idx[i] >= numLeaves() || (i > 0 && idx[i] <= idx[i - 1])) {
                throw new IllegalArgumentException("indices must be increasing and inside the tree");
            }
        }
        for (int level = 0; level < depth(); level++) {
            int outCount = 0;
            int i = 0;
            while (i < count) {
                int node = idx[i];
                if ((node & 1) == 0 && i + 1 < count && idx[i + 1] == node + 1) {
                    i += 2;
                } else {
                    int sib = node ^ 1;
                    out.bytes(node(level, sib));
                    i += 1;
                }
                idx[outCount++] = node >>> 1;
            }
            count = outCount;
        }
    }
}

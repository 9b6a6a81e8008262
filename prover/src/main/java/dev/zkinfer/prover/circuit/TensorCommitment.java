package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A proof's hiding commitment to the tensors of one committed end, its inputs or its outputs
 * ({@link CommittedEnd}, docs/zero-knowledge.md §3.5): one polynomial holding each committed
 * tensor's padded values and its tensor mask R_T (the same coefficients the witness's mask block
 * for T holds), committed with the hiding WHIR for one opening. Everything random in it (the masks
 * R_T, the hiding mask block, the leaf salts, the mask polynomial) comes from a 32-byte seed, so
 * the values and the seed recreate its root: they are the opening a prover hands to the tensors'
 * owner. Immutable.
 */
public final class TensorCommitment {
    /** The seed's length in bytes. */
    public static final int SEED_BYTES = 32;

    private final Map<Integer, long[]> masks;
    private final WhirProver.WhirCommitment commitment;

    private TensorCommitment(Map<Integer, long[]> masks, WhirProver.WhirCommitment commitment) {
        this.masks = masks;
        this.commitment = commitment;
    }

    /**
     * Commits to the tensors of {@code end} of the key's batch circuit.
     *
     * @param padded each committed tensor's padded values (its witness table), by circuit tensor id
     */
    public static TensorCommitment commit(VerifyingKey vk, CommittedEnd end, Map<Integer, long[]> padded, byte[] seed, Backend backend) {
        if (!vk.committed(end)) {
            throw new IllegalArgumentException("the key's proofs carry no " + end.noun() + " commitment");
        }
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("an " + end.noun() + " commitment's seed has " + SEED_BYTES + " bytes, got " + seed.length);
        }
        ZkLayout zk = vk.zkLayout();
        CommittedLayout layout = zk.commitment(end);
        SecureRandom random = seeded(seed, end);
        Map<Integer, long[]> values = new HashMap<>();
        Map<Integer, long[]> masks = new HashMap<>();
        for (int t : zk.committed(end)) {
            long[] x = padded.get(t);
            if (x == null || x.length != vk.circuit().tensor(t).layout().paddedSize()) {
                throw new IllegalArgumentException("no padded values of the right size for committed " + end.noun() + " "
                        + vk.circuit().tensor(t).name());
            }
            int block = zk.maskBlock(t);
            long[] mask = new long[1 << layout.blocks(block).get(0).numVars()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = SumcheckProver.uniformBase(random);
            }
            values.put(t, x);
            values.put(block, mask);
            masks.put(t, mask);
        }
        long[] table = layout.pack(values);
        WhirProver.WhirCommitment c = new WhirProver(vk.commitmentPcs(end), backend).commit(table, layout.numVars(), random);
        return new TensorCommitment(masks, c);
    }

    /**
     * The root that these tensors and this seed give for the key's circuit of batch {@code batch}:
     * what a holder of an opening compares with a proof's {@code commitment(end)}.
     *
     * @param tensors each committed tensor's values (field elements, unpadded), in input or output order
     */
    public static byte[] root(VerifyingKey vk, CommittedEnd end, List<long[]> tensors, byte[] seed) {
        int[] ids = vk.zkLayout().committed(end);
        if (tensors.size() != ids.length) {
            throw new IllegalArgumentException(ids.length + " committed " + end.noun() + "s, got " + tensors.size());
        }
        Map<Integer, long[]> padded = new HashMap<>();
        for (int k = 0; k < ids.length; k++) {
            var layout = vk.circuit().tensor(ids[k]).layout();
            if (tensors.get(k).length != layout.size()) {
                throw new IllegalArgumentException("committed " + end.noun() + " " + k + " has " + layout.size() + " values, got "
                        + tensors.get(k).length);
            }
            padded.put(ids[k], layout.pad(tensors.get(k), 0));
        }
        return commit(vk, end, padded, seed, Backends.scalar()).root();
    }

    public byte[] root() {
        return commitment.root();
    }

    WhirProver.WhirCommitment commitment() {
        return commitment;
    }

    /** Each committed tensor's mask block (R_T's coefficients as the witness lays them out), by tensor id. */
    Map<Integer, long[]> maskBlocks() {
        return masks;
    }

    /**
     * A deterministic generator from the seed (SHA1PRNG seeded before first use, as the model
     * commitment's), domain-separated per end.
     */
    private static SecureRandom seeded(byte[] seed, CommittedEnd end) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(seed);
            sha.update(("zkinfer/" + end.noun() + "-commitment-randomness").getBytes(StandardCharsets.US_ASCII));
            r.setSeed(sha.digest());
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

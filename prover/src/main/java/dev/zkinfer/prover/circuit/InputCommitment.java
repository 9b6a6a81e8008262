package dev.zkinfer.prover.circuit;

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
 * A proof's hiding commitment to its inputs, for keys with committed inputs
 * (docs/zero-knowledge.md §3.5): one polynomial holding each committed input's padded values and
 * its tensor mask R_I (the same coefficients the witness's mask block for I holds), committed with
 * the hiding WHIR for one opening. Everything random in it (the masks R_I, the hiding mask block,
 * the leaf salts, the mask polynomial) comes from a 32-byte seed, so the inputs and the seed
 * recreate its root: they are the opening a prover hands to the input's owner. Immutable.
 */
public final class InputCommitment {
    /** The seed's length in bytes. */
    public static final int SEED_BYTES = 32;

    private final VerifyingKey vk;
    private final Map<Integer, long[]> masks;
    private final WhirProver.WhirCommitment commitment;

    private InputCommitment(VerifyingKey vk, Map<Integer, long[]> masks, WhirProver.WhirCommitment commitment) {
        this.vk = vk;
        this.masks = masks;
        this.commitment = commitment;
    }

    /**
     * Commits to the inputs of the key's batch circuit.
     *
     * @param padded each committed input's padded values (its witness table), by circuit tensor id
     */
    public static InputCommitment commit(VerifyingKey vk, Map<Integer, long[]> padded, byte[] seed, Backend backend) {
        if (!vk.committedInputs()) {
            throw new IllegalArgumentException("the key's proofs carry no input commitment");
        }
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("an input commitment's seed has " + SEED_BYTES + " bytes, got " + seed.length);
        }
        ZkLayout zk = vk.zkLayout();
        CommittedLayout layout = zk.inputCommitment();
        SecureRandom random = seeded(seed);
        Map<Integer, long[]> values = new HashMap<>();
        Map<Integer, long[]> masks = new HashMap<>();
        for (int t : zk.committedInputs()) {
            long[] x = padded.get(t);
            if (x == null || x.length != vk.circuit().tensor(t).layout().paddedSize()) {
                throw new IllegalArgumentException("no padded values of the right size for committed input " + vk.circuit().tensor(t).name());
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
        WhirProver.WhirCommitment c = new WhirProver(vk.inputCommitmentPcs(), backend).commit(table, layout.numVars(), random);
        return new InputCommitment(vk, masks, c);
    }

    /**
     * The root that these inputs and this seed give for the key's circuit of batch {@code batch}:
     * what a holder of an opening compares with a proof's {@code inputCommitment()}.
     *
     * @param inputs each committed input's values (field elements, unpadded), in input order
     */
    public static byte[] root(VerifyingKey vk, List<long[]> inputs, byte[] seed) {
        int[] ids = vk.zkLayout().committedInputs();
        if (inputs.size() != ids.length) {
            throw new IllegalArgumentException(ids.length + " committed inputs, got " + inputs.size());
        }
        Map<Integer, long[]> padded = new HashMap<>();
        for (int k = 0; k < ids.length; k++) {
            var layout = vk.circuit().tensor(ids[k]).layout();
            if (inputs.get(k).length != layout.size()) {
                throw new IllegalArgumentException("committed input " + k + " has " + layout.size() + " values, got " + inputs.get(k).length);
            }
            padded.put(ids[k], layout.pad(inputs.get(k), 0));
        }
        return commit(vk, padded, seed, Backends.scalar()).root();
    }

    public byte[] root() {
        return commitment.root();
    }

    WhirProver.WhirCommitment commitment() {
        return commitment;
    }

    /** Each committed input's mask block (R_I's coefficients as the witness lays them out), by tensor id. */
    Map<Integer, long[]> maskBlocks() {
        return masks;
    }

    VerifyingKey key() {
        return vk;
    }

    /** A deterministic generator from the seed (SHA1PRNG seeded before first use, as the model commitment's). */
    private static SecureRandom seeded(byte[] seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(seed);
            sha.update("zkinfer/input-commitment-randomness".getBytes(StandardCharsets.US_ASCII));
            r.setSeed(sha.digest());
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

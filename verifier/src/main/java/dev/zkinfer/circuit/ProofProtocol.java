package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.poly.Mle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The whole-model proof protocol, shared by the prover and the verifier so both follow one
 * specification (DESIGN.md "Proof system", "Security").
 *
 * <p>Proof format (little-endian): magic "ZKPF", u32 version, the 32-byte verifying-key
 * digest; u32 batch size (one of the key's batch circuits, {@link VerifyingKey#forBatch}) and
 * u32 rows (the real rows, 1 to the batch size: the others are padding, proved but not
 * reported; since version 7; version 8: the zero-knowledge masked sumchecks' per-round degrees
 * and one blinded opening for all weight tensors, docs/zero-knowledge.md §3.1 and §5); u32 k and, for each of the circuit's k public inputs in order, u32 length and its
 * values; u32 m and, for each of its m public outputs in order, u32 length and its values (since
 * version 12 the values as {@link dev.zkinfer.encoding.ProofWriter#signedValues} writes them: u8
 * width w, the least of 1, 2, 4 and 8 bytes that holds them as signed integers, then each in w bytes;
 * GPT-2's 50,257 int16 logits take 100,515 bytes instead of 402,056; the transcript absorbs the same
 * field elements as before) (k, m and every length are fixed by the verifying key; they are in the proof so that
 * {@code zkinfer inspect} can read it alone; m = 0 for a key with committed outputs); the model
 * commitment's out-of-domain answers; for a key with committed inputs, the 32-byte
 * input-commitment root and its out-of-domain answers; for a key with committed outputs, the
 * 32-byte output-commitment root and its out-of-domain answers ({@link CommittedEnd}); the
 * 32-byte witness-commitment root and its out-of-domain answers, then the sub-proofs in
 * transcript order.
 *
 * <p>Transcript order ({@value #PROTOCOL}): the verifying-key digest (which binds the
 * protocol version, the security parameters, the circuits, with their number of inputs and outputs,
 * and the model root), the batch size and rows (as "batch"), the model commitment's out-of-domain samples and answers
 * ({@link dev.zkinfer.pcs.WhirVerifier#readOutOfDomain}: they depend on the key alone), each
 * public input in order, each public output in order, for a key with committed inputs the
 * input commitment's root and its out-of-domain samples and answers ("input-commitment-root"),
 * for a key with committed outputs the output commitment's ("output-commitment-root"), the witness root and its
 * out-of-domain samples and answers; with committed inputs, under {@value #COMMITTED_INPUTS_DOMAIN},
 * per committed input a point z ("committed-input/point"), the masked value Î(z) (an extension
 * element in the proof, "committed-input/value"), and then the input commitment's WHIR opening of
 * those values (docs/zero-knowledge.md §3.5); then the lookup challenges α, β; the LogUp-GKR proof and the looked-up columns'
 * evaluations; one random point per output, in output order, each giving the claim on that
 * output's polynomial (with committed outputs, under {@value #COMMITTED_OUTPUTS_DOMAIN}: per output
 * the point ("committed-output/point") and the masked value Ô(r) ("committed-output/value"), which
 * is the claim on the output, then the output commitment's WHIR opening of those values); under
 * {@value RequantZeroChecks#DOMAIN}, the requantizations' batched sumcheck ({@link RequantZeroChecks}: in integrity
 * mode the zero-checks of those that define no output, in zero-knowledge mode all of them, each derived excess's
 * claims merged first; nothing when the circuit has none); the layers from last to first (but those), each
 * preceded by the merging of the claims on its outputs; then, under {@value #MODEL_BLOCKS_DOMAIN},
 * for each claim on a model tensor that the tight packing splits into blocks (claims in the
 * order they were made, per tensor), each block's evaluation B̃(ρ_free) in block order (an
 * extension element in the proof, absorbed as "model-block"), which the verifier checks against
 * the claim ({@link CommittedLayout}); then, for the model and the witness
 * commitment in turn, one WHIR opening of all claims on the committed polynomial (batched by
 * WHIR's own random combination, no separate merging sumcheck).
 * Stateless and thread-safe.
 */
public final class ProofProtocol {
    public static final String PROTOCOL = "zkinfer/proof/v1";
    private static final byte[] MAGIC = {'Z', 'K', 'P', 'F'};
    /**
     * 22: the last WHIR round's query answers are checked by the final sumcheck, as constraints combined with
     * a challenge β like every other round's ({@link dev.zkinfer.pcs.WhirProtocol}), instead of each being
     * compared with the final polynomial evaluated at its point (2^m_R products per query), and an opening's
     * weighted claims are absorbed in two calls (all (k, block) pairs, then all values; two per claim before), in both
     * modes; and in zero-knowledge proofs every requantization (zero-checks and derived excesses alike) is in one
     * masked sumcheck before the layer loop with one sumcheck mask ({@link RequantZeroChecks}, "Zero-knowledge mode";
     * one masked sumcheck and mask per layer before, and the key's mask pool counted a degree-15 slot per layer);
     * 21: a hiding (zero-knowledge) tree's salted leaf is one hash, SHA-256(0x02 ‖ salt ‖ leaf values)
     * ({@link dev.zkinfer.merkle.MerkleHash#hashSaltedLeaf}; SHA-256(0x02 ‖ salt ‖ leaf digest) before), and in
     * zero-knowledge proofs a sumcheck mask's coefficient lies in four consecutive pool entries, its three
     * components and an unused one ({@link ZkLayout#poolEntry}; its components lay in three runs before), so the
     * verifier evaluates the mask's weight with one product per coefficient; integrity-mode proofs differ in the
     * version field only;
     * 20: a model commitment of 2^26–2^27 values is opened at rate 1/4 with round 0's own domain shrink
     * ({@link dev.zkinfer.pcs.PcsParameters#forModelCommitment}: about half the round-0 queries), and
     * commitments of 2^26 values or more grind 22 bits per query phase (16 before);
     * 19: in integrity mode the zero-checks of all requantizations without derived excess are one sumcheck before
     * the layer loop ({@link RequantZeroChecks}; one per layer before, about 900 bytes each on GPT-2);
     * 18: a public output may hold its last axis in residue order, as its verifying key records
     * ({@link ResidueOrder}: a tied LM head's logits, which the verifier puts into vocabulary order outside
     * the proof; the output's length is the circuit tensor's, as before); 16: an index map moves its claim without a sumcheck also when its input is not an index map's output but
     * the circuit's relations force the padding it reads to 0 (ZeroPadding: requantizations, matmuls, products,
     * tables, ...), and a broadcast (one input coordinate copied along an axis) moves its claim divided by the
     * sum of its eq weights, and in integrity mode a commitment the layers leave no claim on is opened at its
     * out-of-domain answers alone (else nothing would check its root and answers); 15: in integrity mode a requantization's derived excess moves its claim to x, y and the remainder limbs without a
     * sumcheck when the layer has one multiplier, and by a sumcheck over the channel variables only when it has one per
     * channel (RequantLayer, "Derived excess"); 14: an index map that is a permutation of index bits (onto a sub-cube of its input, whose padding is 0) moves its
     * claim without a sumcheck (IndexMapLayer.claimTransfer); 13: a zero-knowledge key whose witness polynomial has
     * room for them holds the model openings' mask parts in the witness (docs/zero-knowledge.md §3.3 item 3: the model
     * opening sends their symbols without a tree of its own); 12: public inputs and outputs in their shortest signed
     * width (8 bytes a value before); 11: commitments of 2^26 values are encoded at rate 1/2 (rate 1/4 before); 10: a
     * requantization with a derived excess proves its definition by a sumcheck instead of the zero-check. */
    public static final int VERSION = 22;
    /** The bytes before the public inputs: magic, version, verifying-key digest, batch size and rows. */
    public static final int HEADER_BYTES = 4 + 4 + 32 + 4 + 4;
    /** Domain of the model tensors' block evaluations ({@link CommittedLayout#tight}). */
    public static final String MODEL_BLOCKS_DOMAIN = "zkinfer/model-blocks/v1";
    public static final String MERGE_DOMAIN = "zkinfer/merge/v1";
    /** Domain of the committed inputs' binding points and values (docs/zero-knowledge.md §3.5). */
    public static final String COMMITTED_INPUTS_DOMAIN = "zkinfer/committed-inputs/v1";
    /** Domain of the committed outputs' claim points and values (docs/zero-knowledge.md §3.5). */
    public static final String COMMITTED_OUTPUTS_DOMAIN = "zkinfer/committed-outputs/v1";

    private ProofProtocol() {}

    /** The proof file's first four bytes, {@code ZKPF} (a fresh copy). */
    public static byte[] magic() {
        return MAGIC.clone();
    }

    /** Whether {@code file} starts with the proof magic. */
    public static boolean hasMagic(byte[] file) {
        return file.length >= MAGIC.length && Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** One LogUp segment per lookup spec (layer order), then one table segment per distinct table. */
    public static List<SegmentShape> lookupShapes(Circuit c) {
        List<SegmentShape> shapes = new ArrayList<>();
        List<LookupTable> tables = new ArrayList<>(c.multiplicities().keySet());
        // by hash, not List.indexOf: GPT's activation tables share their 2^16-row input column, so
        // telling them apart by equals went through it for every lookup and every earlier table
        Map<LookupTable, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            index.put(tables.get(i), i);
        }
        for (LookupSpec s : lookupSpecs(c)) {
            shapes.add(SegmentShape.lookup(c.tensor(s.columns()[0]).layout().numVars(), index.get(s.table())));
        }
        for (int i = 0; i < tables.size(); i++) {
            shapes.add(SegmentShape.table(tables.get(i).logSize(), i));
        }
        return shapes;
    }

    public static List<LookupSpec> lookupSpecs(Circuit c) {
        List<LookupSpec> specs = new ArrayList<>();
        for (Layer l : c.layers()) {
            specs.addAll(l.lookups());
        }
        return specs;
    }

    /** Σ_j γ^j eq(z_j, ρ): the merge sumcheck's weight at its final point. */
    public static Ext3 mergeWeight(List<Claim> claims, Ext3 gamma, Ext3[] rho) {
        Ext3 acc = Ext3.ZERO;
        Ext3 g = Ext3.ONE;
        for (Claim c : claims) {
            acc = acc.add(g.mul(Mle.eq(c.point(), rho)));
            g = g.mul(gamma);
        }
        return acc;
    }

    public static Ext3 mergeSum(List<Claim> claims, Ext3 gamma) {
        Ext3 acc = Ext3.ZERO;
        Ext3 g = Ext3.ONE;
        for (Claim c : claims) {
            acc = acc.add(g.mul(c.value()));
            g = g.mul(gamma);
        }
        return acc;
    }

    /** The multiplicity tensor of each table, in table order. */
    public static int[] multiplicityTensors(Circuit c) {
        Map<LookupTable, Integer> m = c.multiplicities();
        return m.values().stream().mapToInt(Integer::intValue).toArray();
    }
}

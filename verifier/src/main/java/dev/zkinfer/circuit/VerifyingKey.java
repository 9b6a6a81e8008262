package dev.zkinfer.circuit;

import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.security.SecurityProfile;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The verifying key: the circuits of the batch sizes the model is proved at, the
 * model-commitment root and the security profile. Its SHA-256 digest is the model's identity;
 * a proof names the digest of the key it was made for, and which of its batch circuits it uses.
 * Only keys produced by {@code compile} should be trusted: the verifier never accepts a circuit
 * supplied by a prover.
 *
 * <p>Batches: a key holds one circuit per batch size b (1 included unless the model cannot be
 * stacked): the circuit of b inferences at once, stacked along the leading dimension of every
 * run-time tensor, all of them proved against the one model commitment (the compiler checks that
 * every batch circuit packs exactly the same weights). A "row" is one inference of the model as
 * compiled (its own input shape); the input and output of a batch circuit are b rows one after
 * the other. {@link #forBatch} gives the key of one batch circuit (same digest, profile, root and
 * scales); {@link #circuit()} and the layouts are those of this key's batch, the smallest one for
 * a decoded key.
 *
 * <p>Format (little-endian): magic "ZKVK", u32 version, u32 security bits, u32 flags (bit 0:
 * zero-knowledge, docs/zero-knowledge.md; bit 1: committed inputs, only with bit 0 and private
 * inputs, §3.5; bit 2: committed outputs, only with bit 0, §3.5; bits 16 to 31: T, the proofs a zero-knowledge key's weights stay hidden for, at
 * least 1 with bit 0 and 0 without it; no other bit may be set), 32-byte model root,
 * u32 input count k and for each input its scale (IEEE-754 bits as u64), min and max (i32)
 * (the public inputs, then, with committed inputs, the committed ones: a holder of an input
 * quantizes it with these),
 * u32 output count m and per output its scale (u64), the number of its elements in one row of
 * the model (u32, at least 1: {@link #outputElements}) and its order (u32 0: the circuit's row as
 * the model's, or u32 1 and a {@link ResidueOrder}: u32 elements, b1, b2), then u32 n, the number of batch
 * circuits (1 to {@value #MAX_BATCH_CIRCUITS}), and n times: u32 batch size (increasing, 1 to
 * {@value #MAX_BATCH}) and the circuit ({@link Circuit#encode}, whose k inputs and m outputs
 * these are, in the same order, each holding a whole number of rows per batch entry); then, in
 * the file only, the 32-byte digest of all of that as a checksum, so a corrupted key is reported
 * as corrupted rather than as another model.
 * Version 11 added each output's order ({@link #outputOrder}: a tied LM head's logits proved in
 * residue order, put into vocabulary order outside the proof instead of by a Gather layer); version
 * 12 has the same bytes as 11, but a model commitment of 2^26–2^27 values is made at rate 1/4
 * ({@link PcsParameters#forModelCommitment}), so an earlier key of such a model no longer matches
 * the root it records; keys of version 11 and earlier are refused.
 * Version 10 added the layer tag {@link LayerCodec#LINEAR_TRANSPOSED} (a Linear layer reading its
 * weights transposed, so that a tied embedding and LM head commit one tensor); its keys are otherwise
 * encoded as version 9's, and keys of version 9 and earlier are refused. Version 9 added each output's elements per row (a committed one-element output that a circuit
 * holds in its padded two-element form, docs/zero-knowledge.md §3.5), and its circuits may hold a
 * requantization with the derived table clamp (clamp form 2: the excess a COMPUTED tensor the layer
 * defines, RequantLayer "Derived excess"), limbs up to 20 bits and max-pool layers with derived gaps;
 * keys of version 8 and earlier are refused. Version 8: the same bytes as 7, but a zero-knowledge key's witness layout, which the key derives from
 * its circuit, changed (per-round sumcheck mask sizes, one blinded opening for all weight
 * tensors: docs/zero-knowledge.md §3.4, §5), so a version-7 zero-knowledge key no longer matches
 * the digest it records; version 7: T in the flags word (version 6 derived it from the circuit);
 * version 6 added the flags word, version 5 had several batch circuits, version 4 one circuit, and
 * keys of version 8 and earlier are refused: compile the model again.
 * Immutable and thread-safe: one key may verify proofs on many threads at once.
 */
public final class VerifyingKey {
    private static final byte[] MAGIC = {'Z', 'K', 'V', 'K'};
    public static final int VERSION = 12;
    /** Flags bit 0: proofs for this key are zero-knowledge. */
    static final int FLAG_ZERO_KNOWLEDGE = 1;
    /** Flags bit 1: the private inputs are also committed in each proof's input commitment (§3.5). */
    static final int FLAG_COMMITTED_INPUTS = CommittedEnd.INPUTS.flag();
    /** Flags bit 2: the outputs are masked and committed in each proof's output commitment (§3.5). */
    static final int FLAG_COMMITTED_OUTPUTS = CommittedEnd.OUTPUTS.flag();
    /** Flags bits 16 to 31: T, the proofs a zero-knowledge key's weights stay hidden for. */
    static final int PROOFS_SHIFT = 16;
    /** The largest T the flags word holds. */
    public static final int MAX_HIDDEN_PROOFS = 0xFFFF;
    /** The most batch circuits one key holds. */
    public static final int MAX_BATCH_CIRCUITS = 16;
    /** The largest batch size (inferences in one proof). */
    public static final int MAX_BATCH = 4096;

    private final SecurityProfile profile;
    private final Circuit circuit;
    private final int batch;
    private final int[] batchSizes;
    private final Circuit[] circuits;
    private final VerifyingKey[] views;
    private final byte[] modelRoot;
    private final IoScales io;
    private final int[] outputElements;
    /** Each output's {@link ResidueOrder}, null where the circuit holds the model's order. */
    private final ResidueOrder[] outputOrders;
    private final byte[] encoded;
    private final byte[] digest;
    private final CommittedLayout modelLayout;
    private final CommittedLayout witnessLayout;
    private final boolean zeroKnowledge;
    private final int hiddenProofs;
    private final boolean committedInputs;
    private final boolean committedOutputs;
    private final ZkLayout zkLayout;

    /** An integrity-mode key with one circuit, of batch size 1. */
    public VerifyingKey(SecurityProfile profile, Circuit circuit, byte[] modelRoot, IoScales io) {
        this(profile, new int[] {1}, new Circuit[] {circuit}, modelRoot, io, 0);
    }

    /** A key with one circuit, of batch size 1; zero-knowledge (with the default T) or not. */
    public VerifyingKey(SecurityProfile profile, Circuit circuit, byte[] modelRoot, IoScales io, boolean zeroKnowledge) {
        this(profile, new int[] {1}, new Circuit[] {circuit}, modelRoot, io, zeroKnowledge ? defaultHiddenProofs(profile, circuit) : 0);
    }

    /** An integrity-mode key with one circuit per batch size (see below). */
    public VerifyingKey(SecurityProfile profile, int[] batchSizes, Circuit[] circuits, byte[] modelRoot, IoScales io) {
        this(profile, batchSizes, circuits, modelRoot, io, 0);
    }

    /**
     * A key with one circuit per batch size: {@code batchSizes} increasing, {@code circuits[i]}
     * the circuit of {@code batchSizes[i]} rows; {@code io} describes one row.
     *
     * @param hiddenProofs 0 for an integrity-mode key; for a zero-knowledge key (docs/zero-knowledge.md),
     *     T, the proofs its weights stay hidden for (1 to {@value #MAX_HIDDEN_PROOFS}; the model
     *     commitment is laid out for it, {@link ZkLayout#modelHiding})
     * @throws IllegalArgumentException if a circuit does not fit, or zero-knowledge mode cannot prove
     *     one of them (a tensor it must mask has one element), or no model commitment holds T
     */
    public VerifyingKey(SecurityProfile profile, int[] batchSizes, Circuit[] circuits, byte[] modelRoot, IoScales io,
            int hiddenProofs) {
        this(profile, batchSizes, circuits, modelRoot, io, hiddenProofs, false, false);
    }

    /**
     * As above; with {@code committedInputs} (zero-knowledge keys whose circuits take private
     * inputs only) each proof also carries a hiding commitment to its inputs, which a holder of an
     * input and the prover's opening can check (docs/zero-knowledge.md §3.5); {@code io} then
     * describes the committed inputs too, after the public ones. With {@code committedOutputs}
     * (zero-knowledge keys) the proofs carry no output but a hiding commitment to it, checked the
     * same way; {@code io} still gives the output scales.
     */
    public VerifyingKey(SecurityProfile profile, int[] batchSizes, Circuit[] circuits, byte[] modelRoot, IoScales io,
            int hiddenProofs, boolean committedInputs, boolean committedOutputs) {
        this(profile, batchSizes, circuits, modelRoot, io, hiddenProofs, committedInputs, committedOutputs, null);
    }

    /**
     * As above, with each output's elements in one row of the model ({@link #outputElements}); null
     * for the elements of one row of the first circuit's outputs (no output held in a padded form).
     * An output's elements per row must be those of every circuit's output row, except that with
     * committed outputs a one-element output may be held in a row of two, its padded form (the value
     * first, a 0 the circuit forces second; docs/zero-knowledge.md §3.5).
     */
    public VerifyingKey(SecurityProfile profile, int[] batchSizes, Circuit[] circuits, byte[] modelRoot, IoScales io,
            int hiddenProofs, boolean committedInputs, boolean committedOutputs, int[] outputElements) {
        this(profile, batchSizes, circuits, modelRoot, io, hiddenProofs, committedInputs, committedOutputs, outputElements, null);
    }

    /**
     * As above, with each output's {@link ResidueOrder} ({@code outputOrders} null, or null where the
     * circuit holds an output in the model's order): the circuit's output has the order's width as
     * its last axis, and {@code outputElements} (null: derived) counts the model's elements per row.
     * Public outputs only (a committed output is opened in the circuit's form).
     */
    public VerifyingKey(SecurityProfile profile, int[] batchSizes, Circuit[] circuits, byte[] modelRoot, IoScales io,
            int hiddenProofs, boolean committedInputs, boolean committedOutputs, int[] outputElements, ResidueOrder[] outputOrders) {
        boolean zeroKnowledge = hiddenProofs != 0;
        if (committedOutputs && !zeroKnowledge) {
            throw new IllegalArgumentException("committed outputs need a zero-knowledge key");
        }
        if (hiddenProofs < 0 || hiddenProofs > MAX_HIDDEN_PROOFS) {
            throw new IllegalArgumentException("a zero-knowledge key hides its weights for 1 to " + MAX_HIDDEN_PROOFS + " proofs, not " + hiddenProofs);
        }
        if (modelRoot.length != 32) {
            throw new IllegalArgumentException("model root must be 32 bytes");
        }
        if (batchSizes.length != circuits.length || batchSizes.length < 1 || batchSizes.length > MAX_BATCH_CIRCUITS) {
            throw new IllegalArgumentException("a key holds 1 to " + MAX_BATCH_CIRCUITS + " batch circuits, one per batch size");
        }
        for (int i = 0; i < batchSizes.length; i++) {
            int b = batchSizes[i];
            if (b < 1 || b > MAX_BATCH || (i > 0 && b <= batchSizes[i - 1])) {
                throw new IllegalArgumentException("batch sizes must increase, from 1 to " + MAX_BATCH + ": " + Arrays.toString(batchSizes));
            }
            Circuit c = circuits[i];
            int committed = committedInputs ? ZkLayout.privateInputs(c).length : 0;
            if (committedInputs && (!zeroKnowledge || committed == 0 || c.inputs().length != 0)) {
                throw new IllegalArgumentException("committed inputs need a zero-knowledge key whose circuits take private inputs only");
            }
            if (io.inputs().size() != c.inputs().length + committed || io.outputScales().size() != c.outputs().length) {
                throw new IllegalArgumentException("the scales describe " + io.inputs().size() + " inputs and " + io.outputScales().size()
                        + " outputs, the circuit has " + (c.inputs().length + committed) + " and " + c.outputs().length);
            }
            for (int id : committedInputs ? ZkLayout.privateInputs(c) : new int[0]) {
                requireRows(c, id, b);
            }
            for (int id : c.inputs()) {
                requireRows(c, id, b);
            }
            for (int id : c.outputs()) {
                requireRows(c, id, b);
            }
        }
        outputOrders = outputOrders == null ? new ResidueOrder[io.outputScales().size()] : outputOrders.clone();
        if (outputOrders.length != io.outputScales().size()) {
            throw new IllegalArgumentException("the key gives " + outputOrders.length + " outputs' orders for " + io.outputScales().size() + " outputs");
        }
        for (int j = 0; j < outputOrders.length; j++) {
            ResidueOrder order = outputOrders[j];
            if (order == null) {
                continue;
            }
            if (committedOutputs) {
                throw new IllegalArgumentException("a committed output is held in the model's order");
            }
            for (int i = 0; i < circuits.length; i++) {
                int[] dims = circuits[i].tensor(circuits[i].outputs()[j]).layout().dims();
                if (dims[dims.length - 1] != order.width()) {
                    throw new IllegalArgumentException("output " + j + " of the batch-" + batchSizes[i] + " circuit has a last axis of "
                            + dims[dims.length - 1] + ", its residue order " + order.width());
                }
            }
        }
        if (outputElements == null) {
            outputElements = new int[circuits[0].outputs().length];
            for (int j = 0; j < outputElements.length; j++) {
                long row = circuits[0].tensor(circuits[0].outputs()[j]).layout().size() / batchSizes[0];
                outputElements[j] = (int) (outputOrders[j] == null ? row : row / outputOrders[j].width() * outputOrders[j].elements());
            }
        }
        if (outputElements.length != io.outputScales().size()) {
            throw new IllegalArgumentException("the key gives " + outputElements.length + " outputs' elements per row for "
                    + io.outputScales().size() + " outputs");
        }
        for (int i = 0; i < circuits.length; i++) {
            for (int j = 0; j < outputElements.length; j++) {
                long row = circuits[i].tensor(circuits[i].outputs()[j]).layout().size() / batchSizes[i];
                if (outputOrders[j] != null) {
                    row = row / outputOrders[j].width() * outputOrders[j].elements();
                }
                boolean padded = committedOutputs && outputElements[j] == 1 && row == 2;
                if (row != outputElements[j] && !padded) {
                    throw new IllegalArgumentException("output " + j + " has " + outputElements[j] + " elements per row, the batch-"
                            + batchSizes[i] + " circuit's " + row);
                }
            }
        }
        this.profile = profile;
        this.batchSizes = batchSizes.clone();
        this.circuits = circuits.clone();
        this.modelRoot = modelRoot.clone();
        this.io = io;
        this.outputElements = outputElements.clone();
        this.outputOrders = outputOrders;
        ProofWriter w = new ProofWriter();
        w.bytes(MAGIC).u32(VERSION).u32(profile.bits())
                .u32(zeroKnowledge ? FLAG_ZERO_KNOWLEDGE | (committedInputs ? FLAG_COMMITTED_INPUTS : 0)
                        | (committedOutputs ? FLAG_COMMITTED_OUTPUTS : 0) | hiddenProofs << PROOFS_SHIFT : 0)
                .bytes(modelRoot);
        w.u32(io.inputs().size());
        for (IoScales.InputDomain d : io.inputs()) {
            w.u64(Double.doubleToLongBits(d.scale())).u32(d.min()).u32(d.max());
        }
        w.u32(io.outputScales().size());
        for (int j = 0; j < outputElements.length; j++) {
            w.u64(Double.doubleToLongBits(io.outputScale(j))).u32(outputElements[j]);
            ResidueOrder order = outputOrders[j];
            if (order == null) {
                w.u32(0);
            } else {
                w.u32(1).u32(order.elements()).u32(order.b1()).u32(order.b2());
            }
        }
        w.u32(circuits.length);
        for (int i = 0; i < circuits.length; i++) {
            w.u32(batchSizes[i]);
            circuits[i].encode(w);
        }
        this.encoded = w.toByteArray();
        this.digest = sha256(encoded);
        if (zeroKnowledge) {
            for (int i = 0; i < circuits.length; i++) {
                List<String> bad = ZkLayout.unsupported(circuits[i], committedOutputs);
                if (!bad.isEmpty()) {
                    throw new IllegalArgumentException("zero-knowledge mode cannot prove the batch-" + batchSizes[i] + " circuit: "
                            + String.join("; ", bad));
                }
            }
        }
        this.views = new VerifyingKey[circuits.length];
        this.batch = batchSizes[0];
        this.circuit = circuits[0];
        this.zeroKnowledge = zeroKnowledge;
        this.hiddenProofs = hiddenProofs;
        this.committedInputs = committedInputs;
        this.committedOutputs = committedOutputs;
        this.modelLayout = modelLayout(circuit, zeroKnowledge);
        this.zkLayout = zeroKnowledge ? zkLayout(profile, circuit, hiddenProofs, committedInputs, committedOutputs, modelPcs) : null;
        if (zkLayout != null && zkLayout.modelMaskBlocks().length > 0) {
            modelPcs = modelPcs.withZkMaskElsewhere(); // the witness holds the model openings' mask parts (docs/zero-knowledge.md §3.3)
        }
        this.witnessLayout = zeroKnowledge ? zkLayout.witness() : CommittedLayout.padded(circuit, circuit.tensorsWithRole(TensorRole.ADVICE));
        views[0] = this;
    }

    /** The key of one batch circuit: everything shared with {@code of}, but circuit and layouts. */
    private VerifyingKey(VerifyingKey of, int index) {
        this.profile = of.profile;
        this.batchSizes = of.batchSizes;
        this.circuits = of.circuits;
        this.views = of.views;
        this.modelRoot = of.modelRoot;
        this.io = of.io;
        this.outputElements = of.outputElements;
        this.outputOrders = of.outputOrders;
        this.encoded = of.encoded;
        this.digest = of.digest;
        this.batch = batchSizes[index];
        this.circuit = circuits[index];
        this.zeroKnowledge = of.zeroKnowledge;
        this.hiddenProofs = of.hiddenProofs;
        this.committedInputs = of.committedInputs;
        this.committedOutputs = of.committedOutputs;
        this.modelLayout = modelLayout(circuit, of.zeroKnowledge);
        this.zkLayout = of.zeroKnowledge ? zkLayout(profile, circuit, hiddenProofs, committedInputs, committedOutputs, modelPcs) : null;
        if (zkLayout != null && zkLayout.modelMaskBlocks().length > 0) {
            modelPcs = modelPcs.withZkMaskElsewhere(); // the witness holds the model openings' mask parts (docs/zero-knowledge.md §3.3)
        }
        this.witnessLayout = of.zeroKnowledge ? zkLayout.witness() : CommittedLayout.padded(circuit, circuit.tensorsWithRole(TensorRole.ADVICE));
    }

    private CommittedLayout modelLayout(Circuit circuit, boolean zeroKnowledge) {
        if (!zeroKnowledge) {
            return CommittedLayout.tight(circuit, circuit.tensorsWithRole(TensorRole.MODEL));
        }
        ZkLayout.ModelHiding h = modelHiding(profile, circuit, hiddenProofs);
        modelPcs = h.params();
        return h.layout();
    }

    /**
     * A zero-knowledge key's model commitment for this circuit: its layout (weights, blinding block,
     * hiding mask block), hiding WHIR parameters and T, the proofs the weights stay hidden for.
     */
    public static ZkLayout.ModelHiding modelHiding(SecurityProfile profile, Circuit circuit, int proofs) {
        return ZkLayout.modelHiding(circuit, n -> PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, n), proofs);
    }

    /** The T a zero-knowledge key for this circuit gets when none is asked for ({@link ZkLayout#defaultProofs}). */
    public static int defaultHiddenProofs(SecurityProfile profile, Circuit circuit) {
        return ZkLayout.defaultProofs(circuit, n -> PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, n));
    }

    /** Zero-knowledge: how many proofs the weights stay hidden for (docs/zero-knowledge.md §5); 0 for an integrity key. */
    public int hiddenProofs() {
        return hiddenProofs;
    }

    private static ZkLayout zkLayout(SecurityProfile profile, Circuit circuit, int hiddenProofs, boolean committedInputs,
            boolean committedOutputs, PcsParameters modelPcs) {
        return new ZkLayout(circuit, n -> hidingMask(profile, n), hiddenProofs, committedInputs, committedOutputs, modelPcs);
    }

    /** Whether each proof carries a hiding commitment to its (private) inputs (docs/zero-knowledge.md §3.5). */
    public boolean committedInputs() {
        return committedInputs;
    }

    /**
     * What a proof reveals of the model's inputs: "public" (the proof carries them), "private"
     * (nothing), "committed" (a hiding commitment that a holder of the input and its opening can
     * check), or "none" for a model without run-time input.
     */
    public String inputVisibility() {
        if (committedInputs) {
            return "committed";
        }
        if (circuit.inputs().length > 0) {
            return "public";
        }
        return ZkLayout.privateInputs(circuit).length > 0 ? "private" : "none";
    }

    /** Whether the proofs carry no output but a hiding commitment to it (docs/zero-knowledge.md §3.5). */
    public boolean committedOutputs() {
        return committedOutputs;
    }

    /** Whether the proofs carry a commitment for {@code end}. */
    public boolean committed(CommittedEnd end) {
        return end == CommittedEnd.INPUTS ? committedInputs : committedOutputs;
    }

    /**
     * What a proof reveals of the model's outputs: "public" (the proof carries them) or "committed"
     * (a hiding commitment that a holder of the output and its opening can check).
     */
    public String outputVisibility() {
        return committedOutputs ? "committed" : "public";
    }

    /** The hiding WHIR parameters of the commitment for {@code end} (a committed end only). */
    public PcsParameters commitmentPcs(CommittedEnd end) {
        if (!committed(end)) {
            throw new IllegalStateException("the key's proofs carry no " + end.noun() + " commitment");
        }
        return hidingPcs(profile, zkLayout.commitment(end).numVars());
    }

    /** Whether proofs for this key are zero-knowledge. */
    public boolean zeroKnowledge() {
        return zeroKnowledge;
    }

    /** The zero-knowledge mode's masks and witness layout of this key's circuit; null for an integrity-mode key. */
    public ZkLayout zkLayout() {
        return zkLayout;
    }

    /**
     * The elements of one row of output j as the model computes it: the circuit's output row, or 1
     * for a committed one-element output that the circuit holds in its padded form ({@link #outputPadded}).
     */
    public int outputElements(int j) {
        return outputElements[j];
    }

    /**
     * Whether this batch circuit holds output j in a padded form: a committed one-element output in a
     * row of two, its value first and a 0 second (the circuit forces the 0), because a one-element
     * tensor cannot be masked (docs/zero-knowledge.md §3.5). Its commitment is to the padded form;
     * its opening holds the value only ({@link #circuitOutput}).
     */
    public boolean outputPadded(int j) {
        return outputOrders[j] == null && circuit.tensor(circuit.outputs()[j]).layout().size() / batch != outputElements[j];
    }

    /** Output j's dimensions in this batch circuit as the model has them: a padded output's are all 1. */
    public int[] outputDims(int j) {
        int[] dims = circuit.tensor(circuit.outputs()[j]).layout().dims();
        if (outputOrders[j] != null) {
            dims[dims.length - 1] = outputOrders[j].elements();
        } else if (outputPadded(j)) {
            Arrays.fill(dims, 1);
            dims[0] = batch;
        }
        return dims;
    }

    /**
     * Output j's values in this batch circuit's tensor (every row, signed or field) from the model's
     * ({@link #outputElements} per row, every row of the batch): each row's elements, then zeros
     * up to the circuit's row; for an output with a {@link #outputOrder}, each element at its
     * residue-order position, zeros at the positions naming none.
     *
     * @throws IllegalArgumentException when {@code values} is not a whole batch of model rows
     */
    public long[] circuitOutput(int j, long[] values) {
        int elements = outputElements[j];
        if (values.length != (long) elements * batch) {
            throw new IllegalArgumentException("output " + j + " has " + elements + " value(s) per row, " + batch + " row(s) in the batch, not "
                    + values.length + " values");
        }
        if (outputOrders[j] != null) {
            return outputOrders[j].toCircuit(values);
        }
        int row = (int) (circuit.tensor(circuit.outputs()[j]).layout().size() / batch);
        long[] out = new long[row * batch];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(values, r * elements, out, r * row, elements);
        }
        return out;
    }

    /**
     * The model's values of output j (every row of the batch) from this batch circuit's output tensor
     * ({@code values}, unpadded): each row's first {@link #outputElements}. The rest of a padded row
     * is the circuit's zero padding and is not returned. For an output with a {@link #outputOrder}
     * (a tied LM head's logits in residue order) the values of each last axis in the model's order:
     * the verifier's outcome and the prover's result present the model's order this way, outside the
     * proof, which is about {@code values} as written.
     */
    public long[] modelOutput(int j, long[] values) {
        int elements = outputElements[j];
        int row = (int) (circuit.tensor(circuit.outputs()[j]).layout().size() / batch);
        if (values.length != (long) row * batch) {
            throw new IllegalArgumentException("output " + j + " has " + row * batch + " values in the circuit, not " + values.length);
        }
        if (outputOrders[j] != null) {
            return outputOrders[j].toModel(values);
        }
        long[] out = new long[elements * batch];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(values, r * row, out, r * elements, elements);
        }
        return out;
    }

    /**
     * The order in which this key's circuits hold output j's last axis, when it is not the model's
     * (a tied LM head's logits in residue order); null when the circuit's row is the model's.
     */
    public ResidueOrder outputOrder(int j) {
        return outputOrders[j];
    }

    private static void requireRows(Circuit c, int tensor, int batch) {
        if (c.tensor(tensor).layout().size() % batch != 0) {
            throw new IllegalArgumentException("the circuit of batch " + batch + " has a public tensor of "
                    + c.tensor(tensor).layout().size() + " values, not a whole number per row");
        }
    }

    /** The batch size of this key's circuit (the rows one proof with it holds). */
    public int batch() {
        return batch;
    }

    /** The batch sizes of the key's circuits, increasing. */
    public int[] batchSizes() {
        return batchSizes.clone();
    }

    /** The largest batch size. */
    public int maxBatch() {
        return batchSizes[batchSizes.length - 1];
    }

    /** The smallest batch size that holds {@code rows} rows, or -1 when none does. */
    public int batchFor(int rows) {
        for (int b : batchSizes) {
            if (b >= rows) {
                return b;
            }
        }
        return -1;
    }

    /** Whether the key has a circuit of batch size {@code b}. */
    public boolean hasBatch(int b) {
        return Arrays.binarySearch(batchSizes, b) >= 0;
    }

    /**
     * The key of the circuit of batch size {@code b} (same digest, root, profile and scales).
     *
     * @throws IllegalArgumentException if the key has no circuit of that batch size
     */
    public VerifyingKey forBatch(int b) {
        int i = Arrays.binarySearch(batchSizes, b);
        if (i < 0) {
            throw new IllegalArgumentException("the key has no circuit for a batch of " + b + " (it has " + Arrays.toString(batchSizes) + ")");
        }
        synchronized (views) {
            if (views[i] == null) {
                views[i] = new VerifyingKey(this, i);
            }
            return views[i];
        }
    }

    public static VerifyingKey decode(byte[] file) throws MalformedProofException {
        if (file.length < 4 + 32) {
            throw new MalformedProofException("not a zkinfer verifying key (too short)");
        }
        byte[] bytes = Arrays.copyOf(file, file.length - 32);
        if (!Arrays.equals(Arrays.copyOfRange(file, 0, 4), MAGIC)) {
            throw new MalformedProofException("not a zkinfer verifying key (bad magic)");
        }
        if (!Arrays.equals(sha256(bytes), Arrays.copyOfRange(file, file.length - 32, file.length))) {
            throw new MalformedProofException("corrupted verifying key (checksum mismatch)");
        }
        ProofReader in = new ProofReader(bytes);
        if (!Arrays.equals(in.bytes("magic", 4), MAGIC)) {
            throw new MalformedProofException("not a zkinfer verifying key (bad magic)");
        }
        in.expect("verifying key version", VERSION);
        int bits = in.u32("security bits");
        int flags = in.u32("flags");
        int proofs = flags >>> PROOFS_SHIFT;
        if ((flags & ~(FLAG_ZERO_KNOWLEDGE | FLAG_COMMITTED_INPUTS | FLAG_COMMITTED_OUTPUTS) & ((1 << PROOFS_SHIFT) - 1)) != 0
                || ((flags & FLAG_ZERO_KNOWLEDGE) != 0) != (proofs != 0)
                || ((flags & FLAG_ZERO_KNOWLEDGE) == 0 && (flags & (FLAG_COMMITTED_INPUTS | FLAG_COMMITTED_OUTPUTS)) != 0)) {
            throw new MalformedProofException("verifying key has unknown flags " + Integer.toHexString(flags));
        }
        SecurityProfile profile = null;
        for (SecurityProfile p : SecurityProfile.values()) {
            if (p.bits() == bits) {
                profile = p;
            }
        }
        if (profile == null) {
            throw new MalformedProofException("unknown security level " + bits);
        }
        byte[] root = in.bytes("model root", 32);
        List<IoScales.InputDomain> inputs = new ArrayList<>();
        int k = in.length("input count", 0, Circuit.MAX_IO);
        for (int i = 0; i < k; i++) {
            double scale = Double.longBitsToDouble(in.u64("input scale"));
            int min = in.u32("input min");
            int max = in.u32("input max");
            if (!validScale(scale) || min > max) {
                throw new MalformedProofException("verifying key has invalid input scales");
            }
            inputs.add(new IoScales.InputDomain(scale, min, max));
        }
        List<Double> outputs = new ArrayList<>();
        int m = in.length("output count", 1, Circuit.MAX_IO);
        int[] elements = new int[m];
        ResidueOrder[] orders = new ResidueOrder[m];
        for (int j = 0; j < m; j++) {
            double scale = Double.longBitsToDouble(in.u64("output scale"));
            if (!validScale(scale)) {
                throw new MalformedProofException("verifying key has invalid output scales");
            }
            outputs.add(scale);
            elements[j] = in.length("output elements per row", 1, Integer.MAX_VALUE);
            int order = in.length("output order", 0, 1);
            if (order == 1) {
                int n = in.length("residue order elements", 1, ResidueOrder.MAX_WIDTH);
                int b1 = in.length("residue order modulus b1", 1, ResidueOrder.MAX_WIDTH);
                int b2 = in.length("residue order modulus b2", 1, ResidueOrder.MAX_WIDTH);
                try {
                    orders[j] = new ResidueOrder(n, b1, b2);
                } catch (IllegalArgumentException e) {
                    throw new MalformedProofException("verifying key has an invalid output order: " + e.getMessage());
                }
            }
        }
        try {
            int n = in.length("batch circuit count", 1, MAX_BATCH_CIRCUITS);
            int[] sizes = new int[n];
            Circuit[] circuits = new Circuit[n];
            for (int i = 0; i < n; i++) {
                sizes[i] = in.length("batch size", 1, MAX_BATCH);
                circuits[i] = Circuit.decode(in);
            }
            in.finish();
            return new VerifyingKey(profile, sizes, circuits, root, new IoScales(inputs, outputs), proofs,
                    (flags & FLAG_COMMITTED_INPUTS) != 0, (flags & FLAG_COMMITTED_OUTPUTS) != 0, elements, orders);
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException
                | ArithmeticException | NegativeArraySizeException e) {
            // A key whose checksum holds but whose circuit does not (crafted, or written by a
            // buggy tool): reported as a malformed key, never as an exception from the decoder.
            throw new MalformedProofException("inconsistent verifying key: " + e.getMessage());
        }
    }

    private static boolean validScale(double s) {
        return s > 0 && !Double.isInfinite(s);
    }

    /** The key file: the encoding followed by its digest. */
    public byte[] encode() {
        byte[] out = Arrays.copyOf(encoded, encoded.length + 32);
        System.arraycopy(digest, 0, out, encoded.length, 32);
        return out;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public SecurityProfile profile() {
        return profile;
    }

    public Circuit circuit() {
        return circuit;
    }

    public IoScales io() {
        return io;
    }

    public byte[] modelRoot() {
        return modelRoot.clone();
    }

    /** SHA-256 of the encoding. */
    public byte[] digest() {
        return digest.clone();
    }

    public CommittedLayout modelLayout() {
        return modelLayout;
    }

    public CommittedLayout witnessLayout() {
        return witnessLayout;
    }

    /**
     * Each commitment targets {@value #PCS_MARGIN_BITS} bits above the profile, so that the
     * union bound over both commitments' query phases and every other component still meets
     * the profile's target (see {@link ProofSecurity}).
     */
    public static final int PCS_MARGIN_BITS = 3;

    private volatile PcsParameters modelPcs;
    private volatile PcsParameters witnessPcs;

    /** The model commitment's WHIR parameters (derived from the profile and the layout; cached). */
    public PcsParameters modelPcs() {
        PcsParameters p = modelPcs;
        if (p == null) {
            p = PcsParameters.forModelCommitment(profile.bits() + PCS_MARGIN_BITS, modelLayout.numVars());
            modelPcs = p;
        }
        return p;
    }

    /** The witness commitment's WHIR parameters (cached): hiding for a zero-knowledge key. */
    public PcsParameters witnessPcs() {
        PcsParameters p = witnessPcs;
        if (p == null) {
            p = zkLayout != null ? hidingPcs(profile, witnessLayout.numVars())
                    : PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, witnessLayout.numVars());
            witnessPcs = p;
        }
        return p;
    }

    /** Hiding WHIR parameters for a witness polynomial of n variables. */
    private static PcsParameters hidingPcs(SecurityProfile profile, int n) {
        return PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, n).withZeroKnowledge();
    }

    /** The mask block a hiding witness polynomial of n variables reserves; 2^n when n is too small for it (the layout grows). */
    private static long hidingMask(SecurityProfile profile, int n) {
        PcsParameters p = PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, n);
        if (!p.withZeroKnowledgeFits()) {
            return 1L << n;
        }
        try {
            return p.withZeroKnowledge().zkMaskSize();
        } catch (IllegalArgumentException e) {
            return 1L << n;
        }
    }
}

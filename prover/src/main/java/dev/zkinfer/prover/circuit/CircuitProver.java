package dev.zkinfer.prover.circuit;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitTensor;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.LookupSpec;
import dev.zkinfer.circuit.LookupTable;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.RequantZeroChecks;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.WitnessForm;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.Columns;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.lookup.SegmentClaim;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.lookup.LogUpSegment;
import dev.zkinfer.prover.lookup.LogUpGkrProver;
import dev.zkinfer.prover.lookup.LookupSegment;
import dev.zkinfer.prover.lookup.Multiplicities;
import dev.zkinfer.prover.lookup.TableSegment;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Proves a whole circuit on a witness: the prover's mirror of
 * {@link dev.zkinfer.circuit.CircuitVerifier} (same messages, same transcript order; see
 * {@link ProofProtocol}). Stateless apart from its configuration: safe to use from several
 * threads, each call with its own witness.
 */
public final class CircuitProver {
    private final VerifyingKey vk;
    private final ModelCommitment modelCommitment;
    private final long[] modelTable;
    private final Backend backend;

    /**
     * @param modelTable the packed model polynomial ({@link CommittedLayout#pack}) that
     *     {@code modelCommitment} commits to
     */
    public CircuitProver(VerifyingKey vk, WhirProver.WhirCommitment modelCommitment, long[] modelTable, Backend backend) {
        this(vk, new ModelCommitment() {
            @Override
            public WhirProver.WhirCommitment get() {
                return modelCommitment;
            }

            @Override
            public WhirProver.WhirCommitment ifMade() {
                return modelCommitment;
            }
        }, modelTable, backend);
    }

    /** The model commitment, which a proving key may still be making (its recommitment in the background). */
    public interface ModelCommitment {
        /** The commitment, waiting for it if need be; fails unless it has the verifying key's root. */
        WhirProver.WhirCommitment get();

        /** The commitment if it is made (and its root checked), else null. */
        WhirProver.WhirCommitment ifMade();
    }

    /**
     * As above, with a model commitment that may still be being made: an integrity-mode proof
     * then draws its out-of-domain samples from the verifying key's root and {@code modelTable}
     * (the same messages), and waits for the commitment only when it opens it, after the layers
     * and lookups.
     */
    public CircuitProver(VerifyingKey vk, ModelCommitment modelCommitment, long[] modelTable, Backend backend) {
        this.vk = vk;
        this.modelCommitment = modelCommitment;
        this.modelTable = modelTable;
        this.backend = backend;
    }

    /** Computes the multiplicity tensors of every lookup table from the witness. */
    public static void computeMultiplicities(Circuit circuit, WitnessValues w) {
        Map<LookupTable, long[]> counts = new LinkedHashMap<>();
        Map<LookupTable, RowIndex> indexes = new HashMap<>();
        for (LookupSpec spec : ProofProtocol.lookupSpecs(circuit)) {
            LookupTable table = spec.table();
            long[] m = counts.computeIfAbsent(table, t -> new long[1 << t.logSize()]);
            int nc = spec.columns().length;
            long[][] vcols = new long[nc][];
            long[] offs = new long[nc];
            for (int c = 0; c < nc; c++) {
                vcols[c] = w.get(spec.columns()[c]);
                offs[c] = Goldilocks.fromSigned(spec.offsets()[c]);
            }
            if (table.isRange()) {
                long size = 1L << table.bits();
                long[] v = vcols[0];
                long off = offs[0];
                for (int i = 0; i < v.length; i++) {
                    long x = Goldilocks.add(v[i], off);
                    if (Long.compareUnsigned(x, size) >= 0) {
                        throw new IllegalStateException("lookup value " + x + " at index " + i
                                + " is not in its table (the witness is inconsistent)");
                    }
                    m[(int) x]++;
                }
            } else {
                RowIndex idx = indexes.computeIfAbsent(table, RowIndex::new);
                long[] key = new long[nc];
                for (int i = 0; i < vcols[0].length; i++) {
                    for (int c = 0; c < nc; c++) {
                        key[c] = Goldilocks.add(vcols[c][i], offs[c]);
                    }
                    int row = idx.find(key);
                    if (row < 0) {
                        throw new IllegalStateException("lookup value " + Arrays.toString(key) + " at index " + i
                                + " is not in its table (the witness is inconsistent)");
                    }
                    m[row]++;
                }
            }
        }
        for (Map.Entry<LookupTable, Integer> e : circuit.multiplicities().entrySet()) {
            long[] m = counts.get(e.getKey());
            w.put(e.getValue(), m);
        }
    }

    /**
     * Row of a tuple in an explicit table (the first occurrence of a repeated row): open
     * addressing over row numbers, no per-element allocation.
     */
    private static final class RowIndex {
        private final long[][] cols;
        private final int[] slots;
        private final int mask;

        RowIndex(LookupTable table) {
            cols = new long[table.columns()][];
            for (int c = 0; c < cols.length; c++) {
                cols[c] = table.column(c);
            }
            int rows = cols[0].length;
            int cap = Integer.highestOneBit(Math.max(4, rows * 2 - 1)) << 1;
            slots = new int[cap];
            Arrays.fill(slots, -1);
            mask = cap - 1;
            long[] key = new long[cols.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols.length; c++) {
                    key[c] = cols[c][r];
                }
                int h = hash(key) & mask;
                while (slots[h] >= 0 && !matches(slots[h], key)) {
                    h = (h + 1) & mask;
                }
                if (slots[h] < 0) {
                    slots[h] = r;
                }
            }
        }

        private static int hash(long[] key) {
            long h = 0x9E37_79B9_7F4A_7C15L;
            for (long k : key) {
                h = (h ^ k) * 0xBF58_476D_1CE4_E5B9L;
                h ^= h >>> 31;
            }
            return (int) (h ^ (h >>> 32));
        }

        private boolean matches(int row, long[] key) {
            for (int c = 0; c < cols.length; c++) {
                if (cols[c][row] != key[c]) {
                    return false;
                }
            }
            return true;
        }

        int find(long[] key) {
            int h = hash(key) & mask;
            while (slots[h] >= 0) {
                if (matches(slots[h], key)) {
                    return slots[h];
                }
                h = (h + 1) & mask;
            }
            return -1;
        }
    }

    /**
     * Writes a proof for a complete witness (every tensor's padded values, advice and
     * multiplicities included). {@code progress} receives one line per stage.
     */
    public byte[] prove(WitnessValues w, Consumer<String> progress) {
        return prove(w, progress, null);
    }

    /**
     * As {@link #prove(WitnessValues, Consumer)}; when {@code modelBlocksRange} is not null, its
     * first two entries receive the byte range [start, end) of the proof that holds the model
     * tensors' block evaluations ({@link CommittedLayout#tight}), for tests that tamper with them.
     */
    public byte[] prove(WitnessValues w, Consumer<String> progress, int[] modelBlocksRange) {
        return prove(w, vk.batch(), progress, modelBlocksRange);
    }

    /**
     * As {@link #prove(WitnessValues, Consumer, int[])} for a witness of this key's batch circuit
     * whose first {@code rows} rows are real (the proof reports only those).
     */
    public byte[] prove(WitnessValues w, int rows, Consumer<String> progress, int[] modelBlocksRange) {
        return prove(w, rows, progress, modelBlocksRange, vk.zeroKnowledge() ? new java.security.SecureRandom() : null);
    }

    /**
     * As above, drawing a zero-knowledge proof's masks and the hiding commitment's randomness from
     * {@code random} (a fresh SecureRandom in production; tests may pass a seeded one). Not used for
     * an integrity-mode key.
     */
    public byte[] prove(WitnessValues w, int rows, Consumer<String> progress, int[] modelBlocksRange, java.security.SecureRandom random) {
        if (vk.committedInputs() || vk.committedOutputs()) {
            throw new IllegalArgumentException("the key's proofs carry an " + (vk.committedInputs() ? "input" : "output")
                    + " commitment: prove with its seed");
        }
        return prove(w, rows, progress, modelBlocksRange, random, null, null);
    }

    /**
     * As above for a key with committed inputs or outputs (docs/zero-knowledge.md §3.5): the proof's
     * input (output) commitment is made from the witness's inputs (outputs) and {@code inputSeed}
     * ({@code outputSeed}): 32 fresh random bytes each, the secret half of the opening the prover
     * hands to the tensors' owner; null where the key commits nothing.
     */
    public byte[] prove(WitnessValues w, int rows, Consumer<String> progress, int[] modelBlocksRange, java.security.SecureRandom random,
            byte[] inputSeed, byte[] outputSeed) {
        return prove(w, rows, progress, modelBlocksRange, random, inputSeed, outputSeed, null);
    }

    /**
     * The proof; {@code commitInstead} (tests: a cheating prover) puts other padded values of a
     * committed input or output in its commitment than the witness holds.
     */
    byte[] prove(WitnessValues w, int rows, Consumer<String> progress, int[] modelBlocksRange, java.security.SecureRandom random,
            byte[] inputSeed, byte[] outputSeed, Map<Integer, long[]> commitInstead) {
        return prove(w, rows, progress, modelBlocksRange, random, inputSeed, outputSeed, commitInstead, null);
    }

    /**
     * The same; {@code alterWitnessBlocks} (tests: a cheating prover) commits, for each mask block id
     * of the witness it names, the function's result on a copy of the block's values instead of the
     * values the proof's masks are read from.
     */
    byte[] prove(WitnessValues w, int rows, Consumer<String> progress, int[] modelBlocksRange, java.security.SecureRandom random,
            byte[] inputSeed, byte[] outputSeed, Map<Integer, long[]> commitInstead,
            Map<Integer, java.util.function.UnaryOperator<long[]>> alterWitnessBlocks) {
        if (rows < 1 || rows > vk.batch()) {
            throw new IllegalArgumentException(rows + " rows in a batch of " + vk.batch());
        }
        byte[][] seeds = {inputSeed, outputSeed};
        TensorCommitment[] committed = new TensorCommitment[seeds.length];
        Map<Integer, long[]> fixedMasks = new HashMap<>();
        for (CommittedEnd end : CommittedEnd.values()) {
            byte[] seed = seeds[end.ordinal()];
            if (vk.committed(end) != (seed != null)) {
                throw new IllegalArgumentException(vk.committed(end) ? "a key with committed " + end.noun() + "s needs the "
                        + end.noun() + " commitment's seed" : "the key's proofs carry no " + end.noun() + " commitment");
            }
            if (seed != null) {
                Map<Integer, long[]> values = new HashMap<>();
                for (int t : vk.zkLayout().committed(end)) {
                    values.put(t, commitInstead != null && commitInstead.containsKey(t) ? commitInstead.get(t) : w.get(t));
                }
                committed[end.ordinal()] = TensorCommitment.commit(vk, end, values, seed, backend);
                fixedMasks.putAll(committed[end.ordinal()].maskBlocks());
            }
        }
        Circuit circuit = vk.circuit();
        Run run = new Run(w, rows, vk.zeroKnowledge() ? new ZkMasks(vk, new dev.zkinfer.prover.pcs.KeystreamRandom(random),
                fixedMasks) : null, random, new Sha256Transcript(ProofProtocol.PROTOCOL));
        run.committed = committed;
        run.alterWitnessBlocks = alterWitnessBlocks == null ? Map.of() : alterWitnessBlocks;
        byte[] proof = run.prove(circuit, progress);
        if (modelBlocksRange != null) {
            modelBlocksRange[0] = run.blocksStart;
            modelBlocksRange[1] = run.blocksEnd;
        }
        return proof;
    }

    /**
     * Simulation tests only (insecure: it proves nothing): the start of a proof of one row made with {@code transcript} (a
     * programmed one, whose challenges do not depend on what is absorbed: such a proof binds
     * nothing), up to its layer part and without the two openings, with {@code layerRange} set to
     * the offsets [start, end) of the layer part: from the first layer message (after the
     * commitments' roots, their out-of-domain answers and the lookups) to where the model
     * commitment's opening would start (the weights' blinded openings included).
     */
    byte[] insecureLayerPart(WitnessValues w, java.security.SecureRandom random, Transcript transcript, int[] layerRange) {
        Run run = new Run(w, 1, vk.zeroKnowledge() ? new ZkMasks(vk, random) : null, random, transcript);
        run.layersOnly = true;
        byte[] proof = run.prove(vk.circuit(), m -> {});
        layerRange[0] = run.layersStart;
        layerRange[1] = run.layersEnd;
        return proof;
    }

    private final class Run implements ProverContext {
        private final WitnessValues w;
        private final ProofWriter out = new ProofWriter();
        private final Transcript t;
        private final Map<Integer, List<Claim>> pending = new LinkedHashMap<>();
        /** The tensors whose defining layer has run (null before the layer loop): no claim on them may follow. */
        private boolean[] reduced;
        private int blocksStart;
        private int blocksEnd;
        /** Where the layer part of the proof starts and ends (simulation tests). */
        private int layersStart;
        private int layersEnd;
        private boolean layersOnly;
        /** Zero-knowledge: this proof's masks, the mask pool's cursor and the witness's linear claims. */
        private final ZkMasks zk;
        private final ZkLayout.MaskCursor cursor;
        /** The place of the sumcheck mask handed out and not yet claimed. */
        private ZkLayout.MaskPlace handedOut;
        private final List<WitnessForm> forms = new ArrayList<>();
        /** Tests: a cheating prover's altered witness mask blocks ({@link CircuitProver#prove}). */
        private Map<Integer, java.util.function.UnaryOperator<long[]>> alterWitnessBlocks = Map.of();

        private final java.security.SecureRandom random;

        private final int rows;
        /** Committed visibility: this proof's commitment per {@link CommittedEnd} (null entries where the key commits none). */
        private TensorCommitment[] committed = new TensorCommitment[CommittedEnd.values().length];
        private final List<List<EvaluationClaim>> committedOod = new ArrayList<>(java.util.Collections.nCopies(CommittedEnd.values().length, null));

        Run(WitnessValues w, int rows, ZkMasks zk, java.security.SecureRandom random, Transcript t) {
            this.t = t;
            this.w = w;
            this.rows = rows;
            this.zk = zk;
            this.random = random;
            this.cursor = zk == null ? null : vk.zkLayout().cursor();
        }

        @Override
        public boolean zeroKnowledge() {
            return zk != null;
        }

        @Override
        public dev.zkinfer.sumcheck.TensorMask tensorMask(int tensor) {
            return zk.tensorMask(tensor);
        }

        @Override
        public dev.zkinfer.sumcheck.SumcheckMask nextSumcheckMask(int[] degrees) {
            if (handedOut != null) {
                throw new IllegalStateException("a sumcheck mask was handed out and its value never claimed");
            }
            handedOut = cursor.next(degrees);
            return zk.sumcheckMask(handedOut);
        }

        @Override
        public void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
            ZkLayout.MaskPlace place = handedOut;
            if (place == null || !java.util.Arrays.equals(place.degrees(), degrees)) {
                throw new IllegalStateException("a sumcheck mask's value claimed for another mask than the one handed out");
            }
            handedOut = null;
            maskForm(place.block(), cursor.weights(place, point), value);
        }

        @Override
        public void tensorMaskClaim(int tensor, Ext3 x0, Ext3 wv, Ext3 value) {
            ZkLayout l = vk.zkLayout();
            maskForm(l.maskBlock(tensor), l.tensorMaskWeights(tensor, x0, wv), value);
        }

        @Override
        public void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 wv, Ext3 value) {
            ZkLayout l = vk.zkLayout();
            maskForm(l.halfBlock(layer, half), l.halfMaskWeights(x0, wv), value);
        }

        @Override
        public void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) {
            ZkLayout l = vk.zkLayout();
            maskForm(l.segmentBlock(side), l.segmentWeights(point), value);
        }

        private void maskForm(int block, dev.zkinfer.pcs.BlockWeight weight, Ext3 value) {
            forms.add(vk.zkLayout().maskForm(block, weight, value));
        }

        @Override
        public Transcript transcript() {
            return t;
        }

        @Override
        public ProofWriter proof() {
            return out;
        }

        @Override
        public Circuit circuit() {
            return vk.circuit();
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public long[] values(int tensor) {
            return w.get(tensor);
        }

        @Override
        public void claim(int tensor, Ext3[] point, Ext3 value) {
            if (reduced != null && reduced[tensor]) {
                // a claim on a computed tensor must come before its defining layer runs (the loop visits layers last to first)
                throw new IllegalStateException("claim on " + vk.circuit().tensor(tensor).name() + " after its layer was proved");
            }
            pending.computeIfAbsent(tensor, k -> new ArrayList<>()).add(new Claim(tensor, point, value));
        }

        byte[] prove(Circuit circuit, Consumer<String> progress) {
            out.bytes(ProofProtocol.magic()).u32(ProofProtocol.VERSION).bytes(vk.digest());
            t.absorbBytes("vk-digest", vk.digest());
            out.u32(vk.batch()).u32(rows);
            t.absorbLongs("batch", new long[] {vk.batch(), rows});
            int[] inIds = circuit.inputs();
            int[] outIds = circuit.outputs();
            // committed outputs are not in the proof (docs/zero-knowledge.md §3.5)
            int[] publicOutIds = vk.committedOutputs() ? new int[0] : outIds;
            long[][] inputs = new long[inIds.length][];
            long[][] outputs = new long[publicOutIds.length][];
            out.u32(inIds.length);
            for (int i = 0; i < inIds.length; i++) {
                inputs[i] = circuit.tensor(inIds[i]).layout().unpad(w.get(inIds[i]));
                out.u32(inputs[i].length).signedValues(inputs[i]);
            }
            out.u32(publicOutIds.length);
            for (int j = 0; j < publicOutIds.length; j++) {
                outputs[j] = circuit.tensor(publicOutIds[j]).layout().unpad(w.get(publicOutIds[j]));
                out.u32(outputs[j].length).signedValues(outputs[j]);
            }
            // the model commitment's out-of-domain samples: its root is in the verifying-key digest,
            // so they come before any other challenge (their answers follow the public output)
            WhirProver modelPcs = new WhirProver(vk.modelPcs(), backend);
            WhirProver.WhirCommitment made = vk.zeroKnowledge() ? modelCommitment.get() : modelCommitment.ifMade();
            List<EvaluationClaim> modelOod = made != null ? modelPcs.outOfDomain(made, out, t)
                    : modelPcs.outOfDomain(vk.modelRoot(), modelTable, out, t);
            for (long[] x : inputs) {
                t.absorbLongs("public-input", x);
            }
            for (long[] y : outputs) {
                t.absorbLongs("public-output", y);
            }

            for (CommittedEnd end : CommittedEnd.values()) {
                TensorCommitment c = committed[end.ordinal()];
                if (c != null) {
                    // the input, then the output commitment, before the witness root (docs/zero-knowledge.md §3.5)
                    out.bytes(c.root());
                    t.absorbBytes(end.rootLabel(), c.root());
                    committedOod.set(end.ordinal(), new WhirProver(vk.commitmentPcs(end), backend).outOfDomain(c.commitment(), out, t));
                }
            }
            progress.accept("committing to the witness");
            CommittedLayout wl = vk.witnessLayout();
            WhirProver witnessPcs = new WhirProver(vk.witnessPcs(), backend);
            Map<Integer, long[]> adv = new HashMap<>();
            for (int id : wl.tensors()) {
                if (zk != null && zk.blocks().containsKey(id)) {
                    long[] block = zk.blocks().get(id);
                    java.util.function.UnaryOperator<long[]> alter = alterWitnessBlocks.get(id);
                    adv.put(id, alter == null ? block : alter.apply(block.clone()));
                } else {
                    adv.put(id, w.get(id));
                }
            }
            long[] witnessTable = wl.pack(adv);
            Cancellation.checkpoint();
            WhirProver.WhirCommitment witnessCommitment = zk != null ? witnessPcs.commit(witnessTable, wl.numVars(), random)
                    : witnessPcs.commit(witnessTable, wl.numVars());
            out.bytes(witnessCommitment.root());
            t.absorbBytes("witness-root", witnessCommitment.root());
            List<EvaluationClaim> witnessOod = witnessPcs.outOfDomain(witnessCommitment, out, t);
            if (vk.committedInputs()) {
                proveCommitted(CommittedEnd.INPUTS);
            }

            progress.accept("proving lookups");
            Cancellation.checkpoint();
            proveLookups(circuit);
            layersStart = out.size();

            if (vk.committedOutputs()) {
                proveCommitted(CommittedEnd.OUTPUTS);
            }
            for (int outId : publicOutIds) {
                Ext3[] r = new Ext3[circuit.tensor(outId).layout().numVars()];
                for (int k = 0; k < r.length; k++) {
                    r[k] = t.challengeExt("output-point");
                }
                claim(outId, r, EqTables.evaluate(backend, w.get(outId), r));
            }

            // the requantizations' sumchecks as one (integrity mode: the zero-checks of those that define no output;
            // zero-knowledge mode: all, a derived excess's claims, from the lookup stage, taken and merged here)
            int[] batched = RequantZeroChecks.batched(circuit, zk != null);
            reduced = new boolean[circuit.tensors().size()];
            if (batched.length > 0) {
                progress.accept("proving " + batched.length + " requantizations' zero-checks");
                Cancellation.checkpoint();
                Claim[] excessClaims = new Claim[batched.length];
                for (int j = 0; j < batched.length; j++) {
                    // a requantization's one output, if any, is its derived excess
                    Claim[] merged = takeMerged(circuit.layers().get(batched[j]).outputs());
                    excessClaims[j] = merged.length == 0 ? null : merged[0];
                }
                RequantLayerProver.proveBatch(batched, excessClaims, this);
            }
            boolean[] skip = new boolean[circuit.layers().size()];
            for (int li : batched) {
                skip[li] = true;
            }

            List<Layer> layers = circuit.layers();
            for (int li = layers.size() - 1; li >= 0; li--) {
                if (skip[li]) {
                    continue;
                }
                Layer layer = layers.get(li);
                Cancellation.checkpoint();
                progress.accept("proving layer " + (li + 1) + "/" + layers.size() + " (" + layer.kind() + ")");
                LayerProvers.forLayer(layer).prove(layer, takeMerged(layer.outputs()), this);
            }

            List<Claim> model = new ArrayList<>();
            List<Claim> witness = new ArrayList<>();
            for (Map.Entry<Integer, List<Claim>> e : pending.entrySet()) {
                CircuitTensor ct = circuit.tensor(e.getKey());
                for (Claim c : e.getValue()) {
                    if (ct.role() == TensorRole.MODEL) {
                        model.add(c);
                    } else if (ct.role() == TensorRole.ADVICE) {
                        if (zk != null && vk.zkLayout().delta(c.tensor()) >= 0) {
                            forms.add(vk.zkLayout().maskedAdvice(c));
                        } else {
                            witness.add(new Claim(-1, wl.lift(c.tensor(), c.point()), c.value()));
                        }
                    } else if (ct.role() == TensorRole.COMPUTED) {
                        throw new IllegalStateException("claim on computed tensor " + ct.name() + " was never reduced");
                    }
                }
            }
            Cancellation.checkpoint();
            if (modelPcs.streamsRoundZero()) {
                // the model commitment's streamed opening is the proof's peak (GPT-2 small: 2^28 values): the
                // witness commitment waits for its own with its codeword and tree in files (the same bytes)
                witnessCommitment = witnessPcs.stowed(witnessCommitment);
            }
            progress.accept("opening the model commitment");
            List<dev.zkinfer.pcs.WeightedClaim> modelWeighted = new ArrayList<>();
            if (zk != null) {
                // the verifier's order: by tensor in the order of first claim, merged; then one blinded opening for all
                List<Claim> merged = new ArrayList<>();
                for (Map.Entry<Integer, List<Claim>> e : ZkLayout.byTensor(model).entrySet()) {
                    merged.add(e.getValue().size() == 1 ? e.getValue().get(0)
                            : ZkProving.merge(this, e.getKey(), e.getValue(), w.get(e.getKey())));
                }
                if (!merged.isEmpty()) {
                    modelWeighted.add(ZkProving.modelClaims(this, merged, vk.modelLayout(), ZkLayout.blindingBlock(circuit), modelTable,
                            Ext3.ZERO).claim(vk.modelLayout().numVars()));
                }
                model = List.of();
            }
            model = modelBlockClaims(model);
            layersEnd = out.size();
            if (layersOnly) {
                return out.toByteArray();
            }
            if (zk != null && !modelWeighted.isEmpty()) {
                // a hiding commitment opened by every proof: each opening draws its own mask polynomial (a model
                // without weights has no claim on it, and the verifier expects no opening, as in integrity mode)
                if (vk.modelPcs().zkMaskElsewhere()) {
                    // its mask parts are in the witness: the symbols it sends become claims on the witness (§3.3 item 3)
                    forms.addAll(vk.zkLayout().modelMaskForms(modelPcs.openMaskElsewhere(modelCommitment.get(), modelOod, List.of(),
                            List.of(), modelWeighted, random, zk.modelMaskParts(), out, t)));
                } else {
                    modelPcs.open(modelCommitment.get(), modelOod, List.of(), List.of(), modelWeighted, random, out, t);
                }
            } else if (zk == null) {
                open(modelPcs, modelCommitment.get(), modelOod, model, modelWeighted);
            }
            Cancellation.checkpoint();
            progress.accept("opening the witness commitment");
            List<dev.zkinfer.pcs.WeightedClaim> weighted = new ArrayList<>();
            for (WitnessForm f : forms) {
                weighted.add(f.claim(wl.numVars()));
            }
            open(witnessPcs, witnessCommitment, witnessOod, witness, weighted);
            return out.toByteArray();
        }

        /**
         * The verifier's verifyCommitted: per committed tensor T of {@code end}, z, v = T̂(z), a claim on
         * T (an input's extra claim, an output's output claim); then the end's commitment's opening.
         */
        private void proveCommitted(CommittedEnd end) {
            t.domain(end.domain());
            ZkLayout l = vk.zkLayout();
            CommittedLayout layout = l.commitment(end);
            List<dev.zkinfer.pcs.WeightedClaim> weighted = new ArrayList<>();
            for (int id : l.committed(end)) {
                Ext3[] z = new Ext3[vk.circuit().tensor(id).layout().numVars()];
                for (int k = 0; k < z.length; k++) {
                    z[k] = t.challengeExt(end.pointLabel());
                }
                Ext3 v = ZkProving.masked(this, id, EqTables.evaluate(backend, w.get(id), z), z);
                out.ext(v);
                t.absorbExt(end.valueLabel(), v);
                claim(id, z, v);
                weighted.add(l.maskedAdvice(layout, new Claim(id, z, v)).claim(layout.numVars()));
            }
            new WhirProver(vk.commitmentPcs(end), backend).open(committed[end.ordinal()].commitment(), committedOod.get(end.ordinal()),
                    List.of(), List.of(), weighted, random, out, t);
        }

        private void proveLookups(Circuit circuit) {
            List<LookupSpec> specs = ProofProtocol.lookupSpecs(circuit);
            if (specs.isEmpty()) {
                return;
            }
            Ext3 alpha = t.challengeExt("lookup-alpha");
            Ext3 beta = t.challengeExt("lookup-beta");
            if (zk != null) {
                ZkLookupProving.prove(this, zk.treeMasks(), alpha, beta);
                return;
            }
            List<LookupTable> tables = new ArrayList<>(circuit.multiplicities().keySet());
            int[] multTensors = ProofProtocol.multiplicityTensors(circuit);
            List<LogUpSegment> segments = new ArrayList<>();
            for (LookupSpec spec : specs) {
                long[][] cols = new long[spec.columns().length][];
                for (int c = 0; c < cols.length; c++) {
                    long off = Goldilocks.fromSigned(spec.offsets()[c]);
                    long[] v = w.get(spec.columns()[c]);
                    if (off != 0) {
                        v = v.clone();
                        for (int i = 0; i < v.length; i++) {
                            v[i] = Goldilocks.add(v[i], off);
                        }
                    }
                    cols[c] = v;
                }
                // one column combines to itself (β^0 = 1): its leaves are the same as the base-field
                // segment's, without a 3-long copy per lookup (most of a batch proof's lookups)
                segments.add(cols.length == 1 ? LookupSegment.of(cols[0], tables.indexOf(spec.table()))
                        : LookupSegment.ofExt(Columns.combine(cols, beta), tables.indexOf(spec.table())));
            }
            for (int ti = 0; ti < tables.size(); ti++) {
                LookupTable table = tables.get(ti);
                long[][] cols = new long[table.columns()][];
                for (int c = 0; c < cols.length; c++) {
                    cols[c] = table.column(c);
                }
                segments.add(cols.length == 1 ? TableSegment.of(cols[0], w.get(multTensors[ti]), ti)
                        : TableSegment.ofExt(Columns.combine(cols, beta), w.get(multTensors[ti]), ti));
            }
            List<SegmentClaim> claims = new LogUpGkrProver(backend).prove(segments, alpha, out, t);
            t.domain("zkinfer/lookup-columns/v1");
            for (int s = 0; s < specs.size(); s++) {
                LookupSpec spec = specs.get(s);
                Ext3[] point = claims.get(s).point();
                for (int c = 0; c < spec.columns().length; c++) {
                    Ext3 e = EqTables.evaluate(backend, w.get(spec.columns()[c]), point);
                    out.ext(e);
                    t.absorbExt("lookup-column", e);
                    claim(spec.columns()[c], point, e);
                }
            }
            for (int ti = 0; ti < tables.size(); ti++) {
                SegmentClaim sc = claims.get(specs.size() + ti);
                claim(multTensors[ti], sc.point(), sc.multiplicitiesEval());
            }
        }

        /**
         * The pending claims on a layer's outputs, each output's merged into one (null for an output
         * without claims); the outputs are reduced from here on (no claim on them may follow).
         */
        private Claim[] takeMerged(int[] outs) {
            Claim[] merged = new Claim[outs.length];
            for (int o = 0; o < outs.length; o++) {
                List<Claim> cs = pending.remove(outs[o]);
                reduced[outs[o]] = true;
                merged[o] = cs == null ? null : merge(outs[o], cs, w.get(outs[o]));
            }
            return merged;
        }

        private Claim merge(int tensor, List<Claim> claims, long[] values) {
            if (claims.size() == 1) {
                return claims.get(0);
            }
            if (zk != null) {
                return ZkProving.merge(this, tensor, claims, values);
            }
            Claim c = mergeClaims(claims, values);
            return new Claim(tensor, c.point(), c.value());
        }

        private Claim mergeClaims(List<Claim> claims, long[] values) {
            int n = claims.get(0).point().length;
            t.domain(ProofProtocol.MERGE_DOMAIN);
            for (Claim c : claims) {
                t.absorbExt("merge/value", c.value());
            }
            Ext3 gamma = t.challengeExt("merge/gamma");
            long[] weight = EqTables.mergeWeights(claims, gamma, n);
            SumcheckInstance inst = new SumcheckInstance(n);
            int a = inst.addBaseTable(values);
            int b = inst.addTable(weight);
            inst.addTerm(Ext3.ONE, a, b);
            SumcheckProver.Result res = new SumcheckProver(backend).prove(inst, ProofProtocol.mergeSum(claims, gamma), out, t);
            Ext3 value = res.tableEvaluations()[a];
            out.ext(value);
            t.absorbExt("merge/evaluation", value);
            return new Claim(-1, res.point(), value);
        }

        /**
         * The prover half of the verifier's modelBlockClaims: each claim on a model tensor split
         * into blocks ({@link CommittedLayout#tight}) sends its blocks' evaluations and becomes a
         * claim per block; whole tensors lift directly.
         */
        private List<Claim> modelBlockClaims(List<Claim> claims) {
            CommittedLayout layout = vk.modelLayout();
            List<Claim> lifted = new ArrayList<>();
            blocksStart = out.size();
            boolean tagged = false;
            for (Claim c : claims) {
                if (layout.isWhole(c.tensor())) {
                    lifted.add(new Claim(-1, layout.lift(c.tensor(), c.point()), c.value()));
                    continue;
                }
                if (!tagged) {
                    t.domain(ProofProtocol.MODEL_BLOCKS_DOMAIN);
                    tagged = true;
                }
                for (CommittedLayout.Block b : layout.blocks(c.tensor())) {
                    int from = (int) b.offset();
                    long[] block = Arrays.copyOfRange(modelTable, from, from + (1 << b.numVars()));
                    Ext3 v = EqTables.evaluate(backend, block, layout.freePoint(b, c.point()));
                    out.ext(v);
                    t.absorbExt("model-block", v);
                    lifted.add(new Claim(-1, layout.lift(b, c.point()), v));
                }
            }
            blocksEnd = out.size();
            return lifted;
        }

        /**
         * All claims on a committed polynomial go straight into one WHIR opening (its γ batching). The
         * out-of-domain answers sent after the root are claims too: a commitment is opened whenever it has
         * any (else a circuit whose layers leave no claim on it, e.g. index maps between public values that
         * all move their claims, would end with a root and answers nothing checks). Integrity mode only: a hiding
         * opening cannot take the answers' points as claims (they weigh the mask block), and zero-knowledge
         * circuits move no claim without a sumcheck, so their commitments are claimed whenever they hold data.
         */
        private void open(WhirProver pcs, WhirProver.WhirCommitment commitment, List<EvaluationClaim> ood, List<Claim> claims,
                List<dev.zkinfer.pcs.WeightedClaim> weighted) {
            if (claims.isEmpty() && weighted.isEmpty()) {
                if (ood.isEmpty() || pcs.parameters().zeroKnowledge()) {
                    return;
                }
                // integrity mode, no claim but the answers: the opening proves those, as its point claims
                pcs.open(commitment, ood, ood.stream().map(EvaluationClaim::point).toList(), ood.stream().map(EvaluationClaim::value).toList(),
                        weighted, out, t);
                return;
            }
            pcs.open(commitment, ood, claims.stream().map(Claim::point).toList(), claims.stream().map(Claim::value).toList(), weighted,
                    out, t);
        }
    }
}

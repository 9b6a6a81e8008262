package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.VerificationResult;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.Columns;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.SegmentClaim;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.PrefixEqTables;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies a whole-model proof against a verifying key (see {@link ProofProtocol} for the format
 * and transcript order). Deterministic, single-threaded, and total: any byte string yields a
 * result, never an exception; its cost is bounded by the verifying key.
 * Stateless and thread-safe.
 */
public final class CircuitVerifier {
    /**
     * The outcome of a verification. A valid outcome carries the proof's public inputs and
     * outputs (signed integers, in the circuit's order of inputs and outputs, each output's values in
     * the model's order: {@link VerifyingKey#modelOutput}) of its real rows, the first {@code rows}
     * of its batch, one after the other (the padding rows of a batch proof are proved but not
     * reported); an invalid one carries none, so that nothing a rejected proof claims can be read
     * as if it had been proved. For a key with committed inputs a valid outcome also carries the
     * root of the proof's input commitment ({@link #inputCommitment}); with committed outputs it
     * carries no output but the root of the output commitment ({@link #outputCommitment}).
     */
    public record Outcome(VerificationResult result, List<long[]> inputs, List<long[]> outputs, int rows, byte[] inputCommitment,
            byte[] outputCommitment) {
        /** An outcome of one row. */
        public Outcome(VerificationResult result, List<long[]> inputs, List<long[]> outputs) {
            this(result, inputs, outputs, 1);
        }

        /** An outcome without input or output commitment. */
        public Outcome(VerificationResult result, List<long[]> inputs, List<long[]> outputs, int rows) {
            this(result, inputs, outputs, rows, null, null);
        }

        public Outcome {
            if (!result.isValid()) {
                inputs = null;
                outputs = null;
                rows = 0;
                inputCommitment = null;
                outputCommitment = null;
            } else {
                inputs = List.copyOf(inputs);
                outputs = List.copyOf(outputs);
                inputCommitment = inputCommitment == null ? null : inputCommitment.clone();
                outputCommitment = outputCommitment == null ? null : outputCommitment.clone();
            }
        }

        /**
         * The root of the proof's hiding commitment to its inputs (a key with committed inputs,
         * docs/zero-knowledge.md §3.5): the proof is about the inputs this commits to, which a holder
         * of an input and the prover's opening checks by recomputing the root; null for other keys.
         * Throws IllegalStateException when the proof is invalid.
         */
        @Override
        public byte[] inputCommitment() {
            return commitment(CommittedEnd.INPUTS);
        }

        /**
         * The root of the proof's hiding commitment to its outputs (a key with committed outputs,
         * docs/zero-knowledge.md §3.5): the proof is about the outputs this commits to; null for
         * other keys. Throws IllegalStateException when the proof is invalid.
         */
        @Override
        public byte[] outputCommitment() {
            return commitment(CommittedEnd.OUTPUTS);
        }

        /** The root of the proof's commitment for {@code end}, or null when the key commits none there. */
        public byte[] commitment(CommittedEnd end) {
            proved(inputs);
            byte[] root = end == CommittedEnd.INPUTS ? inputCommitment : outputCommitment;
            return root == null ? null : root.clone();
        }

        /** The proved public inputs, one per circuit input (none for a model without run-time input). */
        @Override
        public List<long[]> inputs() {
            return proved(inputs);
        }

        /** The proved public outputs, one per circuit output (none for a key with committed outputs). */
        @Override
        public List<long[]> outputs() {
            return proved(outputs);
        }

        /**
         * The proved public input of a one-input model; throws IllegalStateException when the
         * proof is invalid or the model has another number of inputs.
         */
        public long[] input() {
            return single(inputs(), "inputs");
        }

        /**
         * The proved public output of a one-output model; throws IllegalStateException when the
         * proof is invalid or the model has several outputs.
         */
        public long[] output() {
            return single(outputs(), "outputs");
        }

        private static long[] single(List<long[]> values, String what) {
            if (values.size() != 1) {
                throw new IllegalStateException("the model has " + values.size() + " " + what + "; use " + what + "()");
            }
            return values.get(0);
        }

        /**
         * The proved inferences (rows) of the proof: 1 for a proof of one inference; 0 when the
         * proof is invalid.
         */
        @Override
        public int rows() {
            return rows;
        }

        /** The proved output {@code output} of row {@code row} (0-based), as {@link #outputs()} holds it. */
        public long[] rowOutput(int output, int row) {
            return slice(outputs().get(output), row);
        }

        /** The proved input {@code input} of row {@code row} (0-based). */
        public long[] rowInput(int input, int row) {
            return slice(inputs().get(input), row);
        }

        private long[] slice(long[] all, int row) {
            if (row < 0 || row >= rows) {
                throw new IndexOutOfBoundsException("row " + row + " of a proof of " + rows + " rows");
            }
            int per = all.length / rows;
            return Arrays.copyOfRange(all, row * per, (row + 1) * per);
        }

        private List<long[]> proved(List<long[]> values) {
            if (!result.isValid()) {
                throw new IllegalStateException("the proof is invalid (" + result.reason() + "): it proves no input or output");
            }
            return values;
        }
    }

    /**
     * Receives wall-clock times of the verifier's stages (for profiling): {@code stage} is a
     * layer index (0-based, layers are visited last to first) or -1 for the lookups, -2 for
     * the model and -3 for the witness commitment openings, -6 for the batched requantization
     * zero-checks ({@link RequantZeroChecks}; the layers it covers record nothing).
     */
    @FunctionalInterface
    public interface Timing {
        /**
         * Records nothing. A named class, not a lambda: JDK 25's start-up cache does not keep the
         * lambda's class of an interface with a default method, and spinning it at run time cost a
         * cold {@code verify} about 20 ms (class-file generation interpreted and compiled).
         */
        Timing NONE = new NoTiming();

        void record(int stage, String name, long nanos);

        /**
         * The proof bytes the stage read (same stage numbers; -4 for what precedes the lookups:
         * header, public input and output, roots and out-of-domain answers; -5 for the LogUp-GKR
         * tree within the lookups; -6 for the batched requantization zero-checks, {@link RequantZeroChecks});
         * reported once per stage, by default ignored.
         */
        default void bytes(int stage, String name, long count) {}
    }

    /** {@link Timing#NONE}. */
    private static final class NoTiming implements Timing {
        @Override
        public void record(int stage, String name, long nanos) {}
    }

    private CircuitVerifier() {}

    public static Outcome verify(VerifyingKey vk, byte[] proof) {
        return verify(vk, proof, Timing.NONE);
    }

    /** {@link #verify(VerifyingKey, byte[])} reporting the time of each stage to {@code timing}. */
    public static Outcome verify(VerifyingKey vk, byte[] proof, Timing timing) {
        List<long[]> inputs = new ArrayList<>();
        List<long[]> outputs = new ArrayList<>();
        try {
            Run run = new Run(vk, new ProofReader(proof), inputs, outputs, timing);
            run.run();
            return new Outcome(VerificationResult.valid(), realRows(inputs, run), realRows(outputs, run), run.rows,
                    run.roots[CommittedEnd.INPUTS.ordinal()], run.roots[CommittedEnd.OUTPUTS.ordinal()]);
        } catch (InvalidProofException e) {
            return new Outcome(VerificationResult.invalid(e.getMessage()), null, null);
        } catch (RuntimeException e) {
            // A verifier bug or an unforeseen malformed input: still a rejection, with a reason.
            return new Outcome(VerificationResult.invalid("malformed proof (" + e.getClass().getSimpleName() + ")"), null, null);
        }
    }

    /** The first {@code rows} rows of each of a batch's tensors (each a whole number of rows). */
    private static List<long[]> realRows(List<long[]> values, Run run) {
        List<long[]> out = new ArrayList<>(values.size());
        for (long[] v : values) {
            out.add(Arrays.copyOf(v, v.length / run.vk.batch() * run.rows));
        }
        return out;
    }

    /** One verification: the claim bookkeeping of the GKR pass. */
    private static final class Run implements VerifierContext {
        /** The key of the proof's batch circuit, once the proof has named it. */
        private VerifyingKey vk;
        private Circuit circuit;
        /** The proof's real rows (the rest of its batch is padding). */
        private int rows;
        private final ProofReader in;
        private final Transcript t = new Sha256Transcript(ProofProtocol.PROTOCOL);
        private final Map<Integer, List<Claim>> pending = new LinkedHashMap<>();
        private final List<long[]> inputs;
        private final List<long[]> outputs;
        /** Each public input tensor's padded values (its MLE's table), by tensor id. */
        private final Map<Integer, long[]> inputPadded = new HashMap<>();
        private final Timing timing;
        /** Zero-knowledge: the proof's batch circuit's masks, the mask pool's cursor, the claims on masks and the claim counts. */
        private ZkLayout zk;
        private ZkLayout.MaskCursor cursor;
        private final List<WitnessForm> forms = new ArrayList<>();
        private int[] claimed;
        /** The tensors whose defining layer has run: no claim on them may follow. */
        private boolean[] reduced;
        /** Committed visibility: each committed end's commitment root and out-of-domain claims, by {@link CommittedEnd} ordinal. */
        private final byte[][] roots = new byte[CommittedEnd.values().length][];
        private final List<List<EvaluationClaim>> rootOod = new ArrayList<>(java.util.Collections.nCopies(CommittedEnd.values().length, null));

        Run(VerifyingKey vk, ProofReader in, List<long[]> inputs, List<long[]> outputs, Timing timing) {
            this.zk = vk.zkLayout();
            this.claimed = new int[vk.circuit().tensors().size()];
            this.reduced = new boolean[vk.circuit().tensors().size()];
            this.timing = timing;
            this.vk = vk;
            this.circuit = vk.circuit();
            this.in = in;
            this.inputs = inputs;
            this.outputs = outputs;
        }

        @Override
        public Transcript transcript() {
            return t;
        }

        @Override
        public ProofReader proof() {
            return in;
        }

        @Override
        public Circuit circuit() {
            return circuit;
        }

        @Override
        public void claim(int tensor, Ext3[] point, Ext3 value) {
            if (reduced[tensor]) {
                // a claim on a computed tensor must come before its defining layer runs (the loop visits layers last to first)
                throw new IllegalStateException("claim on " + circuit.tensor(tensor).name() + " after its layer was proved");
            }
            if (point.length != circuit.tensor(tensor).layout().numVars()) {
                throw new IllegalStateException("claim on " + circuit.tensor(tensor).name() + " with a point of the wrong dimension");
            }
            if (zk != null && ++claimed[tensor] > zk.claimCount(tensor)) {
                // the key's masks are sized for the circuit's claims; more would reveal too much
                throw new IllegalStateException("more claims on " + circuit.tensor(tensor).name() + " than the key's masks allow");
            }
            pending.computeIfAbsent(tensor, k -> new ArrayList<>()).add(new Claim(tensor, point, value));
        }

        @Override
        public boolean zeroKnowledge() {
            return zk != null;
        }

        @Override
        public int tensorMaskDegree(int tensor) {
            return zk.delta(tensor);
        }

        /** Z(p) of this proof's masked claims, by p's value (List.of copies it). */
        private final Map<List<Ext3>, Ext3> vanishings = new HashMap<>();

        @Override
        public Ext3 vanishing(Ext3[] point) {
            return vanishings.computeIfAbsent(List.of(point), p -> VerifierContext.super.vanishing(point));
        }

        @Override
        public void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
            if (cursor == null) {
                cursor = zk.cursor();
            }
            ZkLayout.MaskPlace place = cursor.next(degrees);
            maskForm(place.block(), cursor.weights(place, point), value);
        }

        @Override
        public void tensorMaskClaim(int tensor, Ext3 x0, Ext3 w, Ext3 value) {
            maskForm(zk.maskBlock(tensor), zk.tensorMaskWeights(tensor, x0, w), value);
        }

        @Override
        public void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 w, Ext3 value) {
            maskForm(zk.halfBlock(layer, half), zk.halfMaskWeights(x0, w), value);
        }

        @Override
        public void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) {
            maskForm(zk.segmentBlock(side), zk.segmentWeights(point), value);
        }

        private void maskForm(int block, dev.zkinfer.pcs.BlockWeight weight, Ext3 value) {
            forms.add(zk.maskForm(block, weight, value));
        }

        void run() throws InvalidProofException {
            if (!Arrays.equals(in.bytes("magic", 4), ProofProtocol.magic())) {
                throw new MalformedProofException("not a zkinfer proof (bad magic)");
            }
            in.expect("proof version", ProofProtocol.VERSION);
            if (!Arrays.equals(in.bytes("verifying-key digest", 32), vk.digest())) {
                throw new InvalidProofException("the proof was made for a different model (verifying-key digest differs)");
            }
            t.absorbBytes("vk-digest", vk.digest());
            selectBatch();
            int[] inIds = circuit.inputs();
            int[] outIds = circuit.outputs();
            // committed outputs are not in the proof (their claims come from the output commitment's tie)
            int[] publicOutIds = vk.committedOutputs() ? new int[0] : outIds;
            long[][] input = new long[inIds.length][];
            long[][] output = new long[publicOutIds.length][];
            in.expect("public input count", inIds.length);
            for (int i = 0; i < inIds.length; i++) {
                TensorLayout l = circuit.tensor(inIds[i]).layout();
                input[i] = in.signedValues("public input", in.length("input " + i + " length", (int) l.size(), (int) l.size()));
            }
            in.expect("public output count", publicOutIds.length);
            for (int j = 0; j < publicOutIds.length; j++) {
                TensorLayout l = circuit.tensor(publicOutIds[j]).layout();
                output[j] = in.signedValues("public output", in.length("output " + j + " length", (int) l.size(), (int) l.size()));
            }
            for (int i = 0; i < inIds.length; i++) {
                long[] values = signed(input[i]);
                // a public input outside the quantized input domain is not a valid inference
                try {
                    vk.io().input(i).check(values);
                } catch (IllegalArgumentException e) {
                    throw new InvalidProofException("public " + (inIds.length > 1 ? "input " + i + ": " : "") + e.getMessage());
                }
                inputs.add(values);
                inputPadded.put(inIds[i], circuit.tensor(inIds[i]).layout().pad(input[i], 0));
            }
            for (int j = 0; j < output.length; j++) {
                // the model's values: an output the circuit holds in residue order is put into the
                // model's order here, outside the proof, which is about output[j] as written (ResidueOrder)
                outputs.add(vk.modelOutput(j, signed(output[j])));
            }
            // the model commitment's out-of-domain samples (its root is in the verifying-key digest)
            // before any other challenge; their answers follow the public output in the proof
            List<EvaluationClaim> modelOod;
            try {
                modelOod = new WhirVerifier(vk.modelPcs()).readOutOfDomain(vk.modelRoot(), in, t);
            } catch (InvalidProofException e) {
                throw new InvalidProofException("model commitment: " + e.getMessage());
            }
            // every public input, then every public output, in order, before any challenge
            for (long[] x : input) {
                t.absorbLongs("public-input", x);
            }
            for (long[] y : output) {
                t.absorbLongs("public-output", y);
            }
            // committed inputs, then committed outputs: their commitments, before the witness root (docs/zero-knowledge.md §3.5)
            for (CommittedEnd end : CommittedEnd.values()) {
                if (vk.committed(end)) {
                    byte[] root = in.bytes(end.noun() + " commitment root", 32);
                    roots[end.ordinal()] = root;
                    t.absorbBytes(end.rootLabel(), root);
                    try {
                        rootOod.set(end.ordinal(), new WhirVerifier(vk.commitmentPcs(end)).readOutOfDomain(root, in, t));
                    } catch (InvalidProofException e) {
                        throw new InvalidProofException(end.noun() + " commitment: " + e.getMessage());
                    }
                }
            }
            byte[] witnessRoot = in.bytes("witness root", 32);
            t.absorbBytes("witness-root", witnessRoot);
            List<EvaluationClaim> witnessOod;
            try {
                witnessOod = new WhirVerifier(vk.witnessPcs()).readOutOfDomain(witnessRoot, in, t);
            } catch (InvalidProofException e) {
                throw new InvalidProofException("witness commitment: " + e.getMessage());
            }
            if (vk.committedInputs()) {
                verifyCommitted(CommittedEnd.INPUTS);
            }

            timing.bytes(-4, "header, public values, roots", in.position());
            long t0 = System.nanoTime();
            int b0 = in.position();
            verifyLookups();
            timing.record(-1, "lookups", System.nanoTime() - t0);
            timing.bytes(-1, "lookups", in.position() - b0);

            // The output claims: the verifier evaluates each public output's polynomial itself; a committed
            // output's claim is the masked value the output commitment opens to.
            if (vk.committedOutputs()) {
                verifyCommitted(CommittedEnd.OUTPUTS);
            }
            for (int j = 0; j < publicOutIds.length; j++) {
                TensorLayout outLayout = circuit.tensor(outIds[j]).layout();
                Ext3[] r = new Ext3[outLayout.numVars()];
                for (int k = 0; k < r.length; k++) {
                    r[k] = t.challengeExt("output-point");
                }
                claim(outIds[j], r, Mle.evaluate(outLayout.pad(output[j], 0), r));
            }

            // the requantizations' sumchecks as one (integrity mode: the zero-checks of those that define no output;
            // zero-knowledge mode: all, a derived excess's claims, from the lookup stage, taken and merged here)
            int[] batched = RequantZeroChecks.batched(circuit, zk != null);
            long tz = System.nanoTime();
            int bz = in.position();
            Claim[] excessClaims = new Claim[batched.length];
            for (int j = 0; j < batched.length; j++) {
                // a requantization's one output, if any, is its derived excess
                Claim[] merged = takeMerged(circuit.layers().get(batched[j]).outputs());
                excessClaims[j] = merged.length == 0 ? null : merged[0];
            }
            RequantZeroChecks.verify(this, batched, excessClaims);
            timing.record(-6, "requant zero-checks", System.nanoTime() - tz);
            timing.bytes(-6, "requant zero-checks", in.position() - bz);
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
                long tl = System.nanoTime();
                int bl = in.position();
                layer.verify(takeMerged(layer.outputs()), this);
                timing.record(li, layer.kind(), System.nanoTime() - tl);
                timing.bytes(li, layer.kind(), in.position() - bl);
            }

            // What is left: claims on the input, the model and the witness.
            List<Claim> model = new ArrayList<>();
            List<Claim> witness = new ArrayList<>();
            for (Map.Entry<Integer, List<Claim>> e : pending.entrySet()) {
                CircuitTensor ct = circuit.tensor(e.getKey());
                for (Claim c : e.getValue()) {
                    switch (ct.role()) {
                        case INPUT -> {
                            if (!Mle.evaluate(inputPadded.get(c.tensor()), c.point()).equals(c.value())) {
                                throw new InvalidProofException("the proof does not match its public input");
                            }
                        }
                        case MODEL -> model.add(c);
                        case ADVICE -> {
                            if (zk != null && zk.delta(c.tensor()) >= 0) {
                                forms.add(zk.maskedAdvice(c, vanishing(c.point())));
                            } else {
                                witness.add(new Claim(-1, vk.witnessLayout().lift(c.tensor(), c.point()), c.value()));
                            }
                        }
                        case COMPUTED -> throw new IllegalStateException("claim on computed tensor " + ct.name() + " was never reduced");
                    }
                }
            }
            long tm = System.nanoTime();
            int bm = in.position();
            List<dev.zkinfer.pcs.WeightedClaim> modelWeighted = new ArrayList<>();
            if (zk != null) {
                // each model tensor's masked claims merged, then one blinded linear claim on the model polynomial for all
                List<Claim> merged = new ArrayList<>();
                for (Map.Entry<Integer, List<Claim>> e : ZkLayout.byTensor(model).entrySet()) {
                    merged.add(e.getValue().size() == 1 ? e.getValue().get(0) : ZkSteps.merge(this, e.getKey(), e.getValue()));
                }
                if (!merged.isEmpty()) {
                    modelWeighted.add(ZkSteps.modelClaims(this, merged, vk.modelLayout(), ZkLayout.blindingBlock(circuit))
                            .claim(vk.modelLayout().numVars()));
                }
                model = List.of();
            }
            model = modelBlockClaims(model);
            dev.zkinfer.pcs.WhirProtocol.MaskSymbols modelMask = openCommitment("model", vk.modelRoot(), vk.modelLayout().numVars(),
                    vk.modelPcs(), modelOod, model, modelWeighted);
            if (modelMask != null) {
                // the model opening's mask parts are in the witness: the symbols it used are claims there (§3.3 item 3)
                forms.addAll(zk.modelMaskForms(modelMask));
            }
            long tw = System.nanoTime();
            timing.record(-2, "model opening", tw - tm);
            int bw = in.position();
            timing.bytes(-2, "model opening", bw - bm);
            List<dev.zkinfer.pcs.WeightedClaim> weighted = new ArrayList<>();
            for (WitnessForm f : forms) {
                weighted.add(f.claim(vk.witnessLayout().numVars()));
            }
            openCommitment("witness", witnessRoot, vk.witnessLayout().numVars(), vk.witnessPcs(), witnessOod, witness, weighted);
            timing.record(-3, "witness opening", System.nanoTime() - tw);
            timing.bytes(-3, "witness opening", in.position() - bw);
            in.finish();
        }

        /**
         * Ties the circuit's committed tensors of one end to that end's commitment C
         * (docs/zero-knowledge.md §3.5): per committed tensor T, after both C's and the witness's
         * roots, a point z; the prover sends v = T̂(z), the masked value, which becomes a masked claim
         * on T in the circuit (for an input one more claim, reduced to the witness; for an output the
         * output claim the GKR pass starts from) and the same masked form on C, opened there at once.
         */
        private void verifyCommitted(CommittedEnd end) throws InvalidProofException {
            t.domain(end.domain());
            CommittedLayout layout = zk.commitment(end);
            List<dev.zkinfer.pcs.WeightedClaim> weighted = new ArrayList<>();
            for (int id : zk.committed(end)) {
                Ext3[] z = new Ext3[circuit.tensor(id).layout().numVars()];
                for (int k = 0; k < z.length; k++) {
                    z[k] = t.challengeExt(end.pointLabel());
                }
                Ext3 v = in.ext("committed " + end.noun() + " value");
                t.absorbExt(end.valueLabel(), v);
                claim(id, z, v);
                weighted.add(zk.maskedAdvice(layout, new Claim(id, z, v), vanishing(z)).claim(layout.numVars()));
            }
            openCommitment(end.noun(), roots[end.ordinal()], layout.numVars(), vk.commitmentPcs(end), rootOod.get(end.ordinal()), List.of(),
                    weighted);
        }

        /** The proof's batch circuit and real rows, absorbed right after the key's digest. */
        private void selectBatch() throws InvalidProofException {
            int batch = in.u32("batch size");
            int real = in.u32("rows");
            if (!vk.hasBatch(batch)) {
                throw new InvalidProofException("the proof uses a batch of " + Integer.toUnsignedString(batch)
                        + ", for which the verifying key has no circuit");
            }
            if (real < 1 || real > batch) {
                throw new InvalidProofException("the proof claims " + Integer.toUnsignedString(real) + " rows in a batch of " + batch);
            }
            t.absorbLongs("batch", new long[] {batch, real});
            vk = vk.forBatch(batch);
            circuit = vk.circuit();
            // the masks, witness layout and claim counts of the proof's batch circuit, not the smallest one's
            zk = vk.zkLayout();
            claimed = new int[circuit.tensors().size()];
            reduced = new boolean[circuit.tensors().size()];
            rows = real;
        }

        private void verifyLookups() throws InvalidProofException {
            List<LookupSpec> specs = ProofProtocol.lookupSpecs(circuit);
            if (specs.isEmpty()) {
                return;
            }
            Ext3 alpha = t.challengeExt("lookup-alpha");
            Ext3 beta = t.challengeExt("lookup-beta");
            if (zk != null) {
                ZkLookups.verify(this, alpha, beta);
                return;
            }
            List<SegmentShape> shapes = ProofProtocol.lookupShapes(circuit);
            int b0 = in.position();
            List<SegmentClaim> claims = LogUpGkrVerifier.verify(shapes, alpha, in, t);
            timing.bytes(-5, "LogUp-GKR tree", in.position() - b0);
            List<LookupTable> tables = new ArrayList<>(circuit.multiplicities().keySet());
            int[] multTensors = ProofProtocol.multiplicityTensors(circuit);
            t.domain("zkinfer/lookup-columns/v1");
            // every segment's point is a prefix of the one leaf point: the tables of one size share an eq table
            Ext3[] leaf = new Ext3[0];
            for (SegmentClaim sc : claims) {
                leaf = sc.point().length > leaf.length ? sc.point() : leaf;
            }
            PrefixEqTables eq = new PrefixEqTables(leaf);
            for (int s = 0; s < claims.size(); s++) {
                SegmentClaim sc = claims.get(s);
                if (s < specs.size()) {
                    LookupSpec spec = specs.get(s);
                    Ext3[] evals = new Ext3[spec.columns().length];
                    Ext3[] shifted = new Ext3[evals.length];
                    for (int c = 0; c < evals.length; c++) {
                        evals[c] = in.ext("looked-up column evaluation");
                        t.absorbExt("lookup-column", evals[c]);
                        shifted[c] = evals[c].add(Goldilocks.fromSigned(spec.offsets()[c]));
                    }
                    if (!Columns.combineEvals(shifted, beta).equals(sc.valuesEval())) {
                        throw new InvalidProofException("lookup " + s + ": looked-up column evaluations do not match the LogUp claim");
                    }
                    for (int c = 0; c < evals.length; c++) {
                        claim(spec.columns()[c], sc.point(), evals[c]);
                    }
                } else {
                    int ti = s - specs.size();
                    LookupTable table = tables.get(ti);
                    Ext3[] cols = new Ext3[table.columns()];
                    boolean shared = eq.isPrefix(sc.point());
                    for (int c = 0; c < cols.length; c++) {
                        cols[c] = shared ? table.evaluate(c, eq) : table.evaluate(c, sc.point());
                    }
                    if (!Columns.combineEvals(cols, beta).equals(sc.valuesEval())) {
                        throw new InvalidProofException("lookup table " + ti + ": table evaluation does not match the LogUp claim");
                    }
                    claim(multTensors[ti], sc.point(), sc.multiplicitiesEval());
                }
            }
        }

        /** Merges several claims on one polynomial into one (random combination + sumcheck). */
        /**
         * The pending claims on a layer's outputs, each output's merged into one (null for an output
         * without claims); the outputs are reduced from here on (no claim on them may follow).
         */
        private Claim[] takeMerged(int[] outs) throws InvalidProofException {
            Claim[] merged = new Claim[outs.length];
            for (int o = 0; o < outs.length; o++) {
                List<Claim> cs = pending.remove(outs[o]);
                reduced[outs[o]] = true;
                merged[o] = cs == null ? null : merge(outs[o], cs);
            }
            return merged;
        }

        private Claim merge(int tensor, List<Claim> claims) throws InvalidProofException {
            if (claims.size() == 1) {
                return claims.get(0);
            }
            if (zk != null) {
                return ZkSteps.merge(this, tensor, claims);
            }
            int n = claims.get(0).point().length;
            Claim merged = mergeClaims(claims, n);
            return new Claim(tensor, merged.point(), merged.value());
        }

        private Claim mergeClaims(List<Claim> claims, int n) throws InvalidProofException {
            t.domain(ProofProtocol.MERGE_DOMAIN);
            for (Claim c : claims) {
                t.absorbExt("merge/value", c.value());
            }
            Ext3 gamma = t.challengeExt("merge/gamma");
            SumcheckClaim sc = SumcheckVerifier.verify(ProofProtocol.mergeSum(claims, gamma), n, 2, in, t);
            Ext3 value = in.ext("merged evaluation");
            t.absorbExt("merge/evaluation", value);
            if (!value.mul(ProofProtocol.mergeWeight(claims, gamma, sc.point())).equals(sc.value())) {
                throw new InvalidProofException("claim merging: final sumcheck value does not match");
            }
            return new Claim(-1, sc.point(), value);
        }

        /**
         * Claims on model tensors → claims on the model polynomial: a tensor packed as one whole
         * block lifts directly; a split tensor's block evaluations are read, absorbed and checked
         * against the claim (T̃(ρ) = Σ_B eq(ρ_fixed, bits)·B̃(ρ_free); {@link CommittedLayout#tight}),
         * and each becomes a claim on its block.
         */
        private List<Claim> modelBlockClaims(List<Claim> claims) throws InvalidProofException {
            CommittedLayout layout = vk.modelLayout();
            List<Claim> out = new ArrayList<>();
            boolean tagged = false;
            for (Claim c : claims) {
                if (layout.isWhole(c.tensor())) {
                    out.add(new Claim(-1, layout.lift(c.tensor(), c.point()), c.value()));
                    continue;
                }
                if (!tagged) {
                    t.domain(ProofProtocol.MODEL_BLOCKS_DOMAIN);
                    tagged = true;
                }
                Ext3 sum = Ext3.ZERO;
                List<CommittedLayout.Block> blocks = layout.blocks(c.tensor());
                Ext3[] values = new Ext3[blocks.size()];
                for (int b = 0; b < values.length; b++) {
                    values[b] = in.ext("model block evaluation");
                    t.absorbExt("model-block", values[b]);
                    sum = sum.add(layout.weight(blocks.get(b), c.point()).mul(values[b]));
                }
                if (!sum.equals(c.value())) {
                    throw new InvalidProofException("model tensor " + circuit.tensor(c.tensor()).name()
                            + ": its block evaluations do not add up to the claim on it");
                }
                for (int b = 0; b < values.length; b++) {
                    out.add(new Claim(-1, layout.lift(blocks.get(b), c.point()), values[b]));
                }
            }
            return out;
        }

        private dev.zkinfer.pcs.WhirProtocol.MaskSymbols openCommitment(String what, byte[] root, int numVars, PcsParameters params,
                List<EvaluationClaim> ood, List<Claim> claims, List<dev.zkinfer.pcs.WeightedClaim> weighted) throws InvalidProofException {
            // the out-of-domain answers are claims too: with any, the commitment is opened (else its root and
            // answers would be bytes that nothing checks when the layers leave no claim on it)
            if (claims.isEmpty() && weighted.isEmpty() && ood.isEmpty()) {
                return null;
            }
            List<EvaluationClaim> batch = new ArrayList<>(claims.size());
            for (Claim c : claims) {
                batch.add(new EvaluationClaim(c.point(), c.value()));
            }
            if (batch.isEmpty() && weighted.isEmpty()) {
                if (params.zeroKnowledge()) {
                    return null; // as before: a hiding opening cannot take the answers' points as claims
                }
                batch.addAll(ood); // integrity mode, no claim but the answers: the opening proves those, as its point claims
            }
            try {
                return new WhirVerifier(params).verifyOpeningMaskElsewhere(root, numVars, ood, batch, weighted, in, t);
            } catch (InvalidProofException e) {
                throw new InvalidProofException(what + " commitment opening: " + e.getMessage());
            }
        }
    }

    static long[] signed(long[] field) {
        long[] out = new long[field.length];
        for (int i = 0; i < field.length; i++) {
            out[i] = Goldilocks.toSigned(field[i]);
        }
        return out;
    }
}

package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.circuits.ModelCompiler;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.StackedModel;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.ProvingCancelledException;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.prover.concurrent.ProverPool;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import dev.zkinfer.MalformedInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.Consumer;

/**
 * Everything the prover needs for one model: the quantized model, its compiled circuit, the
 * model commitment (all weights and biases as one multilinear polynomial) and the verifying key.
 *
 * <p>Batches: the key holds one circuit per batch size ({@link #create(QuantizedModel,
 * SecurityProfile, int[], Consumer)}; {@link VerifyingKey#forBatch}), each compiled from the
 * model stacked that many times ({@link StackedModel}); every batch circuit commits to exactly
 * the same packed weights, so one model commitment serves them all.
 *
 * <p>File format ("model.pk", little-endian): magic "ZKPK", u32 version (9), u32 security bits,
 * the 32-byte verifying-key digest, the quantized model ({@link QuantizedModel#write}: one row),
 * then what compiling it gave, so that loading does not compile again: u32 length and the
 * verifying key's file ({@link VerifyingKey#encode}: the batch circuits), u32 count and per
 * MODEL tensor its u32 id, u32 length and padded values (signed, zigzag LEB128 varints; the same
 * in every batch circuit), then per batch circuit (in the key's order) u32 count and the circuit
 * tensor of each model tensor (i32, −1 for none); then the SHA-256 of everything before it (a
 * checksum).
 * Reading decodes the circuit, recomputes the model commitment from the stored values and checks
 * that the verifying key rebuilt from them has the recorded digest, so a key can never prove
 * against a different model than the one it names (and the witness check of every proof ties
 * the quantized model the executor runs to those values; {@link #decodeRecommittingInBackground}
 * makes the digest check when a proof first needs the commitment). Keys of earlier versions (version 10
 * embedded a version-10 verifying key, without output orders; version 9
 * embedded a version-9 verifying key, without transposed Linear layers; version 8
 * embedded a version-8 verifying key, without each output's elements per row; version 4 held
 * one circuit, version 3 committed to the padded weights, version 2 stored only the quantized
 * model) are refused: compile the model again.
 *
 * <p>Immutable once created, and thread-safe: any number of provers may share one key.
 */
public final class ProvingKey {
    private static final byte[] MAGIC = {'Z', 'K', 'P', 'K'};
    /**
     * 12: the verifying key of version 12 (a model commitment of 2^26–2^27 values at rate 1/4);
     * 11: the verifying key of version 11 (an output may be held in residue order, ResidueOrder);
     * 10: the verifying key of version 10 (a Linear layer may read its weights transposed: a tied
     * embedding and LM head store and commit one tensor); 9: each output's elements per row, the
     * derived requantization excess and max-pool gaps.
     */
    private static final int VERSION = 12;
    /** The batch sizes {@code zkinfer compile} gives a key unless told otherwise. */
    public static final int[] DEFAULT_BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64};
    private static final System.Logger LOG = System.getLogger(ProvingKey.class.getName());

    private final QuantizedModel model;
    private final ModelCompiler.Compiled[] compiled;
    private final QuantizedModel[] stacked;
    private final VerifyingKey vk;
    /** The model commitment; null until {@link #pendingCommitment} is joined (a key loaded by {@link #decodeRecommittingInBackground}). */
    private volatile WhirProver.WhirCommitment modelCommitment;
    /** A key loaded by {@link #decodeRecommittingInBackground}: the recommitment, checked against the stored root; else null. */
    private final ForkJoinTask<WhirProver.WhirCommitment> pendingCommitment;
    private final long[] modelTable;

    private final byte[] blindingSeed;

    private ProvingKey(QuantizedModel model, ModelCompiler.Compiled[] compiled, VerifyingKey vk,
            WhirProver.WhirCommitment modelCommitment, ForkJoinTask<WhirProver.WhirCommitment> pendingCommitment, long[] modelTable,
            byte[] blindingSeed) {
        this.blindingSeed = blindingSeed;
        this.model = model;
        this.compiled = compiled;
        this.stacked = new QuantizedModel[compiled.length];
        this.vk = vk;
        this.modelCommitment = modelCommitment;
        this.pendingCommitment = pendingCommitment;
        this.modelTable = modelTable;
    }

    /**
     * Compiles a quantized model for the given batch sizes (increasing, each at most {@link
     * VerifyingKey#MAX_BATCH}; a "row" is one inference of {@code model} as given) and commits
     * to its weights once.
     *
     * @throws dev.zkinfer.circuits.UnsupportedModelException if an op cannot be proved yet, or
     *     the model cannot be stacked into batches larger than 1 ({@link StackedModel})
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, int[] batchSizes, Consumer<String> progress) {
        return create(model, profile, batchSizes, Options.integrity(), progress);
    }

    /**
     * What a key's proofs reveal (docs/zero-knowledge.md §1): {@code zeroKnowledge} makes proofs
     * that reveal nothing about the intermediate values; {@code privateInputs} (zero-knowledge only)
     * keeps the model's inputs out of the proofs too (committed in the witness, their domain checked
     * by a lookup); {@code committedInputs} (with private inputs) makes each proof carry a hiding
     * commitment to its inputs as well, which the input's owner checks with the opening the prover
     * hands over ({@link ProofResult#opening}, {@link CommitmentOpening#check}; docs/zero-knowledge.md §3.5).
     * Outputs are public unless {@code committedOutputs} (zero-knowledge only): then the proofs carry
     * no output but a hiding commitment to it, opened by the same opening. {@code hiddenProofs} (zero-knowledge only): T, the proofs the weights stay
     * hidden for (docs/zero-knowledge.md §5); 0 takes the default
     * ({@link VerifyingKey#defaultHiddenProofs}), a larger T makes a larger model commitment whose
     * opening every proof pays for.
     */
    public record Options(boolean zeroKnowledge, boolean privateInputs, boolean committedInputs, int hiddenProofs, boolean committedOutputs) {
        public Options {
            if (committedOutputs && !zeroKnowledge) {
                throw new IllegalArgumentException("a committed output needs zero-knowledge mode");
            }
            if (privateInputs && !zeroKnowledge) {
                throw new IllegalArgumentException("a private input needs zero-knowledge mode");
            }
            if (committedInputs && !privateInputs) {
                throw new IllegalArgumentException("a committed input is a private input with a commitment: set privateInputs too");
            }
            if (hiddenProofs != 0 && !zeroKnowledge) {
                throw new IllegalArgumentException("hiding the weights for a number of proofs needs zero-knowledge mode");
            }
            if (hiddenProofs < 0 || hiddenProofs > VerifyingKey.MAX_HIDDEN_PROOFS) {
                throw new IllegalArgumentException("the weights can be hidden for 1 to " + VerifyingKey.MAX_HIDDEN_PROOFS + " proofs, not " + hiddenProofs);
            }
        }

        /** Public outputs. */
        public Options(boolean zeroKnowledge, boolean privateInputs, boolean committedInputs, int hiddenProofs) {
            this(zeroKnowledge, privateInputs, committedInputs, hiddenProofs, false);
        }

        /** Public or private inputs, no input commitment, the default T. */
        public Options(boolean zeroKnowledge, boolean privateInputs) {
            this(zeroKnowledge, privateInputs, false, 0);
        }

        /** As above, with committed inputs or not. */
        public Options(boolean zeroKnowledge, boolean privateInputs, boolean committedInputs) {
            this(zeroKnowledge, privateInputs, committedInputs, 0);
        }

        /** Zero-knowledge with committed inputs (private inputs whose proofs carry a commitment to them). */
        public static Options withCommittedInputs() {
            return new Options(true, true, true, 0);
        }

        /** These options with T, the proofs the weights stay hidden for (0: the default). */
        public Options withHiddenProofs(int proofs) {
            return new Options(zeroKnowledge, privateInputs, committedInputs, proofs, committedOutputs);
        }

        /** These options with committed outputs (zero-knowledge only; docs/zero-knowledge.md §3.5). */
        public Options withCommittedOutputs() {
            return new Options(zeroKnowledge, privateInputs, committedInputs, hiddenProofs, true);
        }

        /** Integrity only: public inputs and outputs, proofs reveal intermediate values (the default). */
        public static Options integrity() {
            return new Options(false, false);
        }
    }

    /**
     * As {@link #create(QuantizedModel, SecurityProfile, int[], Consumer)} with visibility options.
     * In zero-knowledge mode a batch size whose circuit has a one-element tensor to hide (a softmax
     * over a single row, a single output) is left out of the key, its inferences proved in the next
     * batch circuit with a padding row.
     *
     * @throws IllegalArgumentException if zero-knowledge mode cannot prove the model at any of the
     *     batch sizes (a message naming the tensors)
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, int[] batchSizes, Options options,
            Consumer<String> progress) {
        int[] sizes = checkBatchSizes(batchSizes);
        Backend backend = Backends.get();
        return ProverPool.run(ModelProver.defaultPool(), Cancellation.create(Thread.currentThread(), false),
                () -> build(model, profile, sizes, false, options, progress, backend));
    }

    /**
     * A key of batch size 1 with the given options; a zero-knowledge key also has batch size 2 where
     * the model can be proved in batches (the batch-2 circuit proves an inference whose batch-1
     * circuit has a one-element tensor to hide), and batch size 1 only where it cannot.
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, Options options, Consumer<String> progress) {
        return options.zeroKnowledge() ? createBatchesIfPossible(model, profile, new int[] {1, 2}, options, progress)
                : create(model, profile, new int[] {1}, options, progress);
    }

    /**
     * As {@link #create(QuantizedModel, SecurityProfile, int[], Consumer)}, but a model that
     * cannot be proved in batches gets a key of batch size 1 only (logged as a warning) instead of
     * an exception.
     */
    public static ProvingKey createBatchesIfPossible(QuantizedModel model, SecurityProfile profile, int[] batchSizes,
            Consumer<String> progress) {
        int[] sizes = checkBatchSizes(batchSizes);
        Backend backend = Backends.get();
        return ProverPool.run(ModelProver.defaultPool(), Cancellation.create(Thread.currentThread(), false),
                () -> build(model, profile, sizes, true, Options.integrity(), progress, backend));
    }

    /** As above, with visibility options. */
    public static ProvingKey createBatchesIfPossible(QuantizedModel model, SecurityProfile profile, int[] batchSizes, Options options,
            Consumer<String> progress) {
        int[] sizes = checkBatchSizes(batchSizes);
        Backend backend = Backends.get();
        return ProverPool.run(ModelProver.defaultPool(), Cancellation.create(Thread.currentThread(), false),
                () -> build(model, profile, sizes, true, options, progress, backend));
    }

    private static int[] checkBatchSizes(int[] batchSizes) {
        int[] sizes = batchSizes.clone();
        if (sizes.length < 1 || sizes.length > VerifyingKey.MAX_BATCH_CIRCUITS) {
            throw new dev.zkinfer.InvalidInputException("give 1 to " + VerifyingKey.MAX_BATCH_CIRCUITS + " batch sizes, got " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1 || sizes[i] > VerifyingKey.MAX_BATCH || (i > 0 && sizes[i] <= sizes[i - 1])) {
                throw new dev.zkinfer.InvalidInputException("batch sizes must increase, each from 1 to " + VerifyingKey.MAX_BATCH
                        + ": " + Arrays.toString(sizes));
            }
        }
        return sizes;
    }

    /**
     * Compiles a quantized model and commits to its weights.
     *
     * @throws dev.zkinfer.circuits.UnsupportedModelException if an op cannot be proved yet
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress) {
        return create(model, profile, progress, ModelProver.defaultPool());
    }

    /**
     * As {@link #create(QuantizedModel, SecurityProfile, Consumer)}, with the work (compiling,
     * committing) in {@code pool}; the calling thread waits.
     *
     * @throws ProvingCancelledException if the calling thread is interrupted (its interrupt
     *     flag is set again)
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, ForkJoinPool pool) {
        return create(model, profile, progress, Backends.get(), pool);
    }

    static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, Backend backend) {
        return create(model, profile, progress, backend, ModelProver.defaultPool());
    }

    static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, Backend backend,
            ForkJoinPool pool) {
        return ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false),
                () -> build(model, profile, new int[] {1}, false, Options.integrity(), progress, backend));
    }

    private static ProvingKey build(QuantizedModel model, SecurityProfile profile, int[] sizes, boolean orSingle, Options options,
            Consumer<String> progress, Backend backend) {
        progress.accept(sizes.length == 1 && sizes[0] == 1 ? "compiling the circuit"
                : "compiling the circuits of batches of " + Arrays.toString(sizes).replaceAll("[\\[\\]]", ""));
        ModelCompiler.Compiled[] compiled;
        boolean batches = true;
        try {
            compiled = compileBatches(model, sizes, orSingle, options.privateInputs(), options.zeroKnowledge(), options.committedOutputs());
            if (compiled.length < sizes.length) {
                int[] fit = Arrays.copyOf(sizes, compiled.length);
                LOG.log(System.Logger.Level.WARNING, "a batch of " + sizes[compiled.length] + " needs a witness commitment above 2^"
                        + maxWitnessVars(options.zeroKnowledge()) + " entries; the key's batch sizes are " + Arrays.toString(fit));
                sizes = fit;
            }
        } catch (dev.zkinfer.circuits.UnsupportedModelException e) {
            if (!orSingle) {
                throw e;
            }
            sizes = new int[] {1};
            batches = false;
            // compiled first: a model that cannot be proved at all gets its one error, not a warning too
            compiled = new ModelCompiler.Compiled[] {ModelCompiler.compile(model, options.privateInputs(), options.zeroKnowledge(),
                    options.committedOutputs())};
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; the key proves one inference per proof");
        }
        byte[] seed = null;
        if (options.zeroKnowledge()) {
            // batch circuits that zero-knowledge mode cannot prove (a one-element tensor to hide) are left out
            List<Integer> keep = new ArrayList<>();
            String refused = null;
            for (int i = 0; i < compiled.length; i++) {
                List<String> bad = ZkLayout.unsupported(compiled[i].circuit(), options.committedOutputs());
                if (bad.isEmpty()) {
                    keep.add(i);
                } else {
                    // the largest batch's reasons: the ones a larger batch did not remove
                    refused = "batch " + sizes[i] + ": " + String.join("; ", bad);
                }
            }
            if (keep.isEmpty()) {
                throw new IllegalArgumentException("zero-knowledge mode cannot prove this model (" + refused + ")"
                        + (sizes[sizes.length - 1] == 1 && batches ? "; one-element tensors get a variable at a larger batch size" : ""));
            }
            int[] kept = new int[keep.size()];
            ModelCompiler.Compiled[] keptCompiled = new ModelCompiler.Compiled[keep.size()];
            for (int k = 0; k < kept.length; k++) {
                kept[k] = sizes[keep.get(k)];
                keptCompiled[k] = compiled[keep.get(k)];
            }
            sizes = kept;
            compiled = keptCompiled;
            seed = new byte[32];
            new java.security.SecureRandom().nextBytes(seed);
        }
        int proofs = !options.zeroKnowledge() ? 0 : options.hiddenProofs() != 0 ? options.hiddenProofs()
                : VerifyingKey.defaultHiddenProofs(profile, compiled[0].circuit());
        return commit(model, sizes, compiled, profile, seed, proofs, options.committedInputs(), options.committedOutputs(), progress, backend,
                null, false);
    }

    /**
     * The number of variables of the circuit's padded witness polynomial ({@link
     * CommittedLayout#padded}: each advice tensor one power-of-two block), counted in long
     * arithmetic so that a circuit far above the commitment's limit gets its size, not the
     * layout's refusal.
     */
    static int paddedWitnessVars(dev.zkinfer.circuit.Circuit circuit) {
        long entries = 0;
        for (int t : circuit.tensorsWithRole(TensorRole.ADVICE)) {
            entries += circuit.tensor(t).layout().paddedSize();
        }
        return Math.max(1, 64 - Long.numberOfLeadingZeros(Math.max(1, entries) - 1));
    }

    /** log2 of the largest witness commitment: {@link PcsParameters#MAX_NUM_VARS}, or the hiding limit for a zero-knowledge key. */
    static int maxWitnessVars(boolean zeroKnowledge) {
        return zeroKnowledge ? PcsParameters.MAX_ZK_NUM_VARS : PcsParameters.MAX_NUM_VARS;
    }

    /**
     * One circuit per batch size, each compiled from the stacked model; every one must commit to
     * the same MODEL tensors with the same values as the first (one commitment serves them all).
     * A model that cannot be stacked is refused with an UnsupportedModelException whose cause is
     * the reason (the ops themselves compile).
     */
    static ModelCompiler.Compiled[] compileBatches(QuantizedModel model, int[] sizes, boolean dropTooLarge) {
        return compileBatches(model, sizes, dropTooLarge, false, false, false);
    }

    static ModelCompiler.Compiled[] compileBatches(QuantizedModel model, int[] sizes, boolean dropTooLarge, boolean privateInputs,
            boolean zeroKnowledge, boolean committedOutputs) {
        ModelCompiler.Compiled[] out = new ModelCompiler.Compiled[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Cancellation.checkpoint();
            QuantizedModel m;
            try {
                m = StackedModel.stack(model, sizes[i]);
                if (sizes[i] > 1 && (i == 0 || sizes[i - 1] == 1)) {
                    // once per key: a stack of three rows is run against the rows one by one
                    StackedModel.check(model, StackedModel.stack(model, 3), 3, 0x5eed);
                }
            } catch (IllegalArgumentException | dev.zkinfer.InvalidInputException e) {
                throw new dev.zkinfer.circuits.UnsupportedModelException(e.getMessage(), e);
            }
            out[i] = ModelCompiler.compile(m, privateInputs, zeroKnowledge, committedOutputs);
            int witnessVars = paddedWitnessVars(out[i].circuit());
            int limit = maxWitnessVars(zeroKnowledge);
            if (witnessVars > limit) {
                if (dropTooLarge && i > 0) {
                    // this batch size and the larger ones do not fit: the key keeps the smaller ones
                    return Arrays.copyOf(out, i);
                }
                throw new dev.zkinfer.circuits.UnsupportedModelException("a batch of " + sizes[i] + " needs a witness commitment of 2^"
                        + witnessVars + " entries, above the 2^" + limit + " the " + (zeroKnowledge ? "hiding " : "") + "commitment supports"
                        + (i > 0 ? "; the largest batch size that fits is at most " + sizes[i - 1] : ""));
            }
            String differs = i == 0 ? null : differingModelTensor(out[0], out[i]);
            if (differs != null) {
                throw new dev.zkinfer.circuits.UnsupportedModelException("the model cannot be proved in batches: its circuit for a batch of "
                        + sizes[i] + " commits to other values than for " + sizes[0] + " (" + differs + ")");
            }
        }
        return out;
    }

    /**
     * The first MODEL tensor that two compilations commit to differently, or null. MODEL tensors
     * are compared in circuit order (their ids may differ: a larger batch may pick another form
     * of a layer, with other intermediate tensors); equal layouts and values in the same order
     * pack into the same committed polynomial.
     */
    private static String differingModelTensor(ModelCompiler.Compiled a, ModelCompiler.Compiled b) {
        List<Integer> ta = a.circuit().tensorsWithRole(TensorRole.MODEL);
        List<Integer> tb = b.circuit().tensorsWithRole(TensorRole.MODEL);
        if (ta.size() != tb.size()) {
            return tb.size() + " committed tensors against " + ta.size();
        }
        for (int k = 0; k < ta.size(); k++) {
            var x = a.circuit().tensor(ta.get(k));
            var y = b.circuit().tensor(tb.get(k));
            if (!x.layout().equals(y.layout()) || !Arrays.equals(a.modelValues().get(ta.get(k)), b.modelValues().get(tb.get(k)))) {
                return "tensor " + x.name() + " " + x.layout() + " against " + y.name() + " " + y.layout();
            }
        }
        return null;
    }

    /** The base compilation's MODEL values keyed by the tensors of {@code circuit} in the same circuit order. */
    private static Map<Integer, long[]> valuesFor(Circuit base, Map<Integer, long[]> values, Circuit circuit) {
        List<Integer> from = base.tensorsWithRole(TensorRole.MODEL);
        List<Integer> to = circuit.tensorsWithRole(TensorRole.MODEL);
        if (from.size() != to.size()) {
            throw new MalformedInputException("corrupted proving key: its batch circuits commit to different tensors");
        }
        Map<Integer, long[]> out = new LinkedHashMap<>();
        for (int k = 0; k < from.size(); k++) {
            if (!base.tensor(from.get(k)).layout().equals(circuit.tensor(to.get(k)).layout())) {
                throw new MalformedInputException("corrupted proving key: its batch circuits commit to different tensors");
            }
            out.put(to.get(k), values.get(from.get(k)));
        }
        return out;
    }

    /** Commits to a compiled model's weights and makes its verifying key (compiling, or loading a key). */
    /**
     * @param blindingSeed null for an integrity-mode key; for a zero-knowledge key, the secret seed
     *     of the model polynomial's blinding block (docs/zero-knowledge.md §5)
     * @param hiddenProofs 0 for an integrity-mode key; T for a zero-knowledge key
     * @param storedVk null when compiling; when loading a key, the verifying key it stores (its
     *     circuits are {@code compiled}'s, its digest the one the key records): it is kept if the
     *     recomputed commitment root and scales are the ones it holds (then a key built anew
     *     would encode to the same bytes), instead of encoding and hashing the circuits again;
     *     otherwise a key is built anew, whose digest the caller finds different
     * @param inBackground (with storedVk) the commitment is computed by a task forked in the
     *     current pool, which fails with the digest mismatch when its root is not storedVk's;
     *     the key has storedVk if its scales and outputs' elements are the ones it holds (else this throws the mismatch)
     */
    private static ProvingKey commit(QuantizedModel model, int[] sizes, ModelCompiler.Compiled[] compiled, SecurityProfile profile,
            byte[] blindingSeed, int hiddenProofs, boolean committedInputs, boolean committedOutputs, Consumer<String> progress, Backend backend,
            VerifyingKey storedVk, boolean inBackground) {
        Cancellation.checkpoint();
        boolean zeroKnowledge = blindingSeed != null;
        ModelCompiler.Compiled first = compiled[0];
        Circuit circuit = first.circuit();
        CommittedLayout layout;
        long[] table;
        java.util.function.Supplier<WhirProver.WhirCommitment> committing;
        if (zeroKnowledge) {
            ZkLayout.ModelHiding hiding = VerifyingKey.modelHiding(profile, circuit, hiddenProofs);
            layout = hiding.layout();
            Map<Integer, long[]> values = new HashMap<>(first.modelValues());
            int bl = ZkLayout.blindingBlock(circuit);
            values.put(bl, blinding(blindingSeed, 1 << layout.blocks(bl).get(0).numVars()));
            table = layout.pack(values);
            progress.accept("committing to " + first.modelValues().size() + " weight and bias tensors with a hiding commitment (2^"
                    + layout.numVars() + " entries, hiding for " + hiding.proofs() + " proofs)");
            // the hiding commitment's randomness comes from the key's secret seed, so that loading the
            // key recreates the same root
            int numVars = layout.numVars();
            committing = () -> new WhirProver(hiding.params(), backend).commit(table, numVars, commitmentRandom(blindingSeed));
        } else {
            layout = CommittedLayout.tight(circuit, circuit.tensorsWithRole(TensorRole.MODEL));
            table = layout.pack(first.modelValues());
            progress.accept("committing to " + first.modelValues().size() + " weight and bias tensors (2^" + layout.numVars() + " entries)");
            int numVars = layout.numVars();
            committing = () -> new WhirProver(PcsParameters.forModelCommitment(profile.bits() + VerifyingKey.PCS_MARGIN_BITS, numVars), backend)
                    .commit(table, numVars);
        }
        IoScales io = ioScales(model, first, committedInputs);
        // each output's elements in one row of the model (a committed one-element output may be held padded)
        int[] outputElements = Arrays.stream(model.outputIds()).map(id -> model.tensor(id).size()).toArray();
        if (inBackground) {
            if (!sameIo(io, outputElements, first.outputOrders(), storedVk)) {
                throw new MalformedInputException(DIGEST_MISMATCH);
            }
            // Forked in this pool; it runs when a worker is free (at the latest when this task
            // returns). Not cancellable: it ends within the time a load takes.
            ForkJoinTask<WhirProver.WhirCommitment> pending = ForkJoinTask.adapt(() -> Cancellation.NONE.call(() -> {
                WhirProver.WhirCommitment c = committing.get();
                if (!Arrays.equals(c.root(), storedVk.modelRoot())) {
                    throw new MalformedInputException(DIGEST_MISMATCH);
                }
                return c;
            }));
            pending.fork();
            Cancellation.checkpoint();
            IntegerExecutor.create().prepare(model);
            return new ProvingKey(model, compiled, storedVk, null, pending, table, blindingSeed);
        }
        WhirProver.WhirCommitment commitment = committing.get();
        Circuit[] circuits = new Circuit[compiled.length];
        for (int i = 0; i < circuits.length; i++) {
            circuits[i] = compiled[i].circuit();
        }
        VerifyingKey vk;
        // the rest of what a key built anew would encode (profile, flags, T, batch sizes and
        // circuits) comes from storedVk itself
        if (storedVk != null && Arrays.equals(commitment.root(), storedVk.modelRoot()) && sameIo(io, outputElements, first.outputOrders(), storedVk)) {
            vk = storedVk;
        } else {
            vk = new VerifyingKey(profile, sizes, circuits, commitment.root(), io, zeroKnowledge ? hiddenProofs : 0, committedInputs,
                    committedOutputs, outputElements, first.outputOrders());
        }
        // The integer executor's one-time packing of the weights (0.5 s on VGG-11, uninterruptible)
        // happens here rather than inside the first proof.
        Cancellation.checkpoint();
        IntegerExecutor.create().prepare(model);
        return new ProvingKey(model, compiled, vk, commitment, null, table, blindingSeed);
    }

    /** Why a key is refused whose stored weights, circuit or scales do not give the verifying key whose digest it records. */
    private static final String DIGEST_MISMATCH = "corrupted proving key: its weights or circuit do not match the digest it records";

    /** Whether the key built anew would record storedVk's input and output scales and outputs' elements per row and orders. */
    private static boolean sameIo(IoScales io, int[] outputElements, dev.zkinfer.circuit.ResidueOrder[] orders, VerifyingKey storedVk) {
        if (!sameScales(io, storedVk.io()) || !sameOutputElements(outputElements, storedVk)) {
            return false;
        }
        for (int j = 0; j < orders.length; j++) {
            if (!java.util.Objects.equals(orders[j], storedVk.outputOrder(j))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameOutputElements(int[] elements, VerifyingKey vk) {
        for (int j = 0; j < elements.length; j++) {
            if (j >= vk.io().outputScales().size() || vk.outputElements(j) != elements[j]) {
                return false;
            }
        }
        return elements.length == vk.io().outputScales().size();
    }

    /**
     * Whether two scale lists encode to the same bytes (the doubles' bits, the ranges). Not
     * IoScales.equals: a record's equals is bootstrapped on first use, ~20 ms of a cold load.
     */
    static boolean sameScales(IoScales a, IoScales b) {
        if (a.inputs().size() != b.inputs().size() || a.outputScales().size() != b.outputScales().size()) {
            return false;
        }
        for (int i = 0; i < a.inputs().size(); i++) {
            IoScales.InputDomain x = a.inputs().get(i), y = b.inputs().get(i);
            if (Double.doubleToLongBits(x.scale()) != Double.doubleToLongBits(y.scale()) || x.min() != y.min() || x.max() != y.max()) {
                return false;
            }
        }
        for (int i = 0; i < a.outputScales().size(); i++) {
            if (Double.doubleToLongBits(a.outputScales().get(i)) != Double.doubleToLongBits(b.outputScales().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** A deterministic SecureRandom for the model commitment's hiding randomness, from the key's secret seed. */
    private static java.security.SecureRandom commitmentRandom(byte[] seed) {
        try {
            java.security.SecureRandom r = java.security.SecureRandom.getInstance("SHA1PRNG");
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(seed);
            sha.update("zkinfer/model-commitment-randomness".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            r.setSeed(sha.digest());
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The blinding block's n uniform base-field values, from the key's secret seed (SHA-256 in counter mode). */
    static long[] blinding(byte[] seed, int n) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] out = new long[n];
        int filled = 0;
        long counter = 0;
        while (filled < n) {
            sha.update(seed);
            sha.update(java.nio.ByteBuffer.allocate(8).putLong(counter++).array());
            java.nio.ByteBuffer block = java.nio.ByteBuffer.wrap(sha.digest());
            for (int k = 0; k < 4 && filled < n; k++) {
                long x = block.getLong();
                if (Long.compareUnsigned(x, Goldilocks.P) < 0) {
                    out[filled++] = x;
                }
            }
        }
        return out;
    }

    /** Each input's scale and range and each output's scale, in the model's order. */
    private static IoScales ioScales(QuantizedModel model, ModelCompiler.Compiled compiled, boolean committedInputs) {
        List<IoScales.InputDomain> inputs = new ArrayList<>();
        for (int id : model.inputIds()) {
            if (!committedInputs && compiled.circuit().tensor(compiled.circuitTensorOf()[id]).role() != TensorRole.INPUT) {
                continue; // a private input: in no proof, its domain checked in the circuit
            }
            QTensor in = model.tensor(id);
            inputs.add(new IoScales.InputDomain(in.scale(), in.min(), in.max()));
        }
        List<Double> outputs = new ArrayList<>();
        for (int id : model.outputIds()) {
            outputs.add(model.tensor(id).scale());
        }
        return new IoScales(inputs, outputs);
    }

    public QuantizedModel model() {
        return model;
    }

    /** The compilation of the key's smallest batch. */
    public ModelCompiler.Compiled compiled() {
        return compiled[0];
    }

    /** The compilation of the circuit of batch size {@code batch} (one the key has). */
    public ModelCompiler.Compiled compiled(int batch) {
        return compiled[index(batch)];
    }

    /** The model stacked for batch size {@code batch} (one the key has; {@link StackedModel}). */
    public QuantizedModel model(int batch) {
        int i = index(batch);
        synchronized (stacked) {
            if (stacked[i] == null) {
                stacked[i] = StackedModel.stack(model, batch);
            }
            return stacked[i];
        }
    }

    private int index(int batch) {
        int i = Arrays.binarySearch(vk.batchSizes(), batch);
        if (i < 0) {
            throw new IllegalArgumentException("the key has no circuit for a batch of " + batch);
        }
        return i;
    }

    public VerifyingKey verifyingKey() {
        return vk;
    }

    /**
     * The model commitment. For a key from {@link #decodeRecommittingInBackground} this waits for
     * the recommitment (polling the current proof's cancellation) and throws the {@link
     * MalformedInputException} that {@link #decode} would have thrown for a key whose stored
     * weights do not give the root it records.
     */
    WhirProver.WhirCommitment modelCommitment() {
        WhirProver.WhirCommitment c = modelCommitment;
        if (c != null) {
            return c;
        }
        while (true) {
            try {
                c = pendingCommitment.get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                modelCommitment = c;
                return c;
            } catch (java.util.concurrent.TimeoutException e) {
                Cancellation.checkpoint();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvingCancelledException("interrupted while the proving key's weights were recommitted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw recommitmentFailure(e.getCause());
            }
        }
    }

    /** {@link #modelCommitment} for the circuit provers: made or still being made. */
    dev.zkinfer.prover.circuit.CircuitProver.ModelCommitment modelCommitments() {
        return new dev.zkinfer.prover.circuit.CircuitProver.ModelCommitment() {
            @Override
            public WhirProver.WhirCommitment get() {
                return modelCommitment();
            }

            @Override
            public WhirProver.WhirCommitment ifMade() {
                if (modelCommitment == null && pendingCommitment.isDone()) {
                    return modelCommitment(); // made (or failed: thrown now rather than at the opening)
                }
                return modelCommitment;
            }
        };
    }

    /** A failure of a key's recommitment as {@link #decode} reports it: stored values that do not fit the stored circuit, or the digest. */
    private static RuntimeException recommitmentFailure(Throwable e) {
        // a fork/join task rethrows a worker's exception as a copy whose message is the original's toString()
        Throwable cause = e != null && e.getCause() != null && e.getCause().getClass() == e.getClass() ? e.getCause() : e;
        if (cause instanceof MalformedInputException m) {
            return m;
        }
        if (cause instanceof dev.zkinfer.InvalidInputException || cause instanceof IllegalArgumentException) {
            return new MalformedInputException("corrupted proving key: " + cause.getMessage(), cause);
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    long[] modelTable() {
        return modelTable;
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(Integer.reverseBytes(VERSION));
            out.writeInt(Integer.reverseBytes(vk.profile().bits()));
            out.write(vk.digest());
            model.write(out);
            byte[] vkFile = vk.encode();
            out.writeInt(Integer.reverseBytes(vkFile.length));
            out.write(vkFile);
            out.writeInt(Integer.reverseBytes(compiled[0].modelValues().size()));
            for (var e : compiled[0].modelValues().entrySet()) {
                out.writeInt(Integer.reverseBytes(e.getKey()));
                out.writeInt(Integer.reverseBytes(e.getValue().length));
                for (long v : e.getValue()) {
                    writeVarint(out, zigzag(Goldilocks.toSigned(v)));
                }
            }
            for (ModelCompiler.Compiled c : compiled) {
                int[] tensorOf = c.circuitTensorOf();
                out.writeInt(Integer.reverseBytes(tensorOf.length));
                for (int t : tensorOf) {
                    out.writeInt(Integer.reverseBytes(t));
                }
            }
            // the blinding seed of a zero-knowledge key (secret, like the weights), or nothing
            out.writeInt(Integer.reverseBytes(blindingSeed == null ? 0 : blindingSeed.length));
            if (blindingSeed != null) {
                out.write(blindingSeed);
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            byte[] file = Arrays.copyOf(body, body.length + 32);
            System.arraycopy(sha256(body), 0, file, body.length, 32);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a proving key written by {@link #encode}.
     *
     * @throws dev.zkinfer.MalformedInputException with a one-line reason if the bytes are not a
     *     valid, consistent key
     * @throws ProvingCancelledException if the calling thread is interrupted while the key's
     *     circuit and commitment are recomputed
     * @throws IOException never in practice (the bytes are read from memory)
     */
    public static ProvingKey decode(byte[] file, Consumer<String> progress) throws IOException {
        return decode(file, progress, false);
    }

    /**
     * As {@link #decode}, except that the model commitment is recomputed on the prover pool while
     * the caller goes on (reads the input, computes the witness): everything else is checked
     * before this returns (the checksum, the format, the stored verifying key's digest and
     * scales), and the recomputed root is compared with the stored verifying key's when a proof
     * first needs the commitment (after its witness). A key whose stored weights do not give
     * that root makes that proof (and every later one) throw the {@link MalformedInputException}
     * that {@link #decode} throws, so no proof is ever made with it. For a one-shot prover (the
     * CLI's {@code prove}), where the recommitment is a fixed cost of every run.
     */
    public static ProvingKey decodeRecommittingInBackground(byte[] file, Consumer<String> progress) throws IOException {
        return decode(file, progress, true);
    }

    private static ProvingKey decode(byte[] file, Consumer<String> progress, boolean inBackground) throws IOException {
        if (file.length < 4 + 4 + 4 + 32 + 32) {
            throw new MalformedInputException("not a zkinfer proving key (too short)");
        }
        if (!Arrays.equals(Arrays.copyOfRange(file, 0, 4), MAGIC)) {
            throw new MalformedInputException("not a zkinfer proving key (bad magic)");
        }
        byte[] bytes = Arrays.copyOf(file, file.length - 32);
        if (!Arrays.equals(sha256(bytes), Arrays.copyOfRange(file, bytes.length, file.length))) {
            throw new MalformedInputException("corrupted proving key (checksum mismatch)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new MalformedInputException("not a zkinfer proving key (bad magic)");
        }
        int version = Integer.reverseBytes(in.readInt());
        if (version != VERSION) {
            throw new MalformedInputException("unsupported proving key version " + version + " (this zkinfer reads version " + VERSION + ")");
        }
        int bits = Integer.reverseBytes(in.readInt());
        SecurityProfile profile = Arrays.stream(SecurityProfile.values()).filter(p -> p.bits() == bits).findFirst()
                .orElseThrow(() -> new MalformedInputException("proving key names an unknown security level " + bits));
        byte[] digest = new byte[32];
        in.readFully(digest);
        QuantizedModel model;
        Stored compiled;
        byte[] seed = null;
        try {
            model = QuantizedModel.read(in);
            // Read in place (a stream's per-byte calls cost seconds over VGG-16's 15M varints).
            Cursor cursor = new Cursor(bytes, bytes.length - in.available());
            compiled = readCompiled(cursor, profile, digest, model);
            in.skipNBytes(cursor.pos - (bytes.length - in.available()));
            int seedLength = Integer.reverseBytes(in.readInt());
            if (seedLength != (compiled.zeroKnowledge() ? 32 : 0)) {
                throw new MalformedInputException("corrupted proving key: blinding seed of " + seedLength + " bytes");
            }
            if (seedLength > 0) {
                seed = new byte[seedLength];
                in.readFully(seed);
            }
        } catch (MalformedInputException e) {
            throw e;
        } catch (RuntimeException | java.io.EOFException e) {
            throw new MalformedInputException("corrupted proving key: " + e.getMessage(), e);
        }
        if (in.available() != 0) {
            throw new MalformedInputException("corrupted proving key: " + in.available() + " trailing bytes");
        }
        ModelCompiler.Compiled[] stored = compiled.compiled();
        byte[] storedSeed = seed;
        ProvingKey pk;
        try {
            Backend backend = Backends.get();
            int[] sizes = compiled.sizes();
            pk = ProverPool.run(ModelProver.defaultPool(), Cancellation.create(Thread.currentThread(), false),
                    () -> commit(model, sizes, stored, profile, storedSeed, compiled.hiddenProofs(), compiled.committedInputs(), compiled.committedOutputs(),
                            progress, backend, compiled.vk(), inBackground));
        } catch (MalformedInputException e) {
            throw e;
        } catch (dev.zkinfer.InvalidInputException | IllegalArgumentException e) {
            // Stored values that do not fit the stored circuit. A cancelled load
            // (ProvingCancelledException) and internal errors (bugs) pass through.
            // a fork/join pool rethrows a worker's exception as a copy whose message is the original's toString()
            Throwable cause = e.getCause() != null && e.getCause().getClass() == e.getClass() ? e.getCause() : e;
            throw new MalformedInputException("corrupted proving key: " + cause.getMessage(), e);
        }
        if (!Arrays.equals(pk.vk.digest(), digest)) {
            throw new MalformedInputException(DIGEST_MISMATCH);
        }
        return pk;
    }

    /** The stored compilation: the circuit (from the stored verifying key), the MODEL tensors' values, the tensor map. */
    private record Stored(VerifyingKey vk, int[] sizes, ModelCompiler.Compiled[] compiled, boolean zeroKnowledge, int hiddenProofs,
            boolean committedInputs, boolean committedOutputs) {}

    private static Stored readCompiled(Cursor in, SecurityProfile profile, byte[] digest, QuantizedModel model)
            throws IOException {
        byte[] vkFile = in.bytes(in.length("verifying key", Integer.MAX_VALUE));
        VerifyingKey vk;
        try {
            vk = VerifyingKey.decode(vkFile);
        } catch (dev.zkinfer.encoding.MalformedProofException e) {
            throw new MalformedInputException("corrupted proving key: its verifying key: " + e.getMessage(), e);
        }
        if (!Arrays.equals(vk.digest(), digest) || vk.profile() != profile) {
            throw new MalformedInputException("corrupted proving key: its verifying key does not match the digest it records");
        }
        Circuit circuit = vk.circuit();
        java.util.List<Integer> modelTensors = circuit.tensorsWithRole(TensorRole.MODEL);
        int count = in.length("MODEL tensor count", modelTensors.size());
        Map<Integer, long[]> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int id = in.u32();
            if (!modelTensors.contains(id) || values.containsKey(id)) {
                throw new MalformedInputException("corrupted proving key: values for tensor " + id + ", not a MODEL tensor or repeated");
            }
            int n = in.length("tensor values", circuit.tensor(id).layout().paddedSize());
            long[] v = new long[n];
            for (int k = 0; k < n; k++) {
                long x = unzigzag(in.varint());
                if (x > HALF_P || x < -HALF_P) {
                    throw new MalformedInputException("corrupted proving key: a weight outside the field");
                }
                v[k] = Goldilocks.fromSigned(x);
            }
            values.put(id, v);
        }
        int[] sizes = vk.batchSizes();
        ModelCompiler.Compiled[] out = new ModelCompiler.Compiled[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Circuit ci = vk.forBatch(sizes[i]).circuit();
            int[] tensorOf = new int[in.length("model tensor count", model.tensors().size())];
            for (int q = 0; q < tensorOf.length; q++) {
                tensorOf[q] = in.u32();
                if (tensorOf[q] < -1 || tensorOf[q] >= ci.tensors().size()) {
                    throw new MalformedInputException("corrupted proving key: model tensor " + q + " maps to no circuit tensor");
                }
            }
            dev.zkinfer.circuit.ResidueOrder[] orders = new dev.zkinfer.circuit.ResidueOrder[ci.outputs().length];
            for (int j = 0; j < orders.length; j++) {
                orders[j] = vk.outputOrder(j);
            }
            out[i] = new ModelCompiler.Compiled(ci, i == 0 ? values : valuesFor(circuit, values, ci), tensorOf, orders);
        }
        return new Stored(vk, sizes, out, vk.zeroKnowledge(), vk.hiddenProofs(), vk.committedInputs(), vk.committedOutputs());
    }

    /** (p − 1) / 2: the largest magnitude of a signed field element. */
    private static final long HALF_P = Long.divideUnsigned(Goldilocks.P - 1, 2);

    /** Reads the key's bytes in place; every read is bounds-checked (MalformedInputException at the end). */
    private static final class Cursor {
        private final byte[] b;
        int pos;

        Cursor(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        private void need(int n) {
            if (n > b.length - pos) {
                throw new MalformedInputException("corrupted proving key: it ends early");
            }
        }

        int u32() {
            need(4);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        /** A u32 length in [0, max] that the remaining bytes can hold (each item takes at least one). */
        int length(String what, int max) {
            int n = u32();
            if (n < 0 || n > max || n > b.length - pos) {
                throw new MalformedInputException("corrupted proving key: " + what + " length " + Integer.toUnsignedString(n)
                        + " out of range");
            }
            return n;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        long varint() {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                int x = b[pos++];
                z |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return z;
                }
            }
            throw new MalformedInputException("corrupted proving key: a varint longer than 10 bytes");
        }
    }

    private static long zigzag(long x) {
        return (x << 1) ^ (x >> 63);
    }

    private static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    private static void writeVarint(DataOutputStream out, long z) throws IOException {
        while ((z & ~0x7FL) != 0) {
            out.write((int) (z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out.write((int) z);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.StackedModel;
import dev.zkinfer.circuits.ModelCompiler;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.circuit.CircuitProver;
import dev.zkinfer.prover.circuit.LayerProvers;
import dev.zkinfer.prover.circuit.WitnessValues;
import dev.zkinfer.ProvingCancelledException;
import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.prover.concurrent.ProverPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * Proves inferences of one model.
 *
 * <p><b>Thread safety.</b> Thread-safe: each call builds its own witness, transcript and proof
 * buffers and only reads the proving key, so one ModelProver can serve many requests at once
 * (concurrent proofs share the pool's threads, so each one is slower).
 *
 * <p><b>Threads.</b> A proof runs as one task in a {@link ForkJoinPool}, and all its parallel
 * loops run in that pool, never in {@link ForkJoinPool#commonPool()}. By default that is
 * {@link #defaultPool()}, one pool per JVM shared by every prover (daemon threads named
 * {@code zkinfer-prover-N}, as many as available processors; never shut down, idle threads
 * exit); a service passes its own pool to {@link #ModelProver(ProvingKey, Backend, ForkJoinPool)}
 * and owns its life cycle. The native and CUDA backends also run C code on their own native
 * thread pool.
 *
 * <p><b>Cancellation.</b> A proof stops, with {@link ProvingCancelledException}, when the thread
 * that called {@link #prove} is interrupted (the interrupt flag stays set), when the deadline
 * given to {@link #prove(IntTensor, Consumer, Duration)} passes, or when the
 * {@link ProvingTask} of {@link #proveAsync} is cancelled. The prover polls for this between
 * layers, sumcheck and commitment rounds, chunks of parallel loops and native calls, so it
 * usually stops within a fraction of a second (on the native backend one kernel call over a
 * large committed polynomial can take a second or two); afterwards the prover (and the pool) is
 * ready for the next proof. A cancelled proof leaves nothing behind: proofs share only the
 * immutable proving key, the backend and the pool.
 */
public final class ModelProver {
    private final ProvingKey pk;
    private final Backend backend;
    /** One circuit prover per batch size of the key, made on first use. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, CircuitProver> provers = new java.util.concurrent.ConcurrentHashMap<>();
    private final ForkJoinPool pool;
    private final IntegerExecutor executor = IntegerExecutor.create();

    /** A prover on the default backend ({@link Backends#get}) and the {@link #defaultPool()}. */
    public ModelProver(ProvingKey pk) {
        this(pk, Backends.get());
    }

    /** A prover on {@code backend} and the {@link #defaultPool()}. */
    public ModelProver(ProvingKey pk, Backend backend) {
        this(pk, backend, defaultPool());
    }

    /** A prover on the default backend whose proofs run in {@code pool}. */
    public ModelProver(ProvingKey pk, ForkJoinPool pool) {
        this(pk, Backends.get(), pool);
    }

    /** A prover on {@code backend} whose proofs run in {@code pool} (the caller shuts it down). */
    public ModelProver(ProvingKey pk, Backend backend, ForkJoinPool pool) {
        this.pk = pk;
        this.backend = backend;
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    /**
     * The JVM-wide default pool of provers and key generation: created on first use, daemon
     * threads named {@code zkinfer-prover-N}, parallelism = available processors.
     */
    public static ForkJoinPool defaultPool() {
        return ProverPool.shared();
    }

    /**
     * Proves the inference of a quantized input (see {@link QuantizedModel#quantizeInput}), in
     * this prover's pool; the calling thread waits.
     *
     * @throws ProvingCancelledException if the calling thread is interrupted (its interrupt
     *     flag is set again)
     */
    public ProofResult prove(IntTensor input, Consumer<String> progress) {
        return prove(new IntTensor[] {input}, progress);
    }

    /**
     * Proves the inference of a model with any number of inputs (none for a model without
     * run-time input), given quantized in the model's input order (see {@link
     * QuantizedModel#quantizeInputs}); otherwise as {@link #prove(IntTensor, Consumer)}.
     */
    public ProofResult prove(IntTensor[] inputs, Consumer<String> progress) {
        List<IntTensor[]> in = List.<IntTensor[]>of(inputs.clone());
        return ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false), () -> proveHere(in, progress));
    }

    /**
     * Proves many inferences in one proof: {@code rows} holds one inference each, its inputs in
     * the model's input order (as {@link #prove(IntTensor[], Consumer)} takes them). The proof
     * uses the key's smallest batch circuit that holds them all ({@link
     * dev.zkinfer.circuit.VerifyingKey#batchFor}); the rows beyond them are padded with a valid
     * dummy inference (every input zero, or the nearest value of its range), proved too but not
     * reported. The model commitment is opened once and each layer's weights are shared by all
     * rows, so the cost per inference falls with the batch. The result's outputs hold the real
     * rows one after the other ({@link ProofResult#rowOutputs}).
     *
     * @throws dev.zkinfer.InvalidInputException if there are no rows, or more than the key's
     *     largest batch
     */
    public ProofResult proveBatch(List<IntTensor[]> rows, Consumer<String> progress) {
        List<IntTensor[]> in = copyRows(rows);
        return ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false), () -> proveHere(in, progress));
    }

    /** {@link #proveBatch(List, Consumer)} with a deadline, as {@link #prove(IntTensor, Consumer, Duration)}. */
    public ProofResult proveBatch(List<IntTensor[]> rows, Consumer<String> progress, Duration deadline) {
        List<IntTensor[]> in = copyRows(rows);
        Cancellation token = Cancellation.create(Thread.currentThread(), false);
        token.cancelAfter(deadline);
        return ProverPool.run(pool, token, () -> proveHere(in, progress));
    }

    /** {@link #proveBatch(List, Consumer)} started in this prover's pool, as {@link #proveAsync(IntTensor, Consumer)}. */
    public ProvingTask proveBatchAsync(List<IntTensor[]> rows, Consumer<String> progress) {
        return proveAsync(copyRows(rows), progress, Cancellation.create(null, false));
    }

    private List<IntTensor[]> copyRows(List<IntTensor[]> rows) {
        int max = pk.verifyingKey().maxBatch();
        if (rows.isEmpty() || rows.size() > max) {
            throw new dev.zkinfer.InvalidInputException(rows.isEmpty() ? "a batch proof needs at least one inference"
                    : rows.size() + " inferences do not fit in one proof: the key's largest batch is " + max
                            + " (compile with larger batch sizes, or split the rows)");
        }
        List<IntTensor[]> out = new ArrayList<>(rows.size());
        for (IntTensor[] r : rows) {
            out.add(r.clone());
        }
        return List.copyOf(out);
    }

    /** The key this prover proves with. */
    public ProvingKey provingKey() {
        return pk;
    }

    /**
     * As {@link #prove(IntTensor, Consumer)}, but stops with {@link ProvingCancelledException}
     * once {@code deadline} (measured from this call) has passed.
     */
    public ProofResult prove(IntTensor input, Consumer<String> progress, Duration deadline) {
        return prove(new IntTensor[] {input}, progress, deadline);
    }

    /** {@link #prove(IntTensor[], Consumer)} with a deadline, as {@link #prove(IntTensor, Consumer, Duration)}. */
    public ProofResult prove(IntTensor[] inputs, Consumer<String> progress, Duration deadline) {
        List<IntTensor[]> in = List.<IntTensor[]>of(inputs.clone());
        Cancellation token = Cancellation.create(Thread.currentThread(), false);
        token.cancelAfter(deadline);
        return ProverPool.run(pool, token, () -> proveHere(in, progress));
    }

    /**
     * Starts proving in this prover's pool and returns at once. {@link ProvingTask#cancel()}
     * stops the work; its {@link ProvingTask#future() future} completes when the work has
     * finished or stopped.
     */
    public ProvingTask proveAsync(IntTensor input, Consumer<String> progress) {
        return proveAsync(List.<IntTensor[]>of(new IntTensor[] {input}), progress, Cancellation.create(null, false));
    }

    /** {@link #proveAsync(IntTensor, Consumer)} for a model with any number of inputs, in input order. */
    public ProvingTask proveAsync(IntTensor[] inputs, Consumer<String> progress) {
        return proveAsync(List.<IntTensor[]>of(inputs.clone()), progress, Cancellation.create(null, false));
    }

    /** {@link #proveAsync(IntTensor, Consumer)} with a given token (tests record its checkpoint gaps). */
    ProvingTask proveAsync(IntTensor input, Consumer<String> progress, Cancellation token) {
        return proveAsync(List.<IntTensor[]>of(new IntTensor[] {input}), progress, token);
    }

    private ProvingTask proveAsync(List<IntTensor[]> input, Consumer<String> progress, Cancellation token) {
        CompletableFuture<ProofResult> future = new CompletableFuture<>();
        future.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                token.cancel("the proof's future was cancelled");
            }
        });
        pool.execute(() -> {
            try {
                future.complete(token.call(() -> proveHere(input, progress)));
            } catch (Throwable e) {
                future.completeExceptionally(ProverPool.rethrow(token, e));
            }
        });
        return new ProvingTask(future, token);
    }

    /** The proof itself, on a thread of the pool with the proof's cancellation token current. */
    private ProofResult proveHere(List<IntTensor[]> rows, Consumer<String> progress) {
        Cancellation.checkpoint();
        int batch = pk.verifyingKey().batchFor(rows.size());
        if (batch < 0) {
            throw new dev.zkinfer.InvalidInputException(rows.size() + " inferences do not fit in one proof: the key's largest batch is "
                    + pk.verifyingKey().maxBatch());
        }
        long t0 = System.nanoTime();
        progress.accept(batch == 1 ? "computing the witness" : "computing the witness of " + rows.size() + " inferences (batch of " + batch + ")");
        WitnessValues w;
        try {
            w = witness(batch, stack(batch, rows));
        } catch (RuntimeException e) {
            // A key whose recommitment is still running (ProvingKey.decodeRecommittingInBackground)
            // with stored weights changed under a valid checksum fails the witness check first:
            // the key's own refusal (a one-line MalformedInputException) says why.
            pk.modelCommitment();
            throw e;
        }
        long t1 = System.nanoTime();
        CircuitProver prover = provers.computeIfAbsent(batch,
                b -> new CircuitProver(pk.verifyingKey().forBatch(b), pk.modelCommitments(), pk.modelTable(), backend));
        VerifyingKey bk = pk.verifyingKey().forBatch(batch);
        byte[] proof;
        CommitmentOpening opening = null;
        if (bk.committedInputs() || bk.committedOutputs()) {
            // each committed end's seed: with its tensors, the opening their owner checks the proof with
            java.security.SecureRandom random = new java.security.SecureRandom();
            byte[][] seeds = new byte[CommittedEnd.values().length][];
            CommitmentOpening.Part[] parts = new CommitmentOpening.Part[seeds.length];
            for (CommittedEnd end : CommittedEnd.values()) {
                if (!bk.committed(end)) {
                    continue;
                }
                seeds[end.ordinal()] = new byte[dev.zkinfer.prover.circuit.TensorCommitment.SEED_BYTES];
                random.nextBytes(seeds[end.ordinal()]);
                List<long[]> values = new ArrayList<>();
                int[] ids = bk.zkLayout().committed(end);
                for (int k = 0; k < ids.length; k++) {
                    long[] x = bk.circuit().tensor(ids[k]).layout().unpad(w.get(ids[k]));
                    if (end == CommittedEnd.OUTPUTS) {
                        x = bk.modelOutput(k, x); // the opening holds the model's values; the key knows a padded form
                    }
                    for (int i = 0; i < x.length; i++) {
                        x[i] = Goldilocks.toSigned(x[i]);
                    }
                    values.add(x);
                }
                parts[end.ordinal()] = new CommitmentOpening.Part(values, seeds[end.ordinal()]);
            }
            proof = prover.prove(w, rows.size(), progress, null, random, seeds[CommittedEnd.INPUTS.ordinal()],
                    seeds[CommittedEnd.OUTPUTS.ordinal()]);
            opening = new CommitmentOpening(bk.digest(), batch, rows.size(), parts[CommittedEnd.INPUTS.ordinal()],
                    parts[CommittedEnd.OUTPUTS.ordinal()]);
        } else {
            proof = prover.prove(w, rows.size(), progress, null);
        }
        long t2 = System.nanoTime();
        Circuit c = bk.circuit();
        int[] outIds = c.outputs();
        int[] modelOutputs = pk.model().outputIds();
        List<IntTensor> outputs = new ArrayList<>();
        for (int j = 0; j < outIds.length; j++) {
            long[] out = bk.modelOutput(j, c.tensor(outIds[j]).layout().unpad(w.get(outIds[j])));
            int[] data = new int[out.length / batch * rows.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = Math.toIntExact(Goldilocks.toSigned(out[i]));
            }
            outputs.add(new IntTensor(rowsShape(pk.model().tensor(modelOutputs[j]).shape(), rows.size()), data));
        }
        Cancellation.checkpoint(); // a proof finished past its deadline is not returned
        return new ProofResult(proof, outputs, t1 - t0, t2 - t1, rows.size(), batch, opening);
    }

    /** A row tensor's shape for {@code rows} rows stacked (its leading dimension times rows). */
    private static int[] rowsShape(int[] shape, int rows) {
        if (rows == 1) {
            return shape;
        }
        int[] s = shape.clone();
        s[0] *= rows;
        return s;
    }

    /**
     * Each model input of the batch: the rows' tensors one after the other, then padding rows
     * (each value zero, or the nearest end of the input's range) up to the batch size.
     */
    private IntTensor[] stack(int batch, List<IntTensor[]> rows) {
        QuantizedModel qm = pk.model();
        int[] inIds = qm.inputIds();
        QuantizedModel stacked = pk.model(batch);
        IntTensor[] out = new IntTensor[inIds.length];
        for (int i = 0; i < inIds.length; i++) {
            int[] shape = qm.tensor(inIds[i]).shape();
            List<IntTensor> parts = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                IntTensor[] row = rows.get(r);
                if (row.length != inIds.length) {
                    throw new dev.zkinfer.InvalidInputException("the model takes " + inIds.length + " inputs, got " + row.length
                            + (rows.size() > 1 ? " in row " + r : ""));
                }
                if (!Arrays.equals(row[i].shape(), shape)) {
                    throw new dev.zkinfer.InvalidInputException((inIds.length > 1 ? "input " + i + " has shape " : "input has shape ")
                            + Arrays.toString(row[i].shape()) + (rows.size() > 1 ? " in row " + r : "") + ", the model expects "
                            + Arrays.toString(shape));
                }
                parts.add(row[i]);
            }
            if (batch == 1) {
                out[i] = parts.get(0);
                continue;
            }
            if (rows.size() < batch) {
                int[] dummy = new int[qm.tensor(inIds[i]).size()];
                Arrays.fill(dummy, Math.max(qm.tensor(inIds[i]).min(), Math.min(0, qm.tensor(inIds[i]).max())));
                IntTensor pad = new IntTensor(shape, dummy);
                for (int r = rows.size(); r < batch; r++) {
                    parts.add(pad);
                }
            }
            out[i] = StackedModel.join(stacked.tensor(inIds[i]).shape(), parts);
        }
        return out;
    }

    /**
     * The witness: the input and the weights, every layer's outputs and advice computed by its
     * gadget, and the lookup multiplicities; then a check that every tensor the integer
     * executor also computes agrees with it bit for bit (so a proof is always of exactly what
     * {@code infer} computes).
     */
    WitnessValues witness(IntTensor input) {
        return witness(pk.verifyingKey().batch(), new IntTensor[] {input});
    }

    /** The witness of the circuit of batch size {@code batch}, given its (stacked) inputs. */
    WitnessValues witness(int batch, IntTensor[] inputs) {
        QuantizedModel qm = pk.model(batch);
        ModelCompiler.Compiled compiled = pk.compiled(batch);
        Circuit c = compiled.circuit();
        int[] modelInputs = qm.inputIds();
        // the circuit tensor of each model input: a public input, or an advice tensor when private
        int[] inIds = new int[modelInputs.length];
        for (int i = 0; i < inIds.length; i++) {
            inIds[i] = compiled.circuitTensorOf()[modelInputs[i]];
        }
        if (inputs.length != inIds.length) {
            throw new IllegalArgumentException("the model takes " + inIds.length + " inputs, got " + inputs.length);
        }
        WitnessValues w = new WitnessValues(c);
        for (int i = 0; i < inIds.length; i++) {
            IntTensor input = inputs[i];
            dev.zkinfer.nn.quant.QTensor qt = qm.tensor(modelInputs[i]);
            int[] expected = qt.shape();
            if (!java.util.Arrays.equals(input.shape(), expected)) {
                throw new IllegalArgumentException((inIds.length > 1 ? "input " + i + " has shape " : "input has shape ")
                        + java.util.Arrays.toString(input.shape()) + ", the model expects " + java.util.Arrays.toString(expected));
            }
            new IoScales.InputDomain(qt.scale(), qt.min(), qt.max()).check(Arrays.stream(input.data()).asLongStream().toArray());
            w.put(inIds[i], c.tensor(inIds[i]).layout().pad(field(input.data()), 0));
        }
        for (Map.Entry<Integer, long[]> e : compiled.modelValues().entrySet()) {
            w.put(e.getKey(), e.getValue());
        }
        // The integer executor's run that the witness must match needs nothing from the witness:
        // on a thread of its own it overlaps the gadgets' computation (in a cold JVM these are the
        // two largest single-threaded parts of a small proof, a few hundred ms each for LeNet-5).
        java.util.concurrent.FutureTask<IntegerExecutor.Trace> reference =
                new java.util.concurrent.FutureTask<>(() -> executor.run(qm, inputs, null, true));
        Thread.ofPlatform().daemon().name("zkinfer-witness-reference").start(reference);
        for (Layer l : c.layers()) {
            Cancellation.checkpoint();
            LayerProvers.forLayer(l).computeWitness(l, w);
        }
        Cancellation.checkpoint();
        CircuitProver.computeMultiplicities(c, w);
        Cancellation.checkpoint();
        IntegerExecutor.Trace trace = reference(reference);
        int[] map = compiled.circuitTensorOf();
        for (int q = 0; q < map.length; q++) {
            if (map[q] < 0 || c.tensor(map[q]).role() == TensorRole.MODEL) {
                continue;
            }
            IntTensor expectedValues = trace.value(q);
            if (expectedValues == null) {
                continue;
            }
            TensorLayout l = c.tensor(map[q]).layout();
            long[] got = l.unpad(w.get(map[q]));
            long[] want = field(expectedValues.data());
            if (got.length == 2 && want.length == 1 && isOutput(c, map[q])) {
                // a one-element output in its padded form (a committed output, ModelCompiler): the value, then 0
                want = new long[] {want[0], 0};
            }
            if (!java.util.Arrays.equals(got, want)) {
                throw new IllegalStateException("witness disagrees with the integer executor at tensor " + qm.tensor(q).name());
            }
        }
        return w;
    }

    private static boolean isOutput(Circuit c, int tensor) {
        return Arrays.stream(c.outputs()).anyMatch(o -> o == tensor);
    }

    /** The executor's trace computed on its own thread; its exceptions are rethrown as they were. */
    private static IntegerExecutor.Trace reference(java.util.concurrent.FutureTask<IntegerExecutor.Trace> reference) {
        try {
            return reference.get();
        } catch (InterruptedException e) {
            // a cancelled proof stops here (the reference run is short and ends on its own)
            Thread.currentThread().interrupt();
            Cancellation.checkpoint();
            throw new ProvingCancelledException("proving stopped: interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static long[] field(int[] values) {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Goldilocks.fromSigned(values[i]);
        }
        return v;
    }
}

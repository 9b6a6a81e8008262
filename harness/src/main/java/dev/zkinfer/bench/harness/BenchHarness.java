package dev.zkinfer.bench.harness;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuits.UnsupportedModelException;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Measures each model of the ladder in this JVM, one after the other: float inference, int8
 * integer inference, compile (proving-key generation, once), prove, verify, proof size and
 * the process's peak resident set while the model was measured ({@link PeakRss}). Each timed stage first runs untimed warm-up runs ({@code warmup} of them and for
 * at least {@code warmupSeconds}), then {@code reps} timed runs (fewer when a stage would exceed
 * its time budget; at least one), reported as the median and the spread (min, max). Inference
 * runs are batched so that one timed sample lasts at least 20 ms, and take at least 11 samples.
 * A zero-knowledge row's prove stage is warmed up with at least as many proofs as the integrity
 * row of the same model and batch size was (the JIT compiles after a number of calls, not of seconds:
 * with a time-based warm-up alone the slower mode was timed on earlier, colder proofs); those its key's
 * T proofs cannot cover run first on spare keys of the same model (untimed, noted in the row).
 * With the default options ({@link Options#settleJit}), the prove and verify stages' warm-up
 * also goes on, within half the stage budget, while the JIT is
 * still compiling for more than {@value JitWatch#SETTLED_PERCENT}% of the last runs' time ({@link
 * JitWatch}): on two cores a C2 compile of a large method takes a core for most of a second, so a
 * stage timed while the JIT is busy measures the compiler as much as the prover. A row whose timed
 * runs still had the JIT busy that long says so in its notes.
 */
public final class BenchHarness {
    /** The warm-up runs of the last {@link #timeSlow} call. */
    private int lastWarmupRuns;
    /** The prove stage's warm-up runs of the last {@link #measureBatch} call. */
    private int lastProveWarmupRuns;
    /**
     * The progress of every proof the harness makes, warm-up (spare keys included) and timed alike: with
     * another lambda in the timed runs, a call site the JIT compiled for the warm-up's one can trap and be
     * recompiled while they are timed (the whole-proof method, whose progress call trapped so in a scratch
     * prove loop, took 0.36–0.72 s of C2 per compile there).
     */
    private static final Consumer<String> QUIET = s -> {};
    /** The JIT's compile time and the wall time of the last {@link #timeSlow} call's timed runs (ms). */
    private long lastTimedJitMillis;
    private long lastTimedWallMillis;
    /**
     * @param warmup untimed runs before each timed stage
     * @param reps timed runs per stage
     * @param warmupSeconds and at least this long of untimed runs (capped at half the stage budget)
     * @param stageBudgetSeconds a stage stops taking further runs once it has spent this long (at least one timed run)
     * @param zeroKnowledge also measure each model with a zero-knowledge key (rows named "MODEL+zk")
     * @param settleJit the prove and verify stages' warm-up goes on while the JIT is busy ({@link JitWatch}; within half the
     *     stage budget): the default options', not {@code --quick}'s nor {@code --warmup 0}'s
     */
    public record Options(int warmup, int reps, double warmupSeconds, double stageBudgetSeconds, int[] batches, boolean zeroKnowledge,
            boolean settleJit) {
        public static final Options DEFAULT = new Options(2, 5, 3, 60, new int[] {1}, false, true);
        public static final Options QUICK = new Options(1, 3, 1, 20, new int[] {1}, false);

        /** Options whose warm-up does not wait for the JIT. */
        public Options(int warmup, int reps, double warmupSeconds, double stageBudgetSeconds, int[] batches, boolean zeroKnowledge) {
            this(warmup, reps, warmupSeconds, stageBudgetSeconds, batches, zeroKnowledge, false);
        }

        public Options with(Integer warmup, Integer reps, Double stageBudgetSeconds) {
            boolean none = warmup != null && warmup == 0;
            return new Options(warmup != null ? warmup : this.warmup, reps != null ? reps : this.reps,
                    none ? 0 : warmupSeconds, stageBudgetSeconds != null ? stageBudgetSeconds : this.stageBudgetSeconds,
                    batches, zeroKnowledge, settleJit && !none);
        }

        /** These options, also measuring every model in zero-knowledge mode (docs/zero-knowledge.md) in the same run. */
        public Options withZeroKnowledge() {
            return new Options(warmup, reps, warmupSeconds, stageBudgetSeconds, batches, true, settleJit);
        }

        /**
         * These options measuring batch proofs of each of {@code batches} inferences (distinct,
         * increasing, each from 1 to {@link dev.zkinfer.circuit.VerifyingKey#MAX_BATCH}): one row per
         * model and batch size, all from one key holding those batch circuits.
         */
        public Options withBatches(int[] batches) {
            int[] b = Arrays.stream(batches).sorted().distinct().toArray();
            if (b.length == 0 || b[0] < 1 || b[b.length - 1] > dev.zkinfer.circuit.VerifyingKey.MAX_BATCH
                    || b.length > dev.zkinfer.circuit.VerifyingKey.MAX_BATCH_CIRCUITS) {
                throw new IllegalArgumentException("batch sizes are 1 to " + dev.zkinfer.circuit.VerifyingKey.MAX_BATCH + ", at most "
                        + dev.zkinfer.circuit.VerifyingKey.MAX_BATCH_CIRCUITS + " of them: " + Arrays.toString(batches));
            }
            return new Options(warmup, reps, warmupSeconds, stageBudgetSeconds, b, zeroKnowledge, settleJit);
        }
    }

    /** The fewest timed samples of an inference stage (each one a batch of calls lasting at least 20 ms). */
    static final int FAST_MIN_SAMPLES = 11;

    /** Receives progress: a short status line (e.g. "lenet5: proving 2/3"). */
    private final Consumer<String> progress;
    private final Options options;

    public BenchHarness(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Measures one model at the first batch size. Failures of the proof system (unsupported operator, out of memory) become a note in the row. */
    public ModelResult run(BenchModel model) {
        return runAll(model).get(0);
    }

    /**
     * Measures one model, one row per batch size of the options (in increasing order; the
     * inference and compile columns are shared). Failures of the proof system become a note in
     * the rows they affect.
     */
    public List<ModelResult> runAll(BenchModel model) {
        System.gc();
        try (PeakRss peak = new PeakRss()) {
            return measure(model, peak);
        }
    }

    private List<ModelResult> measure(BenchModel model, PeakRss peak) {
        int[] batches = options.batches();
        String name = model.name();
        List<String> notes = new ArrayList<>();
        if (peak.sinceStart()) {
            notes.add("peak RSS since the process started (/proc/self/clear_refs not writable)");
        }
        progress.accept(name + ": building the model");
        Graph g = model.graph();
        long params = model.parameters(g);
        Tensor x = model.input(g);
        String shape = Arrays.toString(x.shape()).replace(" ", "");

        FloatExecutor fe = new FloatExecutor(g);
        Stats inferFloat = timeFast(name + ": float inference", () -> fe.run(x));

        progress.accept(name + ": quantizing (int" + model.quantization().activationBits() + ")");
        QuantizedModel qm = Quantizer.quantize(g, model.calibration(g), model.quantization());
        IntegerExecutor ie = IntegerExecutor.create();
        IntTensor xi = qm.quantizeInput(x);
        Stats inferInt = timeFast(name + ": integer inference", () -> ie.infer(qm, xi));

        progress.accept(name + ": compiling (one-time key generation)");
        Consumer<String> sub = s -> progress.accept(name + ": compiling: " + s);
        ProvingKey pk;
        QuantizedModel proved = qm;
        long c0 = System.nanoTime();
        try {
            try {
                pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, batches, sub);
            } catch (UnsupportedModelException e) {
                QuantizedModel logits = withoutSoftmax(qm);
                if (logits == qm) {
                    throw e;
                }
                c0 = System.nanoTime();
                pk = ProvingKey.create(logits, SecurityProfile.DEFAULT, batches, sub);
                proved = logits;
                notes.add("final Softmax not proved (" + e.getMessage() + "): proof covers the logits");
            }
        } catch (UnsupportedModelException e) {
            notes.add("not provable: " + e.getMessage());
            return partial(model, batches, params, shape, inferFloat, inferInt, peak, notes);
        } catch (IllegalArgumentException e) {
            // a model beyond the proof system's sizes (the model commitment's PCS: at most 2^MAX_NUM_VARS values)
            notes.add("not provable: " + e.getMessage().replace("java.lang.IllegalArgumentException: ", "")
                    + (e.getMessage().contains("numVars") ? " (the weights' commitment holds at most 2^"
                            + dev.zkinfer.pcs.PcsParameters.MAX_NUM_VARS + " values)" : ""));
            return partial(model, batches, params, shape, inferFloat, inferInt, peak, notes);
        } catch (OutOfMemoryError e) {
            notes.add("out of memory while compiling (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)");
            return partial(model, batches, params, shape, inferFloat, inferInt, peak, notes);
        }
        double compileMs = (System.nanoTime() - c0) / 1e6;
        ModelProver prover = new ModelProver(pk);
        IntTensor expected = ie.infer(proved, xi);
        List<ModelResult> rows = new ArrayList<>();
        java.util.Map<Integer, Integer> proveWarmups = new java.util.HashMap<>();
        boolean outOfMemory = false;
        for (int batch : batches) {
            List<String> rowNotes = new ArrayList<>(notes);
            if (outOfMemory) {
                rowNotes.add("not measured: a smaller batch ran out of memory");
                rows.add(new ModelResult(name, batch, model.description(), params, shape, inferFloat, inferInt, compileMs, Stats.NONE,
                        Stats.NONE, Stats.NONE, 0, pk.verifyingKey().encode().length, peak.mb(), false, String.join("; ", rowNotes)));
                continue;
            }
            ModelResult r = measureBatch(name, model, batch, prover, xi, expected, params, shape, inferFloat, inferInt, compileMs, peak,
                    rowNotes);
            proveWarmups.put(batch, lastProveWarmupRuns);
            outOfMemory = !r.prove().present();
            rows.add(r);
        }
        if (options.zeroKnowledge()) {
            rows.addAll(measureZeroKnowledge(name, model, proved, xi, expected, params, shape, inferFloat, inferInt, peak, notes,
                    proveWarmups));
        }
        return rows;
    }

    /**
     * The same model with a zero-knowledge key, one row "NAME+zk" per batch size. A batch size whose
     * circuit has a one-element tensor to hide has no circuit in such a key; its inferences are proved
     * in the next one, with padding rows (for a batch of 1, the key gets a circuit of 2).
     */
    private List<ModelResult> measureZeroKnowledge(String name, BenchModel model, QuantizedModel proved, IntTensor xi, IntTensor expected,
            long params, String shape, Stats inferFloat, Stats inferInt, PeakRss peak, List<String> notes,
            java.util.Map<Integer, Integer> integrityWarmups) {
        int[] batches = options.batches();
        String zkName = name + "+zk";
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
        for (int b : batches) {
            sizes.add(b);
            sizes.add(Math.min(2 * b, dev.zkinfer.circuit.VerifyingKey.MAX_BATCH));
        }
        progress.accept(zkName + ": compiling (one-time key generation)");
        List<String> zkNotes = new ArrayList<>(notes);
        ProvingKey pk;
        long c0 = System.nanoTime();
        int[] keySizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        try {
            pk = ProvingKey.create(proved, SecurityProfile.DEFAULT, keySizes, new ProvingKey.Options(true, false),
                    s -> progress.accept(zkName + ": compiling: " + s));
        } catch (UnsupportedModelException | IllegalArgumentException e) {
            zkNotes.add("not provable in zero-knowledge mode: " + e.getMessage());
            return partial(new NamedModel(zkName, model), batches, params, shape, inferFloat, inferInt, peak, zkNotes);
        } catch (OutOfMemoryError e) {
            zkNotes.add("out of memory while compiling in zero-knowledge mode (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)");
            return partial(new NamedModel(zkName, model), batches, params, shape, inferFloat, inferInt, peak, zkNotes);
        }
        double compileMs = (System.nanoTime() - c0) / 1e6;
        ModelProver prover = new ModelProver(pk);
        // the key's weights stay hidden for T proofs, and its prover refuses more: every stage of
        // every batch size shares them (a fast model would make more in its warm-up seconds)
        int[] proofsLeft = {pk.verifyingKey().hiddenProofs()};
        List<ModelResult> rows = new ArrayList<>();
        for (int batch : batches) {
            List<String> rowNotes = new ArrayList<>(zkNotes);
            int circuit = pk.verifyingKey().batchFor(batch);
            if (circuit != batch) {
                rowNotes.add("proved in the batch-" + circuit + " circuit (one-element tensors at batch " + batch + ")");
            }
            // as many warm-up proofs as the integrity row had: those the key's T proofs (less the timed
            // ones) do not cover run first on spare keys of the same model
            int spare = integrityWarmups.getOrDefault(batch, 0) - Math.max(0, proofsLeft[0] - options.reps());
            if (spare > 0) {
                int done = warmUpOnSpareKeys(zkName, proved, keySizes, batch, xi, spare);
                rowNotes.add(done + " warm-up proof(s) on spare keys of the same model first (the integrity row had "
                        + integrityWarmups.get(batch) + " warm-up runs; this key hides " + pk.verifyingKey().hiddenProofs() + " proofs)");
            }
            ModelResult r = measureBatch(zkName, model, batch, prover, xi, expected, params, shape, inferFloat, inferInt, compileMs, peak,
                    rowNotes, proofsLeft);
            rows.add(r);
            if (!r.prove().present()) {
                break;
            }
        }
        return rows;
    }

    /**
     * Untimed zero-knowledge proofs of a batch on fresh keys of the model (each key's T proofs at
     * most), {@code count} of them and more while the JIT is busy ({@link JitWatch}), or fewer when half
     * the stage budget is spent; returns how many.
     */
    private int warmUpOnSpareKeys(String zkName, QuantizedModel proved, int[] keySizes, int batch, IntTensor xi, int count) {
        List<IntTensor[]> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            rows.add(new IntTensor[] {xi});
        }
        long budget = (long) (options.stageBudgetSeconds() * 1e9) / 2;
        long start = System.nanoTime();
        int done = 0;
        JitWatch jit = new JitWatch();
        boolean untilSettled = options.settleJit();
        while ((done < count || (untilSettled && jit.busy())) && (done == 0 || System.nanoTime() - start < budget)) {
            progress.accept(zkName + ": a spare key for the warm-up");
            ProvingKey spare = ProvingKey.create(proved, SecurityProfile.DEFAULT, keySizes, new ProvingKey.Options(true, false), s -> {});
            ModelProver prover = new ModelProver(spare);
            for (int k = 0; k < spare.verifyingKey().hiddenProofs() && (done < count || (untilSettled && jit.busy()))
                    && (done == 0 || System.nanoTime() - start < budget); k++) {
                progress.accept(zkName + ": proving (warm-up on a spare key " + (done + 1) + ")");
                jit.start();
                prover.proveBatch(rows, QUIET);
                jit.stop();
                done++;
            }
        }
        return done;
    }

    /** A model under another name (the zero-knowledge rows). */
    private record NamedModel(String name, BenchModel model) {}

    /** The prove and verify stages of one batch size: {@code batch} copies of the input in one proof. */
    private ModelResult measureBatch(String name, BenchModel model, int batch, ModelProver prover, IntTensor xi, IntTensor expected,
            long params, String shape, Stats inferFloat, Stats inferInt, double compileMs, PeakRss peak, List<String> notes) {
        return measureBatch(name, model, batch, prover, xi, expected, params, shape, inferFloat, inferInt, compileMs, peak, notes,
                new int[] {Integer.MAX_VALUE});
    }

    /** As above; {@code proofsLeft[0]}: the proofs the prover may still make (a zero-knowledge key's T), decremented per proof. */
    private ModelResult measureBatch(String name, BenchModel model, int batch, ModelProver prover, IntTensor xi, IntTensor expected,
            long params, String shape, Stats inferFloat, Stats inferInt, double compileMs, PeakRss peak, List<String> notes,
            int[] proofsLeft) {
        var pk = prover.provingKey();
        lastProveWarmupRuns = 0;
        String stage = batch == 1 ? name : name + " (batch " + batch + ")";
        List<IntTensor[]> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            rows.add(new IntTensor[] {xi});
        }
        ProofResult[] last = new ProofResult[1];
        List<Double> witness = new ArrayList<>();
        Stats prove;
        System.gc();
        try {
            int before = proofsLeft[0];
            prove = timeSlow(stage + ": proving", () -> {
                ProofResult r = prover.proveBatch(rows, QUIET);
                proofsLeft[0]--;
                last[0] = r;
                return r;
            }, r -> witness.add(r.witnessNanos() / 1e6), before);
            lastProveWarmupRuns = lastWarmupRuns;
            jitNote(notes, "prove");
            if (proofsLeft[0] == 0) {
                notes.add("warm-up stopped at the key's " + pk.verifyingKey().hiddenProofs() + " proofs (its weights stay hidden for that many)");
            }
        } catch (OutOfMemoryError e) {
            last[0] = null;
            notes.add("out of memory while proving a batch of " + batch + " (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)");
            return new ModelResult(name, batch, model.description(), params, shape, inferFloat, inferInt, compileMs, Stats.NONE, Stats.NONE,
                    Stats.NONE, 0, pk.verifyingKey().encode().length, peak.mb(), false, String.join("; ", notes));
        }
        byte[] proof = last[0].proof();
        boolean outputMatches = true;
        for (int i = 0; i < batch; i++) {
            outputMatches &= last[0].rowOutputs(i).get(0).equals(expected);
        }
        last[0] = null;
        if (!outputMatches) {
            notes.add("the proved output differs from the integer executor's");
        }
        var vk = pk.verifyingKey();
        boolean[] allValid = {true};
        // The verifier's runs start from a collected heap: otherwise the proving runs' garbage
        // (gigabytes of tables for VGG-16) is collected during, and counted in, its timing.
        System.gc();
        Stats verify = timeSlow(stage + ": verifying", () -> CircuitVerifier.verify(vk, proof),
                o -> allValid[0] &= o.result().isValid() && o.rows() == batch);
        jitNote(notes, "verify");
        if (!allValid[0]) {
            notes.add("the proof did not verify: " + CircuitVerifier.verify(vk, proof).result());
        }
        if (prove.runs() < options.reps()) {
            notes.add(prove.runs() + " timed prove run(s) (time budget)");
        }
        // Witness times are reported for the timed runs only (the warm-up runs come first).
        double[] w = witness.stream().mapToDouble(Double::doubleValue).toArray();
        Stats witnessStats = Stats.of(Arrays.copyOfRange(w, Math.max(0, w.length - prove.runs()), w.length));
        return new ModelResult(name, batch, model.description(), params, shape, inferFloat, inferInt, compileMs, prove, witnessStats, verify,
                proof.length, vk.encode().length, peak.mb(), allValid[0] && outputMatches, String.join("; ", notes));
    }

    private List<ModelResult> partial(BenchModel model, int[] batches, long params, String shape, Stats inferFloat, Stats inferInt,
            PeakRss peak, List<String> notes) {
        return partial(new NamedModel(model.name(), model), batches, params, shape, inferFloat, inferInt, peak, notes);
    }

    private List<ModelResult> partial(NamedModel model, int[] batches, long params, String shape, Stats inferFloat, Stats inferInt,
            PeakRss peak, List<String> notes) {
        List<ModelResult> out = new ArrayList<>();
        for (int b : batches) {
            out.add(new ModelResult(model.name(), b, model.model().description(), params, shape, inferFloat, inferInt, Double.NaN, Stats.NONE,
                    Stats.NONE, Stats.NONE, 0, 0, peak.mb(), false, String.join("; ", notes)));
        }
        return out;
    }

    /** The model proving its logits: the final Softmax removed (its argmax, the prediction, is the same). */
    static QuantizedModel withoutSoftmax(QuantizedModel qm) {
        List<QOp> ops = new ArrayList<>(qm.ops());
        if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof QOp.QSoftmax s) {
            ops.remove(ops.size() - 1);
            return new QuantizedModel(qm.tensors(), ops, qm.inputIds(), new int[] {s.input()}, qm.activationBits());
        }
        return qm;
    }

    /**
     * Sub-millisecond work: warm-up runs for at least {@code warmupSeconds} (the JIT compiles the
     * Vector API kernels only after many calls; cold they are orders of magnitude slower), then
     * each sample is the mean of a batch of calls lasting at least 20 ms.
     */
    private Stats timeFast(String what, Supplier<?> work) {
        progress.accept(what + " (warm-up)");
        long budget = (long) (options.stageBudgetSeconds() * 1e9);
        long warm = (long) (Math.min(options.warmupSeconds(), options.stageBudgetSeconds() / 2) * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        do {
            sink(work.get());
            calls++;
        } while (calls < Math.max(1, options.warmup()) || System.nanoTime() - start < warm);
        long t0 = System.nanoTime();
        int probe = (int) Math.min(calls, 10);
        for (int k = 0; k < probe; k++) {
            sink(work.get());
        }
        long one = Math.max(1, (System.nanoTime() - t0) / probe);
        int batch = (int) Math.max(1, Math.min(1_000_000, 20_000_000L / one));
        progress.accept(what);
        // Samples are cheap here: take at least 11, so that a burst of load from other processes
        // (a 20 ms sample is easily hit) moves the median little.
        int reps = Math.max(options.reps(), FAST_MIN_SAMPLES);
        double[] samples = new double[reps];
        int n = 0;
        start = System.nanoTime();
        while (n < reps && (n == 0 || System.nanoTime() - start < budget)) {
            long s0 = System.nanoTime();
            for (int k = 0; k < batch; k++) {
                sink(work.get());
            }
            samples[n++] = (System.nanoTime() - s0) / 1e6 / batch;
        }
        return Stats.of(Arrays.copyOf(samples, n));
    }

    /** Work of milliseconds or more (prove, verify): one call per sample. */
    private <T> Stats timeSlow(String what, Supplier<T> work, Consumer<T> check) {
        return timeSlow(what, work, check, Integer.MAX_VALUE);
    }

    /** As above, with at most {@code maxCalls} calls in all: the warm-up leaves room for the timed runs. */
    private <T> Stats timeSlow(String what, Supplier<T> work, Consumer<T> check, int maxCalls) {
        if (maxCalls < 1) {
            throw new IllegalStateException(what + ": no run left (a zero-knowledge key's proofs are used up)");
        }
        long budget = (long) (options.stageBudgetSeconds() * 1e9);
        long start = System.nanoTime();
        long warm = (long) (options.warmupSeconds() * 1e9);
        int warmCap = Math.max(0, maxCalls - options.reps());
        // At least `warmup` runs and `warmupSeconds`, and on while the JIT is busy, but no more than half the
        // stage budget (nor than maxCalls leaves).
        int warmed = 0;
        JitWatch jit = new JitWatch();
        for (int i = 0; i < warmCap && (i < options.warmup() || System.nanoTime() - start < warm || (options.settleJit() && jit.busy()))
                && (i == 0 || System.nanoTime() - start < budget / 2); i++) {
            progress.accept(what + " (warm-up " + (i + 1) + ")");
            jit.start();
            check.accept(work.get());
            jit.stop();
            warmed++;
        }
        lastWarmupRuns = warmed;
        long jit0 = JitWatch.compileMillis();
        double[] samples = new double[options.reps()];
        int n = 0;
        start = System.nanoTime();
        int timedCap = Math.min(options.reps(), maxCalls);
        while (n < timedCap && (n == 0 || System.nanoTime() - start < budget)) {
            progress.accept(what + " " + (n + 1) + "/" + options.reps());
            long s0 = System.nanoTime();
            T r = work.get();
            samples[n++] = (System.nanoTime() - s0) / 1e6;
            check.accept(r);
        }
        lastTimedJitMillis = jit0 < 0 ? 0 : JitWatch.compileMillis() - jit0;
        lastTimedWallMillis = (System.nanoTime() - start) / 1_000_000;
        return Stats.of(Arrays.copyOf(samples, n));
    }

    /** A note where the JIT compiled for more than {@value JitWatch#SETTLED_PERCENT}% of the last timed runs' time. */
    private void jitNote(List<String> notes, String stage) {
        if (lastTimedJitMillis * 100 > JitWatch.SETTLED_PERCENT * Math.max(1, lastTimedWallMillis)) {
            notes.add(String.format(java.util.Locale.ROOT, "the JIT compiled for %d ms during the timed %s runs (%.0f%% of their %d ms)",
                    lastTimedJitMillis, stage, 100.0 * lastTimedJitMillis / Math.max(1, lastTimedWallMillis), lastTimedWallMillis));
        }
    }

    /**
     * Whether the JIT is still busy: its compile time ({@link java.lang.management.CompilationMXBean},
     * summed over the compiler threads) over the last runs that together last at least {@value
     * #WINDOW_MILLIS} ms (all runs while they last less), against their wall time. C2 compiles in bursts
     * (a large method's compile after some number of calls), so a shorter window sees quiet gaps between
     * them. Never busy where the JVM does not report compile time.
     */
    static final class JitWatch {
        /** The wall time the runs looked at cover (at least). */
        static final long WINDOW_MILLIS = 2000;
        /** Busy above this share of the runs' wall time. */
        static final int SETTLED_PERCENT = 5;
        private final List<long[]> runs = new ArrayList<>();
        private long jit0;
        private long wall0;

        /** The JIT's compile time so far (ms), or -1 where the JVM does not report it. */
        static long compileMillis() {
            java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
            return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
        }

        void start() {
            jit0 = compileMillis();
            wall0 = System.nanoTime();
        }

        void stop() {
            record(jit0 < 0 ? 0 : compileMillis() - jit0, (System.nanoTime() - wall0) / 1_000_000);
        }

        /** A run of {@code wallMillis} during which the JIT compiled for {@code jitMillis}. */
        void record(long jitMillis, long wallMillis) {
            runs.add(new long[] {jitMillis, Math.max(1, wallMillis)});
        }

        /** Whether the JIT compiled for more than {@link #SETTLED_PERCENT}% of the last runs' time (no run yet: not busy). */
        boolean busy() {
            long j = 0;
            long w = 0;
            for (int k = runs.size() - 1; k >= 0 && w < WINDOW_MILLIS; k--) {
                j += runs.get(k)[0];
                w += runs.get(k)[1];
            }
            return j * 100 > SETTLED_PERCENT * w;
        }
    }

    private static volatile int sinkHash;

    private static void sink(Object o) {
        sinkHash += System.identityHashCode(o);
    }

    /**
     * The process's peak resident set (VmHWM in /proc/self/status, Linux) while a model is
     * measured: the high-water mark is reset when the measurement starts by writing 5 to
     * /proc/self/clear_refs. Where that is not allowed, the figure is the peak since the process
     * started ({@link #sinceStart}); where /proc is missing (not Linux), it is NaN.
     */
    static final class PeakRss implements AutoCloseable {
        private final boolean reset;

        PeakRss() {
            boolean ok;
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
                ok = true;
            } catch (IOException | RuntimeException e) {
                ok = false;
            }
            reset = ok;
        }

        /** Whether the peak covers the whole process lifetime (the reset was refused). */
        boolean sinceStart() {
            return !reset;
        }

        /** VmHWM in MB, or NaN when it cannot be read. */
        double mb() {
            return vmHwmKb() / 1024.0;
        }

        static double vmHwmKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Double.parseDouble(line.substring(6).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return Double.NaN;
        }

        @Override
        public void close() {}
    }
}

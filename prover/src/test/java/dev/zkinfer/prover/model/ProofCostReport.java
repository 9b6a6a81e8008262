package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.circuit.LayerProvers;
import dev.zkinfer.prover.circuit.WitnessValues;
import dev.zkinfer.security.SecurityProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cost of whole-model proofs: compile, integer inference, witness, prove and (warm, median)
 * verify times, proof size, peak heap, and per-layer prove / verify / witness breakdowns.
 *
 * <p>Usage (after {@code mvn -q -B install -DskipTests -pl verifier,quantized-nn,circuits,prover}
 * and {@code mvn -q -B test-compile -pl prover}):
 * <pre>
 * java --add-modules=jdk.incubator.vector -Xmx8g -XX:+UseParallelGC \
 *   -cp "prover/target/test-classes:prover/target/classes:$(cat /tmp/prover.cp)" \
 *   dev.zkinfer.prover.model.ProofCostReport lenet5|vgg16|vgg11|smallcnn|nanogpt|gpt2-16|gpt2-64|gpt:L,H,D,V,T
 *   [--layers] [--lookups] [--scalar] [--zk] [--progress [--live-heap]] [--proofs=N] [--vreps=N] [--batch=N] [--save=DIR]
 * </pre>
 * {@code --zk} makes a zero-knowledge key (public input, {@code ProvingKey.Options(true, false)}) and
 * proves with it (at most the key's T proofs per run, docs/zero-knowledge.md §5);
 * {@code --progress} prints each prover stage as it starts (but the layers), with its time and the heap in use
 * ({@code --live-heap}: also the live heap after a full collection there, and the process's resident set);
 * {@code --layers} adds the per-layer breakdown; {@code --lookups} lists the layout sizes, each
 * requantization's parameters (S, the input bound, the limb width and the clamp form) and every
 * lookup with its table; {@code --batch=N} proves one batch proof of N copies of the input (a key
 * with the batch circuits 1 and N); {@code --witness-only} makes the key and prints the committed
 * witness entries by kind, without proving (VGG-16's batch 64: the key alone); {@code --save=DIR} writes the verifying key, the last proof and the proving key to
 * DIR/model.vk, DIR/p.bin and DIR/model.pk ({@code --no-pk}: not the proving key, whose encoding GPT-2's heap has no room for); {@code -Dzkinfer.backend=...} picks the backend.
 * (the classpath from {@code mvn -q dependency:build-classpath -pl prover -Dmdep.outputFile=/tmp/prover.cp}).
 * The model files are looked up under {@code -Dzkinfer.shared} (default /work/shared).
 */
public final class ProofCostReport {
    private ProofCostReport() {}

    /** The committed advice by kind (name after the last '/', limb numbers dropped): what each activation costs. */
    static void printWitnessEntries(ProvingKey pk, int batch) {
        Circuit circuit = pk.verifyingKey().forBatch(batch).circuit();
        java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
        long committed = 0;
        for (int t : pk.verifyingKey().forBatch(batch).witnessLayout().tensors()) {
            dev.zkinfer.circuit.CircuitTensor ct = circuit.tensor(t);
            String kind = ct.name().substring(ct.name().lastIndexOf('/') + 1).replaceAll(" [0-9]+$", "")
                    .replaceAll(" [0-9]+ limb [0-9]+$", "");
            byKind.merge(ct.name().contains("/") ? kind : ct.role().toString().toLowerCase(Locale.ROOT), (long) ct.layout().paddedSize(),
                    Long::sum);
            committed += ct.layout().paddedSize();
        }
        System.out.printf("witness entries: %,d (padded to 2^%d) %s%n", committed,
                pk.verifyingKey().forBatch(batch).witnessLayout().numVars(), byKind);
    }

    /** {gpt2-16, gpt2-64 (GPT-2 small at 16 or 64 tokens), or gpt:LAYERS,HEADS,D,VOCAB,TOKENS}: the quantized model and its input. */
    private static Object[] quantizedGpt(String gpt, long tq) {
        dev.zkinfer.nn.graph.GptBuilder.Config config;
        int tokens;
        if (gpt.startsWith("gpt2-")) {
            config = dev.zkinfer.nn.graph.GptBuilder.Config.gpt2Small();
            tokens = Integer.parseInt(gpt.substring(5));
        } else {
            int[] v = Arrays.stream(gpt.substring(4).split(",")).mapToInt(Integer::parseInt).toArray();
            config = new dev.zkinfer.nn.graph.GptBuilder.Config(v[0], v[1], v[2], v[3], Math.max(v[4], 1));
            tokens = v[4];
        }
        Graph g = dev.zkinfer.nn.graph.GptBuilder.build(42, config, tokens, true);
        System.out.printf("GPT %s: %,d parameters, %d tokens, built in %.1f s%n", config, config.parameters(), tokens,
                (System.nanoTime() - tq) / 1e9);
        QuantizedModel qm = Quantizer.quantize(g, dev.zkinfer.nn.graph.GptBuilder.randomPrompts(42, config.vocab(), tokens, 2),
                QuantizationOptions.int16());
        return new Object[] {qm, qm.quantizeInput(dev.zkinfer.nn.graph.GptBuilder.randomPrompts(43, config.vocab(), tokens, 1).get(0))};
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "lenet5";
        boolean perLayer = Arrays.asList(args).contains("--layers");
        boolean scalar = Arrays.asList(args).contains("--scalar");
        boolean zk = Arrays.asList(args).contains("--zk");
        boolean progress = Arrays.asList(args).contains("--progress");
        boolean liveHeap = Arrays.asList(args).contains("--live-heap");
        int proofs = 2;
        int reps = 15;
        int batch = 1;
        for (String a : args) {
            if (a.startsWith("--batch=")) {
                batch = Integer.parseInt(a.substring(8));
            }
            if (a.startsWith("--vreps=")) {
                reps = Integer.parseInt(a.substring(8));
            }
            if (a.startsWith("--proofs=")) {
                proofs = Integer.parseInt(a.substring(9));
            }
        }
        Path shared = Path.of(System.getProperty("zkinfer.shared", "/work/shared"));
        Locale.setDefault(Locale.ROOT);

        long tq = System.nanoTime();
        QuantizedModel qm;
        IntTensor input;
        switch (name) {
            case "lenet5" -> {
                LenetInput l = lenet5(shared);
                qm = l.model();
                input = l.input();
            }
            case "vgg16", "vgg11", "smallcnn" -> {
                Graph g = switch (name) {
                    case "vgg16" -> ModelBuilder.vgg16(1);
                    case "vgg11" -> ModelBuilder.vgg11(1);
                    default -> ModelBuilder.smallCnn(1);
                };
                qm = ModelProofTest.quantize(g, 1);
                input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0));
            }
            case String gpt when gpt.startsWith("gpt") -> {
                // in its own frame: the float graph (GPT-2 small: 124M weights) is not held through the proof
                Object[] made = quantizedGpt(gpt, tq);
                qm = (QuantizedModel) made[0];
                input = (IntTensor) made[1];
            }
            case "nanogpt" -> {
                Path dir = shared.resolve("conformance/ezkl/nanoGPT");
                Graph g = OnnxModel.load(dir.resolve("network.onnx"));
                Tensor x = Tensor.of(g.inputs().get(0).shape(),
                        dev.zkinfer.nn.io.EzklInput.read(dir.resolve("input.json")).inputData().get(0));
                qm = Quantizer.quantize(g, List.of(x), QuantizationOptions.int16());
                input = qm.quantizeInput(x);
            }
            default -> throw new IllegalArgumentException("unknown model " + name);
        }
        long tq1 = System.nanoTime();
        System.out.printf("model %s: quantized in %.2f s%n", name, (tq1 - tq) / 1e9);

        long tc = System.nanoTime();
        ProvingKey pk = zk
                ? ProvingKey.create(qm, SecurityProfile.DEFAULT, batch == 1 ? new int[] {1} : new int[] {1, batch}, new ProvingKey.Options(true, false),
                        s -> {})
                : ProvingKey.create(qm, SecurityProfile.DEFAULT, batch == 1 ? new int[] {1} : new int[] {1, batch}, s -> {});
        long tc1 = System.nanoTime();
        Circuit circuit = pk.verifyingKey().forBatch(batch).circuit();
        List<IntTensor[]> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            rows.add(new IntTensor[] {input});
        }
        System.out.printf("compile + model commitment: %.3f s (%d layers, %d tensors)%n", (tc1 - tc) / 1e9,
                circuit.layers().size(), circuit.tensors().size());
        dev.zkinfer.circuit.CommittedLayout ml = pk.verifyingKey().modelLayout();
        long modelEntries = 0;
        for (int t : ml.tensors()) {
            for (dev.zkinfer.circuit.CommittedLayout.Block b : ml.blocks(t)) {
                modelEntries += 1L << b.numVars();
            }
        }
        System.out.printf("model commitment: 2^%d values (%d tensors, %,d committed entries)%n", ml.numVars(), ml.tensors().size(), modelEntries);
        if (Arrays.asList(args).contains("--witness-only")) {
            printWitnessEntries(pk, batch);
            return;
        }

        IntegerExecutor ex = IntegerExecutor.create();
        ex.infer(qm, input);
        long ti = System.nanoTime();
        ex.infer(qm, input);
        System.out.printf("integer inference: %.2f ms%n", (System.nanoTime() - ti) / 1e6);

        ModelProver prover = scalar ? new ModelProver(pk, Backends.scalar()) : new ModelProver(pk);
        ProofResult res = null;
        List<long[]> layerTimes = null;
        long peak = 0;
        for (int run = 0; run < proofs; run++) {
            System.gc();
            resetPeaks();
            resetRss();
            List<long[]> lt = new ArrayList<>();
            long[] last = {System.nanoTime(), -9, cpuNanos()};
            long cpuStart = last[2];
            long[] proofStart = {last[0]};
            res = prover.proveBatch(rows, s -> {
                long now = System.nanoTime();
                long cpu = cpuNanos();
                if (last[1] >= -4) {
                    lt.add(new long[] {last[1], now - last[0], cpu - last[2]});
                }
                last[0] = now;
                last[1] = stageOf(s);
                last[2] = cpu;
                if (progress && !s.startsWith("proving layer ")) {
                    // where a large proof stands (and stops, if it runs out of memory): stage, time, heap in use
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf("  %s at %.1f s, heap used %.1f GB", s, (now - proofStart[0]) / 1e9,
                            (rt.totalMemory() - rt.freeMemory()) / 1e9);
                    if (liveHeap) {
                        // the proof's life cycle: what each stage starts with, garbage collected (slows the proof)
                        System.gc();
                        System.out.printf(", live %.2f GB, heap committed %.1f GB, RSS %.1f GB", (rt.totalMemory() - rt.freeMemory()) / 1e9,
                                rt.totalMemory() / 1e9, rssMb() / 1e3);
                    }
                    System.out.println();
                    System.out.flush();
                }
            });
            lt.add(new long[] {last[1], System.nanoTime() - last[0], cpuNanos() - last[2]});
            peak = peakHeap();
            layerTimes = lt;
            long cpuProof = cpuNanos() - cpuStart;
            System.out.printf("proof %d: witness %.3f s, prove %.3f s, peak heap %.0f MB, peak RSS %.0f MB, process CPU %.3f s%n", run,
                    res.witnessNanos() / 1e9, res.proveNanos() / 1e9, peak / 1e6, peakRssMb(), cpuProof / 1e9);
        }
        byte[] proof = res.proof();
        for (String a : args) {
            if (a.startsWith("--save=")) {
                // the verifying key and the last proof, for verifier profiles outside this process
                Path dir = Path.of(a.substring(7));
                java.nio.file.Files.createDirectories(dir);
                java.nio.file.Files.write(dir.resolve("model.vk"), pk.verifyingKey().encode());
                java.nio.file.Files.write(dir.resolve("p.bin"), proof);
                if (!Arrays.asList(args).contains("--no-pk")) {
                    java.nio.file.Files.write(dir.resolve("model.pk"), pk.encode());
                }
            }
        }
        System.out.printf("proof size: %,d bytes (%.1f KB), sha-256 %s%n", proof.length, proof.length / 1024.0,
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(proof)).substring(0, 16));

        long[] vt = new long[reps];
        long[][] stage = new long[circuit.layers().size() + 7][reps];
        for (int i = 0; i < reps; i++) {
            int rep = i;
            long t0 = System.nanoTime();
            CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof,
                    (s, n, nanos) -> stage[s + 6][rep] = nanos);
            vt[i] = System.nanoTime() - t0;
            if (!o.result().isValid()) {
                throw new IllegalStateException("proof rejected: " + o.result());
            }
        }
        System.out.printf("verify: median %.2f ms (min %.2f, first %.2f) over %d runs%n", median(vt) / 1e6,
                Arrays.stream(vt).min().getAsLong() / 1e6, vt[0] / 1e6, reps);

        // per-layer witness
        long[] wt = new long[circuit.layers().size()];
        WitnessValues w = new WitnessValues(circuit);
        int[] stackedInput = new int[input.data().length * batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(input.data(), 0, stackedInput, i * input.data().length, input.data().length);
        }
        w.put(circuit.input(), circuit.tensor(circuit.input()).layout().pad(toField(stackedInput), 0));
        pk.compiled(batch).modelValues().forEach(w::put);
        for (int li = 0; li < wt.length; li++) {
            Layer l = circuit.layers().get(li);
            long t0 = System.nanoTime();
            LayerProvers.forLayer(l).computeWitness(l, w);
            wt[li] = System.nanoTime() - t0;
        }
        long tm = System.nanoTime();
        dev.zkinfer.prover.circuit.CircuitProver.computeMultiplicities(circuit, w);
        long multNanos = System.nanoTime() - tm;

        // by stage + 4: the batched requantization zero-checks (-4), witness commit, openings, lookups, then the layers
        long[] pt = new long[circuit.layers().size() + 5];
        long[] cpuT = new long[circuit.layers().size() + 5];
        for (long[] e : layerTimes) {
            pt[(int) e[0] + 4] += e[1];
            cpuT[(int) e[0] + 4] += e[2];
        }
        long layersCpu = cpuT[0];
        for (int li = 4; li < cpuT.length - 1; li++) {
            layersCpu += cpuT[li];
        }
        long layersTotal = pt[0];
        for (int li = 4; li < pt.length - 1; li++) {
            layersTotal += pt[li];
        }
        System.out.printf("prover stages: witness commit %.3f s, lookups %.3f s, layers %.3f s (of which the batched requant"
                + " zero-checks %.3f s), openings %.3f s%n", pt[1] / 1e9, pt[3] / 1e9, layersTotal / 1e9, pt[0] / 1e9, pt[2] / 1e9);
        System.out.printf("prover stages, process CPU time (all threads; steadier than wall time on a loaded machine): "
                + "witness commit %.3f s, lookups %.3f s, layers %.3f s, openings %.3f s%n", cpuT[1] / 1e9, cpuT[3] / 1e9, layersCpu / 1e9,
                cpuT[2] / 1e9);
        System.out.printf("verifier stages: lookups %.2f ms, requant zero-checks (batched) %.2f ms, model opening %.2f ms, witness opening %.2f ms%n",
                median(stage[5]) / 1e6, median(stage[0]) / 1e6, median(stage[4]) / 1e6, median(stage[3]) / 1e6);
        System.out.printf("witness: multiplicities %.3f s%n", multNanos / 1e9);
        if (Arrays.asList(args).contains("--lookups")) {
            System.out.printf("witness layout: 2^%d (model 2^%d)%n", pk.verifyingKey().forBatch(batch).witnessLayout().numVars(),
                    pk.verifyingKey().forBatch(batch).modelLayout().numVars());
            printWitnessEntries(pk, batch);
            for (Layer l : circuit.layers()) {
                if (l instanceof dev.zkinfer.circuit.RequantLayer r) {
                    System.out.printf("requant %-28s S %d, |x| <= %d, w %d, %s, %d multiplier%s, 2^%d entries%n",
                            circuit.tensor(r.y()).name(), r.commonShift(), r.inputBound(), r.limbWidth(),
                            r.derivedExcess() ? "derived table clamp, E " + r.excessBound()
                                    : r.tableClamp() ? "table clamp, E " + r.excessBound() : "limb clamp, D " + r.overflowBits(),
                            r.m().length, r.m().length == 1 ? "" : "s", circuit.tensor(r.y()).layout().numVars());
                }
            }
            for (dev.zkinfer.circuit.LookupSpec spec : dev.zkinfer.circuit.ProofProtocol.lookupSpecs(circuit)) {
                dev.zkinfer.circuit.CircuitTensor ct = circuit.tensor(spec.columns()[0]);
                System.out.printf("lookup %-28s x%d cols, %7d entries (%s), table 2^%d%s%n", ct.name(), spec.columns().length,
                        ct.layout().paddedSize(), ct.role(), spec.table().logSize(), spec.table().isRange() ? " range" : "");
            }
        }
        if (perLayer) {
            System.out.println("layer                                              witness ms  prove ms  verify ms");
            for (int li = 0; li < circuit.layers().size(); li++) {
                String d = circuit.layers().get(li).toString();
                System.out.printf("%3d %-48s %9.2f %9.2f %9.3f%n", li, d.length() > 48 ? d.substring(0, 48) : d, wt[li] / 1e6,
                        pt[li + 4] / 1e6, median(stage[li + 6]) / 1e6);
            }
        }
    }

    /** Progress line → stage: layer index, -3 witness commitment, -1 lookups, -2 openings, -4 other. */
    private static long stageOf(String s) {
        if (s.startsWith("proving layer ")) {
            return Long.parseLong(s.substring(14, s.indexOf('/'))) - 1;
        }
        if (s.startsWith("committing")) {
            return -3;
        }
        if (s.startsWith("proving lookups")) {
            return -1;
        }
        if (s.startsWith("opening")) {
            return -2;
        }
        if (s.startsWith("proving") && s.endsWith("zero-checks")) {
            return -4;
        }
        return -9;
    }

    private static long[] toField(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = dev.zkinfer.field.Goldilocks.fromSigned(v[i]);
        }
        return out;
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** CPU time of the whole process (all threads), in nanoseconds. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Resets the process's peak resident set (Linux; ignored where refused). */
    private static void resetRss() {
        try {
            java.nio.file.Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (java.io.IOException | RuntimeException e) {
            // the peak then covers the whole process
        }
    }

    /** VmHWM of /proc/self/status in MB (NaN where unreadable). */
    private static double peakRssMb() {
        return statusMb("VmHWM:");
    }

    /** VmRSS of /proc/self/status in MB (NaN where unreadable). */
    private static double rssMb() {
        return statusMb("VmRSS:");
    }

    private static double statusMb(String key) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Double.parseDouble(line.substring(key.length()).trim().split("\\s+")[0]) / 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peak usage since the last reset (an upper bound on the live peak). */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** LeNet-5 from ../shared (softmax dropped, int8, calibrated on 16 test digits) and its first test digit. */
    record LenetInput(QuantizedModel model, IntTensor input) {}

    static LenetInput lenet5(Path shared) throws java.io.IOException {
        Graph g = OnnxModel.load(shared.resolve("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
        MnistIdx.Images images = MnistIdx.readImages(shared.resolve("datasets/mnist/t10k-images-idx3-ubyte.gz"));
        List<Tensor> calibration = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calibration.add(images.lenetInput(i));
        }
        QuantizedModel qm = ModelProofTest.withoutSoftmax(Quantizer.quantize(g, calibration, QuantizationOptions.int8()));
        return new LenetInput(qm, qm.quantizeInput(images.lenetInput(0)));
    }
}

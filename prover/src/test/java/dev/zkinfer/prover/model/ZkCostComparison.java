package dev.zkinfer.prover.model;

import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Zero-knowledge against integrity proving, per prover stage, in one process: both keys of one model,
 * proofs alternately, process CPU time (all threads) and wall time of each stage per proof; prints the
 * medians (and the CPU means: the process CPU clock ticks in 10 ms) over the counted proofs and their ratios (the issue 13 targets are about these ratios).
 *
 * <p>Usage (classpath as for {@link ProofCostReport}):
 * {@code java ... dev.zkinfer.prover.model.ZkCostComparison lenet5|vgg16 [--proofs=N] [--skip=K] [--only=int|zk]}
 * (N proofs of each mode, the first K of each not counted: the JIT's warm-up; {@code --only}: one mode, for a profiler).
 */
public final class ZkCostComparison {
    private ZkCostComparison() {}

    private static final String[] STAGES = {"witness", "commit", "lookups", "layers", "model opening", "witness opening", "total"};

    private static int stageOf(String s) {
        if (s.startsWith("computing the witness")) {
            return 0;
        }
        if (s.startsWith("committing")) {
            return 1;
        }
        if (s.startsWith("proving lookups")) {
            return 2;
        }
        if (s.startsWith("proving layer")) {
            return 3;
        }
        if (s.startsWith("opening the model")) {
            return 4;
        }
        if (s.startsWith("opening the witness")) {
            return 5;
        }
        return -1;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        String name = args.length > 0 ? args[0] : "lenet5";
        int proofs = 20;
        int skip = 5;
        int only = -1;
        for (String a : args) {
            if (a.startsWith("--proofs=")) {
                proofs = Integer.parseInt(a.substring(9));
            }
            if (a.startsWith("--only=")) {
                only = a.substring(7).equals("zk") ? 1 : 0;
            }
            if (a.startsWith("--skip=")) {
                skip = Integer.parseInt(a.substring(7));
            }
        }
        Path shared = Path.of(System.getProperty("zkinfer.shared", "/work/shared"));
        QuantizedModel qm;
        IntTensor input;
        if (name.equals("lenet5")) {
            ProofCostReport.LenetInput l = ProofCostReport.lenet5(shared);
            qm = l.model();
            input = l.input();
        } else {
            Graph g = name.equals("vgg16") ? ModelBuilder.vgg16(1) : ModelBuilder.smallCnn(1);
            qm = ModelProofTest.quantize(g, 1);
            input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0));
        }
        // --only: the other mode's key is not made (VGG-16's keys take several GB each)
        ProvingKey[] keys = {
            only == 1 ? null : ProvingKey.create(qm, SecurityProfile.DEFAULT, new int[] {1}, s -> {}),
            only == 0 ? null : ProvingKey.create(qm, SecurityProfile.DEFAULT, new int[] {1}, new ProvingKey.Options(true, false), s -> {})
        };
        ModelProver[] provers = {keys[0] == null ? null : new ModelProver(keys[0]), keys[1] == null ? null : new ModelProver(keys[1])};
        int n = STAGES.length;
        long[][][] cpu = new long[2][n][proofs];
        long[][][] wall = new long[2][n][proofs];
        for (int run = 0; run < proofs; run++) {
            if (run > 0 && run % 30 == 0 && only != 0) {
                // a zero-knowledge key's model commitment hides 32 openings (docs/zero-knowledge.md §5): a fresh key
                keys[1] = ProvingKey.create(qm, SecurityProfile.DEFAULT, new int[] {1}, new ProvingKey.Options(true, false), s -> {});
                provers[1] = new ModelProver(keys[1]);
            }
            for (int m = 0; m < 2; m++) {
                if (only >= 0 && m != only) {
                    continue;
                }
                int r = run;
                int mode = m;
                long[] last = {System.nanoTime(), cpuNanos(), -1};
                long w0 = last[0];
                long c0 = last[1];
                provers[m].prove(input, s -> {
                    int st = stageOf(s);
                    if (st < 0 || st == last[2]) {
                        return;
                    }
                    long now = System.nanoTime();
                    long c = cpuNanos();
                    if (last[2] >= 0) {
                        wall[mode][(int) last[2]][r] += now - last[0];
                        cpu[mode][(int) last[2]][r] += c - last[1];
                    }
                    last[0] = now;
                    last[1] = c;
                    last[2] = st;
                });
                long now = System.nanoTime();
                long c = cpuNanos();
                wall[mode][(int) last[2]][r] += now - last[0];
                cpu[mode][(int) last[2]][r] += c - last[1];
                wall[mode][n - 1][r] = now - w0;
                cpu[mode][n - 1][r] = c - c0;
            }
        }
        System.out.printf("%s: %d proofs of each mode alternately, the last %d counted; medians in ms, load %s%n", name, proofs,
                proofs - skip, java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("%-16s %10s %10s %6s   %10s %10s %6s   %s%n", "stage", "int CPU", "zk CPU", "ratio", "int wall", "zk wall", "ratio",
                "mean CPU int, zk, ratio");
        for (int s = 0; s < n; s++) {
            double ic = median(cpu[0][s], skip) / 1e6;
            double zc = median(cpu[1][s], skip) / 1e6;
            double iw = median(wall[0][s], skip) / 1e6;
            double zw = median(wall[1][s], skip) / 1e6;
            double im = mean(cpu[0][s], skip) / 1e6;
            double zm = mean(cpu[1][s], skip) / 1e6;
            System.out.printf("%-16s %10.2f %10.2f %6.2f   %10.2f %10.2f %6.2f   %7.2f %7.2f %6.2f%n", STAGES[s], ic, zc, zc / ic, iw, zw,
                    zw / iw, im, zm, zm / im);
        }
    }

    private static double median(long[] v, int skip) {
        long[] s = Arrays.copyOfRange(v, Math.min(skip, v.length - 1), v.length);
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double mean(long[] v, int skip) {
        return Arrays.stream(v, Math.min(skip, v.length - 1), v.length).average().orElse(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

package dev.zkinfer.prover.model;

import dev.zkinfer.security.SecurityProfile;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a JVM's LeNet-5 proofs get cheaper as it warms up, per mode: N proofs of one mode (a fresh key
 * every 30, a zero-knowledge key hides 32), then N of the other, in one process; prints the median
 * process CPU time and the least wall time of each group of 15 consecutive proofs. {@code zkinfer
 * bench} times a stage after a warm-up of a number of runs; this shows which proofs of each mode
 * a given warm-up leaves it timing.
 *
 * <p>Usage (classpath as for {@link ProofCostReport}):
 * {@code java ... dev.zkinfer.prover.model.ZkWarmUpCurve [--proofs=N] [--zk-first]}
 */
public final class ZkWarmUpCurve {
    private ZkWarmUpCurve() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int proofs = 120;
        boolean zkFirst = false;
        for (String a : args) {
            if (a.startsWith("--proofs=")) {
                proofs = Integer.parseInt(a.substring(9));
            }
            zkFirst |= a.equals("--zk-first");
        }
        ProofCostReport.LenetInput l = ProofCostReport.lenet5(Path.of(System.getProperty("zkinfer.shared", "/work/shared")));
        System.out.printf("load %s%n", java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        for (int pass = 0; pass < 2; pass++) {
            boolean zk = (pass == 0) == zkFirst;
            ModelProver prover = null;
            double[] cpu = new double[proofs];
            double[] wall = new double[proofs];
            for (int i = 0; i < proofs; i++) {
                if (i % 30 == 0) {
                    ProvingKey key = zk
                            ? ProvingKey.create(l.model(), SecurityProfile.DEFAULT, new int[] {1}, new ProvingKey.Options(true, false), s -> {})
                            : ProvingKey.create(l.model(), SecurityProfile.DEFAULT, new int[] {1}, s -> {});
                    prover = new ModelProver(key);
                }
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                prover.prove(l.input(), s -> {});
                wall[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (cpuNanos() - c0) / 1e6;
            }
            StringBuilder sb = new StringBuilder(zk ? "zero knowledge" : "integrity     ");
            for (int g = 0; g + 15 <= proofs; g += 15) {
                double[] c = Arrays.copyOfRange(cpu, g, g + 15);
                double[] w = Arrays.copyOfRange(wall, g, g + 15);
                Arrays.sort(c);
                Arrays.sort(w);
                sb.append(String.format("  [%d..%d) CPU %.0f, wall min %.0f", g, g + 15, c[7], w[0]));
            }
            System.out.println(sb);
        }
        System.out.printf("load %s%n", java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** Process CPU time (all threads; the native kernels' too). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.VerifyingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a saved proof's verification time and bytes go, section by section: the verifying key
 * and proof that {@code ProofCostReport --save=DIR} wrote, verified {@code reps} times in this
 * process (the medians of the stage times), and each stage's proof bytes; layers grouped by kind.
 * A verify loop small enough to run under JFR beside other work (the key and the proof only).
 *
 * <pre>
 * java -cp ... dev.zkinfer.prover.model.VerifyCostReport DIR [reps]
 * </pre>
 */
public final class VerifyCostReport {
    private VerifyCostReport() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path dir = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        VerifyingKey vk = VerifyingKey.decode(Files.readAllBytes(dir.resolve("model.vk")));
        byte[] proof = Files.readAllBytes(dir.resolve("p.bin"));
        List<Layer> layers = vk.circuit().layers();
        int stages = layers.size() + 6;
        long[][] nanos = new long[stages][reps];
        long[] bytes = new long[stages];
        long[] total = new long[reps];
        long[] cpu = new long[reps];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < reps; r++) {
            int rep = r;
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, proof, new CircuitVerifier.Timing() {
                @Override
                public void record(int stage, String name, long ns) {
                    nanos[stage + 6][rep] = ns;
                }

                @Override
                public void bytes(int stage, String name, long count) {
                    bytes[stage + 6] = count;
                }
            });
            total[r] = System.nanoTime() - t0;
            cpu[r] = threads.getCurrentThreadCpuTime() - c0;
            if (!o.result().isValid()) {
                throw new IllegalStateException("proof rejected: " + o.result());
            }
        }
        System.out.printf("proof %,d bytes; verify median %.2f ms, min %.2f ms over %d runs (thread CPU: median %.2f ms, min %.2f ms; "
                + "the sections below: wall-clock minima)%n", proof.length, median(total) / 1e6, Arrays.stream(total).min().getAsLong() / 1e6,
                reps, median(cpu) / 1e6, Arrays.stream(cpu).min().getAsLong() / 1e6);
        System.out.printf("  %-34s %9s %11s%n", "section", "ms", "bytes");
        row("header, public values, roots", null, bytes[2]);
        row("lookups (all)", nanos[5], bytes[5]);
        row("  of which the LogUp-GKR tree", null, bytes[1]);
        row("  of which column evaluations", null, bytes[5] - bytes[1]);
        row("requant zero-checks (batched)", nanos[0], bytes[0]);
        Map<String, long[]> byKind = new TreeMap<>();
        for (int li = 0; li < layers.size(); li++) {
            Layer l = layers.get(li);
            // index maps proved by claim transfer (no sumcheck, no bytes) apart from the others
            String kind = l instanceof dev.zkinfer.circuit.IndexMapLayer im && im.claimTransfer(vk.circuit()) != null
                    ? "IndexMap (claim transfer)" : l.kind();
            long[] acc = byKind.computeIfAbsent(kind, k -> new long[3]);
            acc[0] += min(nanos[li + 6]);
            acc[1] += bytes[li + 6];
            acc[2]++;
        }
        long layerNanos = 0, layerBytes = 0;
        for (Map.Entry<String, long[]> e : byKind.entrySet()) {
            layerNanos += e.getValue()[0];
            layerBytes += e.getValue()[1];
        }
        System.out.printf("  %-34s %9.2f %,11d%n", "layers (" + layers.size() + ")", layerNanos / 1e6, layerBytes);
        for (Map.Entry<String, long[]> e : byKind.entrySet()) {
            System.out.printf("    %-32s %9.2f %,11d%n", e.getKey() + " x" + e.getValue()[2], e.getValue()[0] / 1e6, e.getValue()[1]);
        }
        long saved = 0;
        for (Layer l : layers) {
            if (l instanceof dev.zkinfer.circuit.IndexMapLayer im && im.claimTransfer(vk.circuit()) != null) {
                // what its sumcheck would have sent: s, n rounds of 2 ext, x̃(ρ)
                saved += (2L * vk.circuit().tensor(im.inputs()[0]).layout().numVars() + 2) * 24;
            }
        }
        System.out.printf("    (the claim transfers' sumchecks would have sent %,d bytes)%n", saved);
        row("model opening (blocks + WHIR)", nanos[4], bytes[4]);
        row("witness opening (WHIR)", nanos[3], bytes[3]);
    }

    private static void row(String name, long[] ns, long b) {
        System.out.printf("  %-34s %9s %,11d%n", name, ns == null ? "" : String.format("%.2f", min(ns) / 1e6), b);
    }

    private static long min(long[] v) {
        return Arrays.stream(v).min().getAsLong();
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

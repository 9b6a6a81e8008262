package dev.zkinfer.prover.model;

import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.prover.concurrent.ProverPool;
import dev.zkinfer.security.SecurityProfile;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Measures how promptly a proof can be stopped: one whole proof with the longest time between
 * two cancellation checkpoints (and, for every gap over {@code --report-ms}, the prover threads'
 * stacks when the gap was seen, to find the step without checkpoints), then proofs cancelled at
 * 0.5 s, 1 s, 1.5 s, ... until one finishes, each with the time from the cancel to the stop.
 * Usage (test class path): {@code CancellationLatencyReport vgg11|vgg16|smallcnn vector|native [--report-ms=300] [--cold]}
 * ({@code --cold}: no warm-up proof, so the first proof shows the gaps of a cold JVM).
 */
public final class CancellationLatencyReport {
    public static void main(String[] args) throws Exception {
        String model = args[0];
        Backend backend = args[1].equals("native") ? Backends.nativeBackend() : Backends.vector();
        long reportMs = 300;
        for (String a : args) {
            if (a.startsWith("--report-ms=")) {
                reportMs = Long.parseLong(a.substring(12));
            }
        }
        QuantizedModel qm = ModelProofTest.quantize(switch (model) {
            case "vgg11" -> ModelBuilder.vgg11(1);
            case "vgg16" -> ModelBuilder.vgg16(1);
            default -> ModelBuilder.smallCnn(1);
        }, 1);
        ForkJoinPool pool = ProverPool.newPool(Runtime.getRuntime().availableProcessors(), "report-prover-");
        long k0 = System.nanoTime();
        boolean cold = java.util.Arrays.asList(args).contains("--cold");
        // --cold: the key on the native backend when it loads (same key, less JIT warm-up of the prover's kernels)
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {},
                cold && Backends.nativeBackend() != null ? Backends.nativeBackend() : backend, pool);
        System.out.printf("%s key: %d ms%n", model, (System.nanoTime() - k0) / 1_000_000);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 5).get(0));
        ModelProver prover = new ModelProver(pk, backend, pool);
        if (!cold) {
            prover.prove(input, s -> {}); // warm-up
        }
        for (int rep = 0; rep < 2; rep++) {
            Cancellation token = Cancellation.create(null, true);
            long t0 = System.nanoTime();
            String[] stage = {""};
            ProvingTask task = prover.proveAsync(input, s -> stage[0] = s, token);
            long threshold = TimeUnit.MILLISECONDS.toNanos(reportMs);
            long reportedFor = -1;
            while (!task.future().isDone()) {
                Thread.sleep(20);
                long last = token.lastCheckNanos();
                if (System.nanoTime() - last > threshold && last != reportedFor) {
                    reportedFor = last;
                    System.out.printf("gap over %d ms at %.2f s (%s):%n", reportMs, (System.nanoTime() - t0) / 1e9, stage[0]);
                    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                        if (e.getKey().getName().startsWith("report-prover-") && e.getValue().length > 0) {
                            System.out.println("  " + e.getKey().getName());
                            for (int i = 0; i < Math.min(12, e.getValue().length); i++) {
                                System.out.println("    at " + e.getValue()[i]);
                            }
                        }
                    }
                }
            }
            task.join();
            System.out.printf("%s %s proof %d: %d ms, longest gap between checkpoints %d ms%n", model, backend.name(), rep,
                    (System.nanoTime() - t0) / 1_000_000, token.maxGapNanos() / 1_000_000);
        }
        long worst = 0;
        for (int ms = 500; ; ms += 500) {
            ProvingTask task = prover.proveAsync(input, s -> {});
            Thread.sleep(ms);
            long t0 = System.nanoTime();
            if (!task.cancel()) {
                task.join();
                break;
            }
            try {
                task.future().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof dev.zkinfer.ProvingCancelledException)) {
                    throw e;
                }
            }
            long latency = (System.nanoTime() - t0) / 1_000_000;
            worst = Math.max(worst, latency);
            System.out.printf("cancel at %.1f s: stopped after %d ms%n", ms / 1000.0, latency);
        }
        System.out.printf("%s %s: worst cancel latency %d ms%n", model, backend.name(), worst);
        pool.shutdown();
    }
}

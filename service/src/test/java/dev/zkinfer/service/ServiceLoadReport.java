package dev.zkinfer.service;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.client.ProvingServiceClient;
import dev.zkinfer.client.VerifiedInference;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.service.http.ProvingServer;
import dev.zkinfer.service.models.ModelRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Not a test: measures the service on LeNet-5 (batch 1). Starts an embedded PostgreSQL, an
 * API-only server and WORKERS worker processes, then (1) sustained throughput: JOBS jobs
 * submitted at once, proofs per minute from submission to the last proof; (2) latency from
 * submission to locally verified output at 50 % of that rate for SECONDS seconds (p50, p99);
 * (3) an in-process ModelProver call on the same input, for the service's overhead.
 * Run: {@code java -cp <service test class path> dev.zkinfer.service.ServiceLoadReport WORKERS JOBS SECONDS}.
 */
public final class ServiceLoadReport {
    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[0]);
        int jobs = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Path data = Files.createTempDirectory("zkinfer-load");
        try {
        try (ProvingService api = ProvingService.serve(null, data, ProvingServer.Options.defaults().withHost("127.0.0.1").withPort(0), null)) {
            String digest = new ModelRegistry(api.store()).register(ServiceFixtures.lenet(), null, 8, 1).digest();
            String jdbc = api.embeddedJdbcUrl();
            List<Process> procs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                procs.add(ServiceFixtures.startWorker(jdbc, "load-" + w, 30_000, data.resolve("w" + w + ".log")));
            }
            try {
                ProvingServiceClient client = new ProvingServiceClient(URI.create("http://127.0.0.1:" + api.port()), null);
                VerifyingKey vk = client.trustedVerifyingKey(digest);
                // Warm-up: each worker decodes the key and JIT-compiles the prover.
                List<String> warm = new ArrayList<>();
                for (int i = 0; i < 3 * workers; i++) {
                    warm.add(client.submit(digest, ServiceFixtures.randomInput(784, 1000 + i, 0, 1), null));
                }
                for (String id : warm) {
                    awaitDone(client, id);
                }
                // (1) throughput
                long t0 = System.nanoTime();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < jobs; i++) {
                    ids.add(client.submit(digest, ServiceFixtures.randomInput(784, i, 0, 1), null));
                }
                for (String id : ids) {
                    awaitDone(client, id);
                }
                double minutes = (System.nanoTime() - t0) / 6e10;
                double perMinute = jobs / minutes;
                System.out.printf(Locale.ROOT, "workers=%d throughput: %d LeNet-5 proofs in %.1f s = %.1f proofs/min%n", workers, jobs, minutes * 60, perMinute);
                // (2) latency at 50 % load
                double intervalMs = 60_000.0 / (0.5 * perMinute);
                ConcurrentLinkedQueue<Double> lat = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Double> work = new ConcurrentLinkedQueue<>();
                int n = (int) Math.max(4, seconds * 1000 / intervalMs);
                CountDownLatch doneLatch = new CountDownLatch(n);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long due = start + (long) (i * intervalMs * 1e6);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    double[] x = ServiceFixtures.randomInput(784, 5000 + i, 0, 1);
                    Thread.ofVirtual().start(() -> {
                        try {
                            long s = System.nanoTime();
                            String id = client.submit(digest, x, null);
                            awaitDone(client, id);
                            VerifiedInference v = client.verify(vk, id, x, false);
                            if (!v.isValid()) {
                                throw new IllegalStateException(v.result().reason());
                            }
                            lat.add((System.nanoTime() - s) / 1e6);
                            var job = api.store().job(java.util.UUID.fromString(id)).orElseThrow();
                            work.add(job.witnessMs() + job.proveMs());
                        } catch (Exception e) {
                            e.printStackTrace();
                        } finally {
                            doneLatch.countDown();
                        }
                    });
                }
                doneLatch.await();
                List<Double> l = new ArrayList<>(lat);
                Collections.sort(l);
                System.out.printf(Locale.ROOT, "workers=%d latency at 50%% load (%d jobs, one every %.0f ms): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        workers, l.size(), intervalMs, pct(l, 0.5), pct(l, 0.99), l.get(l.size() - 1));
                List<Double> w = new ArrayList<>(work);
                Collections.sort(w);
                System.out.printf(Locale.ROOT, "workers=%d of which witness + prove inside the worker: p50 %.0f ms%n", workers, pct(w, 0.5));
                // (3) in-process
                ProvingKey pk = ProvingKey.decode(api.store().provingKey(digest).orElseThrow(), s -> { });
                ModelProver prover = new ModelProver(pk);
                QuantizedModel qm = pk.model();
                List<Double> proveMs = new ArrayList<>();
                List<Double> verifyMs = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    var qx = qm.quantizeInput(Tensor.of(qm.input().shape(), ServiceFixtures.randomInput(784, 9000 + i, 0, 1)), false);
                    long s = System.nanoTime();
                    var res = prover.prove(qx.values(), st -> { });
                    long m = System.nanoTime();
                    CircuitVerifier.verify(pk.verifyingKey(), res.proof());
                    if (i >= 15) {
                        proveMs.add((m - s) / 1e6);
                        verifyMs.add((System.nanoTime() - m) / 1e6);
                    }
                }
                Collections.sort(proveMs);
                Collections.sort(verifyMs);
                System.out.printf(Locale.ROOT, "in-process (this JVM, 15 warm-up proofs, workers idle): ModelProver.prove median %.0f ms, verify median %.0f ms%n",
                        pct(proveMs, 0.5), pct(verifyMs, 0.5));
            } finally {
                procs.forEach(Process::destroyForcibly);
            }
        }
        } finally {
            ServiceFixtures.deleteTree(data);
        }
    }

    static void awaitDone(ProvingServiceClient c, String id) throws Exception {
        while (true) {
            var s = c.status(id);
            if (s.status().equals("done")) {
                return;
            }
            if (s.status().equals("failed")) {
                throw new IllegalStateException(id + " failed: " + s.error());
            }
            Thread.sleep(20);
        }
    }

    static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}

package dev.zkinfer.service.worker;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.ProvingCancelledException;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingTask;
import dev.zkinfer.service.store.JobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A proving node: {@code threads} loops that each claim a job from the store, prove it and
 * record the proof, renewing the job's lease every third of its length while proving. A loop
 * that loses its lease (the database said another worker owns the job now) cancels its proof.
 * A job fails over to another attempt when proving throws; the third failed attempt marks it
 * failed. Stateless: kill it at any time, and its job is claimed again once the lease expires.
 */
public final class ProvingWorker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProvingWorker.class.getName());

    /** How a worker runs. {@code name} identifies it in the store (lease owner, proof's worker). */
    public record Options(String name, int threads, Duration lease, Duration pollInterval, int maxAttempts) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            if (lease.toMillis() < 300) {
                throw new IllegalArgumentException("the lease must be at least 300 ms");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        /** One thread, a 30 s lease, polling every 250 ms when the queue is empty, three attempts. */
        public static Options defaults() {
            return new Options(defaultName(), 1, Duration.ofSeconds(30), Duration.ofMillis(250), 3);
        }

        public Options withThreads(int n) {
            return new Options(name, n, lease, pollInterval, maxAttempts);
        }

        public Options withLease(Duration d) {
            return new Options(name, threads, d, pollInterval, maxAttempts);
        }

        public Options withPollInterval(Duration d) {
            return new Options(name, threads, lease, d, maxAttempts);
        }

        public Options withName(String n) {
            return new Options(n, threads, lease, pollInterval, maxAttempts);
        }

        private static String defaultName() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    private final JobStore store;
    private final ModelCache models;
    private final Options options;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> loops = new ArrayList<>();
    private final ScheduledExecutorService leases;
    private final Counter done;
    private final Counter failed;
    private final Counter retried;
    private final Timer proveTime;

    public ProvingWorker(JobStore store, ModelCache models, Options options, MeterRegistry metrics) {
        this.store = store;
        this.models = models;
        this.options = options;
        this.leases = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zkinfer-lease-renewal");
            t.setDaemon(true);
            return t;
        });
        this.done = Counter.builder("zkinfer.proofs.done").description("Proofs recorded by this process").register(metrics);
        this.failed = Counter.builder("zkinfer.proofs.failed").description("Jobs this process marked failed").register(metrics);
        this.retried = Counter.builder("zkinfer.proofs.retried").description("Failed attempts put back in the queue").register(metrics);
        this.proveTime = Timer.builder("zkinfer.prove.time").description("Witness generation and proving, per proof")
                .publishPercentileHistogram().register(metrics);
    }

    /** Starts the loops; returns at once. */
    public ProvingWorker start() {
        for (int i = 0; i < options.threads(); i++) {
            Thread t = new Thread(this::loop, "zkinfer-worker-" + i);
            t.setDaemon(true);
            loops.add(t);
            t.start();
        }
        return this;
    }

    public String name() {
        return options.name();
    }

    private void loop() {
        long backoff = options.pollInterval().toMillis();
        while (running.get()) {
            try {
                Optional<JobStore.Claim> claim = store.claim(options.name(), options.lease(), options.maxAttempts());
                if (claim.isEmpty()) {
                    Thread.sleep(options.pollInterval().toMillis());
                    continue;
                }
                prove(claim.get());
                backoff = options.pollInterval().toMillis();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database is down or restarting: keep trying, a little slower each time.
                LOG.log(Level.WARNING, "worker " + options.name() + ": " + e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private void prove(JobStore.Claim job) {
        Optional<ModelCache.LoadedModel> prover = models.prover(job.modelDigest());
        if (prover.isEmpty()) {
            failed(job, "unknown model " + job.modelDigest(), true);
            return;
        }
        QuantizedModel qm = prover.get().model();
        QuantizedModel.QuantizedInput qx;
        try {
            qx = qm.quantizeInput(Tensor.of(qm.input().shape(), job.input()), job.clampInputs());
        } catch (InvalidInputException | IllegalArgumentException e) {
            failed(job, "input: " + e.getMessage(), true);
            return;
        }
        ProvingTask task = prover.get().prover().proveAsync(qx.values(), s -> { });
        AtomicBoolean lostLease = new AtomicBoolean();
        long period = Math.max(100, options.lease().toMillis() / 3);
        ScheduledFuture<?> renewal = leases.scheduleAtFixedRate(() -> {
            try {
                if (!store.renew(job.id(), options.name(), options.lease())) {
                    lostLease.set(true);
                    task.cancel();
                }
            } catch (RuntimeException e) {
                // A missed renewal is not a lost lease; the next one may get through.
                LOG.log(Level.WARNING, "lease renewal for job " + job.id() + ": " + e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        try {
            ProofResult res = task.join();
            renewal.cancel(false);
            double[] out = qm.dequantize(qm.output().id(), res.output()).data();
            if (store.complete(job.id(), options.name(), res.proof(), out, res.witnessNanos() / 1e6, res.proveNanos() / 1e6)) {
                done.increment();
                proveTime.record(Duration.ofNanos(res.witnessNanos() + res.proveNanos()));
            } else {
                LOG.log(Level.WARNING, "job " + job.id() + ": lost its lease before the proof was recorded; another worker has it");
            }
        } catch (ProvingCancelledException e) {
            renewal.cancel(false);
            if (!lostLease.get()) {
                failed(job, "cancelled: " + e.getMessage(), false);
            }
        } catch (RuntimeException | Error e) {
            renewal.cancel(false);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            failed(job, cause.toString(), false);
            if (e instanceof Error err && !(err instanceof OutOfMemoryError)) {
                throw err;
            }
        }
    }

    private void failed(JobStore.Claim job, String error, boolean permanent) {
        Optional<String> status = store.fail(job.id(), options.name(), error, options.maxAttempts(), permanent);
        if (status.isPresent() && status.get().equals("failed")) {
            failed.increment();
        } else if (status.isPresent()) {
            retried.increment();
        }
    }

    /** Stops claiming jobs and waits up to {@code grace} for the proofs in progress to finish. */
    public void stop(Duration grace) {
        running.set(false);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : loops) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        leases.shutdownNow();
    }

    /** Stops claiming jobs and waits up to a minute for the proofs in progress. */
    @Override
    public void close() {
        stop(Duration.ofMinutes(1));
    }
}

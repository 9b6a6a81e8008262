package dev.zkinfer.prover.model;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Collects inference requests as they arrive and proves them together: one batch proof
 * ({@link ModelProver#proveBatch}) as soon as {@code maxRows} requests are waiting, or once the
 * oldest waiting request has waited {@code maxWait}, whichever comes first. Each request's future
 * completes with a {@link Receipt}: the batch proof, the request's row in it and its proved
 * outputs, so each caller can verify its own inference from the shared proof
 * ({@code CircuitVerifier.verify(vk, receipt.proof())}, then {@code outcome.rowInput(i, row)} is
 * its input and {@code outcome.rowOutput(j, row)} its output).
 *
 * <p>Requests are checked when submitted (shape and range), so one bad request is refused alone
 * and never fails the batch it would have joined. A batch that fails to prove fails the futures of
 * its requests only. {@link #close()} proves what is waiting and accepts no more requests.
 *
 * <p>Thread-safe: any number of threads may submit at once. Batches are proved in the prover's
 * pool ({@link ModelProver#proveBatchAsync}), several at a time if they come faster than they are
 * proved.
 */
public final class BatchAccumulator implements AutoCloseable {
    /** What a request's future completes with: the batch proof and this request's place in it. */
    public record Receipt(byte[] proof, int row, int rows, int batch, List<IntTensor> outputs) {
        public Receipt {
            outputs = List.copyOf(outputs);
        }

        /** The proved output of a one-output model. */
        public IntTensor output() {
            if (outputs.size() != 1) {
                throw new IllegalStateException("the model has " + outputs.size() + " outputs; use outputs()");
            }
            return outputs.get(0);
        }
    }

    private record Request(IntTensor[] inputs, CompletableFuture<Receipt> result) {}

    private final ModelProver prover;
    private final int maxRows;
    private final long maxWaitNanos;
    private final LongSupplier clock;
    /** Runs the deadline checks; null when the owner calls {@link #poll()} itself (tests with a fake clock). */
    private final ScheduledExecutorService timer;
    private final List<Request> pending = new ArrayList<>();
    private long oldest;
    private ScheduledFuture<?> deadline;
    private boolean closed;

    private BatchAccumulator(ModelProver prover, int maxRows, Duration maxWait, LongSupplier clock, boolean ownTimer) {
        int max = prover.provingKey().verifyingKey().maxBatch();
        if (maxRows < 1 || maxRows > max) {
            throw new InvalidInputException("a batch of " + maxRows + " rows: the key proves batches of 1 to " + max);
        }
        if (maxWait.isNegative()) {
            throw new InvalidInputException("the longest wait must not be negative, got " + maxWait);
        }
        this.prover = prover;
        this.maxRows = maxRows;
        this.maxWaitNanos = maxWait.toNanos();
        this.clock = clock;
        this.timer = ownTimer ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zkinfer-batch-deadline");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * An accumulator that proves a batch when {@code maxRows} requests wait (at most the key's
     * largest batch) or the oldest has waited {@code maxWait}; a daemon thread watches the
     * deadline. Close it to prove what is left and stop that thread.
     */
    public static BatchAccumulator start(ModelProver prover, int maxRows, Duration maxWait) {
        return new BatchAccumulator(prover, maxRows, maxWait, System::nanoTime, true);
    }

    /**
     * An accumulator on the given clock (nanoseconds) without a thread of its own: the owner calls
     * {@link #poll()} to prove a batch whose deadline has passed (for tests, and for services that
     * run their own scheduler).
     */
    public static BatchAccumulator withClock(ModelProver prover, int maxRows, Duration maxWait, LongSupplier clock) {
        return new BatchAccumulator(prover, maxRows, maxWait, clock, false);
    }

    /**
     * Adds one inference request (its quantized inputs, in the model's input order) and returns
     * the future of its receipt.
     *
     * @throws InvalidInputException if the inputs do not fit the model (shape, count or range), or
     *     the accumulator is closed
     */
    public CompletableFuture<Receipt> submit(IntTensor... inputs) {
        IntTensor[] in = inputs.clone();
        check(in);
        CompletableFuture<Receipt> result = new CompletableFuture<>();
        List<Request> full = null;
        synchronized (this) {
            if (closed) {
                throw new InvalidInputException("the batch accumulator is closed");
            }
            if (pending.isEmpty()) {
                oldest = clock.getAsLong();
                if (timer != null) {
                    deadline = timer.schedule(this::poll, maxWaitNanos, TimeUnit.NANOSECONDS);
                }
            }
            pending.add(new Request(in, result));
            if (pending.size() >= maxRows) {
                full = take();
            }
        }
        if (full != null) {
            prove(full);
        }
        return result;
    }

    /** Proves the waiting requests if the oldest has waited the longest wait or more. */
    public void poll() {
        List<Request> due = null;
        synchronized (this) {
            if (!pending.isEmpty() && clock.getAsLong() - oldest >= maxWaitNanos) {
                due = take();
            }
        }
        if (due != null) {
            prove(due);
        }
    }

    /** Proves the waiting requests now, whatever their wait. */
    public void flush() {
        List<Request> now;
        synchronized (this) {
            now = take();
        }
        if (!now.isEmpty()) {
            prove(now);
        }
    }

    /** How many requests wait for their batch. */
    public synchronized int waiting() {
        return pending.size();
    }

    /** Proves what is waiting, refuses further requests and stops the deadline thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        flush();
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private List<Request> take() {
        List<Request> out = new ArrayList<>(pending);
        pending.clear();
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        return out;
    }

    private void prove(List<Request> batch) {
        List<IntTensor[]> rows = new ArrayList<>(batch.size());
        for (Request r : batch) {
            rows.add(r.inputs());
        }
        CompletableFuture<ProofResult> proof;
        try {
            proof = prover.proveBatchAsync(rows, s -> {}).future();
        } catch (RuntimeException e) {
            batch.forEach(r -> r.result().completeExceptionally(e));
            return;
        }
        proof.whenComplete((p, e) -> {
            for (int k = 0; k < batch.size(); k++) {
                if (e != null) {
                    batch.get(k).result().completeExceptionally(e);
                } else {
                    batch.get(k).result().complete(new Receipt(p.proof(), k, p.rows(), p.batch(), p.rowOutputs(k)));
                }
            }
        });
    }

    private void check(IntTensor[] in) {
        QuantizedModel qm = prover.provingKey().model();
        int[] ids = qm.inputIds();
        if (in.length != ids.length) {
            throw new InvalidInputException("the model takes " + ids.length + " inputs, got " + in.length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (!Arrays.equals(in[i].shape(), qm.tensor(ids[i]).shape())) {
                throw new InvalidInputException("input " + i + " has shape " + Arrays.toString(in[i].shape()) + ", the model expects "
                        + Arrays.toString(qm.tensor(ids[i]).shape()));
            }
            // the model's own input domain, as ModelProver checks it (the key lists public inputs
            // only: a private input is in no proof, its domain is checked by a lookup)
            dev.zkinfer.nn.quant.QTensor qt = qm.tensor(ids[i]);
            try {
                new dev.zkinfer.circuit.IoScales.InputDomain(qt.scale(), qt.min(), qt.max())
                        .check(Arrays.stream(in[i].data()).asLongStream().toArray());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
        }
    }
}

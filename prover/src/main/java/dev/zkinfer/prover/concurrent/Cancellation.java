package dev.zkinfer.prover.concurrent;

import dev.zkinfer.ProvingCancelledException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The cancellation token of one proof: cancelled by the caller, by a thread interrupt or by a
 * deadline, and polled by the prover at checkpoints (every layer, every sumcheck and WHIR round,
 * every chunk of a parallel loop, before every native call), so a proof usually stops within a
 * fraction of a second of being cancelled (a single native kernel call is not interrupted). A checkpoint that finds the token cancelled throws
 * {@link ProvingCancelledException}; nothing a proof shares with other proofs is left
 * half-updated, because proofs share only immutable data (keys, tables) and the pool.
 *
 * <p>The token travels with the proof as a {@link ScopedValue} bound on the thread that runs it
 * ({@link #call}); code in a parallel loop captures it with {@link #current} before the loop,
 * because the loop's chunks run on other threads. Code that runs outside any proof sees
 * {@link #NONE}, which is never cancelled. Thread-safe: cancel from any thread.
 *
 * <p>Internal to the prover; the public API is {@code ModelProver}'s deadline, interrupt and
 * {@code proveAsync}.
 */
public final class Cancellation {
    private static final ScopedValue<Cancellation> CURRENT = ScopedValue.newInstance();

    /** The token of code that runs outside a proof: never cancelled. */
    public static final Cancellation NONE = new Cancellation(null, false);

    private final long startNanos = System.nanoTime();
    private final Thread owner;
    private volatile String reason;
    /** When a deadline passes ({@link System#nanoTime}), checked at every checkpoint as well as by its timer. */
    private volatile long deadlineNanos;
    private volatile String deadlineReason;
    private final AtomicLong lastCheck;
    private final AtomicLong maxGap;

    private Cancellation(Thread owner, boolean recordGaps) {
        this.owner = owner;
        this.lastCheck = recordGaps ? new AtomicLong(startNanos) : null;
        this.maxGap = recordGaps ? new AtomicLong() : null;
    }

    /**
     * A new token. {@code owner}: the thread whose interrupt also cancels (checked at checkpoints
     * on that thread), or null. {@code recordGaps}: measure the longest time between two
     * checkpoints ({@link #maxGapNanos}), for tests and measurements.
     */
    public static Cancellation create(Thread owner, boolean recordGaps) {
        return new Cancellation(owner, recordGaps);
    }

    /** The token of the proof running on this thread, or {@link #NONE}. */
    public static Cancellation current() {
        return CURRENT.orElse(NONE);
    }

    /** A checkpoint: throws {@link ProvingCancelledException} if the current proof was cancelled. */
    public static void checkpoint() {
        current().check();
    }

    /** Runs {@code work} with this token as the current one on this thread. */
    public <T> T call(Supplier<T> work) {
        return ScopedValue.where(CURRENT, this).call(work::get);
    }

    /** Cancels at {@code deadline} from now (a timer thread sets the flag; nothing else runs there). */
    public void cancelAfter(Duration deadline) {
        long nanos = Math.max(0, deadline.toNanos());
        // checkpoints compare the clock too, so work that ends before the timer thread runs
        // (a loaded machine) still cannot return past its deadline
        deadlineReason = "the deadline of " + format(deadline) + " passed";
        deadlineNanos = System.nanoTime() + nanos;
        CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, Runnable::run)
                .execute(() -> cancel("the deadline of " + format(deadline) + " passed"));
    }

    /** Requests cancellation; the first reason wins. Returns whether this call cancelled it. */
    public boolean cancel(String why) {
        if (this == NONE) {
            throw new IllegalStateException("the NONE token cannot be cancelled");
        }
        synchronized (this) {
            if (reason != null) {
                return false;
            }
            reason = why;
            return true;
        }
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** Throws {@link ProvingCancelledException} if cancelled (or if the owner thread was interrupted). */
    public void check() {
        if (lastCheck != null) {
            long now = System.nanoTime();
            long prev = lastCheck.getAndSet(now);
            maxGap.accumulateAndGet(now - prev, Math::max);
        }
        String late = deadlineReason;
        if (reason == null && late != null && System.nanoTime() - deadlineNanos >= 0) {
            cancel(late);
        }
        if (reason == null && owner != null && owner == Thread.currentThread() && owner.isInterrupted()) {
            cancel("the proving thread was interrupted");
        }
        if (reason != null) {
            throw stopped();
        }
    }

    /** The exception that reports this cancellation: its reason and how long the work had run. */
    public ProvingCancelledException stopped() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new ProvingCancelledException("proving stopped: " + reason + " (after "
                + String.format(java.util.Locale.ROOT, "%.2f", seconds) + " s)");
    }

    /** The longest time between two checkpoints (or from creation to the first), if recorded. */
    public long maxGapNanos() {
        if (maxGap == null) {
            throw new IllegalStateException("this token does not record gaps");
        }
        return maxGap.get();
    }

    /** When the last checkpoint ran ({@link System#nanoTime}), if recorded. */
    public long lastCheckNanos() {
        if (lastCheck == null) {
            throw new IllegalStateException("this token does not record gaps");
        }
        return lastCheck.get();
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

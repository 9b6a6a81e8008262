package dev.zkinfer.prover.concurrent;

import dev.zkinfer.ProvingCancelledException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The fork-join pools the prover runs on. All of a proof's parallel loops are parallel streams,
 * and a parallel stream runs in the pool of the thread that starts it; so running the whole
 * proof as one task in a pool ({@link #run}) keeps all its work in that pool and off
 * {@link ForkJoinPool#commonPool()}.
 *
 * <p>The default pool ({@link #shared}) is created on first use, once per JVM: daemon threads
 * named {@code zkinfer-prover-N}, parallelism = available processors; it is never shut down
 * (idle workers time out and exit). Thread-safe.
 *
 * <p>Internal to the prover; the public API is {@code ModelProver} and {@code ProvingKey}.
 */
public final class ProverPool {
    private ProverPool() {
    }

    private static final class Shared {
        static final ForkJoinPool POOL = newPool(Runtime.getRuntime().availableProcessors(), "zkinfer-prover-");
    }

    /** The JVM-wide default prover pool (not the common pool). */
    public static ForkJoinPool shared() {
        return Shared.POOL;
    }

    /** A new pool of daemon threads named {@code prefix + N}. */
    public static ForkJoinPool newPool(int parallelism, String prefix) {
        AtomicInteger count = new AtomicInteger();
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ForkJoinPool(parallelism, factory, null, false);
    }

    /**
     * Runs {@code work} as a task in {@code pool} with {@code token} current, and waits for it.
     * An interrupt of the waiting thread cancels the token; the call then waits for the work to
     * stop (a fraction of a second), restores the interrupt flag and throws
     * {@link ProvingCancelledException}. Any other failure of the work is rethrown as it is,
     * except that a cancelled token always surfaces as {@link ProvingCancelledException}.
     */
    public static <T> T run(ForkJoinPool pool, Cancellation token, Supplier<T> work) {
        if (ForkJoinTask.getPool() == pool) {
            try {
                return token.call(work);
            } catch (Throwable e) {
                throw rethrow(token, e);
            }
        }
        ForkJoinTask<T> task = ForkJoinTask.adapt(() -> token.call(work));
        pool.execute(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T result = task.get();
                    if (interrupted) {
                        throw token.stopped();
                    }
                    return result;
                } catch (InterruptedException e) {
                    interrupted = true;
                    token.cancel("the proving thread was interrupted");
                } catch (ExecutionException e) {
                    throw rethrow(token, thrownByWork(e.getCause()));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The exception the work threw. ForkJoinTask.get rethrows a failure of another thread as a new
     * exception of the same class whose cause is the original and whose message is the original's
     * toString() ("java.lang.IllegalArgumentException: ..."), which would put a class name in front of
     * every one-line error; the original is returned instead.
     */
    static Throwable thrownByWork(Throwable e) {
        Throwable cause = e == null ? null : e.getCause();
        if (cause != null && cause.getClass() == e.getClass() && java.util.Objects.equals(e.getMessage(), cause.toString())) {
            return cause;
        }
        return e;
    }

    /** What a failure of cancellable work surfaces as: a cancellation if the token was cancelled. */
    public static RuntimeException rethrow(Cancellation token, Throwable e) {
        if (token.isCancelled() && !(e instanceof VirtualMachineError)) {
            ProvingCancelledException stopped = token.stopped();
            if (!(e instanceof ProvingCancelledException)) {
                stopped.addSuppressed(e);
            }
            return stopped;
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e);
    }
}

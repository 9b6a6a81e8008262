package dev.zkinfer.prover.model;

import dev.zkinfer.ProvingCancelledException;
import dev.zkinfer.prover.concurrent.Cancellation;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A proof running in the background ({@link ModelProver#proveAsync}). Thread-safe: cancel and
 * wait from any thread.
 */
public final class ProvingTask {
    private final CompletableFuture<ProofResult> future;
    private final Cancellation token;

    ProvingTask(CompletableFuture<ProofResult> future, Cancellation token) {
        this.future = future;
        this.token = token;
    }

    /**
     * Asks the proof to stop; it does within a fraction of a second, and {@link #future()} then
     * completes exceptionally with {@link ProvingCancelledException}. Returns false if the proof
     * had already finished or been cancelled.
     */
    public boolean cancel() {
        return !future.isDone() && token.cancel("the proof was cancelled");
    }

    /**
     * Completes with the proof, or exceptionally with {@link ProvingCancelledException} once a
     * cancelled proof has stopped, or with the failure. Cancelling this future also stops the
     * proof (the future itself completes at once, as {@link CompletableFuture#cancel} specifies).
     */
    public CompletableFuture<ProofResult> future() {
        return future;
    }

    /**
     * Waits for the proof. Not interruptible (use {@link #future()} to wait with a timeout).
     *
     * @throws ProvingCancelledException if it was cancelled
     */
    public ProofResult join() {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (CancellationException e) {
            throw token.stopped();
        }
    }
}

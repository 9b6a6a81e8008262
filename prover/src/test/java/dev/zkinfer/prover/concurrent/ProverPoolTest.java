package dev.zkinfer.prover.concurrent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class ProverPoolTest {
    @Test
    void aFailureOfTheWorkSurfacesWithItsOwnMessage() {
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false), () -> {
                        throw new IllegalArgumentException("zero-knowledge mode cannot prove this model (x)");
                    }));
            // not "java.lang.IllegalArgumentException: zero-knowledge mode ...", ForkJoinTask's re-made exception
            assertEquals("zero-knowledge mode cannot prove this model (x)", e.getMessage());
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false), () -> {
                        throw new IllegalStateException("plain", new RuntimeException("inner"));
                    }));
            assertEquals("plain", s.getMessage(), "an exception with a cause of its own is kept as it is");
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.zkinfer.service;

import dev.zkinfer.service.db.EmbeddedPostgres;
import dev.zkinfer.service.http.ProvingServer;
import dev.zkinfer.service.store.JobStore;
import dev.zkinfer.service.worker.ModelCache;
import dev.zkinfer.service.worker.ProvingWorker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A running proving service: the HTTP API ({@code zkinfer serve}) and/or proving workers
 * ({@code zkinfer worker}) over one PostgreSQL job store, an external one ({@code --db}) or one
 * embedded in a data folder. Close it to stop the server, let the workers finish their proofs
 * (up to a minute), close the pool and stop the embedded database. A program that does not close
 * it (from a shutdown hook, as {@code zkinfer serve} does) leaves the embedded database running;
 * the next start on the same folder stops it.
 *
 * <pre>{@code
 * try (ProvingService s = ProvingService.serve(null, Path.of("data"), ProvingServer.Options.defaults(),
 *         ProvingWorker.Options.defaults())) {
 *     s.awaitTermination();
 * }
 * }</pre>
 */
public final class ProvingService implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final JobStore store;
    private final ProvingServer server;
    private final ProvingWorker worker;
    private boolean closed;

    private ProvingService(EmbeddedPostgres embedded, JobStore store, ProvingServer server, ProvingWorker worker) {
        this.embedded = embedded;
        this.store = store;
        this.server = server;
        this.worker = worker;
    }

    /**
     * Starts the HTTP API with {@code workerOptions.threads()} local proving threads (null: none,
     * an API-only node). With {@code jdbcUrl} null, starts an embedded PostgreSQL in {@code dataDir}.
     */
    public static ProvingService serve(String jdbcUrl, Path dataDir, ProvingServer.Options serverOptions,
                                       ProvingWorker.Options workerOptions) throws IOException {
        // Stopped by close(), after the workers have recorded their proofs; run close() from a shutdown hook.
        EmbeddedPostgres pg = jdbcUrl == null ? EmbeddedPostgres.start(dataDir, false) : null;
        JobStore store = null;
        ProvingWorker worker = null;
        try {
            int threads = workerOptions == null ? 0 : workerOptions.threads();
            store = JobStore.open(pg != null ? pg.jdbcUrl() : jdbcUrl, 8 + 2 * threads);
            ModelCache models = new ModelCache(store);
            PrometheusMeterRegistry metrics = ProvingServer.newMetrics();
            if (workerOptions != null) {
                worker = new ProvingWorker(store, models, workerOptions, metrics).start();
            }
            ProvingServer server = new ProvingServer(store, models, serverOptions, metrics).start();
            return new ProvingService(pg, store, server, worker);
        } catch (RuntimeException e) {
            if (worker != null) {
                worker.stop(Duration.ZERO);
            }
            if (store != null) {
                store.close();
            }
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
    }

    /** Starts a proving node without the HTTP API on the database at {@code jdbcUrl}. */
    public static ProvingService work(String jdbcUrl, ProvingWorker.Options workerOptions) {
        JobStore store = JobStore.open(jdbcUrl, 2 + 2 * workerOptions.threads());
        try {
            ProvingWorker worker = new ProvingWorker(store, new ModelCache(store), workerOptions, ProvingServer.newMetrics()).start();
            return new ProvingService(null, store, null, worker);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The HTTP port, or -1 for a worker-only node. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    /** The job store (for tests and tools). */
    public JobStore store() {
        return store;
    }

    /** The embedded database's JDBC URL, or null when the service uses an external one. */
    public String embeddedJdbcUrl() {
        return embedded == null ? null : embedded.jdbcUrl();
    }

    /** Blocks until the JVM shuts down (the service is then closed by the caller's shutdown hook). */
    public void awaitTermination() throws InterruptedException {
        Thread.currentThread().join();
    }

    /** Stops everything, once (later calls return at once). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
        if (worker != null) {
            worker.close();
        }
        store.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}

package dev.zkinfer.service.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * The service's durable state in PostgreSQL: models (their keys), jobs (the queue) and proofs.
 * Every write is one transaction, so an accepted job or a recorded proof survives any crash of
 * the process that made it.
 *
 * <p>The queue protocol: a worker claims the oldest claimable job, one that is queued or whose
 * lease expired, with {@code SELECT ... FOR UPDATE SKIP LOCKED} (workers never wait on each
 * other's rows), sets itself as the lease owner and the lease's expiry, and renews the lease
 * while it proves. Completing, failing and renewing all check that the worker still owns the
 * lease, so a worker that lost its lease (it stalled, the job was claimed again) cannot record
 * anything; and the proofs table's primary key admits one proof per job. A claim counts as an
 * attempt; a job whose attempts reach the limit and then fail or lose their lease is marked
 * failed with its last error.
 *
 * <p>Thread-safe: a connection pool serves any number of threads.
 */
public final class JobStore implements AutoCloseable {
    private final HikariDataSource ds;

    private JobStore(HikariDataSource ds) {
        this.ds = ds;
    }

    /** Connects to {@code jdbcUrl} and brings the schema up to date (Flyway migrations; safe to run from many processes at once). */
    public static JobStore open(String jdbcUrl, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("zkinfer-db");
        cfg.setConnectionTimeout(30_000);
        cfg.setInitializationFailTimeout(30_000);
        HikariDataSource ds = new HikariDataSource(cfg);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:dev/zkinfer/service/db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new JobStore(ds);
    }

    /** A model as the API lists it. */
    public record ModelInfo(String digest, int[] inputShape, long parameters, Instant createdAt) {}

    /** A job as the API reports it. */
    public record Job(UUID id, String modelDigest, String status, int attempts, String error, double[] output,
                      Instant createdAt, Instant startedAt, Instant finishedAt, Double witnessMs, Double proveMs) {}

    /** A job a worker has claimed. */
    public record Claim(UUID id, String modelDigest, double[] input, boolean clampInputs, int attempt) {}

    /** The outcome of a submission: the job, and whether this call created it (false: an earlier submission with the same idempotency key). */
    public record Submission(UUID id, boolean created) {}

    public Optional<String> digestForSource(String sourceSha256) {
        return queryOne("SELECT digest FROM model_sources WHERE source_sha256 = ?", rs -> rs.getString(1), sourceSha256);
    }

    /** Stores a compiled model (idempotent: the same digest twice keeps the first) and what it was compiled from. */
    public void saveModel(String sourceSha256, String digest, byte[] provingKey, byte[] verifyingKey, int[] inputShape, long parameters) {
        inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO models (digest, proving_key, verifying_key, input_shape, parameters) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING")) {
                st.setString(1, digest);
                st.setBytes(2, provingKey);
                st.setBytes(3, verifyingKey);
                st.setArray(4, c.createArrayOf("int4", java.util.Arrays.stream(inputShape).boxed().toArray()));
                st.setLong(5, parameters);
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO model_sources (source_sha256, digest) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                st.setString(1, sourceSha256);
                st.setString(2, digest);
                st.executeUpdate();
            }
            return null;
        });
    }

    public List<ModelInfo> models() {
        return query("SELECT digest, input_shape, parameters, created_at FROM models ORDER BY created_at", JobStore::modelInfo);
    }

    public Optional<ModelInfo> model(String digest) {
        return queryOne("SELECT digest, input_shape, parameters, created_at FROM models WHERE digest = ?", JobStore::modelInfo, digest);
    }

    public Optional<byte[]> verifyingKey(String digest) {
        return queryOne("SELECT verifying_key FROM models WHERE digest = ?", rs -> rs.getBytes(1), digest);
    }

    public Optional<byte[]> provingKey(String digest) {
        return queryOne("SELECT proving_key FROM models WHERE digest = ?", rs -> rs.getBytes(1), digest);
    }

    /**
     * Queues a job. With an idempotency key, a second submission for the same model and key
     * returns the first job (whatever its input), and creates nothing.
     */
    public Submission submit(String digest, String idempotencyKey, double[] input, boolean clampInputs) {
        return inTransaction(c -> {
            UUID id = UUID.randomUUID();
            try (PreparedStatement st = c.prepareStatement("INSERT INTO jobs (id, model_digest, idempotency_key, input, clamp_inputs, status) "
                    + "VALUES (?, ?, ?, ?, ?, 'queued') ON CONFLICT (model_digest, idempotency_key) DO NOTHING")) {
                st.setObject(1, id);
                st.setString(2, digest);
                st.setString(3, idempotencyKey);
                st.setArray(4, c.createArrayOf("float8", boxed(input)));
                st.setBoolean(5, clampInputs);
                if (st.executeUpdate() == 1) {
                    return new Submission(id, true);
                }
            }
            try (PreparedStatement st = c.prepareStatement("SELECT id FROM jobs WHERE model_digest = ? AND idempotency_key = ?")) {
                st.setString(1, digest);
                st.setString(2, idempotencyKey);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return new Submission(rs.getObject(1, UUID.class), false);
                }
            }
        });
    }

    /** The job an earlier submission with this idempotency key created, if any. */
    public Optional<UUID> submitted(String digest, String idempotencyKey) {
        return queryOne("SELECT id FROM jobs WHERE model_digest = ? AND idempotency_key = ?", rs -> rs.getObject(1, UUID.class), digest, idempotencyKey);
    }

    /** Jobs queued or running: the queue depth. */
    public long pendingJobs() {
        return queryOne("SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')", rs -> rs.getLong(1)).orElse(0L);
    }

    /** The number of jobs in each status. */
    public Map<String, Long> jobsByStatus() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String s : List.of("queued", "running", "done", "failed")) {
            m.put(s, 0L);
        }
        for (Object[] row : query("SELECT status, count(*) FROM jobs GROUP BY status", rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
            m.put((String) row[0], (Long) row[1]);
        }
        return m;
    }

    public Optional<Job> job(UUID id) {
        return queryOne("SELECT id, model_digest, status, attempts, error, output, created_at, started_at, finished_at, witness_ms, prove_ms "
                + "FROM jobs WHERE id = ?", rs -> new Job(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getInt(4),
                rs.getString(5), doubles(rs.getArray(6)), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)),
                (Double) rs.getObject(10), (Double) rs.getObject(11)), id);
    }

    public Optional<byte[]> proof(UUID id) {
        return queryOne("SELECT proof FROM proofs WHERE job_id = ?", rs -> rs.getBytes(1), id);
    }

    /** How many proofs are recorded for a job (0 or 1; for tests and audits). */
    public int proofCount(UUID id) {
        return queryOne("SELECT count(*) FROM proofs WHERE job_id = ?", rs -> rs.getInt(1), id).orElse(0);
    }

    /** The worker that recorded a job's proof. */
    public Optional<String> proofWorker(UUID id) {
        return queryOne("SELECT worker FROM proofs WHERE job_id = ?", rs -> rs.getString(1), id);
    }

    /**
     * Claims the oldest claimable job for {@code worker} under a lease of {@code lease}, or none.
     * Jobs whose lease expired after their last allowed attempt are first marked failed.
     */
    public Optional<Claim> claim(String worker, Duration lease, int maxAttempts) {
        return inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE jobs SET status = 'failed', finished_at = clock_timestamp(), lease_owner = NULL, "
                    + "error = 'the worker proving it stopped (lease expired) on attempt ' || attempts || ' of ' || ?::int "
                    + "|| COALESCE('; last error: ' || error, '') "
                    + "WHERE status = 'running' AND lease_expires < clock_timestamp() AND attempts >= ?")) {
                st.setInt(1, maxAttempts);
                st.setInt(2, maxAttempts);
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, "
                    + "lease_expires = clock_timestamp() + ? * interval '1 millisecond', started_at = clock_timestamp() "
                    + "WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_expires < clock_timestamp()) "
                    + "ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
                    + "RETURNING id, model_digest, input, clamp_inputs, attempts")) {
                st.setString(1, worker);
                st.setLong(2, lease.toMillis());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Claim(rs.getObject(1, UUID.class), rs.getString(2), doubles(rs.getArray(3)), rs.getBoolean(4), rs.getInt(5)));
                }
            }
        });
    }

    /** Extends the lease; false when {@code worker} no longer owns the job (then it must stop proving it). */
    public boolean renew(UUID id, String worker, Duration lease) {
        return update("UPDATE jobs SET lease_expires = clock_timestamp() + ? * interval '1 millisecond' "
                + "WHERE id = ? AND lease_owner = ? AND status = 'running'", lease.toMillis(), id, worker) == 1;
    }

    /** Records the proof and marks the job done, if {@code worker} still owns it; false otherwise (nothing is written). */
    public boolean complete(UUID id, String worker, byte[] proof, double[] output, double witnessMs, double proveMs) {
        return inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE jobs SET status = 'done', output = ?, witness_ms = ?, prove_ms = ?, "
                    + "finished_at = clock_timestamp(), lease_owner = NULL, lease_expires = NULL, error = NULL "
                    + "WHERE id = ? AND lease_owner = ? AND status = 'running'")) {
                st.setArray(1, c.createArrayOf("float8", boxed(output)));
                st.setDouble(2, witnessMs);
                st.setDouble(3, proveMs);
                st.setObject(4, id);
                st.setString(5, worker);
                if (st.executeUpdate() != 1) {
                    c.rollback();
                    return false;
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO proofs (job_id, proof, worker) VALUES (?, ?, ?)")) {
                st.setObject(1, id);
                st.setBytes(2, proof);
                st.setString(3, worker);
                st.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Records a failed attempt: the job goes back to the queue, or is marked failed once it has had
     * {@code maxAttempts} attempts (or at once when {@code permanent}: a failure no retry can mend).
     * Returns the status it now has, or empty when {@code worker} no longer owns it.
     */
    public Optional<String> fail(UUID id, String worker, String error, int maxAttempts, boolean permanent) {
        return queryOne("UPDATE jobs SET status = CASE WHEN ? OR attempts >= ? THEN 'failed' ELSE 'queued' END, error = ?, "
                + "finished_at = CASE WHEN ? OR attempts >= ? THEN clock_timestamp() END, lease_owner = NULL, lease_expires = NULL "
                + "WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING status",
                rs -> rs.getString(1), permanent, maxAttempts, error, permanent, maxAttempts, id, worker);
    }

    /** True when the database answers. */
    public boolean healthy() {
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement("SELECT 1")) {
            st.setQueryTimeout(5);
            st.executeQuery().close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        ds.close();
    }

    // ---- JDBC plumbing ----

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) {
        List<T> all = query(sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private int update(String sql, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static void bind(PreparedStatement st, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
    }

    private static ModelInfo modelInfo(ResultSet rs) throws SQLException {
        Integer[] shape = (Integer[]) rs.getArray(2).getArray();
        return new ModelInfo(rs.getString(1), java.util.Arrays.stream(shape).mapToInt(Integer::intValue).toArray(), rs.getLong(3),
                instant(rs.getTimestamp(4)));
    }

    private static Double[] boxed(double[] v) {
        Double[] out = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static double[] doubles(Array a) throws SQLException {
        if (a == null) {
            return null;
        }
        Double[] d = (Double[]) a.getArray();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i];
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** A database failure (the service answers 503 or retries; never a user's error). */
    public static final class StoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreException(SQLException cause) {
            super("database: " + cause.getMessage(), cause);
        }
    }
}

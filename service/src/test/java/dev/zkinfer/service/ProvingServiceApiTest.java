package dev.zkinfer.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.zkinfer.client.ProvingServiceClient;
import dev.zkinfer.client.ProvingServiceException;
import dev.zkinfer.client.VerifiedInference;
import dev.zkinfer.service.http.ProvingServer;
import dev.zkinfer.service.worker.ProvingWorker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API and the client against one server (one proving thread) over an embedded
 * PostgreSQL started for this class: the happy path on the small MLP and on LeNet-5, idempotent
 * submissions, every kind of bad request, metrics, and a lying server (another model's key, a
 * tampered proof) that the client rejects.
 */
class ProvingServiceApiTest {
    static final String TOKEN = "s3cret";
    static final ObjectMapper JSON = new ObjectMapper();
    static final double[] MLP_INPUT = {1.5417295, 0.5346153, 1.2172532};
    static Path data;
    static ProvingService service;
    static URI base;
    static HttpClient http = HttpClient.newHttpClient();
    static String mlp;

    @BeforeAll
    static void start() throws Exception {
        byte[] model = ServiceFixtures.smallModel();
        data = Files.createTempDirectory("zkinfer-service-api");
        service = ProvingService.serve(null, data,
                ProvingServer.Options.defaults().withHost("127.0.0.1").withPort(0).withToken(TOKEN).withLimits(64L << 20, 64 << 10, 1000),
                ProvingWorker.Options.defaults().withPollInterval(Duration.ofMillis(50)));
        base = URI.create("http://127.0.0.1:" + service.port() + "/");
        HttpResponse<String> r = send(post("v1/models", model).header("Authorization", "Bearer " + TOKEN));
        assertEquals(201, r.statusCode(), r.body());
        mlp = JSON.readTree(r.body()).get("digest").asText();
    }

    @AfterAll
    static void stop() throws IOException {
        if (service != null) {
            service.close();
        }
        ServiceFixtures.deleteTree(data);
    }

    static HttpRequest.Builder post(String path, byte[] body) {
        return HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    static ProvingServiceClient client() {
        return new ProvingServiceClient(base, TOKEN);
    }

    @Test
    void postingTheSameModelAgainReturnsTheSameDigestAndItIsListed() throws Exception {
        HttpResponse<String> again = send(post("v1/models", ServiceFixtures.smallModel()).header("Authorization", "Bearer " + TOKEN));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(mlp, JSON.readTree(again.body()).get("digest").asText());
        assertTrue(get("v1/models").body().contains(mlp));
        JsonNode m = JSON.readTree(get("v1/models/" + mlp).body());
        assertEquals("[1,3]", m.get("input_shape").toString());
        HttpResponse<byte[]> vk = http.send(HttpRequest.newBuilder(base.resolve("v1/models/" + mlp + "/vk")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, vk.statusCode());
        assertEquals(mlp, java.util.HexFormat.of().formatHex(dev.zkinfer.circuit.VerifyingKey.decode(vk.body()).digest()));
    }

    @Test
    void aModelPostedAsMultipartWithCalibrationCompilesToAnotherDigest() throws Exception {
        String boundary = "zkinfer-boundary-42";
        var body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"network.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes());
        body.write(ServiceFixtures.smallModel());
        body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"calibration\"; filename=\"cal.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"input_data\": [[0.5, -0.5, 1.5, 1.0, 0.0, -1.0]]}\r\n--" + boundary + "--\r\n").getBytes());
        HttpResponse<String> r = send(post("v1/models", body.toByteArray()).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary));
        assertEquals(201, r.statusCode(), r.body());
        String calibrated = JSON.readTree(r.body()).get("digest").asText();
        assertNotEquals(mlp, calibrated);
        assertTrue(client().prove(calibrated, new double[] {0.5, 0.2, 1.0}, Duration.ofMinutes(2)).isValid());
    }

    @Test
    void smallModelProofIsVerifiedByTheClient() throws Exception {
        VerifiedInference r = client().prove(mlp, MLP_INPUT, Duration.ofMinutes(2));
        assertTrue(r.isValid(), r.result().toString());
        JsonNode job = JSON.readTree(get("v1/proofs/" + r.jobId()).body());
        assertEquals("done", job.get("status").asText());
        assertEquals(r.output().length, job.get("output").size());
        for (int i = 0; i < r.output().length; i++) {
            assertEquals(r.output()[i], job.get("output").get(i).asDouble(), 1e-9);
        }
        assertTrue(job.get("timings_ms").has("prove"), job.toString());
        assertEquals(1, service.store().proofCount(UUID.fromString(r.jobId())));
    }

    @Test
    void lenetEndToEnd() throws Exception {
        HttpResponse<String> r = send(post("v1/models?batch=1", ServiceFixtures.lenet()).header("Authorization", "Bearer " + TOKEN));
        assertTrue(r.statusCode() == 201 || r.statusCode() == 200, r.body());
        String lenet = JSON.readTree(r.body()).get("digest").asText();
        ProvingServiceClient c = client();
        for (int seed = 0; seed < 2; seed++) {
            double[] x = ServiceFixtures.randomInput(28 * 28, seed, 0, 1);
            VerifiedInference v = c.prove(lenet, x, Duration.ofMinutes(3));
            assertTrue(v.isValid(), v.result().toString());
            assertEquals(10, v.output().length);
        }
    }

    @Test
    void aRetriedSubmissionWithTheSameIdempotencyKeyReturnsTheSameJob() throws Exception {
        String key = UUID.randomUUID().toString();
        String a = client().submit(mlp, MLP_INPUT, key);
        String b = client().submit(mlp, MLP_INPUT, key);
        assertEquals(a, b);
        assertNotEquals(a, client().submit(mlp, MLP_INPUT, UUID.randomUUID().toString()));
    }

    @Test
    void badRequestsAreFourHundredsWithAJsonErrorAndTheServerKeepsServing() throws Exception {
        String auth = "Bearer " + TOKEN;
        String proofs = "v1/models/" + mlp + "/proofs";
        assertError(400, "malformed JSON", send(post(proofs, "{\"input_data\": [[1, 2,".getBytes()).header("Authorization", auth)));
        assertError(400, "needs 3", send(post(proofs, "{\"input_data\": [[1, 2]]}".getBytes()).header("Authorization", auth)));
        assertError(400, "not a number", send(post(proofs, "{\"input_data\": [[1, \"x\", 3]]}".getBytes()).header("Authorization", auth)));
        assertError(400, "input_data", send(post(proofs, "{\"data\": [[1, 2, 3]]}".getBytes()).header("Authorization", auth)));
        assertError(400, "outside the model's calibrated input range",
                send(post(proofs, "{\"input_data\": [[1e6, 0, 0]]}".getBytes()).header("Authorization", auth)));
        assertError(404, "no such model", send(post("v1/models/" + "ab".repeat(32) + "/proofs", "{\"input_data\": [[1, 2, 3]]}".getBytes())
                .header("Authorization", auth)));
        assertError(400, "not a model digest", get("v1/models/xyz"));
        assertError(404, "no such model", get("v1/models/" + "cd".repeat(32) + "/vk"));
        assertError(401, "bearer token", send(post(proofs, "{\"input_data\": [[1, 2, 3]]}".getBytes())));
        assertError(401, "wrong bearer token", send(post(proofs, "{\"input_data\": [[1, 2, 3]]}".getBytes()).header("Authorization", "Bearer nope")));
        assertError(413, "limit", send(post(proofs, new byte[100 << 10]).header("Authorization", auth)));
        assertError(400, "ONNX model", send(post("v1/models", "not onnx".getBytes()).header("Authorization", auth)));
        assertError(400, "not a proof job id", get("v1/proofs/123"));
        assertError(404, "no such proof job", get("v1/proofs/" + UUID.randomUUID()));
        assertError(404, "no such route", get("v2/nothing"));
        assertEquals(200, get("healthz").statusCode());
        assertTrue(client().prove(mlp, MLP_INPUT, Duration.ofMinutes(2)).isValid());
    }

    static void assertError(int status, String fragment, HttpResponse<String> r) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        assertTrue(n.has("error") && n.get("error").asText().contains(fragment), "expected an error containing '" + fragment + "': " + r.body());
    }

    @Test
    void metricsAndOpenApiAreServed() throws Exception {
        assertTrue(client().prove(mlp, MLP_INPUT, Duration.ofMinutes(2)).isValid());
        String m = get("metrics").body();
        for (String name : new String[] {"zkinfer_queue_depth", "zkinfer_proofs_done_total", "zkinfer_proofs_failed_total", "zkinfer_prove_time_seconds_bucket"}) {
            assertTrue(m.contains(name), name + " missing from /metrics:\n" + m);
        }
        JsonNode api = JSON.readTree(get("openapi.json").body());
        assertTrue(api.get("paths").has("/v1/models/{digest}/proofs"));
    }

    @Test
    void theClientRejectsAnotherModelsKey() throws Exception {
        // A lying server answers every verifying-key request with the small MLP's key.
        HttpResponse<String> r = send(post("v1/models?batch=1", ServiceFixtures.lenet()).header("Authorization", "Bearer " + TOKEN));
        String lenet = JSON.readTree(r.body()).get("digest").asText();
        byte[] mlpKey = http.send(HttpRequest.newBuilder(base.resolve("v1/models/" + mlp + "/vk")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        try (Proxy proxy = new Proxy((path, body) -> path.endsWith("/vk") ? mlpKey : body)) {
            ProvingServiceClient liar = new ProvingServiceClient(proxy.uri(), TOKEN);
            VerifiedInference v = liar.prove(lenet, ServiceFixtures.randomInput(784, 1, 0, 1), Duration.ofMinutes(2));
            assertFalse(v.isValid());
            assertTrue(v.result().reason().contains("another model"), v.result().reason());
            assertThrows(IllegalStateException.class, v::output);
        }
    }

    @Test
    void theClientRejectsATamperedProof() throws Exception {
        try (Proxy proxy = new Proxy((path, body) -> {
            if (path.endsWith("/proof")) {
                byte[] t = body.clone();
                t[t.length / 2] ^= 1;
                return t;
            }
            return body;
        })) {
            VerifiedInference v = new ProvingServiceClient(proxy.uri(), TOKEN).prove(mlp, MLP_INPUT, Duration.ofMinutes(2));
            assertFalse(v.isValid());
            assertThrows(IllegalStateException.class, v::output);
        }
    }

    @Test
    void theClientRejectsAProofOfAnotherInput() throws Exception {
        String other = client().submit(mlp, new double[] {0.1, 0.2, 0.3}, null);
        client().await(other, Duration.ofMinutes(2));
        byte[] otherProof = client().proof(other);
        try (Proxy proxy = new Proxy((path, body) -> path.endsWith("/proof") ? otherProof : body)) {
            VerifiedInference v = new ProvingServiceClient(proxy.uri(), TOKEN).prove(mlp, MLP_INPUT, Duration.ofMinutes(2));
            assertFalse(v.isValid());
            assertTrue(v.result().reason().contains("different input"), v.result().reason());
        }
    }

    @Test
    void aFailedSubmissionIsReportedAsAServiceError() {
        ProvingServiceException e = assertThrows(ProvingServiceException.class, () -> client().submit(mlp, new double[] {1, 2}, null));
        assertEquals(400, e.status());
        assertArrayEquals(new double[] {1.5417295, 0.5346153, 1.2172532}, MLP_INPUT);
    }

    /** Forwards requests to the real server and lets a test rewrite the answers' bodies. */
    static final class Proxy implements AutoCloseable {
        private final HttpServer server;

        Proxy(BiFunction<String, byte[], byte[]> rewrite) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                try {
                    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(ex.getRequestURI().toString().substring(1)))
                            .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
                    for (String h : new String[] {"Authorization", "Content-Type", "Idempotency-Key"}) {
                        String v = ex.getRequestHeaders().getFirst(h);
                        if (v != null) {
                            b.header(h, v);
                        }
                    }
                    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                    byte[] body = r.statusCode() == 200 ? rewrite.apply(ex.getRequestURI().getPath(), r.body()) : r.body();
                    ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
                    ex.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    ex.close();
                }
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

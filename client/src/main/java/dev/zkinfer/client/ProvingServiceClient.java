package dev.zkinfer.client;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.client.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The validator's side of a zkinfer proving service. It submits an input, waits for the proof,
 * fetches the verifying key by digest and checks that the key's digest is the one the caller
 * trusts, and verifies the proof locally, including that it is a proof for the submitted input.
 * It takes nothing on the server's word: the server's status and output are never returned as a
 * result, only what the proof proves.
 *
 * <pre>{@code
 * var client = new ProvingServiceClient(URI.create("http://prover:8080"), null);
 * VerifiedInference r = client.prove(TRUSTED_DIGEST, input, Duration.ofMinutes(5));
 * if (r.isValid()) use(r.output()); else reject(r.result().reason());
 * }</pre>
 *
 * Thread-safe; one client may serve many threads. Java 17 or newer; {@code java.net.http} and
 * {@code zkinfer-verifier} only.
 */
public final class ProvingServiceClient {
    private final URI server;
    private final String token;
    private final HttpClient http;

    /** A client of the service at {@code server} (e.g. http://host:8080); {@code token}: the bearer token for writes, or null. */
    public ProvingServiceClient(URI server, String token) {
        this(server, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    public ProvingServiceClient(URI server, String token, HttpClient http) {
        String s = server.toString();
        this.server = URI.create(s.endsWith("/") ? s : s + "/");
        this.token = token;
        this.http = http;
    }

    /**
     * Fetches the verifying key of the model with digest {@code trustedDigest} (hex) and checks
     * that it is that model's key: its digest, the SHA-256 of its encoding, equals the trusted one.
     *
     * @throws InvalidProofException when the server sent another model's key, or a corrupted one
     * @throws IOException           when the server cannot be reached or refuses
     */
    public VerifyingKey trustedVerifyingKey(String trustedDigest) throws IOException, InvalidProofException {
        String expected = normalizeDigest(trustedDigest);
        byte[] bytes = getBytes("v1/models/" + expected + "/vk");
        VerifyingKey vk;
        try {
            vk = VerifyingKey.decode(bytes);
        } catch (InvalidProofException e) {
            throw new InvalidProofException("the server's verifying key for " + expected + " does not decode: " + e.getMessage());
        }
        String actual = HexFormat.of().formatHex(vk.digest());
        if (!actual.equals(expected)) {
            throw new InvalidProofException("the server sent the verifying key of another model (digest " + actual + ", expected " + expected + ")");
        }
        return vk;
    }

    /**
     * Queues a proof of the model on {@code input} (the real-valued input, flattened in the
     * model's input shape). With an idempotency key, a retried call returns the same job.
     *
     * @return the job id
     */
    public String submit(String digest, double[] input, String idempotencyKey) throws IOException {
        StringBuilder body = new StringBuilder("{\"input_data\":[[");
        for (int i = 0; i < input.length; i++) {
            if (!Double.isFinite(input[i])) {
                throw new IllegalArgumentException("input value " + i + " is " + input[i] + " (inputs must be finite)");
            }
            body.append(i == 0 ? "" : ",").append(input[i]);
        }
        body.append("]]}");
        HttpRequest.Builder rb = request("v1/models/" + normalizeDigest(digest) + "/proofs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (idempotencyKey != null) {
            rb.header("Idempotency-Key", idempotencyKey);
        }
        Map<String, Object> m = object(send(rb.build()));
        return (String) m.get("id");
    }

    /** A job's status as the server reports it: "queued", "running", "done" or "failed", and its error if any. */
    public record JobStatus(String id, String status, String error) {}

    public JobStatus status(String jobId) throws IOException {
        Map<String, Object> m = object(send(request("v1/proofs/" + jobId).GET().build()));
        return new JobStatus((String) m.get("id"), (String) m.get("status"), (String) m.get("error"));
    }

    /** The proof bytes of a done job. */
    public byte[] proof(String jobId) throws IOException {
        return getBytes("v1/proofs/" + jobId + "/proof");
    }

    /**
     * Waits for a job to finish (polling, from 50 ms up to 1 s apart).
     *
     * @throws ProvingServiceException when the job failed (status 0)
     * @throws IOException             on timeout, or when the server cannot be reached
     */
    public void await(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = 50;
        while (true) {
            JobStatus s = status(jobId);
            if ("done".equals(s.status())) {
                return;
            }
            if ("failed".equals(s.status())) {
                throw new ProvingServiceException(0, "the proof job " + jobId + " failed: " + s.error());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the proof job " + jobId + " is still " + s.status() + " after " + timeout);
            }
            Thread.sleep(sleep);
            sleep = Math.min(1000, sleep * 2);
        }
    }

    /**
     * Submits {@code input}, waits for the proof, fetches and checks the trusted key, and verifies
     * the proof locally. Invalid (never an exception) when the server's key is another model's or
     * the proof does not verify or proves another input.
     *
     * @throws IOException when the server cannot be reached, refuses the input, or the job fails
     */
    public VerifiedInference prove(String trustedDigest, double[] input, Duration timeout) throws IOException, InterruptedException {
        VerifyingKey vk;
        try {
            vk = trustedVerifyingKey(trustedDigest);
        } catch (InvalidProofException e) {
            return new VerifiedInference(null, VerificationResult.invalid(e.getMessage()), null, 1, null);
        }
        String id = submit(trustedDigest, input, UUID.randomUUID().toString());
        await(id, timeout);
        return verify(vk, id, input, false);
    }

    /**
     * Fetches a done job's proof and verifies it against {@code trustedKey} (from
     * {@link #trustedVerifyingKey}) and, when {@code input} is given, checks that it proves that
     * input (quantized as the key says; {@code clamped}: as submitted with clamp_inputs).
     */
    public VerifiedInference verify(VerifyingKey trustedKey, String jobId, double[] input, boolean clamped) throws IOException {
        byte[] proof = proof(jobId);
        CircuitVerifier.Outcome outcome = CircuitVerifier.verify(trustedKey, proof);
        if (!outcome.result().isValid()) {
            return new VerifiedInference(jobId, outcome.result(), null, 1, proof);
        }
        if (input != null) {
            IoScales io = trustedKey.io();
            long[] q = new long[input.length];
            for (int i = 0; i < q.length; i++) {
                long r = Math.round(input[i] / io.inputScale());
                if (!clamped && (r < io.inputMin() || r > io.inputMax())) {
                    return new VerifiedInference(jobId, VerificationResult.invalid(String.format(Locale.ROOT,
                            "input value %s at index %d is outside the model's input range, so no proof can be for it", input[i], i)), null, 1, proof);
                }
                q[i] = io.quantize(input[i]);
            }
            if (!Arrays.equals(q, outcome.input())) {
                return new VerifiedInference(jobId, VerificationResult.invalid("the proof is valid but for a different input than the one submitted"),
                        null, 1, proof);
            }
        }
        return new VerifiedInference(jobId, VerificationResult.valid(), outcome.output(), trustedKey.io().outputScale(), proof);
    }

    // ---- HTTP ----

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofMinutes(2));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private byte[] getBytes(String path) throws IOException {
        return send(request(path).GET().build());
    }

    private byte[] send(HttpRequest req) throws IOException {
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + req.uri(), e);
        } catch (IOException e) {
            throw new IOException(req.uri() + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
        if (res.statusCode() / 100 != 2) {
            String msg = new String(res.body(), StandardCharsets.UTF_8);
            try {
                Object err = object(res.body()).get("error");
                if (err != null) {
                    msg = err.toString();
                }
            } catch (IOException e) {
                // Not JSON: keep the body as the message.
            }
            throw new ProvingServiceException(res.statusCode(), req.method() + " " + req.uri() + ": " + res.statusCode() + " " + msg);
        }
        return res.body();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(byte[] body) throws IOException {
        Object v;
        try {
            v = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(v instanceof Map)) {
            throw new IOException("malformed JSON from the server: expected an object");
        }
        return (Map<String, Object>) v;
    }

    private static String normalizeDigest(String digest) {
        String d = digest.trim().toLowerCase(Locale.ROOT);
        if (!d.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a model digest (64 hex digits): " + digest);
        }
        return d;
    }
}

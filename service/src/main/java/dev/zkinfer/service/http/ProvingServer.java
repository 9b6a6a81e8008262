package dev.zkinfer.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkinfer.InvalidInputException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.service.models.ModelRegistry;
import dev.zkinfer.service.store.JobStore;
import dev.zkinfer.service.worker.ModelCache;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The HTTP API of {@code zkinfer serve} (Javalin on virtual threads; the routes and their JSON
 * are described by {@code /openapi.json}, served from this package's {@code openapi.json}).
 * Every request is answered from the store, so any number of servers may share one database.
 * Errors are JSON, {@code {"error": "..."}}: 400 for malformed JSON or wrong shapes, 401 for a
 * write without the bearer token, 404 for an unknown model or job, 409 for a proof not yet
 * done, 413 for a body over the limit, 429 when the queue is full, 503 when the database is down.
 */
public final class ProvingServer implements AutoCloseable {
    /** How the server runs. {@code token}: the bearer token that writes need (null: none). */
    public record Options(String host, int port, String token, long maxModelBytes, long maxRequestBytes, long maxQueuedJobs) {
        /** Port 8080 on all interfaces, no token, models up to 256 MiB, other bodies up to 16 MiB, 10,000 jobs queued at most. */
        public static Options defaults() {
            return new Options("0.0.0.0", 8080, null, 256L << 20, 16L << 20, 10_000);
        }

        public Options withPort(int p) {
            return new Options(host, p, token, maxModelBytes, maxRequestBytes, maxQueuedJobs);
        }

        public Options withHost(String h) {
            return new Options(h, port, token, maxModelBytes, maxRequestBytes, maxQueuedJobs);
        }

        public Options withToken(String t) {
            return new Options(host, port, t, maxModelBytes, maxRequestBytes, maxQueuedJobs);
        }

        public Options withLimits(long modelBytes, long requestBytes, long queuedJobs) {
            return new Options(host, port, token, modelBytes, requestBytes, queuedJobs);
        }
    }

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobStore store;
    private final ModelCache models;
    private final ModelRegistry registry;
    private final Options options;
    private final PrometheusMeterRegistry metrics;
    private final byte[] openApi;
    private final Javalin app;

    /**
     * A server over {@code store}; {@code metrics} also receives the metrics of any worker in this
     * process (pass the registry to the worker too). Call {@link #start}.
     */
    public ProvingServer(JobStore store, ModelCache models, Options options, PrometheusMeterRegistry metrics) {
        this.store = store;
        this.models = models;
        this.registry = new ModelRegistry(store);
        this.options = options;
        this.metrics = metrics;
        this.openApi = resource("openapi.json");
        Gauge.builder("zkinfer.queue.depth", store, s -> {
            try {
                return s.pendingJobs();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description("Jobs queued or running, in the whole database").register(metrics);
        this.app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            // Bodies are read through limited streams below (413 with a JSON error); this is the backstop.
            cfg.http.maxRequestSize = Math.max(options.maxModelBytes(), options.maxRequestBytes()) + 1;
            cfg.routes.before(this::authorize);
            cfg.routes.get("/healthz", this::health);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            cfg.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            cfg.routes.post("/v1/models", this::postModel);
            cfg.routes.get("/v1/models", this::listModels);
            cfg.routes.get("/v1/models/{digest}", this::getModel);
            cfg.routes.get("/v1/models/{digest}/vk", this::getVerifyingKey);
            cfg.routes.post("/v1/models/{digest}/proofs", this::submit);
            cfg.routes.get("/v1/proofs/{id}", this::getJob);
            cfg.routes.get("/v1/proofs/{id}/proof", this::getProof);
            cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            cfg.routes.exception(InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            cfg.routes.exception(JobStore.StoreException.class, (e, ctx) -> error(ctx, 503, "the database is unavailable: " + e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                System.getLogger(ProvingServer.class.getName()).log(System.Logger.Level.ERROR, "internal error on " + ctx.path(), e);
                error(ctx, 500, "internal error: " + e);
            });
            cfg.routes.error(404, ctx -> {
                // Runs after the routes too: keep their JSON 404s ("no such model"), replace Javalin's plain-text one.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path());
                }
            });
            cfg.routes.error(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.method() + " " + ctx.path()));
        });
    }

    /** Starts listening; returns at once. */
    public ProvingServer start() {
        app.start(options.host(), options.port());
        return this;
    }

    /** The port it listens on (useful with port 0). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    // ---- routes ----

    private void authorize(Context ctx) {
        if (options.token() == null || ctx.method().toString().equals("GET") || ctx.method().toString().equals("HEAD")) {
            return;
        }
        String auth = ctx.header("Authorization");
        byte[] expected = ("Bearer " + options.token()).getBytes(StandardCharsets.UTF_8);
        if (auth == null || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, auth == null ? "this server needs a bearer token for writes (Authorization: Bearer TOKEN)"
                    : "wrong bearer token");
        }
    }

    private void health(Context ctx) {
        boolean ok = store.healthy();
        ObjectNode n = JSON.createObjectNode().put("status", ok ? "ok" : "database unavailable");
        json(ctx, ok ? 200 : 503, n);
    }

    private void postModel(Context ctx) throws IOException {
        int bits = 8;
        String b = ctx.queryParam("bits");
        if (b != null) {
            try {
                bits = Integer.parseInt(b);
            } catch (NumberFormatException e) {
                throw new ApiError(400, "bits must be 8 or 16, got '" + b + "'");
            }
        }
        Integer batch = null;
        String bs = ctx.queryParam("batch");
        if (bs != null) {
            try {
                batch = Integer.parseInt(bs);
            } catch (NumberFormatException e) {
                batch = 0;
            }
            if (batch < 1) {
                throw new ApiError(400, "batch must be a positive integer, got '" + bs + "'");
            }
        }
        byte[] onnx;
        double[] calibration = null;
        if (ctx.isMultipartFormData()) {
            checkLength(ctx, options.maxModelBytes());
            var model = ctx.uploadedFile("model");
            if (model == null) {
                throw new ApiError(400, "multipart body without a 'model' part (the ONNX file)");
            }
            try (InputStream in = model.content()) {
                onnx = readLimited(in, options.maxModelBytes(), "the model");
            }
            var cal = ctx.uploadedFile("calibration");
            if (cal != null) {
                try (InputStream in = cal.content()) {
                    calibration = inputValues(parseJson(readLimited(in, options.maxRequestBytes(), "the calibration")), "calibration");
                }
            }
        } else {
            onnx = body(ctx, options.maxModelBytes(), "the model");
        }
        if (onnx.length == 0) {
            throw new ApiError(400, "empty body: post the ONNX model's bytes (or multipart parts 'model' and 'calibration')");
        }
        ModelRegistry.Registration reg = registry.register(onnx, calibration, bits, batch);
        ctx.header("Location", "/v1/models/" + reg.digest());
        json(ctx, reg.created() ? 201 : 200, JSON.createObjectNode().put("digest", reg.digest()));
    }

    private void listModels(Context ctx) {
        ArrayNode arr = JSON.createArrayNode();
        for (JobStore.ModelInfo m : store.models()) {
            arr.add(modelJson(m));
        }
        json(ctx, 200, JSON.createObjectNode().set("models", arr));
    }

    private void getModel(Context ctx) {
        json(ctx, 200, modelJson(store.model(digest(ctx)).orElseThrow(() -> unknownModel(ctx))));
    }

    private void getVerifyingKey(Context ctx) {
        byte[] vk = store.verifyingKey(digest(ctx)).orElseThrow(() -> unknownModel(ctx));
        ctx.contentType("application/octet-stream").result(vk);
    }

    private void submit(Context ctx) throws IOException {
        String digest = digest(ctx);
        VerifyingKey vk = models.verifyingKey(digest).orElseThrow(() -> unknownModel(ctx));
        boolean clamp = "true".equalsIgnoreCase(ctx.queryParam("clamp_inputs"));
        double[] x = inputValues(parseJson(body(ctx, options.maxRequestBytes(), "the input")), "input");
        Circuit c = vk.circuit();
        int[] shape = c.tensor(c.input()).layout().dims();
        long expected = 1;
        for (int d : shape) {
            expected *= d;
        }
        if (x.length != expected) {
            throw new ApiError(400, "input_data has " + x.length + " values, but the model's input " + Arrays.toString(shape) + " needs " + expected);
        }
        if (!clamp) {
            IoScales io = vk.io();
            for (int i = 0; i < x.length; i++) {
                long r = Math.round(x[i] / io.inputScale());
                if (r < io.inputMin() || r > io.inputMax()) {
                    throw new ApiError(400, String.format(Locale.ROOT, "input value %s at index %d is outside the model's calibrated input range "
                            + "[%.6g, %.6g] (add ?clamp_inputs=true to clamp it)", x[i], i, io.inputMin() * io.inputScale(), io.inputMax() * io.inputScale()));
                }
            }
        }
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isEmpty() || key.length() > 200)) {
            throw new ApiError(400, "Idempotency-Key must be 1 to 200 characters");
        }
        if (key == null || store.submitted(digest, key).isEmpty()) {
            if (store.pendingJobs() >= options.maxQueuedJobs()) {
                ctx.header("Retry-After", "10");
                throw new ApiError(429, "the queue is full (" + options.maxQueuedJobs() + " jobs queued or running); retry later");
            }
        }
        JobStore.Submission s = store.submit(digest, key, x, clamp);
        ctx.header("Location", "/v1/proofs/" + s.id());
        json(ctx, 202, JSON.createObjectNode().put("id", s.id().toString()).put("created", s.created()));
    }

    private void getJob(Context ctx) {
        JobStore.Job j = store.job(jobId(ctx)).orElseThrow(() -> new ApiError(404, "no such proof job: " + ctx.pathParam("id")));
        ObjectNode n = JSON.createObjectNode();
        n.put("id", j.id().toString()).put("model", j.modelDigest()).put("status", j.status()).put("attempts", j.attempts());
        if (j.output() != null) {
            ArrayNode out = n.putArray("output");
            for (double d : j.output()) {
                out.add(d);
            }
        } else {
            n.putNull("output");
        }
        if (j.error() != null) {
            n.put("error", j.error());
        } else {
            n.putNull("error");
        }
        ObjectNode t = n.putObject("timings_ms");
        if (j.startedAt() != null) {
            t.put("queued", Duration.between(j.createdAt(), j.startedAt()).toMillis());
        }
        if (j.witnessMs() != null) {
            t.put("witness", Math.round(j.witnessMs())).put("prove", Math.round(j.proveMs()));
        }
        if (j.finishedAt() != null) {
            t.put("total", Duration.between(j.createdAt(), j.finishedAt()).toMillis());
        }
        n.put("created_at", j.createdAt().toString());
        json(ctx, 200, n);
    }

    private void getProof(Context ctx) {
        UUID id = jobId(ctx);
        JobStore.Job j = store.job(id).orElseThrow(() -> new ApiError(404, "no such proof job: " + id));
        if (!j.status().equals("done")) {
            throw new ApiError(409, "the proof is not ready: the job is " + j.status() + (j.error() != null ? " (" + j.error() + ")" : ""));
        }
        ctx.contentType("application/octet-stream").result(store.proof(id).orElseThrow(() -> new ApiError(404, "no proof recorded for " + id)));
    }

    // ---- helpers ----

    private static String digest(Context ctx) {
        String d = ctx.pathParam("digest").toLowerCase(Locale.ROOT);
        if (!DIGEST.matcher(d).matches()) {
            throw new ApiError(400, "not a model digest (64 hex digits): " + ctx.pathParam("digest"));
        }
        return d;
    }

    private static ApiError unknownModel(Context ctx) {
        return new ApiError(404, "no such model: " + ctx.pathParam("digest"));
    }

    private static UUID jobId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "not a proof job id: " + ctx.pathParam("id"));
        }
    }

    private static ObjectNode modelJson(JobStore.ModelInfo m) {
        ObjectNode n = JSON.createObjectNode().put("digest", m.digest());
        ArrayNode shape = n.putArray("input_shape");
        for (int d : m.inputShape()) {
            shape.add(d);
        }
        n.put("parameters", m.parameters()).put("created_at", m.createdAt().toString());
        n.put("verifying_key", "/v1/models/" + m.digest() + "/vk");
        return n;
    }

    private static void checkLength(Context ctx, long limit) {
        long declared = ctx.contentLength();
        if (declared > limit) {
            throw new ApiError(413, "the body is " + declared + " bytes, over this server's limit of " + limit + " bytes");
        }
    }

    private static byte[] body(Context ctx, long limit, String what) throws IOException {
        checkLength(ctx, limit);
        try (InputStream in = ctx.bodyInputStream()) {
            return readLimited(in, limit, what);
        }
    }

    private static byte[] readLimited(InputStream in, long limit, String what) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (b.length > limit) {
            throw new ApiError(413, what + " is over this server's limit of " + limit + " bytes");
        }
        return b;
    }

    private static JsonNode parseJson(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new ApiError(400, "malformed JSON: the body is empty");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new ApiError(400, "malformed JSON: " + e.getMessage());
        }
    }

    /** The numbers of an EZKL input.json's {@code input_data}, flattened in order; finite numbers only. */
    static double[] inputValues(JsonNode doc, String what) {
        if (!doc.isObject() || !doc.has("input_data")) {
            throw new ApiError(400, what + ": expected an EZKL input.json object with \"input_data\": [[numbers...]]");
        }
        JsonNode data = doc.get("input_data");
        if (!data.isArray() || data.isEmpty()) {
            throw new ApiError(400, what + ": input_data must be a non-empty array of arrays of numbers");
        }
        List<Double> values = new ArrayList<>();
        flatten(data, "input_data", values, what);
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void flatten(JsonNode n, String path, List<Double> into, String what) {
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(n.get(i), path + "[" + i + "]", into, what);
            }
        } else if (n.isNumber()) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new ApiError(400, what + ": " + path + " is " + d + " (inputs must be finite numbers)");
            }
            into.add(d);
        } else {
            throw new ApiError(400, what + ": " + path + " is " + n.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not a number");
        }
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    private static void error(Context ctx, int status, String message) {
        json(ctx, status, JSON.createObjectNode().put("error", message));
    }

    private static byte[] resource(String name) {
        try (InputStream in = ProvingServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP error with a message for the JSON body. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The registry that {@code /metrics} scrapes. */
    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** A fresh Prometheus registry. */
    public static PrometheusMeterRegistry newMetrics() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
}

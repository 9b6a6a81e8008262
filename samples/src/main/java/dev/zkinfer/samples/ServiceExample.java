package dev.zkinfer.samples;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuits.UnsupportedModelException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How a Java service uses zkinfer, on the bundled LeNet-5 and MNIST digits:
 *
 * <ol>
 *   <li>Once, at deployment: load the ONNX model, quantize it (calibrated on sample inputs),
 *       compile it into a proving key, and keep both keys as bytes (a file, a database row).
 *   <li>Per request, concurrently: one shared {@link ModelProver} (thread-safe) proves each
 *       inference on a thread pool.
 *   <li>Anywhere else: a client holding only the verifying-key bytes checks each proof with
 *       {@link CircuitVerifier} (module zkinfer-verifier, no runtime dependencies), reads the
 *       proved output from it, and checks that the proof is for the input it sent.
 * </ol>
 *
 * <p>Run: {@code java ... dev.zkinfer.samples.ServiceExample [REQUESTS]} (default 8). Exit code
 * 0 when every proof verifies; 1 when one does not; 2 when this version of the prover cannot
 * prove the model (for instance one without Softmax support: the bundled LeNet ends with a
 * Softmax). Then the example says so and stops, rather than quietly proving a truncated model.
 */
public final class ServiceExample {
    static final String SAMPLE = "/dev/zkinfer/samples/lenet5/";
    public static final int EXIT_OK = 0;
    public static final int EXIT_INVALID = 1;
    public static final int EXIT_UNSUPPORTED = 2;

    private ServiceExample() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        System.exit(run(requests, System.out));
    }

    /** The whole example; returns the exit code. */
    public static int run(int requests, PrintStream out) throws Exception {
        MnistIdx.Images digits;
        int[] labels;
        byte[] onnx;
        try (InputStream model = resource("lenet5.onnx");
                InputStream images = resource("digits-images-idx3-ubyte.gz");
                InputStream labelFile = resource("digits-labels-idx1-ubyte.gz")) {
            onnx = model.readAllBytes();
            digits = MnistIdx.readImages(images, "bundled digits");
            labels = MnistIdx.readLabels(labelFile, "bundled labels");
        }
        if (requests < 1 || requests > digits.count()) {
            throw new IllegalArgumentException("requests must be between 1 and " + digits.count() + ", got " + requests);
        }

        // ---- 1. Compile once (deployment time). ----
        long t0 = System.nanoTime();
        Graph graph = OnnxModel.load(onnx, OnnxLoadOptions.defaults().withBatchSize(1));
        List<Tensor> calibration = new ArrayList<>();
        for (int i = 0; i < digits.count(); i++) {
            calibration.add(digits.lenetInput(i));
        }
        QuantizedModel model = Quantizer.quantize(graph, calibration, QuantizationOptions.int8());
        ProvingKey pk;
        try {
            pk = ProvingKey.create(model, SecurityProfile.DEFAULT, stage -> {});
        } catch (UnsupportedModelException e) {
            out.println("Cannot prove the bundled LeNet-5 with this version of zkinfer: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("Softmax")) {
                out.println("Its last layer is a Softmax, which the prover does not support yet; this example does not"
                        + " prove a truncated model instead.");
            }
            return EXIT_UNSUPPORTED;
        }
        // Keep the keys: the proving key stays with the prover (reload it with ProvingKey.decode,
        // which recommits the stored weights and checks them against the digest); the verifying key goes to
        // whoever checks proofs.
        byte[] pkBytes = pk.encode();
        byte[] vkBytes = pk.verifyingKey().encode();
        long t1 = System.nanoTime();
        out.printf("Compiled LeNet-5 once in %.1f s: proving key %,d bytes, verifying key %,d bytes, model digest %s%n",
                (t1 - t0) / 1e9, pkBytes.length, vkBytes.length, HexFormat.of().formatHex(pk.verifyingKey().digest()));

        // ---- 2. Prove requests concurrently with one shared prover. ----
        ModelProver prover = new ModelProver(pk);
        // The prover is itself parallel, so a few requests at a time keep the cores busy; a real
        // service would size this pool (and queue) to its machine and latency target.
        int threads = Math.min(requests, Math.max(2, Runtime.getRuntime().availableProcessors() / 4));
        List<Future<ProofResult>> pending = new ArrayList<>();
        long t2 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < requests; i++) {
                IntTensor x = model.quantizeInput(digits.lenetInput(i));
                pending.add(pool.submit(() -> prover.prove(x, stage -> {})));
            }
        } // close() waits for every request
        long t3 = System.nanoTime();
        out.printf("Proved %d requests on %d threads in %.1f s%n%n", requests, threads, (t3 - t2) / 1e9);

        // ---- 3. Verify with only the verifying-key bytes (the client's side). ----
        VerifyingKey vk;
        try {
            vk = VerifyingKey.decode(vkBytes);
        } catch (MalformedProofException e) {
            throw new IllegalStateException("the verifying key does not decode: " + e.getMessage(), e);
        }
        int failures = 0;
        out.println("request  label  proved prediction  proof bytes  prove ms  verify ms  verdict");
        for (int i = 0; i < requests; i++) {
            ProofResult res;
            try {
                res = pending.get(i).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("request " + i + " failed to prove: " + e.getCause(), e.getCause());
            }
            long v0 = System.nanoTime();
            CircuitVerifier.Outcome outcome = CircuitVerifier.verify(vk, res.proof());
            VerificationResult verdict = outcome.result();
            // The proof states its public input: check it is the request the client sent.
            if (verdict.isValid() && !Arrays.equals(outcome.input(), quantize(vk, digits.lenetInput(i)))) {
                verdict = VerificationResult.invalid("the proof is for a different input");
            }
            long v1 = System.nanoTime();
            String prediction = verdict.isValid() ? Integer.toString(argmax(outcome.output())) : "-";
            out.printf("%7d  %5d  %17s  %,11d  %8.0f  %9.1f  %s%n", i, labels[i], prediction, res.proof().length,
                    (res.witnessNanos() + res.proveNanos()) / 1e6, (v1 - v0) / 1e6,
                    verdict.isValid() ? "valid" : "INVALID: " + verdict.reason());
            if (!verdict.isValid()) {
                failures++;
            }
        }
        out.printf("%n%d of %d proofs valid%n", requests - failures, requests);
        return failures == 0 ? EXIT_OK : EXIT_INVALID;
    }

    /** The public input a proof of {@code x} must state: x quantized with the key's input scale. */
    static long[] quantize(VerifyingKey vk, Tensor x) {
        double[] d = x.data();
        long[] q = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            q[i] = vk.io().quantize(d[i]);
        }
        return q;
    }

    static int argmax(long[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static InputStream resource(String name) throws IOException {
        InputStream in = ServiceExample.class.getResourceAsStream(SAMPLE + name);
        if (in == null) {
            throw new IOException("the bundled sample " + name + " is missing from the class path");
        }
        return in;
    }
}

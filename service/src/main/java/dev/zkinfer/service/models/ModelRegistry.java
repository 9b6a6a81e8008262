package dev.zkinfer.service.models;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityProfile;
import dev.zkinfer.service.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Compiles posted ONNX models into keys, as {@code zkinfer compile} does (same quantization,
 * same default calibration, so the same file gives the same digest on the command line and in
 * the service), and stores them. What was posted is remembered by its SHA-256, so posting it
 * again returns the stored digest without compiling. One compilation at a time per process (a
 * compilation uses every core).
 * Thread-safe: request threads share one registry.
 */
public final class ModelRegistry {
    private final JobStore store;
    private final Object compiling = new Object();

    public ModelRegistry(JobStore store) {
        this.store = store;
    }

    /** A registered model: its digest, and whether this call compiled it (false: it was stored already). */
    public record Registration(String digest, boolean created) {}

    /**
     * Compiles and stores a model unless the same bytes were registered before.
     *
     * @param calibration sample inputs as {@code input.json} values, flattened (a whole number of
     *                    model inputs), or null for the command line's default (8 random normal inputs, seed 1)
     * @param bits        8 or 16
     * @param batch       the batch size for a model with a dynamic or fixed batch dimension, or null
     *                    for the command line's default (a dynamic batch becomes 1, a fixed one is kept)
     * @throws InvalidInputException for a model or calibration that zkinfer cannot compile (the user's error)
     */
    public Registration register(byte[] onnx, double[] calibration, int bits, Integer batch) {
        if (bits != 8 && bits != 16) {
            throw new InvalidInputException("bits must be 8 or 16, got " + bits);
        }
        String source = sourceDigest(onnx, calibration, bits, batch);
        var known = store.digestForSource(source);
        if (known.isPresent()) {
            return new Registration(known.get(), false);
        }
        synchronized (compiling) {
            known = store.digestForSource(source);
            if (known.isPresent()) {
                return new Registration(known.get(), false);
            }
            Graph graph;
            try {
                graph = OnnxModel.load(onnx, batch == null ? OnnxLoadOptions.defaults() : OnnxLoadOptions.defaults().withBatchSize(batch));
            } catch (InvalidInputException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidInputException("not a readable ONNX model (" + e.getMessage() + ")");
            }
            if (graph.inputs().size() != 1) {
                throw new InvalidInputException("the model has " + graph.inputs().size()
                        + " run-time inputs; the proving service takes models with exactly one (zkinfer compile and prove take any number)");
            }
            int[] shape = graph.shapeOf(graph.inputs().get(0).name());
            int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            List<Tensor> cal = new ArrayList<>();
            if (calibration != null) {
                if (calibration.length == 0 || calibration.length % size != 0) {
                    throw new InvalidInputException("calibration has " + calibration.length + " values, not a whole number of model inputs "
                            + Arrays.toString(shape) + " (" + size + " values each)");
                }
                for (int off = 0; off < calibration.length; off += size) {
                    cal.add(Tensor.of(shape, Arrays.copyOfRange(calibration, off, off + size)));
                }
            } else {
                // the same default as zkinfer compile, so both give the same digest
                String name = graph.inputs().get(0).name();
                for (Map<String, Tensor> sample : Quantizer.randomNormalCalibration(graph)) {
                    cal.add(sample.get(name));
                }
            }
            QuantizedModel qm = Quantizer.quantize(graph, cal, bits == 8 ? QuantizationOptions.int8() : QuantizationOptions.int16());
            ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> { });
            VerifyingKey vk = pk.verifyingKey();
            String digest = HexFormat.of().formatHex(vk.digest());
            store.saveModel(source, digest, pk.encode(), vk.encode(), qm.input().shape(), qm.parameterCount());
            return new Registration(digest, true);
        }
    }

    private static String sourceDigest(byte[] onnx, double[] calibration, int bits, Integer batch) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("zkinfer-model-source/v1 bits=" + bits + " batch=" + batch + " calibration=" + (calibration == null ? -1 : calibration.length) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            md.update(onnx);
            if (calibration != null) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(calibration.length * 8);
                for (double d : calibration) {
                    b.putDouble(d);
                }
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.zkinfer.service.worker;

import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.service.store.JobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decoded keys, loaded from the store on first use and kept for the next request: provers
 * (decoding a proving key costs far more than a query) and verifying keys (for checking a
 * submitted input's shape and range). Holds at most a few provers, least recently used first out.
 * Thread-safe.
 */
public final class ModelCache {
    private static final int MAX_PROVERS = 4;
    private final JobStore store;
    /** A model's prover and its quantized model (input shape and scales, output dequantization). */
    public record LoadedModel(ModelProver prover, QuantizedModel model) {}

    private final Map<String, LoadedModel> provers = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, VerifyingKey> vks = new java.util.concurrent.ConcurrentHashMap<>();

    public ModelCache(JobStore store) {
        this.store = store;
    }

    /** The prover for a model, or empty when the store has no such model. */
    public synchronized Optional<LoadedModel> prover(String digest) {
        LoadedModel p = provers.get(digest);
        if (p != null) {
            return Optional.of(p);
        }
        Optional<byte[]> pk = store.provingKey(digest);
        if (pk.isEmpty()) {
            return Optional.empty();
        }
        try {
            ProvingKey key = ProvingKey.decode(pk.get(), s -> { });
            p = new LoadedModel(new ModelProver(key), key.model());
        } catch (IOException e) {
            throw new UncheckedIOException("the stored proving key of " + digest + " does not decode", e);
        }
        provers.put(digest, p);
        if (provers.size() > MAX_PROVERS) {
            provers.remove(provers.keySet().iterator().next());
        }
        return Optional.of(p);
    }

    /** The verifying key of a model, or empty when the store has no such model. */
    public Optional<VerifyingKey> verifyingKey(String digest) {
        VerifyingKey vk = vks.get(digest);
        if (vk != null) {
            return Optional.of(vk);
        }
        Optional<byte[]> bytes = store.verifyingKey(digest);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            vk = VerifyingKey.decode(bytes.get());
        } catch (MalformedProofException e) {
            throw new IllegalStateException("the stored verifying key of " + digest + " does not decode: " + e.getMessage(), e);
        }
        vks.put(digest, vk);
        return Optional.of(vk);
    }
}

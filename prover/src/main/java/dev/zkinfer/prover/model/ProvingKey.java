package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuits.ModelCompiler;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.ProvingCancelledException;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.prover.concurrent.ProverPool;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import dev.zkinfer.MalformedInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * Everything the prover needs for one model: the quantized model, its compiled circuit, the
 * model commitment (all weights and biases as one multilinear polynomial) and the verifying key.
 *
 * <p>File format ("model.pk", little-endian header): magic "ZKPK", u32 version, u32 security
 * bits, the 32-byte verifying-key digest, then the quantized model
 * ({@link QuantizedModel#write}), then the SHA-256 of everything before it (a checksum). Reading recompiles the circuit and recomputes the commitment
 * (both deterministic) and checks that they give the recorded digest, so a key can never prove
 * against a different model than the one it names.
 *
 * <p>Immutable once created, and thread-safe: any number of provers may share one key.
 */
public final class ProvingKey {
    private static final byte[] MAGIC = {'Z', 'K', 'P', 'K'};
    private static final int VERSION = 2;

    private final QuantizedModel model;
    private final ModelCompiler.Compiled compiled;
    private final VerifyingKey vk;
    private final WhirProver.WhirCommitment modelCommitment;
    private final long[] modelTable;

    private ProvingKey(QuantizedModel model, ModelCompiler.Compiled compiled, VerifyingKey vk,
            WhirProver.WhirCommitment modelCommitment, long[] modelTable) {
        this.model = model;
        this.compiled = compiled;
        this.vk = vk;
        this.modelCommitment = modelCommitment;
        this.modelTable = modelTable;
    }

    /**
     * Compiles a quantized model and commits to its weights.
     *
     * @throws dev.zkinfer.circuits.UnsupportedModelException if an op cannot be proved yet
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress) {
        return create(model, profile, progress, ModelProver.defaultPool());
    }

    /**
     * As {@link #create(QuantizedModel, SecurityProfile, Consumer)}, with the work (compiling,
     * committing) in {@code pool}; the calling thread waits.
     *
     * @throws ProvingCancelledException if the calling thread is interrupted (its interrupt
     *     flag is set again)
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, ForkJoinPool pool) {
        return create(model, profile, progress, Backends.get(), pool);
    }

    static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, Backend backend) {
        return create(model, profile, progress, backend, ModelProver.defaultPool());
    }

    static ProvingKey create(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, Backend backend,
            ForkJoinPool pool) {
        return ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false), () -> build(model, profile, progress, backend));
    }

    private static ProvingKey build(QuantizedModel model, SecurityProfile profile, Consumer<String> progress, Backend backend) {
        progress.accept("compiling the circuit");
        ModelCompiler.Compiled compiled = ModelCompiler.compile(model);
        Cancellation.checkpoint();
        CommittedLayout layout = new CommittedLayout(compiled.circuit(), compiled.circuit().tensorsWithRole(TensorRole.MODEL));
        long[] table = layout.pack(compiled.modelValues());
        progress.accept("committing to " + compiled.modelValues().size() + " weight and bias tensors (2^" + layout.numVars() + " entries)");
        WhirProver pcs = new WhirProver(PcsParameters.forSecurity(profile.bits() + VerifyingKey.PCS_MARGIN_BITS, layout.numVars()), backend);
        WhirProver.WhirCommitment commitment = pcs.commit(table, layout.numVars());
        IoScales io = ioScales(model);
        VerifyingKey vk = new VerifyingKey(profile, compiled.circuit(), commitment.root(), io);
        // One inference on zeros, so that the integer executor's one-time packing of the weights
        // (0.5 s on VGG-11, uninterruptible) happens here rather than inside the first proof.
        Cancellation.checkpoint();
        int[] inIds = model.inputIds();
        IntTensor[] zeros = new IntTensor[inIds.length];
        for (int i = 0; i < zeros.length; i++) {
            QTensor in = model.tensor(inIds[i]);
            zeros[i] = new IntTensor(in.shape(), new int[in.size()]);
        }
        IntegerExecutor.create().run(model, zeros, null, false);
        return new ProvingKey(model, compiled, vk, commitment, table);
    }

    /** Each input's scale and range and each output's scale, in the model's order. */
    private static IoScales ioScales(QuantizedModel model) {
        List<IoScales.InputDomain> inputs = new ArrayList<>();
        for (int id : model.inputIds()) {
            QTensor in = model.tensor(id);
            inputs.add(new IoScales.InputDomain(in.scale(), in.min(), in.max()));
        }
        List<Double> outputs = new ArrayList<>();
        for (int id : model.outputIds()) {
            outputs.add(model.tensor(id).scale());
        }
        return new IoScales(inputs, outputs);
    }

    public QuantizedModel model() {
        return model;
    }

    public ModelCompiler.Compiled compiled() {
        return compiled;
    }

    public VerifyingKey verifyingKey() {
        return vk;
    }

    WhirProver.WhirCommitment modelCommitment() {
        return modelCommitment;
    }

    long[] modelTable() {
        return modelTable;
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(Integer.reverseBytes(VERSION));
            out.writeInt(Integer.reverseBytes(vk.profile().bits()));
            out.write(vk.digest());
            model.write(out);
            out.flush();
            byte[] body = bytes.toByteArray();
            byte[] file = Arrays.copyOf(body, body.length + 32);
            System.arraycopy(sha256(body), 0, file, body.length, 32);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a proving key written by {@link #encode}.
     *
     * @throws dev.zkinfer.MalformedInputException with a one-line reason if the bytes are not a
     *     valid, consistent key
     * @throws IOException never in practice (the bytes are read from memory)
     */
    public static ProvingKey decode(byte[] file, Consumer<String> progress) throws IOException {
        if (file.length < 4 + 4 + 4 + 32 + 32) {
            throw new MalformedInputException("not a zkinfer proving key (too short)");
        }
        if (!Arrays.equals(Arrays.copyOfRange(file, 0, 4), MAGIC)) {
            throw new MalformedInputException("not a zkinfer proving key (bad magic)");
        }
        byte[] bytes = Arrays.copyOf(file, file.length - 32);
        if (!Arrays.equals(sha256(bytes), Arrays.copyOfRange(file, bytes.length, file.length))) {
            throw new MalformedInputException("corrupted proving key (checksum mismatch)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new MalformedInputException("not a zkinfer proving key (bad magic)");
        }
        int version = Integer.reverseBytes(in.readInt());
        if (version != VERSION) {
            throw new MalformedInputException("unsupported proving key version " + version + " (this zkinfer reads version " + VERSION + ")");
        }
        int bits = Integer.reverseBytes(in.readInt());
        SecurityProfile profile = Arrays.stream(SecurityProfile.values()).filter(p -> p.bits() == bits).findFirst()
                .orElseThrow(() -> new MalformedInputException("proving key names an unknown security level " + bits));
        byte[] digest = new byte[32];
        in.readFully(digest);
        QuantizedModel model;
        try {
            model = QuantizedModel.read(in);
        } catch (RuntimeException e) {
            throw new MalformedInputException("corrupted proving key: " + e.getMessage(), e);
        }
        if (in.available() != 0) {
            throw new MalformedInputException("corrupted proving key: " + in.available() + " trailing bytes");
        }
        ProvingKey pk;
        try {
            pk = create(model, profile, progress);
        } catch (RuntimeException e) {
            throw new MalformedInputException("corrupted proving key: " + e.getMessage(), e);
        }
        if (!Arrays.equals(pk.vk.digest(), digest)) {
            throw new MalformedInputException("corrupted proving key: its model does not match the digest it records");
        }
        return pk;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

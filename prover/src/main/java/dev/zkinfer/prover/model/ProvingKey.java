package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.circuits.ModelCompiler;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * Everything the prover needs for one model: the quantized model, its compiled circuit, the
 * model commitment (all weights and biases as one multilinear polynomial) and the verifying key.
 *
 * <p>File format ("model.pk", little-endian): magic "ZKPK", u32 version (4), u32 security bits,
 * the 32-byte verifying-key digest, the quantized model ({@link QuantizedModel#write}), then what
 * compiling it gave, so that loading does not compile again: u32 length and the verifying key's
 * file ({@link VerifyingKey#encode}: the circuit), u32 count and per MODEL tensor its u32 id,
 * u32 length and padded values (signed, zigzag LEB128 varints), u32 count and the circuit tensor
 * of each model tensor (i32, −1 for none); then the SHA-256 of everything before it (a checksum).
 * Reading decodes the circuit, recomputes the model commitment from the stored values and checks
 * that the verifying key rebuilt from them has the recorded digest, so a key can never prove
 * against a different model than the one it names (and the witness check of every proof ties
 * the quantized model the executor runs to those values). Keys of earlier versions (version 3 committed
 * to the padded weights, version 2 stored only the quantized model) are refused: compile the model again.
 *
 * <p>Immutable once created, and thread-safe: any number of provers may share one key.
 */
public final class ProvingKey {
    private static final byte[] MAGIC = {'Z', 'K', 'P', 'K'};
    private static final int VERSION = 5;

    private final QuantizedModel model;
    private final ModelCompiler.Compiled compiled;
    private final VerifyingKey vk;
    private final WhirProver.WhirCommitment modelCommitment;
    private final long[] modelTable;

    private final byte[] blindingSeed;

    private ProvingKey(QuantizedModel model, ModelCompiler.Compiled compiled, VerifyingKey vk,
            WhirProver.WhirCommitment modelCommitment, long[] modelTable, byte[] blindingSeed) {
        this.blindingSeed = blindingSeed;
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
        return create(model, profile, Options.integrity(), progress, backend, pool);
    }

    /**
     * What a key's proofs reveal (docs/zero-knowledge.md §1): {@code zeroKnowledge} makes proofs
     * that reveal nothing about the intermediate values; {@code privateInputs} (zero-knowledge only)
     * keeps the model's inputs out of the proofs too (committed in the witness, their domain checked
     * by a lookup). Outputs are public.
     */
    public record Options(boolean zeroKnowledge, boolean privateInputs) {
        public Options {
            if (privateInputs && !zeroKnowledge) {
                throw new IllegalArgumentException("a private input needs zero-knowledge mode");
            }
        }

        /** Integrity only: public inputs and outputs, proofs reveal intermediate values (the default). */
        public static Options integrity() {
            return new Options(false, false);
        }
    }

    /**
     * As {@link #create(QuantizedModel, SecurityProfile, Consumer)}, with the given visibility options.
     *
     * @throws IllegalArgumentException if zero-knowledge mode cannot prove this model (a message naming why)
     */
    public static ProvingKey create(QuantizedModel model, SecurityProfile profile, Options options, Consumer<String> progress) {
        return create(model, profile, options, progress, Backends.get(), ModelProver.defaultPool());
    }

    static ProvingKey create(QuantizedModel model, SecurityProfile profile, Options options, Consumer<String> progress,
            Backend backend, ForkJoinPool pool) {
        return ProverPool.run(pool, Cancellation.create(Thread.currentThread(), false),
                () -> build(model, profile, options, progress, backend));
    }

    private static ProvingKey build(QuantizedModel model, SecurityProfile profile, Options options, Consumer<String> progress,
            Backend backend) {
        progress.accept("compiling the circuit");
        ModelCompiler.Compiled compiled = ModelCompiler.compile(model, options.privateInputs());
        byte[] seed = null;
        if (options.zeroKnowledge()) {
            seed = new byte[32];
            new java.security.SecureRandom().nextBytes(seed);
        }
        return commit(model, compiled, profile, seed, progress, backend);
    }

    /** Commits to a compiled model's weights and makes its verifying key (compiling, or loading a key). */
    /**
     * @param blindingSeed null for an integrity-mode key; for a zero-knowledge key, the secret seed
     *     of the model polynomial's blinding block (docs/zero-knowledge.md §5)
     */
    private static ProvingKey commit(QuantizedModel model, ModelCompiler.Compiled compiled, SecurityProfile profile,
            byte[] blindingSeed, Consumer<String> progress, Backend backend) {
        Cancellation.checkpoint();
        boolean zeroKnowledge = blindingSeed != null;
        Circuit circuit = compiled.circuit();
        CommittedLayout layout;
        long[] table;
        if (zeroKnowledge) {
            layout = ZkLayout.modelLayout(circuit);
            Map<Integer, long[]> values = new HashMap<>(compiled.modelValues());
            values.put(ZkLayout.blindingBlock(circuit), blinding(blindingSeed, 1 << ZkLayout.blindingVars(circuit)));
            table = layout.pack(values);
        } else {
            layout = CommittedLayout.tight(circuit, circuit.tensorsWithRole(TensorRole.MODEL));
            table = layout.pack(compiled.modelValues());
        }
        progress.accept("committing to " + compiled.modelValues().size() + " weight and bias tensors (2^" + layout.numVars() + " entries)");
        WhirProver pcs = new WhirProver(PcsParameters.forSecurity(profile.bits() + VerifyingKey.PCS_MARGIN_BITS, layout.numVars()), backend);
        WhirProver.WhirCommitment commitment = pcs.commit(table, layout.numVars());
        IoScales io = ioScales(model, compiled);
        VerifyingKey vk = new VerifyingKey(profile, compiled.circuit(), commitment.root(), io, zeroKnowledge);
        // The integer executor's one-time packing of the weights (0.5 s on VGG-11, uninterruptible)
        // happens here rather than inside the first proof.
        Cancellation.checkpoint();
        IntegerExecutor.create().prepare(model);
        return new ProvingKey(model, compiled, vk, commitment, table, blindingSeed);
    }

    /** The blinding block's n uniform base-field values, from the key's secret seed (SHA-256 in counter mode). */
    static long[] blinding(byte[] seed, int n) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] out = new long[n];
        int filled = 0;
        long counter = 0;
        while (filled < n) {
            sha.update(seed);
            sha.update(java.nio.ByteBuffer.allocate(8).putLong(counter++).array());
            java.nio.ByteBuffer block = java.nio.ByteBuffer.wrap(sha.digest());
            for (int k = 0; k < 4 && filled < n; k++) {
                long x = block.getLong();
                if (Long.compareUnsigned(x, Goldilocks.P) < 0) {
                    out[filled++] = x;
                }
            }
        }
        return out;
    }

    /** Each input's scale and range and each output's scale, in the model's order. */
    private static IoScales ioScales(QuantizedModel model, ModelCompiler.Compiled compiled) {
        List<IoScales.InputDomain> inputs = new ArrayList<>();
        for (int id : model.inputIds()) {
            if (compiled.circuit().tensor(compiled.circuitTensorOf()[id]).role() != TensorRole.INPUT) {
                continue; // a private input: in no proof, its domain checked in the circuit
            }
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
            byte[] vkFile = vk.encode();
            out.writeInt(Integer.reverseBytes(vkFile.length));
            out.write(vkFile);
            out.writeInt(Integer.reverseBytes(compiled.modelValues().size()));
            for (var e : compiled.modelValues().entrySet()) {
                out.writeInt(Integer.reverseBytes(e.getKey()));
                out.writeInt(Integer.reverseBytes(e.getValue().length));
                for (long v : e.getValue()) {
                    writeVarint(out, zigzag(Goldilocks.toSigned(v)));
                }
            }
            int[] tensorOf = compiled.circuitTensorOf();
            out.writeInt(Integer.reverseBytes(tensorOf.length));
            for (int t : tensorOf) {
                out.writeInt(Integer.reverseBytes(t));
            }
            // the blinding seed of a zero-knowledge key (secret, like the weights), or nothing
            out.writeInt(Integer.reverseBytes(blindingSeed == null ? 0 : blindingSeed.length));
            if (blindingSeed != null) {
                out.write(blindingSeed);
            }
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
     * @throws ProvingCancelledException if the calling thread is interrupted while the key's
     *     circuit and commitment are recomputed
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
        ModelCompiler.Compiled compiled;
        boolean[] zk = new boolean[1];
        byte[] seed = null;
        try {
            model = QuantizedModel.read(in);
            // Read in place (a stream's per-byte calls cost seconds over VGG-16's 15M varints).
            Cursor cursor = new Cursor(bytes, bytes.length - in.available());
            compiled = readCompiled(cursor, profile, digest, model, zk);
            in.skipNBytes(cursor.pos - (bytes.length - in.available()));
            int seedLength = Integer.reverseBytes(in.readInt());
            if (seedLength != (zk[0] ? 32 : 0)) {
                throw new MalformedInputException("corrupted proving key: blinding seed of " + seedLength + " bytes");
            }
            if (seedLength > 0) {
                seed = new byte[seedLength];
                in.readFully(seed);
            }
        } catch (MalformedInputException e) {
            throw e;
        } catch (RuntimeException | java.io.EOFException e) {
            throw new MalformedInputException("corrupted proving key: " + e.getMessage(), e);
        }
        if (in.available() != 0) {
            throw new MalformedInputException("corrupted proving key: " + in.available() + " trailing bytes");
        }
        ModelCompiler.Compiled stored = compiled;
        byte[] storedSeed = seed;
        ProvingKey pk;
        try {
            Backend backend = Backends.get();
            pk = ProverPool.run(ModelProver.defaultPool(), Cancellation.create(Thread.currentThread(), false),
                    () -> commit(model, stored, profile, storedSeed, progress, backend));
        } catch (dev.zkinfer.InvalidInputException | IllegalArgumentException e) {
            // Stored values that do not fit the stored circuit. A cancelled load
            // (ProvingCancelledException) and internal errors (bugs) pass through.
            // a fork/join pool rethrows a worker's exception as a copy whose message is the original's toString()
            Throwable cause = e.getCause() != null && e.getCause().getClass() == e.getClass() ? e.getCause() : e;
            throw new MalformedInputException("corrupted proving key: " + cause.getMessage(), e);
        }
        if (!Arrays.equals(pk.vk.digest(), digest)) {
            throw new MalformedInputException("corrupted proving key: its weights or circuit do not match the digest it records");
        }
        return pk;
    }

    /** The stored compilation: the circuit (from the stored verifying key), the MODEL tensors' values, the tensor map. */
    private static ModelCompiler.Compiled readCompiled(Cursor in, SecurityProfile profile, byte[] digest, QuantizedModel model,
            boolean[] zeroKnowledge) throws IOException {
        byte[] vkFile = in.bytes(in.length("verifying key", Integer.MAX_VALUE));
        VerifyingKey vk;
        try {
            vk = VerifyingKey.decode(vkFile);
        } catch (dev.zkinfer.encoding.MalformedProofException e) {
            throw new MalformedInputException("corrupted proving key: its verifying key: " + e.getMessage(), e);
        }
        if (!Arrays.equals(vk.digest(), digest) || vk.profile() != profile) {
            throw new MalformedInputException("corrupted proving key: its verifying key does not match the digest it records");
        }
        zeroKnowledge[0] = vk.zeroKnowledge();
        Circuit circuit = vk.circuit();
        java.util.List<Integer> modelTensors = circuit.tensorsWithRole(TensorRole.MODEL);
        int count = in.length("MODEL tensor count", modelTensors.size());
        Map<Integer, long[]> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int id = in.u32();
            if (!modelTensors.contains(id) || values.containsKey(id)) {
                throw new MalformedInputException("corrupted proving key: values for tensor " + id + ", not a MODEL tensor or repeated");
            }
            int n = in.length("tensor values", circuit.tensor(id).layout().paddedSize());
            long[] v = new long[n];
            for (int k = 0; k < n; k++) {
                long x = unzigzag(in.varint());
                if (x > HALF_P || x < -HALF_P) {
                    throw new MalformedInputException("corrupted proving key: a weight outside the field");
                }
                v[k] = Goldilocks.fromSigned(x);
            }
            values.put(id, v);
        }
        int[] tensorOf = new int[in.length("model tensor count", model.tensors().size())];
        for (int q = 0; q < tensorOf.length; q++) {
            tensorOf[q] = in.u32();
            if (tensorOf[q] < -1 || tensorOf[q] >= circuit.tensors().size()) {
                throw new MalformedInputException("corrupted proving key: model tensor " + q + " maps to no circuit tensor");
            }
        }
        return new ModelCompiler.Compiled(circuit, values, tensorOf);
    }

    /** (p − 1) / 2: the largest magnitude of a signed field element. */
    private static final long HALF_P = Long.divideUnsigned(Goldilocks.P - 1, 2);

    /** Reads the key's bytes in place; every read is bounds-checked (MalformedInputException at the end). */
    private static final class Cursor {
        private final byte[] b;
        int pos;

        Cursor(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        private void need(int n) {
            if (n > b.length - pos) {
                throw new MalformedInputException("corrupted proving key: it ends early");
            }
        }

        int u32() {
            need(4);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        /** A u32 length in [0, max] that the remaining bytes can hold (each item takes at least one). */
        int length(String what, int max) {
            int n = u32();
            if (n < 0 || n > max || n > b.length - pos) {
                throw new MalformedInputException("corrupted proving key: " + what + " length " + Integer.toUnsignedString(n)
                        + " out of range");
            }
            return n;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        long varint() {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                int x = b[pos++];
                z |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return z;
                }
            }
            throw new MalformedInputException("corrupted proving key: a varint longer than 10 bytes");
        }
    }

    private static long zigzag(long x) {
        return (x << 1) ^ (x >> 63);
    }

    private static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    private static void writeVarint(DataOutputStream out, long z) throws IOException {
        while ((z & ~0x7FL) != 0) {
            out.write((int) (z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out.write((int) z);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

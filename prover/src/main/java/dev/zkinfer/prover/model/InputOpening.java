package dev.zkinfer.prover.model;

import dev.zkinfer.MalformedInputException;
import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.circuit.InputCommitment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The opening of a proof's input commitment (keys with committed inputs, docs/zero-knowledge.md
 * §3.5): the quantized inputs the proof is about, every row of its batch circuit (the padding rows
 * included), and the 32-byte seed the commitment's randomness came from. The prover writes it
 * next to the proof and hands it to the input's owner only: with it, the proof's (hiding)
 * commitment opens to exactly these inputs ({@link #check}); it reveals the inputs, so it is as
 * secret as they are.
 *
 * <p>File format (little-endian): magic "ZKIO", u32 version 1, the 32-byte verifying-key digest,
 * u32 batch size, u32 rows (the real ones), u32 k, then per committed input u32 length and its
 * values (i64, signed), then the 32-byte seed. Immutable.
 */
public final class InputOpening {
    private static final byte[] MAGIC = {'Z', 'K', 'I', 'O'};
    public static final int VERSION = 1;

    private final byte[] keyDigest;
    private final int batch;
    private final int rows;
    private final List<long[]> inputs;
    private final byte[] seed;

    /**
     * @param inputs each committed input of the batch circuit (signed quantized values, every row)
     */
    public InputOpening(byte[] keyDigest, int batch, int rows, List<long[]> inputs, byte[] seed) {
        if (keyDigest.length != 32 || seed.length != InputCommitment.SEED_BYTES || rows < 1 || rows > batch || inputs.isEmpty()) {
            throw new IllegalArgumentException("an input opening needs a 32-byte key digest, 1 to batch rows, inputs and a 32-byte seed");
        }
        this.keyDigest = keyDigest.clone();
        this.batch = batch;
        this.rows = rows;
        List<long[]> copy = new ArrayList<>();
        for (long[] x : inputs) {
            if (x.length % batch != 0) {
                throw new IllegalArgumentException("an input of " + x.length + " values is not a whole number of rows of a batch of " + batch);
            }
            copy.add(x.clone());
        }
        this.inputs = List.copyOf(copy);
        this.seed = seed.clone();
    }

    /** The digest of the verifying key the proof was made for. */
    public byte[] keyDigest() {
        return keyDigest.clone();
    }

    public int batch() {
        return batch;
    }

    /** The real rows (inferences) of the proof. */
    public int rows() {
        return rows;
    }

    /** Committed input {@code k}'s values of the real rows (signed quantized), one row after the other. */
    public long[] input(int k) {
        long[] all = inputs.get(k);
        return Arrays.copyOf(all, all.length / batch * rows);
    }

    /** The number of committed inputs. */
    public int inputCount() {
        return inputs.size();
    }

    /**
     * Whether this opening opens the input commitment of a valid proof's outcome: the key is the
     * one the opening names, the rows agree, and the inputs and the seed recreate the proof's
     * commitment root. Valid, or invalid with a one-line reason.
     */
    public VerificationResult check(VerifyingKey vk, CircuitVerifier.Outcome outcome) {
        if (!outcome.result().isValid()) {
            return VerificationResult.invalid("the proof is invalid (" + outcome.result().reason() + ")");
        }
        if (!vk.committedInputs()) {
            return VerificationResult.invalid("the key's proofs carry no input commitment (its inputs are " + vk.inputVisibility() + ")");
        }
        if (!Arrays.equals(keyDigest, vk.digest())) {
            return VerificationResult.invalid("the opening is for another model (key digest " + HexFormat.of().formatHex(keyDigest) + ")");
        }
        if (!vk.hasBatch(batch)) {
            return VerificationResult.invalid("the opening names a batch of " + batch + ", for which the key has no circuit");
        }
        if (rows != outcome.rows()) {
            return VerificationResult.invalid("the opening holds " + rows + " inference(s), the proof " + outcome.rows());
        }
        VerifyingKey bk = vk.forBatch(batch);
        List<long[]> field = new ArrayList<>();
        for (long[] x : inputs) {
            long[] f = new long[x.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = Goldilocks.fromSigned(x[i]);
            }
            field.add(f);
        }
        byte[] root;
        try {
            root = InputCommitment.root(bk, field, seed);
        } catch (IllegalArgumentException e) {
            return VerificationResult.invalid("the opening does not fit the key: " + e.getMessage());
        }
        if (!Arrays.equals(root, outcome.inputCommitment())) {
            return VerificationResult.invalid("the proof's input commitment does not open to the opening's input");
        }
        return VerificationResult.valid();
    }

    public byte[] encode() {
        int len = 4 + 4 + 32 + 4 + 4 + 4 + 32;
        for (long[] x : inputs) {
            len += 4 + 8 * x.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).put(keyDigest).putInt(batch).putInt(rows).putInt(inputs.size());
        for (long[] x : inputs) {
            b.putInt(x.length);
            for (long v : x) {
                b.putLong(v);
            }
        }
        b.put(seed);
        return b.array();
    }

    /** Reads an opening written by {@link #encode}; a MalformedInputException with a one-line reason otherwise. */
    public static InputOpening decode(byte[] file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new MalformedInputException("not a zkinfer input opening (bad magic)");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new MalformedInputException("unsupported input opening version " + version + " (this zkinfer reads " + VERSION + ")");
            }
            byte[] digest = new byte[32];
            b.get(digest);
            int batch = b.getInt();
            int rows = b.getInt();
            int k = b.getInt();
            if (batch < 1 || batch > VerifyingKey.MAX_BATCH || rows < 1 || rows > batch || k < 1 || k > dev.zkinfer.circuit.Circuit.MAX_IO) {
                throw new MalformedInputException("corrupted input opening (batch " + batch + ", rows " + rows + ", inputs " + k + ")");
            }
            List<long[]> inputs = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                int n = b.getInt();
                if (n < 0 || n > b.remaining() / 8) {
                    throw new MalformedInputException("corrupted input opening (input " + i + " of " + n + " values)");
                }
                long[] x = new long[n];
                for (int j = 0; j < n; j++) {
                    x[j] = b.getLong();
                }
                inputs.add(x);
            }
            byte[] seed = new byte[InputCommitment.SEED_BYTES];
            b.get(seed);
            if (b.hasRemaining()) {
                throw new MalformedInputException("corrupted input opening (" + b.remaining() + " trailing bytes)");
            }
            return new InputOpening(digest, batch, rows, inputs, seed);
        } catch (java.nio.BufferUnderflowException e) {
            throw new MalformedInputException("corrupted input opening (truncated)");
        } catch (IllegalArgumentException e) {
            throw new MalformedInputException("corrupted input opening (" + e.getMessage() + ")");
        }
    }
}

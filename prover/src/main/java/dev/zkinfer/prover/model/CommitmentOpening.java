package dev.zkinfer.prover.model;

import dev.zkinfer.MalformedInputException;
import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.circuit.TensorCommitment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The opening of a proof's commitments to its committed inputs and outputs (keys with committed
 * visibility, docs/zero-knowledge.md §3.5): for each committed end ({@link CommittedEnd}) the
 * quantized tensors the proof is about, every row of its batch circuit (the padding rows
 * included; an output's rows as the model computes them, {@link VerifyingKey#outputElements}
 * values each, also where the circuit commits a one-element output in its padded form [value, 0]),
 * and the 32-byte seed that end's commitment's randomness came from. The prover writes
 * it next to the proof and hands it to the tensors' owner only: with it, the proof's (hiding)
 * commitments open to exactly these values ({@link #check}); it reveals them, so it is as secret
 * as they are. Each end has its own commitment and seed, so {@link #only} gives an opening of one
 * end that reveals nothing of the other.
 *
 * <p>File format (little-endian): magic "ZKIO", u32 version 2, the 32-byte verifying-key digest,
 * u32 batch size, u32 rows (the real ones), u32 ends (bit 0: inputs, bit 1: outputs; at least
 * one), then per end present, inputs first: u32 k, per tensor u32 length and its values (i64,
 * signed), the 32-byte seed. Version 1 (inputs only: no ends word, one input part) is still read.
 * Immutable.
 */
public final class CommitmentOpening {
    private static final byte[] MAGIC = {'Z', 'K', 'I', 'O'};
    public static final int VERSION = 2;

    /** One end's committed tensors (signed quantized values, every row of the batch) and its commitment's seed. */
    public record Part(List<long[]> values, byte[] seed) {
        public Part {
            if (values.isEmpty() || seed.length != TensorCommitment.SEED_BYTES) {
                throw new IllegalArgumentException("an opening part needs at least one tensor and a " + TensorCommitment.SEED_BYTES + "-byte seed");
            }
            List<long[]> copy = new ArrayList<>();
            for (long[] v : values) {
                copy.add(v.clone());
            }
            values = List.copyOf(copy);
            seed = seed.clone();
        }

        @Override
        public byte[] seed() {
            return seed.clone();
        }
    }

    private final byte[] keyDigest;
    private final int batch;
    private final int rows;
    private final Part[] parts;

    /**
     * @param inputs the committed inputs' part, or null when the opening holds none
     * @param outputs the committed outputs' part, or null when the opening holds none
     */
    public CommitmentOpening(byte[] keyDigest, int batch, int rows, Part inputs, Part outputs) {
        if (keyDigest.length != 32 || rows < 1 || rows > batch || (inputs == null && outputs == null)) {
            throw new IllegalArgumentException("an opening needs a 32-byte key digest, 1 to batch rows and at least one committed end");
        }
        this.keyDigest = keyDigest.clone();
        this.batch = batch;
        this.rows = rows;
        this.parts = new Part[] {inputs, outputs};
        for (Part p : parts) {
            for (long[] x : p == null ? List.<long[]>of() : p.values()) {
                if (x.length % batch != 0) {
                    throw new IllegalArgumentException("a tensor of " + x.length + " values is not a whole number of rows of a batch of " + batch);
                }
            }
        }
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

    /** Whether the opening holds the committed tensors of {@code end}. */
    public boolean holds(CommittedEnd end) {
        return parts[end.ordinal()] != null;
    }

    /** The part of {@code end}; throws IllegalStateException when the opening holds none. */
    public Part part(CommittedEnd end) {
        Part p = parts[end.ordinal()];
        if (p == null) {
            throw new IllegalStateException("the opening holds no committed " + end.noun());
        }
        return p;
    }

    /** Committed tensor {@code k} of {@code end}: its values of the real rows (signed quantized), one row after the other. */
    public long[] values(CommittedEnd end, int k) {
        long[] all = part(end).values().get(k);
        return Arrays.copyOf(all, all.length / batch * rows);
    }

    /** The number of committed tensors of {@code end} the opening holds (0 when none). */
    public int count(CommittedEnd end) {
        return holds(end) ? part(end).values().size() : 0;
    }

    /** Committed input {@code k}'s values of the real rows. */
    public long[] input(int k) {
        return values(CommittedEnd.INPUTS, k);
    }

    /** Committed output {@code k}'s values of the real rows. */
    public long[] output(int k) {
        return values(CommittedEnd.OUTPUTS, k);
    }

    /** The opening of {@code end} alone (to hand over without revealing the other end's tensors). */
    public CommitmentOpening only(CommittedEnd end) {
        return new CommitmentOpening(keyDigest, batch, rows, end == CommittedEnd.INPUTS ? part(end) : null,
                end == CommittedEnd.OUTPUTS ? part(end) : null);
    }

    /**
     * Whether this opening opens the commitments of a valid proof's outcome: the key is the one
     * the opening names, the rows agree, the key commits every end the opening holds, and each
     * end's tensors and seed recreate the proof's commitment root for that end. Valid, or invalid
     * with a one-line reason.
     */
    public VerificationResult check(VerifyingKey vk, CircuitVerifier.Outcome outcome) {
        if (!outcome.result().isValid()) {
            return VerificationResult.invalid("the proof is invalid (" + outcome.result().reason() + ")");
        }
        for (CommittedEnd end : CommittedEnd.values()) {
            if (holds(end) && !vk.committed(end)) {
                return VerificationResult.invalid("the key's proofs carry no " + end.noun() + " commitment (its " + end.noun() + "s are "
                        + (end == CommittedEnd.INPUTS ? vk.inputVisibility() : vk.outputVisibility()) + ")");
            }
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
        for (CommittedEnd end : CommittedEnd.values()) {
            if (!holds(end)) {
                continue;
            }
            List<long[]> field = new ArrayList<>();
            List<long[]> values = part(end).values();
            for (int k = 0; k < values.size(); k++) {
                long[] x = values.get(k);
                if (end == CommittedEnd.OUTPUTS && k < bk.circuit().outputs().length) {
                    // the model's values; a one-element output the circuit holds padded is committed as [value, 0]
                    try {
                        x = bk.circuitOutput(k, x);
                    } catch (IllegalArgumentException e) {
                        return VerificationResult.invalid("the opening does not fit the key: " + e.getMessage());
                    }
                }
                long[] f = new long[x.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = Goldilocks.fromSigned(x[i]);
                }
                field.add(f);
            }
            byte[] root;
            try {
                root = TensorCommitment.root(bk, end, field, part(end).seed());
            } catch (IllegalArgumentException e) {
                return VerificationResult.invalid("the opening does not fit the key: " + e.getMessage());
            }
            if (!Arrays.equals(root, outcome.commitment(end))) {
                return VerificationResult.invalid("the proof's " + end.noun() + " commitment does not open to the opening's " + end.noun());
            }
        }
        return VerificationResult.valid();
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ends = 0;
        for (CommittedEnd end : CommittedEnd.values()) {
            ends |= holds(end) ? 1 << end.ordinal() : 0;
        }
        out.writeBytes(le(ByteBuffer.allocate(4 + 4 + 32 + 12)).put(MAGIC).putInt(VERSION).put(keyDigest).putInt(batch).putInt(rows)
                .putInt(ends).array());
        for (Part p : parts) {
            if (p == null) {
                continue;
            }
            out.writeBytes(le(ByteBuffer.allocate(4)).putInt(p.values().size()).array());
            for (long[] x : p.values()) {
                ByteBuffer b = le(ByteBuffer.allocate(4 + 8 * x.length)).putInt(x.length);
                for (long v : x) {
                    b.putLong(v);
                }
                out.writeBytes(b.array());
            }
            out.writeBytes(p.seed());
        }
        return out.toByteArray();
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads an opening written by {@link #encode} (or a version-1 input opening); a MalformedInputException with a one-line reason otherwise. */
    public static CommitmentOpening decode(byte[] file) {
        try {
            ByteBuffer b = le(ByteBuffer.wrap(file));
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new MalformedInputException("not a zkinfer opening (bad magic)");
            }
            int version = b.getInt();
            if (version != VERSION && version != 1) {
                throw new MalformedInputException("unsupported opening version " + version + " (this zkinfer reads 1 and " + VERSION + ")");
            }
            byte[] digest = new byte[32];
            b.get(digest);
            int batch = b.getInt();
            int rows = b.getInt();
            int ends = version == 1 ? 1 : b.getInt();
            if (batch < 1 || batch > VerifyingKey.MAX_BATCH || rows < 1 || rows > batch || ends < 1 || ends > 3) {
                throw new MalformedInputException("corrupted opening (batch " + batch + ", rows " + rows + ", ends " + ends + ")");
            }
            Part[] parts = new Part[2];
            for (CommittedEnd end : CommittedEnd.values()) {
                if ((ends >>> end.ordinal() & 1) != 0) {
                    parts[end.ordinal()] = part(b, end);
                }
            }
            if (b.hasRemaining()) {
                throw new MalformedInputException("corrupted opening (" + b.remaining() + " trailing bytes)");
            }
            return new CommitmentOpening(digest, batch, rows, parts[0], parts[1]);
        } catch (java.nio.BufferUnderflowException e) {
            throw new MalformedInputException("corrupted opening (truncated)");
        } catch (IllegalArgumentException e) {
            throw new MalformedInputException("corrupted opening (" + e.getMessage() + ")");
        }
    }

    private static Part part(ByteBuffer b, CommittedEnd end) {
        int k = b.getInt();
        if (k < 1 || k > dev.zkinfer.circuit.Circuit.MAX_IO) {
            throw new MalformedInputException("corrupted opening (" + k + " " + end.noun() + "s)");
        }
        List<long[]> values = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int n = b.getInt();
            if (n < 0 || n > b.remaining() / 8) {
                throw new MalformedInputException("corrupted opening (" + end.noun() + " " + i + " of " + n + " values)");
            }
            long[] x = new long[n];
            for (int j = 0; j < n; j++) {
                x[j] = b.getLong();
            }
            values.add(x);
        }
        byte[] seed = new byte[TensorCommitment.SEED_BYTES];
        b.get(seed);
        return new Part(values, seed);
    }
}

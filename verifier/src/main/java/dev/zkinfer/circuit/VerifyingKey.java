package dev.zkinfer.circuit;

import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.security.SecurityProfile;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The verifying key: the circuit description, the model-commitment root and the security
 * profile. Its SHA-256 digest is the model's identity; a proof names the digest of the key it
 * was made for. Only keys produced by {@code compile} should be trusted: the verifier never
 * accepts a circuit supplied by a prover.
 *
 * <p>Format (little-endian): magic "ZKVK", u32 version, u32 security bits, u32 flags (bit 0:
 * zero-knowledge, docs/zero-knowledge.md; no other bit may be set), 32-byte model root,
 * u32 input count k and for each input its scale (IEEE-754 bits as u64), min and max (i32),
 * u32 output count m and each output's scale (u64), then the circuit ({@link Circuit#encode},
 * whose k inputs and m outputs these are, in the same order); then, in the file only, the 32-byte digest of all of that
 * as a checksum, so a corrupted key is reported as corrupted rather than as another model.
 * Version 4: the model root commits to the weights packed tightly ({@link CommittedLayout#tight});
 * keys of version 3 and earlier (padded packing) are refused: compile the model again.
 * Version 5: the flags word.
 * Immutable and thread-safe: one key may verify proofs on many threads at once.
 */
public final class VerifyingKey {
    private static final byte[] MAGIC = {'Z', 'K', 'V', 'K'};
    public static final int VERSION = 5;
    /** Flags bit 0: proofs for this key are zero-knowledge. */
    static final int FLAG_ZERO_KNOWLEDGE = 1;

    private final SecurityProfile profile;
    private final Circuit circuit;
    private final byte[] modelRoot;
    private final IoScales io;
    private final byte[] encoded;
    private final byte[] digest;
    private final CommittedLayout modelLayout;
    private final CommittedLayout witnessLayout;
    private final ZkLayout zkLayout;

    /** An integrity-mode key. */
    public VerifyingKey(SecurityProfile profile, Circuit circuit, byte[] modelRoot, IoScales io) {
        this(profile, circuit, modelRoot, io, false);
    }

    /**
     * @param zeroKnowledge whether proofs for this key are zero-knowledge (docs/zero-knowledge.md)
     * @throws IllegalArgumentException if zero-knowledge mode cannot prove this circuit (a tensor
     *     it must mask has one element)
     */
    public VerifyingKey(SecurityProfile profile, Circuit circuit, byte[] modelRoot, IoScales io, boolean zeroKnowledge) {
        if (modelRoot.length != 32) {
            throw new IllegalArgumentException("model root must be 32 bytes");
        }
        if (io.inputs().size() != circuit.inputs().length || io.outputScales().size() != circuit.outputs().length) {
            throw new IllegalArgumentException("the scales describe " + io.inputs().size() + " inputs and " + io.outputScales().size()
                    + " outputs, the circuit has " + circuit.inputs().length + " and " + circuit.outputs().length);
        }
        this.profile = profile;
        this.circuit = circuit;
        this.modelRoot = modelRoot.clone();
        this.io = io;
        ProofWriter w = new ProofWriter();
        w.bytes(MAGIC).u32(VERSION).u32(profile.bits()).u32(zeroKnowledge ? FLAG_ZERO_KNOWLEDGE : 0).bytes(modelRoot);
        w.u32(io.inputs().size());
        for (IoScales.InputDomain d : io.inputs()) {
            w.u64(Double.doubleToLongBits(d.scale())).u32(d.min()).u32(d.max());
        }
        w.u32(io.outputScales().size());
        for (double s : io.outputScales()) {
            w.u64(Double.doubleToLongBits(s));
        }
        circuit.encode(w);
        this.encoded = w.toByteArray();
        this.digest = sha256(encoded);
        this.modelLayout = zeroKnowledge ? ZkLayout.modelLayout(circuit) : CommittedLayout.tight(circuit, circuit.tensorsWithRole(TensorRole.MODEL));
        if (zeroKnowledge) {
            this.zkLayout = new ZkLayout(circuit, n -> hidingMask(profile, n));
            List<String> bad = zkLayout.unmaskable();
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException("zero-knowledge mode cannot hide one-element tensors (" + String.join(", ", bad) + ")");
            }
            this.witnessLayout = zkLayout.witness();
        } else {
            this.zkLayout = null;
            this.witnessLayout = CommittedLayout.padded(circuit, circuit.tensorsWithRole(TensorRole.ADVICE));
        }
    }

    /** Whether proofs for this key are zero-knowledge. */
    public boolean zeroKnowledge() {
        return zkLayout != null;
    }

    /** The zero-knowledge mode's masks and witness layout; null for an integrity-mode key. */
    public ZkLayout zkLayout() {
        return zkLayout;
    }

    public static VerifyingKey decode(byte[] file) throws MalformedProofException {
        if (file.length < 4 + 32) {
            throw new MalformedProofException("not a zkinfer verifying key (too short)");
        }
        byte[] bytes = Arrays.copyOf(file, file.length - 32);
        if (!Arrays.equals(Arrays.copyOfRange(file, 0, 4), MAGIC)) {
            throw new MalformedProofException("not a zkinfer verifying key (bad magic)");
        }
        if (!Arrays.equals(sha256(bytes), Arrays.copyOfRange(file, file.length - 32, file.length))) {
            throw new MalformedProofException("corrupted verifying key (checksum mismatch)");
        }
        ProofReader in = new ProofReader(bytes);
        if (!Arrays.equals(in.bytes("magic", 4), MAGIC)) {
            throw new MalformedProofException("not a zkinfer verifying key (bad magic)");
        }
        in.expect("verifying key version", VERSION);
        int bits = in.u32("security bits");
        int flags = in.u32("flags");
        if ((flags & ~FLAG_ZERO_KNOWLEDGE) != 0) {
            throw new MalformedProofException("verifying key has unknown flags " + Integer.toHexString(flags));
        }
        SecurityProfile profile = null;
        for (SecurityProfile p : SecurityProfile.values()) {
            if (p.bits() == bits) {
                profile = p;
            }
        }
        if (profile == null) {
            throw new MalformedProofException("unknown security level " + bits);
        }
        byte[] root = in.bytes("model root", 32);
        List<IoScales.InputDomain> inputs = new ArrayList<>();
        int k = in.length("input count", 0, Circuit.MAX_IO);
        for (int i = 0; i < k; i++) {
            double scale = Double.longBitsToDouble(in.u64("input scale"));
            int min = in.u32("input min");
            int max = in.u32("input max");
            if (!validScale(scale) || min > max) {
                throw new MalformedProofException("verifying key has invalid input scales");
            }
            inputs.add(new IoScales.InputDomain(scale, min, max));
        }
        List<Double> outputs = new ArrayList<>();
        int m = in.length("output count", 1, Circuit.MAX_IO);
        for (int j = 0; j < m; j++) {
            double scale = Double.longBitsToDouble(in.u64("output scale"));
            if (!validScale(scale)) {
                throw new MalformedProofException("verifying key has invalid output scales");
            }
            outputs.add(scale);
        }
        try {
            Circuit circuit = Circuit.decode(in);
            in.finish();
            return new VerifyingKey(profile, circuit, root, new IoScales(inputs, outputs), (flags & FLAG_ZERO_KNOWLEDGE) != 0);
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException
                | ArithmeticException | NegativeArraySizeException e) {
            // A key whose checksum holds but whose circuit does not (crafted, or written by a
            // buggy tool): reported as a malformed key, never as an exception from the decoder.
            throw new MalformedProofException("inconsistent verifying key: " + e.getMessage());
        }
    }

    private static boolean validScale(double s) {
        return s > 0 && !Double.isInfinite(s);
    }

    /** The key file: the encoding followed by its digest. */
    public byte[] encode() {
        byte[] out = Arrays.copyOf(encoded, encoded.length + 32);
        System.arraycopy(digest, 0, out, encoded.length, 32);
        return out;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public SecurityProfile profile() {
        return profile;
    }

    public Circuit circuit() {
        return circuit;
    }

    public IoScales io() {
        return io;
    }

    public byte[] modelRoot() {
        return modelRoot.clone();
    }

    /** SHA-256 of the encoding. */
    public byte[] digest() {
        return digest.clone();
    }

    public CommittedLayout modelLayout() {
        return modelLayout;
    }

    public CommittedLayout witnessLayout() {
        return witnessLayout;
    }

    /**
     * Each commitment targets {@value #PCS_MARGIN_BITS} bits above the profile, so that the
     * union bound over both commitments' query phases and every other component still meets
     * the profile's target (see {@link ProofSecurity}).
     */
    public static final int PCS_MARGIN_BITS = 3;

    private volatile PcsParameters modelPcs;
    private volatile PcsParameters witnessPcs;

    /** The model commitment's WHIR parameters (derived from the profile and the layout; cached). */
    public PcsParameters modelPcs() {
        PcsParameters p = modelPcs;
        if (p == null) {
            p = PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, modelLayout.numVars());
            modelPcs = p;
        }
        return p;
    }

    /** The witness commitment's WHIR parameters (cached): hiding for a zero-knowledge key. */
    public PcsParameters witnessPcs() {
        PcsParameters p = witnessPcs;
        if (p == null) {
            p = zkLayout != null ? hidingPcs(profile, witnessLayout.numVars())
                    : PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, witnessLayout.numVars());
            witnessPcs = p;
        }
        return p;
    }

    /** Hiding WHIR parameters for a witness polynomial of n variables. */
    private static PcsParameters hidingPcs(SecurityProfile profile, int n) {
        return PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, n).withZeroKnowledge();
    }

    /** The mask block a hiding witness polynomial of n variables reserves; 2^n when n is too small for it (the layout grows). */
    private static long hidingMask(SecurityProfile profile, int n) {
        PcsParameters p = PcsParameters.forSecurity(profile.bits() + PCS_MARGIN_BITS, n);
        if (!p.withZeroKnowledgeFits()) {
            return 1L << n;
        }
        try {
            return p.withZeroKnowledge().zkMaskSize();
        } catch (IllegalArgumentException e) {
            return 1L << n;
        }
    }
}

package dev.zkinfer.circuit;

import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.security.SecurityProfile;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The verifying key: the circuit description, the model-commitment root and the security
 * profile. Its SHA-256 digest is the model's identity; a proof names the digest of the key it
 * was made for. Only keys produced by {@code compile} should be trusted: the verifier never
 * accepts a circuit supplied by a prover.
 *
 * <p>Format (little-endian): magic "ZKVK", u32 version, u32 security bits, 32-byte model root,
 * the circuit ({@link Circuit#encode}).
 */
public final class VerifyingKey {
    public static final byte[] MAGIC = {'Z', 'K', 'V', 'K'};
    public static final int VERSION = 1;

    private final SecurityProfile profile;
    private final Circuit circuit;
    private final byte[] modelRoot;
    private final byte[] encoded;
    private final byte[] digest;
    private final CommittedLayout modelLayout;
    private final CommittedLayout witnessLayout;

    public VerifyingKey(SecurityProfile profile, Circuit circuit, byte[] modelRoot) {
        if (modelRoot.length != 32) {
            throw new IllegalArgumentException("model root must be 32 bytes");
        }
        this.profile = profile;
        this.circuit = circuit;
        this.modelRoot = modelRoot.clone();
        ProofWriter w = new ProofWriter();
        w.bytes(MAGIC).u32(VERSION).u32(profile.bits()).bytes(modelRoot);
        circuit.encode(w);
        this.encoded = w.toByteArray();
        try {
            this.digest = MessageDigest.getInstance("SHA-256").digest(encoded);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.modelLayout = new CommittedLayout(circuit, circuit.tensorsWithRole(TensorRole.MODEL));
        this.witnessLayout = new CommittedLayout(circuit, circuit.tensorsWithRole(TensorRole.ADVICE));
    }

    public static VerifyingKey decode(byte[] bytes) throws MalformedProofException {
        ProofReader in = new ProofReader(bytes);
        if (!Arrays.equals(in.bytes("magic", 4), MAGIC)) {
            throw new MalformedProofException("not a zkinfer verifying key (bad magic)");
        }
        in.expect("verifying key version", VERSION);
        int bits = in.u32("security bits");
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
        Circuit circuit = Circuit.decode(in);
        in.finish();
        try {
            return new VerifyingKey(profile, circuit, root);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException("inconsistent verifying key: " + e.getMessage());
        }
    }

    public byte[] encode() {
        return encoded.clone();
    }

    public SecurityProfile profile() {
        return profile;
    }

    public Circuit circuit() {
        return circuit;
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

    public PcsParameters modelPcs() {
        return PcsParameters.forSecurity(profile.bits(), modelLayout.numVars());
    }

    public PcsParameters witnessPcs() {
        return PcsParameters.forSecurity(profile.bits(), witnessLayout.numVars());
    }
}

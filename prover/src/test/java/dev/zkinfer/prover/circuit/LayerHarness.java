package dev.zkinfer.prover.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.LookupSpec;
import dev.zkinfer.circuit.VerifierContext;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs one layer's prover and verifier in isolation (test support for gadgets): random claims
 * on the layer's outputs, the prover's sub-proof, the verifier replaying it, and an oracle that
 * checks every claim the verifier emits against the witness's multilinear extensions.
 */
public final class LayerHarness {
    /** What one run produced. */
    public record Run(byte[] proof, List<Claim> proverClaims, List<Claim> verifierClaims) {}

    private LayerHarness() {}

    /**
     * The offsets at which the values occur in the bytes, in order: as consecutive little-endian u64
     * (how a proof writes field elements), or in the encoding of a proof's public values
     * ({@link dev.zkinfer.encoding.ProofWriter#signedValues}: a width byte, then w bytes a value; the
     * offset is then the first value's, after the width byte).
     */
    public static java.util.List<Integer> offsets(byte[] bytes, long[] values) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.util.List<Integer> out = new java.util.ArrayList<>();
        byte[] narrow = new dev.zkinfer.encoding.ProofWriter().signedValues(values).toByteArray();
        for (int i = 0; i < bytes.length; i++) {
            boolean all = i + 8 * values.length <= bytes.length;
            for (int k = 0; k < values.length && all; k++) {
                all = bb.getLong(i + 8 * k) == values[k];
            }
            if (all || narrow[0] != 8 && java.util.Arrays.equals(bytes, i, Math.min(bytes.length, i + narrow.length), narrow, 0, narrow.length)) {
                out.add(all ? i : i + 1);
            }
        }
        return out;
    }

    /** How often the values occur in the bytes as consecutive little-endian u64 or as a proof's public values. */
    public static int occurrences(byte[] bytes, long[] values) {
        return offsets(bytes, values).size();
    }

    /** The first offset at which the values occur in the bytes (as {@link #offsets} finds them), or -1. */
    public static int firstOccurrence(byte[] bytes, long[] values) {
        java.util.List<Integer> at = offsets(bytes, values);
        return at.isEmpty() ? -1 : at.get(0);
    }

    /** The first offset of {@code needle} in {@code bytes}, or -1. */
    public static int firstOccurrenceOfBytes(byte[] bytes, byte[] needle) {
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Fills the witness by running every layer's computeWitness in order. */
    public static void computeWitness(Circuit circuit, WitnessValues w) {
        for (Layer l : circuit.layers()) {
            LayerProvers.forLayer(l).computeWitness(l, w);
        }
    }

    /** True random claims on the outputs of {@code layer}. */
    public static Claim[] randomOutputClaims(Layer layer, WitnessValues w, SplittableRandom rnd) {
        int[] outs = layer.outputs();
        Claim[] claims = new Claim[outs.length];
        for (int i = 0; i < outs.length; i++) {
            int n = w.circuit().tensor(outs[i]).layout().numVars();
            Ext3[] point = new Ext3[n];
            for (int k = 0; k < n; k++) {
                point[k] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
            }
            claims[i] = new Claim(outs[i], point, Mle.evaluate(w.get(outs[i]), point));
        }
        return claims;
    }

    /** Proves the layer on the given output claims. */
    public static Run prove(Layer layer, Claim[] outputClaims, WitnessValues w, Backend backend) {
        ProofWriter out = new ProofWriter();
        List<Claim> claims = new ArrayList<>();
        LayerProvers.forLayer(layer).prove(layer, outputClaims, proverContext(w, backend, out, claims));
        return new Run(out.toByteArray(), claims, null);
    }

    /** A prover context over witness w with a fresh "harness" transcript, writing to out and collecting the claims emitted. */
    public static ProverContext proverContext(WitnessValues w, Backend backend, ProofWriter out, List<Claim> claims) {
        Transcript t = new Sha256Transcript("harness");
        return new ProverContext() {
            public Transcript transcript() {
                return t;
            }

            public ProofWriter proof() {
                return out;
            }

            public Circuit circuit() {
                return w.circuit();
            }

            public Backend backend() {
                return backend;
            }

            public long[] values(int tensor) {
                return w.get(tensor);
            }

            public void claim(int tensor, Ext3[] point, Ext3 value) {
                claims.add(new Claim(tensor, point, value));
            }
        };
    }

    /** Replays the verifier on a proof; throws InvalidProofException if it rejects or bytes are left over. */
    public static List<Claim> verify(Layer layer, Claim[] outputClaims, Circuit circuit, byte[] proof) throws InvalidProofException {
        ProofReader in = new ProofReader(proof);
        List<Claim> claims = new ArrayList<>();
        layer.verify(outputClaims, verifierContext(circuit, in, claims));
        in.finish();
        return claims;
    }

    /** A verifier context reading in with a fresh "harness" transcript, collecting the claims emitted. */
    public static VerifierContext verifierContext(Circuit circuit, ProofReader in, List<Claim> claims) {
        Transcript t = new Sha256Transcript("harness");
        return new VerifierContext() {
            public Transcript transcript() {
                return t;
            }

            public ProofReader proof() {
                return in;
            }

            public Circuit circuit() {
                return circuit;
            }

            public void claim(int tensor, Ext3[] point, Ext3 value) {
                claims.add(new Claim(tensor, point, value));
            }
        };
    }

    /** A deep copy of a witness (every tensor's values cloned), to tamper with. */
    public static WitnessValues copy(WitnessValues from) {
        WitnessValues w = new WitnessValues(from.circuit());
        from.all().forEach((k, v) -> w.put(k, v.clone()));
        return w;
    }

    /** Verifies a proof and returns the claims it emits. */
    @FunctionalInterface
    public interface ClaimsOfProof {
        List<Claim> verify() throws InvalidProofException;
    }

    /**
     * A proof made from the tampered witness {@code bad} is rejected, or some claim it emits is false
     * for the values the prover committed to (so a later check catches it).
     */
    public static void assertRejectedOrFalseClaim(ClaimsOfProof verification, WitnessValues bad) {
        try {
            org.junit.jupiter.api.Assertions.assertNotNull(falseClaim(verification.verify(), bad), "tampered witness accepted with true claims");
        } catch (InvalidProofException expected) {
            // rejected
        }
    }

    /** A layer's proof from the tampered witness {@code bad} (no output claims): rejected, or a false claim emitted. */
    public static void assertCaught(Layer layer, Circuit circuit, WitnessValues bad) {
        Claim[] none = new Claim[0];
        byte[] proof = prove(layer, none, bad, Backends.scalar()).proof();
        assertRejectedOrFalseClaim(() -> verify(layer, none, circuit, proof), bad);
    }

    /** The first claim that is false for this witness, or null when all hold. */
    public static Claim falseClaim(List<Claim> claims, WitnessValues w) {
        for (Claim c : claims) {
            if (!Mle.evaluate(w.get(c.tensor()), c.point()).equals(c.value())) {
                return c;
            }
        }
        return null;
    }

    /** The first lookup row (as a message) that is not in its table, or null. */
    public static String missingLookupRow(Circuit circuit, WitnessValues w) {
        for (Layer l : circuit.layers()) {
            for (LookupSpec s : l.lookups()) {
                Set<String> rows = new HashSet<>();
                long[][] cols = new long[s.table().columns()][];
                for (int c = 0; c < cols.length; c++) {
                    cols[c] = s.table().column(c);
                }
                for (int i = 0; i < cols[0].length; i++) {
                    StringBuilder sb = new StringBuilder();
                    for (long[] col : cols) {
                        sb.append(col[i]).append(',');
                    }
                    rows.add(sb.toString());
                }
                long[][] vals = new long[s.columns().length][];
                for (int c = 0; c < vals.length; c++) {
                    vals[c] = w.get(s.columns()[c]);
                }
                for (int i = 0; i < vals[0].length; i++) {
                    StringBuilder sb = new StringBuilder();
                    for (int c = 0; c < vals.length; c++) {
                        sb.append(Goldilocks.add(vals[c][i], Goldilocks.fromSigned(s.offsets()[c]))).append(',');
                    }
                    if (!rows.contains(sb.toString())) {
                        return l.kind() + " lookup row " + sb + " at padded index " + i + " is not in its table";
                    }
                }
            }
        }
        return null;
    }

    /**
     * The whole check for an honest witness: prover and verifier agree, the verifier accepts,
     * and every claim it emits is true; returns the verifier's claims.
     */
    public static List<Claim> proveAndVerify(Layer layer, WitnessValues w, long seed) throws InvalidProofException {
        Claim[] outClaims = randomOutputClaims(layer, w, new SplittableRandom(seed));
        Run run = prove(layer, outClaims, w, Backends.scalar());
        List<Claim> vclaims = verify(layer, outClaims, w.circuit(), run.proof());
        if (vclaims.size() != run.proverClaims().size()) {
            throw new AssertionError("prover recorded " + run.proverClaims().size() + " claims, verifier " + vclaims.size());
        }
        for (int i = 0; i < vclaims.size(); i++) {
            Claim a = vclaims.get(i), b = run.proverClaims().get(i);
            if (a.tensor() != b.tensor() || !a.value().equals(b.value()) || !java.util.Arrays.equals(a.point(), b.point())) {
                throw new AssertionError("claim " + i + " differs between prover and verifier");
            }
        }
        Claim bad = falseClaim(vclaims, w);
        if (bad != null) {
            throw new AssertionError("false claim on tensor " + w.circuit().tensor(bad.tensor()).name());
        }
        return vclaims;
    }
}

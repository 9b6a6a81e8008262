package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.VerificationResult;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.Columns;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.SegmentClaim;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies a whole-model proof against a verifying key (see {@link ProofProtocol} for the format
 * and transcript order). Deterministic, single-threaded, and total: any byte string yields a
 * result, never an exception; its cost is bounded by the verifying key.
 * Stateless and thread-safe.
 */
public final class CircuitVerifier {
    /**
     * The outcome of a verification. A valid outcome carries the proof's public input and output
     * (signed integers); an invalid one carries neither, so that nothing a rejected proof claims
     * can be read as if it had been proved.
     */
    public record Outcome(VerificationResult result, long[] input, long[] output) {
        public Outcome {
            if (!result.isValid()) {
                input = null;
                output = null;
            }
        }

        /** The proved public input; throws IllegalStateException when the proof is invalid. */
        @Override
        public long[] input() {
            return proved(input);
        }

        /** The proved public output; throws IllegalStateException when the proof is invalid. */
        @Override
        public long[] output() {
            return proved(output);
        }

        private long[] proved(long[] values) {
            if (!result.isValid()) {
                throw new IllegalStateException("the proof is invalid (" + result.reason() + "): it proves no input or output");
            }
            return values;
        }
    }

    /**
     * Receives wall-clock times of the verifier's stages (for profiling): {@code stage} is a
     * layer index (0-based, layers are visited last to first) or -1 for the lookups, -2 for
     * the model and -3 for the witness commitment openings.
     */
    @FunctionalInterface
    public interface Timing {
        Timing NONE = (stage, name, nanos) -> {};

        void record(int stage, String name, long nanos);
    }

    private CircuitVerifier() {}

    public static Outcome verify(VerifyingKey vk, byte[] proof) {
        return verify(vk, proof, Timing.NONE);
    }

    /** {@link #verify(VerifyingKey, byte[])} reporting the time of each stage to {@code timing}. */
    public static Outcome verify(VerifyingKey vk, byte[] proof, Timing timing) {
        long[][] io = new long[2][];
        try {
            new Run(vk, new ProofReader(proof), io, timing).run();
            return new Outcome(VerificationResult.valid(), io[0], io[1]);
        } catch (InvalidProofException e) {
            return new Outcome(VerificationResult.invalid(e.getMessage()), io[0], io[1]);
        } catch (RuntimeException e) {
            // A verifier bug or an unforeseen malformed input: still a rejection, with a reason.
            return new Outcome(VerificationResult.invalid("malformed proof (" + e.getClass().getSimpleName() + ")"), io[0], io[1]);
        }
    }

    /** One verification: the claim bookkeeping of the GKR pass. */
    private static final class Run implements VerifierContext {
        private final VerifyingKey vk;
        private final Circuit circuit;
        private final ProofReader in;
        private final Transcript t = new Sha256Transcript(ProofProtocol.PROTOCOL);
        private final Map<Integer, List<Claim>> pending = new LinkedHashMap<>();
        private final long[][] io;
        private long[] inputPadded;
        private final Timing timing;

        Run(VerifyingKey vk, ProofReader in, long[][] io, Timing timing) {
            this.timing = timing;
            this.vk = vk;
            this.circuit = vk.circuit();
            this.in = in;
            this.io = io;
        }

        @Override
        public Transcript transcript() {
            return t;
        }

        @Override
        public ProofReader proof() {
            return in;
        }

        @Override
        public Circuit circuit() {
            return circuit;
        }

        @Override
        public void claim(int tensor, Ext3[] point, Ext3 value) {
            if (point.length != circuit.tensor(tensor).layout().numVars()) {
                throw new IllegalStateException("claim on " + circuit.tensor(tensor).name() + " with a point of the wrong dimension");
            }
            pending.computeIfAbsent(tensor, k -> new ArrayList<>()).add(new Claim(tensor, point, value));
        }

        void run() throws InvalidProofException {
            if (!Arrays.equals(in.bytes("magic", 4), ProofProtocol.magic())) {
                throw new MalformedProofException("not a zkinfer proof (bad magic)");
            }
            in.expect("proof version", ProofProtocol.VERSION);
            if (!Arrays.equals(in.bytes("verifying-key digest", 32), vk.digest())) {
                throw new InvalidProofException("the proof was made for a different model (verifying-key digest differs)");
            }
            t.absorbBytes("vk-digest", vk.digest());
            TensorLayout inLayout = circuit.tensor(circuit.input()).layout();
            TensorLayout outLayout = circuit.tensor(circuit.output()).layout();
            long[] input = in.bases("public input", in.length("input length", (int) inLayout.size(), (int) inLayout.size()));
            long[] output = in.bases("public output", in.length("output length", (int) outLayout.size(), (int) outLayout.size()));
            io[0] = signed(input);
            io[1] = signed(output);
            // a public input outside the quantized input domain is not a valid inference
            try {
                vk.io().checkInput(io[0]);
            } catch (IllegalArgumentException e) {
                throw new InvalidProofException("public " + e.getMessage());
            }
            t.absorbLongs("public-input", input);
            t.absorbLongs("public-output", output);
            byte[] witnessRoot = in.bytes("witness root", 32);
            t.absorbBytes("witness-root", witnessRoot);
            inputPadded = inLayout.pad(input, 0);

            long t0 = System.nanoTime();
            verifyLookups();
            timing.record(-1, "lookups", System.nanoTime() - t0);

            // The output claim: the verifier evaluates the public output's polynomial itself.
            Ext3[] r = new Ext3[outLayout.numVars()];
            for (int k = 0; k < r.length; k++) {
                r[k] = t.challengeExt("output-point");
            }
            claim(circuit.output(), r, Mle.evaluate(outLayout.pad(output, 0), r));

            List<Layer> layers = circuit.layers();
            for (int li = layers.size() - 1; li >= 0; li--) {
                Layer layer = layers.get(li);
                long tl = System.nanoTime();
                int[] outs = layer.outputs();
                Claim[] merged = new Claim[outs.length];
                for (int o = 0; o < outs.length; o++) {
                    List<Claim> cs = pending.remove(outs[o]);
                    merged[o] = cs == null ? null : merge(outs[o], cs);
                }
                layer.verify(merged, this);
                timing.record(li, layer.kind(), System.nanoTime() - tl);
            }

            // What is left: claims on the input, the model and the witness.
            List<Claim> model = new ArrayList<>();
            List<Claim> witness = new ArrayList<>();
            for (Map.Entry<Integer, List<Claim>> e : pending.entrySet()) {
                CircuitTensor ct = circuit.tensor(e.getKey());
                for (Claim c : e.getValue()) {
                    switch (ct.role()) {
                        case INPUT -> {
                            if (!Mle.evaluate(inputPadded, c.point()).equals(c.value())) {
                                throw new InvalidProofException("the proof does not match its public input");
                            }
                        }
                        case MODEL -> model.add(new Claim(-1, vk.modelLayout().lift(c.tensor(), c.point()), c.value()));
                        case ADVICE -> witness.add(new Claim(-1, vk.witnessLayout().lift(c.tensor(), c.point()), c.value()));
                        case COMPUTED -> throw new IllegalStateException("claim on computed tensor " + ct.name() + " was never reduced");
                    }
                }
            }
            long tm = System.nanoTime();
            openCommitment("model", vk.modelRoot(), vk.modelLayout().numVars(), vk.modelPcs(), model);
            long tw = System.nanoTime();
            timing.record(-2, "model opening", tw - tm);
            openCommitment("witness", witnessRoot, vk.witnessLayout().numVars(), vk.witnessPcs(), witness);
            timing.record(-3, "witness opening", System.nanoTime() - tw);
            in.finish();
        }

        private void verifyLookups() throws InvalidProofException {
            List<LookupSpec> specs = ProofProtocol.lookupSpecs(circuit);
            if (specs.isEmpty()) {
                return;
            }
            Ext3 alpha = t.challengeExt("lookup-alpha");
            Ext3 beta = t.challengeExt("lookup-beta");
            List<SegmentShape> shapes = ProofProtocol.lookupShapes(circuit);
            List<SegmentClaim> claims = LogUpGkrVerifier.verify(shapes, alpha, in, t);
            List<LookupTable> tables = new ArrayList<>(circuit.multiplicities().keySet());
            int[] multTensors = ProofProtocol.multiplicityTensors(circuit);
            t.domain("zkinfer/lookup-columns/v1");
            for (int s = 0; s < claims.size(); s++) {
                SegmentClaim sc = claims.get(s);
                if (s < specs.size()) {
                    LookupSpec spec = specs.get(s);
                    Ext3[] evals = new Ext3[spec.columns().length];
                    Ext3[] shifted = new Ext3[evals.length];
                    for (int c = 0; c < evals.length; c++) {
                        evals[c] = in.ext("looked-up column evaluation");
                        t.absorbExt("lookup-column", evals[c]);
                        shifted[c] = evals[c].add(Goldilocks.fromSigned(spec.offsets()[c]));
                    }
                    if (!Columns.combineEvals(shifted, beta).equals(sc.valuesEval())) {
                        throw new InvalidProofException("lookup " + s + ": looked-up column evaluations do not match the LogUp claim");
                    }
                    for (int c = 0; c < evals.length; c++) {
                        claim(spec.columns()[c], sc.point(), evals[c]);
                    }
                } else {
                    int ti = s - specs.size();
                    LookupTable table = tables.get(ti);
                    Ext3[] cols = new Ext3[table.columns()];
                    for (int c = 0; c < cols.length; c++) {
                        cols[c] = table.evaluate(c, sc.point());
                    }
                    if (!Columns.combineEvals(cols, beta).equals(sc.valuesEval())) {
                        throw new InvalidProofException("lookup table " + ti + ": table evaluation does not match the LogUp claim");
                    }
                    claim(multTensors[ti], sc.point(), sc.multiplicitiesEval());
                }
            }
        }

        /** Merges several claims on one polynomial into one (random combination + sumcheck). */
        private Claim merge(int tensor, List<Claim> claims) throws InvalidProofException {
            if (claims.size() == 1) {
                return claims.get(0);
            }
            int n = claims.get(0).point().length;
            Claim merged = mergeClaims(claims, n);
            return new Claim(tensor, merged.point(), merged.value());
        }

        private Claim mergeClaims(List<Claim> claims, int n) throws InvalidProofException {
            t.domain(ProofProtocol.MERGE_DOMAIN);
            for (Claim c : claims) {
                t.absorbExt("merge/value", c.value());
            }
            Ext3 gamma = t.challengeExt("merge/gamma");
            SumcheckClaim sc = SumcheckVerifier.verify(ProofProtocol.mergeSum(claims, gamma), n, 2, in, t);
            Ext3 value = in.ext("merged evaluation");
            t.absorbExt("merge/evaluation", value);
            if (!value.mul(ProofProtocol.mergeWeight(claims, gamma, sc.point())).equals(sc.value())) {
                throw new InvalidProofException("claim merging: final sumcheck value does not match");
            }
            return new Claim(-1, sc.point(), value);
        }

        private void openCommitment(String what, byte[] root, int numVars, PcsParameters params, List<Claim> claims)
                throws InvalidProofException {
            if (claims.isEmpty()) {
                return;
            }
            List<EvaluationClaim> batch = new ArrayList<>(claims.size());
            for (Claim c : claims) {
                batch.add(new EvaluationClaim(c.point(), c.value()));
            }
            try {
                new WhirVerifier(params).verifyOpening(root, numVars, batch, in, t);
            } catch (InvalidProofException e) {
                throw new InvalidProofException(what + " commitment opening: " + e.getMessage());
            }
        }
    }

    static long[] signed(long[] field) {
        long[] out = new long[field.length];
        for (int i = 0; i < field.length; i++) {
            out[i] = Goldilocks.toSigned(field[i]);
        }
        return out;
    }
}

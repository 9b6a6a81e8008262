package dev.zkinfer.prover.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.VerifierContext;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.lookup.LogUpGkrProver;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs one layer's zero-knowledge prover and verifier in isolation (docs/zero-knowledge.md §3):
 * the masks a proof would commit (one per masked tensor, one per sumcheck) are drawn here, and
 * the oracle that stands in for the commitment openings checks every claim the verifier emits:
 * claims on tensors against the masked extensions T̂, mask values against the masks.
 */
public final class ZkLayerHarness {
    private ZkLayerHarness() {}

    /** The masks of one proof; tensors in {@code unmasked} (public inputs and outputs) have none. */
    public static class Masks {
        private final SplittableRandom rnd;
        private final int delta;
        private final Set<Integer> unmasked;
        private final Map<Integer, TensorMask> tensors = new HashMap<>();
        final List<SumcheckMask> sumchecks = new ArrayList<>();
        /** The lookup stage's own masks (tree halves, mask segments), drawn on first use or set by a test. */
        LogUpGkrProver.TreeMasks lookups;

        public Masks(long seed, int delta, Set<Integer> unmasked) {
            this.rnd = new SplittableRandom(seed);
            this.delta = delta;
            this.unmasked = unmasked;
        }

        TensorMask tensor(int t) {
            if (unmasked.contains(t)) {
                return null;
            }
            return tensors.computeIfAbsent(t, k -> {
                Ext3[] a = new Ext3[delta + 1], b = new Ext3[delta + 1];
                for (int i = 0; i <= delta; i++) {
                    a[i] = random();
                    b[i] = random();
                }
                return new TensorMask(a, b);
            });
        }

        int degree(int t) {
            return unmasked.contains(t) ? -1 : delta;
        }

        SumcheckMask next(int[] degrees) {
            SumcheckMask m = SumcheckProver.randomMask(degrees, rnd);
            sumchecks.add(m);
            return m;
        }

        /** The lookup stage's masks for circuit c: drawn from this proof's randomness the first time. */
        LogUpGkrProver.TreeMasks lookups(Circuit c) {
            if (lookups == null) {
                lookups = ZkLookupProving.drawMasks(c, rnd);
            }
            return lookups;
        }

        Ext3 random() {
            return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
        }

        /** T̂(p), the value an honest masked claim on T takes. */
        Ext3 masked(WitnessValues w, int t, Ext3[] p) {
            Ext3 v = Mle.evaluate(w.get(t), p);
            TensorMask m = tensor(t);
            return m == null ? v : v.add(m.offset(p));
        }
    }

    record SumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
        int numVars() {
            return degrees.length;
        }
    }

    record TensorMaskClaim(int tensor, Ext3 x0, Ext3 w, Ext3 value) {}

    record HalfMaskClaim(int layer, int half, Ext3 x0, Ext3 w, Ext3 value) {}

    record MaskSegmentClaim(int side, Ext3[] point, Ext3 value) {}

    /** What a verifier (or prover) recorded. */
    public record Recorded(List<Claim> claims, List<SumcheckMaskClaim> sumcheckMasks, List<TensorMaskClaim> tensorMasks,
            List<HalfMaskClaim> halfMasks, List<MaskSegmentClaim> maskSegments) {
        static Recorded empty() {
            return new Recorded(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** Honest masked claims on the layer's outputs at random points. */
    static Claim[] outputClaims(Layer layer, WitnessValues w, Masks masks, SplittableRandom rnd) {
        int[] outs = layer.outputs();
        Claim[] claims = new Claim[outs.length];
        for (int i = 0; i < outs.length; i++) {
            Ext3[] p = new Ext3[w.circuit().tensor(outs[i]).layout().numVars()];
            for (int k = 0; k < p.length; k++) {
                p[k] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
            }
            claims[i] = new Claim(outs[i], p, masks.masked(w, outs[i], p));
        }
        return claims;
    }

    /** One prover step under test (a layer's prover, or a shared step such as claim merging). */
    interface ProverStep {
        void run(ProverContext ctx);
    }

    /** The verifier's side of a {@link ProverStep}. */
    interface VerifierStep {
        void run(VerifierContext ctx) throws InvalidProofException;
    }

    static byte[] prove(Layer layer, Claim[] outClaims, WitnessValues w, Masks masks, Recorded rec) {
        return prove(w, masks, rec, ctx -> LayerProvers.forLayer(layer).prove(layer, outClaims, ctx));
    }

    static byte[] prove(WitnessValues w, Masks masks, Recorded rec, ProverStep step) {
        return prove(w, masks, rec, new Sha256Transcript("zk-harness"), step);
    }

    /** As above on a given transcript (a programmed one, for the simulation checks). */
    static byte[] prove(WitnessValues w, Masks masks, Recorded rec, Transcript t, ProverStep step) {
        ProofWriter out = new ProofWriter();
        Backend backend = Backends.scalar();
        ProverContext ctx = new ProverContext() {
            public Transcript transcript() { return t; }
            public ProofWriter proof() { return out; }
            public Circuit circuit() { return w.circuit(); }
            public Backend backend() { return backend; }
            public long[] values(int tensor) { return w.get(tensor); }
            public void claim(int tensor, Ext3[] point, Ext3 value) { rec.claims().add(new Claim(tensor, point, value)); }
            public boolean zeroKnowledge() { return true; }
            public TensorMask tensorMask(int tensor) { return masks.tensor(tensor); }
            public SumcheckMask nextSumcheckMask(int[] degrees) { return masks.next(degrees); }
            public void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
                rec.sumcheckMasks().add(new SumcheckMaskClaim(degrees.clone(), point, value));
            }
            public void tensorMaskClaim(int tensor, Ext3 x0, Ext3 wv, Ext3 value) {
                rec.tensorMasks().add(new TensorMaskClaim(tensor, x0, wv, value));
            }
            public void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 wv, Ext3 value) {
                rec.halfMasks().add(new HalfMaskClaim(layer, half, x0, wv, value));
            }
            public void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) {
                rec.maskSegments().add(new MaskSegmentClaim(side, point, value));
            }
        };
        step.run(ctx);
        return out.toByteArray();
    }

    static Recorded verify(Layer layer, Claim[] outClaims, Circuit circuit, Masks masks, byte[] proof) throws InvalidProofException {
        return verify(circuit, masks, proof, ctx -> layer.verify(outClaims, ctx));
    }

    static Recorded verify(Circuit circuit, Masks masks, byte[] proof, VerifierStep step) throws InvalidProofException {
        ProofReader in = new ProofReader(proof);
        Transcript t = new Sha256Transcript("zk-harness");
        Recorded rec = Recorded.empty();
        VerifierContext ctx = new VerifierContext() {
            public Transcript transcript() { return t; }
            public ProofReader proof() { return in; }
            public Circuit circuit() { return circuit; }
            public void claim(int tensor, Ext3[] point, Ext3 value) { rec.claims().add(new Claim(tensor, point, value)); }
            public boolean zeroKnowledge() { return true; }
            public int tensorMaskDegree(int tensor) { return masks.degree(tensor); }
            public void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
                rec.sumcheckMasks().add(new SumcheckMaskClaim(degrees.clone(), point, value));
            }
            public void tensorMaskClaim(int tensor, Ext3 x0, Ext3 wv, Ext3 value) {
                rec.tensorMasks().add(new TensorMaskClaim(tensor, x0, wv, value));
            }
            public void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 wv, Ext3 value) {
                rec.halfMasks().add(new HalfMaskClaim(layer, half, x0, wv, value));
            }
            public void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) {
                rec.maskSegments().add(new MaskSegmentClaim(side, point, value));
            }
        };
        try {
            step.run(ctx);
        } catch (RuntimeException e) {
            // as CircuitVerifier does: any other failure is a rejection
            throw new InvalidProofException("malformed proof (" + e + ")");
        }
        in.finish();
        return rec;
    }

    /** What the commitment openings would catch: the first false claim, described, or null. */
    public static String falseClaim(Recorded rec, WitnessValues w, Masks masks) {
        for (Claim c : rec.claims()) {
            if (!masks.masked(w, c.tensor(), c.point()).equals(c.value())) {
                return "claim on " + w.circuit().tensor(c.tensor()).name();
            }
        }
        if (rec.sumcheckMasks().size() > masks.sumchecks.size()) {
            return "more sumcheck masks opened than committed";
        }
        for (int j = 0; j < rec.sumcheckMasks().size(); j++) {
            SumcheckMaskClaim c = rec.sumcheckMasks().get(j);
            SumcheckMask m = masks.sumchecks.get(j);
            if (!java.util.Arrays.equals(m.degrees(), c.degrees()) || !m.evaluate(c.point()).equals(c.value())) {
                return "sumcheck mask " + j;
            }
        }
        for (TensorMaskClaim c : rec.tensorMasks()) {
            TensorMask m = masks.tensor(c.tensor());
            if (m == null || !m.r(c.x0(), c.w()).equals(c.value())) {
                return "tensor mask of " + w.circuit().tensor(c.tensor()).name();
            }
        }
        LogUpGkrProver.TreeMasks lookups = masks.lookups;
        if (lookups == null && !(rec.halfMasks().isEmpty() && rec.maskSegments().isEmpty())) {
            return "lookup mask values without lookup masks";
        }
        for (HalfMaskClaim c : rec.halfMasks()) {
            TensorMask[][] halves = lookups.halves();
            if (c.layer() < 2 || c.layer() >= halves.length || c.half() < 0 || c.half() > 3
                    || !halves[c.layer()][c.half()].r(c.x0(), c.w()).equals(c.value())) {
                return "half mask " + c.half() + " of lookup layer " + c.layer();
            }
        }
        for (MaskSegmentClaim c : rec.maskSegments()) {
            if (c.side() < 0 || c.side() > 1 || !Mle.evaluateExt(lookups.segments()[c.side()], c.point()).equals(c.value())) {
                return "lookup mask segment " + c.side();
            }
        }
        return null;
    }

    /** Honest run: the verifier accepts, agrees with the prover claim by claim, and every claim is true. */
    static Recorded proveAndVerify(Layer layer, WitnessValues w, Masks masks, long seed) throws InvalidProofException {
        Claim[] out = outputClaims(layer, w, masks, new SplittableRandom(seed));
        Recorded p = Recorded.empty();
        byte[] proof = prove(layer, out, w, masks, p);
        Recorded v = verify(layer, out, w.circuit(), masks, proof);
        if (v.claims().size() != p.claims().size() || v.sumcheckMasks().size() != p.sumcheckMasks().size()
                || v.tensorMasks().size() != p.tensorMasks().size()) {
            throw new AssertionError("prover and verifier recorded different numbers of claims");
        }
        for (int i = 0; i < v.claims().size(); i++) {
            Claim a = v.claims().get(i), b = p.claims().get(i);
            if (a.tensor() != b.tensor() || !a.value().equals(b.value()) || !Arrays.equals(a.point(), b.point())) {
                throw new AssertionError("claim " + i + " differs between prover and verifier");
            }
        }
        String bad = falseClaim(v, w, masks);
        if (bad != null) {
            throw new AssertionError("honest proof: false " + bad);
        }
        return v;
    }

    /**
     * A whole circuit's lookup stage and layer pass in zero-knowledge mode, as CircuitProver and
     * CircuitVerifier run them (output claims at transcript points, the lookup stage, whose claims
     * join the pass (a derived excess or gap is reduced by its layer), layers from the last to the
     * first, several claims on one tensor merged first), with the commitment openings left out: the
     * oracle checks every claim and mask value instead. Public inputs and outputs are not masked.
     * Returns what the verifier recorded; throws if it rejects or disagrees with the prover.
     */
    public static Recorded proveAndVerifyCircuit(WitnessValues w, Masks masks) throws InvalidProofException {
        Circuit c = w.circuit();
        Recorded p = Recorded.empty();
        byte[] proof = prove(w, masks, p, ctx -> {
            java.util.Map<Integer, List<Claim>> pending = new java.util.LinkedHashMap<>();
            int[] seen = {0};
            Runnable collect = () -> {
                for (; seen[0] < p.claims().size(); seen[0]++) {
                    Claim cl = p.claims().get(seen[0]);
                    pending.computeIfAbsent(cl.tensor(), k -> new ArrayList<>()).add(cl);
                }
            };
            for (int out : c.outputs()) {
                Ext3[] r = outputPoint(ctx.transcript(), c.tensor(out).layout().numVars());
                pending.computeIfAbsent(out, k -> new ArrayList<>()).add(new Claim(out, r, masks.masked(w, out, r)));
            }
            if (!dev.zkinfer.circuit.ProofProtocol.lookupSpecs(c).isEmpty()) {
                // the lookup stage first, as the drivers run it: its claims (a derived excess's or gap's among them) join the pass
                Ext3 alpha = ctx.transcript().challengeExt("lookup-alpha");
                Ext3 beta = ctx.transcript().challengeExt("lookup-beta");
                ZkLookupProving.prove(ctx, masks.lookups(c), alpha, beta, true);
                collect.run();
            }
            try {
                layerPass(c, pending, (t, cs) -> ZkProving.merge(ctx, t, cs, w.get(t)), (batched, excess) -> {
                    RequantLayerProver.proveBatch(batched, excess, ctx);
                    collect.run();
                }, (layer, merged) -> {
                    LayerProvers.forLayer(layer).prove(layer, merged, ctx);
                    collect.run();
                });
            } catch (InvalidProofException e) {
                throw new AssertionError("the prover's steps do not reject", e);
            }
        });
        Recorded v = verify(c, masks, proof, ctx -> {
            java.util.Map<Integer, List<Claim>> pending = new java.util.LinkedHashMap<>();
            for (int out : c.outputs()) {
                Ext3[] r = outputPoint(ctx.transcript(), c.tensor(out).layout().numVars());
                // a public output: the verifier evaluates it itself
                pending.computeIfAbsent(out, k -> new ArrayList<>()).add(new Claim(out, r, Mle.evaluate(w.get(out), r)));
            }
            VerifierContext inner = new VerifierContext() {
                public Transcript transcript() { return ctx.transcript(); }
                public ProofReader proof() { return ctx.proof(); }
                public Circuit circuit() { return c; }
                public void claim(int tensor, Ext3[] point, Ext3 value) {
                    ctx.claim(tensor, point, value);
                    pending.computeIfAbsent(tensor, k -> new ArrayList<>()).add(new Claim(tensor, point, value));
                }
                public boolean zeroKnowledge() { return true; }
                public int tensorMaskDegree(int tensor) { return ctx.tensorMaskDegree(tensor); }
                public void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) { ctx.sumcheckMaskClaim(degrees, point, value); }
                public void tensorMaskClaim(int tensor, Ext3 x0, Ext3 wv, Ext3 value) { ctx.tensorMaskClaim(tensor, x0, wv, value); }
                public void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 wv, Ext3 value) {
                    ctx.logUpHalfMaskClaim(layer, half, x0, wv, value);
                }
                public void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) { ctx.logUpMaskSegmentClaim(side, point, value); }
            };
            if (!dev.zkinfer.circuit.ProofProtocol.lookupSpecs(c).isEmpty()) {
                Ext3 alpha = ctx.transcript().challengeExt("lookup-alpha");
                Ext3 beta = ctx.transcript().challengeExt("lookup-beta");
                dev.zkinfer.circuit.ZkLookups.verify(inner, alpha, beta);
            }
            layerPass(c, pending, (t, cs) -> dev.zkinfer.circuit.ZkSteps.merge(inner, t, cs),
                    (batched, excess) -> dev.zkinfer.circuit.RequantZeroChecks.verify(inner, batched, excess),
                    (layer, merged) -> layer.verify(merged, inner));
        });
        if (v.claims().size() != p.claims().size() || v.sumcheckMasks().size() != p.sumcheckMasks().size()
                || v.halfMasks().size() != p.halfMasks().size() || v.maskSegments().size() != p.maskSegments().size()) {
            throw new AssertionError("prover and verifier recorded different numbers of claims");
        }
        String bad = falseClaim(v, w, masks);
        if (bad != null) {
            throw new AssertionError("honest circuit proof: false " + bad);
        }
        return v;
    }

    /**
     * The lookup stage in zero-knowledge mode, as the drivers will run it: α and β drawn from the
     * transcript, then {@link ZkLookupProving#prove} and {@link dev.zkinfer.circuit.ZkLookups#verify}
     * with the masks of {@code masks} ({@link Masks#lookups}). Returns what the verifier recorded;
     * throws if it rejects or disagrees with the prover, or if an emitted claim is false.
     */
    public static Recorded proveAndVerifyLookups(WitnessValues w, Masks masks) throws InvalidProofException {
        Recorded p = Recorded.empty();
        byte[] proof = proveLookups(w, masks, p, true);
        Recorded v = verifyLookups(w.circuit(), masks, proof);
        if (v.claims().size() != p.claims().size() || v.sumcheckMasks().size() != p.sumcheckMasks().size()
                || v.halfMasks().size() != p.halfMasks().size() || v.maskSegments().size() != p.maskSegments().size()) {
            throw new AssertionError("prover and verifier recorded different numbers of claims");
        }
        for (int i = 0; i < v.claims().size(); i++) {
            Claim a = v.claims().get(i), b = p.claims().get(i);
            if (a.tensor() != b.tensor() || !a.value().equals(b.value()) || !Arrays.equals(a.point(), b.point())) {
                throw new AssertionError("claim " + i + " differs between prover and verifier");
            }
        }
        String bad = falseClaim(v, w, masks);
        if (bad != null) {
            throw new AssertionError("honest lookups: false " + bad);
        }
        return v;
    }

    /** The zero-knowledge lookup stage's proof; {@code checkStatement} false proves a false statement as computed. */
    static byte[] proveLookups(WitnessValues w, Masks masks, Recorded rec, boolean checkStatement) {
        return prove(w, masks, rec, ctx -> {
            Ext3 alpha = ctx.transcript().challengeExt("lookup-alpha");
            Ext3 beta = ctx.transcript().challengeExt("lookup-beta");
            ZkLookupProving.prove(ctx, masks.lookups(w.circuit()), alpha, beta, checkStatement);
        });
    }

    static Recorded verifyLookups(Circuit c, Masks masks, byte[] proof) throws InvalidProofException {
        return verify(c, masks, proof, ctx -> {
            Ext3 alpha = ctx.transcript().challengeExt("lookup-alpha");
            Ext3 beta = ctx.transcript().challengeExt("lookup-beta");
            dev.zkinfer.circuit.ZkLookups.verify(ctx, alpha, beta);
        });
    }

    /** Merges several claims on one tensor into one (a step that may reject). */
    private interface Merge {
        Claim apply(int tensor, List<Claim> claims) throws InvalidProofException;
    }

    /** A layer's prover or verifier on its (merged) output claims. */
    private interface LayerStep {
        void apply(Layer layer, Claim[] merged) throws InvalidProofException;
    }

    /** The requantizations' batched sumcheck, on their derived excesses' (merged) claims (null where a layer has none). */
    private interface BatchStep {
        void apply(int[] batched, Claim[] excessClaims) throws InvalidProofException;
    }

    /**
     * As the drivers run it: the requantizations' batch first (dev.zkinfer.circuit.RequantZeroChecks), then the
     * other layers from the last to the first, each on its pending output claims, several merged first.
     */
    private static void layerPass(Circuit c, java.util.Map<Integer, List<Claim>> pending, Merge merge, BatchStep batch, LayerStep step)
            throws InvalidProofException {
        List<Layer> layers = c.layers();
        int[] batched = dev.zkinfer.circuit.RequantZeroChecks.batched(c, true);
        boolean[] skip = new boolean[layers.size()];
        Claim[] excess = new Claim[batched.length];
        for (int j = 0; j < batched.length; j++) {
            skip[batched[j]] = true;
            for (int out : layers.get(batched[j]).outputs()) {
                List<Claim> cs = pending.remove(out);
                excess[j] = cs == null ? null : cs.size() == 1 ? cs.get(0) : merge.apply(out, cs);
            }
        }
        batch.apply(batched, excess);
        for (int li = layers.size() - 1; li >= 0; li--) {
            if (skip[li]) {
                continue;
            }
            Layer layer = layers.get(li);
            int[] outs = layer.outputs();
            Claim[] merged = new Claim[outs.length];
            for (int o = 0; o < outs.length; o++) {
                List<Claim> cs = pending.remove(outs[o]);
                merged[o] = cs == null ? null : cs.size() == 1 ? cs.get(0) : merge.apply(outs[o], cs);
            }
            step.apply(layer, merged);
        }
    }

    /** A public output's claim point, drawn as the drivers draw it. */
    private static Ext3[] outputPoint(Transcript t, int n) {
        Ext3[] r = new Ext3[n];
        for (int k = 0; k < n; k++) {
            r[k] = t.challengeExt("output-point");
        }
        return r;
    }

    /** Every 8-byte element changed, truncations, an extension and a false output claim: each rejected or caught by the openings. */
    static void tamperEveryElement(Layer layer, WitnessValues w, Masks masks, long seed) throws InvalidProofException {
        Claim[] out = outputClaims(layer, w, masks, new SplittableRandom(seed));
        int used = masks.sumchecks.size();
        byte[] proof = prove(layer, out, w, masks, Recorded.empty());
        List<SumcheckMask> honestMasks = new ArrayList<>(masks.sumchecks.subList(used, masks.sumchecks.size()));
        Masks view = new MasksView(masks, honestMasks);
        for (int off = 0; off < proof.length; off += 8) {
            assertRejectedOrFalse(layer, out, w, view, LayerSoundness.withElementIncremented(proof, off), "element at byte " + off);
        }
        for (int cut : new int[] {1, 8, proof.length}) {
            byte[] shortP = Arrays.copyOf(proof, proof.length - cut);
            try {
                verify(layer, out, w.circuit(), view, shortP);
                throw new AssertionError("truncated by " + cut + " bytes: accepted");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        if (out.length > 0) { // a layer that reduces claims on its output (a zero-check layer has none)
            Claim[] wrong = out.clone();
            wrong[0] = new Claim(out[0].tensor(), out[0].point(), out[0].value().add(1));
            assertRejectedOrFalse(layer, wrong, w, view, proof, "false output claim");
        }
    }

    /**
     * A cheating prover that runs a zero-check layer honestly on a wrong witness (one the layer's
     * relation does not allow): rejected, or some emitted claim is false for what it committed.
     */
    static void assertWrongWitnessCaught(Layer layer, Circuit circuit, WitnessValues bad, Masks masks, String what) {
        byte[] proof = prove(layer, new Claim[0], bad, masks, Recorded.empty());
        Recorded r;
        try {
            r = verify(layer, new Claim[0], circuit, masks, proof);
        } catch (InvalidProofException expected) {
            return; // the masked zero-check's sum is not zero
        }
        if (falseClaim(r, bad, masks) == null) {
            throw new AssertionError(what + " accepted with true claims");
        }
    }

    /** The same tensor masks, with the sumcheck masks of one proof. */
    private static final class MasksView extends Masks {
        private final Masks base;

        MasksView(Masks base, List<SumcheckMask> sumchecks) {
            super(0, base.delta, base.unmasked);
            this.base = base;
            this.sumchecks.addAll(sumchecks);
            this.lookups = base.lookups;
        }

        @Override
        TensorMask tensor(int t) {
            return base.tensor(t);
        }
    }

    private static void assertRejectedOrFalse(Layer layer, Claim[] out, WitnessValues w, Masks masks, byte[] proof, String what) {
        Recorded rec;
        try {
            rec = verify(layer, out, w.circuit(), masks, proof);
        } catch (InvalidProofException e) {
            return;
        }
        if (falseClaim(rec, w, masks) == null) {
            throw new AssertionError(what + ": verifier accepted and every claim and mask value holds");
        }
    }
}

package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Integrity mode: the zero-checks of all requantizations that define no output (the limb clamp and the
 * table clamp without derived excess, {@link RequantLayer}) as ONE sumcheck, before the layer loop
 * (since proof version 19; before, one zero-check sumcheck per layer, about 900 bytes each on GPT-2).
 * Such a layer's zero-check depends on no incoming claim: it only emits claims on its operands, so it
 * can run before every layer. Zero-knowledge proofs batch every requantization, derived excesses
 * included, as one masked sumcheck (since proof version 22; "Zero-knowledge mode" below).
 *
 * <h2>Statement</h2>
 * The batched layers l = 0, 1, ..., m − 1 are the circuit's requantizations without derived excess in
 * the layer loop's order (last layer first); layer l's tensors have n_l variables, L = max_l n_l. With
 * τ ∈ GF(p^3)^L, one challenge γ, and layer l's coefficients c0 = γ^(3l), c1 = γ^(3l+1), c2 = γ^(3l+2),
 * the prover shows
 * <pre>
 *   Σ_l Σ_{i ∈ {0,1}^n_l} eq(τ_{&lt;n_l}, i)·B_l(i) = 0,
 *   B_l = c0·(x·K + 2^(S−1) − q·2^S − r) + c1·dp·(hi − y) + c2·dn·(y − lo)
 * </pre>
 * (the bracket of {@link RequantLayer#summand}; the c1, c2 terms with the limb clamp only) as one
 * sumcheck over L variables of degree 3 in which layer l's polynomial is summed in the first n_l
 * variables and weighs 2^−(L−n_l) in the others: the prover's work is each layer's own, no table is
 * stretched to 2^L, and the final value is Σ_l 2^−(L−n_l)·eq(τ_{&lt;n_l}, ρ_{&lt;n_l})·B_l(ρ_{&lt;n_l}) at
 * the sumcheck's point ρ.
 *
 * <p>Soundness: if some layer's constraint fails at some index, its term's multilinear extension is a
 * nonzero polynomial, nonzero at τ's prefix except with probability n_l/|GF(p^3)|; the whole is then a
 * nonzero polynomial of degree at most 3m − 1 in γ, zero except with probability 3m/|GF(p^3)|; the
 * sumcheck adds 3L/|GF(p^3)|. With GPT-2 small (m ≈ 470, L = 16) all of this is below 2^−180.
 *
 * <h2>Transcript and wire format</h2>
 * Nothing when no layer is batched. Else, after the output claims and before the layer loop
 * (ProofProtocol): domain {@value #DOMAIN}; τ_0..τ_{L−1} ("requant/tau"); γ ("requant/batch"); the
 * sumcheck ({@link SumcheckVerifier}: claimed sum 0, L rounds of degree 3); then, for each batched layer
 * in order, the evaluations at ρ_{&lt;n_l} of its {@link RequantLayer#operands()} in that order (GF(p^3)
 * each), all absorbed at once as "requant/evals". The verifier recomputes the final value from them
 * and emits each layer's claims, in that order, at ρ_{&lt;n_l}. Those layers are then skipped in the
 * layer loop; the claims on their inputs x (computed by earlier layers, which the loop visits later)
 * wait there for x's producer.
 *
 * <h2>Zero-knowledge mode</h2>
 * The batch is every requantization (in the same order). A derived excess's claims come from the lookup
 * stage only, which precedes the batch, so its definition's sumcheck (RequantLayer, "Derived excess") needs
 * no layer of the loop either: the drivers take e's pending claims before the batch (merged by
 * {@link ZkSteps#merge} when there are several, as the loop would) and the loop skips every requantization.
 * After the domain, τ and γ as above, with layer l's coefficients c0, c1, c2 = γ^(3l), γ^(3l+1), γ^(3l+2), one
 * masked sumcheck ({@link ZkSteps#sumcheck}, docs/zero-knowledge.md §3.1–3.2) over L variables proves
 * <pre>
 *   Σ_{l zero-check} Σ_i eq(τ_{&lt;n_l}, i)·B_l(i) + Σ_{l derived} c0_l·Σ_i eq(p_l, i)·D_l(i) = Σ_{l derived} c0_l·2^S_l·v_l,
 *   D_l = x·K + 2^(S−1) − r − 2^S·y,
 * </pre>
 * over the masked operands (x̂, ŷ, the limbs' masks recombined, the excess or the overflow limbs), where
 * ê_l(p_l) = v_l is the claim on layer l's excess; the target carries each ê_l's mask term with
 * coefficient c0_l·2^S_l, removed through w. Each part is summed in its first n_l variables and weighs
 * 2^−(L−n_l) after them (the prover's {@code BatchedRounds}). Round degrees: 3, and in the round n_l − 1 that
 * binds layer l's last variable at least its own masked last-round degree ({@link #zeroKnowledgeDegrees}:
 * the masks enter there, Z's X(1 − X) vanishing while a part's variable is still summed over {0, 1}); the
 * circuit and the key's δ fix them, so the key's mask pool ({@link ZkLayout}) holds exactly this one mask
 * for all requantizations. Then the masked evaluations of every layer's operands at ρ_{&lt;n_l}, absorbed at
 * once as "requant/evals"; the verifier checks Σ_l 2^−(L−n_l)·[eq(τ_{&lt;n_l}, ρ_{&lt;n_l})·B_l or
 * c0_l·eq(p_l, ρ_{&lt;n_l})·D_l](ρ_{&lt;n_l}) against the sumcheck's final value and emits the claims.
 *
 * <p>Soundness: a failing zero-check or a false v_l (v_l ≠ the definition's extension at p_l plus the
 * committed mask term) makes the two sides differ by a nonzero polynomial in γ of degree ≤ 3m − 1 (after
 * τ, as above), so the error is that of integrity mode's batch plus the masked sumcheck's (Σ_i d_i + 1)/|E|
 * (§3.1). Zero knowledge: one sumcheck mask covering all the rounds (its degrees those of the rounds it
 * masks) makes the round polynomials uniform given the final value (Libra's argument, §3.1); each revealed
 * operand value is a consumer claim counted in its tensor's δ, each excess reveals R_e(p_0, w*) as before;
 * the batch reveals nothing a per-layer proof did not, and fewer mask values (one γ instead of one per layer).
 *
 * <p>Stateless and thread-safe.
 */
public final class RequantZeroChecks {
    public static final String DOMAIN = "zkinfer/requant-zero-checks/v1";

    private RequantZeroChecks() {}

    /**
     * The indices of the layers whose sumchecks are batched, in the layer loop's order (last layer
     * first): in integrity mode the requantizations without derived excess, in zero-knowledge mode
     * every requantization (a derived excess's claim comes from the lookup stage, which precedes the batch).
     */
    public static int[] batched(Circuit circuit, boolean zeroKnowledge) {
        List<Layer> layers = circuit.layers();
        List<Integer> out = new ArrayList<>();
        for (int li = layers.size() - 1; li >= 0; li--) {
            if (layers.get(li) instanceof RequantLayer r && (zeroKnowledge || !r.derivedExcess())) {
                out.add(li);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The largest number of variables of the batched layers (0 when there is none). */
    public static int numVars(Circuit circuit, int[] batched) {
        int l = 0;
        for (int li : batched) {
            l = Math.max(l, numVars(circuit, (RequantLayer) circuit.layers().get(li)));
        }
        return l;
    }

    /** The operand evaluations the batch sends: every batched layer's operands, in order. */
    public static int evaluationCount(Circuit circuit, int[] batched) {
        int total = 0;
        for (int li : batched) {
            total += ((RequantLayer) circuit.layers().get(li)).operands().length;
        }
        return total;
    }

    /** A requantization's number of variables: its output's. */
    public static int numVars(Circuit circuit, RequantLayer l) {
        return circuit.tensor(l.y()).layout().numVars();
    }

    /** The batch's challenges: τ (L coordinates) and γ, drawn after the domain. */
    public record Challenges(Ext3[] tau, Ext3 gamma) {
        /** Layer l's coefficients c0, c1, c2 (the l-th batched layer): γ^(3l), γ^(3l+1), γ^(3l+2). */
        public Ext3[][] coefficients(int layers) {
            Ext3[][] c = new Ext3[layers][3];
            Ext3 g = Ext3.ONE;
            for (int l = 0; l < layers; l++) {
                for (int k = 0; k < 3; k++) {
                    c[l][k] = g;
                    g = g.mul(gamma);
                }
            }
            return c;
        }
    }

    /** The domain, τ and γ (prover and verifier alike). */
    public static Challenges challenges(Transcript t, int numVars) {
        t.domain(DOMAIN);
        Ext3[] tau = new Ext3[numVars];
        for (int i = 0; i < numVars; i++) {
            tau[i] = t.challengeExt("requant/tau");
        }
        return new Challenges(tau, t.challengeExt("requant/batch"));
    }

    /**
     * Zero-knowledge: the per-round degrees of the batch's masked sumcheck over L variables (before the
     * round of w): 3, and in the round that binds a layer's last variable (n_l − 1) at least that layer's
     * own last-round degree with its masked operands ({@link RequantLayer#zeroKnowledgeDegree},
     * {@link RequantLayer#derivedDegrees}; each operand's x_0 is the batch's variable 0). {@code delta}
     * gives each tensor's mask degree (−1: not masked). Shared by prover, verifier and the pool's bound
     * ({@link ZkLayout}).
     */
    public static int[] zeroKnowledgeDegrees(Circuit circuit, int[] batched, java.util.function.IntUnaryOperator delta) {
        int[] d = SumcheckVerifier.uniformDegrees(numVars(circuit, batched), 3);
        for (int li : batched) {
            RequantLayer l = (RequantLayer) circuit.layers().get(li);
            int n = numVars(circuit, l);
            if (n == 0) {
                continue; // refused by the batch itself (a one-element tensor cannot be masked)
            }
            java.util.function.IntUnaryOperator factor = t -> {
                int dl = delta.applyAsInt(t);
                return dl < 0 ? 1 : ZkSteps.maskedFactorDegree(0, n, dl);
            };
            int[] own = l.derivedExcess() ? l.derivedDegrees(factor, n) : ZkSteps.lastRoundRaised(n, 3, l.zeroKnowledgeDegree(factor));
            for (int i = 0; i < n; i++) {
                d[i] = Math.max(d[i], own[i]);
            }
        }
        return d;
    }

    /** The batched zero-check (see the class javadoc); nothing when {@code batched} is empty. Integrity mode only. */
    public static void verify(VerifierContext ctx, int[] batched) throws InvalidProofException {
        verify(ctx, batched, new Claim[batched.length]);
    }

    /**
     * The batch (see the class javadoc); nothing when {@code batched} is empty. {@code excessClaims[j]}:
     * the (merged) claim on the j-th batched layer's derived excess, null for a layer without one (every
     * layer of an integrity-mode batch).
     */
    public static void verify(VerifierContext ctx, int[] batched, Claim[] excessClaims) throws InvalidProofException {
        if (batched.length == 0) {
            return;
        }
        Circuit circuit = ctx.circuit();
        boolean zk = ctx.zeroKnowledge();
        int numVars = numVars(circuit, batched);
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            if (zk && numVars(circuit, l) == 0) {
                throw new IllegalStateException("zero-knowledge mode cannot mask one-element tensors (Requant)");
            }
            Claim claim = excessClaims[j];
            // the clamp lookup always claims the excess; without a claim the definition would go unchecked
            if (l.derivedExcess() && (!zk || claim == null || claim.tensor() != l.excess() || claim.point().length != numVars(circuit, l))) {
                throw new InvalidProofException("Requant layer: no claim on the derived excess");
            }
        }
        int[] degrees = zk ? zeroKnowledgeDegrees(circuit, batched, ctx::tensorMaskDegree) : null;
        Challenges ch = challenges(ctx.transcript(), numVars);
        Ext3[][] c = ch.coefficients(batched.length);
        SumcheckClaim sc;
        if (zk) {
            // the derived excesses' claims are the target, their masks' terms removed through w
            Ext3 target = Ext3.ZERO;
            List<ZkSteps.Term> terms = new ArrayList<>();
            for (int j = 0; j < batched.length; j++) {
                RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
                if (l.derivedExcess()) {
                    Ext3 coefficient = c[j][0].mul(1L << l.commonShift());
                    target = target.add(coefficient.mul(excessClaims[j].value()));
                    if (ctx.tensorMaskDegree(l.excess()) >= 0) {
                        terms.add(new ZkSteps.Term(l.excess(), coefficient, excessClaims[j].point()));
                    }
                }
            }
            var res = ZkSteps.sumcheck(ctx, target, terms.toArray(new ZkSteps.Term[0]), degrees);
            sc = new SumcheckClaim(res.point(), res.value());
        } else {
            sc = SumcheckVerifier.verify(Ext3.ZERO, numVars, 3, ctx.proof(), ctx.transcript());
        }
        Ext3[] rho = sc.point();
        int total = evaluationCount(circuit, batched);
        long[] raw = ctx.proof().exts("requant evaluations", total);
        ctx.transcript().absorbExts("requant/evals", raw, 0, total);
        Ext3 expected = Ext3.ZERO;
        Ext3[][] evals = new Ext3[batched.length][];
        int at = 0;
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            int n = numVars(circuit, l);
            Ext3[] pt = java.util.Arrays.copyOf(rho, n);
            Ext3[] ev = new Ext3[l.operands().length];
            for (int i = 0; i < ev.length; i++) {
                ev[i] = Ext3.get(raw, at++);
            }
            evals[j] = ev;
            Ext3 kAt = l.multiplierAt(ctx.layout(l.y()), pt);
            Ext3 part = l.derivedExcess()
                    ? c[j][0].mul(Mle.eq(excessClaims[j].point(), pt)).mul(l.derivedSummand(kAt, ev))
                    : l.summand(c[j][0], c[j][1], c[j][2], kAt, ev).mul(Mle.eq(java.util.Arrays.copyOf(ch.tau(), n), pt));
            expected = expected.add(part.mul(MaskedSumcheck.inversePowerOfTwo(numVars - n)));
        }
        if (!expected.equals(sc.value())) {
            throw new InvalidProofException(zk
                    ? "Requant layers: the shift/clamp constraints or a derived excess's definition do not hold at the batched sumcheck's point"
                    : "Requant layers: the shift/clamp constraints do not hold at the batched sumcheck's point");
        }
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            Ext3[] pt = java.util.Arrays.copyOf(rho, numVars(circuit, l));
            int[] ops = l.operands();
            for (int i = 0; i < ops.length; i++) {
                ctx.claim(ops[i], pt, evals[j][i]);
            }
        }
    }
}

package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.WitnessForm;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.circuit.ZkSteps;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.security.SecurityProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The blinded opening of a weight tensor's masked claim (docs/zero-knowledge.md §5,
 * {@code ZkSteps.modelClaim}): the linear claim it hands to the model opening holds exactly when
 * the claimed value is the weights' masked evaluation. The model opening is played by evaluating
 * the linear claim on the packed model table. In particular a prover cannot pass a false claimed
 * value v by adjusting the blinding evaluation s it sends: s is absorbed before κ, so the target
 * v + κ·s misses the true sum W̃(p) + κ·B̃l(q). (The first version drew κ before s; there the
 * shift s' = s + (W̃(p) − v)/κ made any v pass.)
 */
class ZkModelClaimTest {
    private final SplittableRandom rnd = new SplittableRandom(11);

    private Ext3 random() {
        return new Ext3(dev.zkinfer.field.Goldilocks.reduce(rnd.nextLong()), dev.zkinfer.field.Goldilocks.reduce(rnd.nextLong()),
                dev.zkinfer.field.Goldilocks.reduce(rnd.nextLong()));
    }

    /** Σ over the form's terms of weight(b)·table(offset + b): what the model opening checks the form's value against. */
    private static Ext3 evaluate(WitnessForm form, long[] table) {
        Ext3 sum = Ext3.ZERO;
        for (WitnessForm.Term t : form.terms()) {
            long[] wt = t.weight().table();
            for (int b = 0; b < wt.length / 3; b++) {
                sum = sum.add(Ext3.get(wt, b).mul(new Ext3(table[(int) t.offset() + b], 0, 0)));
            }
        }
        return sum;
    }

    @Test
    void aFalseWeightEvaluationDoesNotPassWhateverBlindingValueIsSent() throws InvalidProofException {
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 8), TensorRole.INPUT);
        int wt = cb.tensor("w", TensorLayout.of(4, 8), TensorRole.MODEL);
        int y = cb.tensor("y", TensorLayout.of(2, 4), TensorRole.COMPUTED);
        Circuit c = cb.layer(new LinearLayer(x, wt, -1, y)).build(x, y);
        int proofs = 4;
        ZkLayout.ModelHiding hiding = VerifyingKey.modelHiding(SecurityProfile.DEFAULT, c, proofs);
        CommittedLayout layout = hiding.layout();
        int bl = ZkLayout.blindingBlock(c);
        WitnessValues w = new WitnessValues(c);
        long[] weights = new long[32];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = dev.zkinfer.field.Goldilocks.fromSigned(rnd.nextInt(255) - 127);
        }
        w.put(wt, weights);
        Map<Integer, long[]> mv = new HashMap<>();
        mv.put(wt, weights);
        long[] blinding = new long[1 << layout.blocks(bl).get(0).numVars()];
        for (int i = 0; i < blinding.length; i++) {
            blinding[i] = dev.zkinfer.field.Goldilocks.reduce(rnd.nextLong());
        }
        mv.put(bl, blinding);
        long[] table = layout.pack(mv);

        Ext3[] p = {random(), random(), random(), random(), random()};
        Ext3 v = new ZkLayerHarness.Masks(5, 0, Set.of(x, y)).masked(w, wt, p);
        int checked = 0;
        for (Ext3 lie : new Ext3[] {Ext3.ZERO, Ext3.ONE, random()}) {
            Claim claimed = new Claim(wt, p, v.add(lie));
            for (boolean adjust : new boolean[] {false, true}) {
                // each proof its own masks (the same seed: the same tensor mask, drawn first)
                ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(5, 0, Set.of(x, y));
                assertEquals(v, masks.masked(w, wt, p));
                // the cheater's shift: the one that cancels the lie for the κ that follows the honest
                // s (the transcript up to κ replayed: domain, q, s); it would pass if κ did not depend on s
                Ext3 shift = Ext3.ZERO;
                if (adjust && !lie.equals(Ext3.ZERO)) {
                    Ext3[] kappa = new Ext3[1];
                    ZkLayerHarness.prove(w, masks, ZkLayerHarness.Recorded.empty(), ctx -> {
                        var t = ctx.transcript();
                        t.domain(ZkSteps.MODEL_DOMAIN);
                        Ext3[] q = new Ext3[layout.blocks(bl).get(0).numVars()];
                        for (int i = 0; i < q.length; i++) {
                            q[i] = t.challengeExt("zk-model/q");
                        }
                        t.absorbExt("zk-model/blinding", dev.zkinfer.poly.Mle.evaluate(blinding, q));
                        kappa[0] = t.challengeExt("zk-model/kappa");
                    });
                    shift = lie.neg().mul(kappa[0].inv());
                }
                Ext3 sh = shift;
                ZkLayerHarness.Recorded rec = ZkLayerHarness.Recorded.empty();
                WitnessForm[] proverForm = new WitnessForm[1];
                byte[] proof = ZkLayerHarness.prove(w, masks, rec, ctx -> proverForm[0] = ZkProving.modelClaims(ctx, java.util.List.of(claimed), layout, bl, table, sh));
                WitnessForm[] verifierForm = new WitnessForm[1];
                ZkLayerHarness.Recorded vr = ZkLayerHarness.verify(c, masks, proof,
                        ctx -> verifierForm[0] = ZkSteps.modelClaims(ctx, java.util.List.of(claimed), layout, bl));
                // every mask value the step revealed is the committed masks' (what the witness opening checks)
                assertNull(ZkLayerHarness.falseClaim(vr, w, masks), "mask claims");
                boolean opens = evaluate(verifierForm[0], table).equals(verifierForm[0].value());
                if (lie.equals(Ext3.ZERO)) {
                    assertTrue(opens, "the honest blinded opening's linear claim holds on the model table");
                } else {
                    assertFalse(opens, "a false weight evaluation passed (lie " + lie + ", s adjusted: " + adjust + ")");
                }
                checked++;
            }
        }
        assertEquals(6, checked);
    }

    /**
     * One blinded opening for every weight tensor (ZkSteps.modelClaims): with two tensors of
     * different sizes, the honest claims give a linear claim that holds on the model table, and a
     * false evaluation of either tensor, with the honest s or with s shifted to cancel it for the
     * κ and β that the honest s gives, gives one that does not.
     */
    @Test
    void oneBlindedOpeningForSeveralTensorsCatchesAFalseEvaluationOfAny() throws InvalidProofException {
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 8), TensorRole.INPUT);
        int w1 = cb.tensor("w1", TensorLayout.of(4, 8), TensorRole.MODEL);
        int h = cb.tensor("h", TensorLayout.of(2, 4), TensorRole.COMPUTED);
        int w2 = cb.tensor("w2", TensorLayout.of(2, 4), TensorRole.MODEL);
        int y = cb.tensor("y", TensorLayout.of(2, 2), TensorRole.COMPUTED);
        Circuit c = cb.layer(new LinearLayer(x, w1, -1, h)).layer(new LinearLayer(h, w2, -1, y)).build(x, y);
        ZkLayout.ModelHiding hiding = VerifyingKey.modelHiding(SecurityProfile.DEFAULT, c, 4);
        CommittedLayout layout = hiding.layout();
        int bl = ZkLayout.blindingBlock(c);
        WitnessValues w = new WitnessValues(c);
        Map<Integer, long[]> mv = new HashMap<>();
        for (int t : new int[] {w1, w2}) {
            long[] weights = new long[1 << c.tensor(t).layout().numVars()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = dev.zkinfer.field.Goldilocks.fromSigned(rnd.nextInt(255) - 127);
            }
            w.put(t, weights);
            mv.put(t, weights);
        }
        int b = layout.blocks(bl).get(0).numVars();
        long[] blinding = new long[1 << b];
        for (int i = 0; i < blinding.length; i++) {
            blinding[i] = dev.zkinfer.field.Goldilocks.reduce(rnd.nextLong());
        }
        mv.put(bl, blinding);
        long[] table = layout.pack(mv);
        Ext3[] p1 = {random(), random(), random(), random(), random()};
        Ext3[] p2 = {random(), random(), random()};
        // every proof the same masks, w1's drawn before w2's (the prover's order), then the sumcheck's
        java.util.function.Supplier<ZkLayerHarness.Masks> fresh = () -> new ZkLayerHarness.Masks(9, 0, Set.of(x, y));
        ZkLayerHarness.Masks first = fresh.get();
        Ext3 v1 = first.masked(w, w1, p1), v2 = first.masked(w, w2, p2);
        int checked = 0;
        for (int liar = -1; liar < 2; liar++) {
            for (boolean adjust : new boolean[] {false, true}) {
                if (liar < 0 && adjust) {
                    continue;
                }
                Ext3 lie = liar < 0 ? Ext3.ZERO : random();
                java.util.List<Claim> claims = java.util.List.of(new Claim(w1, p1, liar == 0 ? v1.add(lie) : v1),
                        new Claim(w2, p2, liar == 1 ? v2.add(lie) : v2));
                Ext3 shift = Ext3.ZERO;
                if (adjust) {
                    // the shift that cancels the lie for the κ and β the honest s gives (replayed transcript)
                    Ext3[] kb = new Ext3[2];
                    ZkLayerHarness.prove(w, fresh.get(), ZkLayerHarness.Recorded.empty(), ctx -> {
                        var t = ctx.transcript();
                        t.domain(ZkSteps.MODEL_DOMAIN);
                        Ext3[] q = new Ext3[b];
                        for (int i = 0; i < b; i++) {
                            q[i] = t.challengeExt("zk-model/q");
                        }
                        t.absorbExt("zk-model/blinding", dev.zkinfer.poly.Mle.evaluate(blinding, q));
                        kb[0] = t.challengeExt("zk-model/kappa");
                        kb[1] = t.challengeExt("zk-model/beta");
                    });
                    shift = lie.neg().mul(liar == 0 ? Ext3.ONE : kb[1]).mul(kb[0].inv());
                }
                Ext3 sh = shift;
                ZkLayerHarness.Masks masks = fresh.get();
                assertEquals(v1, masks.masked(w, w1, p1));
                assertEquals(v2, masks.masked(w, w2, p2));
                WitnessForm[] verifierForm = new WitnessForm[1];
                byte[] proof = ZkLayerHarness.prove(w, masks, ZkLayerHarness.Recorded.empty(),
                        ctx -> ZkProving.modelClaims(ctx, claims, layout, bl, table, sh));
                ZkLayerHarness.Recorded vr = ZkLayerHarness.verify(c, masks, proof,
                        ctx -> verifierForm[0] = ZkSteps.modelClaims(ctx, claims, layout, bl));
                assertNull(ZkLayerHarness.falseClaim(vr, w, masks), "mask claims");
                assertEquals(2, vr.tensorMasks().size(), "one revealed mask value per weight tensor");
                assertEquals(1, vr.sumcheckMasks().size(), "one sumcheck for both tensors");
                boolean opens = evaluate(verifierForm[0], table).equals(verifierForm[0].value());
                assertEquals(liar < 0, opens, "liar " + liar + ", s adjusted: " + adjust);
                checked++;
            }
        }
        assertEquals(5, checked);
    }
}

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
                byte[] proof = ZkLayerHarness.prove(w, masks, rec, ctx -> proverForm[0] = ZkProving.modelClaim(ctx, claimed, layout, bl, table, sh));
                WitnessForm[] verifierForm = new WitnessForm[1];
                ZkLayerHarness.Recorded vr = ZkLayerHarness.verify(c, masks, proof,
                        ctx -> verifierForm[0] = ZkSteps.modelClaim(ctx, claimed, layout, bl));
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
}

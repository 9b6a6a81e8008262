package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.ZkSteps;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Merging several masked claims on one tensor in zero-knowledge mode (docs/zero-knowledge.md §3.2). */
class ClaimMergeZkTest {
    private static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    @ParameterizedTest(name = "dims={0}x{1} claims={2} delta={3} masked={4}")
    @CsvSource({"3,5,2,2,true", "2,2,3,3,true", "1,2,2,2,true", "4,4,4,4,true", "3,5,2,0,false"})
    void mergesAndCatchesEveryTampering(int d0, int d1, int k, int delta, boolean masked) throws Exception {
        Circuit.Builder cb = new Circuit.Builder();
        TensorLayout l = TensorLayout.of(d0, d1);
        int x = cb.tensor("x", l, TensorRole.INPUT);
        int y = cb.tensor("y", l, TensorRole.COMPUTED);
        Circuit c = cb.layer(new dev.zkinfer.circuit.ElementwiseLinearLayer(new int[] {x}, new long[] {1}, 0, y)).build(x, y);
        WitnessValues w = new WitnessValues(c);
        SplittableRandom rnd = new SplittableRandom(d0 * 31L + d1 + k);
        w.put(x, LayerSoundness.randomPadded(l, rnd, 1000));
        LayerHarness.computeWitness(c, w);
        ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(5, delta, masked ? Set.of() : Set.of(y));
        List<Claim> claims = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            Ext3[] p = new Ext3[l.numVars()];
            for (int i = 0; i < p.length; i++) {
                p[i] = randomExt(rnd);
            }
            claims.add(new Claim(y, p, masks.masked(w, y, p)));
        }
        ZkLayerHarness.Recorded pr = ZkLayerHarness.Recorded.empty();
        byte[] proof = ZkLayerHarness.prove(w, masks, pr, ctx -> {
            Claim m = ZkProving.merge(ctx, y, claims, w.get(y));
            ctx.claim(m.tensor(), m.point(), m.value());
        });
        ZkLayerHarness.VerifierStep step = ctx -> {
            Claim m = ZkSteps.merge(ctx, y, claims);
            ctx.claim(m.tensor(), m.point(), m.value());
        };
        ZkLayerHarness.Recorded vr = ZkLayerHarness.verify(c, masks, proof, step);
        assertNull(ZkLayerHarness.falseClaim(vr, w, masks));
        assertEquals(pr.claims().get(0).value(), vr.claims().get(0).value());
        for (int off = 0; off < proof.length; off += 8) {
            byte[] bad = proof.clone();
            bad[off] ^= 1;
            try {
                ZkLayerHarness.Recorded r = ZkLayerHarness.verify(c, masks, bad, step);
                assertNotNull(ZkLayerHarness.falseClaim(r, w, masks), "byte " + off + " changed and everything still holds");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        assertThrows(InvalidProofException.class, () -> ZkLayerHarness.verify(c, masks, Arrays.copyOf(proof, proof.length - 8), step));
        // one input claim false: the merged claim (or a mask value) is false
        List<Claim> wrong = new ArrayList<>(claims);
        wrong.set(0, new Claim(y, claims.get(0).point(), claims.get(0).value().add(1)));
        try {
            ZkLayerHarness.Recorded r = ZkLayerHarness.verify(c, masks, proof, ctx -> {
                Claim m = ZkSteps.merge(ctx, y, wrong);
                ctx.claim(m.tensor(), m.point(), m.value());
            });
            assertNotNull(ZkLayerHarness.falseClaim(r, w, masks));
        } catch (InvalidProofException expected) {
            // rejected
        }
    }
}

package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tight packing of the model commitment: only real entries are committed, and a tensor's
 * MLE at any point is the eq-weighted sum of its blocks' evaluations, each of which is the
 * committed polynomial at the block's lifted point.
 */
class CommittedLayoutTest {
    static final List<TensorLayout> LAYOUTS = List.of(TensorLayout.of(64, 576), TensorLayout.of(10, 27), TensorLayout.of(512),
            TensorLayout.of(3, 5, 7), TensorLayout.of(1), TensorLayout.of(7, 7, 7, 7));

    static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    @Test
    void tensorEvaluationIsTheWeightedSumOfItsLiftedBlockEvaluations() {
        SplittableRandom rnd = new SplittableRandom(3);
        CommittedLayout layout = CommittedLayout.tight(LAYOUTS);
        Map<Integer, long[]> values = new HashMap<>();
        long committed = 0;
        for (int t = 0; t < LAYOUTS.size(); t++) {
            TensorLayout l = LAYOUTS.get(t);
            long[] v = new long[(int) l.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Goldilocks.fromSigned(rnd.nextInt(255) - 127);
            }
            values.put(t, l.pad(v, 0));
            committed += l.size();
        }
        long[] p = layout.pack(values);
        // 7⁴: three dimensions split (27 blocks), the fourth would exceed 64 blocks and stays padded to 8
        assertEquals(27, layout.blocks(5).size());
        committed += 7 * 7 * 7 * (8 - 7);
        // 64·576 + 10·27 + 512 + 105 + 1 + 7³·8 = 40,496 entries in 2^16 (padded per dimension: 2^17)
        assertEquals(Long.highestOneBit(committed - 1) * 2, p.length, "2^" + layout.numVars() + " for " + committed + " entries");
        for (int t = 0; t < LAYOUTS.size(); t++) {
            TensorLayout l = LAYOUTS.get(t);
            assertTrue(layout.blocks(t).size() <= CommittedLayout.MAX_BLOCKS_PER_TENSOR);
            Ext3[] rho = new Ext3[l.numVars()];
            for (int k = 0; k < rho.length; k++) {
                rho[k] = randomExt(rnd);
            }
            Ext3 sum = Ext3.ZERO;
            for (CommittedLayout.Block b : layout.blocks(t)) {
                Ext3 onP = Mle.evaluate(p, layout.lift(b, rho));
                sum = sum.add(layout.weight(b, rho).mul(onP));
            }
            assertEquals(Mle.evaluate(values.get(t), rho), sum, "tensor " + t + " " + l);
        }
        assertFalse(layout.isWhole(0), "576 = 512 + 64 is split");
        assertTrue(layout.isWhole(2), "a power of two is one block");
    }

    @Test
    void refusesNonZeroPadding() {
        CommittedLayout layout = CommittedLayout.tight(List.of(TensorLayout.of(3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layout.pack(Map.of(0, new long[] {1, 2, 3, 4})));
        assertTrue(e.getMessage().contains("non-zero padding"), e.getMessage());
    }
}

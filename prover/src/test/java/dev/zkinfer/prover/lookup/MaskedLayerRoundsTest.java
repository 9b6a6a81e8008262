package dev.zkinfer.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zero-knowledge layer reduction with its children held as two halves (the tree's left half with
 * its padding suffix skipped, the right half's few live leaves) sends the messages and ends in the
 * values of the reduction over the whole layer: the same proof bytes.
 */
class MaskedLayerRoundsTest {
    private static Ext3 random(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    /** A half of 2^logSize fractions whose first {@code live} are random, padding (0, 1) after. */
    private static FractionLayer half(SplittableRandom rnd, int logSize, int live) {
        FractionLayer h = new FractionLayer(logSize, live, false);
        for (int x = 0; x < live; x++) {
            Ext3.set(h.p, x, random(rnd));
            Ext3.set(h.q, x, random(rnd));
        }
        return h;
    }

    /** Σ_x eq(r, x)·[p_0q_1 + p_1q_0 + λ·q_0q_1](x) over the whole layer, entry by entry. */
    private static Ext3 layerSum(FractionLayer whole, Ext3[] r, Ext3 lambda) {
        Ext3 sum = Ext3.ZERO;
        int stored = whole.p.length / 3;
        for (int x = 0; x < 1 << r.length; x++) {
            Ext3 eq = Ext3.ONE;
            for (int l = 0; l < r.length; l++) {
                eq = eq.mul((x >>> l & 1) != 0 ? r[l] : Ext3.ONE.sub(r[l]));
            }
            Ext3[] pq = new Ext3[4];
            for (int b = 0; b < 2; b++) {
                int i = 2 * x + b;
                pq[b] = i < stored ? Ext3.get(whole.p, i) : Ext3.ZERO;
                pq[2 + b] = i < stored ? Ext3.get(whole.q, i) : Ext3.ONE;
            }
            sum = sum.add(eq.mul(pq[0].mul(pq[3]).add(pq[1].mul(pq[2])).add(lambda.mul(pq[2].mul(pq[3])))));
        }
        return sum;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 6, 9})
    void halvesHeldApartGiveTheWholeLayersMessages(int k) {
        SplittableRandom rnd = new SplittableRandom(31L * k);
        for (Backend backend : new Backend[] {Backends.scalar(), Backends.get()}) {
            for (int leftLive : new int[] {1, 2, 3, (1 << k) / 2 + 1, (1 << k) - 1, 1 << k}) {
                for (int rightLive : new int[] {1, 2}) {
                    FractionLayer left = half(rnd, k, Math.min(leftLive, 1 << k));
                    FractionLayer right = half(rnd, k, rightLive);
                    FractionLayer whole = FractionLayer.concat(left, right);
                    Ext3[] r = new Ext3[k];
                    for (int i = 0; i < k; i++) {
                        r[i] = random(rnd);
                    }
                    Ext3 lambda = random(rnd);
                    TensorMask[] masks = new TensorMask[4];
                    for (int h = 0; h < 4; h++) {
                        masks[h] = new TensorMask(new Ext3[] {random(rnd)}, new Ext3[] {random(rnd)});
                    }
                    MaskedLayerRounds held = new MaskedLayerRounds(backend.logUp(), whole, r.clone(), lambda, masks);
                    MaskedLayerRounds apart = new MaskedLayerRounds(backend.logUp(), left, right, r.clone(), lambda, masks);
                    Ext3 claim = layerSum(whole, r, lambda);
                    String what = "k " + k + ", live " + leftLive + " + " + rightLive + ", " + backend;
                    for (int i = 0; i < k; i++) {
                        long[] a = held.message(i, claim), b = apart.message(i, claim);
                        assertArrayEquals(a, b, what + ", round " + i);
                        Ext3 rho = random(rnd);
                        int d = a.length / 3;
                        Ext3[] values = new Ext3[d + 1];
                        values[0] = Ext3.get(a, 0);
                        values[1] = claim.sub(values[0]);
                        for (int x = 2; x <= d; x++) {
                            values[x] = Ext3.get(a, x - 1);
                        }
                        claim = Univariate.evaluate(values, rho);
                        held.bind(i, rho);
                        apart.bind(i, rho);
                    }
                    assertArrayEquals(held.finals(), apart.finals(), what + ": the children's values");
                    assertEquals(4, apart.finals().length);
                }
            }
        }
    }
}

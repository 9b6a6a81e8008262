package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One zero-knowledge proof's masks ({@link ZkLayout}), drawn before the witness is committed:
 * every mask block of the witness polynomial is filled with uniform base-field values, and the
 * tensor masks and sumcheck masks are read from those blocks, so the commitment binds exactly
 * the masks the proof uses. Used by the thread that runs the proof.
 */
final class ZkMasks {
    private final ZkLayout layout;
    private final Map<Integer, long[]> blocks = new HashMap<>();
    private final TensorMask[] tensorMasks;
    private final dev.zkinfer.prover.lookup.LogUpGkrProver.TreeMasks treeMasks;
    private final long[][] modelMaskParts;

    ZkMasks(VerifyingKey vk, RandomGenerator random) {
        this(vk, random, Map.of());
    }

    /**
     * @param fixedTensorMasks mask blocks drawn elsewhere, by tensor id: a committed input's R_I,
     *     which its input commitment holds too (docs/zero-knowledge.md §3.5)
     */
    ZkMasks(VerifyingKey vk, RandomGenerator random, Map<Integer, long[]> fixedTensorMasks) {
        this.layout = vk.zkLayout();
        Circuit c = vk.circuit();
        CommittedLayout wl = vk.witnessLayout();
        for (int s = 0; s < layout.poolBlocks(); s++) {
            int id = layout.poolBlock(s);
            blocks.put(id, uniform(1 << wl.blocks(id).get(0).numVars(), random));
        }
        // the model openings' mask parts S_a, where the witness holds them (docs/zero-knowledge.md §3.3 item 3)
        int[] modelMask = layout.modelMaskBlocks();
        modelMaskParts = new long[modelMask.length][];
        for (int a = 0; a < modelMask.length; a++) {
            // the witness holds S_a's monomial coefficients (uniform); the opening takes its hypercube values
            long[] coefficients = uniform(1 << wl.blocks(modelMask[a]).get(0).numVars(), random);
            blocks.put(modelMask[a], coefficients);
            modelMaskParts[a] = hypercubeValues(coefficients);
        }
        tensorMasks = new TensorMask[c.tensors().size()];
        for (int t = 0; t < tensorMasks.length; t++) {
            int delta = layout.delta(t);
            if (delta < 0) {
                continue;
            }
            int id = layout.maskBlock(t);
            long[] block = fixedTensorMasks.containsKey(t) ? fixedTensorMasks.get(t).clone()
                    : uniform(1 << wl.blocks(id).get(0).numVars(), random);
            if (block.length != 1 << wl.blocks(id).get(0).numVars()) {
                throw new IllegalArgumentException("a fixed mask block of the wrong size for tensor " + t);
            }
            blocks.put(id, block);
            int kBits = Integer.numberOfTrailingZeros(block.length) - 3;
            Ext3[] a = new Ext3[delta + 1], b = new Ext3[delta + 1];
            for (int k = 0; k <= delta; k++) {
                a[k] = coefficient(block, 0, k, 1, kBits);
                b[k] = coefficient(block, 1, k, 1, kBits);
            }
            tensorMasks[t] = new TensorMask(a, b);
        }
        // the lookup stage's own masks, drawn by it and written into their blocks
        treeMasks = ZkLookupProving.drawMasks(c, random);
        if (treeMasks != null) {
            TensorMask[][] halves = treeMasks.halves();
            for (int layer = 0; layer < halves.length; layer++) {
                for (int h = 0; halves[layer] != null && h < halves[layer].length; h++) {
                    long[] block = new long[1 << wl.blocks(layout.halfBlock(layer, h)).get(0).numVars()];
                    put(block, 0, halves[layer][h].a()[0], 1, 0);
                    put(block, 1, halves[layer][h].b()[0], 1, 0);
                    blocks.put(layout.halfBlock(layer, h), block);
                }
            }
            for (int side = 0; side < 2; side++) {
                long[] seg = treeMasks.segments()[side];
                int entries = seg.length / 3;
                long[] block = new long[4 * entries];
                for (int e = 0; e < entries; e++) {
                    block[e] = seg[3 * e];
                    block[entries + e] = seg[3 * e + 1];
                    block[2 * entries + e] = seg[3 * e + 2];
                }
                blocks.put(layout.segmentBlock(side), block);
            }
        }
    }

    /** A multilinear polynomial's hypercube values from its monomial coefficients (the subset-sum transform). */
    static long[] hypercubeValues(long[] coefficients) {
        long[] v = coefficients.clone();
        for (int bit = 1; bit < v.length; bit <<= 1) {
            for (int lo = 0; lo < v.length; lo += 2 * bit) {
                for (int b = lo + bit; b < lo + 2 * bit; b++) {
                    v[b] = dev.zkinfer.field.Goldilocks.add(v[b], v[b - bit]);
                }
            }
        }
        return v;
    }

    /** Writes v's components at entry (i, k) of a block laid out as {@link #coefficient} reads it. */
    private static void put(long[] block, int i, Ext3 v, int iBits, int kBits) {
        int stride = 1 << (iBits + kBits);
        int e = (i << kBits);
        block[e] = v.c0;
        block[stride + e] = v.c1;
        block[2 * stride + e] = v.c2;
    }

    /** The model opening's mask parts S_a whose monomial coefficients the witness holds, as hypercube values; none where it holds none ({@link ZkLayout#modelMaskBlocks()}). */
    long[][] modelMaskParts() {
        return modelMaskParts;
    }

    /** The lookup stage's tree masks (null without lookups). */
    dev.zkinfer.prover.lookup.LogUpGkrProver.TreeMasks treeMasks() {
        return treeMasks;
    }

    /** Component j of entry (i, k) is at ((j·2^iBits + i)·2^kBits + k). */
    private static Ext3 coefficient(long[] block, int i, int k, int iBits, int kBits) {
        int stride = 1 << (iBits + kBits);
        int e = (i << kBits) + k;
        return new Ext3(block[e], block[stride + e], block[2 * stride + e]);
    }

    private static long[] uniform(int n, RandomGenerator random) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = SumcheckProver.uniformBase(random);
        }
        return v;
    }

    /** The witness values of every mask block, by block id. */
    Map<Integer, long[]> blocks() {
        return blocks;
    }

    /** Tensor T's mask, or null when T is not masked. */
    TensorMask tensorMask(int tensor) {
        return tensorMasks[tensor];
    }

    /**
     * The sumcheck mask at {@code place} in the pool: c_{i,k}'s component j at entry
     * {@link ZkLayout#poolEntry}(place, Σ_{i'&lt;i}(d_{i'} + 1) + k, j), where the verifier's weights put it.
     */
    SumcheckMask sumcheckMask(ZkLayout.MaskPlace place) {
        long[] block = blocks.get(place.block());
        int[] d = place.degrees();
        Ext3[][] c = new Ext3[d.length][];
        for (int i = 0, n = 0; i < d.length; i++) {
            c[i] = new Ext3[d[i] + 1];
            for (int k = 0; k <= d[i]; k++, n++) {
                c[i][k] = new Ext3(block[ZkLayout.poolEntry(place, n, 0)], block[ZkLayout.poolEntry(place, n, 1)],
                        block[ZkLayout.poolEntry(place, n, 2)]);
            }
        }
        return new SumcheckMask(c);
    }
}

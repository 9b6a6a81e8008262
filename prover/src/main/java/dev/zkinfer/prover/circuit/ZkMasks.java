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
        // Every uniform block in one draw, sliced in the order the blocks were drawn one by one before (the
        // pool, the model openings' mask parts, the tensor masks by tensor): the same values from the same
        // generator. The loops here copy and read. With the draws inside its loops, C2 compiled this
        // constructor (on-stack, then whole, after a few hundred proofs) with the keystream inlined in 0.66 and
        // 0.81 s; drawing here, 0.37 and 0.36 s (JFR compilation events of scratch prove loops of 300 and 550 proofs).
        int[] pool = new int[layout.poolBlocks()];
        int[] modelMask = layout.modelMaskBlocks();
        int[] drawn = new int[pool.length + modelMask.length + c.tensors().size()];
        int n = 0;
        for (int s = 0; s < pool.length; s++) {
            pool[s] = layout.poolBlock(s);
            drawn[n++] = pool[s];
        }
        for (int id : modelMask) {
            drawn[n++] = id;
        }
        for (int t = 0; t < c.tensors().size(); t++) {
            if (layout.delta(t) >= 0 && !fixedTensorMasks.containsKey(t)) {
                drawn[n++] = layout.maskBlock(t);
            }
        }
        Map<Integer, long[]> uniformBlocks = uniformBlocks(java.util.Arrays.copyOf(drawn, n), wl, random);
        for (int id : pool) {
            blocks.put(id, uniformBlocks.get(id));
        }
        // the model openings' mask parts S_a, where the witness holds them (docs/zero-knowledge.md §3.3 item 3):
        // the witness holds S_a's monomial coefficients (uniform); the opening takes its hypercube values
        modelMaskParts = new long[modelMask.length][];
        for (int a = 0; a < modelMask.length; a++) {
            long[] coefficients = uniformBlocks.get(modelMask[a]);
            blocks.put(modelMask[a], coefficients);
            modelMaskParts[a] = hypercubeValues(coefficients);
        }
        tensorMasks = new TensorMask[c.tensors().size()];
        for (int t = 0; t < tensorMasks.length; t++) {
            if (layout.delta(t) >= 0) {
                tensorMasks[t] = tensorMask(t, fixedTensorMasks.containsKey(t) ? fixedTensorMasks.get(t).clone()
                        : uniformBlocks.get(layout.maskBlock(t)), wl);
            }
        }
        // the lookup stage's own masks, drawn by it and written into their blocks
        treeMasks = ZkLookupProving.drawMasks(c, random);
        if (treeMasks != null) {
            putTreeMasks(wl);
        }
    }

    /** Uniform base-field blocks of the witness layout's sizes for {@code ids}, drawn in that order. */
    private static Map<Integer, long[]> uniformBlocks(int[] ids, CommittedLayout wl, RandomGenerator random) {
        int total = 0;
        for (int id : ids) {
            total += 1 << wl.blocks(id).get(0).numVars();
        }
        long[] all = uniform(total, random);
        Map<Integer, long[]> out = new HashMap<>();
        int off = 0;
        for (int id : ids) {
            int size = 1 << wl.blocks(id).get(0).numVars();
            if (out.put(id, java.util.Arrays.copyOfRange(all, off, off + size)) != null) {
                throw new IllegalStateException("mask block " + id + " is drawn twice");
            }
            off += size;
        }
        return out;
    }

    /** Tensor t's mask block (2(δ + 1) coefficients, component-major) put in place, and its mask read from it. */
    private TensorMask tensorMask(int t, long[] block, CommittedLayout wl) {
        int delta = layout.delta(t);
        int id = layout.maskBlock(t);
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
        return new TensorMask(a, b);
    }

    /** The lookup stage's tree masks written into their blocks (halves and the two segments). */
    private void putTreeMasks(CommittedLayout wl) {
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

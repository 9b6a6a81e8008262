package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How several tensors are packed into one committed multilinear polynomial P: each tensor of
 * 2^m entries occupies an aligned block [offset, offset + 2^m) (blocks sorted by size, largest
 * first, so every offset is a multiple of its size). A claim T(ρ) = v is the claim
 * P(ρ, bits of offset/2^m) = v: T's variables are P's low m variables.
 * Immutable and thread-safe.
 */
public final class CommittedLayout {
    private final Map<Integer, Long> offsets = new HashMap<>();
    private final Map<Integer, Integer> vars = new HashMap<>();
    private final List<Integer> order;
    private final int numVars;

    public CommittedLayout(Circuit circuit, List<Integer> tensorIds) {
        order = new ArrayList<>(tensorIds);
        order.sort(Comparator.comparingInt((Integer t) -> -circuit.tensor(t).layout().numVars()).thenComparingInt(t -> t));
        long offset = 0;
        for (int t : order) {
            int m = circuit.tensor(t).layout().numVars();
            offsets.put(t, offset);
            vars.put(t, m);
            offset += 1L << m;
        }
        numVars = Math.max(1, TensorLayout.log2Ceil((int) Math.min(Integer.MAX_VALUE, Math.max(1, offset))));
        if (offset > 1L << 28) {
            throw new IllegalArgumentException("committed polynomial of " + offset + " entries is too large");
        }
    }

    public int numVars() {
        return numVars;
    }

    public List<Integer> tensors() {
        return List.copyOf(order);
    }

    public boolean contains(int tensor) {
        return offsets.containsKey(tensor);
    }

    public long offset(int tensor) {
        return offsets.get(tensor);
    }

    /** The point of P that corresponds to tensor point ρ. */
    public Ext3[] lift(int tensor, Ext3[] point) {
        int m = vars.get(tensor);
        if (point.length != m) {
            throw new IllegalArgumentException("point of " + point.length + " variables for a tensor of " + m);
        }
        long block = offsets.get(tensor) >>> m;
        Ext3[] out = new Ext3[numVars];
        System.arraycopy(point, 0, out, 0, m);
        for (int k = m; k < numVars; k++) {
            out[k] = ((block >>> (k - m)) & 1) != 0 ? Ext3.ONE : Ext3.ZERO;
        }
        return out;
    }

    /** Packs padded tensor values into P's table. */
    public long[] pack(Map<Integer, long[]> values) {
        long[] p = new long[1 << numVars];
        for (int t : order) {
            long[] v = values.get(t);
            System.arraycopy(v, 0, p, (int) (long) offsets.get(t), v.length);
        }
        return p;
    }
}

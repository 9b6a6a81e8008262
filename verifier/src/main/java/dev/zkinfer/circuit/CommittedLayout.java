package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How several tensors are packed into one committed multilinear polynomial P, as aligned
 * <em>blocks</em>: a block of 2^s entries occupies [offset, offset + 2^s) with offset a multiple
 * of 2^s (blocks sorted by size, largest first), so that it is a subcube of P: P's low s
 * variables range over the block, its high variables are fixed to the bits of offset/2^s.
 *
 * <h2>Two packings</h2>
 * <ul>
 *   <li><b>Padded</b> ({@link #padded}, the witness commitment): each tensor is one block, its
 *       padded form ({@link TensorLayout}: every dimension padded to a power of two). A claim
 *       T(ρ) = v is the claim P(ρ, bits of offset/2^m) = v ({@link #lift(int, Ext3[])}).
 *   <li><b>Tight</b> ({@link #tight}, the model commitment): only a tensor's real entries are
 *       committed. Each dimension of size n, padded to 2^k, is split along the binary
 *       representation of n into aligned intervals (576 = 512 + 64: [0, 512) and [512, 576));
 *       a tensor's blocks are the products of its dimensions' intervals, each laid out
 *       row-major (last dimension lowest), like the tensor. On a block, the top k − e variables
 *       of a dimension with an interval of 2^e are fixed (to the bits of start/2^e) and the low
 *       e are free; since the padded tensor is zero outside its blocks,
 *       T̃(ρ) = Σ_B eq(ρ_fixed(B), bits(B)) · B̃(ρ_free(B)). The prover sends each B̃(ρ_free(B))
 *       ({@link ProofProtocol#MODEL_BLOCKS_DOMAIN}), the verifier checks that their
 *       eq-weighted sum ({@link #weight}) is the claim and lifts each into a claim on P
 *       ({@link #lift(Block, Ext3[])}). The verifier's work is linear in the number of blocks
 *       and variables, never in the number of weights. To bound that work, a dimension is
 *       split only while its tensor has at most {@value #MAX_BLOCKS_PER_TENSOR} blocks
 *       (dimensions in order, outermost first); the others stay padded (one interval of 2^k,
 *       whose padding entries are committed as zeros). A tensor that is one block covering its
 *       whole padded form ({@link #isWhole}) needs no block evaluations.
 * </ul>
 * Immutable and thread-safe.
 */
public final class CommittedLayout {
    /** Most blocks one tensor is split into by the tight packing. */
    public static final int MAX_BLOCKS_PER_TENSOR = 64;

    /**
     * One block of a tensor: per dimension, the interval [start[d], start[d] + 2^vars[d]), and
     * its position in P. Immutable (its arrays are never written after construction).
     */
    public static final class Block {
        private final int tensor;
        private final int[] start;
        private final int[] vars;
        private final int numVars;
        private long offset;

        private Block(int tensor, int[] start, int[] vars) {
            this.tensor = tensor;
            this.start = start;
            this.vars = vars;
            int s = 0;
            for (int v : vars) {
                s += v;
            }
            this.numVars = s;
        }

        public int tensor() {
            return tensor;
        }

        /** log2 of the block's number of entries. */
        public int numVars() {
            return numVars;
        }

        /** Where the block starts in P (a multiple of 2^numVars). */
        public long offset() {
            return offset;
        }
    }

    private final Map<Integer, List<Block>> blocks = new HashMap<>();
    private final Map<Integer, TensorLayout> layouts = new HashMap<>();
    private final List<Integer> order;
    private final int numVars;

    private CommittedLayout(java.util.function.IntFunction<TensorLayout> layoutOf, List<Integer> tensorIds, boolean tight) {
        this(layoutOf, tensorIds, tight, n -> 0);
    }

    /**
     * @param reserveTop for a polynomial of n variables, how many entries at its top (the aligned
     *     block [2^n − reserve, 2^n)) must stay free: the polynomial grows until they are
     */
    private CommittedLayout(java.util.function.IntFunction<TensorLayout> layoutOf, List<Integer> tensorIds, boolean tight,
            java.util.function.IntToLongFunction reserveTop) {
        order = new ArrayList<>(tensorIds);
        order.sort(Comparator.comparingInt((Integer t) -> -layoutOf.apply(t).numVars()).thenComparingInt(t -> t));
        List<Block> all = new ArrayList<>();
        for (int t : order) {
            TensorLayout l = layoutOf.apply(t);
            layouts.put(t, l);
            List<Block> bs = tight ? split(t, l) : List.of(new Block(t, new int[l.rank()], dimVars(l)));
            blocks.put(t, List.copyOf(bs));
            all.addAll(bs);
        }
        // stable: equal sizes keep tensor order, then block order
        all.sort(Comparator.comparingInt((Block b) -> -b.numVars));
        long offset = 0;
        for (Block b : all) {
            b.offset = offset;
            offset += 1L << b.numVars;
        }
        if (offset > 1L << 28) {
            throw new IllegalArgumentException("committed polynomial of " + offset + " entries is too large");
        }
        int n = Math.max(1, TensorLayout.log2Ceil((int) Math.max(1, offset)));
        while (offset + reserveTop.applyAsLong(n) > 1L << n) {
            n++;
        }
        if (n > 28) {
            throw new IllegalArgumentException("committed polynomial of 2^" + n + " entries is too large");
        }
        numVars = n;
    }

    /** Each tensor as one block, its padded form (the witness commitment). */
    public static CommittedLayout padded(Circuit circuit, List<Integer> tensorIds) {
        return new CommittedLayout(t -> circuit.tensor(t).layout(), tensorIds, false);
    }

    /** Blocks given by their layouts (ids need not be circuit tensors), each one padded block. */
    static CommittedLayout padded(java.util.function.IntFunction<TensorLayout> layoutOf, List<Integer> ids) {
        return new CommittedLayout(layoutOf, ids, false, n -> 0);
    }

    /** As above, leaving the top reserveTop(n) entries of a polynomial of n variables free (a hiding commitment's mask block). */
    static CommittedLayout padded(java.util.function.IntFunction<TensorLayout> layoutOf, List<Integer> ids,
            java.util.function.IntToLongFunction reserveTop) {
        return new CommittedLayout(layoutOf, ids, false, reserveTop);
    }

    /** Each tensor as the blocks of its real entries (the model commitment; see the class comment). */
    public static CommittedLayout tight(Circuit circuit, List<Integer> tensorIds) {
        return new CommittedLayout(t -> circuit.tensor(t).layout(), tensorIds, true);
    }

    /** Tight packing of blocks given by their layouts (ids need not be circuit tensors). */
    static CommittedLayout tight(java.util.function.IntFunction<TensorLayout> layoutOf, List<Integer> ids) {
        return new CommittedLayout(layoutOf, ids, true);
    }

    /** As above, leaving the top reserveTop(n) entries of a polynomial of n variables free (a hiding commitment's mask block). */
    static CommittedLayout tight(java.util.function.IntFunction<TensorLayout> layoutOf, List<Integer> ids,
            java.util.function.IntToLongFunction reserveTop) {
        return new CommittedLayout(layoutOf, ids, true, reserveTop);
    }

    /** The tight packing of tensors given by their layouts (tensor i has layouts.get(i)), for tests. */
    static CommittedLayout tight(List<TensorLayout> layouts) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < layouts.size(); i++) {
            ids.add(i);
        }
        return new CommittedLayout(layouts::get, ids, true);
    }

    private static int[] dimVars(TensorLayout l) {
        int[] v = new int[l.rank()];
        for (int d = 0; d < v.length; d++) {
            v[d] = l.dimVars(d);
        }
        return v;
    }

    /** The tight blocks of one tensor: products of per-dimension intervals (binary decomposition). */
    private static List<Block> split(int tensor, TensorLayout l) {
        int rank = l.rank();
        List<int[][]> intervals = new ArrayList<>(); // per dimension: {start, vars} pairs
        int count = 1;
        for (int d = 0; d < rank; d++) {
            int n = l.dim(d);
            int parts = Integer.bitCount(n);
            List<int[]> iv = new ArrayList<>();
            if (parts > 1 && count * parts <= MAX_BLOCKS_PER_TENSOR) {
                int s = 0;
                for (int e = 30; e >= 0; e--) {
                    if ((n & (1 << e)) != 0) {
                        iv.add(new int[] {s, e});
                        s += 1 << e;
                    }
                }
                count *= parts;
            } else {
                iv.add(new int[] {0, l.dimVars(d)});
            }
            intervals.add(iv.toArray(new int[0][]));
        }
        List<Block> out = new ArrayList<>();
        int[] pick = new int[rank];
        while (true) {
            int[] start = new int[rank];
            int[] vars = new int[rank];
            for (int d = 0; d < rank; d++) {
                start[d] = intervals.get(d)[pick[d]][0];
                vars[d] = intervals.get(d)[pick[d]][1];
            }
            out.add(new Block(tensor, start, vars));
            int d = rank - 1;
            while (d >= 0 && ++pick[d] == intervals.get(d).length) {
                pick[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }

    public int numVars() {
        return numVars;
    }

    public List<Integer> tensors() {
        return List.copyOf(order);
    }

    public boolean contains(int tensor) {
        return blocks.containsKey(tensor);
    }

    /** The tensor's blocks, in a fixed order (the order of their evaluations in a proof). */
    public List<Block> blocks(int tensor) {
        List<Block> bs = blocks.get(tensor);
        if (bs == null) {
            throw new IllegalArgumentException("tensor " + tensor + " is not in this committed layout");
        }
        return bs;
    }

    /** Whether the tensor is one block holding its whole padded form (a claim on it lifts directly). */
    public boolean isWhole(int tensor) {
        List<Block> bs = blocks(tensor);
        return bs.size() == 1 && bs.get(0).numVars == layouts.get(tensor).numVars();
    }

    /** The point of P that corresponds to tensor point ρ, for a tensor that {@link #isWhole}. */
    public Ext3[] lift(int tensor, Ext3[] point) {
        if (!isWhole(tensor)) {
            throw new IllegalStateException("tensor " + tensor + " is split into blocks: lift each block");
        }
        return lift(blocks(tensor).get(0), point);
    }

    /** The point of P at which P equals B̃(ρ_free(B)): the block's free coordinates of ρ, then the block's position bits. */
    public Ext3[] lift(Block b, Ext3[] point) {
        Ext3[] free = freePoint(b, point);
        long pos = b.offset >>> b.numVars;
        Ext3[] out = new Ext3[numVars];
        System.arraycopy(free, 0, out, 0, free.length);
        for (int k = free.length; k < numVars; k++) {
            out[k] = ((pos >>> (k - free.length)) & 1) != 0 ? Ext3.ONE : Ext3.ZERO;
        }
        return out;
    }

    /** ρ_free(B): the low vars[d] coordinates of each dimension's variables, last dimension first (the block's own variables). */
    public Ext3[] freePoint(Block b, Ext3[] point) {
        TensorLayout l = layouts.get(b.tensor);
        if (point.length != l.numVars()) {
            throw new IllegalArgumentException("point of " + point.length + " variables for a tensor of " + l.numVars());
        }
        Ext3[] free = new Ext3[b.numVars];
        int k = 0;
        for (int d = l.rank() - 1; d >= 0; d--) {
            for (int j = 0; j < b.vars[d]; j++) {
                free[k++] = point[l.varOffset(d) + j];
            }
        }
        return free;
    }

    /** eq(ρ_fixed(B), bits(B)): the factor of B̃(ρ_free(B)) in T̃(ρ). */
    public Ext3 weight(Block b, Ext3[] point) {
        TensorLayout l = layouts.get(b.tensor);
        Ext3 w = Ext3.ONE;
        for (int d = 0; d < l.rank(); d++) {
            int bits = b.start[d] >>> b.vars[d];
            for (int j = b.vars[d]; j < l.dimVars(d); j++) {
                Ext3 r = point[l.varOffset(d) + j];
                w = w.mul(((bits >>> (j - b.vars[d])) & 1) != 0 ? r : Ext3.ONE.sub(r));
            }
        }
        return w;
    }

    /**
     * Packs padded tensor values into P's table.
     *
     * @throws IllegalArgumentException if a tensor has a non-zero entry outside its blocks
     *     (the tight packing commits only the blocks, so the padding must be zero)
     */
    public long[] pack(Map<Integer, long[]> values) {
        long[] p = new long[1 << numVars];
        for (int t : order) {
            long[] v = values.get(t);
            TensorLayout l = layouts.get(t);
            if (v == null || v.length != l.paddedSize()) {
                throw new IllegalArgumentException("tensor " + t + ": expected " + l.paddedSize() + " padded values");
            }
            long copied = 0;
            for (Block b : blocks.get(t)) {
                copied += copyBlock(l, b, v, p);
            }
            if (copied != nonZero(v, 0, v.length)) {
                throw new IllegalArgumentException("tensor " + t + " has non-zero padding, which a tight layout cannot commit");
            }
        }
        return p;
    }

    /** Copies block b of the padded tensor v into p at b's offset (row-major, last dimension contiguous); returns its non-zero count. */
    private static long copyBlock(TensorLayout l, Block b, long[] v, long[] p) {
        int rank = l.rank();
        int rowVars = rank == 0 ? 0 : b.vars[rank - 1];
        int rowLen = 1 << rowVars;
        int rows = 1 << (b.numVars - rowVars);
        long nonZero = 0;
        for (int r = 0; r < rows; r++) {
            int src = rank == 0 ? 0 : b.start[rank - 1];
            int rest = r;
            for (int d = rank - 2; d >= 0; d--) {
                int c = rest & ((1 << b.vars[d]) - 1);
                rest >>>= b.vars[d];
                src += (b.start[d] + c) << l.varOffset(d);
            }
            int dst = (int) b.offset + r * rowLen;
            System.arraycopy(v, src, p, dst, rowLen);
            nonZero += nonZero(p, dst, dst + rowLen);
        }
        return nonZero;
    }

    private static long nonZero(long[] a, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n += a[i] != 0 ? 1 : 0;
        }
        return n;
    }
}

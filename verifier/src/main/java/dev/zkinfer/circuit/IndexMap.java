package dev.zkinfer.circuit;

import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import java.util.Arrays;

/**
 * A data-movement map of an {@link IndexMapLayer}: for each real output element (row-major
 * coordinates) it names its source, an element of one of the inputs, or none (value 0). Maps
 * are described by their parameters, never by per-element tables, so verifying keys stay small.
 *
 * <p>Encoding: u32 kind (1 Im2col, 2 Window, 3 Reshape, 4 Transpose, 5 Slice, 6 Pad, 7 Concat,
 * 8 Gather), then the record's components in order, each int as a u32 (two's complement for
 * signed ones), each int[] as u32 length then u32 elements.
 * Implementations are immutable and thread-safe.
 */
public sealed interface IndexMap permits IndexMap.Im2col, IndexMap.Window, IndexMap.Reshape, IndexMap.Transpose,
        IndexMap.Slice, IndexMap.Pad, IndexMap.Concat, IndexMap.Gather {
    /** No source: the output element is 0. */
    long NONE = -1;

    /** Largest parameter value (dimensions, offsets): 2^28. */
    int MAX_PARAM = 1 << TensorLayout.MAX_VARS;

    /** Checks the map against the layouts; IllegalArgumentException if inconsistent. */
    void check(TensorLayout[] inputs, TensorLayout output);

    /**
     * The source of the output element with the given (real) coordinates, as
     * {@code (input << 32) | realRowMajorIndexInThatInput}, or {@link #NONE}. Requires {@link #check}.
     */
    long source(int[] outCoords, TensorLayout[] inputs, TensorLayout output);

    /**
     * As {@link #source(int[], TensorLayout[], TensorLayout)}, with the source's index in its
     * input's padded layout ({@link TensorLayout#paddedIndex(long)}) instead of its row-major
     * one: {@code (input << 32) | paddedIndex}, or {@link #NONE}. The maps of convolutions and
     * pooling windows compute it from the source's coordinates, without the divisions of a
     * row-major index (the gathers of a batch proof's witness and layer sumchecks visit up to
     * 2^25 elements per layer).
     */
    default long paddedSource(int[] outCoords, TensorLayout[] inputs, TensorLayout output) {
        long src = source(outCoords, inputs, output);
        if (src == NONE) {
            return NONE;
        }
        int k = (int) (src >>> 32);
        return (long) k << 32 | inputs[k].paddedIndex(src & 0xFFFF_FFFFL);
    }

    /** The source of the output element with real row-major index i (see {@link #source(int[], TensorLayout[], TensorLayout)}). */
    default long source(long i, TensorLayout[] inputs, TensorLayout output) {
        int[] c = new int[output.rank()];
        for (int d = output.rank() - 1; d >= 0; d--) {
            c[d] = (int) (i % output.dim(d));
            i /= output.dim(d);
        }
        return source(c, inputs, output);
    }

    int kind();

    void encodeParams(ProofWriter out);

    default void encode(ProofWriter out) {
        out.u32(kind());
        encodeParams(out);
    }

    static IndexMap decode(ProofReader in) throws MalformedProofException {
        int kind = in.u32("index map kind");
        try {
            return switch (kind) {
                case 1 -> new Im2col(dim(in), dim(in), dim(in), dim(in), dim(in), dim(in), dim(in), dim(in), nonNeg(in), nonNeg(in), dim(in), dim(in));
                case 2 -> new Window(dim(in), dim(in), dim(in), dim(in), dim(in), dim(in), dim(in), dim(in), nonNeg(in), nonNeg(in), dim(in), dim(in), nonNeg(in), nonNeg(in));
                case 3 -> new Reshape();
                case 4 -> new Transpose(ints(in, "transpose permutation", Circuit.MAX_RANK));
                case 5 -> new Slice(ints(in, "slice starts", Circuit.MAX_RANK), ints(in, "slice steps", Circuit.MAX_RANK));
                case 6 -> new Pad(ints(in, "pad before", Circuit.MAX_RANK));
                case 7 -> new Concat(in.length("concat axis", 0, Circuit.MAX_RANK - 1));
                case 8 -> new Gather(in.length("gather axis", 0, Circuit.MAX_RANK - 1), ints(in, "gather indices", MAX_PARAM));
                default -> throw new MalformedProofException("unknown index map kind " + Integer.toUnsignedString(kind));
            };
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException("index map: " + e.getMessage());
        }
    }

    private static int dim(ProofReader in) throws MalformedProofException {
        return in.length("index map parameter", 1, MAX_PARAM);
    }

    private static int nonNeg(ProofReader in) throws MalformedProofException {
        return in.length("index map offset", 0, MAX_PARAM);
    }

    private static int[] ints(ProofReader in, String what, int maxLen) throws MalformedProofException {
        int n = in.length(what + " length", 0, maxLen);
        if ((long) n * 4 > in.remaining()) {
            throw new MalformedProofException("truncated while reading " + what);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.u32(what);
        }
        return v;
    }

    private static void writeInts(ProofWriter out, int[] v) {
        out.u32(v.length);
        for (int x : v) {
            out.u32(x);
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    private static void requireOneInput(TensorLayout[] inputs, String name) {
        require(inputs.length == 1, name + " takes one input, not " + inputs.length);
    }

    private static void requireDims(TensorLayout l, String name, int... dims) {
        require(Arrays.equals(l.dims(), dims), name + ": layout " + l + ", expected " + Arrays.toString(dims));
    }

    /** Row-major flat index of coordinates in a layout's real shape. */
    static long flat(TensorLayout l, int[] c) {
        long f = 0;
        for (int d = 0; d < c.length; d++) {
            f = f * l.dim(d) + c[d];
        }
        return f;
    }

    /**
     * im2col of x = [B, C, H, W] into [B, OH, OW, C·KH·KW]: element (b, oh, ow, (c, kh, kw)) ←
     * x[b, c, oh·sH + kh − padTop, ow·sW + kw − padLeft], none outside the image.
     */
    record Im2col(int B, int C, int H, int W, int KH, int KW, int strideH, int strideW, int padTop, int padLeft, int OH, int OW)
            implements IndexMap {
        public Im2col {
            require(B > 0 && C > 0 && H > 0 && W > 0 && KH > 0 && KW > 0 && strideH > 0 && strideW > 0 && OH > 0 && OW > 0
                    && padTop >= 0 && padLeft >= 0 && (long) C * KH * KW <= MAX_PARAM, "im2col parameters out of range");
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "im2col");
            requireDims(inputs[0], "im2col input", B, C, H, W);
            requireDims(output, "im2col output", B, OH, OW, C * KH * KW);
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            int q = o[3];
            int c = q / (KH * KW), kh = (q / KW) % KH, kw = q % KW;
            long ih = (long) o[1] * strideH + kh - padTop, iw = (long) o[2] * strideW + kw - padLeft;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                return NONE;
            }
            return (((long) o[0] * C + c) * H + ih) * W + iw;
        }

        @Override
        public long paddedSource(int[] o, TensorLayout[] inputs, TensorLayout output) {
            int q = o[3];
            int c = q / (KH * KW), kh = (q / KW) % KH, kw = q % KW;
            long ih = (long) o[1] * strideH + kh - padTop, iw = (long) o[2] * strideW + kw - padLeft;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                return NONE;
            }
            return inputs[0].paddedIndex4(o[0], c, (int) ih, (int) iw);
        }

        public int kind() {
            return 1;
        }

        public void encodeParams(ProofWriter out) {
            out.u32(B).u32(C).u32(H).u32(W).u32(KH).u32(KW).u32(strideH).u32(strideW).u32(padTop).u32(padLeft).u32(OH).u32(OW);
        }
    }

    /**
     * One window offset (kh, kw) of a pooling window over x = [B, C, H, W]: output [B, C, OH, OW]
     * with (b, c, oh, ow) ← x[b, c, oh·sH + kh − padTop, ow·sW + kw − padLeft], none outside.
     */
    record Window(int B, int C, int H, int W, int KH, int KW, int strideH, int strideW, int padTop, int padLeft, int OH, int OW,
            int kh, int kw) implements IndexMap {
        public Window {
            require(B > 0 && C > 0 && H > 0 && W > 0 && KH > 0 && KW > 0 && strideH > 0 && strideW > 0 && OH > 0 && OW > 0
                    && padTop >= 0 && padLeft >= 0 && kh >= 0 && kh < KH && kw >= 0 && kw < KW, "window parameters out of range");
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "window");
            requireDims(inputs[0], "window input", B, C, H, W);
            requireDims(output, "window output", B, C, OH, OW);
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            long ih = (long) o[2] * strideH + kh - padTop, iw = (long) o[3] * strideW + kw - padLeft;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                return NONE;
            }
            return (((long) o[0] * C + o[1]) * H + ih) * W + iw;
        }

        @Override
        public long paddedSource(int[] o, TensorLayout[] inputs, TensorLayout output) {
            long ih = (long) o[2] * strideH + kh - padTop, iw = (long) o[3] * strideW + kw - padLeft;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                return NONE;
            }
            return inputs[0].paddedIndex4(o[0], o[1], (int) ih, (int) iw);
        }

        public int kind() {
            return 2;
        }

        public void encodeParams(ProofWriter out) {
            out.u32(B).u32(C).u32(H).u32(W).u32(KH).u32(KW).u32(strideH).u32(strideW).u32(padTop).u32(padLeft).u32(OH).u32(OW)
                    .u32(kh).u32(kw);
        }
    }

    /** Same real elements in the same row-major order, any shapes of equal size. */
    record Reshape() implements IndexMap {
        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "reshape");
            require(inputs[0].size() == output.size(), "reshape of " + inputs[0] + " into " + output);
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            return flat(output, o);
        }

        public long source(long i, TensorLayout[] inputs, TensorLayout output) {
            return i;
        }

        public int kind() {
            return 3;
        }

        public void encodeParams(ProofWriter out) {}
    }

    /** numpy transpose: output dim i is input dim perm[i]; y[c] = x[c'] with c'[perm[i]] = c[i]. */
    record Transpose(int[] perm) implements IndexMap {
        public Transpose {
            perm = perm.clone();
            boolean[] seen = new boolean[perm.length];
            for (int p : perm) {
                require(p >= 0 && p < perm.length && !seen[p], "not a permutation: " + Arrays.toString(perm));
                seen[p] = true;
            }
        }

        public int[] perm() {
            return perm.clone();
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "transpose");
            TensorLayout in = inputs[0];
            require(in.rank() == perm.length && output.rank() == perm.length, "transpose rank mismatch");
            for (int i = 0; i < perm.length; i++) {
                require(output.dim(i) == in.dim(perm[i]), "transpose " + in + " by " + Arrays.toString(perm) + " is not " + output);
            }
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            int[] c = new int[perm.length];
            for (int i = 0; i < perm.length; i++) {
                c[perm[i]] = o[i];
            }
            return flat(inputs[0], c);
        }

        public int kind() {
            return 4;
        }

        public void encodeParams(ProofWriter out) {
            writeInts(out, perm);
        }

        public boolean equals(Object o) {
            return o instanceof Transpose t && Arrays.equals(t.perm, perm);
        }

        public int hashCode() {
            return Arrays.hashCode(perm);
        }

        public String toString() {
            return "Transpose" + Arrays.toString(perm);
        }
    }

    /** Strided slice: y[c] = x[starts + c·steps] per dimension (steps nonzero; output dims from the output layout). */
    record Slice(int[] starts, int[] steps) implements IndexMap {
        public Slice {
            starts = starts.clone();
            steps = steps.clone();
            require(starts.length == steps.length, "slice starts and steps differ in length");
            for (int d = 0; d < steps.length; d++) {
                require(steps[d] != 0 && Math.abs((long) steps[d]) <= MAX_PARAM && starts[d] >= 0 && starts[d] < MAX_PARAM,
                        "slice parameters out of range");
            }
        }

        public int[] starts() {
            return starts.clone();
        }

        public int[] steps() {
            return steps.clone();
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "slice");
            TensorLayout in = inputs[0];
            require(in.rank() == starts.length && output.rank() == starts.length, "slice rank mismatch");
            for (int d = 0; d < starts.length; d++) {
                long last = starts[d] + (long) (output.dim(d) - 1) * steps[d];
                require(starts[d] < in.dim(d) && last >= 0 && last < in.dim(d), "slice leaves input dimension " + d);
            }
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            int[] c = new int[o.length];
            for (int d = 0; d < o.length; d++) {
                c[d] = starts[d] + o[d] * steps[d];
            }
            return flat(inputs[0], c);
        }

        public int kind() {
            return 5;
        }

        public void encodeParams(ProofWriter out) {
            writeInts(out, starts);
            writeInts(out, steps);
        }

        public boolean equals(Object o) {
            return o instanceof Slice s && Arrays.equals(s.starts, starts) && Arrays.equals(s.steps, steps);
        }

        public int hashCode() {
            return Arrays.hashCode(starts) * 31 + Arrays.hashCode(steps);
        }

        public String toString() {
            return "Slice(starts=" + Arrays.toString(starts) + ", steps=" + Arrays.toString(steps) + ")";
        }
    }

    /** Zero padding: y[c] = x[c − before] inside the input, none (0) outside; output dims from the output layout. */
    record Pad(int[] before) implements IndexMap {
        public Pad {
            before = before.clone();
            for (int b : before) {
                require(b >= 0 && b <= MAX_PARAM, "pad out of range");
            }
        }

        public int[] before() {
            return before.clone();
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "pad");
            require(inputs[0].rank() == before.length && output.rank() == before.length, "pad rank mismatch");
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            TensorLayout in = inputs[0];
            long f = 0;
            for (int d = 0; d < o.length; d++) {
                long c = (long) o[d] - before[d];
                if (c < 0 || c >= in.dim(d)) {
                    return NONE;
                }
                f = f * in.dim(d) + c;
            }
            return f;
        }

        public int kind() {
            return 6;
        }

        public void encodeParams(ProofWriter out) {
            writeInts(out, before);
        }

        public boolean equals(Object o) {
            return o instanceof Pad p && Arrays.equals(p.before, before);
        }

        public int hashCode() {
            return Arrays.hashCode(before);
        }

        public String toString() {
            return "Pad" + Arrays.toString(before);
        }
    }

    /** Concatenation of the inputs along {@code axis} (all other dims equal). */
    record Concat(int axis) implements IndexMap {
        public Concat {
            require(axis >= 0 && axis < Circuit.MAX_RANK, "concat axis out of range");
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            require(inputs.length >= 1 && axis < output.rank(), "concat needs inputs and a valid axis");
            long total = 0;
            for (TensorLayout in : inputs) {
                require(in.rank() == output.rank(), "concat rank mismatch");
                for (int d = 0; d < in.rank(); d++) {
                    require(d == axis || in.dim(d) == output.dim(d), "concat dimension mismatch");
                }
                total += in.dim(axis);
            }
            require(total == output.dim(axis), "concat axis sizes do not add up");
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            int a = o[axis];
            int k = 0;
            while (a >= inputs[k].dim(axis)) {
                a -= inputs[k].dim(axis);
                k++;
            }
            TensorLayout in = inputs[k];
            long f = 0;
            for (int d = 0; d < o.length; d++) {
                f = f * in.dim(d) + (d == axis ? a : o[d]);
            }
            return ((long) k << 32) | f;
        }

        public int kind() {
            return 7;
        }

        public void encodeParams(ProofWriter out) {
            out.u32(axis);
        }
    }

    /** numpy take along {@code axis} with constant indices: y[.., i, ..] = x[.., indices[i], ..]. */
    record Gather(int axis, int[] indices) implements IndexMap {
        public Gather {
            indices = indices.clone();
            require(axis >= 0 && axis < Circuit.MAX_RANK && indices.length >= 1, "gather parameters out of range");
            for (int i : indices) {
                require(i >= 0 && i < MAX_PARAM, "gather index out of range");
            }
        }

        public int[] indices() {
            return indices.clone();
        }

        public void check(TensorLayout[] inputs, TensorLayout output) {
            requireOneInput(inputs, "gather");
            TensorLayout in = inputs[0];
            require(axis < in.rank() && in.rank() == output.rank(), "gather rank mismatch");
            for (int d = 0; d < in.rank(); d++) {
                require(d == axis ? output.dim(d) == indices.length : output.dim(d) == in.dim(d), "gather dimension mismatch");
            }
            for (int i : indices) {
                require(i < in.dim(axis), "gather index " + i + " outside dimension " + in.dim(axis));
            }
        }

        public long source(int[] o, TensorLayout[] inputs, TensorLayout output) {
            TensorLayout in = inputs[0];
            long f = 0;
            for (int d = 0; d < o.length; d++) {
                f = f * in.dim(d) + (d == axis ? indices[o[d]] : o[d]);
            }
            return f;
        }

        public int kind() {
            return 8;
        }

        public void encodeParams(ProofWriter out) {
            out.u32(axis);
            writeInts(out, indices);
        }

        public boolean equals(Object o) {
            return o instanceof Gather g && g.axis == axis && Arrays.equals(g.indices, indices);
        }

        public int hashCode() {
            return axis * 31 + Arrays.hashCode(indices);
        }

        public String toString() {
            return "Gather(axis=" + axis + ", " + indices.length + " indices)";
        }
    }
}

package dev.zkinfer.circuit;

import java.util.Arrays;

/**
 * How a tensor becomes a multilinear polynomial: every dimension is padded to a power of two and
 * the padded tensor is laid out row-major, so the last dimension occupies the lowest index bits
 * (variable 0 upward, {@link dev.zkinfer.poly.Mle}). Dimension d occupies variables
 * [{@link #varOffset}(d), varOffset(d) + {@link #dimVars}(d)). Padding entries are part of the
 * polynomial; gadgets state what they hold (usually the op applied to zero inputs).
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record TensorLayout(int[] dims) {
    /** Largest number of variables of one tensor. */
    public static final int MAX_VARS = 28;

    public TensorLayout {
        dims = dims.clone();
        int vars = 0;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor dimension must be positive: " + Arrays.toString(dims));
            }
            vars += log2Ceil(d);
        }
        if (vars > MAX_VARS) {
            throw new IllegalArgumentException("tensor " + Arrays.toString(dims) + " needs 2^" + vars + " entries, above 2^" + MAX_VARS);
        }
    }

    public static TensorLayout of(int... dims) {
        return new TensorLayout(dims);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int d) {
        return dims[d];
    }

    /** ⌈log2 n⌉ (0 for n = 1). */
    public static int log2Ceil(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    public int dimVars(int d) {
        return log2Ceil(dims[d]);
    }

    /** The first variable of dimension d (the last dimension starts at 0). */
    public int varOffset(int d) {
        int off = 0;
        for (int k = d + 1; k < dims.length; k++) {
            off += dimVars(k);
        }
        return off;
    }

    public int numVars() {
        int v = 0;
        for (int d = 0; d < dims.length; d++) {
            v += dimVars(d);
        }
        return v;
    }

    /** 2^numVars. */
    public int paddedSize() {
        return 1 << numVars();
    }

    /** The number of real (unpadded) elements. */
    public long size() {
        long s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    /** Padded index of the element with row-major (unpadded) flat index {@code flat}. */
    public int paddedIndex(long flat) {
        // one pass from the last dimension (variable 0) up: each dimension's offset is the running sum
        int idx = 0;
        int off = 0;
        for (int d = dims.length - 1; d >= 0; d--) {
            int coord = (int) (flat % dims[d]);
            flat /= dims[d];
            idx |= coord << off;
            off += log2Ceil(dims[d]);
        }
        return idx;
    }

    /** Padded index of the element with the given coordinates. */
    public int paddedIndex(int... coords) {
        int idx = 0;
        int off = 0;
        for (int d = dims.length - 1; d >= 0; d--) {
            idx |= coords[d] << off;
            off += log2Ceil(dims[d]);
        }
        return idx;
    }

    /** {@link #paddedIndex(int...)} of a rank-4 layout's element (a, b, c, d), without an array. */
    public int paddedIndex4(int a, int b, int c, int d) {
        int vd = log2Ceil(dims[3]), vc = log2Ceil(dims[2]), vb = log2Ceil(dims[1]);
        return ((a << vb | b) << vc | c) << vd | d;
    }

    /** Scatters a row-major tensor into its padded form; padding entries get {@code fill}. */
    public long[] pad(long[] rowMajor, long fill) {
        if (rowMajor.length != size()) {
            throw new IllegalArgumentException(rowMajor.length + " values for a tensor of " + size());
        }
        long[] out = new long[paddedSize()];
        if (fill != 0) {
            Arrays.fill(out, fill);
        }
        for (int i = 0; i < rowMajor.length; i++) {
            out[paddedIndex(i)] = rowMajor[i];
        }
        return out;
    }

    /** Gathers the real elements of a padded tensor, row-major. */
    public long[] unpad(long[] padded) {
        long[] out = new long[(int) size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = padded[paddedIndex(i)];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorLayout t && Arrays.equals(t.dims, dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

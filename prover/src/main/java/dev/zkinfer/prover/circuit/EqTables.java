package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.pcs.WeightTables;
import java.util.List;

/** Allocation-free, multi-threaded eq tables for the prover (same values as {@link Mle#eqTable}). */
public final class EqTables {
    private static final int PARALLEL_VARS = 13;

    private EqTables() {}

    /**
     * ṽ(r) for base-field values (possibly shorter than 2^|r|: missing entries are zero), as
     * {@link Mle#evaluate}: on the backend's parallel kernel for a full table from 2^13 entries,
     * and for any table (a shorter one padded with zeros) from {@link
     * dev.zkinfer.prover.backend.CommitKernels#kernelsPayFrom} entries (native kernels: 32 in a
     * short run, where C1-compiled Java field arithmetic is slow); others in place.
     */
    public static Ext3 evaluate(Backend backend, long[] values, Ext3[] r) {
        if (r.length > 30 || values.length > 1 << r.length) {
            return Mle.evaluate(values, r);
        }
        int full = 1 << r.length;
        boolean kernel = (values.length == full && r.length >= PARALLEL_VARS) || full >= backend.commit().kernelsPayFrom();
        if (!kernel) {
            return Mle.evaluate(values, r);
        }
        if (values.length < full) {
            values = java.util.Arrays.copyOf(values, full);
        }
        long[] point = new long[3 * r.length];
        for (int i = 0; i < r.length; i++) {
            Ext3.set(point, i, r[i]);
        }
        return Ext3.get(backend.commit().evaluateMle(values, point), 0);
    }

    /** eq(r, ·) as a new array-form table ({@link WeightTables#scaledEq}). */
    public static long[] eq(Ext3[] r) {
        return WeightTables.scaledEq(r, Ext3.ONE, new long[3 << r.length]);
    }

    /**
     * eq(r, ·) as {@link #eq(Ext3[])} gives it, on the backend's kernel from {@link
     * dev.zkinfer.prover.backend.CommitKernels#kernelsPayFrom} entries (native kernels in a
     * short run; a batch proof's layer sumchecks build tables of up to 2^27 entries, VGG-16's im2col
     * outputs at batch 64, where the Java product of half-tables took 12 % of the prover's time); the
     * same values (field arithmetic is exact, whatever the order of the products).
     */
    public static long[] eq(Backend backend, Ext3[] r) {
        if (r.length > 30 || 1 << r.length < backend.commit().kernelsPayFrom()) {
            return eq(r);
        }
        long[] point = new long[3 * r.length];
        for (int i = 0; i < r.length; i++) {
            Ext3.set(point, i, r[i]);
        }
        long[] out = new long[3 << r.length];
        backend.commit().addScaledEq(out, point, new long[] {1, 0, 0});
        return out;
    }

    /**
     * Σ_j γ^j eq(z_j, ·) over n variables (the merge sumcheck's weight table). A point whose
     * top coordinates are exactly 0 or 1 (claims lifted into a committed layout) only touches
     * the aligned block they select, so the cost is the sum of the claims' block sizes.
     */
    public static long[] mergeWeights(List<Claim> claims, Ext3 gamma, int n) {
        long[] weight = new long[3 << n];
        WeightTables.addBatch(weight, claims.stream().map(Claim::point).toList(), gamma, Ext3.ONE, n);
        return weight;
    }
}

package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import java.util.List;

/**
 * A linear claim on the witness polynomial P of a zero-knowledge proof: Σ over its terms of
 * Σ_{b} weight(b)·P(offset + b) = value, each term a weight on one aligned block of P. Every claim
 * such a proof opens on its witness has this form: a masked claim T̂(p) = v on an advice tensor is
 * eq(p, ·) on T's block plus Z(p)·(2A + B)(p_0) on T's mask block, and a mask's revealed value is a
 * power weight on its block ({@link ZkLayout.SlotWeights}). Immutable.
 */
public record WitnessForm(List<Term> terms, Ext3 value) {
    public WitnessForm {
        terms = List.copyOf(terms);
    }

    /** A weight on the entries of one block of 2^numVars entries starting at {@code offset} (a multiple of 2^numVars). */
    public record Term(long offset, Weight weight) {}

    /** Weights on a block's entries: the verifier evaluates their multilinear extension, the prover takes the table. */
    public interface Weight {
        int numVars();

        /** The weights' multilinear extension at z (numVars coordinates, little-endian). */
        Ext3 evaluate(Ext3[] z);

        /** Every entry's weight, in the extension's array form (3 longs per entry). */
        long[] table();
    }

    /** eq(point, ·) scaled by {@code scale}: the weight of an evaluation claim. */
    public record EqWeight(Ext3[] point, Ext3 scale) implements Weight {
        @Override
        public int numVars() {
            return point.length;
        }

        @Override
        public Ext3 evaluate(Ext3[] z) {
            return Mle.eq(point, z).mul(scale);
        }

        @Override
        public long[] table() {
            return Mle.eqTableInto(point, scale, new long[3 << point.length]);
        }
    }

    /** The form's weight's multilinear extension on P at r (r has P's number of variables). */
    public Ext3 weightAt(Ext3[] r) {
        Ext3 sum = Ext3.ZERO;
        for (Term t : terms) {
            int k = t.weight().numVars();
            long pos = t.offset() >>> k;
            Ext3 e = t.weight().evaluate(java.util.Arrays.copyOfRange(r, 0, k));
            for (int j = k; j < r.length; j++) {
                e = e.mul(((pos >>> (j - k)) & 1) != 0 ? r[j] : Ext3.ONE.sub(r[j]));
            }
            sum = sum.add(e);
        }
        return sum;
    }
}

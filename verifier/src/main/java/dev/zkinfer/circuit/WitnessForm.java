package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.BlockWeight;
import dev.zkinfer.pcs.OpeningPoint;
import dev.zkinfer.pcs.SparseBlockWeight;
import dev.zkinfer.pcs.WeightedClaim;
import dev.zkinfer.poly.Mle;
import java.util.List;

/**
 * A linear claim on the witness polynomial P of a zero-knowledge proof: Σ over its terms of
 * Σ_{b} weight(b)·P(offset + b) = value, each term a weight on one aligned block of P. Every claim
 * such a proof opens on its witness has this form: a masked claim T̂(p) = v on an advice tensor is
 * eq(p, ·) on T's block plus Z(p)·(2A + B)(p_0) on T's mask block, and a mask's revealed value is a
 * power weight on its block ({@link ZkLayout.SlotWeights}). The opening takes it as one
 * {@link WeightedClaim} ({@link #claim}). Immutable.
 */
public record WitnessForm(List<Term> terms, Ext3 value) {
    public WitnessForm {
        terms = List.copyOf(terms);
    }

    /** A weight on the block of 2^weight.numVars() entries starting at {@code offset} (a multiple of the block's size). */
    public record Term(long offset, BlockWeight weight) {}

    /**
     * The claim for WHIR: one term is a weighted claim on its block; several are one claim on the
     * whole polynomial of n variables whose weight is the terms' sum ({@link Sum}).
     */
    public WeightedClaim claim(int n) {
        if (terms.size() == 1) {
            Term t = terms.get(0);
            return new WeightedClaim(t.weight(), t.offset() >>> t.weight().numVars(), value);
        }
        return new WeightedClaim(new Sum(terms, n), 0, value);
    }

    /** eq(point, ·) scaled by {@code scale}: the weight of an evaluation claim. */
    public record EqWeight(Ext3[] point, Ext3 scale) implements BlockWeight {
        static final long TAG = 0x5A4B_4551; // "ZKEQ"

        @Override
        public int numVars() {
            return point.length;
        }

        @Override
        public Ext3 evaluate(Ext3[] z) {
            return Mle.eq(point, z).mul(scale);
        }

        /** The same at an opening point, its eq shared with the opening's other claims at an equal point ({@link OpeningPoint#eq}). */
        @Override
        public Ext3 evaluate(OpeningPoint z) {
            return z.eq(point).mul(scale);
        }

        @Override
        public long[] table() {
            return Mle.eqTableInto(point, scale, new long[3 << point.length]);
        }

        @Override
        public long[] encode() {
            long[] out = new long[1 + 3 * (point.length + 1)];
            out[0] = TAG;
            int o = 1;
            for (Ext3 x : point) {
                out[o++] = x.c0;
                out[o++] = x.c1;
                out[o++] = x.c2;
            }
            out[o++] = scale.c0;
            out[o++] = scale.c1;
            out[o] = scale.c2;
            return out;
        }
    }

    /** The sum of several terms' weights, as a weight on the whole polynomial of n variables; added sparsely by the prover. */
    public static final class Sum implements SparseBlockWeight {
        static final long TAG = 0x5A4B_5355; // "ZKSU"
        private final List<Term> terms;
        private final int n;

        Sum(List<Term> terms, int n) {
            this.terms = List.copyOf(terms);
            this.n = n;
        }

        /** The terms, each a weight on its block. */
        public List<Term> terms() {
            return terms;
        }

        @Override
        public int numVars() {
            return n;
        }

        @Override
        public Ext3 evaluate(Ext3[] r) {
            if (r.length != n) {
                throw new IllegalArgumentException("a point of " + r.length + " coordinates for a weight of " + n + " variables");
            }
            return evaluate(new OpeningPoint(r));
        }

        /** Σ over the terms of eq(r_top, term's block)·weight(r_low), each block's eq shared through the point. */
        @Override
        public Ext3 evaluate(OpeningPoint point) {
            if (point.numVars() != n) { // a Sum on a block of a larger polynomial: its own coordinates
                return evaluate(point.prefix(n));
            }
            Ext3 sum = Ext3.ZERO;
            for (Term t : terms) {
                int k = t.weight().numVars();
                sum = sum.add(t.weight().evaluate(point).mul(point.eqAbove(k, t.offset() >>> k)));
            }
            return sum;
        }

        @Override
        public long[] table() {
            long[] w = new long[3 << n];
            addScaled(w, 0, Ext3.ONE);
            return w;
        }

        @Override
        public void addScaled(long[] w, long blockStart, Ext3 scale) {
            long[] sc = {scale.c0, scale.c1, scale.c2};
            long[] prod = new long[3];
            for (Term t : terms) {
                long[] table = t.weight().table();
                int off = 3 * (int) (blockStart + t.offset());
                for (int b = 0; b < table.length / 3; b++) {
                    Ext3.mulInto(table, b, sc, 0, prod, 0);
                    int o = off + 3 * b;
                    w[o] = Goldilocks.add(w[o], prod[0]);
                    w[o + 1] = Goldilocks.add(w[o + 1], prod[1]);
                    w[o + 2] = Goldilocks.add(w[o + 2], prod[2]);
                }
            }
        }

        @Override
        public long supportEnd() {
            long end = 0;
            for (Term t : terms) {
                end = Math.max(end, t.offset() + (1L << t.weight().numVars()));
            }
            return end;
        }

        @Override
        public long[] encode() {
            long[][] parts = new long[terms.size()][];
            int len = 2;
            for (int i = 0; i < parts.length; i++) {
                parts[i] = terms.get(i).weight().encode();
                len += 3 + parts[i].length;
            }
            long[] out = new long[len];
            out[0] = TAG;
            out[1] = terms.size();
            int at = 2;
            for (int i = 0; i < parts.length; i++) {
                out[at++] = terms.get(i).offset();
                out[at++] = terms.get(i).weight().numVars();
                out[at++] = parts[i].length;
                System.arraycopy(parts[i], 0, out, at, parts[i].length);
                at += parts[i].length;
            }
            return out;
        }
    }
}

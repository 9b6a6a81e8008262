package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;

/**
 * A weight function on a block of 2^k hypercube entries, for {@link WeightedClaim}s: the
 * verifier evaluates its multilinear extension at a point of the block's k free variables (in
 * time polylogarithmic in the block), the prover adds its table of 2^k values to WHIR's weight.
 *
 * <p>Implementations must be immutable; {@link #encode()} lists every parameter the weight
 * depends on (with a type tag first): two weights with the same encoding must be the same
 * function. The opening does not absorb it: an opening's weights are fixed by what its
 * transcript already holds ({@link WhirVerifier#absorbWeighted}).
 */
public interface BlockWeight {
    /** k: the number of free variables of the block (its size is 2^k). */
    int numVars();

    /** The weight's multilinear extension at {@code point} (k coordinates, index convention of {@link dev.zkinfer.poly.Mle}). */
    Ext3 evaluate(Ext3[] point);

    /**
     * The same at the first k = {@link #numVars()} coordinates of an opening's point; a weight
     * made of terms on sub-blocks overrides it to share their eq factors with the opening's other
     * claims ({@link OpeningPoint#eqAbove}).
     */
    default Ext3 evaluate(OpeningPoint point) {
        return evaluate(point.prefix(numVars()));
    }

    /** The weight on the block's 2^k entries, array-form extension elements (3·2^k longs). */
    long[] table();

    /** The parameters: a type tag, then every value the weight depends on. */
    long[] encode();
}

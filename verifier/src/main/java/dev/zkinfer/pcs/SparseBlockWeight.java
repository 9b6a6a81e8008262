package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;

/**
 * A {@link BlockWeight} over a large block that is zero on most of it (e.g. a sum of weights on a
 * few small sub-blocks of the whole polynomial): the prover adds it to WHIR's weight table without
 * materialising {@link #table()}.
 */
public interface SparseBlockWeight extends BlockWeight {
    /** Adds scale·weight(b) to entry (blockStart + b) of the array-form table w, for every b where the weight is not zero. */
    void addScaled(long[] w, long blockStart, Ext3 scale);

    /** An end of the weight's support: every entry at or above it (relative to the block's start) weighs zero. */
    long supportEnd();
}

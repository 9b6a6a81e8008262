package dev.zkinfer.lookup;

/**
 * What a segment of the LogUp-GKR leaf vector holds.
 * Immutable and thread-safe.
 */
public enum SegmentKind {
    /**
     * Looked-up values w_i: leaves (1, α − γ·id − w_i). The verifier knows the numerator (1 on
     * every leaf), so a lookup segment's numerator is never sent.
     */
    LOOKUP,
    /** Table rows t_j with multiplicities m_j: leaves (−m_j, α − γ·id − t_j). */
    TABLE;

    int code() {
        return ordinal() + 1;
    }
}

package dev.zkinfer.prover.lookup;

import dev.zkinfer.lookup.SegmentShape;

/**
 * A segment of the LogUp-GKR leaf vector, with its witness data (prover side). Implementations
 * are not thread-safe: a segment belongs to one proof.
 */
public sealed interface LogUpSegment permits LookupSegment, TableSegment {
    /** The public shape the verifier will use. */
    SegmentShape shape();
}

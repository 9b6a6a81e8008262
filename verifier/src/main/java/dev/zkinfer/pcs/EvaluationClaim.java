package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;

/**
 * A claim that a committed multilinear polynomial f (over n variables, index convention of
 * {@link dev.zkinfer.poly.Mle}) satisfies f(point) = value.
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record EvaluationClaim(Ext3[] point, Ext3 value) {}

package dev.zkinfer.sumcheck;

import dev.zkinfer.field.Ext3;

/**
 * What a sumcheck reduces to: the summand, evaluated at the random point, must equal
 * {@code value}. The caller checks that (from oracle claims) to finish the protocol.
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record SumcheckClaim(Ext3[] point, Ext3 value) {}

package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;

/**
 * A claim Σ_b w(b)·f̂(b) = value on a committed multilinear polynomial f̂ of n variables, where w
 * is zero outside one aligned block of 2^k entries and equals {@code weight} on it: the block is
 * the set of indices b with b &gt;&gt; k = {@code block} (its top n − k variables fixed to the bits
 * of {@code block}, as {@link dev.zkinfer.circuit.CommittedLayout#lift} fixes them), and w(b) =
 * weight(b mod 2^k). An evaluation claim f̂(z) = v is the special case of an eq weight; this form
 * opens, in one claim, a linear function of a block such as Σ_i g_i(r_i) over a block of sumcheck
 * mask coefficients ({@link PowerWeights}) or R_T(x_0, w) over a tensor mask ({@link MonomialWeights}).
 * Its multilinear extension at a point z is eq(z_top, block)·weight(z_low), as WHIR's final check
 * evaluates it. Immutable.
 */
public record WeightedClaim(BlockWeight weight, long block, Ext3 value) {}

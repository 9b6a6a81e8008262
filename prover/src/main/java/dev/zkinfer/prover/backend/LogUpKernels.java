package dev.zkinfer.prover.backend;

/**
 * Kernels of the LogUp-GKR prover (Papini–Haböck, ePrint 2023/1284): building the fraction-sum
 * tree, and the rounds of the layer sumcheck Σ_x eq(r, x)·[p_0q_1 + q_0·s](x) with
 * s = p_1 + λ·q_1 (see {@code dev.zkinfer.prover.lookup.LayerSumcheck}). Elements are GF(p^3) in
 * array form (element i at longs 3i..3i+2).
 *
 * <p><b>Layer tables.</b> A round's tables are two arrays of interleaved columns: {@code ps}
 * holds p_0(x) at entry 2x and s(x) at 2x+1, {@code q} holds q_0(x) at 2x and q_1(x) at 2x+1.
 * With {@code lambda} non-null, {@code ps} is in <em>children form</em> instead: p_1(x) at
 * entry 2x+1, and s = p_1 + λ·q_1 is computed on the fly. A fraction layer's own (p, q) arrays
 * are exactly its parent layer's tables in children form, so the first round reads them in
 * place. Pair j of a round is x = 2j, 2j+1: entries 4j..4j+3 of both arrays.
 *
 * <p>Per pair the round polynomial's summand eq·G, G = p_0q_1 + q_0·s, is quadratic in the
 * round's variable apart from the eq factor; the kernels return Σ_j e_j·G_j(0) and
 * Σ_j e_j·lead_j, lead_j the X² coefficient of G_j, for weights e_j (eq over the variables not
 * yet bound, the round's own excepted): the caller recovers the round polynomial from these, the
 * claim and the round's eq factor (Gruen, ePrint 2024/108). Every implementation returns
 * the scalar reference's field elements exactly.
 *
 * <p>Implementations are stateless and thread-safe; calls on distinct arrays may run concurrently.
 */
public interface LogUpKernels {
    /**
     * Parents x &lt; count of a fraction layer: (p_{2x}·q_{2x+1} + p_{2x+1}·q_{2x}, q_{2x}·q_{2x+1})
     * into upP, upQ. With {@code baseNumerators}, every p is in the base field (its first
     * coordinate is read, the others are zero).
     */
    void parents(long[] p, long[] q, boolean baseNumerators, int count, long[] upP, long[] upQ);

    /**
     * One more variable of an eq table: out[2j + b] = prev[j]·(b ? r : 1 − r) for j &lt; count,
     * r 3 longs (the caller builds eq(r_{i+1..k}, ·) for every round this way, from the top).
     */
    void eqExpand(long[] prev, long[] r, int count, long[] out);

    /**
     * Σ_{j &lt; pairs} eq[j]·G_j(0) and Σ_{j &lt; pairs} eq[j]·lead_j (6 longs) over layer tables
     * (children form when {@code lambda}, 3 longs, is non-null).
     */
    long[] layerSums(long[] ps, long[] q, long[] lambda, long[] eq, int pairs);

    /**
     * Binds the round's variable to r (3 longs): entry 2j + c of psOut, qOut becomes
     * in[4j + c] + r·(in[4j + 2 + c] − in[4j + c]) for j &lt; pairs, c = 0, 1 (in children form
     * the s column is folded, so the outputs are plain layer tables).
     */
    void layerFold(long[] ps, long[] q, long[] lambda, long[] r, int pairs, long[] psOut, long[] qOut);

    /**
     * {@link #layerFold}, then {@link #layerSums} of the folded tables over ⌈pairs/2⌉ pairs with
     * weights eqNext; when pairs is odd the caller has put the entry x = pairs of psOut, qOut in
     * place (the fold writes x &lt; pairs only). Backends may fuse the two passes.
     */
    default long[] layerFoldAndSums(long[] ps, long[] q, long[] lambda, long[] r, int pairs, long[] eqNext,
            long[] psOut, long[] qOut) {
        layerFold(ps, q, lambda, r, pairs, psOut, qOut);
        return layerSums(psOut, qOut, null, eqNext, (pairs + 1) / 2);
    }
}

/**
 * LogUp lookups proven with a GKR fraction-sum tree (LogUp-GKR; Papini–Haböck, ePrint
 * 2023/1284), verifier side. DESIGN.md "Proof system" → Lookups.
 *
 * <h2>Statement</h2>
 *
 * Segments (public {@link dev.zkinfer.lookup.SegmentShape}s from the verifying key): lookup
 * segments of values w (already combined across tuple columns with the caller's β, see
 * {@link dev.zkinfer.lookup.Columns}) and table segments of rows t with multiplicities m, each
 * tagged with a table id. The claim is, for every table id k,
 * Σ_{lookups into k} 1/(α − w_i) = Σ_{rows of k} m_j/(α − t_j), proven as the single identity
 * Σ_leaves p/q = 0 over all segments, tables separated by the shift γ·k.
 *
 * <h2>Leaves and tree</h2>
 *
 * Leaf fractions (p, q): lookup value w in table k → (1, α − γ·k − w); table row t with
 * multiplicity m in table k → (−m, α − γ·k − t); padding → (0, 1). Layout:
 * {@link dev.zkinfer.lookup.SegmentLayout} (segments sorted by decreasing size, aligned, padded to
 * 2^n leaves, n ≥ 1). Layer j of the tree has 2^j nodes ({@code FractionLayer} on the prover
 * side); node x of layer j has children 2x and 2x+1 of layer j+1, and
 * p = p_0·q_1 + p_1·q_0, q = q_0·q_1 (2023/1284 §3, the "fractional sumcheck").
 *
 * <h2>Protocol, wire format and transcript order</h2>
 *
 * <ol>
 *   <li>{@code domain("zkinfer/logup-gkr/v1")}; absorb {@code "logup-gkr/shapes"} (longs:
 *       count, then kind (1 lookup, 2 table), logSize, tableId per segment);
 *       absorb {@code "logup-gkr/alpha"}; draw γ = {@code "logup-gkr/gamma"}.
 *   <li>Root: proof holds p_0, p_1, q_0, q_1 (the root's two children, 4 GF(p^3) elements),
 *       absorbed as {@code "logup-gkr/root"}. Verifier: p_0·q_1 + p_1·q_0 = 0 and q_0·q_1 ≠ 0.
 *       Draw μ = {@code "logup-gkr/mu"}; the claim on layer 1 at (μ) is
 *       P = (1−μ)p_0 + μ·p_1, Q = (1−μ)q_0 + μ·q_1.
 *   <li>For k = 1 .. n−1 ({@code LayerSumcheck}, 2023/1284 §3.1): draw
 *       λ = {@code "logup-gkr/lambda"}; sumcheck (degree 3, k variables,
 *       {@link dev.zkinfer.sumcheck.SumcheckVerifier} wire format and transcript) of
 *       Σ_x eq(r, x)·[p_0(x)q_1(x) + p_1(x)q_0(x) + λ·q_0(x)q_1(x)] = P + λ·Q, where
 *       p_b(x) = p_{k+1}(b, x); then the proof holds p_0(ρ), p_1(ρ), q_0(ρ), q_1(ρ), absorbed
 *       as {@code "logup-gkr/layer"}; the verifier checks the sumcheck's final value equals
 *       eq(r, ρ)·[p_0q_1 + p_1q_0 + λ·q_0q_1], draws μ = {@code "logup-gkr/mu"} and continues at
 *       r' = (μ, ρ) with P = (1−μ)p_0 + μ·p_1, Q likewise.
 *   <li>Leaves (point r, n coordinates): the proof holds, per segment in shape order, q̃_s(r_low)
 *       for a lookup segment, or p̃_s(r_low) then q̃_s(r_low) for a table segment, absorbed
 *       together as {@code "logup-gkr/segments"}. The verifier checks
 *       Σ_s eq(r_high, offset_s/size_s)·(p_s, q_s) + (0, 1 − Σ_s eq(r_high, ...)) = (P, Q),
 *       with p_s = 1 for lookup segments.
 * </ol>
 *
 * Proof size: 24·(4 + Σ_{k=1}^{n−1}(3k + 4) + #lookup segments + 2·#table segments) bytes
 * ({@link dev.zkinfer.lookup.LogUpGkrVerifier#proofBytes}). Verifier time O(n² + n·#segments).
 *
 * <p>The caller draws α (and β) after absorbing the witness commitment and completes the
 * argument by checking every returned {@link dev.zkinfer.lookup.SegmentClaim}; see
 * {@link dev.zkinfer.lookup.LogUpGkrVerifier}.
 *
 * <h2>Zero-knowledge variant</h2>
 *
 * {@link dev.zkinfer.lookup.LogUpGkrVerifier#verifyMaskedTree} over a
 * {@link dev.zkinfer.lookup.ZkLeafLayout} (two committed mask segments whose sums cancel, one in
 * each half of the tree), with every layer sumcheck masked and every layer's halves masked by
 * committed Z·R masks; it ends in masked claims on the leaf layer, which
 * {@code dev.zkinfer.circuit.ZkLookups} reduces to the segments by a batched masked sumcheck.
 * docs/zero-knowledge.md §3.6 has the construction and its soundness count.
 */
package dev.zkinfer.lookup;

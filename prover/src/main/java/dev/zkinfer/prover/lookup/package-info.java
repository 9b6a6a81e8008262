/**
 * LogUp-GKR prover (Papini–Haböck, ePrint 2023/1284): {@link dev.zkinfer.prover.lookup.LogUpGkrProver}
 * builds the fraction-sum tree ({@code FractionLayer}, leaf layout from
 * {@link dev.zkinfer.lookup.SegmentLayout}; padding is never computed; the leaf layer itself is
 * never held, {@code LeafLayer} writes it a chunk at a time) and proves it top-down,
 * one {@code LayerSumcheck} per layer: the round loop of
 * {@link dev.zkinfer.prover.sumcheck.SumcheckProver} with LogUp-specific round sums (the eq
 * factor split off) in the backend's {@link dev.zkinfer.prover.backend.LogUpKernels}; every
 * backend gives identical bytes, the same as the generic sumcheck would. Protocol, wire format
 * and transcript order are specified on the verifier side, {@link dev.zkinfer.lookup}.
 *
 * <p>Typical use (one 8-bit range table shared by two lookup vectors):
 *
 * <pre>{@code
 * long[] m = Multiplicities.count(RangeTable.values(8), limbsA, limbsB);
 * // commit limbsA, limbsB and m in the witness commitment, absorb its root, THEN:
 * Ext3 alpha = transcript.challengeExt("lookup/alpha");
 * List<LogUpSegment> segs = List.of(LookupSegment.of(limbsA, 0), LookupSegment.of(limbsB, 0),
 *         TableSegment.of(RangeTable.values(8), m, 0));
 * List<SegmentClaim> claims = new LogUpGkrProver().prove(segs, alpha, proofWriter, transcript);
 * // open limbsA, limbsB, m at the claims' points (the verifier checks them, see LogUpGkrVerifier)
 * }</pre>
 */
package dev.zkinfer.prover.lookup;

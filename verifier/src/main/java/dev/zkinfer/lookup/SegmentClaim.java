package dev.zkinfer.lookup;

import dev.zkinfer.field.Ext3;

/**
 * What LogUp-GKR reduces one segment to: the segment's leaf numerator and denominator MLEs at
 * {@code point} (its logSize coordinates). The lookup argument is complete only once the caller
 * has checked these against the committed/structured data; use the accessors below, which undo
 * the leaf encoding:
 *
 * <ul>
 *   <li>lookup segment: {@link #valuesEval()} = w̃(point), the MLE of the looked-up values
 *       (combined across columns with the caller's β). The numerator is 1 and is enforced by
 *       the verifier itself.
 *   <li>table segment: {@link #valuesEval()} = t̃(point), the table's MLE (structured tables:
 *       evaluate it yourself, e.g. {@link RangeTable#evaluate}), and
 *       {@link #multiplicitiesEval()} = m̃(point), to be opened in the witness commitment.
 * </ul>
 *
 * @param segment index of the segment in the shape list
 * @param shape its shape
 * @param point r_low, logSize coordinates (variable k = bit k of the index within the segment)
 * @param p claimed numerator MLE at point (1 for lookup segments)
 * @param q claimed denominator MLE at point: α − γ·tableId − (values MLE)
 * @param alpha the caller's α
 * @param gamma the table separator γ drawn by the protocol
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record SegmentClaim(int segment, SegmentShape shape, Ext3[] point, Ext3 p, Ext3 q, Ext3 alpha, Ext3 gamma) {
    /** w̃(point) for a lookup segment, t̃(point) for a table segment: α − γ·tableId − q. */
    public Ext3 valuesEval() {
        return alpha.sub(gamma.mul(shape.tableId())).sub(q);
    }

    /** m̃(point) = −p; only for table segments. */
    public Ext3 multiplicitiesEval() {
        if (shape.kind() != SegmentKind.TABLE) {
            throw new IllegalStateException("segment " + segment + " is a lookup segment: it has no multiplicities");
        }
        return p.neg();
    }
}

package dev.zkinfer.circuit;

/**
 * Which padding entries of each tensor the circuit's relations force to 0 (integrity mode), by
 * dimension: bit d of {@link #dims} is set when every entry whose coordinate in dimension d is a
 * padding coordinate (≥ the dimension's size) is 0, whatever the prover does, or when dimension d
 * has no padding. An index map may move its claim without a sumcheck only when the input entries
 * that its claim transfer reads and its relation does not are such zeros
 * ({@link IndexMapLayer#claimTransfer}).
 *
 * <p>Facts, per kind of tensor (one pass over the layers in execution order; a tensor whose
 * maker comes later, or is none of these, has no facts: that costs only proof bytes):
 * <ul>
 *   <li>a public INPUT: all (the verifier evaluates its MLE from the values padded with 0);</li>
 *   <li>a MODEL tensor: all (the model commitment's tight layout commits only the real blocks;
 *       the verifier evaluates a model claim from the blocks, i.e. on the tensor that is 0
 *       elsewhere);</li>
 *   <li>an {@link IndexMapLayer} output: all (padding entries have no source, whether the layer
 *       is proved by sumcheck or by a claim transfer, which is exact only when it reads zeros);</li>
 *   <li>{@link LinearLayer} Y = [B, O, P..] from X = [B, P.., K] with MODEL weight and bias: the
 *       O dimension (Y[b,o,p] = Σ_k W[o,k]·X[b,p,k] + bias[o]·valid(b,p) with W's and the bias's
 *       padding rows 0), and B and each P where X has the fact (every term then has a zero X
 *       entry and valid = 0);</li>
 *   <li>{@link BatchMatMulLayer} Y[t,m,n] = Σ_k A[t,m,k]·B[t,k,n] over the padded k: T where A
 *       or B has it, M where A has it, N where B has it (each term has a zero factor);</li>
 *   <li>{@link ElementwiseLinearLayer} y = Σ c_k·x_k + constant·valid: where every x_k has it;</li>
 *   <li>{@link ElementwiseProductLayer} z = a ⊙ b: where a or b has it;</li>
 *   <li>{@link RequantLayer} y (ADVICE) with lo ≤ 0 ≤ hi: where x has it, and on the channel
 *       axis of a per-channel requantization (K_i = 0 at padding channels). The layer proves
 *       x_i·K_i + 2^(S−1) = q_i·2^S + r_i at every padded index with 0 ≤ r_i &lt; 2^S and the clamp
 *       (lookups cover the padding too), as integers by its bound analysis; x_i·K_i = 0 gives
 *       q_i = 0 (2^(S−1) = q·2^S + r has no other solution), and the clamp forms allow y ≠ q
 *       only when q &lt; lo or q &gt; hi, so y_i = q_i = 0. This reads the layer's key parameters
 *       only (x, y, m, axis, lo, hi);</li>
 *   <li>{@link TableLayer} y = table[x − inputMin] on the whole padded domain, when the table
 *       maps 0 to 0: where x has it;</li>
 *   <li>{@link SoftmaxLayer} y: the axis dimensions (its constraint (1 − A)·y = 0; its padding
 *       rows are the softmax of x's padding, not 0).</li>
 * </ul>
 * Zero-knowledge mode has masked tensors and never uses these facts.
 */
final class ZeroPadding {
    private ZeroPadding() {}

    /** The facts of every tensor of c, by tensor id (bit d: dimension d). */
    static int[] dims(Circuit c) {
        int n = c.tensors().size();
        int[] z = new int[n];
        for (int t = 0; t < n; t++) {
            CircuitTensor ct = c.tensor(t);
            z[t] = unpadded(ct.layout());
            if (ct.role() == TensorRole.INPUT || ct.role() == TensorRole.MODEL) {
                z[t] = all(ct.layout());
            }
        }
        for (Layer l : c.layers()) {
            // if/instanceof rather than a pattern switch: TeaVM (verifier-web) has no typeSwitch bootstrap
            if (l instanceof IndexMapLayer im) {
                set(c, z, im.output(), all(c.tensor(im.output()).layout()));
            } else if (l instanceof LinearLayer li) {
                if (isModel(c, li.weight()) && (li.bias() < 0 || isModel(c, li.bias()))) {
                    int x = z[li.x()], rank = c.tensor(li.y()).layout().rank();
                    int y = 0b10 | (x & 1); // O, then B from X's dimension 0
                    for (int d = 2; d < rank; d++) {
                        y |= ((x >>> (d - 1)) & 1) << d; // Y's P_j (dimension 2 + j) is X's dimension 1 + j
                    }
                    set(c, z, li.y(), y);
                }
            } else if (l instanceof BatchMatMulLayer bm) {
                int a = z[bm.a()], b = z[bm.b()];
                set(c, z, bm.y(), ((a | b) & 1) | (a & 0b10) | (b & 0b100));
            } else if (l instanceof ElementwiseLinearLayer el) {
                int y = -1;
                for (int x : el.inputs()) {
                    y &= z[x];
                }
                set(c, z, el.output(), y);
            } else if (l instanceof ElementwiseProductLayer ep) {
                set(c, z, ep.output(), z[ep.a()] | z[ep.b()]);
            } else if (l instanceof RequantLayer rq) {
                if (rq.lo() <= 0 && rq.hi() >= 0 && sameDims(c, rq.x(), rq.y())) {
                    set(c, z, rq.y(), z[rq.x()] | (rq.m().length > 1 ? 1 << rq.axis() : 0));
                }
            } else if (l instanceof TableLayer tl) {
                int zeroAt = -tl.inputMin();
                if (zeroAt >= 0 && zeroAt < tl.table().length && tl.table()[zeroAt] == 0 && sameDims(c, tl.x(), tl.y())) {
                    set(c, z, tl.y(), z[tl.x()]);
                }
            } else if (l instanceof SoftmaxLayer sm) {
                int axis = 0;
                for (int d = sm.axisFrom(); d < sm.axisTo(); d++) {
                    axis |= 1 << d;
                }
                set(c, z, sm.y(), axis);
            }
        }
        return z;
    }

    /** Adds facts to tensor t (masked to its rank; the dimensions without padding are set already). */
    private static void set(Circuit c, int[] z, int t, int facts) {
        z[t] |= facts & all(c.tensor(t).layout());
    }

    private static boolean isModel(Circuit c, int t) {
        return c.tensor(t).role() == TensorRole.MODEL;
    }

    private static boolean sameDims(Circuit c, int a, int b) {
        return java.util.Arrays.equals(c.tensor(a).layout().dims(), c.tensor(b).layout().dims());
    }

    /** Every dimension of the layout. */
    static int all(TensorLayout l) {
        return (1 << l.rank()) - 1;
    }

    /** The dimensions without padding (sizes that are powers of two). */
    static int unpadded(TensorLayout l) {
        int m = 0;
        for (int d = 0; d < l.rank(); d++) {
            if (l.dim(d) == 1 << l.dimVars(d)) {
                m |= 1 << d;
            }
        }
        return m;
    }
}

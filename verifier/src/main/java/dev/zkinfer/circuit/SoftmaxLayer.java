package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Integer softmax (QSoftmax), exactly as the integer executor computes it: over the softmax axis
 * of x, with mx = the maximum over the axis, g_j = mx − x_j, e_j = g_j ≤ offset ?
 * expTable[offset − g_j] : 0, S = Σ_j e_j and y_j = ⌊(e_j·outMax + ⌊S/2⌋) / S⌋.
 *
 * <h2>Shapes</h2>
 * x and y (ADVICE) have the same layout L, x's own shape. The softmax axis is the contiguous
 * range of dimensions [axisFrom, axisTo) of L (QSoftmax's [outer, mid, inner] view: outer = the
 * product of the dimensions before it, mid = of those inside, inner = of those after; {@link
 * #create(Circuit.Builder, int, int, int, int, int, int, int[], int, int)} finds the range).
 * A "row" is one value of the other coordinates; the axis variables of L are contiguous,
 * [axisVarOffset, axisVarOffset + axisVars). The reduced layout L_r is L with the axis
 * dimensions replaced by 1: its variables are L's non-axis variables in the same order, so a
 * tensor r of layout L_r broadcast along the (whole padded) axis has the multilinear extension
 * r̃(ρ_na), ρ_na being ρ without its axis coordinates.
 *
 * <h2>Witness</h2>
 * ADVICE with layout L: y, the gap g, the exponential e, an arg-max selector σ, the limbs of
 * u = 2·(remainder) + (S mod 2) and of v = 2S − 1 − u (8-bit limbs, the top one narrower, U bits
 * in all); with layout L_r: the row maximum m and the row sum s (m_b, s_b: their broadcasts).
 * A(j) ∈ {0,1} marks real axis positions (A = Π over the axis dimensions of [coordinate &lt; dim],
 * evaluated by the verifier in O(axis variables)); δ0(j) = [every axis coordinate is 0].
 *
 * <h2>Relation (on the whole padded domain of L)</h2>
 * <pre>
 *   Z1: A·(m_b − x − g) = 0           Z2: σ·g = 0
 *   Z3: A·(2·outMax·e + s_b − 2·y·s_b − u) = 0
 *   Z4: A·(v − (2·s_b − 1 − u)) = 0
 *   P:  (1 − A)·g = (1 − A)·σ = (1 − A)·y = (1 − A)·u = (1 − A)·v = 0
 *   R1: Σ_j A_j·e_j = s               R2: Σ_j A_j·σ_j = 1          (per row, sums over the padded axis)
 *   lookups: (g, e) ∈ {(k, k ≤ offset ? expTable[offset − k] : 0) : 0 ≤ k &lt; 2^bits};
 *            y ∈ RANGE(ybits), ybits = bit length of outMax; u, v limbs in RANGE(8) / RANGE(top width).
 * </pre>
 * The honest witness treats padding rows as rows (the softmax of x's padding values) and at
 * padding axis positions (A = 0) sets g = σ = y = u = v = 0 (every limb 0) and e = e(0) =
 * expTable[offset], the only value the gap table allows next to g = 0 (the lookups cover the
 * whole padded domain, and expTable[offset] ≥ 1, so e cannot be 0 there).
 *
 * <h2>Soundness</h2>
 * Requirement: x holds {@code bits}-bit signed integers on the whole padded domain (the gadgets
 * producing activations range-check them; index maps pad with 0). Padding axis positions: P
 * gives g = σ = y = 0 and u = v = 0, so every limb of u and v is 0 (limbs in [0, 2^8) whose
 * weighted sum is below 2^62 &lt; p are 0 when the sum is 0 in the field), and the gap lookup
 * with g = 0 gives e = expTable[offset]: no value of a proof is left free. In a row: R2 gives
 * a real j* with σ_j* ≠ 0, so g_j* = 0 by Z2 and m = x_j* by Z1. For every real j, Z1 gives
 * x_j* − x_j ≡ g_j with g_j ∈ [0, 2^bits) (the table's first column) and |x_j* − x_j| &lt; 2^bits,
 * so x_j* − x_j = g_j over the integers: x_j* is the maximum and g_j = mx − x_j exactly. The
 * table is a function of its first column, so e_j is the executor's e_j (0 below −offset).
 * R1: s ≡ Σ e_j, an integer in [expTable[offset], Smax] with Smax = mid·max(expTable) &lt; p, so
 * s = S exactly and S ≥ 1. Z3 (real j) with y ∈ [0, 2^ybits), u, v ∈ [0, 2^U): both sides of
 * 2·outMax·e + S = 2·y·S + u are integers in [0, p) (create requires 2^(ybits+1)·Smax + 2^U &lt;
 * p), so it holds over the integers; Z4 likewise gives v = 2S − 1 − u, so 0 ≤ u ≤ 2S − 1. The
 * integer equation forces u ≡ S (mod 2); with t = S mod 2, r = (u − t)/2 ∈ [0, S − 1] and
 * e·outMax + (S − t)/2 = y·S + r, i.e. y = ⌊(e·outMax + ⌊S/2⌋) / S⌋ — the executor's value.
 * The constraints are batched with powers of one challenge β: Σ_x eq(τ, x)·[Z1 + βZ2 + β²Z3 +
 * β³Z4 + Σ_{k=0..4} β^(6+k)·P_k] + Σ_x eq(τ_na, x_na)·[β⁴(A·e − δ0·s_b) + β⁵(A·σ − δ0)] =
 * Z̃(τ) + β⁴R̃1(τ_na) + β⁵R̃2(τ_na) (the row sums because Σ_j δ0(j) = 1), which is 0 for random
 * τ, β only if every constraint holds, except with probability ≤ (n + 10)/|GF(p^3)|; the
 * degree-4 sumcheck (eq·A·y·s_b) adds 4n/|GF(p^3)|. All witness tensors are committed before
 * τ and β are drawn.
 *
 * <h2>Sub-proof (transcript and wire format)</h2>
 * Domain "zkinfer/layer/Softmax/v2" (v1 left the padding free and had a degree-3 sumcheck);
 * τ ∈ GF(p^3)^n ("softmax/tau", n = L.numVars()), β ("softmax/batch"); the sumcheck (claimed
 * sum 0, n variables, degree {@value #SUMCHECK_DEGREE}; {@link
 * SumcheckVerifier}) of the sum above, ending at ρ; then the evaluations (GF(p^3) each,
 * absorbed together as "softmax/evals") of x, y, g, e, σ, the u limbs, the v limbs at ρ and of
 * m, s at ρ_na, in {@link #operands()} order; the verifier recomputes the summand at ρ (A, δ0,
 * both eq factors itself, O(n)) and emits the claims in that order. Verifier cost O(n + limbs).
 *
 * <p>Key encoding: x, y, axisFrom, axisTo, mid, bits, outMax, offset, offset + 1 table entries
 * (u32), then the tensor ids of g, e, σ, m, s, the u limbs and the v limbs (their count follows
 * from the parameters).
 * Immutable and thread-safe.
 */
public final class SoftmaxLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/Softmax/v2";
    /** Degree of the layer's sumcheck in each variable (the term eq·A·y·s_b). */
    public static final int SUMCHECK_DEGREE = 4;
    /** Largest exp-table entry (QSoftmax's are ≤ 2^15). */
    public static final int MAX_EXP = 1 << 24;
    /** Largest offset (exp table of offset + 1 entries). */
    public static final int MAX_OFFSET = 1 << LookupTable.MAX_LOG_SIZE;

    private final int x;
    private final int y;
    private final int axisFrom;
    private final int axisTo;
    private final int mid;
    private final int bits;
    private final int outMax;
    private final int offset;
    private final int[] expTable;
    private final int gap;
    private final int exp;
    private final int sel;
    private final int max;
    private final int sum;
    private final int[] uLimbs;
    private final int[] vLimbs;
    private final int ybits;
    private final int ubits;
    private final LookupTable gapTable;

    private SoftmaxLayer(int x, int y, int axisFrom, int axisTo, int mid, int bits, int outMax, int offset, int[] expTable,
            int gap, int exp, int sel, int max, int sum, int[] uLimbs, int[] vLimbs) {
        int[] widths = check(axisFrom, axisTo, mid, bits, outMax, offset, expTable);
        this.ybits = widths[0];
        this.ubits = widths[1];
        if (uLimbs.length != limbCount(ubits) || vLimbs.length != limbCount(ubits)) {
            throw new IllegalArgumentException("Softmax layer: wrong number of limb tensors");
        }
        this.x = x;
        this.y = y;
        this.axisFrom = axisFrom;
        this.axisTo = axisTo;
        this.mid = mid;
        this.bits = bits;
        this.outMax = outMax;
        this.offset = offset;
        this.expTable = expTable.clone();
        this.gap = gap;
        this.exp = exp;
        this.sel = sel;
        this.max = max;
        this.sum = sum;
        this.uLimbs = uLimbs.clone();
        this.vLimbs = vLimbs.clone();
        long[] gs = new long[1 << bits];
        long[] es = new long[1 << bits];
        for (int k = 0; k < gs.length; k++) {
            gs[k] = k;
            es[k] = expOfGap(k);
        }
        this.gapTable = LookupTable.explicit(new long[][] {gs, es});
    }

    /** Checks the parameters; returns {ybits, U}. */
    private static int[] check(int axisFrom, int axisTo, int mid, int bits, int outMax, int offset, int[] expTable) {
        if (axisFrom < 0 || axisTo <= axisFrom || axisTo > Circuit.MAX_RANK) {
            throw new IllegalArgumentException("Softmax layer: axis range [" + axisFrom + ", " + axisTo + ") is invalid");
        }
        if (mid < 1 || mid > 1 << TensorLayout.MAX_VARS) {
            throw new IllegalArgumentException("Softmax layer: axis length " + mid + " out of range");
        }
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("Softmax layer: input width " + bits + " outside [1, 16]");
        }
        if (outMax < 1 || outMax > 0xFFFF) {
            throw new IllegalArgumentException("Softmax layer: outMax " + outMax + " outside [1, 65535]");
        }
        if (offset < 0 || offset >= MAX_OFFSET || expTable.length != offset + 1) {
            throw new IllegalArgumentException("Softmax layer: exp table of " + expTable.length + " entries for offset " + offset);
        }
        long maxE = 0;
        for (int v : expTable) {
            if (v < 0 || v > MAX_EXP) {
                throw new IllegalArgumentException("Softmax layer: exp table entry " + v + " outside [0, 2^24]");
            }
            maxE = Math.max(maxE, v);
        }
        if (expTable[offset] < 1) {
            throw new IllegalArgumentException("Softmax layer: expTable[offset] must be positive");
        }
        long sMax = mid * maxE;
        int ybits = 32 - Integer.numberOfLeadingZeros(outMax);
        int ubits = 64 - Long.numberOfLeadingZeros(2 * sMax - 1);
        // 2^(ybits+1)·Smax + 2^U < 2^63 < p (and 2·outMax·maxE + Smax < 2^42 + 2^53 < p)
        if (ybits + 1 + (64 - Long.numberOfLeadingZeros(sMax)) > 62 || ubits > 62) {
            throw new IllegalArgumentException("Softmax layer: axis length " + mid + " with exp values up to " + maxE
                    + " is too large for a sound field encoding");
        }
        return new int[] {ybits, ubits};
    }

    /** ⌈width / 8⌉. */
    static int limbCount(int width) {
        return (width + 7) / 8;
    }

    /** Width of limb j of a width-bit quantity in 8-bit limbs. */
    public static int limbWidth(int width, int j) {
        return Math.min(8, width - 8 * j);
    }

    /**
     * Softmax over the QSoftmax view [outer, mid, inner] of x: the axis is the range of x's
     * dimensions whose products before, inside and after it are outer, mid and inner (any such
     * range: dimensions of size 1 do not matter). Adds the ADVICE tensors (g, e, σ, m, s, the u
     * limbs, the v limbs) and returns the layer (add it to the builder yourself).
     *
     * @param x bits-bit signed integers (on the whole padded domain, see the class javadoc)
     * @param y ADVICE, x's layout
     * @param expTable at least offset + 1 entries (those after offset are never used and are dropped)
     * @throws IllegalArgumentException on inconsistent shapes or parameters
     */
    public static SoftmaxLayer create(Circuit.Builder b, int x, int y, int outer, int mid, int inner, int offset,
            int[] expTable, int outMax, int bits) {
        TensorLayout lx = b.get(x).layout();
        int[] dims = lx.dims();
        if (outer < 1 || mid < 1 || inner < 1 || (long) outer * mid * inner != lx.size()) {
            throw new IllegalArgumentException("Softmax layer: view [" + outer + ", " + mid + ", " + inner + "] of a tensor "
                    + lx);
        }
        if (offset < 0 || expTable.length < offset + 1) {
            throw new IllegalArgumentException("Softmax layer: exp table of " + expTable.length + " entries for offset " + offset);
        }
        for (int a0 = 0; a0 <= dims.length; a0++) {
            if (product(dims, 0, a0) != outer) {
                continue;
            }
            for (int a1 = a0 + 1; a1 <= dims.length; a1++) {
                if (product(dims, a0, a1) == mid && product(dims, a1, dims.length) == inner) {
                    return create(b, x, y, a0, a1, offset, Arrays.copyOf(expTable, offset + 1), outMax, bits);
                }
            }
        }
        throw new IllegalArgumentException("Softmax layer: view [" + outer + ", " + mid + ", " + inner
                + "] does not follow the dimensions of " + lx);
    }

    private static long product(int[] dims, int from, int to) {
        long p = 1;
        for (int d = from; d < to; d++) {
            p *= dims[d];
        }
        return p;
    }

    /** Softmax over the dimensions [axisFrom, axisTo) of x (see the class javadoc). */
    public static SoftmaxLayer create(Circuit.Builder b, int x, int y, int axisFrom, int axisTo, int offset, int[] expTable,
            int outMax, int bits) {
        TensorLayout lx = b.get(x).layout();
        if (!lx.equals(b.get(y).layout())) {
            throw new IllegalArgumentException("Softmax layer: x " + lx + " and y " + b.get(y).layout() + " have different layouts");
        }
        if (b.get(y).role() != TensorRole.ADVICE) {
            throw new IllegalArgumentException("Softmax layer: y must be an ADVICE tensor");
        }
        if (axisFrom < 0 || axisTo <= axisFrom || axisTo > lx.rank()) {
            throw new IllegalArgumentException("Softmax layer: axis range [" + axisFrom + ", " + axisTo + ") of a tensor " + lx);
        }
        int mid = (int) product(lx.dims(), axisFrom, axisTo);
        int[] w = check(axisFrom, axisTo, mid, bits, outMax, offset, expTable);
        String name = b.get(y).name();
        TensorLayout lr = reduced(lx, axisFrom, axisTo);
        int g = b.tensor(name + "/softmax gap", lx, TensorRole.ADVICE);
        int e = b.tensor(name + "/softmax exp", lx, TensorRole.ADVICE);
        int s = b.tensor(name + "/softmax argmax selector", lx, TensorRole.ADVICE);
        int m = b.tensor(name + "/softmax max", lr, TensorRole.ADVICE);
        int sm = b.tensor(name + "/softmax sum", lr, TensorRole.ADVICE);
        int[] u = new int[limbCount(w[1])];
        for (int j = 0; j < u.length; j++) {
            u[j] = b.tensor(name + "/softmax remainder limb " + j, lx, TensorRole.ADVICE);
        }
        int[] v = new int[limbCount(w[1])];
        for (int j = 0; j < v.length; j++) {
            v[j] = b.tensor(name + "/softmax remainder bound limb " + j, lx, TensorRole.ADVICE);
        }
        return new SoftmaxLayer(x, y, axisFrom, axisTo, mid, bits, outMax, offset, expTable, g, e, s, m, sm, u, v);
    }

    /** L with the dimensions [axisFrom, axisTo) replaced by 1. */
    public static TensorLayout reduced(TensorLayout l, int axisFrom, int axisTo) {
        int[] d = l.dims();
        for (int k = axisFrom; k < axisTo; k++) {
            d[k] = 1;
        }
        return new TensorLayout(d);
    }

    /** e for a gap k ≥ 0: expTable[offset − k] if k ≤ offset, else 0. */
    public long expOfGap(long k) {
        return k <= offset ? expTable[(int) (offset - k)] : 0;
    }

    public int x() {
        return x;
    }

    public int y() {
        return y;
    }

    public int axisFrom() {
        return axisFrom;
    }

    public int axisTo() {
        return axisTo;
    }

    public int mid() {
        return mid;
    }

    public int bits() {
        return bits;
    }

    public int outMax() {
        return outMax;
    }

    public int offset() {
        return offset;
    }

    public int[] expTable() {
        return expTable.clone();
    }

    public int gap() {
        return gap;
    }

    public int exp() {
        return exp;
    }

    public int selector() {
        return sel;
    }

    public int max() {
        return max;
    }

    public int sum() {
        return sum;
    }

    public int[] remainderLimbs() {
        return uLimbs.clone();
    }

    public int[] boundLimbs() {
        return vLimbs.clone();
    }

    /** U: the width of u and v. */
    public int remainderBits() {
        return ubits;
    }

    /** The bit length of outMax (y's range check). */
    public int outputBits() {
        return ybits;
    }

    /** The first axis variable of {@code l}. */
    public int axisVarOffset(TensorLayout l) {
        return l.varOffset(axisTo - 1);
    }

    /** The number of axis variables of {@code l}. */
    public int axisVars(TensorLayout l) {
        int v = 0;
        for (int d = axisFrom; d < axisTo; d++) {
            v += l.dimVars(d);
        }
        return v;
    }

    /** A over the padded domain of l: 1 where every axis coordinate is real. */
    public long[] axisMaskTable(TensorLayout l) {
        long[] t = new long[l.paddedSize()];
        for (int i = 0; i < t.length; i++) {
            boolean ok = true;
            for (int d = axisFrom; d < axisTo && ok; d++) {
                ok = ((i >>> l.varOffset(d)) & ((1 << l.dimVars(d)) - 1)) < l.dim(d);
            }
            t[i] = ok ? 1 : 0;
        }
        return t;
    }

    /** δ0 over the padded domain of l: 1 where every axis coordinate is 0. */
    public long[] axisFirstTable(TensorLayout l) {
        long[] t = new long[l.paddedSize()];
        int mask = ((1 << axisVars(l)) - 1) << axisVarOffset(l);
        for (int i = 0; i < t.length; i++) {
            t[i] = (i & mask) == 0 ? 1 : 0;
        }
        return t;
    }

    /** Ã(ρ), O(axis variables). */
    public Ext3 axisMaskAt(TensorLayout l, Ext3[] rho) {
        Ext3 acc = Ext3.ONE;
        for (int d = axisFrom; d < axisTo; d++) {
            acc = acc.mul(Validity.prefixEq(rho, l.varOffset(d), l.dimVars(d), l.dim(d)));
        }
        return acc;
    }

    /** δ̃0(ρ) = Π over the axis variables of (1 − ρ_k). */
    public Ext3 axisFirstAt(TensorLayout l, Ext3[] rho) {
        Ext3 acc = Ext3.ONE;
        int off = axisVarOffset(l);
        for (int k = off; k < off + axisVars(l); k++) {
            acc = acc.mul(Ext3.ONE.sub(rho[k]));
        }
        return acc;
    }

    /** ρ without its axis coordinates (a point of the reduced layout). */
    public Ext3[] dropAxis(TensorLayout l, Ext3[] rho) {
        int off = axisVarOffset(l), av = axisVars(l);
        Ext3[] r = new Ext3[rho.length - av];
        System.arraycopy(rho, 0, r, 0, off);
        System.arraycopy(rho, off + av, r, off, rho.length - off - av);
        return r;
    }

    /** The (g, e) table: rows (k, e(k)) for k in [0, 2^bits). */
    public LookupTable gapTable() {
        return gapTable;
    }

    @Override
    public int tag() {
        return LayerCodec.SOFTMAX;
    }

    @Override
    public String kind() {
        return "Softmax";
    }

    @Override
    public int[] outputs() {
        return new int[0];
    }

    /** x, y, g, e, σ, u limbs, v limbs, m, s: also the order of the evaluations and claims. */
    @Override
    public int[] operands() {
        int lc = uLimbs.length;
        int[] ops = new int[7 + 2 * lc];
        ops[0] = x;
        ops[1] = y;
        ops[2] = gap;
        ops[3] = exp;
        ops[4] = sel;
        System.arraycopy(uLimbs, 0, ops, 5, lc);
        System.arraycopy(vLimbs, 0, ops, 5 + lc, lc);
        ops[5 + 2 * lc] = max;
        ops[6 + 2 * lc] = sum;
        return ops;
    }

    @Override
    public List<LookupSpec> lookups() {
        List<LookupSpec> l = new ArrayList<>();
        l.add(new LookupSpec(gapTable, new int[] {gap, exp}, new long[] {0, 0}));
        l.add(LookupSpec.range(ybits, y, 0));
        for (int j = 0; j < uLimbs.length; j++) {
            l.add(LookupSpec.range(limbWidth(ubits, j), uLimbs[j], 0));
        }
        for (int j = 0; j < vLimbs.length; j++) {
            l.add(LookupSpec.range(limbWidth(ubits, j), vLimbs[j], 0));
        }
        return l;
    }

    /** Σ_j evals[from + j]·2^(8j). */
    private static Ext3 recombine(Ext3[] evals, int from, int count) {
        Ext3 acc = Ext3.ZERO;
        for (int j = count - 1; j >= 0; j--) {
            acc = acc.mul(256).add(evals[from + j]);
        }
        return acc;
    }

    /**
     * The summand at one point from the evaluations (operands order), eq(τ, ρ), eq(τ_na, ρ_na),
     * Ã(ρ) and δ̃0(ρ).
     */
    public Ext3 summand(Ext3 beta, Ext3 eqAll, Ext3 eqRow, Ext3 a, Ext3 d0, Ext3[] ev) {
        int lc = uLimbs.length;
        Ext3 xv = ev[0], yv = ev[1], g = ev[2], e = ev[3], sg = ev[4];
        Ext3 u = recombine(ev, 5, lc);
        Ext3 v = recombine(ev, 5 + lc, lc);
        Ext3 m = ev[5 + 2 * lc], s = ev[6 + 2 * lc];
        Ext3[] bp = betaPowers(beta);
        Ext3 free = Ext3.ONE.sub(a);
        Ext3 z1 = a.mul(m.sub(xv).sub(g));
        Ext3 z2 = sg.mul(g);
        Ext3 z3 = a.mul(e.mul(2L * outMax).add(s).sub(yv.mul(s).mul(2)).sub(u));
        Ext3 z4 = a.mul(v.sub(s.mul(2)).add(1).add(u));
        Ext3 pad = free.mul(bp[6].mul(g).add(bp[7].mul(sg)).add(bp[8].mul(yv)).add(bp[9].mul(u)).add(bp[10].mul(v)));
        Ext3 r1 = a.mul(e).sub(d0.mul(s));
        Ext3 r2 = a.mul(sg).sub(d0);
        Ext3 zero = z1.add(beta.mul(z2)).add(bp[2].mul(z3)).add(bp[3].mul(z4)).add(pad);
        return eqAll.mul(zero).add(eqRow.mul(bp[4].mul(r1).add(bp[5].mul(r2))));
    }

    /** β^0 .. β^10: the batching weights of Z1..Z4, R1, R2 and the five padding constraints. */
    public static Ext3[] betaPowers(Ext3 beta) {
        Ext3[] p = new Ext3[11];
        p[0] = Ext3.ONE;
        for (int k = 1; k < p.length; k++) {
            p[k] = p[k - 1].mul(beta);
        }
        return p;
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        ctx.transcript().domain(DOMAIN);
        TensorLayout layout = ctx.layout(x);
        if (axisTo > layout.rank() || product(layout.dims(), axisFrom, axisTo) != mid) {
            throw new InvalidProofException("Softmax layer: the axis does not match the input tensor " + layout);
        }
        TensorLayout lr = reduced(layout, axisFrom, axisTo);
        int[] ops = operands();
        for (int i = 0; i < ops.length; i++) {
            if (!ctx.layout(ops[i]).equals(i < ops.length - 2 ? layout : lr)) {
                throw new InvalidProofException("Softmax layer: operand layouts differ");
            }
        }
        int n = layout.numVars();
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = ctx.transcript().challengeExt("softmax/tau");
        }
        Ext3 beta = ctx.transcript().challengeExt("softmax/batch");
        // in zero-knowledge mode the zero-check is masked, over the masked operands, the row maximum
        // and sum masked on their own (non-axis) variables (docs/zero-knowledge.md §3.2)
        if (ctx.zeroKnowledge() && axisVars(layout) == n) {
            throw new IllegalStateException("zero-knowledge mode cannot mask one-element tensors (Softmax)");
        }
        SumcheckClaim sc = ZkSteps.zeroCheck(ctx, n, SUMCHECK_DEGREE, () -> zeroKnowledgeDegrees(layout, ctx::tensorMaskDegree),
                "Softmax");
        Ext3[] rho = sc.point();
        Ext3 finalValue = sc.value();
        long[] raw = ctx.proof().exts("softmax evaluations", ops.length);
        ctx.transcript().absorbExts("softmax/evals", raw, 0, ops.length);
        Ext3[] ev = new Ext3[ops.length];
        for (int i = 0; i < ops.length; i++) {
            ev[i] = Ext3.get(raw, i);
        }
        Ext3[] rhoRow = dropAxis(layout, rho);
        Ext3 expected = summand(beta, Mle.eq(tau, rho), Mle.eq(dropAxis(layout, tau), rhoRow), axisMaskAt(layout, rho),
                axisFirstAt(layout, rho), ev);
        if (!expected.equals(finalValue)) {
            throw new InvalidProofException("Softmax layer: the softmax constraints do not hold at the sumcheck point");
        }
        for (int i = 0; i < ops.length; i++) {
            ctx.claim(ops[i], i < ops.length - 2 ? rho : rhoRow, ev[i]);
        }
    }

    /**
     * Zero-knowledge: the instance variables of the row tensors (max, sum): every variable but the
     * axis's, as a bit set.
     */
    public int rowVars(TensorLayout layout) {
        int n = layout.numVars(), off = axisVarOffset(layout), av = axisVars(layout);
        int all = (int) ((1L << n) - 1);
        return all & ~((int) ((1L << (off + av)) - 1) & ~((1 << off) - 1));
    }

    /**
     * Zero-knowledge: the masked zero-check's per-round degrees ({@code delta}: a tensor's mask
     * degree, −1 unmasked), at least the integrity degree in every round, from the zero-check's terms (the prover's instance has exactly these factors;
     * public tables are −1; the u and v limbs, recombined, count as their first limb with the
     * largest δ among them).
     */
    public int[] zeroKnowledgeDegrees(TensorLayout layout, java.util.function.IntUnaryOperator delta) {
        int n = layout.numVars();
        int rows = rowVars(layout);
        int rowLast = 31 - Integer.numberOfLeadingZeros(rows);
        int rowFirst = Integer.numberOfTrailingZeros(rows);
        int u = uLimbs.length == 0 ? -1 : uLimbs[0], v = vLimbs.length == 0 ? -1 : vLimbs[0];
        int[][] terms = {
            {-1, -1, max}, {-1, -1, x}, {-1, -1, gap}, {-1, sel, gap}, {-1, -1, exp}, {-1, -1, sum}, {-1, -1, y, sum},
            {-1, -1, u}, {-1, -1, v}, {-1, -1}, {-1, -1, gap}, {-1, -1, sel}, {-1, -1, y}, {-1, -1, u}, {-1, -1, v},
            {-1, -1, exp}, {-1, -1, sum}, {-1, -1, sel}, {-1, -1}};
        java.util.function.IntUnaryOperator d = t -> t == u && u >= 0 ? maxDelta(uLimbs, delta)
                : t == v && v >= 0 ? maxDelta(vLimbs, delta) : delta.applyAsInt(t);
        int[] degrees = ZkSteps.maskedTermsDegrees(n, terms, d,
                t -> t == max || t == sum ? rowLast : n - 1, t -> t == max || t == sum ? rowFirst : 0);
        for (int i = 0; i < n; i++) {
            degrees[i] = Math.max(SUMCHECK_DEGREE, degrees[i]);
        }
        return degrees;
    }

    private static int maxDelta(int[] limbs, java.util.function.IntUnaryOperator delta) {
        int m = -1;
        for (int t : limbs) {
            m = Math.max(m, delta.applyAsInt(t));
        }
        return m;
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(x).u32(y).u32(axisFrom).u32(axisTo).u32(mid).u32(bits).u32(outMax).u32(offset);
        for (int v : expTable) {
            out.u32(v);
        }
        out.u32(gap).u32(exp).u32(sel).u32(max).u32(sum);
        for (int t : uLimbs) {
            out.u32(t);
        }
        for (int t : vLimbs) {
            out.u32(t);
        }
    }

    public static SoftmaxLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int x = LayerCodec.tensorId(in, tensorCount, "softmax input");
        int y = LayerCodec.tensorId(in, tensorCount, "softmax output");
        int axisFrom = in.length("softmax axis start", 0, Circuit.MAX_RANK - 1);
        int axisTo = in.length("softmax axis end", 1, Circuit.MAX_RANK);
        int mid = in.length("softmax axis length", 1, 1 << TensorLayout.MAX_VARS);
        int bits = in.length("softmax input width", 1, 16);
        int outMax = in.length("softmax outMax", 1, 0xFFFF);
        int offset = in.length("softmax offset", 0, MAX_OFFSET - 1);
        if (offset + 1 > in.remaining() / 4) {
            throw new MalformedProofException("truncated softmax exp table");
        }
        int[] table = new int[offset + 1];
        for (int k = 0; k < table.length; k++) {
            table[k] = in.length("softmax exp table entry", 0, MAX_EXP);
        }
        int[] w;
        try {
            w = check(axisFrom, axisTo, mid, bits, outMax, offset, table);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException(e.getMessage());
        }
        int g = LayerCodec.tensorId(in, tensorCount, "softmax gap");
        int e = LayerCodec.tensorId(in, tensorCount, "softmax exp");
        int s = LayerCodec.tensorId(in, tensorCount, "softmax selector");
        int m = LayerCodec.tensorId(in, tensorCount, "softmax max");
        int sm = LayerCodec.tensorId(in, tensorCount, "softmax sum");
        int[] u = new int[limbCount(w[1])];
        for (int j = 0; j < u.length; j++) {
            u[j] = LayerCodec.tensorId(in, tensorCount, "softmax remainder limb");
        }
        int[] v = new int[limbCount(w[1])];
        for (int j = 0; j < v.length; j++) {
            v[j] = LayerCodec.tensorId(in, tensorCount, "softmax remainder bound limb");
        }
        try {
            return new SoftmaxLayer(x, y, axisFrom, axisTo, mid, bits, outMax, offset, table, g, e, s, m, sm, u, v);
        } catch (IllegalArgumentException ex) {
            throw new MalformedProofException(ex.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftmaxLayer l && l.x == x && l.y == y && l.axisFrom == axisFrom && l.axisTo == axisTo
                && l.mid == mid && l.bits == bits && l.outMax == outMax && l.offset == offset
                && Arrays.equals(l.expTable, expTable) && l.gap == gap && l.exp == exp && l.sel == sel && l.max == max
                && l.sum == sum && Arrays.equals(l.uLimbs, uLimbs) && Arrays.equals(l.vLimbs, vLimbs);
    }

    @Override
    public int hashCode() {
        return ((x * 31 + y) * 31 + Arrays.hashCode(expTable)) * 31 + Arrays.hashCode(uLimbs);
    }

    @Override
    public String toString() {
        return "Softmax(" + x + " -> " + y + ", axis [" + axisFrom + ", " + axisTo + "), mid " + mid + ")";
    }
}

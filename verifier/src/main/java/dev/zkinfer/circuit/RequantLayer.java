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
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Requantization (QRequant): {@code y = clamp((x·M_c + 2^(s_c−1)) >> s_c, lo, hi)} per channel c
 * along {@code axis} of x (c = 0 everywhere when there is one multiplier), proven as a
 * shift-with-remainder relation plus a clamp, with range lookups on remainder limbs.
 *
 * <h2>Relation</h2>
 * All channels are aligned to the common shift S = max_c s_c: with K_c = M_c·2^(S−s_c),
 * (x·M_c + 2^(s_c−1)) >> s_c = ⌊(x·K_c + 2^(S−1)) / 2^S⌋. The prover supplies (ADVICE, same
 * layout as y) the remainder r as ⌈S/8⌉ limbs and the clamp overflows dp, dn ≥ 0 as ⌈D/8⌉ limbs
 * each; with q = y + dp − dn the layer proves for every padded index i
 * <pre>
 *   x_i·K_i + 2^(S−1) = q_i·2^S + r_i,   dp_i·(hi − y_i) = 0,   dn_i·(y_i − lo) = 0
 * </pre>
 * where K is the per-channel multiplier broadcast over the padded domain (K_i = K_c for the
 * channel coordinate c of i, and 0 for padding channel coordinates c ≥ C; with one multiplier,
 * K_i = K_0 everywhere). Its multilinear extension at ρ therefore depends only on the channel
 * variables and costs the verifier O(C). Padding entries satisfy the same relation with their
 * K_i (the honest witness computes them by this formula).
 *
 * <h2>Lookups</h2>
 * Every 8-bit limb in RANGE(8); the top limb of a b-bit quantity (b = S − 8(⌈S/8⌉−1), resp.
 * D − 8(⌈D/8⌉−1)) in RANGE(b) (a separate, tiny table: LookupSpec cannot scale a column, so the
 * "shift the top limb up and look it up in RANGE(8)" trick would need an extra full-size advice
 * tensor); y − lo in RANGE(bits) and, when hi − lo + 1 &lt; 2^bits, also
 * y + (2^bits − 1 − hi) in RANGE(bits), so together lo ≤ y ≤ hi.
 *
 * <h2>Soundness (bound analysis)</h2>
 * The lookups give, as integers: 0 ≤ r &lt; 2^S, 0 ≤ dp, dn &lt; 2^D, lo ≤ y ≤ hi. x is a true
 * int32 value (−2^31 ≤ x &lt; 2^31; upstream linear layers are exact). Hence
 * L = x·K_c + 2^(S−1) ∈ [Lmin, Lmax] and R = q·2^S + r ∈ [(lo − 2^D + 1)·2^S,
 * (hi + 2^D − 1)·2^S + 2^S − 1]. The field equation says L ≡ R (mod p); D is chosen so that
 * max(Lmax − Rmin, Rmax − Lmin) &lt; p for every channel, so L = R over the integers, i.e.
 * q = ⌊L / 2^S⌋ and r = L mod 2^S. The two products are field equations of small integers:
 * dp·(hi − y) = 0 in the field means dp = 0 or y = hi (both factors are below p in absolute
 * value and p is prime); likewise for dn. lo &lt; hi, so dp and dn are never both nonzero, and
 * y = clamp(q, lo, hi) follows case by case. All element-wise constraints are batched into one
 * degree-3 zero-check sumcheck (soundness error ≤ (3n + 3)/|GF(p^3)| plus the Schwartz–Zippel
 * error n/|GF(p^3)| of the eq-weighted zero-check).
 *
 * <p>D: the smallest width covering every clamp overflow an int32 accumulator can produce
 * (D_need, so the honest prover never fails), capped by the largest sound width D_max; create
 * fails if not even D = 1 is sound. Example, LeNet-like parameters M_c ∈ [2^23, 2^24),
 * s_c ∈ [32, 35], int8 output: S = 35, K_c &lt; 2^27, |L| &lt; 2^58 + 2^34, D_need = 23 (|q| ≤
 * 2^31·2^24/2^32 = 2^23), D_max ≈ 28 (2^58 + 2^(D+35) &lt; 2^64), so D = 23: 5 remainder limbs
 * (4×8 + 3 bits) and 3 limbs (8, 8, 7 bits) for each of dp and dn.
 *
 * <h2>Sub-proof</h2>
 * Transcript and wire format: domain "zkinfer/layer/Requant/v1"; τ ∈ GF(p^3)^n
 * ("requant/tau"), c0, c1, c2 ("requant/batch"); the sumcheck (claimed sum 0, n variables,
 * degree 3; {@link SumcheckVerifier}) of Σ_i eq(τ, i)·[c0·(x_i·K_i + 2^(S−1) − (y_i + dp_i −
 * dn_i)·2^S − r_i) + c1·dp_i·(hi − y_i) + c2·dn_i·(y_i − lo)] with dp = Σ_k dpLimb_k·2^(8k)
 * (etc.), ending at ρ; then the evaluations at ρ of x, y, r limbs, dp limbs, dn limbs (GF(p^3)
 * each, absorbed as "requant/evals"); the verifier recomputes the summand at ρ (K̃(ρ) itself)
 * and emits claims in that same order, all at ρ.
 */
public final class RequantLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/Requant/v1";
    public static final int MAX_SHIFT = 56;
    private static final BigInteger P = new BigInteger(Long.toUnsignedString(Goldilocks.P));
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private final int x;
    private final int y;
    private final int axis;
    private final int[] m;
    private final int[] shift;
    private final int lo;
    private final int hi;
    private final int bits;
    private final int[] rLimbs;
    private final int[] dpLimbs;
    private final int[] dnLimbs;
    private final int bigShift;
    private final int overflowBits;
    private final long[] k;

    private RequantLayer(int x, int y, int axis, int[] m, int[] shift, int lo, int hi, int bits, int[] rLimbs,
            int[] dpLimbs, int[] dnLimbs) {
        Params p = Params.check(m, shift, lo, hi, bits);
        if (rLimbs.length != limbCount(p.s) || dpLimbs.length != limbCount(p.d) || dnLimbs.length != limbCount(p.d)) {
            throw new IllegalArgumentException("Requant layer: wrong number of limb tensors");
        }
        this.x = x;
        this.y = y;
        this.axis = axis;
        this.m = m.clone();
        this.shift = shift.clone();
        this.lo = lo;
        this.hi = hi;
        this.bits = bits;
        this.rLimbs = rLimbs.clone();
        this.dpLimbs = dpLimbs.clone();
        this.dnLimbs = dnLimbs.clone();
        this.bigShift = p.s;
        this.overflowBits = p.d;
        this.k = p.k;
    }

    /** The derived parameters S, D and K_c, checked for soundness. */
    private record Params(int s, int d, long[] k) {
        static Params check(int[] m, int[] shift, int lo, int hi, int bits) {
            if (m.length == 0 || m.length != shift.length) {
                throw new IllegalArgumentException("Requant layer: " + m.length + " multipliers and " + shift.length + " shifts");
            }
            if (bits < 1 || bits > 16) {
                throw new IllegalArgumentException("Requant layer: output width " + bits + " is outside [1, 16]");
            }
            if (lo >= hi || (long) hi - lo + 1 > 1L << bits) {
                throw new IllegalArgumentException("Requant layer: clamp range [" + lo + ", " + hi + "] does not fit "
                        + bits + " bits with lo < hi");
            }
            int s = 0;
            for (int sc : shift) {
                if (sc < 1 || sc > MAX_SHIFT) {
                    throw new IllegalArgumentException("Requant layer: shift " + sc + " is outside [1, " + MAX_SHIFT + "]");
                }
                s = Math.max(s, sc);
            }
            BigInteger[] kb = new BigInteger[m.length];
            for (int c = 0; c < m.length; c++) {
                kb[c] = BigInteger.valueOf(m[c]).shiftLeft(s - shift[c]);
            }
            if (!sound(kb, s, 1, lo, hi)) {
                throw new IllegalArgumentException("Requant layer: multipliers too large for a sound field encoding: "
                        + "|x·K_c + 2^(S−1)| for int32 x with K_c = M_c·2^(S−s_c), S = " + s
                        + ", together with (hi + 1)·2^S, reaches p (reduce the spread of the shifts or the multipliers)");
            }
            int dMax = 1;
            while (dMax < 62 && sound(kb, s, dMax + 1, lo, hi)) {
                dMax++;
            }
            BigInteger need = BigInteger.ZERO;
            BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
            for (BigInteger kc : kb) {
                BigInteger q1 = INT32_MIN.multiply(kc).add(half).shiftRight(s);
                BigInteger q2 = INT32_MAX.multiply(kc).add(half).shiftRight(s);
                BigInteger qmin = q1.min(q2), qmax = q1.max(q2);
                need = need.max(qmax.subtract(BigInteger.valueOf(hi))).max(BigInteger.valueOf(lo).subtract(qmin));
            }
            int d = Math.max(1, Math.min(dMax, need.bitLength()));
            long[] k = new long[m.length];
            for (int c = 0; c < m.length; c++) {
                k[c] = Goldilocks.fromSigned(kb[c].longValueExact());
            }
            return new Params(s, d, k);
        }

        /** max(Lmax − Rmin, Rmax − Lmin) < p for every channel (see the class javadoc). */
        static boolean sound(BigInteger[] kb, int s, int d, int lo, int hi) {
            BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
            BigInteger twoS = BigInteger.ONE.shiftLeft(s);
            BigInteger dm = BigInteger.ONE.shiftLeft(d).subtract(BigInteger.ONE);
            BigInteger rMin = BigInteger.valueOf(lo).subtract(dm).multiply(twoS);
            BigInteger rMax = BigInteger.valueOf(hi).add(dm).multiply(twoS).add(twoS).subtract(BigInteger.ONE);
            for (BigInteger kc : kb) {
                BigInteger a = INT32_MIN.multiply(kc).add(half);
                BigInteger b = INT32_MAX.multiply(kc).add(half);
                BigInteger lMin = a.min(b), lMax = a.max(b);
                if (lMax.subtract(rMin).compareTo(P) >= 0 || rMax.subtract(lMin).compareTo(P) >= 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** ⌈bits / 8⌉. */
    public static int limbCount(int width) {
        return (width + 7) / 8;
    }

    /** The width of limb j of a {@code width}-bit quantity split into 8-bit limbs (the top one narrower). */
    public static int limbWidth(int width, int j) {
        return Math.min(8, width - 8 * j);
    }

    /**
     * Adds the ADVICE tensors of the gadget (remainder limbs, then dp limbs, then dn limbs; all with
     * y's layout) and returns the layer (add it to the builder yourself).
     *
     * @param x int32 accumulator tensor (any role)
     * @param y ADVICE output of {@code bits}-bit integers in [lo, hi]
     * @param m multipliers (length 1, or the size of {@code axis})
     * @param shift shifts in [1, 56], same length as m
     * @throws IllegalArgumentException on inconsistent shapes or parameters, or when the
     *     multipliers make a sound encoding in Goldilocks impossible
     */
    public static RequantLayer create(Circuit.Builder b, int x, int y, int axis, int[] m, int[] shift, int lo, int hi,
            int bits) {
        Params p = Params.check(m, shift, lo, hi, bits);
        TensorLayout lx = b.get(x).layout();
        TensorLayout ly = b.get(y).layout();
        if (!lx.equals(ly)) {
            throw new IllegalArgumentException("Requant layer: x " + lx + " and y " + ly + " have different layouts");
        }
        if (b.get(y).role() != TensorRole.ADVICE) {
            throw new IllegalArgumentException("Requant layer: y must be an ADVICE tensor");
        }
        checkAxis(lx, axis, m.length);
        String name = b.get(y).name();
        int[] r = new int[limbCount(p.s)];
        for (int j = 0; j < r.length; j++) {
            r[j] = b.tensor(name + "/requant remainder limb " + j, ly, TensorRole.ADVICE);
        }
        int[] dp = new int[limbCount(p.d)];
        for (int j = 0; j < dp.length; j++) {
            dp[j] = b.tensor(name + "/requant overflow+ limb " + j, ly, TensorRole.ADVICE);
        }
        int[] dn = new int[limbCount(p.d)];
        for (int j = 0; j < dn.length; j++) {
            dn[j] = b.tensor(name + "/requant overflow- limb " + j, ly, TensorRole.ADVICE);
        }
        return new RequantLayer(x, y, axis, m, shift, lo, hi, bits, r, dp, dn);
    }

    private static void checkAxis(TensorLayout l, int axis, int channels) {
        if (axis < 0 || axis >= Math.max(1, l.rank()) || (l.rank() == 0 && channels != 1)) {
            throw new IllegalArgumentException("Requant layer: axis " + axis + " of a rank-" + l.rank() + " tensor");
        }
        if (channels != 1 && channels != l.dim(axis)) {
            throw new IllegalArgumentException("Requant layer: " + channels + " multipliers for axis " + axis + " of size "
                    + l.dim(axis));
        }
    }

    public int x() {
        return x;
    }

    public int y() {
        return y;
    }

    public int axis() {
        return axis;
    }

    public int[] m() {
        return m.clone();
    }

    public int[] shift() {
        return shift.clone();
    }

    public int lo() {
        return lo;
    }

    public int hi() {
        return hi;
    }

    public int bits() {
        return bits;
    }

    public int[] remainderLimbs() {
        return rLimbs.clone();
    }

    public int[] overflowUpLimbs() {
        return dpLimbs.clone();
    }

    public int[] overflowDownLimbs() {
        return dnLimbs.clone();
    }

    /** S: the common shift (max s_c). */
    public int commonShift() {
        return bigShift;
    }

    /** D: the width of dp and dn. */
    public int overflowBits() {
        return overflowBits;
    }

    /** K_c = M_c·2^(S − s_c) as field elements. */
    public long[] alignedMultipliers() {
        return k.clone();
    }

    /** K broadcast over the padded domain of {@code layout} (see the class javadoc). */
    public long[] multiplierTable(TensorLayout layout) {
        long[] t = new long[layout.paddedSize()];
        if (k.length == 1) {
            Arrays.fill(t, k[0]);
            return t;
        }
        int off = layout.varOffset(axis);
        int mask = (1 << layout.dimVars(axis)) - 1;
        for (int i = 0; i < t.length; i++) {
            int c = (i >>> off) & mask;
            t[i] = c < k.length ? k[c] : 0;
        }
        return t;
    }

    /** K̃(ρ), in O(channels). */
    public Ext3 multiplierAt(TensorLayout layout, Ext3[] rho) {
        if (k.length == 1) {
            return Ext3.of(k[0]);
        }
        int off = layout.varOffset(axis);
        int dv = layout.dimVars(axis);
        return Mle.evaluate(k, Arrays.copyOfRange(rho, off, off + dv));
    }

    @Override
    public int tag() {
        return LayerCodec.REQUANT;
    }

    @Override
    public String kind() {
        return "Requant";
    }

    @Override
    public int[] outputs() {
        return new int[0];
    }

    @Override
    public int[] operands() {
        int[] ops = new int[2 + rLimbs.length + dpLimbs.length + dnLimbs.length];
        ops[0] = x;
        ops[1] = y;
        System.arraycopy(rLimbs, 0, ops, 2, rLimbs.length);
        System.arraycopy(dpLimbs, 0, ops, 2 + rLimbs.length, dpLimbs.length);
        System.arraycopy(dnLimbs, 0, ops, 2 + rLimbs.length + dpLimbs.length, dnLimbs.length);
        return ops;
    }

    @Override
    public List<LookupSpec> lookups() {
        List<LookupSpec> l = new ArrayList<>();
        l.add(LookupSpec.range(bits, y, -(long) lo));
        if ((long) hi - lo + 1 < 1L << bits) {
            l.add(LookupSpec.range(bits, y, (1L << bits) - 1 - hi));
        }
        addLimbLookups(l, rLimbs, bigShift);
        addLimbLookups(l, dpLimbs, overflowBits);
        addLimbLookups(l, dnLimbs, overflowBits);
        return l;
    }

    private static void addLimbLookups(List<LookupSpec> l, int[] limbs, int width) {
        for (int j = 0; j < limbs.length; j++) {
            l.add(LookupSpec.range(limbWidth(width, j), limbs[j], 0));
        }
    }

    /** Σ_j evals[from + j]·2^(8j). */
    private static Ext3 recombine(Ext3[] evals, int from, int count) {
        Ext3 acc = Ext3.ZERO;
        for (int j = count - 1; j >= 0; j--) {
            acc = acc.mul(256).add(evals[from + j]);
        }
        return acc;
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        ctx.transcript().domain(DOMAIN);
        TensorLayout layout = ctx.layout(y);
        for (int t : operands()) {
            if (!ctx.layout(t).equals(layout)) {
                throw new InvalidProofException("Requant layer: operand layouts differ");
            }
        }
        try {
            checkAxis(layout, axis, m.length);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException(e.getMessage());
        }
        int n = layout.numVars();
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = ctx.transcript().challengeExt("requant/tau");
        }
        Ext3 c0 = ctx.transcript().challengeExt("requant/batch");
        Ext3 c1 = ctx.transcript().challengeExt("requant/batch");
        Ext3 c2 = ctx.transcript().challengeExt("requant/batch");
        SumcheckClaim sc = SumcheckVerifier.verify(Ext3.ZERO, n, 3, ctx.proof(), ctx.transcript());
        int count = 2 + rLimbs.length + dpLimbs.length + dnLimbs.length;
        long[] raw = ctx.proof().exts("requant evaluations", count);
        ctx.transcript().absorbExts("requant/evals", raw, 0, count);
        Ext3[] ev = new Ext3[count];
        for (int i = 0; i < count; i++) {
            ev[i] = Ext3.get(raw, i);
        }
        Ext3[] rho = sc.point();
        Ext3 expected = summand(c0, c1, c2, multiplierAt(layout, rho), ev).mul(Mle.eq(tau, rho));
        if (!expected.equals(sc.value())) {
            throw new InvalidProofException("Requant layer: the shift/clamp constraints do not hold at the sumcheck point");
        }
        int[] ops = operands();
        for (int i = 0; i < count; i++) {
            ctx.claim(ops[i], rho, ev[i]);
        }
    }

    /**
     * The bracket of the zero-check at one point from the evaluations (x, y, r limbs, dp limbs,
     * dn limbs) and K there.
     */
    public Ext3 summand(Ext3 c0, Ext3 c1, Ext3 c2, Ext3 kAt, Ext3[] ev) {
        Ext3 xv = ev[0], yv = ev[1];
        Ext3 r = recombine(ev, 2, rLimbs.length);
        Ext3 dp = recombine(ev, 2 + rLimbs.length, dpLimbs.length);
        Ext3 dn = recombine(ev, 2 + rLimbs.length + dpLimbs.length, dnLimbs.length);
        long twoS = 1L << bigShift;
        Ext3 lin = xv.mul(kAt).add(1L << (bigShift - 1)).sub(yv.add(dp).sub(dn).mul(twoS)).sub(r);
        Ext3 upper = dp.mul(Ext3.of(Goldilocks.fromSigned(hi)).sub(yv));
        Ext3 lower = dn.mul(yv.sub(Ext3.of(Goldilocks.fromSigned(lo))));
        return c0.mul(lin).add(c1.mul(upper)).add(c2.mul(lower));
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(x).u32(y).u32(axis).u32(m.length);
        for (int c = 0; c < m.length; c++) {
            out.u32(m[c]).u32(shift[c]);
        }
        out.u32(lo).u32(hi).u32(bits);
        for (int t : rLimbs) {
            out.u32(t);
        }
        for (int t : dpLimbs) {
            out.u32(t);
        }
        for (int t : dnLimbs) {
            out.u32(t);
        }
    }

    /** Decodes {@link #encode}'s format; the limb counts follow from the (re-checked) parameters. */
    public static RequantLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int x = LayerCodec.tensorId(in, tensorCount, "requant input");
        int y = LayerCodec.tensorId(in, tensorCount, "requant output");
        int axis = in.length("requant axis", 0, Circuit.MAX_RANK - 1);
        int nc = in.length("requant channel count", 1, 1 << TensorLayout.MAX_VARS);
        if (nc > in.remaining() / 8) {
            throw new MalformedProofException("truncated requant parameters");
        }
        int[] m = new int[nc];
        int[] shift = new int[nc];
        for (int c = 0; c < nc; c++) {
            m[c] = in.u32("requant multiplier");
            shift[c] = in.length("requant shift", 1, MAX_SHIFT);
        }
        int lo = in.u32("requant lo");
        int hi = in.u32("requant hi");
        int bits = in.length("requant bits", 1, 16);
        Params p;
        try {
            p = Params.check(m, shift, lo, hi, bits);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException(e.getMessage());
        }
        int[] r = new int[limbCount(p.s)];
        for (int j = 0; j < r.length; j++) {
            r[j] = LayerCodec.tensorId(in, tensorCount, "requant remainder limb");
        }
        int[] dp = new int[limbCount(p.d)];
        for (int j = 0; j < dp.length; j++) {
            dp[j] = LayerCodec.tensorId(in, tensorCount, "requant overflow limb");
        }
        int[] dn = new int[limbCount(p.d)];
        for (int j = 0; j < dn.length; j++) {
            dn[j] = LayerCodec.tensorId(in, tensorCount, "requant overflow limb");
        }
        return new RequantLayer(x, y, axis, m, shift, lo, hi, bits, r, dp, dn);
    }
}

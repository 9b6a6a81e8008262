package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Max pooling (QMaxPool): y[b,c,oy,ox] = max of x over the window positions inside the image.
 * The compiler supplies one COMPUTED "window view" tensor v_w per window offset w = kh·KW + kw
 * (IndexMap.Window: v_w[b,c,oy,ox] = x[b,c,oy·sH+kh−padTop, ox·sW+kw−padLeft], 0 outside the
 * image), all with y's layout.
 *
 * <h2>Relation</h2>
 * A validity mask m_w[oy,ox] ∈ {0,1} (1 iff the position of offset w is inside the image; 1 on
 * padding coordinates oy ≥ OH or ox ≥ OW; broadcast over b, c) is part of the layer: m_w =
 * row_kh[oy]·col_kw[ox], so the verifier evaluates m̃_w(ρ) in O(OH + OW). The prover commits
 * (ADVICE) f_w with f_w = y − v_w where m_w = 1 and f_w = 1 where m_w = 0, range-checked in
 * [0, 2^(bits+1)) (one tensor in RANGE(bits+1) for bits ≤ 15; for bits = 16 two limbs, 16 bits in
 * RANGE(16) and 1 bit in RANGE(1)), and the layer proves on the whole padded domain
 * <pre>
 *   Π_w f_w = 0,   f_w = m_w·(y − v_w) + 1 − m_w   for every w.
 * </pre>
 * Soundness: views hold bits-bit integers; Π f_w = 0 in the field gives some w with f_w = 0, which
 * is a valid offset (invalid ones have f_w = 1), so y = v_w there and y is a bits-bit integer;
 * then for every valid w, y − v_w is an integer of magnitude &lt; 2^(bits+1) whose field image lies in
 * [0, 2^(bits+1)), so y ≥ v_w. Hence y = max over valid offsets. create checks that every real
 * output position has at least one valid offset. The honest padding: y_pad = the max of the
 * views over valid offsets there (views are 0 on padding, so y_pad = 0).
 *
 * <h2>Sub-proof</h2>
 * Domain "zkinfer/layer/MaxPool/v1"; τ ∈ GF(p^3)^n ("maxpool/tau"), β ("maxpool/batch"); the
 * sumcheck (claimed sum 0, n variables, degree max(K+1, 3) for K offsets) of Σ_i eq(τ,i)·[Π_w
 * f_w(i) + Σ_w β^(w+1)·(f_w(i) − m_w(i)·(y_i − v_w(i)) − 1 + m_w(i))] ending at ρ; then the
 * evaluations at ρ of y, the K views, and every f limb (per offset, low limb first) as GF(p^3)
 * elements, absorbed as "maxpool/evals"; the verifier recomputes the bracket at ρ and emits
 * claims in that order, all at ρ.
 *
 * <h2>Derived gaps</h2>
 * When every window position of every output lies inside the image (all masks 1: no padding, the
 * windows within the input, as in VGG-16 and LeNet-5), a single-limb f_w need not be committed:
 * f_w is a COMPUTED output of the layer, defined as y − v_w. Its range lookup's
 * claim f̃_w(ρ_w) = u_w is reduced without a sumcheck: the prover sends ỹ(ρ_w) and ṽ_w(ρ_w)
 * ("maxpool/gap-evals"), the verifier checks u_w = ỹ(ρ_w) − ṽ_w(ρ_w) and emits claims on y and v_w
 * at ρ_w. Then the zero-check of Σ_i eq(τ, i)·Π_w (y_i − v_w(i)) (no β, degree K + 1), the evaluations
 * of y and the K views at its point ρ, checked against eq(τ, ρ)·Π_w (ỹ(ρ) − ṽ_w(ρ)). The soundness
 * argument above is unchanged (f_w = y − v_w in the field by definition, in [0, 2^(bits+1)) by its
 * lookup). Encoded as bit 1 of the geometry flag byte. In zero-knowledge mode the gaps' claims and
 * the zero-check are one masked sumcheck ({@link #verifyDerivedZeroKnowledge}).
 *
 * <p>Without geometry ({@link #create(Circuit.Builder, int[], int, int)}) every mask is 1: use it
 * only when no window position falls outside the image (no padding, windows inside).
 * Immutable and thread-safe.
 */
public final class MaxPoolLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/MaxPool/v1";
    public static final int MAX_WINDOW = 256;

    /** Pooling geometry: input height and width, kernel, strides, top/left padding. */
    public record Geometry(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft) {
        public Geometry {
            if (inH < 1 || inW < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padTop < 0 || padLeft < 0
                    || (long) kernelH * kernelW > MAX_WINDOW) {
                throw new IllegalArgumentException("MaxPool layer: pooling geometry out of range");
            }
        }

        boolean inside(long pos, int size) {
            return pos >= 0 && pos < size;
        }

        /** row_kh over the padded OH coordinate (1 on padding). */
        long[] rowMask(int kh, int oh, int ohVars) {
            long[] t = new long[1 << ohVars];
            for (int o = 0; o < t.length; o++) {
                t[o] = o >= oh || inside((long) o * strideH + kh - padTop, inH) ? 1 : 0;
            }
            return t;
        }

        long[] colMask(int kw, int ow, int owVars) {
            long[] t = new long[1 << owVars];
            for (int o = 0; o < t.length; o++) {
                t[o] = o >= ow || inside((long) o * strideW + kw - padLeft, inW) ? 1 : 0;
            }
            return t;
        }
    }

    private final int[] views;
    private final int y;
    private final int bits;
    private final int[][] limbs;
    private final Geometry geometry;
    private final boolean derivedGaps;

    private MaxPoolLayer(int[] views, int y, int bits, int[][] limbs, Geometry geometry) {
        this(views, y, bits, limbs, geometry, false);
    }

    private MaxPoolLayer(int[] views, int y, int bits, int[][] limbs, Geometry geometry, boolean derivedGaps) {
        if (views.length < 1 || views.length > MAX_WINDOW) {
            throw new IllegalArgumentException("MaxPool layer: " + views.length + " window views");
        }
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("MaxPool layer: value width " + bits + " outside [1, 16]");
        }
        if (geometry != null && geometry.kernelH() * geometry.kernelW() != views.length) {
            throw new IllegalArgumentException("MaxPool layer: " + views.length + " views for a " + geometry.kernelH() + "×"
                    + geometry.kernelW() + " window");
        }
        this.views = views.clone();
        this.y = y;
        this.bits = bits;
        this.limbs = new int[limbs.length][];
        for (int w = 0; w < limbs.length; w++) {
            if (limbs[w].length != limbCount(bits)) {
                throw new IllegalArgumentException("MaxPool layer: wrong limb count");
            }
            this.limbs[w] = limbs[w].clone();
        }
        this.geometry = geometry;
        if (derivedGaps && (limbCount(bits) != 1 || views.length < 2)) {
            throw new IllegalArgumentException("MaxPool layer: derived gaps need one limb per gap and at least two offsets");
        }
        this.derivedGaps = derivedGaps;
    }

    static int limbCount(int bits) {
        return bits + 1 <= 16 ? 1 : 2;
    }

    /** Max pooling with no out-of-image window positions (all masks 1). */
    public static MaxPoolLayer create(Circuit.Builder b, int[] windowViews, int y, int bits) {
        return create(b, windowViews, y, bits, null);
    }

    /**
     * Max pooling over x = [B, C, inH, inW] with padding ignored; views ordered w = kh·KW + kw,
     * y = [B, C, OH, OW] ADVICE. Adds the ADVICE tensors f_w (one or two limbs per offset, y's layout).
     */
    public static MaxPoolLayer create(Circuit.Builder b, int[] windowViews, int y, int bits, int inH, int inW, int kernelH,
            int kernelW, int strideH, int strideW, int padTop, int padLeft) {
        return create(b, windowViews, y, bits, new Geometry(inH, inW, kernelH, kernelW, strideH, strideW, padTop, padLeft));
    }

    /**
     * As {@link #create(Circuit.Builder, int[], int, int, int, int, int, int, int, int, int, int)}; with
     * {@code derivedGaps} the gaps are COMPUTED outputs of the layer instead of ADVICE ("Derived gaps":
     * every window position must lie inside the image, bits ≤ 15, at least two offsets).
     */
    public static MaxPoolLayer create(Circuit.Builder b, int[] windowViews, int y, int bits, int inH, int inW, int kernelH,
            int kernelW, int strideH, int strideW, int padTop, int padLeft, boolean derivedGaps) {
        return create(b, windowViews, y, bits, new Geometry(inH, inW, kernelH, kernelW, strideH, strideW, padTop, padLeft),
                derivedGaps);
    }

    /** Whether every window position of every output of layout {@code ly} lies inside the image (all masks 1). */
    public static boolean everyWindowInside(TensorLayout ly, int inH, int inW, int kernelH, int kernelW, int strideH,
            int strideW, int padTop, int padLeft) {
        return ly.rank() == 4 && (long) (ly.dim(2) - 1) * strideH + kernelH - 1 - padTop < inH && padTop == 0
                && (long) (ly.dim(3) - 1) * strideW + kernelW - 1 - padLeft < inW && padLeft == 0;
    }

    private static MaxPoolLayer create(Circuit.Builder b, int[] windowViews, int y, int bits, Geometry g) {
        return create(b, windowViews, y, bits, g, false);
    }

    private static MaxPoolLayer create(Circuit.Builder b, int[] windowViews, int y, int bits, Geometry g, boolean derivedGaps) {
        TensorLayout ly = b.get(y).layout();
        if (b.get(y).role() != TensorRole.ADVICE) {
            throw new IllegalArgumentException("MaxPool layer: y must be an ADVICE tensor");
        }
        for (int v : windowViews) {
            if (!b.get(v).layout().equals(ly)) {
                throw new IllegalArgumentException("MaxPool layer: window view " + b.get(v).name() + " has layout "
                        + b.get(v).layout() + ", y has " + ly);
            }
        }
        if (g != null) {
            checkGeometry(ly, g);
        }
        int[][] limbs = new int[windowViews.length][limbCount(bits)];
        for (int w = 0; w < windowViews.length; w++) {
            for (int j = 0; j < limbs[w].length; j++) {
                limbs[w][j] = b.tensor(b.get(y).name() + "/maxpool gap " + w + (limbs[w].length > 1 ? " limb " + j : ""), ly,
                        derivedGaps ? TensorRole.COMPUTED : TensorRole.ADVICE);
            }
        }
        return new MaxPoolLayer(windowViews, y, bits, limbs, g, derivedGaps);
    }

    private static void checkGeometry(TensorLayout ly, Geometry g) {
        if (ly.rank() != 4) {
            throw new IllegalArgumentException("MaxPool layer: output must be [B, C, OH, OW], got " + ly);
        }
        int oh = ly.dim(2), ow = ly.dim(3);
        for (int o = 0; o < oh; o++) {
            boolean any = false;
            for (int kh = 0; kh < g.kernelH(); kh++) {
                any |= g.inside((long) o * g.strideH() + kh - g.padTop(), g.inH());
            }
            if (!any) {
                throw new IllegalArgumentException("MaxPool layer: output row " + o + " has no window position inside the image");
            }
        }
        for (int o = 0; o < ow; o++) {
            boolean any = false;
            for (int kw = 0; kw < g.kernelW(); kw++) {
                any |= g.inside((long) o * g.strideW() + kw - g.padLeft(), g.inW());
            }
            if (!any) {
                throw new IllegalArgumentException("MaxPool layer: output column " + o + " has no window position inside the image");
            }
        }
    }

    public int[] views() {
        return views.clone();
    }

    public int y() {
        return y;
    }

    public int bits() {
        return bits;
    }

    /** The ADVICE limb tensors of f_w. */
    public int[] gapLimbs(int w) {
        return limbs[w].clone();
    }

    public Geometry geometry() {
        return geometry;
    }

    /** The mask of offset w over the padded domain of {@code layout} (all ones without geometry). */
    public long[] maskTable(int w, TensorLayout layout) {
        long[] t = new long[layout.paddedSize()];
        if (geometry == null) {
            Arrays.fill(t, 1);
            return t;
        }
        long[] row = geometry.rowMask(w / geometry.kernelW(), layout.dim(2), layout.dimVars(2));
        long[] col = geometry.colMask(w % geometry.kernelW(), layout.dim(3), layout.dimVars(3));
        int ro = layout.varOffset(2), rm = row.length - 1;
        int co = layout.varOffset(3), cm = col.length - 1;
        for (int i = 0; i < t.length; i++) {
            t[i] = row[(i >>> ro) & rm] & col[(i >>> co) & cm];
        }
        return t;
    }

    /** m̃_w(ρ) in O(OH + OW). */
    public Ext3 maskAt(int w, TensorLayout layout, Ext3[] rho) {
        if (geometry == null) {
            return Ext3.ONE;
        }
        long[] row = geometry.rowMask(w / geometry.kernelW(), layout.dim(2), layout.dimVars(2));
        long[] col = geometry.colMask(w % geometry.kernelW(), layout.dim(3), layout.dimVars(3));
        int ro = layout.varOffset(2), co = layout.varOffset(3);
        return Mle.evaluate(row, Arrays.copyOfRange(rho, ro, ro + layout.dimVars(2)))
                .mul(Mle.evaluate(col, Arrays.copyOfRange(rho, co, co + layout.dimVars(3))));
    }

    @Override
    public int tag() {
        return LayerCodec.MAX_POOL;
    }

    @Override
    public String kind() {
        return "MaxPool";
    }

    /** Whether the gaps are COMPUTED outputs defined by the layer ("Derived gaps"). */
    public boolean derivedGaps() {
        return derivedGaps;
    }

    /** The gaps f_w with derived gaps, else none. */
    @Override
    public int[] outputs() {
        if (!derivedGaps) {
            return new int[0];
        }
        int[] out = new int[views.length];
        for (int w = 0; w < out.length; w++) {
            out[w] = limbs[w][0];
        }
        return out;
    }

    /**
     * y, the views, then the f limbs (per offset, low limb first): also the order of the evaluations and
     * claims; with derived gaps y and the views only.
     */
    @Override
    public int[] operands() {
        if (derivedGaps) {
            int[] ops = new int[1 + views.length];
            ops[0] = y;
            System.arraycopy(views, 0, ops, 1, views.length);
            return ops;
        }
        int lc = limbCount(bits);
        int[] ops = new int[1 + views.length + views.length * lc];
        ops[0] = y;
        System.arraycopy(views, 0, ops, 1, views.length);
        for (int w = 0; w < views.length; w++) {
            System.arraycopy(limbs[w], 0, ops, 1 + views.length + w * lc, lc);
        }
        return ops;
    }

    @Override
    public List<LookupSpec> lookups() {
        List<LookupSpec> l = new ArrayList<>();
        for (int[] lw : limbs) {
            if (lw.length == 1) {
                l.add(LookupSpec.range(bits + 1, lw[0], 0));
            } else {
                l.add(LookupSpec.range(16, lw[0], 0));
                l.add(LookupSpec.range(bits + 1 - 16, lw[1], 0));
            }
        }
        return l;
    }

    /** The sumcheck degree. */
    public int degree() {
        return Math.max(views.length + 1, 3);
    }

    /**
     * Zero-knowledge: the masked zero-check's degree from each operand's last-round degree
     * ({@code factor}): the largest term among eq·Π_j f_j, eq·f_j, eq·mask·y, eq·mask·v_j (a gap's
     * limbs recombined take their largest limb's degree; the window masks are public).
     */
    public int zeroKnowledgeDegree(java.util.function.IntUnaryOperator factor) {
        int dy = factor.applyAsInt(y);
        int product = 1;
        int deg = Math.max(degree(), 2 + dy);
        for (int w = 0; w < views.length; w++) {
            int df = 1;
            for (int t : limbs[w]) {
                df = Math.max(df, factor.applyAsInt(t));
            }
            product += df;
            deg = Math.max(deg, Math.max(1 + df, 2 + factor.applyAsInt(views[w])));
        }
        return Math.max(deg, product);
    }

    /** The bracket at one point from (y, views, f limbs) evaluations and the masks there. */
    public Ext3 bracket(Ext3 beta, Ext3[] masks, Ext3[] ev) {
        int k = views.length;
        int lc = limbCount(bits);
        Ext3 yv = ev[0];
        Ext3 prod = Ext3.ONE;
        Ext3 link = Ext3.ZERO;
        Ext3 pw = beta;
        for (int w = 0; w < k; w++) {
            Ext3 f = ev[1 + k + w * lc];
            if (lc == 2) {
                f = f.add(ev[2 + k + w * lc].mul(1L << 16));
            }
            prod = prod.mul(f);
            Ext3 m = masks[w];
            link = link.add(pw.mul(f.sub(m.mul(yv.sub(ev[1 + w]))).sub(Ext3.ONE).add(m)));
            pw = pw.mul(beta);
        }
        return prod.add(link);
    }

    /** Every operand has y's layout and the window geometry fits it; IllegalArgumentException if not. */
    @Override
    public void checkShapes(Circuit c) {
        TensorLayout layout = c.tensor(y).layout();
        for (int t : operands()) {
            if (!c.tensor(t).layout().equals(layout)) {
                throw new IllegalArgumentException("MaxPool layer: operand layouts differ");
            }
        }
        if (geometry != null) {
            checkGeometry(layout, geometry);
        }
        if (derivedGaps) {
            for (int t : outputs()) {
                if (!c.tensor(t).layout().equals(layout)) {
                    throw new IllegalArgumentException("MaxPool layer: gap layouts differ from y's");
                }
            }
            Geometry g = geometry;
            if (g != null && !everyWindowInside(layout, g.inH(), g.inW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                    g.padTop(), g.padLeft())) {
                throw new IllegalArgumentException("MaxPool layer: derived gaps need every window position inside the image");
            }
        }
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        if (derivedGaps) {
            verifyDerived(outputClaims, ctx);
            return;
        }
        ctx.transcript().domain(DOMAIN);
        TensorLayout layout = ctx.layout(y);
        int n = layout.numVars();
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = ctx.transcript().challengeExt("maxpool/tau");
        }
        Ext3 beta = ctx.transcript().challengeExt("maxpool/batch");
        // in zero-knowledge mode the zero-check is masked, over the masked operands (docs/zero-knowledge.md §3.2)
        SumcheckClaim sc = ZkSteps.zeroCheck(ctx, n, degree(),
                () -> ZkSteps.lastRoundRaised(n, degree(), zeroKnowledgeDegree(tensor -> ZkSteps.factorDegree(ctx, tensor, n))),
                "MaxPool");
        Ext3[] rho = sc.point();
        Ext3 finalValue = sc.value();
        Ext3[] ev = readOperandEvaluations(ctx);
        Ext3[] masks = new Ext3[views.length];
        for (int w = 0; w < masks.length; w++) {
            masks[w] = maskAt(w, layout, rho);
        }
        if (!bracket(beta, masks, ev).mul(Mle.eq(tau, rho)).equals(finalValue)) {
            throw new InvalidProofException("MaxPool layer: the max constraints do not hold at the sumcheck point");
        }
        claimOperands(ctx, rho, ev);
    }

    /** "Derived gaps": each gap's claim as claims on y and its view, then the zero-check of Π_w (y − v_w). */
    private void verifyDerived(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        TensorLayout layout = ctx.layout(y);
        int n = layout.numVars();
        int k = views.length;
        ctx.transcript().domain(DOMAIN);
        for (int w = 0; w < k; w++) {
            Claim c = outputClaims[w];
            // the range lookup always claims each gap; without a claim its definition would go unchecked
            if (c == null || c.tensor() != limbs[w][0] || c.point().length != n) {
                throw new InvalidProofException("MaxPool layer: no claim on gap " + w);
            }
        }
        if (ctx.zeroKnowledge()) {
            verifyDerivedZeroKnowledge(outputClaims, ctx, n);
            return;
        }
        for (int w = 0; w < k; w++) {
            Claim c = outputClaims[w];
            long[] raw = ctx.proof().exts("maxpool gap evaluations", 2);
            ctx.transcript().absorbExts("maxpool/gap-evals", raw, 0, 2);
            Ext3 yv = Ext3.get(raw, 0), vv = Ext3.get(raw, 1);
            if (!yv.sub(vv).equals(c.value())) {
                throw new InvalidProofException("MaxPool layer: gap " + w + " is not y minus its window view");
            }
            ctx.claim(y, c.point(), yv);
            ctx.claim(views[w], c.point(), vv);
        }
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = ctx.transcript().challengeExt("maxpool/tau");
        }
        SumcheckClaim sc = SumcheckVerifier.verify(Ext3.ZERO, n, degree(), ctx.proof(), ctx.transcript());
        Ext3[] rho = sc.point();
        Ext3[] ev = readOperandEvaluations(ctx);
        Ext3 prod = Ext3.ONE;
        for (int w = 0; w < k; w++) {
            prod = prod.mul(ev[0].sub(ev[1 + w]));
        }
        if (!prod.mul(Mle.eq(tau, rho)).equals(sc.value())) {
            throw new InvalidProofException("MaxPool layer: the max constraints do not hold at the sumcheck point");
        }
        claimOperands(ctx, rho, ev);
    }

    /**
     * Zero-knowledge "Derived gaps" (docs/zero-knowledge.md §3.8): the masked claims ĝ_w(ρ_w) = u_w
     * cannot be checked as ŷ(ρ_w) − v̂_w(ρ_w) (that would reveal two more values of each mask at ρ_w),
     * so the gaps' definitions and the product zero-check are one masked sumcheck:
     * τ ("maxpool/tau"), β ("maxpool/batch"), then Σ_i [eq(τ, i)·Π_w (y_i − v_w(i)) + Σ_w β^(w+1)·eq(ρ_w, i)·(y_i − v_w(i))]
     * = Σ_w β^(w+1)·u_w, the gaps' mask terms (coefficients β^(w+1)) removed through w, over the masked
     * ŷ and v̂_w; then ŷ(ρ) and the v̂_w(ρ) ("maxpool/evals"), checked against the summand at ρ. A false
     * u_w or a nonzero product at some index leaves the target off the true sum except for (n + K)/|E|
     * of (τ, β).
     */
    private void verifyDerivedZeroKnowledge(Claim[] outputClaims, VerifierContext ctx, int n) throws InvalidProofException {
        int k = views.length;
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = ctx.transcript().challengeExt("maxpool/tau");
        }
        Ext3 beta = ctx.transcript().challengeExt("maxpool/batch");
        Ext3 target = Ext3.ZERO;
        List<ZkSteps.Term> terms = new ArrayList<>();
        Ext3 pw = beta;
        for (int w = 0; w < k; w++) {
            Claim c = outputClaims[w];
            target = target.add(pw.mul(c.value()));
            if (ctx.tensorMaskDegree(c.tensor()) >= 0) {
                terms.add(new ZkSteps.Term(c.tensor(), pw, c.point()));
            }
            pw = pw.mul(beta);
        }
        var res = ZkSteps.sumcheck(ctx, target, terms.toArray(new ZkSteps.Term[0]),
                derivedDegrees(tensor -> ZkSteps.factorDegree(ctx, tensor, n), n));
        Ext3[] rho = res.point();
        Ext3[] ev = readOperandEvaluations(ctx);
        Ext3 prod = Ext3.ONE;
        Ext3 link = Ext3.ZERO;
        pw = beta;
        for (int w = 0; w < k; w++) {
            Ext3 gap = ev[0].sub(ev[1 + w]);
            prod = prod.mul(gap);
            link = link.add(pw.mul(Mle.eq(outputClaims[w].point(), rho)).mul(gap));
            pw = pw.mul(beta);
        }
        if (!prod.mul(Mle.eq(tau, rho)).add(link).equals(res.value())) {
            throw new InvalidProofException("MaxPool layer: the gaps' definitions or the max constraints do not hold at the sumcheck point");
        }
        claimOperands(ctx, rho, ev);
    }

    /** The operands' evaluations at the zero-check's point (y, then the views, then any gap limbs), read and absorbed. */
    private Ext3[] readOperandEvaluations(VerifierContext ctx) throws InvalidProofException {
        int m = operands().length;
        long[] raw = ctx.proof().exts("maxpool evaluations", m);
        ctx.transcript().absorbExts("maxpool/evals", raw, 0, m);
        Ext3[] ev = new Ext3[m];
        for (int i = 0; i < m; i++) {
            ev[i] = Ext3.get(raw, i);
        }
        return ev;
    }

    /** Each operand's evaluation at ρ as a claim for the layers below. */
    private void claimOperands(VerifierContext ctx, Ext3[] rho, Ext3[] ev) {
        int[] ops = operands();
        for (int i = 0; i < ops.length; i++) {
            ctx.claim(ops[i], rho, ev[i]);
        }
    }

    /**
     * Zero-knowledge, derived gaps: the per-round degrees of the masked sumcheck over n variables
     * ({@link #verifyDerivedZeroKnowledge}) from each operand's last-round degree ({@code factor}):
     * max(K + 1, 3) in every round but the last, which takes eq·Π_w (y − v_w) with each gap factor of
     * degree max(factor(y), factor(v_w)).
     */
    public int[] derivedDegrees(java.util.function.IntUnaryOperator factor, int n) {
        int dy = factor.applyAsInt(y);
        int last = 1;
        for (int v : views) {
            last += Math.max(dy, factor.applyAsInt(v));
        }
        return ZkSteps.lastRoundRaised(n, degree(), last);
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(y).u32(bits).u32(views.length);
        for (int v : views) {
            out.u32(v);
        }
        for (int[] lw : limbs) {
            for (int t : lw) {
                out.u32(t);
            }
        }
        int derived = derivedGaps ? 2 : 0;
        if (geometry == null) {
            out.u8(derived);
        } else {
            Geometry g = geometry;
            out.u8(1 | derived).u32(g.inH()).u32(g.inW()).u32(g.kernelH()).u32(g.kernelW()).u32(g.strideH()).u32(g.strideW())
                    .u32(g.padTop()).u32(g.padLeft());
        }
    }

    public static MaxPoolLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int y = LayerCodec.tensorId(in, tensorCount, "maxpool output");
        int bits = in.length("maxpool bits", 1, 16);
        int k = in.length("maxpool window size", 1, MAX_WINDOW);
        int[] views = new int[k];
        for (int w = 0; w < k; w++) {
            views[w] = LayerCodec.tensorId(in, tensorCount, "maxpool window view");
        }
        int[][] limbs = new int[k][limbCount(bits)];
        for (int[] lw : limbs) {
            for (int j = 0; j < lw.length; j++) {
                lw[j] = LayerCodec.tensorId(in, tensorCount, "maxpool gap limb");
            }
        }
        int hasGeometry = in.u8("maxpool geometry flag");
        Geometry g = null;
        try {
            if (hasGeometry > 3) {
                throw new MalformedProofException("maxpool geometry flag " + hasGeometry);
            }
            if ((hasGeometry & 1) == 1) {
                int bound = 1 << TensorLayout.MAX_VARS;
                g = new Geometry(in.length("maxpool input height", 1, bound), in.length("maxpool input width", 1, bound),
                        in.length("maxpool kernel height", 1, MAX_WINDOW), in.length("maxpool kernel width", 1, MAX_WINDOW),
                        in.length("maxpool stride", 1, bound), in.length("maxpool stride", 1, bound),
                        in.length("maxpool padding", 0, bound), in.length("maxpool padding", 0, bound));
            }
            return new MaxPoolLayer(views, y, bits, limbs, g, (hasGeometry & 2) != 0);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException(e.getMessage());
        }
    }
}

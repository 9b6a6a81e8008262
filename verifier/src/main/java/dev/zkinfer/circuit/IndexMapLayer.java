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
import java.util.Arrays;

/**
 * Data movement (im2col, pooling windows, reshape, transpose, slice, pad, concat, gather): each
 * real output element is a copy of one input element or 0, as its {@link IndexMap} says. Output
 * padding is 0 (the relation holds on the whole padded domain: padding entries have no source).
 *
 * <p>Relation: ỹ(r) = Σ_k Σ_j x̃_k(j)·P̃_k(r, j), P_k(r, j) = Σ_{i : src(i) = (k, j)} eq(r, pad_y(i)).
 *
 * <p>Proof on the claim ỹ(r) = v: transcript domain {@code zkinfer/layer/index_map/v1}; the
 * prover sends s_k = Σ_j x_k(j)·P_k(r, j) for every input k (absorbed together as
 * {@code index_map/parts}); the verifier checks Σ_k s_k = v; then for k = 0.. in order a
 * degree-2 sumcheck over x_k's variables of x_k(j)·P_k(r, j) = s_k giving ρ_k, and the prover
 * sends x̃_k(ρ_k) (absorbed as {@code index_map/input}). The verifier evaluates every P̃_k(r, ρ_k)
 * in one pass over the output, O(|y| + Σ|x_k|) with eq tables, checks x̃_k(ρ_k)·P̃_k(r, ρ_k)
 * against each sumcheck's final value, then emits the claims x̃_k(ρ_k) in input order.
 *
 * <p>Claim transfer (integrity mode, proof version 14; version 16: any input whose padding the
 * circuit's relations force to 0, {@link ZeroPadding}, not only another index map's output): a
 * one-input map that is a permutation of index bits onto a sub-cube of its input, where the input
 * entries it then reads beyond its sources are such zeros, has ỹ(r) = x̃(π(r)) exactly; no sumcheck
 * and no message, the claim moves to x̃(π(r)) ({@link #claimTransfer}). Likewise (version 16) a
 * broadcast, m copies of one input coordinate along an axis, has ỹ(r) = s(r)·x̃(π(r)) with
 * s(r) = Σ_{i&lt;m} eq(r_axis, i), and the claim moves to x̃(π(r)) = v/s(r) ({@link #transferScale}).
 *
 * <p>Wire format: nothing for a claim transfer; else n ext (s_k); per input: sumcheck (vars_k rounds × 2 ext), 1 ext. Zero-knowledge
 * mode sends no s_k: one masked sumcheck for all inputs ({@link #verifyZeroKnowledge}).
 * Verifying-key encoding: u32 n (1..{@value #MAX_INPUTS}), n u32 input ids, u32 output, the map
 * ({@link IndexMap}).
 * Immutable and thread-safe.
 */
public final class IndexMapLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/index_map/v1";
    public static final int MAX_INPUTS = 1024;

    private final int[] inputs;
    private final int output;
    private final IndexMap map;

    public IndexMapLayer(int[] inputs, int output, IndexMap map) {
        if (inputs.length < 1 || inputs.length > MAX_INPUTS || output < 0 || map == null) {
            throw new IllegalArgumentException("IndexMap layer: bad inputs, output or map");
        }
        for (int t : inputs) {
            if (t < 0) {
                throw new IllegalArgumentException("IndexMap layer: negative tensor id");
            }
        }
        this.inputs = inputs.clone();
        this.output = output;
        this.map = map;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int output() {
        return output;
    }

    public IndexMap map() {
        return map;
    }

    @Override
    public int tag() {
        return LayerCodec.INDEX_MAP;
    }

    @Override
    public String kind() {
        return "IndexMap";
    }

    @Override
    public int[] outputs() {
        return new int[] {output};
    }

    @Override
    public int[] operands() {
        return inputs.clone();
    }

    public TensorLayout[] inputLayouts(Circuit c) {
        TensorLayout[] ls = new TensorLayout[inputs.length];
        for (int k = 0; k < ls.length; k++) {
            ls[k] = c.tensor(inputs[k]).layout();
        }
        return ls;
    }

    /** Checks the map against the circuit's layouts; IllegalArgumentException if inconsistent. */
    @Override
    public void checkShapes(Circuit c) {
        map.check(inputLayouts(c), c.tensor(output).layout());
    }

    /** Receives (padded output index, input number, padded input index) for every real output element that has a source. */
    @FunctionalInterface
    public interface Sink {
        void accept(int outPadded, int input, int inPadded);
    }

    /** Enumerates the sources of the real output elements in row-major order. */
    public void forEachSource(Circuit c, Sink sink) {
        forEachSource(map, inputLayouts(c), c.tensor(output).layout(), sink);
    }

    /** Enumerates the sources of a map's real output elements in row-major order. */
    public static void forEachSource(IndexMap map, TensorLayout[] ins, TensorLayout out, Sink sink) {
        if (batchLocal(map)) {
            forEachSource(map, ins, out, 0, out.dim(0), sink);
            return;
        }
        int rank = out.rank();
        int[] coords = new int[rank];
        long size = out.size();
        for (long i = 0; i < size; i++) {
            long src = map.paddedSource(coords, ins, out);
            if (src != IndexMap.NONE) {
                sink.accept(out.paddedIndex(coords), (int) (src >>> 32), (int) src);
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++coords[d] < out.dim(d)) {
                    break;
                }
                coords[d] = 0;
            }
        }
    }

    /**
     * Whether the map's output elements of batch row b (the first dimension) take their sources
     * from batch row b of its one input alone (im2col and pooling windows): then ranges of b,
     * {@link #forEachSource(IndexMap, TensorLayout[], TensorLayout, int, int, Sink)}, write and
     * read disjoint parts of the output and the input, and may be enumerated apart.
     */
    public static boolean batchLocal(IndexMap map) {
        return map instanceof IndexMap.Im2col || map instanceof IndexMap.Window;
    }

    /**
     * As {@link #forEachSource(IndexMap, TensorLayout[], TensorLayout, Sink)} for the output
     * elements of batch rows [bFrom, bTo) of a {@link #batchLocal} map, in row-major order, by
     * nested loops over the output's coordinates (no divisions per element, the padded indices
     * kept as offsets).
     */
    public static void forEachSource(IndexMap map, TensorLayout[] ins, TensorLayout out, int bFrom, int bTo, Sink sink) {
        TensorLayout in = ins[0];
        int iv3 = TensorLayout.log2Ceil(in.dim(3)), iv2 = TensorLayout.log2Ceil(in.dim(2)), iv1 = TensorLayout.log2Ceil(in.dim(1));
        int ov3 = TensorLayout.log2Ceil(out.dim(3)), ov2 = TensorLayout.log2Ceil(out.dim(2)), ov1 = TensorLayout.log2Ceil(out.dim(1));
        if (map instanceof IndexMap.Im2col m) {
            // output (b, oh, ow, (c, kh, kw)) <- x[b, c, oh·sH + kh − padTop, ow·sW + kw − padLeft]
            for (int b = bFrom; b < bTo; b++) {
                for (int oh = 0; oh < m.OH(); oh++) {
                    for (int ow = 0; ow < m.OW(); ow++) {
                        int oBase = ((b << ov1 | oh) << ov2 | ow) << ov3;
                        int q = 0;
                        for (int c = 0; c < m.C(); c++) {
                            int iBase = (b << iv1 | c) << iv2;
                            for (int kh = 0; kh < m.KH(); kh++) {
                                int ih = oh * m.strideH() + kh - m.padTop();
                                boolean rowIn = ih >= 0 && ih < m.H();
                                for (int kw = 0; kw < m.KW(); kw++, q++) {
                                    int iw = ow * m.strideW() + kw - m.padLeft();
                                    if (rowIn && iw >= 0 && iw < m.W()) {
                                        sink.accept(oBase | q, 0, (iBase | ih) << iv3 | iw);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } else if (map instanceof IndexMap.Window m) {
            // output (b, c, oh, ow) <- x[b, c, oh·sH + kh − padTop, ow·sW + kw − padLeft]
            for (int b = bFrom; b < bTo; b++) {
                for (int c = 0; c < m.C(); c++) {
                    int oBc = (b << ov1 | c) << ov2, iBc = (b << iv1 | c) << iv2;
                    for (int oh = 0; oh < m.OH(); oh++) {
                        int ih = oh * m.strideH() + m.kh() - m.padTop();
                        if (ih < 0 || ih >= m.H()) {
                            continue;
                        }
                        for (int ow = 0; ow < m.OW(); ow++) {
                            int iw = ow * m.strideW() + m.kw() - m.padLeft();
                            if (iw >= 0 && iw < m.W()) {
                                sink.accept((oBc | oh) << ov3 | ow, 0, (iBc | ih) << iv3 | iw);
                            }
                        }
                    }
                }
            }
        } else {
            throw new IllegalArgumentException("not a batch-local index map: " + map);
        }
    }

    @Override
    public String zeroKnowledgeLimit(Circuit c) {
        // the masked sumcheck needs a variable (its mask enters in a round); a one-element input that
        // is masked is refused with the other one-element tensors (ZkLayout.unsupported), so this names
        // only the layers whose one-element inputs are all public
        if (Arrays.stream(inputVars(c)).max().getAsInt() > 0) {
            return null;
        }
        for (int in : inputs) {
            if (c.tensor(in).role() != TensorRole.INPUT && Arrays.stream(c.outputs()).noneMatch(o -> o == in)) {
                return null;
            }
        }
        return "an IndexMap layer whose inputs have one element each (" + c.tensor(output).name() + ")";
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        TensorLayout ly = c.tensor(output).layout();
        Ext3[] r = claim.point();
        if (claim.tensor() != output || r.length != ly.numVars()) {
            throw new InvalidProofException("IndexMap layer: claim does not match the output tensor");
        }
        var t = ctx.transcript();
        var in = ctx.proof();
        if (ctx.zeroKnowledge()) {
            verifyZeroKnowledge(claim, ctx);
            return;
        }
        int[] vm = claimTransfer(c);
        if (vm != null) {
            // nothing is sent, so nothing is absorbed: the claim's point and value are the transcript's already
            Ext3 scale = transferScale(c, r);
            if (scale.isZero()) {
                // ỹ(r) = 0·x̃(π(r)): the claim is checked here and nothing is left to prove on x
                if (!claim.value().isZero()) {
                    throw new InvalidProofException("IndexMap layer: a broadcast's claim is not 0 where its weights sum to 0");
                }
                return;
            }
            ctx.claim(inputs[0], transferPoint(vm, r), transferValue(claim.value(), scale));
            return;
        }
        t.domain(DOMAIN);
        int n = inputs.length;
        long[] parts = in.exts("IndexMap partial sums", n);
        t.absorbExts("index_map/parts", parts, 0, n);
        Ext3 total = Ext3.ZERO;
        for (int k = 0; k < n; k++) {
            total = total.add(Ext3.get(parts, k));
        }
        if (!total.equals(claim.value())) {
            throw new InvalidProofException("IndexMap layer: partial sums do not add up to the claim");
        }
        SumcheckClaim[] sc = new SumcheckClaim[n];
        Ext3[] xv = new Ext3[n];
        for (int k = 0; k < n; k++) {
            sc[k] = SumcheckVerifier.verify(Ext3.get(parts, k), c.tensor(inputs[k]).layout().numVars(), 2, in, t);
            xv[k] = in.ext("IndexMap input evaluation");
            t.absorbExt("index_map/input", xv[k]);
        }
        Ext3[][] points = new Ext3[n][];
        for (int k = 0; k < n; k++) {
            points[k] = sc[k].point();
        }
        Ext3[] wiring = wiringEvaluations(c, r, points);
        for (int k = 0; k < n; k++) {
            if (!xv[k].mul(wiring[k]).equals(sc[k].value())) {
                throw new InvalidProofException("IndexMap layer: final sumcheck check failed for input " + k);
            }
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(inputs[k], sc[k].point(), xv[k]);
        }
    }

    /**
     * Zero-knowledge mode (docs/zero-knowledge.md §3.2, §3.7): no partial sum is sent (with one
     * input it would be the claim itself, with several the unmasked shares s_k of Ỹ(r)). One masked
     * sumcheck over L = max_k n_k variables proves Σ_k Σ_{x∈{0,1}^L} X̂_k(x_{<n_k})·P_k(r, x_{<n_k})·[x_{≥n_k} = 0]
     * = Ŷ(r) (each input's variables are the first n_k; its table is constant along the others,
     * its wiring zero there), on the target Ŷ(r), whose mask (if Y is masked) the extra variable w
     * removes. It ends at ρ; the prover sends X̂_k(ρ_{<n_k}) for k = 0.. in order (each absorbed as
     * {@code index_map/input}), the verifier checks Σ_k X̂_k(ρ_{<n_k})·P̃_k(r, ρ_{<n_k})·Π_{i≥n_k}(1 − ρ_i)
     * against the sumcheck's final value and emits one masked claim per input. With one input this
     * is the single sumcheck of X̂·P (n_0 = L).
     *
     * <p>Wire format: the masked sumcheck (L + 1 rounds, with w), then n ext.
     */
    private void verifyZeroKnowledge(Claim claim, VerifierContext ctx) throws InvalidProofException {
        Circuit c = ctx.circuit();
        var t = ctx.transcript();
        var in = ctx.proof();
        t.domain(DOMAIN);
        Ext3[] r = claim.point();
        int n = inputs.length;
        int[] vars = inputVars(c);
        int sumVars = Arrays.stream(vars).max().getAsInt();
        for (int k = 0; k < n; k++) {
            if (sumVars == 0 || (vars[k] == 0 && ctx.tensorMaskDegree(inputs[k]) >= 0)) {
                throw new IllegalStateException("zero-knowledge mode cannot mask the one-element tensor " + c.tensor(inputs[k]).name());
            }
        }
        ZkSteps.Term[] terms = ctx.tensorMaskDegree(output) >= 0 ? new ZkSteps.Term[] {new ZkSteps.Term(output, Ext3.ONE, r)}
                : new ZkSteps.Term[0];
        int[] deltas = new int[n];
        for (int k = 0; k < n; k++) {
            deltas[k] = ctx.tensorMaskDegree(inputs[k]);
        }
        var res = ZkSteps.sumcheck(ctx, claim.value(), terms, zeroKnowledgeRoundDegrees(vars, sumVars, deltas));
        Ext3[] xv = new Ext3[n];
        Ext3[][] points = new Ext3[n][];
        for (int k = 0; k < n; k++) {
            xv[k] = in.ext("IndexMap input evaluation");
            t.absorbExt("index_map/input", xv[k]);
            points[k] = Arrays.copyOf(res.point(), vars[k]);
        }
        Ext3[] wiring = wiringEvaluations(c, r, points);
        Ext3 expected = Ext3.ZERO;
        for (int k = 0; k < n; k++) {
            expected = expected.add(xv[k].mul(wiring[k]).mul(ZkSteps.zeroTail(res.point(), vars[k])));
        }
        if (!expected.equals(res.value())) {
            throw new InvalidProofException("IndexMap layer: final sumcheck check failed");
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(inputs[k], points[k], xv[k]);
        }
    }

    /**
     * The round degrees of the zero-knowledge sumcheck over {@code sumVars} variables (prover and
     * verifier): 2 (wiring times input) in every round, and in the round that binds masked input k's
     * last variable (its mask lives on its own vars[k] variables, and enters there) its masked
     * factor's degree plus 1 (the wiring). {@code deltas[k]}: input k's mask degree, −1 unmasked.
     */
    public static int[] zeroKnowledgeRoundDegrees(int[] vars, int sumVars, int[] deltas) {
        int[] d = dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(sumVars, 2);
        for (int k = 0; k < vars.length; k++) {
            if (deltas[k] >= 0 && vars[k] >= 1) {
                d[vars[k] - 1] = Math.max(d[vars[k] - 1], ZkSteps.maskedFactorDegree(0, vars[k], deltas[k]) + 1);
            }
        }
        return d;
    }

    /** The number of variables of each input, in input order. */
    public int[] inputVars(Circuit c) {
        int[] vars = new int[inputs.length];
        for (int k = 0; k < vars.length; k++) {
            vars[k] = c.tensor(inputs[k]).layout().numVars();
        }
        return vars;
    }

    /**
     * P̃_k(r, ρ_k) for every input k. Im2col and Window maps are separable per dimension and
     * evaluated in closed form, O(B + C·KH·KW + OH·KH + OW·KW) ({@link #separableWiring});
     * the other maps in one pass over the output ({@link #genericWiringEvaluations}).
     */
    public Ext3[] wiringEvaluations(Circuit c, Ext3[] r, Ext3[][] rho) {
        if (map instanceof IndexMap.Im2col || map instanceof IndexMap.Window) {
            return new Ext3[] {separableWiring(map, c.tensor(inputs[0]).layout(), c.tensor(output).layout(), r, rho[0])};
        }
        if (inputs.length == 1) {
            Ext3 w = axisWiring(map, c.tensor(inputs[0]).layout(), c.tensor(output).layout(), r, rho[0]);
            if (w != null) {
                return new Ext3[] {w};
            }
        }
        return genericWiringEvaluations(c, r, rho);
    }

    /**
     * P̃(r, ρ) in closed form for a Gather along one axis (a broadcast, a slice by indices: O(1) per
     * variable when the indices are consecutive or all equal, {@link #gatherAxis}), a Slice
     * (per axis: Σ_{i&lt;m} eq(r_d, i)·eq(ρ_d, start + i·step), O(1) per variable for step 1,
     * {@link #shiftedDiagonal}), a Transpose (per output axis d, the
     * diagonal between r_d and ρ_perm[d]), and for
     * a Reshape that keeps every element's padded address (dimensions of size 1 added or dropped;
     * or trailing dimensions that are powers of two merged or split: [B, N, 2^k] ↔ [B, N·2^k]),
     * else null. A Gather's sources factor per dimension: P̃ = Π_{d≠a} Σ_{i&lt;n_d} eq(r_d, i)·eq(ρ_d, i)
     * · Σ_{j<m} eq(r_a, j)·eq(ρ_a, indices[j]). A Reshape that keeps addresses is the diagonal on
     * the real elements: P̃ = Π_d Σ_{i&lt;n_d} eq(r_d, i)·eq(ρ_d, i) over the input's dimensions, whose
     * variables are the output's (the same bits of the same addresses). O(Σ_d n_d) instead of the
     * generic pass over every output element.
     */
    static Ext3 axisWiring(IndexMap map, TensorLayout lx, TensorLayout ly, Ext3[] r, Ext3[] rho) {
        if (map instanceof IndexMap.Gather g) {
            Ext3 p = Ext3.ONE;
            for (int d = 0; d < lx.rank(); d++) {
                if (d == g.axis()) {
                    p = p.mul(gatherAxis(g.indices(), r, ly.varOffset(d), ly.dimVars(d), rho, lx.varOffset(d), lx.dimVars(d)));
                } else {
                    p = p.mul(diagonalPrefix(r, ly.varOffset(d), rho, lx.varOffset(d), lx.dimVars(d), lx.dim(d)));
                }
            }
            return p;
        }
        if (map instanceof IndexMap.Slice sl) {
            int[] starts = sl.starts(), steps = sl.steps();
            Ext3 p = Ext3.ONE;
            for (int d = 0; d < lx.rank(); d++) {
                if (starts[d] == 0 && steps[d] == 1 && ly.dim(d) == lx.dim(d)) {
                    p = p.mul(diagonalPrefix(r, ly.varOffset(d), rho, lx.varOffset(d), lx.dimVars(d), ly.dim(d)));
                } else if (steps[d] == 1 || ly.dim(d) == 1) {
                    p = p.mul(shiftedDiagonal(r, ly.varOffset(d), ly.dimVars(d), rho, lx.varOffset(d), lx.dimVars(d), starts[d], ly.dim(d)));
                } else {
                    long[] ey = dimEq(ly, d, r), ex = dimEq(lx, d, rho);
                    long[] acc = new long[3];
                    for (int i = 0; i < ly.dim(d); i++) {
                        mulAdd(ey, i, ex, starts[d] + i * steps[d], acc, 0);
                    }
                    p = p.mul(Ext3.get(acc, 0));
                }
            }
            return p;
        }
        if (map instanceof IndexMap.Transpose tr) {
            // output axis d is input axis perm[d]: the coordinates match per output axis
            int[] perm = tr.perm();
            Ext3 p = Ext3.ONE;
            for (int d = 0; d < ly.rank(); d++) {
                p = p.mul(diagonalPrefix(r, ly.varOffset(d), rho, lx.varOffset(perm[d]), ly.dimVars(d), ly.dim(d)));
            }
            return p;
        }
        if (map instanceof IndexMap.Reshape && sameAddresses(lx, ly)) {
            Ext3 p = Ext3.ONE;
            for (int d = 0; d < lx.rank(); d++) {
                p = p.mul(diagonalPrefix(r, lx.varOffset(d), rho, lx.varOffset(d), lx.dimVars(d), lx.dim(d)));
            }
            return p;
        }
        return null;
    }

    /** In a {@link #variableMap}: the input variable is the constant 0. */
    public static final int FIXED_0 = -1;
    /** In a {@link #variableMap}: the input variable is the constant 1. */
    public static final int FIXED_1 = -2;

    /**
     * The claim transfer of this layer in circuit c, or null: the {@link #variableMap} of a one-input
     * map when the input entries that ỹ(r) = x̃(π(r)) reads and the map does not (padding entries of
     * x, along the dimensions {@link #paddingRead}) are 0 by the circuit's relations
     * ({@link Circuit#zeroPaddingDims}: an index map's output, a requantization with 0 in its clamp
     * range of such a tensor, a matmul's output, ...). Then y = x∘π on the whole padded domain of y:
     * a real output with a source reads it, every other output index reads a zero, so ỹ(r) = x̃(π(r))
     * exactly and the layer is proved with no message: the claim ỹ(r) = v becomes x̃(π(r)) = v
     * ({@link #transferPoint}); for a {@link #broadcastMap} the same with the factor {@link #transferScale}.
     * A prover that puts a nonzero value there breaks the relation of the
     * layer that makes x, which rejects it. Decided from the key alone; integrity mode only
     * (zero-knowledge mode's masks are per tensor, so X̂ ≠ Ŷ∘π).
     */
    public int[] claimTransfer(Circuit c) {
        if (inputs.length != 1) {
            return null;
        }
        TensorLayout lx = c.tensor(inputs[0]).layout(), ly = c.tensor(output).layout();
        int[] vm = variableMap(map, lx, ly);
        int read;
        if (vm != null) {
            read = paddingRead(map, lx, ly);
        } else {
            vm = broadcastMap(map, lx, ly);
            if (vm == null) {
                return null;
            }
            // x∘π reads x at coordinate j0 of the axis (real) and every coordinate of the other dimensions
            read = ZeroPadding.all(lx) & ~ZeroPadding.unpadded(lx) & ~(1 << ((IndexMap.Gather) map).axis());
        }
        return (c.zeroPaddingDims(inputs[0]) & read) == read ? vm : null;
    }

    /**
     * The factor s of a {@link #claimTransfer} at the output point r, ỹ(r) = s·x̃(π(r)): 1 for a
     * permutation of index bits; for a broadcast ({@link #broadcastMap}: m ≥ 2 copies of input
     * coordinate j0 along the axis a) s = Σ_{i&lt;m} eq(r_a, i), since y[o] = x[o with j0 on a]·[o_a &lt; m]
     * at every padded o once x's padding along the other dimensions is 0. When s = 0 the claim must be
     * 0 and nothing moves to x (probability at most vars/|GF(p^3)| for a random r).
     */
    public Ext3 transferScale(Circuit c, Ext3[] r) {
        if (!(map instanceof IndexMap.Gather g) || g.indices().length < 2) {
            return Ext3.ONE;
        }
        TensorLayout ly = c.tensor(output).layout();
        int vy = ly.dimVars(g.axis()), oy = ly.varOffset(g.axis());
        Ext3[] a0 = new Ext3[vy], a1 = new Ext3[vy];
        for (int k = 0; k < vy; k++) {
            a1[k] = r[oy + k];
            a0[k] = Ext3.ONE.sub(a1[k]);
        }
        return Mle.prefixProductSum(a0, a1, g.indices().length);
    }

    /** The value v/s that a transferred claim v with {@link #transferScale} s ≠ 0 puts on x (v itself when s = 1). */
    public static Ext3 transferValue(Ext3 v, Ext3 scale) {
        return scale.equals(Ext3.ONE) ? v : v.mul(scale.inv());
    }

    /**
     * A broadcast (a Gather of m ≥ 2 indices, all the same j0, along its axis a: layer-norm statistics
     * spread over a row): the input variables in terms of the output's, as in {@link #variableMap}, with
     * the axis's fixed to j0's bits (the output's axis variables are summed, {@link #transferScale}).
     * Else null.
     */
    public static int[] broadcastMap(IndexMap map, TensorLayout lx, TensorLayout ly) {
        if (!(map instanceof IndexMap.Gather g) || g.indices().length < 2 || lx.rank() != ly.rank()) {
            return null;
        }
        int[] idx = g.indices();
        for (int j = 1; j < idx.length; j++) {
            if (idx[j] != idx[0]) {
                return null;
            }
        }
        int[] vm = new int[lx.numVars()];
        for (int d = 0; d < lx.rank(); d++) {
            int ox = lx.varOffset(d), vx = lx.dimVars(d);
            if (d != g.axis() && (lx.dim(d) != ly.dim(d) || ly.dimVars(d) != vx)) {
                return null;
            }
            for (int k = 0; k < vx; k++) {
                vm[ox + k] = d != g.axis() ? ly.varOffset(d) + k : ((idx[0] >>> k) & 1) != 0 ? FIXED_1 : FIXED_0;
            }
        }
        return vm;
    }

    /**
     * For a map with a {@link #variableMap}: the dimensions of x (bit d) whose padding coordinates
     * x∘π reads: every dimension for a Reshape (its padding is x's, at the same addresses), else the
     * input dimensions whose image range [s, s + 2^vy) reaches past their size. Every index that
     * x∘π reads and the map does not lies on such a coordinate ({@link #variableMap}).
     */
    public static int paddingRead(IndexMap map, TensorLayout lx, TensorLayout ly) {
        if (map instanceof IndexMap.Reshape) {
            return ZeroPadding.all(lx) & ~ZeroPadding.unpadded(lx);
        }
        int read = 0;
        for (int d = 0; d < ly.rank(); d++) {
            int xd = d;
            long start = 0;
            if (map instanceof IndexMap.Transpose tr) {
                xd = tr.perm()[d];
            } else if (map instanceof IndexMap.Slice sl) {
                start = sl.starts()[d];
            } else if (map instanceof IndexMap.Gather g && d == g.axis()) {
                start = g.indices()[0];
            }
            if (start + (1L << ly.dimVars(d)) > lx.dim(xd)) {
                read |= 1 << xd;
            }
        }
        return read;
    }

    /** The input point π(r) of a {@link #variableMap}: ρ_v = r_{vm[v]}, or the constant. */
    public static Ext3[] transferPoint(int[] vm, Ext3[] r) {
        Ext3[] rho = new Ext3[vm.length];
        for (int v = 0; v < vm.length; v++) {
            rho[v] = vm[v] >= 0 ? r[vm[v]] : vm[v] == FIXED_1 ? Ext3.ONE : Ext3.ZERO;
        }
        return rho;
    }

    /**
     * When a one-input map, on the padded layouts, is a permutation of index bits onto a sub-cube of
     * the input, the input variables in terms of the output's: {@code vm[v]} (v &lt; lx.numVars) is
     * the output variable that input variable v equals, or {@link #FIXED_0} / {@link #FIXED_1}; every
     * output variable is used once. Exact: every padded output index o satisfies y[o] = x[π(o)] when
     * x's padding is 0 (a real output element's source is π(o); an output without a source, padding
     * or not, has π(o) on x's padding). Else null (also for maps that would qualify but are not
     * recognised: this only saves proof bytes). Closed forms, O(rank):
     * a Transpose (dimension d's variables are input dimension perm[d]'s); a Reshape that keeps
     * padded addresses ({@link #sameAddresses}: the identity); per dimension, output coordinate i ↦
     * input coordinate s + i for i below the number n of output coordinates with a source (a Slice
     * with step 1, a Gather of consecutive indices along its axis, a Pad with nothing before) when s
     * is a multiple of 2^vy (vy = the output dimension's variables: the input's low vy bits are the
     * output's, its higher bits s's) and the coordinates from n to 2^vy land on input padding
     * (s + n = the input dimension, or n = 2^vy).
     */
    public static int[] variableMap(IndexMap map, TensorLayout lx, TensorLayout ly) {
        int rank = lx.rank();
        int[] vm = new int[lx.numVars()];
        if (map instanceof IndexMap.Reshape) {
            if (!sameAddresses(lx, ly)) {
                return null;
            }
            for (int v = 0; v < vm.length; v++) {
                vm[v] = v;
            }
            return vm;
        }
        if (ly.rank() != rank) {
            return null;
        }
        for (int d = 0; d < rank; d++) {
            int xd = d, start = 0, n = ly.dim(d);
            // if/instanceof rather than a pattern switch: TeaVM (verifier-web) has no typeSwitch bootstrap
            if (map instanceof IndexMap.Transpose tr) {
                xd = tr.perm()[d];
            } else if (map instanceof IndexMap.Slice sl) {
                if (sl.steps()[d] != 1 && ly.dim(d) != 1) {
                    return null;
                }
                start = sl.starts()[d];
            } else if (map instanceof IndexMap.Gather g) {
                if (d == g.axis()) {
                    int[] idx = g.indices();
                    for (int j = 1; j < idx.length; j++) {
                        if (idx[j] != idx[0] + j) {
                            return null;
                        }
                    }
                    start = idx[0];
                }
            } else if (map instanceof IndexMap.Pad p) {
                if (p.before()[d] != 0) {
                    return null;
                }
                n = Math.min(ly.dim(d), lx.dim(d));
            } else {
                return null;
            }
            if (!embedDimension(vm, lx, xd, ly, d, start, n)) {
                return null;
            }
        }
        return vm;
    }

    /**
     * Maps output dimension yd (coordinate i ↦ start + i for i &lt; n, none above) onto input
     * dimension xd in vm, if that is a bit embedding that sends every coordinate without a source
     * onto the input's padding (see {@link #variableMap}).
     */
    private static boolean embedDimension(int[] vm, TensorLayout lx, int xd, TensorLayout ly, int yd, int start, int n) {
        int vy = ly.dimVars(yd), vx = lx.dimVars(xd);
        if (vy > vx || start % (1 << vy) != 0 || (long) start + n > lx.dim(xd) || (start + n != lx.dim(xd) && n != 1 << vy)) {
            return false;
        }
        int ox = lx.varOffset(xd), oy = ly.varOffset(yd);
        for (int k = 0; k < vx; k++) {
            vm[ox + k] = k < vy ? oy + k : ((start >>> k) & 1) != 0 ? FIXED_1 : FIXED_0;
        }
        return true;
    }

    /**
     * Σ_{j<m} eq(r_a, j)·eq(ρ_a, indices[j]) along a Gather's axis (r_a: vy variables from ro, ρ_a: vx
     * from po): in O(vx) for consecutive indices ({@link #shiftedDiagonal}) and for a broadcast (every
     * index the same j0: eq(ρ_a, j0)·Σ_{j<m} eq(r_a, j)), else by eq tables in O(2^vy + 2^vx).
     */
    static Ext3 gatherAxis(int[] indices, Ext3[] r, int ro, int vy, Ext3[] rho, int po, int vx) {
        int m = indices.length;
        boolean consecutive = true, constant = true;
        for (int j = 1; j < m; j++) {
            consecutive &= indices[j] == indices[0] + j;
            constant &= indices[j] == indices[0];
        }
        if (consecutive) {
            return shiftedDiagonal(r, ro, vy, rho, po, vx, indices[0], m);
        }
        if (constant) {
            Ext3[] a0 = new Ext3[vy], a1 = new Ext3[vy];
            for (int k = 0; k < vy; k++) {
                a1[k] = r[ro + k];
                a0[k] = Ext3.ONE.sub(a1[k]);
            }
            Ext3 e = Ext3.ONE;
            for (int k = 0; k < vx; k++) {
                e = e.mul(((indices[0] >>> k) & 1) != 0 ? rho[po + k] : Ext3.ONE.sub(rho[po + k]));
            }
            return e.mul(Mle.prefixProductSum(a0, a1, m));
        }
        Ext3[] ry = new Ext3[vy], rx = new Ext3[vx];
        System.arraycopy(r, ro, ry, 0, vy);
        System.arraycopy(rho, po, rx, 0, vx);
        long[] ey = Mle.eqTable(ry), ex = Mle.eqTable(rx);
        long[] acc = new long[3];
        for (int j = 0; j < m; j++) {
            mulAdd(ey, j, ex, indices[j], acc, 0);
        }
        return Ext3.get(acc, 0);
    }

    /**
     * Σ_{i&lt;m} eq(r_{ro..ro+vy}, i)·eq(ρ_{po..po+vx}, s + i) in O(vx) (vy ≤ vx, s + m ≤ 2^vx; variable k is
     * bit k): a pass over the bits from the lowest, adding s to i with a carry, keeps the four sums of
     * the eq products over the low bits of i by (carry into the next bit, whether i's low bits are below
     * m's). The index i + s needs no carry out of bit vx − 1, and i &lt; m when its bits end below m's
     * (or m ≥ 2^vx). Replaces the eq tables of 2^vy and 2^vx entries of a slice at an offset (GPT-2's
     * q, k, v: 768 of 2304 columns at 768 and 1536).
     */
    static Ext3 shiftedDiagonal(Ext3[] r, int ro, int vy, Ext3[] rho, int po, int vx, long s, long m) {
        Ext3[] st = {Ext3.ONE, Ext3.ZERO, Ext3.ZERO, Ext3.ZERO}; // index carry·2 + below
        for (int k = 0; k < vx; k++) {
            Ext3[] next = {Ext3.ZERO, Ext3.ZERO, Ext3.ZERO, Ext3.ZERO};
            int sb = (int) (s >>> k) & 1, mb = (int) (m >>> k) & 1;
            Ext3 rho1 = rho[po + k], rho0 = Ext3.ONE.sub(rho1);
            for (int ib = 0; ib <= (k < vy ? 1 : 0); ib++) {
                Ext3 fr = k < vy ? (ib == 1 ? r[ro + k] : Ext3.ONE.sub(r[ro + k])) : Ext3.ONE;
                for (int state = 0; state < 4; state++) {
                    if (st[state].isZero()) {
                        continue;
                    }
                    int carry = state >>> 1, below = state & 1;
                    int jb = ib ^ sb ^ carry, carryOut = (ib + sb + carry) >>> 1;
                    int belowOut = ib < mb || (ib == mb && below == 1) ? 1 : 0;
                    int to = carryOut << 1 | belowOut;
                    next[to] = next[to].add(st[state].mul(fr).mul(jb == 1 ? rho1 : rho0));
                }
            }
            st = next;
        }
        return (m >>> vx) != 0 ? st[0].add(st[1]) : st[1];
    }

    /**
     * Σ_{i&lt;n} eq(r_{ro..ro+v}, i)·eq(ρ_{po..po+v}, i) in O(v) (variable k is bit k of i): with
     * g_k(1) = r_k·ρ_k, g_k(0) = (1 − r_k)(1 − ρ_k) and T_k = g_k(0) + g_k(1), the indices below n
     * are, for each bit b set in n, those that agree with n above b, have 0 at b and anything below:
     * Σ_b [n_b = 1]·Π_{k>b} g_k(n_k)·g_b(0)·Π_{k<b} T_k.
     */
    static Ext3 diagonalPrefix(Ext3[] r, int ro, Ext3[] rho, int po, int v, int n) {
        Ext3[] g0 = new Ext3[v], g1 = new Ext3[v];
        for (int k = 0; k < v; k++) {
            Ext3 a = r[ro + k], b = rho[po + k];
            g1[k] = a.mul(b);
            g0[k] = Ext3.ONE.sub(a).mul(Ext3.ONE.sub(b));
        }
        return dev.zkinfer.poly.Mle.prefixProductSum(g0, g1, n);
    }

    /**
     * Whether two layouts of the same elements give every element the same padded address: with
     * dimensions of size 1 dropped, both split into groups of consecutive dimensions with equal
     * products, and in each group every dimension after the group's first is a power of two (so
     * row-major order within the group is the concatenation of the dimensions' bits on both sides).
     */
    static boolean sameAddresses(TensorLayout a, TensorLayout b) {
        int[] x = java.util.Arrays.stream(a.dims()).filter(v -> v != 1).toArray();
        int[] y = java.util.Arrays.stream(b.dims()).filter(v -> v != 1).toArray();
        int i = 0, j = 0;
        while (i < x.length && j < y.length) {
            long px = x[i++], py = y[j++];
            while (px != py) {
                if (px < py) {
                    if (i >= x.length || Integer.bitCount(x[i]) != 1) {
                        return false;
                    }
                    px *= x[i++];
                } else {
                    if (j >= y.length || Integer.bitCount(y[j]) != 1) {
                        return false;
                    }
                    py *= y[j++];
                }
            }
        }
        return i == x.length && j == y.length && a.numVars() == b.numVars();
    }

    /**
     * P̃(r, ρ) of an Im2col or Window map. The sources factor per dimension: batch and channel
     * match by equality, and an output row oh with kernel row kh reads input row
     * oh·sH + kh − padTop (when inside the image), so with the 1-D shift predicates
     * H(kh) = Σ_{oh} eq(r_oh, oh)·eq(ρ_h, oh·sH + kh − padTop) (real rows only) and W(kw)
     * likewise, P̃ = E_B·Σ_c eq(ρ_c, c)·Σ_{kh,kw} H(kh)·W(kw)·eq(r_q, (c·KH + kh)·KW + kw) for
     * Im2col (whose column dimension q is padded as a whole), and
     * P̃ = E_B·E_C·H(kh)·W(kw) for one Window offset, with E_B = Σ_{b<B} eq(r_b, b)·eq(ρ_b, b)
     * and E_C likewise over the real channels.
     */
    static Ext3 separableWiring(IndexMap map, TensorLayout lx, TensorLayout ly, Ext3[] r, Ext3[] rho) {
        int B, C, H, W, KH, KW, sH, sW, pT, pL, OH, OW;
        boolean im2col = map instanceof IndexMap.Im2col;
        if (map instanceof IndexMap.Im2col m) {
            B = m.B(); C = m.C(); H = m.H(); W = m.W(); KH = m.KH(); KW = m.KW();
            sH = m.strideH(); sW = m.strideW(); pT = m.padTop(); pL = m.padLeft(); OH = m.OH(); OW = m.OW();
        } else if (map instanceof IndexMap.Window m) {
            B = m.B(); C = m.C(); H = m.H(); W = m.W(); KH = m.KH(); KW = m.KW();
            sH = m.strideH(); sW = m.strideW(); pT = m.padTop(); pL = m.padLeft(); OH = m.OH(); OW = m.OW();
        } else {
            throw new IllegalArgumentException("not a separable map: " + map);
        }
        // output dims: Im2col [B, OH, OW, Q]; Window [B, C, OH, OW]
        int dOH = im2col ? 1 : 2, dOW = im2col ? 2 : 3;
        long[] xb = dimEq(lx, 0, rho), xc = dimEq(lx, 1, rho), xh = dimEq(lx, 2, rho), xw = dimEq(lx, 3, rho);
        long[] yb = dimEq(ly, 0, r), yh = dimEq(ly, dOH, r), yw = dimEq(ly, dOW, r);
        long[] eb = new long[3];
        for (int b = 0; b < B; b++) {
            mulAdd(yb, b, xb, b, eb, 0);
        }
        int kh0 = im2col ? 0 : ((IndexMap.Window) map).kh(), kh1 = im2col ? KH : kh0 + 1;
        int kw0 = im2col ? 0 : ((IndexMap.Window) map).kw(), kw1 = im2col ? KW : kw0 + 1;
        long[] hs = shift(yh, xh, OH, H, sH, pT, kh0, kh1);
        long[] ws = shift(yw, xw, OW, W, sW, pL, kw0, kw1);
        if (!im2col) {
            long[] ec = new long[3];
            long[] yc = dimEq(ly, 1, r);
            for (int ch = 0; ch < C; ch++) {
                mulAdd(yc, ch, xc, ch, ec, 0);
            }
            return Ext3.get(eb, 0).mul(Ext3.get(ec, 0)).mul(Ext3.get(hs, 0)).mul(Ext3.get(ws, 0));
        }
        long[] yq = dimEq(ly, 3, r);
        long[] hw = new long[3 * KH * KW];
        for (int kh = 0; kh < KH; kh++) {
            for (int kw = 0; kw < KW; kw++) {
                Ext3.mulInto(hs, kh, ws, kw, hw, kh * KW + kw);
            }
        }
        int khw = KH * KW;
        long[] total = new long[3];
        long[] inner = new long[3];
        for (int ch = 0; ch < C; ch++) {
            inner[0] = inner[1] = inner[2] = 0;
            for (int k = 0; k < khw; k++) {
                mulAdd(hw, k, yq, ch * khw + k, inner, 0);
            }
            mulAdd(inner, 0, xc, ch, total, 0);
        }
        return Ext3.get(eb, 0).mul(Ext3.get(total, 0));
    }

    /** eq(z_d, ·) over dimension d's variables of a layout (array form, 2^dimVars entries). */
    static long[] dimEq(TensorLayout l, int d, Ext3[] z) {
        // a plain copy: Arrays.copyOfRange of an Ext3[] goes through Array.newInstance, a native
        // call that only C2 inlines (~5% of a cold verification's samples)
        Ext3[] zd = new Ext3[l.dimVars(d)];
        System.arraycopy(z, l.varOffset(d), zd, 0, zd.length);
        return Mle.eqTable(zd);
    }

    /**
     * The 1-D shift predicate for k in [k0, k1): S(k) = Σ_{o<O, 0≤o·s+k−p<N} eo[o]·ei[o·s+k−p],
     * returned at index k − k0 (array form).
     */
    static long[] shift(long[] eo, long[] ei, int O, int N, int s, int p, int k0, int k1) {
        long[] out = new long[3 * (k1 - k0)];
        for (int k = k0; k < k1; k++) {
            for (int o = 0; o < O; o++) {
                long i = (long) o * s + k - p;
                if (i >= 0 && i < N) {
                    mulAdd(eo, o, ei, (int) i, out, k - k0);
                }
            }
        }
        return out;
    }

    /** P̃_k(r, ρ_k) for every input k, in one pass over the output: O(|y| + Σ|x_k|). */
    public Ext3[] genericWiringEvaluations(Circuit c, Ext3[] r, Ext3[][] rho) {
        return genericWiring(map, inputLayouts(c), c.tensor(output).layout(), r, rho);
    }

    /** P̃_k(r, ρ_k) of a map by enumeration of its sources: O(|y| + Σ|x_k|). */
    public static Ext3[] genericWiring(IndexMap map, TensorLayout[] ins, TensorLayout out, Ext3[] r, Ext3[][] rho) {
        long[] eqR = Mle.eqTable(r);
        long[][] eqRho = new long[rho.length][];
        for (int k = 0; k < rho.length; k++) {
            eqRho[k] = Mle.eqTable(rho[k]);
        }
        long[] acc = new long[3 * rho.length];
        forEachSource(map, ins, out, (o, k, j) -> mulAdd(eqR, o, eqRho[k], j, acc, k));
        Ext3[] res = new Ext3[rho.length];
        for (int k = 0; k < rho.length; k++) {
            res[k] = Ext3.get(acc, k);
        }
        return res;
    }

    /** acc[m] += x[i]·y[j] (array-form extension elements). */
    static void mulAdd(long[] x, int i, long[] y, int j, long[] acc, int m) {
        int xi = 3 * i, yj = 3 * j, a = 3 * m;
        long a0 = x[xi], a1 = x[xi + 1], a2 = x[xi + 2];
        long b0 = y[yj], b1 = y[yj + 1], b2 = y[yj + 2];
        // GF(p^3) = F[X]/(X^3 - 2)
        long c0 = Goldilocks.add(Goldilocks.mul(a0, b0), dbl(Goldilocks.add(Goldilocks.mul(a1, b2), Goldilocks.mul(a2, b1))));
        long c1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0)), dbl(Goldilocks.mul(a2, b2)));
        long c2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b2), Goldilocks.mul(a1, b1)), Goldilocks.mul(a2, b0));
        acc[a] = Goldilocks.add(acc[a], c0);
        acc[a + 1] = Goldilocks.add(acc[a + 1], c1);
        acc[a + 2] = Goldilocks.add(acc[a + 2], c2);
    }

    private static long dbl(long v) {
        return Goldilocks.add(v, v);
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(inputs.length);
        for (int t : inputs) {
            out.u32(t);
        }
        out.u32(output);
        map.encode(out);
    }

    public static IndexMapLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int n = in.length("IndexMap input count", 1, MAX_INPUTS);
        int[] ins = new int[n];
        for (int k = 0; k < n; k++) {
            ins[k] = LayerCodec.tensorId(in, tensorCount, "IndexMap input");
        }
        int out = LayerCodec.tensorId(in, tensorCount, "IndexMap output");
        return new IndexMapLayer(ins, out, IndexMap.decode(in));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexMapLayer l && Arrays.equals(l.inputs, inputs) && l.output == output && l.map.equals(map);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(inputs) * 31 + output) * 31 + map.hashCode();
    }

    @Override
    public String toString() {
        return "IndexMap(" + Arrays.toString(inputs) + " -> " + output + ", " + map + ")";
    }
}

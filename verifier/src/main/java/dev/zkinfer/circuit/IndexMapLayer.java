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
 * <p>Wire format: n ext (s_k); per input: sumcheck (vars_k rounds × 2 ext), 1 ext.
 * Verifying-key encoding: u32 n (1..{@value #MAX_INPUTS}), n u32 input ids, u32 output, the map
 * ({@link IndexMap}).
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
    public void checkShapes(Circuit c) {
        int n = c.tensors().size();
        for (int t : inputs) {
            if (t >= n) {
                throw new IllegalArgumentException("IndexMap layer: tensor id out of range");
            }
        }
        if (output >= n) {
            throw new IllegalArgumentException("IndexMap layer: tensor id out of range");
        }
        map.check(inputLayouts(c), c.tensor(output).layout());
    }

    /** Receives (padded output index, input number, padded input index) for every real output element that has a source. */
    @FunctionalInterface
    public interface Sink {
        void accept(int outPadded, int input, int inPadded);
    }

    /** Enumerates the sources of the real output elements in row-major order. */
    public void forEachSource(Circuit c, Sink sink) {
        TensorLayout[] ins = inputLayouts(c);
        TensorLayout out = c.tensor(output).layout();
        int rank = out.rank();
        int[] coords = new int[rank];
        long size = out.size();
        for (long i = 0; i < size; i++) {
            long src = map.source(coords, ins, out);
            if (src != IndexMap.NONE) {
                int k = (int) (src >>> 32);
                sink.accept(out.paddedIndex(coords), k, ins[k].paddedIndex(src & 0xFFFF_FFFFL));
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++coords[d] < out.dim(d)) {
                    break;
                }
                coords[d] = 0;
            }
        }
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        try {
            checkShapes(c);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException("IndexMap layer: " + e.getMessage());
        }
        TensorLayout ly = c.tensor(output).layout();
        Ext3[] r = claim.point();
        if (claim.tensor() != output || r.length != ly.numVars()) {
            throw new InvalidProofException("IndexMap layer: claim does not match the output tensor");
        }
        var t = ctx.transcript();
        var in = ctx.proof();
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
        Ext3[] wiring = wiringEvaluations(c, r, Arrays.stream(sc).map(SumcheckClaim::point).toArray(Ext3[][]::new));
        for (int k = 0; k < n; k++) {
            if (!xv[k].mul(wiring[k]).equals(sc[k].value())) {
                throw new InvalidProofException("IndexMap layer: final sumcheck check failed for input " + k);
            }
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(inputs[k], sc[k].point(), xv[k]);
        }
    }

    /** P̃_k(r, ρ_k) for every input k, in one pass over the output: O(|y| + Σ|x_k|). */
    public Ext3[] wiringEvaluations(Circuit c, Ext3[] r, Ext3[][] rho) {
        long[] eqR = Mle.eqTable(r);
        long[][] eqRho = new long[rho.length][];
        for (int k = 0; k < rho.length; k++) {
            eqRho[k] = Mle.eqTable(rho[k]);
        }
        long[] acc = new long[3 * rho.length];
        forEachSource(c, (o, k, j) -> mulAdd(eqR, o, eqRho[k], j, acc, k));
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

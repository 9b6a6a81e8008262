package dev.zkinfer.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The layer sumcheck (eq factored out, t(1) from the claim, padding skipped) sends exactly the
 * generic sum-of-products sumcheck's bytes on eq·p0·q1 + eq·q0·s, on every backend, including
 * eq points with zero coordinates (where t(1) cannot come from the claim) and layers with padding.
 */
class LayerSumcheckTest {
    private static Ext3 random(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    /** A children layer of 2^(k+1) fractions, the first {@code live} random (base numerators or not), the rest padding. */
    private static FractionLayer children(SplittableRandom rnd, int k, int live, boolean base) {
        FractionLayer layer = new FractionLayer(k + 1, live, base);
        for (int x = 0; x < live; x++) {
            Ext3.set(layer.p, x, base ? Ext3.of(Goldilocks.reduce(rnd.nextLong())) : random(rnd));
            Ext3.set(layer.q, x, random(rnd));
        }
        return layer;
    }

    /** The generic prover's bytes and child evaluations for the same layer, from full tables. */
    private static byte[] generic(FractionLayer children, Ext3[] r, Ext3 claim, Ext3 lambda, Ext3[] evals) {
        int k = r.length, half = 1 << k;
        long[] p0 = new long[3 * half], s = new long[3 * half], q0 = new long[3 * half], q1 = new long[3 * half];
        for (int x = 0; x < half; x++) {
            Ext3 pa = fraction(children.p, children.live, 2 * x, Ext3.ZERO), pb = fraction(children.p, children.live, 2 * x + 1, Ext3.ZERO);
            Ext3 qa = fraction(children.q, children.live, 2 * x, Ext3.ONE), qb = fraction(children.q, children.live, 2 * x + 1, Ext3.ONE);
            Ext3.set(p0, x, pa);
            Ext3.set(s, x, pb.add(lambda.mul(qb)));
            Ext3.set(q0, x, qa);
            Ext3.set(q1, x, qb);
        }
        SumcheckInstance inst = new SumcheckInstance(k);
        int eq = inst.addTable(Mle.eqTable(r));
        int ip0 = inst.addTable(p0), is = inst.addTable(s), iq0 = inst.addTable(q0), iq1 = inst.addTable(q1);
        inst.addTerm(Ext3.ONE, eq, ip0, iq1);
        inst.addTerm(Ext3.ONE, eq, iq0, is);
        ProofWriter w = new ProofWriter();
        SumcheckProver.Result res = new SumcheckProver(Backends.scalar()).prove(inst, claim, w, new Sha256Transcript("layer"));
        Ext3[] ev = res.tableEvaluations();
        evals[0] = ev[ip0];
        evals[1] = ev[is].sub(lambda.mul(ev[iq1]));
        evals[2] = ev[iq0];
        evals[3] = ev[iq1];
        return w.toByteArray();
    }

    private static Ext3 fraction(long[] a, int live, int x, Ext3 padding) {
        return x < live ? Ext3.get(a, x) : padding;
    }

    /** The honest claim Σ eq(r, x)·G(x) = p̃(r) + λ·q̃(r) of the parent layer. */
    private static Ext3 claim(FractionLayer children, Ext3[] r, Ext3 lambda) {
        FractionLayer parent = children.parent(Backends.scalar().logUp());
        int size = 1 << r.length;
        long[] p = new long[3 * size], q = new long[3 * size];
        for (int x = 0; x < size; x++) {
            Ext3.set(p, x, fraction(parent.p, parent.live, x, Ext3.ZERO));
            Ext3.set(q, x, fraction(parent.q, parent.live, x, Ext3.ONE));
        }
        return Mle.evaluateExt(p, r).add(lambda.mul(Mle.evaluateExt(q, r)));
    }

    @Test
    void layerSumcheckSendsTheGenericSumchecksBytes() {
        SplittableRandom rnd = new SplittableRandom(21);
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar(), Backends.vector()));
        if (Backends.nativeBackend() != null) {
            backends.add(Backends.nativeBackend());
        }
        // (k, live children, zero coordinates of r): dense, padded, odd live counts, r_i = 0 in round 0 and later
        int[][] cases = {{1, 4}, {1, 3}, {2, 5}, {5, 64}, {5, 37}, {6, 100}, {11, 4096}, {11, 2100}, {12, 5001}};
        for (int[] c : cases) {
            int k = c[0], live = c[1];
            for (int zero : new int[] {-1, 0, k - 1, k / 2}) {
                for (boolean base : new boolean[] {true, false}) {
                    FractionLayer children = children(rnd, k, live, base);
                    Ext3[] r = new Ext3[k];
                    for (int i = 0; i < k; i++) {
                        r[i] = i == zero ? Ext3.ZERO : random(rnd);
                    }
                    Ext3 lambda = random(rnd);
                    Ext3 claim = claim(children, r, lambda);
                    Ext3[] expected = new Ext3[4];
                    byte[] reference = generic(children, r, claim, lambda, expected);
                    for (Backend b : backends) {
                        ProofWriter w = new ProofWriter();
                        Transcript t = new Sha256Transcript("layer");
                        LayerSumcheck.Result res = LayerSumcheck.prove(b.logUp(), children, r, claim, Ext3.ZERO, lambda, w, t);
                        String what = b.name() + " k=" + k + " live=" + live + " zero=" + zero;
                        assertArrayEquals(reference, w.toByteArray(), what);
                        assertEquals(expected[0], res.p0(), what);
                        assertEquals(expected[1], res.p1(), what);
                        assertEquals(expected[2], res.q0(), what);
                        assertEquals(expected[3], res.q1(), what);
                    }
                }
            }
        }
    }
}

package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.*;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomExt;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomMask;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.TestBackends;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zero-knowledge requantization's derived-excess sumcheck with one multiplier K
 * (RequantLayerProver.proveDerived): Σ eq(p, ·)·(x̂·K + c − 2^S·ŷ − r̂) on {@link EqLinearRounds}
 * against the generic prover of the instance it replaced (eq(p, ·), x, the constant table K, y and r
 * as tables, terms eq·x·K, c·eq, −2^S·eq·y, −eq·r, x, y and r masked with x_0 = variable 0): the
 * round polynomials (the generic prover's degree 3, and 4 in the masked last round, are the same
 * polynomials given at more points), the masked values at the point, and the bytes of the whole
 * masked-claims proof, on the scalar, the default and the native backend.
 */
class RequantDerivedRoundsTest {
    private static long[] randomBase(SplittableRandom rnd, int n) {
        long[] v = new long[1 << n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextBoolean() ? rnd.nextInt(1 << 16) : Goldilocks.reduce(rnd.nextLong());
        }
        return v;
    }

    /** One statement: point, K, S, the three columns and their masks (null: plain). */
    private record Statement(int n, Ext3[] p, long k, int shift, long[] x, long[] y, long[] r, TensorMask mx, TensorMask my, TensorMask mr) {
        SumcheckInstance instance() {
            SumcheckInstance inst = new SumcheckInstance(n);
            int eq = inst.addTable(Mle.eqTable(p));
            int xi = inst.addBaseTable(x.clone());
            long[] kt = new long[1 << n];
            java.util.Arrays.fill(kt, k);
            int ki = inst.addBaseTable(kt);
            int yi = inst.addBaseTable(y.clone());
            int ri = inst.addBaseTable(r.clone());
            inst.addTerm(Ext3.ONE, eq, xi, ki);
            inst.addTerm(Ext3.of(1L << (shift - 1)), eq);
            inst.addTerm(Ext3.of(Goldilocks.neg(1L << shift)), eq, yi);
            inst.addTerm(Ext3.of(Goldilocks.neg(1)), eq, ri);
            if (mx != null) {
                inst.maskTable(xi, Ext3.ONE, mx, 0, null);
            }
            if (my != null) {
                inst.maskTable(yi, Ext3.ONE, my, 0, null);
            }
            if (mr != null) {
                inst.maskTable(ri, Ext3.ONE, mr, 0, null);
            }
            return inst;
        }

        EqLinearRounds rounds(Backend backend) {
            return new EqLinearRounds(backend.sumcheck(), p, Ext3.of(1L << (shift - 1)),
                    List.of(new EqLinearRounds.Column(x, true, Ext3.of(k), mx),
                            new EqLinearRounds.Column(y, true, Ext3.of(Goldilocks.neg(1L << shift)), my),
                            new EqLinearRounds.Column(r, true, Ext3.of(Goldilocks.neg(1)), mr)));
        }
    }

    private static List<Statement> statements(SplittableRandom rnd, int n) {
        List<Statement> out = new ArrayList<>();
        for (int shape = 0; shape < 3; shape++) {
            Ext3[] p = new Ext3[n];
            for (int i = 0; i < n; i++) {
                p[i] = randomExt(rnd);
            }
            // every operand masked (δ 0..2); y public; nothing masked
            TensorMask mx = shape == 2 ? null : randomMask(rnd, shape == 0 ? 1 : 2);
            TensorMask my = shape == 0 ? randomMask(rnd, 0) : null;
            TensorMask mr = shape == 2 ? null : randomMask(rnd, 1);
            out.add(new Statement(n, p, 1 + rnd.nextLong(Integer.MAX_VALUE), 1 + rnd.nextInt(40), randomBase(rnd, n), randomBase(rnd, n),
                    randomBase(rnd, n), mx, my, mr));
        }
        return out;
    }

    private static List<Backend> backends() {
        List<Backend> b = new ArrayList<>(List.of(Backends.scalar(), Backends.get()));
        Backend nat = TestBackends.nativeFrom(0);
        if (nat != null) {
            b.add(nat);
        }
        return b;
    }

    /** The generic prover's degrees: 3, and in the last round 1 + the largest masked factor's (2, or 2 + δ when n = 1) + 1 for K. */
    private static int[] degrees(Statement s) {
        int[] d = s.instance().roundDegrees();
        int[] out = new int[s.n()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(3, d[i]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 8, 12})
    void roundsAndFinalsEqualTheGenericProvers(int n) {
        SplittableRandom rnd = new SplittableRandom(1300 + n);
        for (Backend backend : backends()) {
            for (Statement s : statements(rnd, n)) {
                SumcheckInstance inst = s.instance();
                Ext3 claim = inst.sum();
                var reference = new SumcheckProver.InstanceRounds(Backends.scalar().sumcheck(), inst);
                EqLinearRounds fast = s.rounds(backend);
                String what = "n = " + n + " (" + backend.getClass().getSimpleName() + ")";
                assertEquals(claim, fast.sum(), what + ": the sum");
                int[] degrees = degrees(s);
                for (int k = 0; k < n; k++) {
                    long[] ref = SumcheckProver.withDegree(reference.message(k, claim), claim, degrees[k]);
                    long[] got = SumcheckProver.withDegree(fast.message(k, claim), claim, degrees[k]);
                    assertArrayEquals(ref, got, what + ": round " + k);
                    Ext3 r = randomExt(rnd);
                    claim = Univariate.evaluate(SumcheckProver.values(got, claim, degrees[k]), r);
                    reference.bind(k, r);
                    fast.bind(k, r);
                }
                Ext3[] ref = reference.finals();
                Ext3[] got = fast.finals();
                assertEquals(ref[1], got[0], what + ": x̂ at the point");
                assertEquals(ref[3], got[1], what + ": ŷ at the point");
                assertEquals(ref[4], got[2], what + ": r̂ at the point");
            }
        }
    }

    /** The masked-claims proof (an excess mask term in the target, as the layer sends it) byte for byte, and its values. */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 9})
    void maskedClaimsProofsAreByteIdentical(int n) {
        SplittableRandom rnd = new SplittableRandom(1700 + n);
        for (Backend backend : backends()) {
            for (Statement s : statements(rnd, n)) {
                int[] degrees = degrees(s);
                TensorMask excess = randomMask(rnd, 1);
                Ext3[] c = {Ext3.of(1L << s.shift()).mul(TensorMask.vanishing(s.p()))};
                Ext3[] x0 = {s.p()[0]};
                TensorMask[] masks = {excess};
                Ext3 fSum = s.instance().sum();
                long seed = rnd.nextLong();
                SumcheckMask g1 = SumcheckProver.randomMask(MaskedSumcheck.withWRound(degrees), new SplittableRandom(seed));
                SumcheckMask g2 = SumcheckProver.randomMask(MaskedSumcheck.withWRound(degrees), new SplittableRandom(seed));
                ProofWriter w1 = new ProofWriter(), w2 = new ProofWriter();
                var a = new SumcheckProver(backend).proveMaskedClaims(s.instance(), fSum, degrees, masks, c, x0, g1, w1, new Sha256Transcript("rq"));
                EqLinearRounds fast = s.rounds(backend);
                var b = SumcheckProver.proveMaskedClaims(degrees, fSum, fast, masks, c, x0, g2, w2, new Sha256Transcript("rq"));
                String what = "n = " + n + " (" + backend.getClass().getSimpleName() + ")";
                assertArrayEquals(w1.toByteArray(), w2.toByteArray(), what + ": the proof's bytes");
                assertArrayEquals(a.point(), b.point(), what);
                Ext3[] f = fast.finals();
                assertEquals(a.tableEvaluations()[1], f[0], what);
                assertEquals(a.tableEvaluations()[3], f[1], what);
                assertEquals(a.tableEvaluations()[4], f[2], what);
            }
        }
    }
}

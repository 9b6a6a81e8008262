package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.*;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomExt;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomMask;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Libra's masked claims (docs/zero-knowledge.md §3.2) on the producer's side: the target of a
 * layer's sumcheck is a masked evaluation v = H + Σ c_i·Σ_w R(x0_i, w), never H itself.
 */
class MaskedClaimsTest {
    record Setup(SumcheckTest.Statement s, int degree, TensorMask r, Ext3[] c, Ext3[] x0, SumcheckMask mask, Ext3 v) {
        static Setup random(long seed, int n, int claims) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int degree = 3;
            SumcheckTest.Statement s = SumcheckTest.Statement.random(rnd, n, 3, 2, 2);
            TensorMask r = randomMask(rnd, claims - 1);
            Ext3[] c = new Ext3[claims], x0 = new Ext3[claims];
            Ext3 v = s.instance().sum();
            for (int i = 0; i < claims; i++) {
                Ext3[] p = new Ext3[3];
                for (int j = 0; j < p.length; j++) {
                    p[j] = randomExt(rnd);
                }
                c[i] = randomExt(rnd).mul(TensorMask.vanishing(p));
                x0[i] = p[0];
                v = v.add(c[i].mul(r.cubeSum(x0[i])));
            }
            int[] degrees = MaskedSumcheck.withWRound(dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, degree));
            return new Setup(s, degree, r, c, x0, SumcheckProver.randomMask(degrees, rnd), v);
        }

        byte[] prove(Ext3 claimed) {
            ProofWriter w = new ProofWriter();
            TensorMask[] masks = new TensorMask[c.length];
            Arrays.fill(masks, r);
            SumcheckProver.MaskedClaimsResult res = new SumcheckProver(Backends.scalar()).proveMaskedClaims(s.instance(),
                    s.instance().sum(), dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(s.n(), degree), masks, c, x0, mask, w,
                    new Sha256Transcript("test"));
            for (int i = 0; i < c.length; i++) {
                assertEquals(r.r(x0[i], res.wChallenge()), res.tensorMaskValues()[i]);
            }
            return w.toByteArray();
        }

        /** The verifier plus the caller's checks: f(r) against the tables, γ and u_i against the committed masks. */
        MaskedSumcheck.MaskedClaimsResult verify(byte[] proof) throws InvalidProofException {
            ProofReader in = new ProofReader(proof);
            MaskedSumcheck.MaskedClaimsResult res = MaskedSumcheck.verifyMaskedClaims(v, c, x0,
                    dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(s.n(), degree), in, new Sha256Transcript("test"));
            in.finish();
            Ext3[] full = new Ext3[s.n() + 1];
            full[0] = res.wChallenge();
            System.arraycopy(res.point(), 0, full, 1, s.n());
            if (!res.maskValue().equals(mask.evaluate(full))) {
                throw new InvalidProofException("sumcheck mask value does not open");
            }
            for (int i = 0; i < c.length; i++) {
                if (!res.tensorMaskValues()[i].equals(r.r(x0[i], res.wChallenge()))) {
                    throw new InvalidProofException("tensor mask value does not open");
                }
            }
            if (!res.value().equals(s.evaluate(res.point()))) {
                throw new InvalidProofException("final evaluation does not match");
            }
            return res;
        }
    }

    @Test
    void honestProofsVerify() throws Exception {
        for (int claims = 1; claims <= 3; claims++) {
            for (int n : new int[] {1, 4, 7}) {
                Setup st = Setup.random(claims * 100L + n, n, claims);
                st.verify(st.prove(st.v()));
            }
        }
    }

    @Test
    void aMaskedTargetThatIsNotTheSumIsRejected() {
        Setup st = Setup.random(7, 5, 2);
        Setup wrong = new Setup(st.s(), st.degree(), st.r(), st.c(), st.x0(), st.mask(), st.v().add(1));
        // the prover runs honestly on the true sum; the verifier holds a different masked claim
        assertThrows(InvalidProofException.class, () -> wrong.verify(st.prove(st.v())));
    }

    @Test
    void everyFlippedByteAndTruncationIsRejected() throws Exception {
        Setup st = Setup.random(8, 3, 2);
        byte[] proof = st.prove(st.v());
        st.verify(proof);
        for (int i = 0; i < proof.length; i++) {
            byte[] t = proof.clone();
            t[i] ^= (byte) (1 << (i % 8));
            assertThrows(InvalidProofException.class, () -> st.verify(t), "byte " + i);
        }
        assertThrows(InvalidProofException.class, () -> st.verify(Arrays.copyOf(proof, proof.length - 24)));
    }

    @Test
    void revealedValuesAreUniformInTheTensorMask() {
        // What the verifier learns about R: the masked claims' offsets Σ_w R(x0_i, w) (inside v_i)
        // and u_i = R(x0_i, w*). With δ = k − 1 the map from R's 2k coefficients to these 2k
        // values is onto, so each v_i is uniform whatever T̃(p_i) is.
        SplittableRandom rnd = new SplittableRandom(9);
        for (int k = 1; k <= 4; k++) {
            Ext3[] x0 = new Ext3[k];
            for (int i = 0; i < k; i++) {
                x0[i] = randomExt(rnd);
            }
            Ext3 w = randomExt(rnd);
            int unknowns = 2 * k;
            Ext3[][] m = new Ext3[2 * k][unknowns];
            for (int j = 0; j < unknowns; j++) {
                Ext3[] a = new Ext3[k], b = new Ext3[k];
                Arrays.fill(a, Ext3.ZERO);
                Arrays.fill(b, Ext3.ZERO);
                if (j < k) {
                    a[j] = Ext3.ONE;
                } else {
                    b[j - k] = Ext3.ONE;
                }
                TensorMask unit = new TensorMask(a, b);
                for (int i = 0; i < k; i++) {
                    m[i][j] = unit.cubeSum(x0[i]);
                    m[k + i][j] = unit.r(x0[i], w);
                }
            }
            assertEquals(2 * k, MaskedSumcheckTest.rank(m), "k=" + k);
        }
    }

    @Test
    void maskedTablesKeepTheSumAndCarryTheMaskToTheFinalEvaluations() throws Exception {
        SplittableRandom rnd = new SplittableRandom(10);
        for (int n = 1; n <= 5; n++) {
            for (int x0Var : new int[] {-1, 0, n - 1}) {
                long[] a = new long[3 << n], b = new long[3 << n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Goldilocks.reduce(rnd.nextLong());
                    b[i] = Goldilocks.reduce(rnd.nextLong());
                }
                TensorMask ma = randomMask(rnd, 1), mb = randomMask(rnd, 2);
                Ext3 za = randomExt(rnd), zb = randomExt(rnd), fixed = randomExt(rnd);
                SumcheckInstance inst = new SumcheckInstance(n);
                int ia = inst.addTable(a.clone()), ib = inst.addTable(b.clone());
                inst.addTerm(Ext3.ONE, ia, ib);
                Ext3 sum = inst.sum();
                inst.maskTable(ia, za, ma, x0Var, x0Var < 0 ? fixed : null);
                inst.maskTable(ib, zb, mb, 0, null);
                // the masks raise only the round that binds the tables' last variable (and x_0's, when it is that one)
                int[] degrees = inst.roundDegrees();
                for (int i = 0; i < n - 1; i++) {
                    assertEquals(2, degrees[i], "n=" + n + " x0Var=" + x0Var + " round " + i);
                }
                // the output claim this sumcheck reduces: one masked tensor Y with its own mask
                TensorMask my = randomMask(rnd, 0);
                Ext3 cy = randomExt(rnd), xy = randomExt(rnd);
                Ext3 claimed = sum.add(cy.mul(my.cubeSum(xy)));
                ProofWriter w = new ProofWriter();
                SumcheckProver.MaskedClaimsResult pr = new SumcheckProver(Backends.scalar()).proveMaskedClaims(inst, sum, degrees,
                        new TensorMask[] {my}, new Ext3[] {cy}, new Ext3[] {xy},
                        SumcheckProver.randomMask(MaskedSumcheck.withWRound(degrees), rnd), w, new Sha256Transcript("t"));
                ProofReader in = new ProofReader(w.toByteArray());
                MaskedSumcheck.MaskedClaimsResult vr = MaskedSumcheck.verifyMaskedClaims(claimed, new Ext3[] {cy}, new Ext3[] {xy},
                        degrees, in, new Sha256Transcript("t"));
                in.finish();
                Ext3[] rho = vr.point();
                Ext3 z = TensorMask.vanishing(rho);
                Ext3 aHat = dev.zkinfer.poly.Mle.evaluateExt(a, rho)
                        .add(za.mul(z).mul(ma.cubeSum(x0Var < 0 ? fixed : rho[x0Var])));
                Ext3 bHat = dev.zkinfer.poly.Mle.evaluateExt(b, rho).add(zb.mul(z).mul(mb.cubeSum(rho[0])));
                assertEquals(aHat, pr.tableEvaluations()[ia], "n=" + n + " x0Var=" + x0Var);
                assertEquals(bHat, pr.tableEvaluations()[ib]);
                assertEquals(aHat.mul(bHat), vr.value(), "the verifier's final value is the product of the masked evaluations");
            }
        }
    }

    @Test
    void aBroadcastTensorsMaskLivesOnItsOwnVariables() throws Exception {
        SplittableRandom rnd = new SplittableRandom(12);
        int n = 5;
        for (int vars : new int[] {0b00110, 0b00001, 0b11000, 0b10101, 0b01111}) {
            int[] own = java.util.stream.IntStream.range(0, n).filter(j -> (vars >>> j & 1) != 0).toArray();
            long[] small = new long[1 << own.length];
            for (int i = 0; i < small.length; i++) {
                small[i] = Goldilocks.reduce(rnd.nextLong());
            }
            long[] broadcast = new long[1 << n], other = new long[3 << n];
            for (int x = 0; x < (1 << n); x++) {
                int idx = 0;
                for (int q = 0; q < own.length; q++) {
                    idx |= (x >>> own[q] & 1) << q;
                }
                broadcast[x] = small[idx];
            }
            for (int i = 0; i < other.length; i++) {
                other[i] = Goldilocks.reduce(rnd.nextLong());
            }
            TensorMask m = randomMask(rnd, 1);
            Ext3 z = randomExt(rnd);
            SumcheckInstance inst = new SumcheckInstance(n);
            int ib = inst.addBaseTable(broadcast), io = inst.addTable(other.clone());
            inst.addTerm(Ext3.ONE, ib, io);
            Ext3 sum = inst.sum();
            inst.maskTable(ib, z, m, own[0], null, vars);
            // the mask enters in the round that binds the last of its own variables only
            int[] degrees = inst.roundDegrees();
            int last = 31 - Integer.numberOfLeadingZeros(vars);
            for (int i = 0; i < n; i++) {
                assertEquals(i == last ? (own[0] == last ? 3 + m.degree() : 3) : 2, degrees[i], "vars=" + Integer.toBinaryString(vars) + " round " + i);
            }
            ProofWriter w = new ProofWriter();
            SumcheckProver.MaskedClaimsResult pr = new SumcheckProver(Backends.scalar()).proveMaskedClaims(inst, sum, degrees,
                    new TensorMask[0], new Ext3[0], new Ext3[0], SumcheckProver.randomMask(MaskedSumcheck.withWRound(degrees), rnd), w,
                    new Sha256Transcript("t"));
            ProofReader in = new ProofReader(w.toByteArray());
            MaskedSumcheck.MaskedClaimsResult vr = MaskedSumcheck.verifyMaskedClaims(sum, new Ext3[0], new Ext3[0], degrees, in,
                    new Sha256Transcript("t"));
            in.finish();
            Ext3[] rho = vr.point();
            Ext3[] rhoOwn = new Ext3[own.length];
            for (int q = 0; q < own.length; q++) {
                rhoOwn[q] = rho[own[q]];
            }
            Ext3 bHat = dev.zkinfer.poly.Mle.evaluate(small, rhoOwn).add(z.mul(TensorMask.vanishing(rhoOwn)).mul(m.cubeSum(rhoOwn[0])));
            assertEquals(bHat, pr.tableEvaluations()[ib], "vars=" + Integer.toBinaryString(vars));
            assertEquals(bHat.mul(dev.zkinfer.poly.Mle.evaluateExt(other, rho)), vr.value());
        }
    }
}

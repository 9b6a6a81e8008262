package dev.zkinfer.prover.pcs;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared fixtures: random polynomials, proving, verifying. */
final class WhirTestSupport {
    static final String TAG = "zkinfer/test/whir";

    private WhirTestSupport() {}

    static long[] randomTable(SplittableRandom rnd, int n) {
        long[] v = new long[1 << n];
        for (int i = 0; i < v.length; i++) {
            v[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return v;
    }

    static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    static List<Ext3[]> randomPoints(SplittableRandom rnd, int n, int count) {
        List<Ext3[]> pts = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            Ext3[] p = new Ext3[n];
            for (int i = 0; i < n; i++) {
                p[i] = randomExt(rnd);
            }
            pts.add(p);
        }
        return pts;
    }

    /** A proof together with its statement. */
    record Opening(PcsParameters params, byte[] root, List<EvaluationClaim> claims, byte[] proof) {}

    static Opening prove(PcsParameters params, Backend backend, long[] table, List<Ext3[]> points) {
        return prove(backend == null ? new WhirProver(params) : new WhirProver(params, backend), table, points);
    }

    /** Commits to the table with this prover and opens it at the points, under a fresh transcript. */
    static Opening prove(WhirProver prover, long[] table, List<Ext3[]> points) {
        PcsParameters params = prover.parameters();
        PcsProver.Committed c = prover.commit(table, params.numVars());
        Sha256Transcript t = new Sha256Transcript(TAG);
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        Ext3[] values = prover.open(c, points, out, t);
        List<EvaluationClaim> claims = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            claims.add(new EvaluationClaim(points.get(j), values[j]));
        }
        return new Opening(params, c.root(), claims, out.toByteArray());
    }

    /** Verifies and checks every proof byte was consumed. */
    static void verify(PcsParameters params, byte[] root, List<EvaluationClaim> claims, byte[] proof)
            throws InvalidProofException {
        Sha256Transcript t = new Sha256Transcript(TAG);
        t.absorbBytes("root", root);
        ProofReader r = new ProofReader(proof);
        new WhirVerifier(params).verifyOpening(root, params.numVars(), claims, r, t);
        r.finish();
    }

    static void verify(Opening o) throws InvalidProofException {
        verify(o.params(), o.root(), o.claims(), o.proof());
    }
}

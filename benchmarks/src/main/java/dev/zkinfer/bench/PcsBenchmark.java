package dev.zkinfer.bench;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.SoundnessTerm;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.prover.pcs.PcsProver;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * WHIR commitment benchmarks: commit + open (one evaluation claim) of 2^20 and 2^22
 * base-field elements, and verification, at the provable profiles, in integrity and hiding mode. The opening-proof size is
 * printed in the setup; {@link #main} prints sizes, soundness and one-shot timings without JMH.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp 'benchmarks/target/classes:benchmarks/target/lib/*' \
 *     org.openjdk.jmh.Main PcsBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class PcsBenchmark {
    @Param({"20", "22"})
    public int numVars;

    @Param({"100"})
    public int securityBits;

    @Param({"native", "vector", "scalar"})
    public String backend;

    /** Hiding mode ({@link PcsParameters#withZeroKnowledge()}): the small mask polynomial adds 3/16 to the committed data from n = 16 on. */
    @Param({"false", "true"})
    public boolean zk;

    PcsParameters params;
    long[] table;
    List<Ext3[]> points;
    WhirProver prover;
    byte[] root;
    List<EvaluationClaim> claims;
    byte[] proof;

    @Setup(Level.Trial)
    public void setup() {
        params = PcsParameters.forSecurity(securityBits, numVars);
        if (zk) {
            params = params.withZeroKnowledge();
        }
        SplittableRandom rnd = new SplittableRandom(numVars);
        table = maskFree(randomTable(rnd, numVars), params);
        points = zk ? lowerHalf(randomPoints(rnd, numVars, 1)) : randomPoints(rnd, numVars, 1);
        prover = new WhirProver(params, BenchBackends.byName(backend));
        Opening o = commitAndOpen(prover, table, points);
        root = o.root;
        claims = o.claims;
        proof = o.proof;
        System.out.printf(Locale.ROOT, "%n[PcsBenchmark] %s: opening proof %d bytes (%.1f KiB)%n", params, proof.length,
                proof.length / 1024.0);
    }

    @Benchmark
    public byte[] commitAndOpen() {
        return commitAndOpen(prover, table, points).proof;
    }

    @Benchmark
    public byte[] commitOnly() {
        return commit(prover, table).root();
    }

    /** A commitment in the parameters' mode (hiding: the table is copied, since commit fills its mask block). */
    static PcsProver.Committed commit(WhirProver prover, long[] table) {
        PcsParameters p = prover.parameters();
        return p.zeroKnowledge() ? prover.commit(table.clone(), p.numVars(), RANDOM) : prover.commit(table, p.numVars());
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** The table with the hiding mask block (if any) left empty. */
    static long[] maskFree(long[] table, PcsParameters p) {
        java.util.Arrays.fill(table, table.length - p.zkMaskSize(), table.length, 0);
        return table;
    }

    /** The points moved to the lower half of the hypercube (last coordinate 0), clear of a hiding mask block. */
    static List<Ext3[]> lowerHalf(List<Ext3[]> points) {
        for (Ext3[] z : points) {
            z[z.length - 1] = Ext3.ZERO;
        }
        return points;
    }

    @Benchmark
    public boolean verify() throws InvalidProofException {
        return verify(params, root, claims, proof);
    }

    record Opening(byte[] root, List<EvaluationClaim> claims, byte[] proof) {}

    static Opening commitAndOpen(WhirProver prover, long[] table, List<Ext3[]> points) {
        PcsProver.Committed c = commit(prover, table);
        Sha256Transcript t = new Sha256Transcript("zkinfer/bench/pcs");
        t.absorbBytes("root", c.root());
        ProofWriter out = new ProofWriter();
        Ext3[] values = prover.open(c, points, out, t);
        List<EvaluationClaim> claims = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            claims.add(new EvaluationClaim(points.get(j), values[j]));
        }
        return new Opening(c.root(), claims, out.toByteArray());
    }

    static boolean verify(PcsParameters params, byte[] root, List<EvaluationClaim> claims, byte[] proof)
            throws InvalidProofException {
        Sha256Transcript t = new Sha256Transcript("zkinfer/bench/pcs");
        t.absorbBytes("root", root);
        ProofReader r = new ProofReader(proof);
        new WhirVerifier(params).verifyOpening(root, params.numVars(), claims, r, t);
        r.finish();
        return true;
    }

    static long[] randomTable(SplittableRandom rnd, int n) {
        long[] v = new long[1 << n];
        for (int i = 0; i < v.length; i++) {
            v[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return v;
    }

    static List<Ext3[]> randomPoints(SplittableRandom rnd, int n, int count) {
        List<Ext3[]> pts = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            Ext3[] p = new Ext3[n];
            for (int i = 0; i < n; i++) {
                p[i] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()),
                        Goldilocks.reduce(rnd.nextLong()));
            }
            pts.add(p);
        }
        return pts;
    }

    /**
     * Size and soundness report plus one-shot timings (no JMH): for each n given (default 20
     * 22) and 100/128 bits, prints the parameters, the soundness terms, the proof size, and
     * the best of 3 commit+open and of 50 verifications. {@code -Dpcs.bits=100} keeps one profile,
     * {@code -Dpcs.openings=T} measures hiding openings of a commitment made for T openings.
     */
    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {20, 22} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        boolean[] modes = Boolean.getBoolean("pcs.zkOnly") ? new boolean[] {true} : new boolean[] {false, true};
        for (int n : sizes) {
            for (int bits : Integer.getInteger("pcs.bits", 0) > 0 ? new int[] {Integer.getInteger("pcs.bits")} : new int[] {100, 128}) {
              for (boolean zkMode : modes) {
                PcsParameters p = PcsParameters.forSecurity(bits, n);
                if (zkMode) {
                    // -Dpcs.openings=T: a commitment for T openings (each opening commits its own mask polynomial)
                    p = p.withZeroKnowledge(Integer.getInteger("pcs.openings", 1));
                }
                System.out.println(p);
                for (SoundnessTerm term : p.soundnessBits()) {
                    System.out.println("    " + term);
                }
                SplittableRandom rnd = new SplittableRandom(n);
                long[] table = maskFree(randomTable(rnd, n), p);
                List<Ext3[]> pts = zkMode ? lowerHalf(randomPoints(rnd, n, 1)) : randomPoints(rnd, n, 1);
                WhirProver prover = new WhirProver(p);
                long best = Long.MAX_VALUE, bestCommit = Long.MAX_VALUE;
                Opening o = null;
                for (int rep = 0; rep < 3; rep++) {
                    long t0 = System.nanoTime();
                    commit(prover, table);
                    long t1 = System.nanoTime();
                    o = commitAndOpen(prover, table, pts);
                    long t2 = System.nanoTime();
                    bestCommit = Math.min(bestCommit, t1 - t0);
                    best = Math.min(best, t2 - t1);
                }
                long bestVerify = Long.MAX_VALUE;
                for (int rep = 0; rep < 50; rep++) {
                    long t0 = System.nanoTime();
                    verify(p, o.root, o.claims, o.proof);
                    bestVerify = Math.min(bestVerify, System.nanoTime() - t0);
                }
                System.out.printf(Locale.ROOT, "  n=%d %d-bit: proof %d bytes (%.1f KiB), commit %.0f ms, commit+open %.0f ms, verify %.2f ms%n%n",
                        n, bits, o.proof.length, o.proof.length / 1024.0, bestCommit / 1e6, best / 1e6, bestVerify / 1e6);
              }
            }
        }
    }
}

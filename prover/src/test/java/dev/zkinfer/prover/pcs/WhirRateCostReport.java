package dev.zkinfer.prover.pcs;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.transcript.Sha256Transcript;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Process CPU time of a WHIR commitment and its opening (three claims) of 2^n random values at rate
 * 1/4 and at rate 1/2, twice in turn, at the default profile's shape (Johnson bound, 103 bits, folding
 * factor 4, 16 bits of grinding): what the named profiles' rate from 2^26 values on
 * ({@link PcsParameters#MAX_RATE_QUARTER_VARS}) saves. Usage, with the classpath of {@code
 * ProofCostReport}: {@code java --add-modules=jdk.incubator.vector -Xmx12g -cp ...
 * dev.zkinfer.prover.pcs.WhirRateCostReport 26} ({@code -Xmx12g} held 2^26). With a second argument
 * {@code model}: the model-commitment profile ({@link PcsParameters#forModelCommitment}, rate 1/4 with
 * round 0's own domain shrink at 2^26–2^27) against {@link PcsParameters#forSecurity}'s, at 103 bits; a third argument: the rounds (2).
 */
public final class WhirRateCostReport {
    private WhirRateCostReport() {}

    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        SplittableRandom rnd = new SplittableRandom(1);
        long[] table = WhirTestSupport.randomTable(rnd, n);
        List<Ext3[]> points = WhirTestSupport.randomPoints(rnd, n, 3);
        boolean model = a.length > 1 && a[1].equals("model");
        int reps = a.length > 2 ? Integer.parseInt(a[2]) : 2;
        for (int rep = 0; rep < reps; rep++) {
            for (int logInvRate : new int[] {2, 1}) {
                PcsParameters p = model
                        ? (logInvRate == 2 ? PcsParameters.forModelCommitment(103, n) : PcsParameters.forSecurity(103, n))
                        : PcsParameters.custom(PcsParameters.Regime.JOHNSON_BOUND, 103, n, logInvRate, 4, 16, 8);
                WhirProver prover = new WhirProver(p);
                System.gc();
                long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
                PcsProver.Committed c = prover.commit(table, n);
                long c1 = os.getProcessCpuTime(), w1 = System.nanoTime();
                Sha256Transcript t = new Sha256Transcript("probe");
                t.absorbBytes("root", c.root());
                ProofWriter out = new ProofWriter();
                prover.open(c, points, out, t);
                long c2 = os.getProcessCpuTime(), w2 = System.nanoTime();
                System.out.printf("2^%d rate 1/%d (kept: %s): commit %.1f s CPU (%.1f wall), open %.1f s CPU (%.1f wall), proof %,d B%s%n", n,
                        1 << p.logInvRate(), prover.keepsEncoding(), (c1 - c0) / 1e9, (w1 - w0) / 1e9, (c2 - c1) / 1e9, (w2 - w1) / 1e9,
                        out.toByteArray().length, model ? " " + p : "");
            }
        }
    }
}

package dev.zkinfer.prover.pcs;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Times a large integrity-mode opening at block points like a model commitment's (not a test: a
 * main): {@code WhirOpeningProfile n [repetitions] [stream]} commits to 2^n random small values,
 * then opens them at 48 blocks of 2^(n−6) and 64 of 2^10 entries, printing wall and process CPU
 * time and the proof's SHA-256 prefix.
 */
public final class WhirOpeningProfile {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        PcsParameters params = PcsParameters.forSecurity(103, n);
        System.out.println(params);
        long[] table = new long[1 << n];
        IntStream.range(0, 1 << 10).parallel().forEach(chunk -> {
            SplittableRandom r = new SplittableRandom(n * 7919L + chunk);
            int per = table.length >>> 10;
            for (int i = chunk * per; i < (chunk + 1) * per; i++) {
                table[i] = Goldilocks.reduce(r.nextLong() >> 56);
            }
        });
        SplittableRandom rnd = new SplittableRandom(n);
        // block points: 3/4 of the table in blocks of 2^(n-6), plus 64 blocks of 2^10
        List<Ext3[]> points = new ArrayList<>();
        for (int b = 0; b < 48; b++) {
            points.add(block(rnd, n, n - 6, b));
        }
        for (int b = 0; b < 64; b++) {
            points.add(block(rnd, n, 10, (3L << (n - 2 - 10)) + b));
        }
        // "stream": the large-commitment path (no kept codeword, streamed round 0) forced at any size
        WhirProver prover = args.length > 2 && args[2].equals("stream")
                ? new WhirProver(params, dev.zkinfer.prover.backend.Backends.get(), 0) : new WhirProver(params);
        long t0 = System.nanoTime();
        PcsProver.Committed c = prover.commit(table, n);
        long t1 = System.nanoTime();
        System.out.printf("commit %.1f s%n", (t1 - t0) / 1e9);
        List<Ext3> values = new ArrayList<>();
        for (Ext3[] z : points) {
            values.add(prover.evaluate(c, z));
        }
        Sha256Transcript t = new Sha256Transcript("x");
        ProofWriter out = new ProofWriter();
        List<EvaluationClaim> ood = prover.outOfDomain(c, out, t);
        long t2 = System.nanoTime();
        System.out.printf("values + ood %.1f s%n", (t2 - t1) / 1e9);
        for (int rep = 0; rep < Integer.parseInt(args.length > 1 ? args[1] : "1"); rep++) {
            Sha256Transcript tt = new Sha256Transcript("x");
            ProofWriter o = new ProofWriter();
            long a = System.nanoTime();
            long cpu0 = cpu();
            prover.open(c, ood, points, values, o, tt);
            System.out.printf("open %.1f s (process cpu %.1f s), proof %d B, sha %s%n", (System.nanoTime() - a) / 1e9, (cpu() - cpu0) / 1e9,
                    o.size(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(o.toByteArray())).substring(0, 16));
        }
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static Ext3[] block(SplittableRandom rnd, int n, int m, long b) {
        Ext3[] z = new Ext3[n];
        for (int i = 0; i < n; i++) {
            z[i] = i < m ? WhirTestSupport.randomExt(rnd) : ((b >>> (i - m)) & 1) == 1 ? Ext3.ONE : Ext3.ZERO;
        }
        return z;
    }
}

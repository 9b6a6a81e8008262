package dev.zkinfer.bench;

import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** Sumcheck of Σ f·g for two multilinear polynomials of 2^logSize base-field values. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class SumcheckBenchmark {
    @Param({"20"})
    int logSize;

    @Param({"native", "vector", "scalar"})
    String backend;

    long[] f;
    long[] g;
    Ext3 sum;
    byte[] proof;
    Backend impl;

    @Setup
    public void setup() {
        impl = BenchBackends.byName(backend);
        SplittableRandom rnd = new SplittableRandom(2);
        f = new long[1 << logSize];
        g = new long[1 << logSize];
        long s = 0;
        for (int i = 0; i < f.length; i++) {
            f[i] = Goldilocks.reduce(rnd.nextLong());
            g[i] = Goldilocks.reduce(rnd.nextLong());
            s = Goldilocks.add(s, Goldilocks.mul(f[i], g[i]));
        }
        sum = Ext3.of(s);
        proof = prove();
    }

    /** Includes lifting the two base tables into the prover's working form. */
    @Benchmark
    public byte[] prove() {
        SumcheckInstance inst = new SumcheckInstance(logSize);
        int a = inst.addBaseTable(f);
        int b = inst.addBaseTable(g);
        inst.addTerm(Ext3.ONE, a, b);
        ProofWriter w = new ProofWriter();
        new SumcheckProver(impl).prove(inst, sum, w, new Sha256Transcript("bench"));
        return w.toByteArray();
    }

    /** The verifier's rounds (the final oracle check is the caller's and not included). */
    @Benchmark
    public Object verify() throws Exception {
        return SumcheckVerifier.verify(sum, logSize, 2, new ProofReader(proof), new Sha256Transcript("bench"));
    }
}

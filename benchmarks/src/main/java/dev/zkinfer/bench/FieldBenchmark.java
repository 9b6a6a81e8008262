package dev.zkinfer.bench;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.GoldilocksVectors;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Goldilocks and GF(p^3) arithmetic, per element: element-wise passes over 2^16-element
 * arrays (independent operations, scalar and Vector API) and a dependent multiplication chain.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FieldBenchmark {
    static final int N = 1 << 16;
    long[] a = new long[N];
    long[] b = new long[N];
    long[] out = new long[N];
    Ext3 x;
    Ext3 y;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < N; i++) {
            a[i] = Goldilocks.reduce(rnd.nextLong());
            b[i] = Goldilocks.reduce(rnd.nextLong());
        }
        x = new Ext3(a[0], a[1], a[2]);
        y = new Ext3(b[0], b[1], b[2]);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] scalarAdd() {
        for (int i = 0; i < N; i++) {
            out[i] = Goldilocks.add(a[i], b[i]);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] scalarMul() {
        for (int i = 0; i < N; i++) {
            out[i] = Goldilocks.mul(a[i], b[i]);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] vectorAdd() {
        GoldilocksVectors.add(a, b, out, N);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] vectorMul() {
        GoldilocksVectors.mul(a, b, out, N);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long scalarMulDependent() {
        long acc = a[0];
        for (int i = 0; i < N; i++) {
            acc = Goldilocks.mul(acc, b[i]);
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public Ext3 extMulDependent() {
        Ext3 acc = x;
        for (int i = 0; i < 1024; i++) {
            acc = acc.mul(y);
        }
        return acc;
    }
}

package dev.zkinfer.bench;

import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.RangeTable;
import dev.zkinfer.lookup.SegmentClaim;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.lookup.LogUpGkrProver;
import dev.zkinfer.prover.lookup.LogUpSegment;
import dev.zkinfer.prover.lookup.LookupSegment;
import dev.zkinfer.prover.lookup.Multiplicities;
import dev.zkinfer.prover.lookup.TableSegment;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * LogUp-GKR: 2^logLookups lookups into the 8-bit range table [0, 256) (one lookup segment, one
 * table segment). {@code prove} includes building the fraction tree and all layer sumchecks,
 * not the multiplicity count; {@code verify} is the verifier's protocol plus the range table's
 * O(8) MLE (the caller's openings of the looked-up values and multiplicities are excluded).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
public class LookupBenchmark {
    @Param({"16", "20"})
    int logLookups;

    @Param({"native", "vector"})
    String backend;

    List<LogUpSegment> segments;
    List<SegmentShape> shapes;
    Ext3 alpha;
    byte[] proof;
    Backend impl;

    @Setup
    public void setup() {
        impl = BenchBackends.byName(backend);
        SplittableRandom rnd = new SplittableRandom(3);
        long[] values = rnd.longs(1L << logLookups, 0, 256).toArray();
        long[] table = RangeTable.values(8);
        long[] m = Multiplicities.count(256, values.length, i -> RangeTable.indexOf(values[i], 8));
        segments = List.of(LookupSegment.of(values, 0), TableSegment.of(table, m, 0));
        shapes = LogUpGkrProver.shapes(segments);
        alpha = new Sha256Transcript("bench").challengeExt("alpha");
        proof = prove();
    }

    @Benchmark
    public byte[] prove() {
        ProofWriter w = new ProofWriter();
        new LogUpGkrProver(impl).prove(segments, alpha, w, new Sha256Transcript("bench"));
        return w.toByteArray();
    }

    @Benchmark
    public Object verify() throws Exception {
        List<SegmentClaim> claims = LogUpGkrVerifier.verify(shapes, alpha, new ProofReader(proof), new Sha256Transcript("bench"));
        if (!RangeTable.evaluate(claims.get(1).point()).equals(claims.get(1).valuesEval())) {
            throw new IllegalStateException("range table claim");
        }
        return claims;
    }
}

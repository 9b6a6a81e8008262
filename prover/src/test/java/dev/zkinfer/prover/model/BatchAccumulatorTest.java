package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch accumulator on a small MLP: a full batch is proved at once, a partial one when its
 * deadline passes (a fake clock), no request is lost when many threads submit at once, and each
 * caller verifies its own row of the shared proof.
 */
class BatchAccumulatorTest {
    static QuantizedModel mlp;
    static ProvingKey pk;
    static VerifyingKey vk;
    static ModelProver prover;
    static final IntegerExecutor EXECUTOR = IntegerExecutor.create();

    @BeforeAll
    static void setUp() throws Exception {
        mlp = ModelProofTest.quantize(new ModelBuilder(7, 1, 64).gemm(32).relu().gemm(10).build(), 1);
        pk = ProvingKey.create(mlp, SecurityProfile.DEFAULT, new int[] {1, 2, 4, 8}, s -> {});
        vk = VerifyingKey.decode(pk.verifyingKey().encode());
        prover = new ModelProver(pk);
    }

    static IntTensor input(int seed) {
        return mlp.quantizeInput(ModelProofTest.randomInputs(mlp.input().shape(), 1, 1000 + seed).get(0));
    }

    /** The receipt verifies, and its row of the proof holds this caller's input and the executor's output. */
    static void assertOwnRowVerifies(IntTensor in, BatchAccumulator.Receipt r) {
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        assertTrue(o.result().isValid(), o.result().toString());
        assertEquals(r.rows(), o.rows());
        assertArrayEquals(Arrays.stream(in.data()).asLongStream().toArray(), o.rowInput(0, r.row()), "the caller's own input");
        IntTensor expected = EXECUTOR.infer(mlp, in);
        assertArrayEquals(Arrays.stream(expected.data()).asLongStream().toArray(), o.rowOutput(0, r.row()));
        assertEquals(expected, r.output());
    }

    @Test
    void aFullBatchIsProvedAtOnceAndEachCallerVerifiesItsRow() throws Exception {
        AtomicLong now = new AtomicLong();
        try (BatchAccumulator acc = BatchAccumulator.withClock(prover, 4, Duration.ofSeconds(10), now::get)) {
            List<IntTensor> ins = new ArrayList<>();
            List<CompletableFuture<BatchAccumulator.Receipt>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ins.add(input(i));
                fs.add(acc.submit(ins.get(i)));
            }
            assertEquals(0, acc.waiting(), "the fourth request filled the batch");
            for (int i = 0; i < 4; i++) {
                BatchAccumulator.Receipt r = fs.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(i, r.row());
                assertEquals(4, r.rows());
                assertSame(fs.get(0).get().proof(), r.proof(), "one proof for the batch");
                assertOwnRowVerifies(ins.get(i), r);
            }
        }
    }

    @Test
    void aPartialBatchIsProvedWhenItsDeadlinePasses() throws Exception {
        AtomicLong now = new AtomicLong(1_000);
        BatchAccumulator acc = BatchAccumulator.withClock(prover, 8, Duration.ofMillis(50), now::get);
        List<IntTensor> ins = List.of(input(10), input(11), input(12));
        List<CompletableFuture<BatchAccumulator.Receipt>> fs = new ArrayList<>();
        for (IntTensor in : ins) {
            fs.add(acc.submit(in));
            now.addAndGet(Duration.ofMillis(10).toNanos());
        }
        acc.poll();
        assertEquals(3, acc.waiting(), "30 ms after the first request: not yet due");
        fs.forEach(f -> assertFalse(f.isDone()));
        now.addAndGet(Duration.ofMillis(20).toNanos());
        acc.poll();
        assertEquals(0, acc.waiting());
        for (int i = 0; i < 3; i++) {
            BatchAccumulator.Receipt r = fs.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(3, r.rows());
            assertEquals(4, r.batch(), "three rows are padded to the batch circuit of 4");
            assertOwnRowVerifies(ins.get(i), r);
        }
        // the next request starts a new batch with its own deadline
        CompletableFuture<BatchAccumulator.Receipt> late = acc.submit(input(13));
        now.addAndGet(Duration.ofMillis(49).toNanos());
        acc.poll();
        assertFalse(late.isDone());
        acc.close();
        assertEquals(1, late.get(60, TimeUnit.SECONDS).rows(), "closing proves what waits");
        assertThrows(InvalidInputException.class, () -> acc.submit(input(14)));
    }

    @Test
    void noRequestIsLostWhenManyThreadsSubmitWithARealDeadline() throws Exception {
        int threads = 4, each = 5;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (BatchAccumulator acc = BatchAccumulator.start(prover, 8, Duration.ofMillis(30))) {
            List<Future<List<Object[]>>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                parts.add(callers.submit(() -> {
                    List<Object[]> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        IntTensor in = input(100 + base + i);
                        mine.add(new Object[] {in, acc.submit(in)});
                    }
                    return mine;
                }));
            }
            Set<String> places = new HashSet<>();
            int done = 0;
            for (Future<List<Object[]>> p : parts) {
                for (Object[] req : p.get(60, TimeUnit.SECONDS)) {
                    @SuppressWarnings("unchecked")
                    BatchAccumulator.Receipt r = ((CompletableFuture<BatchAccumulator.Receipt>) req[1]).get(120, TimeUnit.SECONDS);
                    assertOwnRowVerifies((IntTensor) req[0], r);
                    assertTrue(places.add(System.identityHashCode(r.proof()) + "/" + r.row()), "each request has its own row");
                    done++;
                }
            }
            assertEquals(threads * each, done);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aKeyWithoutTheSmallBatchSizesPadsToTheNextOne() throws Exception {
        ProvingKey sparse = ProvingKey.create(mlp, SecurityProfile.DEFAULT, new int[] {1, 8, 64}, s -> {});
        List<IntTensor[]> rows = List.of(new IntTensor[] {input(60)}, new IntTensor[] {input(61)}, new IntTensor[] {input(62)});
        ProofResult r = new ModelProver(sparse).proveBatch(rows, s -> {});
        assertEquals(8, r.batch());
        CircuitVerifier.Outcome o = CircuitVerifier.verify(VerifyingKey.decode(sparse.verifyingKey().encode()), r.proof());
        assertTrue(o.result().isValid(), o.result().toString());
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(Arrays.stream(EXECUTOR.infer(mlp, rows.get(k)[0]).data()).asLongStream().toArray(), o.rowOutput(0, k));
        }
    }

    @Test
    void aBadRequestIsRefusedAloneAndTheBatchGoesOn() throws Exception {
        AtomicLong now = new AtomicLong();
        try (BatchAccumulator acc = BatchAccumulator.withClock(prover, 2, Duration.ofSeconds(1), now::get)) {
            IntTensor good = input(50);
            CompletableFuture<BatchAccumulator.Receipt> f = acc.submit(good);
            assertThrows(InvalidInputException.class, () -> acc.submit(new IntTensor(new int[] {1, 3}, new int[3])));
            int[] tooBig = good.data().clone();
            tooBig[0] = 1 << 20;
            assertThrows(InvalidInputException.class, () -> acc.submit(new IntTensor(good.shape(), tooBig)));
            assertEquals(1, acc.waiting());
            CompletableFuture<BatchAccumulator.Receipt> g = acc.submit(input(51));
            assertOwnRowVerifies(good, f.get(60, TimeUnit.SECONDS));
            assertEquals(1, g.get(60, TimeUnit.SECONDS).row());
        }
        assertThrows(InvalidInputException.class, () -> BatchAccumulator.withClock(prover, 9, Duration.ZERO, System::nanoTime),
                "more rows than the key's largest batch");
    }

    @Test
    void aZeroKnowledgeKeyWithAPrivateInputBatchesToo() throws Exception {
        // the key lists no input (a private input is in no proof); the accumulator checks the
        // model's own input domain instead of reading the key's
        ProvingKey zk = ProvingKey.create(mlp, SecurityProfile.DEFAULT, new int[] {1, 2}, new ProvingKey.Options(true, true), s -> {});
        assertEquals(0, zk.verifyingKey().io().inputs().size());
        try (BatchAccumulator acc = BatchAccumulator.withClock(new ModelProver(zk), 2, Duration.ofSeconds(10), () -> 0L)) {
            CompletableFuture<BatchAccumulator.Receipt> a = acc.submit(input(20));
            CompletableFuture<BatchAccumulator.Receipt> b = acc.submit(input(21));
            for (var f : List.of(a, b)) {
                BatchAccumulator.Receipt r = f.get(60, TimeUnit.SECONDS);
                CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), r.proof());
                assertTrue(o.result().isValid(), o.result().toString());
                assertEquals(2, o.rows());
            }
            assertEquals(EXECUTOR.infer(mlp, input(21)), b.get().output());
            // an input outside the model's domain is still refused, with a one-line reason
            IntTensor in = input(22);
            int[] bad = in.data().clone();
            bad[0] = 1 << 20;
            assertThrows(InvalidInputException.class, () -> acc.submit(new IntTensor(in.shape(), bad)));
        }
    }
}

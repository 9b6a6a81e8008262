package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CircuitVerifier.verify on thousands of random and mutated byte strings: every one is invalid
 * with a non-empty reason, none throws, none hangs (each batch runs under a preemptive timeout),
 * and none allocates much more than verifying the real proof does (measured per thread with
 * com.sun.management.ThreadMXBean). Also: a verification that fails because the verifier caught
 * one of its own RuntimeExceptions (reason "malformed proof (SomeException)") counts as a
 * robustness failure, since every malformed input should be refused by an explicit check.
 *
 * <p>The real proof is of a small conv / ReLU / max-pool / dense model, which exercises the
 * lookup, linear, requant, index-map and max-pool verifiers and both commitment openings.
 */
class VerifierFuzzTest {
    static QuantizedModel qm;
    static ProvingKey pk;
    static VerifyingKey vk;
    static byte[] proof;
    static int inputCount, outputCount;
    static long honestAllocation;
    /** Allocation budget for one verification of a garbage proof. */
    static long allocationLimit;
    static final TreeMap<String, Integer> REASONS = new TreeMap<>();
    static long maxAllocated, maxNanos;
    static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void proveOnce() {
        Graph g = new ModelBuilder(17, 1, 2, 12, 12).conv(4, 3, 1, 1).relu().maxPool(2, 2).flatten().gemm(16).relu().gemm(10).build();
        qm = ModelProofTest.quantize(g, 3);
        pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        vk = pk.verifyingKey();
        IntTensor x = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 4).get(0));
        proof = new ModelProver(pk).prove(x, s -> {}).proof();
        inputCount = x.size();
        outputCount = qm.output().size();
        assertTrue(CircuitVerifier.verify(vk, proof).result().isValid());
        THREADS.setThreadAllocatedMemoryEnabled(true);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 5; i++) {
            assertTrue(CircuitVerifier.verify(vk, proof).result().isValid());
        }
        honestAllocation = (THREADS.getCurrentThreadAllocatedBytes() - before) / 5;
        allocationLimit = Math.max(4 * honestAllocation, 32L << 20);
        System.out.printf("fuzz target: %d-byte proof, honest verification allocates %.1f MB; limit per garbage proof %.1f MB%n",
                proof.length, honestAllocation / 1e6, allocationLimit / 1e6);
    }

    static int outputLengthOffset() {
        return 52 + 8 * inputCount;
    }

    /** End of the header: magic, version, digest, input, output, witness root. */
    static int headerEnd() {
        return outputLengthOffset() + 4 + 8 * outputCount + 32;
    }

    /** Verifies and checks: invalid, a reason, no exception, bounded allocation and time. */
    static void reject(byte[] bytes, String what) {
        long a0 = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        VerificationResult r;
        try {
            r = CircuitVerifier.verify(vk, bytes).result();
        } catch (Throwable t) {
            throw new AssertionError("verify threw on " + what, t);
        }
        long nanos = System.nanoTime() - t0;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - a0 - bytes.length;
        assertFalse(r.isValid(), what + " was accepted");
        assertNotNull(r.reason(), what);
        assertFalse(r.reason().isBlank(), what + ": empty reason");
        assertTrue(allocated <= allocationLimit, what + ": verification allocated " + allocated / 1_000_000 + " MB (" + r.reason() + ")");
        assertTrue(nanos < 5_000_000_000L, what + ": verification took " + nanos / 1_000_000 + " ms");
        synchronized (REASONS) {
            maxAllocated = Math.max(maxAllocated, allocated);
            maxNanos = Math.max(maxNanos, nanos);
            REASONS.merge(category(r.reason()), 1, Integer::sum);
        }
        assertFalse(r.reason().startsWith("malformed proof ("),
                what + " was rejected through an internal exception the verifier caught: " + r.reason());
    }

    /** The reason with numbers removed, to count kinds of rejection. */
    static String category(String reason) {
        return reason.replaceAll("[0-9]+", "#");
    }

    /**
     * Runs {@code count} cases in batches of 250, each batch under a preemptive timeout, the batches
     * in parallel on all cores. Case i is made from its own generator (seed, i), so runs are
     * reproducible; a case equal to the honest proof (a no-op mutation) is skipped.
     */
    static void fuzz(int count, long seed, java.util.function.BiFunction<Integer, SplittableRandom, byte[]> make, String what)
            throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
            List<java.util.concurrent.Future<?>> batches = new ArrayList<>();
            for (int start = 0; start < count; start += 250) {
                int from = start, to = Math.min(count, start + 250);
                batches.add(pool.submit(() -> assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    THREADS.setThreadAllocatedMemoryEnabled(true);
                    for (int i = from; i < to; i++) {
                        byte[] b = make.apply(i, new SplittableRandom(seed * 1_000_003L + i));
                        if (!Arrays.equals(b, proof)) {
                            reject(b, what + " #" + i + " (seed " + seed + ")");
                        }
                    }
                }, what + " cases " + from + ".." + to + " did not finish in 60 s")));
            }
            for (var f : batches) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        }
    }

    static byte[] random(SplittableRandom rnd, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) rnd.nextInt();
        }
        return b;
    }

    static void putU32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Test
    void randomByteStrings() throws Exception {
        byte[] prefix = Arrays.copyOf(proof, headerEnd());
        fuzz(2000, 1, (i, rnd) -> {
            int len = rnd.nextInt(1 << 16) + 1;
            byte[] b = random(rnd, len);
            // a quarter plain random, then ever longer valid prefixes: magic; magic + version; + digest;
            // the whole header (public input, output and witness root)
            int keep = switch (i % 5) {
                case 0 -> 0;
                case 1 -> 4;
                case 2 -> 8;
                case 3 -> 40;
                default -> prefix.length;
            };
            System.arraycopy(prefix, 0, b, 0, Math.min(keep, b.length));
            return b;
        }, "random bytes");
        for (int len = 0; len <= 64; len++) {
            reject(Arrays.copyOf(proof, len), "the first " + len + " bytes");
            reject(new byte[len], len + " zero bytes");
        }
    }

    @Test
    void bitFlips() throws Exception {
        fuzz(2000, 2, (i, rnd) -> {
            byte[] b = proof.clone();
            int flips = i < 1500 ? 1 : 1 + rnd.nextInt(16);
            for (int f = 0; f < flips; f++) {
                int pos = i < 500 ? rnd.nextInt(Math.min(b.length, headerEnd() + 512)) : rnd.nextInt(b.length);
                b[pos] ^= (byte) (1 << rnd.nextInt(8));
            }
            return b;
        }, "bit flips");
    }

    @Test
    void byteInsertionsAndDeletions() throws Exception {
        fuzz(1000, 3, (i, rnd) -> {
            int pos = rnd.nextInt(proof.length + 1);
            int n = 1 + rnd.nextInt(i % 4 == 0 ? 64 : 8);
            if (i % 2 == 0) {
                byte[] b = new byte[proof.length + n];
                System.arraycopy(proof, 0, b, 0, pos);
                System.arraycopy(random(rnd, n), 0, b, pos, n);
                System.arraycopy(proof, pos, b, pos + n, proof.length - pos);
                return b;
            }
            n = Math.min(n, proof.length - Math.min(pos, proof.length - 1));
            pos = Math.min(pos, proof.length - n);
            byte[] b = new byte[proof.length - n];
            System.arraycopy(proof, 0, b, 0, pos);
            System.arraycopy(proof, pos + n, b, pos, proof.length - pos - n);
            return b;
        }, "insertions/deletions");
        // deleting or duplicating one whole field element (8 bytes) at each 8-aligned position of the header
        for (int pos = 0; pos + 8 <= headerEnd(); pos += 4) {
            byte[] del = new byte[proof.length - 8];
            System.arraycopy(proof, 0, del, 0, pos);
            System.arraycopy(proof, pos + 8, del, pos, proof.length - pos - 8);
            reject(del, "8 bytes deleted at " + pos);
            byte[] dup = new byte[proof.length + 8];
            System.arraycopy(proof, 0, dup, 0, pos + 8);
            System.arraycopy(proof, pos, dup, pos + 8, proof.length - pos);
            reject(dup, "8 bytes duplicated at " + pos);
        }
    }

    @Test
    void hugeLengthFieldsAndNonCanonicalElements() throws Exception {
        int[] huge = {0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x40000000, 0x20000001, 0x10000000, 0};
        // the header's u32 fields: version, input length, output length
        int[] u32Fields = {4, 40, outputLengthOffset()};
        for (int off : u32Fields) {
            for (int v : huge) {
                byte[] b = proof.clone();
                putU32(b, off, v);
                reject(b, "u32 at " + off + " set to " + Integer.toUnsignedString(v));
            }
            for (int delta : new int[] {-1, 1}) {
                byte[] b = proof.clone();
                putU32(b, off, ConformanceProofTest.u32(proof, off) + delta);
                reject(b, "u32 at " + off + " changed by " + delta);
            }
        }
        // every 4-byte position of the header and a sample of the rest, in case of other length fields
        SplittableRandom rnd = new SplittableRandom(4);
        List<Integer> positions = new ArrayList<>();
        for (int off = 0; off + 4 <= Math.min(proof.length, headerEnd() + 256); off++) {
            // every byte offset around the fixed fields, every 4th inside the public input and output
            boolean nearField = off < 48 || Math.abs(off - outputLengthOffset()) <= 8 || off >= headerEnd() - 40;
            if (nearField || off % 4 == 0) {
                positions.add(off);
            }
        }
        for (int i = 0; i < 300; i++) {
            positions.add(rnd.nextInt(proof.length - 3));
        }
        fuzz(positions.size() * 2, 4, (i, r) -> {
            byte[] b = proof.clone();
            putU32(b, positions.get(i / 2), i % 2 == 0 ? 0xFFFFFFFF : 0x7FFFFFFF);
            return b;
        }, "u32 set to 0xFFFFFFFF/0x7FFFFFFF");
        // field elements at 8-aligned positions (after the version) set to non-canonical values
        // (p = 2^64 - 2^32 + 1, p + 1, 2^64 - 1) and to p - 1 (canonical but wrong)
        long p = 0xFFFFFFFF00000001L;
        long[] values = {p, p + 1, -1L, p - 1};
        List<Integer> elems = new ArrayList<>();
        for (int off = 8; off + 8 <= proof.length; off += 8) {
            if (off < headerEnd() + 512 || rnd.nextInt(32) == 0) {
                elems.add(off);
            }
        }
        fuzz(elems.size(), 5, (i, r) -> {
            byte[] b = proof.clone();
            putU64(b, elems.get(i), values[i % values.length]);
            return b;
        }, "u64 set to a non-canonical value or p-1");
    }

    @Test
    void splicedAndRepeatedProofs() throws Exception {
        fuzz(500, 6, (i, rnd) -> {
            // two cut points; the proof with a range repeated, or swapped with another range
            int a = rnd.nextInt(proof.length), len = 1 + rnd.nextInt(Math.min(4096, proof.length - a));
            byte[] b = proof.clone();
            if (i % 2 == 0) {
                int c = rnd.nextInt(proof.length - len + 1);
                System.arraycopy(proof, a, b, c, len);
                if (Arrays.equals(b, proof)) {
                    b[a] ^= 1;
                }
                return b;
            }
            byte[] r = new byte[proof.length + len];
            System.arraycopy(proof, 0, r, 0, a + len);
            System.arraycopy(proof, a, r, a + len, proof.length - a);
            return r;
        }, "spliced");
        reject(concat(proof, proof), "the proof twice");
        reject(Arrays.copyOf(proof, proof.length + 1), "one trailing byte");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Decoding a mutated verifying key either fails with MalformedProofException or yields a key under which the proof is invalid. */
    @Test
    void mutatedVerifyingKeys() {
        byte[] enc = vk.encode();
        SplittableRandom rnd = new SplittableRandom(6);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int decoded = 0;
            for (int i = 0; i < 2000; i++) {
                byte[] b = enc.clone();
                int pos = rnd.nextInt(b.length);
                if (i % 3 == 0 && pos + 4 <= b.length) {
                    putU32(b, pos, 0xFFFFFFFF);
                } else {
                    b[pos] ^= (byte) (1 + rnd.nextInt(255));
                }
                VerifyingKey k;
                try {
                    k = VerifyingKey.decode(b);
                } catch (dev.zkinfer.encoding.MalformedProofException e) {
                    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
                    continue;
                } catch (Throwable t) {
                    throw new AssertionError("VerifyingKey.decode threw " + t + " on a change at byte " + pos, t);
                }
                decoded++;
                VerificationResult r = CircuitVerifier.verify(k, proof).result();
                assertFalse(r.isValid(), "the proof verifies under a verifying key changed at byte " + pos);
            }
            System.out.println(decoded + " of 2000 mutated verifying keys decoded (the proof is invalid under each)");
        });
    }

    @AfterAll
    static void report() {
        System.out.printf("max allocation per garbage verification %.2f MB, max time %.1f ms%n", maxAllocated / 1e6, maxNanos / 1e6);
        System.out.println("rejection reasons (numbers as #):");
        REASONS.forEach((k, v) -> System.out.printf("%7d  %s%n", v, k));
    }

}

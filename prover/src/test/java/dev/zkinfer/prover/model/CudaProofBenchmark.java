package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.CudaBackend;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Whole-model proving time on the vector and CUDA backends (the GPU run of issue 7): per model,
 * a proving key per backend (the model commitment runs on that backend), one warm-up proof,
 * then timed proofs; checks that both backends write the same proof bytes and that the proof
 * verifies. Usage: {@code CudaProofBenchmark [--proofs=N] [--profile] lenet5|vgg11|vgg16|smallcnn ...}
 * ({@code --profile}: on the GPU backend, one more proof with per-kernel and per-stage times);
 * LeNet-5 is read from {@code -Dzkinfer.shared} (default /work/shared) as in ProofCostReport.
 */
public final class CudaProofBenchmark {
    private CudaProofBenchmark() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int proofs = 2;
        boolean profile = false;
        List<String> models = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--profile")) {
                profile = true;
            } else if (a.startsWith("--proofs=")) {
                proofs = Integer.parseInt(a.substring(9));
            } else {
                models.add(a);
            }
        }
        Backend vector = Backends.vector();
        CudaBackend cuda = null;
        try {
            cuda = CudaBackend.load();
            System.out.println("cuda device: " + cuda.device());
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", java " + Runtime.version());
        for (String name : models) {
            long t0 = System.nanoTime();
            QuantizedModel qm = model(name);
            IntTensor input = input(name, qm);
            System.out.printf("%s: quantized in %.2f s%n", name, (System.nanoTime() - t0) / 1e9);
            byte[] reference = null;
            for (Backend b : cuda == null ? List.of(vector) : List.of(vector, cuda)) {
                long tc = System.nanoTime();
                ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {}, b);
                double compile = (System.nanoTime() - tc) / 1e9;
                ModelProver prover = new ModelProver(pk, b);
                long tw = System.nanoTime();
                byte[] proof = prover.prove(input, s -> {}).proof();
                double warm = (System.nanoTime() - tw) / 1e9;
                double[] times = new double[proofs];
                for (int i = 0; i < proofs; i++) {
                    long tp = System.nanoTime();
                    ProofResult r = prover.prove(input, s -> {});
                    times[i] = (System.nanoTime() - tp) / 1e9;
                    if (!Arrays.equals(r.proof(), proof)) {
                        throw new IllegalStateException(name + " on " + b.name() + ": proofs differ between runs");
                    }
                }
                boolean valid = CircuitVerifier.verify(pk.verifyingKey(), proof).result().isValid();
                String same = reference == null ? "reference" : Arrays.equals(reference, proof) ? "identical to vector" : "DIFFERENT from vector";
                if (reference == null) {
                    reference = proof;
                }
                double[] sorted = times.clone();
                Arrays.sort(sorted);
                System.out.printf("%s %-6s compile+commit %.2f s, first proof %.2f s, proofs %s s (median %.2f s), %d bytes, sha-256 %s, valid %b, %s%n",
                        name, b.name(), compile, warm, Arrays.toString(Arrays.stream(times).map(t -> Math.round(t * 100) / 100.0).toArray()),
                        sorted[sorted.length / 2], proof.length,
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(proof)).substring(0, 16), valid, same);
                if (!valid || (reference != proof && !Arrays.equals(reference, proof))) {
                    System.out.println("FAILED: " + name + " on " + b.name());
                }
                if (profile && b != vector) {
                    profile(name, qm, b, input);
                }
            }
        }
    }

    /** One proof with every kernel call timed (wall time, including transfers) and the prover's stages. */
    private static void profile(String name, QuantizedModel qm, Backend b, IntTensor input) {
        TimedBackend timed = new TimedBackend(b);
        // the key's commitment made by the timed kernels, so that the opening keeps its tables resident
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {}, timed);
        new ModelProver(pk, timed).prove(input, s -> {});
        timed.totals.clear();
        java.util.Map<String, Long> stages = new java.util.LinkedHashMap<>();
        long[] last = {System.nanoTime()};
        String[] stage = {"start"};
        long t0 = System.nanoTime();
        new ModelProver(pk, timed).prove(input, s -> {
            long now = System.nanoTime();
            stages.merge(stage[0], now - last[0], Long::sum);
            last[0] = now;
            stage[0] = s.startsWith("proving layer") ? "layers" : s.replaceAll("[0-9/]+", "#");
        });
        stages.merge(stage[0], System.nanoTime() - last[0], Long::sum);
        System.out.printf("%s %s profile: proof %.2f s; stages:", name, b.name(), (System.nanoTime() - t0) / 1e9);
        stages.forEach((k, v) -> System.out.printf(" [%s] %.3f s;", k, v / 1e9));
        System.out.println();
        timed.totals.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).limit(25)
                .forEach(e -> System.out.printf("  %-34s %9.1f ms %7d calls%n", e.getKey(), e.getValue()[0] / 1e6, e.getValue()[1]));
    }

    /** A backend that times every kernel call of another (by kernel and size class). */
    static final class TimedBackend implements Backend {
        final java.util.Map<String, long[]> totals = new java.util.concurrent.ConcurrentHashMap<>();
        private final Backend inner;
        private final dev.zkinfer.prover.backend.SumcheckKernels sumcheck;
        private final dev.zkinfer.prover.backend.CommitKernels commit;

        TimedBackend(Backend inner) {
            this.inner = inner;
            var s = inner.sumcheck();
            var c = inner.commit();
            this.sumcheck = new dev.zkinfer.prover.backend.SumcheckKernels() {
                public long[] roundSums(long[][] t, boolean[] b, int[][] te, int h, int d) {
                    return time("roundSums t" + t.length + " d" + d + " " + log(h), () -> s.roundSums(t, b, te, h, d));
                }

                public long[] foldBase(long[] v, int h, dev.zkinfer.field.Ext3 r) {
                    return time("sumcheck foldBase", () -> s.foldBase(v, h, r));
                }

                public void fold(long[] t, int h, dev.zkinfer.field.Ext3 r) {
                    time("sumcheck fold", () -> {
                        s.fold(t, h, r);
                        return null;
                    });
                }

                public long[] foldAndRoundSums(long[][] t, boolean[] b, int[][] te, int h, int d, dev.zkinfer.field.Ext3 r) {
                    return time("foldAndRoundSums t" + t.length + " d" + d + " " + log(h), () -> s.foldAndRoundSums(t, b, te, h, d, r));
                }
            };
            this.commit = new dev.zkinfer.prover.backend.CommitKernels() {
                public void ntt(long[] a, int l) {
                    time("ntt", () -> {
                        c.ntt(a, l);
                        return null;
                    });
                }

                public long[] encodeBitReversed(long[] a, int w, int m, int n) {
                    return time("encode w" + w + " 2^" + n, () -> c.encodeBitReversed(a, w, m, n));
                }

                public void evaluationsToCoefficients(long[] a) {
                    time("mobius", () -> {
                        c.evaluationsToCoefficients(a);
                        return null;
                    });
                }

                public byte[] hashLeaves(long[] d, int l) {
                    return time("hashLeaves", () -> c.hashLeaves(d, l));
                }

                public byte[] hashParents(byte[] d) {
                    return time("hashParents", () -> c.hashParents(d));
                }

                public byte[][] merkleLayers(long[] d, int leaves, int l) {
                    return time("merkleLayers " + log(leaves), () -> c.merkleLayers(d, leaves, l));
                }

                public long grind(byte[] sd, int bits) {
                    return time("grind", () -> c.grind(sd, bits));
                }

                public long[] evaluateMle(long[] a, long[] p) {
                    return time("evaluateMle 2^" + p.length / 3, () -> c.evaluateMle(a, p));
                }

                public void addScaledEq(long[] w, long[] p, long[] co) {
                    time("addScaledEq 2^" + p.length / 3, () -> {
                        c.addScaledEq(w, p, co);
                        return null;
                    });
                }

                public void addScaledEqBatch(long[] w, long[][] p, long[][] co) {
                    time("addScaledEqBatch", () -> {
                        c.addScaledEqBatch(w, p, co);
                        return null;
                    });
                }

                public long[] sumcheckRound(long[] f, int fw, long[] w, int size) {
                    return time("whir round " + log(size), () -> c.sumcheckRound(f, fw, w, size));
                }

                public long[] fold(long[] t, int w, int size, long[] a, boolean m) {
                    return time("whir fold " + log(size), () -> c.fold(t, w, size, a, m));
                }

                public long[] resident(long[] t) {
                    return time("resident", () -> c.resident(t));
                }

                public long[] zeros(int longs) {
                    return time("zeros", () -> c.zeros(longs));
                }

                public long[] toHost(long[] t, int longs) {
                    return time("toHost", () -> c.toHost(t, longs));
                }

                public long[] leaves(long[] t, int[] idx, int l) {
                    return time("leaves", () -> c.leaves(t, idx, l));
                }
            };
        }

        /** Size class: 2^k rounded down, small sizes pooled. */
        private static String log(long n) {
            int k = 63 - Long.numberOfLeadingZeros(Math.max(1, n));
            return k < 14 ? "<2^14" : "2^" + k;
        }

        <R> R time(String key, java.util.function.Supplier<R> body) {
            long t0 = System.nanoTime();
            R r = body.get();
            long d = System.nanoTime() - t0;
            long[] a = totals.computeIfAbsent(key, k -> new long[2]);
            synchronized (a) {
                a[0] += d;
                a[1]++;
            }
            return r;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public dev.zkinfer.prover.backend.SumcheckKernels sumcheck() {
            return sumcheck;
        }

        @Override
        public dev.zkinfer.prover.backend.CommitKernels commit() {
            return commit;
        }

        @Override
        public dev.zkinfer.prover.backend.LogUpKernels logUp() {
            return inner.logUp();
        }
    }

    private static QuantizedModel model(String name) throws Exception {
        return switch (name) {
            case "lenet5" -> {
                Path shared = Path.of(System.getProperty("zkinfer.shared", "/work/shared"));
                Graph g = OnnxModel.load(shared.resolve("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
                List<Tensor> calibration = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    calibration.add(digits().lenetInput(i));
                }
                yield ModelProofTest.withoutSoftmax(Quantizer.quantize(g, calibration, QuantizationOptions.int8()));
            }
            case "vgg16" -> ModelProofTest.quantize(ModelBuilder.vgg16(1), 1);
            case "vgg11" -> ModelProofTest.quantize(ModelBuilder.vgg11(1), 1);
            case "smallcnn" -> ModelProofTest.quantize(ModelBuilder.smallCnn(1), 1);
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }

    private static MnistIdx.Images digits() throws Exception {
        Path shared = Path.of(System.getProperty("zkinfer.shared", "/work/shared"));
        return MnistIdx.readImages(shared.resolve("datasets/mnist/t10k-images-idx3-ubyte.gz"));
    }

    private static IntTensor input(String name, QuantizedModel qm) throws Exception {
        if (name.equals("lenet5")) {
            return qm.quantizeInput(digits().lenetInput(0));
        }
        return qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0));
    }
}

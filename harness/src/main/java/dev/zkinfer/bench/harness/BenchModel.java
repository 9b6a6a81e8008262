package dev.zkinfer.bench.harness;

import dev.zkinfer.nn.graph.GptBuilder;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One rung of the benchmark ladder: a model, the inputs it is calibrated on, its quantization
 * (int8; the transformers int16) and the input whose inference is timed and proved. All models but
 * LeNet-5 and nanoGPT are generated with synthetic, seeded weights ({@link ModelBuilder},
 * {@link GptBuilder}): fine for timing, meaningless as classifiers. The GPT-2 rungs run only when
 * named ({@code --models gpt2-16}): see {@link #byDefault()}.
 */
public abstract class BenchModel {
    /** Seed of every synthetic model's weights and of the random calibration inputs. */
    static final long SEED = 42;
    static final int CALIBRATION_SAMPLES = 8;

    private final String name;
    private final String description;
    private final boolean quick;

    BenchModel(String name, String description, boolean quick) {
        this.name = name;
        this.description = description;
        this.quick = quick;
    }

    /** The name used on the command line ({@code --models}). */
    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Part of the {@code --quick} smoke-test set. */
    public boolean quick() {
        return quick;
    }

    /** Builds (or loads) the float graph, with batch size 1. */
    public abstract Graph graph();

    /** How the model is quantized: int8 activations, but int16 for the transformers. */
    public QuantizationOptions quantization() {
        return QuantizationOptions.int8();
    }

    /** The number of weights and other constants, as the report's "params" column shows it. */
    public long parameters(Graph g) {
        return g.parameterCount();
    }

    /**
     * Whether a run without {@code --models} includes this model. GPT-2 small does not: its key
     * takes about a minute and its proof about a minute and a 12 GB heap at 16 tokens (19 GB at
     * 64; README, "Benchmark harness"); name it to see that row.
     */
    public boolean byDefault() {
        return true;
    }

    /** Calibration inputs for the int8 quantizer. */
    public List<Tensor> calibration(Graph g) {
        return gaussian(g.shapeOf(g.inputs().get(0).name()), CALIBRATION_SAMPLES, SEED);
    }

    /** The input whose inference is timed and proved. */
    public Tensor input(Graph g) {
        return gaussian(g.shapeOf(g.inputs().get(0).name()), 1, SEED + 1).get(0);
    }

    /** The ladder, smallest first. */
    public static Map<String, BenchModel> ladder() {
        Map<String, BenchModel> m = new LinkedHashMap<>();
        m.put("mlp", synthetic("mlp", "MLP 784-56-10 (ReLU), synthetic weights", true, () -> ModelBuilder.mlp784x56x10(SEED)));
        m.put("lenet5", new Lenet5());
        m.put("cnn264k", synthetic("cnn264k", "CNN 1x28x28: conv3x3(32)-pool-conv3x3(64)-pool-fc78-fc10, synthetic weights", false,
                BenchModel::cnn264k));
        m.put("dense4m", synthetic("dense4m", "Dense 784-2048-1024-256-10 (ReLU), synthetic weights", false, BenchModel::dense4m));
        m.put("vgg11", synthetic("vgg11", "VGG-11 for CIFAR-10 (3x32x32), 512-512-10 classifier, synthetic weights", false,
                () -> ModelBuilder.vgg11(SEED)));
        m.put("vgg16", synthetic("vgg16", "VGG-16 for CIFAR-10 (3x32x32), 512-512-10 classifier, synthetic weights", false,
                () -> ModelBuilder.vgg16(SEED)));
        m.put("nanogpt", new NanoGpt());
        m.put("gpt2-16", new Gpt2(16));
        m.put("gpt2-64", new Gpt2(64));
        return m;
    }

    /** EZKL's nanoGPT (../shared/conformance/ezkl/nanoGPT, 4 blocks, 64 tokens), int16, on its own input.json. */
    static final class NanoGpt extends BenchModel {
        NanoGpt() {
            super("nanogpt", "EZKL's nanoGPT (4 blocks, 64 tokens; ../shared/conformance/ezkl), int16, its input.json", false);
        }

        /** The model's folder, or null when the shared data is not there. */
        private static java.nio.file.Path find() {
            String prop = System.getProperty("zkinfer.shared");
            for (String root : prop != null ? new String[] {prop} : new String[] {"../shared", "shared", "/work/shared"}) {
                java.nio.file.Path d = java.nio.file.Path.of(root, "conformance", "ezkl", "nanoGPT");
                if (java.nio.file.Files.isRegularFile(d.resolve("network.onnx"))) {
                    return d;
                }
            }
            return null;
        }

        private static java.nio.file.Path dir() {
            java.nio.file.Path d = find();
            if (d == null) {
                throw new UncheckedIOException(new IOException("nanoGPT: conformance/ezkl/nanoGPT/network.onnx not found under "
                        + (System.getProperty("zkinfer.shared") != null ? System.getProperty("zkinfer.shared") : "../shared or /work/shared")
                        + " (set -Dzkinfer.shared=DIR)"));
            }
            return d;
        }

        /** In the default run only where the shared data is (it is not bundled). */
        @Override
        public boolean byDefault() {
            return find() != null;
        }

        @Override
        public Graph graph() {
            try {
                return OnnxModel.load(dir().resolve("network.onnx"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public QuantizationOptions quantization() {
            return QuantizationOptions.int16();
        }

        @Override
        public List<Tensor> calibration(Graph g) {
            return List.of(input(g));
        }

        @Override
        public Tensor input(Graph g) {
            try {
                return Tensor.of(g.inputs().get(0).shape(), EzklInput.read(dir().resolve("input.json")).inputData().get(0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** GPT-2 small (12 layers, 12 heads, d = 768, 50,257 tokens) with synthetic weights over a prompt of T tokens, next-token logits. */
    static final class Gpt2 extends BenchModel {
        private final int tokens;

        Gpt2(int tokens) {
            super("gpt2-" + tokens, "GPT-2 small (124M parameters) over " + tokens + " tokens, next-token logits, int16, synthetic weights", false);
            this.tokens = tokens;
        }

        @Override
        public Graph graph() {
            return GptBuilder.build(SEED, GptBuilder.Config.gpt2Small(), tokens, true);
        }

        @Override
        public QuantizationOptions quantization() {
            return QuantizationOptions.int16();
        }

        /**
         * The graph's constants with the tied LM head counted once (the graph holds it as a transposed copy of the
         * token embedding, which the compiler commits once): 123,985,559 at 16 tokens, against GPT-2 small's
         * 124,439,808 with all 1,024 positions (the graph holds the prompt's).
         */
        @Override
        public long parameters(Graph g) {
            GptBuilder.Config c = GptBuilder.Config.gpt2Small();
            return g.parameterCount() - (long) c.vocab() * c.dModel();
        }

        @Override
        public boolean byDefault() {
            return false;
        }

        @Override
        public List<Tensor> calibration(Graph g) {
            return GptBuilder.randomPrompts(SEED, GptBuilder.Config.gpt2Small().vocab(), tokens, 2);
        }

        @Override
        public Tensor input(Graph g) {
            return GptBuilder.randomPrompts(SEED + 1, GptBuilder.Config.gpt2Small().vocab(), tokens, 1).get(0);
        }
    }

    /** 264,292 parameters: two 3x3 convolutions (32, 64 channels, same padding) each with 2x2 max-pooling, then 3136-78-10. */
    static Graph cnn264k() {
        return new ModelBuilder(SEED, 1, 1, 28, 28).conv(32, 3, 1, 1).relu().maxPool(2, 2).conv(64, 3, 1, 1).relu().maxPool(2, 2)
                .flatten().gemm(78).relu().gemm(10).build();
    }

    /** 3,970,826 parameters: 784-2048-1024-256-10 with ReLU. */
    static Graph dense4m() {
        return new ModelBuilder(SEED, 1, 784).gemm(2048).relu().gemm(1024).relu().gemm(256).relu().gemm(10).build();
    }

    static List<Tensor> gaussian(int[] shape, int n, long seed) {
        Random rnd = new Random(seed);
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] d = new double[size];
            for (int k = 0; k < size; k++) {
                d[k] = rnd.nextGaussian();
            }
            out.add(Tensor.of(shape, d));
        }
        return out;
    }

    private static BenchModel synthetic(String name, String description, boolean quick, java.util.function.Supplier<Graph> build) {
        return new BenchModel(name, description, quick) {
            @Override
            public Graph graph() {
                return build.get();
            }
        };
    }

    /** The bundled LeNet-5 (trained on MNIST), calibrated on and proving the bundled test digits. */
    static final class Lenet5 extends BenchModel {
        static final String RESOURCE = "/dev/zkinfer/samples/lenet5/";
        private MnistIdx.Images digits;

        Lenet5() {
            super("lenet5", "LeNet-5 (bundled, trained on MNIST), bundled test digits", true);
        }

        private static InputStream resource(String file) {
            InputStream in = BenchModel.class.getResourceAsStream(RESOURCE + file);
            if (in == null) {
                throw new UncheckedIOException(new IOException("the bundled sample " + file + " is missing from the class path (is zkinfer-samples built?)"));
            }
            return in;
        }

        @Override
        public Graph graph() {
            try (InputStream in = resource("lenet5.onnx")) {
                return OnnxModel.load(in.readAllBytes(), OnnxLoadOptions.defaults().withBatchSize(1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private MnistIdx.Images digits() {
            if (digits == null) {
                try {
                    digits = MnistIdx.readImages(resource("digits-images-idx3-ubyte.gz"), "bundled digits");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return digits;
        }

        @Override
        public List<Tensor> calibration(Graph g) {
            List<Tensor> cal = new ArrayList<>();
            for (int i = 1; i < Math.min(65, digits().count()); i++) {
                cal.add(digits().lenetInput(i));
            }
            return cal;
        }

        @Override
        public Tensor input(Graph g) {
            return digits().lenetInput(0);
        }
    }
}

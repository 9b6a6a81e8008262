package dev.zkinfer.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * LeNet-5 inference, side by side in one run: zkinfer's bit-exact int8 executor (one image on
 * one thread; the batch of 10 images onnxruntime runs, on one thread; a batch of 64 over two
 * threads) and onnxruntime's float CPU inference of the same ONNX model (batch of 10, as
 * exported; one intra-op thread, and two). Figures are per image.
 * Needs ../shared (the model and the MNIST test set); pass -Dzkinfer.shared=PATH otherwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class InferenceBenchmark {
    static final int BATCH = 64;
    /** onnxruntime's batch: the ONNX model's fixed batch size. */
    static final int ORT_BATCH = 10;
    QuantizedModel qm;
    IntegerExecutor executor;
    IntTensor one;
    List<IntTensor> batch;
    List<IntTensor> ortBatch;
    OrtEnvironment env;
    OrtSession ort1;
    OrtSession ort2;
    OnnxTensor ortInput;

    static Path shared() {
        return Path.of(System.getProperty("zkinfer.shared", "../shared"));
    }

    @Setup
    public void setup() throws Exception {
        Path model = shared().resolve("models/mnist-lenet5/lenet5.onnx");
        MnistIdx.Images images = MnistIdx.readImages(shared().resolve("datasets/mnist/t10k-images-idx3-ubyte.gz"));
        Graph g = OnnxModel.load(model, OnnxLoadOptions.defaults().withBatchSize(1));
        List<Tensor> cal = new ArrayList<>();
        for (int i = 9500; i < 9700; i++) {
            cal.add(images.lenetInput(i));
        }
        qm = Quantizer.quantize(g, cal, QuantizationOptions.int8());
        executor = IntegerExecutor.create();
        one = qm.quantizeInput(images.lenetInput(0));
        batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            batch.add(qm.quantizeInput(images.lenetInput(i)));
        }
        ortBatch = batch.subList(0, ORT_BATCH);
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o1 = new OrtSession.SessionOptions();
        o1.setIntraOpNumThreads(1);
        ort1 = env.createSession(model.toString(), o1);
        OrtSession.SessionOptions o2 = new OrtSession.SessionOptions();
        o2.setIntraOpNumThreads(2);
        ort2 = env.createSession(model.toString(), o2);
        float[] x = new float[ORT_BATCH * 28 * 28];
        for (int b = 0; b < ORT_BATCH; b++) {
            double[] d = images.lenetInput(b).data();
            for (int k = 0; k < d.length; k++) {
                x[b * 784 + k] = (float) d[k];
            }
        }
        ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {ORT_BATCH, 1, 28, 28});
    }

    @TearDown
    public void tearDown() throws Exception {
        ortInput.close();
        ort1.close();
        ort2.close();
    }

    /** int8 LeNet-5, one image, one thread. */
    @Benchmark
    public IntTensor integerOneImageOneThread() {
        return executor.infer(qm, one);
    }

    /** int8 LeNet-5, the first 10 test images (onnxruntime's batch) on one thread; per image. */
    @Benchmark
    @OperationsPerInvocation(ORT_BATCH)
    public List<IntTensor> integerBatchOneThread() {
        return executor.inferBatch(qm, ortBatch, 1);
    }

    /** int8 LeNet-5, 64 images over two threads; per image. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<IntTensor> integerBatchTwoThreads() {
        return executor.inferBatch(qm, batch, 2);
    }

    /** onnxruntime float LeNet-5, its fixed batch of 10, one intra-op thread; per image. */
    @Benchmark
    @OperationsPerInvocation(ORT_BATCH)
    public Object onnxruntimeFloatOneThread() throws Exception {
        try (OrtSession.Result r = ort1.run(Map.of("input_0", ortInput))) {
            return r.get(0).getValue();
        }
    }

    /** onnxruntime float LeNet-5, batch of 10, two intra-op threads; per image. */
    @Benchmark
    @OperationsPerInvocation(ORT_BATCH)
    public Object onnxruntimeFloatTwoThreads() throws Exception {
        try (OrtSession.Result r = ort2.run(Map.of("input_0", ortInput))) {
            return r.get(0).getValue();
        }
    }
}

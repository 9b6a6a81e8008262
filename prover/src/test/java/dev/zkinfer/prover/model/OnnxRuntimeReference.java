package dev.zkinfer.prover.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * onnxruntime's float output of an ONNX model with one input (float "x", or int64 token ids) and
 * one output: the reference the operator tests compare the proved output with. Test scope only.
 */
final class OnnxRuntimeReference {
  private OnnxRuntimeReference() {}

  /** The first output for one int64 input (token ids), named {@code inputName}. */
  static double[] runIds(Path model, String inputName, long[] inputShape, long[] ids) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model.toString(), opts);
           OnnxTensor x = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), inputShape);
           OrtSession.Result r = session.run(Map.of(inputName, x))) {
        FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
        double[] d = new double[b.remaining()];
        for (int i = 0; i < d.length; i++) d[i] = b.get(i);
        return d;
      }
    }
  }

  static double[] run(Path model, long[] inputShape, double[] input) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] f = new float[input.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) input[i];
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model.toString(), opts);
           OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(f), inputShape);
           OrtSession.Result r = session.run(Map.of("x", x))) {
        OnnxTensor y = (OnnxTensor) r.get(0);
        return switch (y.getInfo().type) {
          case FLOAT -> {
            FloatBuffer b = y.getFloatBuffer();
            double[] d = new double[b.remaining()];
            for (int i = 0; i < d.length; i++) d[i] = b.get(i);
            yield d;
          }
          case INT64 -> {
            java.nio.LongBuffer b = y.getLongBuffer();
            double[] d = new double[b.remaining()];
            for (int i = 0; i < d.length; i++) d[i] = b.get(i);
            yield d;
          }
          default -> throw new IllegalArgumentException("output type " + y.getInfo().type + " is not read here");
        };
      }
    }
  }
}

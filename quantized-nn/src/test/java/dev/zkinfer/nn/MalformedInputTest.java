package dev.zkinfer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed files and serialized models fail with one-line messages, never OOM or stack traces of internals. */
class MalformedInputTest {
  static void assertOneLine(ModelFormatException e) {
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }

  static byte[] lenetBytes() throws Exception {
    return Files.readAllBytes(SharedData.require("models/mnist-lenet5/lenet5.onnx"));
  }

  @Test
  void emptyOnnxFileIsRejected() {
    var e = assertThrows(ModelFormatException.class, () -> OnnxModel.load(new byte[0], OnnxLoadOptions.defaults()));
    assertOneLine(e);
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void truncatedOnnxFilesAreRejectedAtEveryLength() throws Exception {
    byte[] full = lenetBytes();
    for (int len = 1; len < full.length; len += Math.max(1, full.length / 200)) {
      byte[] cut = Arrays.copyOf(full, len);
      var e = assertThrows(ModelFormatException.class, () -> OnnxModel.load(cut, OnnxLoadOptions.defaults()), "length " + len);
      assertOneLine(e);
    }
  }

  @Test
  void randomBytesAreRejected() {
    SplittableRandom r = new SplittableRandom(1);
    for (int trial = 0; trial < 200; trial++) {
      byte[] junk = new byte[1 + r.nextInt(4000)];
      for (int i = 0; i < junk.length; i++) junk[i] = (byte) r.nextInt(256);
      var e = assertThrows(ModelFormatException.class, () -> OnnxModel.load(junk, OnnxLoadOptions.defaults()));
      assertOneLine(e);
    }
    var e = assertThrows(ModelFormatException.class,
        () -> OnnxModel.load("this is a text file, not protobuf\n".getBytes(), OnnxLoadOptions.defaults()));
    assertOneLine(e);
  }

  @Test
  void unsupportedOperatorIsNamedWithItsNode() throws Exception {
    // Patch LeNet's "Softmax" op_type into "Softmix": same length, so the protobuf stays valid.
    byte[] b = lenetBytes();
    String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = s.indexOf("Softmax");
    assertTrue(at > 0);
    b[at + 5] = 'i';
    byte[] patched = b;
    var e = assertThrows(ModelFormatException.class, () -> OnnxModel.load(patched, OnnxLoadOptions.defaults()));
    assertOneLine(e);
    assertTrue(e.getMessage().matches("unsupported operator 'Softmix' at node '.*' \\(node \\d+\\)"), e.getMessage());
  }

  @Test
  void unsupportedAttributeIsNamed() throws Exception {
    var dir = java.nio.file.Path.of("/usr/share/libonnx-testdata/data/node/test_maxpool_2d_dilations");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(dir), "libonnx-testdata absent; skipping");
    var e = assertThrows(ModelFormatException.class, () -> OnnxModel.load(dir.resolve("model.onnx")));
    assertOneLine(e);
    assertTrue(e.getMessage().startsWith("MaxPool at node") && e.getMessage().contains("dilations"), e.getMessage());
  }

  @Test
  void fixedBatchIsHonouredAndOverridable() throws Exception {
    var path = SharedData.require("models/mnist-lenet5/lenet5.onnx");
    Graph ten = OnnxModel.load(path);
    assertEquals(10, ten.inputs().get(0).shape()[0]);
    assertEquals(10, ten.outputs().get(0).shape()[0]);
    Graph three = OnnxModel.load(path, OnnxLoadOptions.defaults().withBatchSize(3));
    assertEquals(3, three.outputs().get(0).shape()[0]);
    var e = assertThrows(IllegalArgumentException.class, () -> new dev.zkinfer.nn.graph.FloatExecutor(three).run(Tensor.zeros(10, 1, 28, 28)));
    assertTrue(e.getMessage().contains("[10,1,28,28]") && e.getMessage().contains("[3,1,28,28]"), e.getMessage());
  }

  static QuantizedModel smallModel() {
    Graph g = ModelBuilder.smallCnn(11);
    SplittableRandom r = new SplittableRandom(11);
    Tensor x = Tensor.zeros(1, 1, 28, 28);
    for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextGaussian();
    return Quantizer.quantize(g, List.of(x), QuantizationOptions.int8());
  }

  static byte[] serialize(QuantizedModel m) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    m.write(new DataOutputStream(bos));
    return bos.toByteArray();
  }

  static QuantizedModel deserialize(byte[] b) throws Exception {
    return QuantizedModel.read(new DataInputStream(new ByteArrayInputStream(b)));
  }

  @Test
  void quantizedModelRoundTripsAndRunsIdentically() throws Exception {
    QuantizedModel m = smallModel();
    byte[] bytes = serialize(m);
    assertEquals('Z', bytes[0]);
    assertEquals(1, bytes[4]); // version 1, little-endian
    QuantizedModel back = deserialize(bytes);
    assertTrue(Arrays.equals(bytes, serialize(back)));
    IntTensor x = m.quantizeInput(Tensor.zeros(1, 1, 28, 28));
    SplittableRandom r = new SplittableRandom(2);
    int[] d = x.data();
    for (int i = 0; i < d.length; i++) d[i] = r.nextInt(-128, 128);
    var ix = IntegerExecutor.create();
    assertEquals(ix.infer(m, x), ix.infer(back, x));
  }

  @Test
  void corruptedSerializedModelsFailCleanly() throws Exception {
    byte[] bytes = serialize(smallModel());
    for (int len = 0; len < bytes.length; len += Math.max(1, bytes.length / 300)) {
      byte[] cut = Arrays.copyOf(bytes, len);
      assertOneLine(assertThrows(ModelFormatException.class, () -> deserialize(cut), "truncated at " + len));
    }
    SplittableRandom r = new SplittableRandom(3);
    int failures = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] c = bytes.clone();
      int pos = r.nextInt(c.length);
      c[pos] = (byte) r.nextInt(256);
      try {
        QuantizedModel m = deserialize(c);
        // A flip inside weight values or scales may yield a valid model; it must still run or refuse cleanly.
        try {
          IntegerExecutor.create().infer(m, new IntTensor(m.input().shape(), new int[m.input().size()]));
        } catch (dev.zkinfer.InvalidInputException ok) {
          // e.g. a changed input range
        }
      } catch (ModelFormatException e) {
        assertOneLine(e);
        failures++;
      }
    }
    assertTrue(failures > 0, "some corruptions must be detected");
    byte[] huge = bytes.clone();
    // Tensor count field right after magic, version and bits: claim 2^30 tensors.
    huge[12] = 0;
    huge[13] = 0;
    huge[14] = 0;
    huge[15] = 0x40;
    assertOneLine(assertThrows(ModelFormatException.class, () -> deserialize(huge)));
  }
}

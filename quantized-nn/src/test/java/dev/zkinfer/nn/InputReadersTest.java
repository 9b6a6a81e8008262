package dev.zkinfer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InputReadersTest {
  @Test
  void ezklInputJsonRoundTrips() {
    EzklInput in = EzklInput.parse("{\"input_shapes\": [[1, 3]], \"input_data\": [[0.5, -1e-3, 2]], \"output_data\": [[[1.0], [2.0]]]}");
    assertArrayEquals(new double[] {0.5, -1e-3, 2}, in.inputData().get(0));
    assertArrayEquals(new double[] {1, 2}, in.outputData().get(0));
    EzklInput back = EzklInput.parse(in.toJson());
    assertArrayEquals(in.inputData().get(0), back.inputData().get(0), 1e-7);
    assertThrows(dev.zkinfer.MalformedInputException.class, () -> EzklInput.parse("{\"input_data\": [[1, \"x\"]]}"));
    assertThrows(dev.zkinfer.MalformedInputException.class, () -> EzklInput.parse("{\"input_data\": [[1, 2]"));
    assertThrows(dev.zkinfer.MalformedInputException.class, () -> EzklInput.parse("{}"));
  }

  @Test
  void booleansReadAsOneAndZeroAndNullIsRefused() {
    EzklInput in = EzklInput.parse("{\"input_data\": [[true, false, 0.5], [[false], [true]]]}");
    assertArrayEquals(new double[] {1, 0, 0.5}, in.inputData().get(0));
    assertArrayEquals(new double[] {0, 1}, in.inputData().get(1));
    var e = assertThrows(dev.zkinfer.MalformedInputException.class, () -> EzklInput.parse("{\"input_data\": [[1, null]]}"));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("non-number"), e.getMessage());
  }
}

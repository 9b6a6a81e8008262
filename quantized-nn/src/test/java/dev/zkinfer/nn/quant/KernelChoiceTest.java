package dev.zkinfer.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.nn.quant.IntegerExecutor.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code zkinfer.nn.kernels} never makes {@link IntegerExecutor#create()} throw: a bad value warns once and is ignored. */
class KernelChoiceTest {
  private final Logger jul = Logger.getLogger(IntegerExecutor.class.getName());
  private final List<String> warnings = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    jul.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    jul.removeHandler(handler);
  }

  @Test
  void namesAreCaseAndBlankInsensitive() {
    assertEquals(Kernels.SCALAR, IntegerExecutor.choose(" Scalar ", true));
    assertEquals(Kernels.VECTOR, IntegerExecutor.choose("VECTOR", true));
    assertEquals(Kernels.VECTOR, IntegerExecutor.choose(null, true));
    assertEquals(Kernels.SCALAR, IntegerExecutor.choose("", false));
    assertEquals(List.of(), warnings);
  }

  @Test
  void unknownValueWarnsOnceAndChoosesAutomatically() {
    assertEquals(Kernels.VECTOR, IntegerExecutor.choose("simd-please", true));
    assertEquals(Kernels.VECTOR, IntegerExecutor.choose("simd-please", true));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("zkinfer.nn.kernels=simd-please") && warnings.get(0).contains("scalar, vector"), warnings.get(0));
    assertEquals(Kernels.SCALAR, IntegerExecutor.choose("gpu", false));
  }

  @Test
  void vectorWithoutTheVectorApiWarnsAndIsScalar() {
    assertEquals(Kernels.SCALAR, IntegerExecutor.choose("vector", false));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("--add-modules=jdk.incubator.vector"), warnings.get(0));
  }

  @Test
  void createWithABadPropertyStillRuns() {
    String old = System.getProperty(IntegerExecutor.KERNELS_PROPERTY);
    System.setProperty(IntegerExecutor.KERNELS_PROPERTY, "bogus");
    try {
      IntegerExecutor ix = IntegerExecutor.create();
      assertEquals(Kernels.VECTOR, ix.kernels()); // the tests run with the Vector API module
    } finally {
      if (old == null) System.clearProperty(IntegerExecutor.KERNELS_PROPERTY);
      else System.setProperty(IntegerExecutor.KERNELS_PROPERTY, old);
    }
  }
}

package dev.zkinfer.nn.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link QuantizedModelFormat}: the bulk reading of int arrays (chunk by chunk, little-endian, truncation refused) and the ops' construction. */
class QuantizedModelFormatTest {
  private static byte[] littleEndian(int[] values) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (int v : values) {
      out.writeInt(Integer.reverseBytes(v));
    }
    return bytes.toByteArray();
  }

  @Test
  void readsIntsAcrossChunkBoundariesInOrder() throws Exception {
    int[] values = new SplittableRandom(5).ints(1000).toArray();
    byte[] bytes = littleEndian(values);
    for (int chunk : new int[] {1, 7, 16, 999, 1000, 1 << 16}) {
      for (int n : new int[] {0, 1, 15, 16, 17, 500, 1000}) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        assertArrayEquals(Arrays.copyOf(values, n), QuantizedModelFormat.readFixed(in, n, chunk), "n " + n + ", chunk " + chunk);
        // the stream is left right after the n values
        if (n < values.length) {
          assertArrayEquals(new int[] {values[n]}, QuantizedModelFormat.readFixed(in, 1, chunk));
        }
      }
    }
  }

  @Test
  void truncatedArraysAreRefused() throws Exception {
    byte[] bytes = littleEndian(new SplittableRandom(6).ints(100).toArray());
    for (int cut : new int[] {0, 1, 4 * 50 + 3, bytes.length - 1}) {
      byte[] b = Arrays.copyOf(bytes, cut);
      assertThrows(EOFException.class, () -> QuantizedModelFormat.readFixed(new DataInputStream(new ByteArrayInputStream(b)), 100, 16));
    }
  }

  /**
   * {@link QuantizedModelFormat#construct} builds, for every op tag, the same op as the record's
   * canonical constructor from the same component values (or fails the same way when the record
   * refuses them), so that the written-out constructor calls match the format's reflective reading.
   */
  @Test
  void constructsEveryOpLikeItsCanonicalConstructor() throws Exception {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int tag = 0; tag < QuantizedModelFormat.OP_TAGS.size(); tag++) {
      Class<?> cls = QuantizedModelFormat.OP_TAGS.get(tag);
      var comps = cls.getRecordComponents();
      Class<?>[] types = new Class<?>[comps.length];
      for (int trial = 0; trial < 20; trial++) {
        Object[] args = new Object[comps.length];
        for (int i = 0; i < comps.length; i++) {
          types[i] = comps[i].getType();
          args[i] = types[i] == int.class ? (Object) rnd.nextInt(1, 5)
              : types[i] == boolean.class ? (Object) rnd.nextBoolean()
              : rnd.ints(rnd.nextInt(1, 4), 1, 5).toArray();
        }
        Object expected;
        try {
          expected = cls.getDeclaredConstructor(types).newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
          int t = tag;
          assertThrows(e.getCause().getClass(), () -> QuantizedModelFormat.construct(t, args), cls.getSimpleName());
          continue;
        }
        QOp op = QuantizedModelFormat.construct(tag, args);
        assertEquals(cls, op.getClass());
        for (var c : comps) {
          assertTrue(java.util.Objects.deepEquals(c.getAccessor().invoke(expected), c.getAccessor().invoke(op)), cls.getSimpleName() + "." + c.getName());
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> QuantizedModelFormat.construct(QuantizedModelFormat.OP_TAGS.size(), new Object[0]));
  }
}

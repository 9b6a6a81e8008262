package dev.zkinfer.nn.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bulk reading of int arrays in {@link QuantizedModelFormat}: chunk by chunk, little-endian, truncation refused. */
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
}

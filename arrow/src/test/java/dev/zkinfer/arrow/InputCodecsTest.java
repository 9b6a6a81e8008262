package dev.zkinfer.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;
import org.junit.jupiter.api.Test;

/**
 * The decompressors against Arrow Java's own compressors (zstd-jni, commons-compress), buffer by
 * buffer, and the announced lengths they refuse before allocating anything.
 */
class InputCodecsTest {
  static byte[] sample(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) ((i / 7) % 13 == 0 ? i * 17 : i % 5);
    return b;
  }

  /** Arrow's compressed form of {@code data}: its length (int64) and one codec frame. */
  static byte[] compressed(BufferAllocator alloc, CodecType codec, byte[] data) {
    ArrowBuf in = alloc.buffer(data.length);
    in.setBytes(0, data);
    in.writerIndex(data.length);
    try (ArrowBuf out = CommonsCompressionFactory.INSTANCE.createCodec(codec).compress(alloc, in)) {
      byte[] b = new byte[(int) out.writerIndex()];
      out.getBytes(0, b);
      return b;
    }
  }

  static byte[] decompressed(BufferAllocator alloc, CodecType codec, byte[] compressed) {
    ArrowBuf in = alloc.buffer(compressed.length);
    in.setBytes(0, compressed);
    in.writerIndex(compressed.length);
    ArrowBuf out;
    try {
      out = InputCodecs.INSTANCE.createCodec(codec).decompress(alloc, in);
    } catch (RuntimeException e) {
      in.close(); // released by decompress only when it succeeds
      throw e;
    }
    try (out) {
      byte[] b = new byte[(int) out.writerIndex()];
      out.getBytes(0, b);
      return b;
    }
  }

  static byte[] withLength(byte[] compressed, long length) {
    byte[] b = compressed.clone();
    for (int i = 0; i < 8; i++) b[i] = (byte) (length >>> (8 * i));
    return b;
  }

  @Test
  void decompressesWhatArrowJavaCompresses() {
    try (BufferAllocator alloc = new RootAllocator()) {
      for (CodecType codec : new CodecType[] {CodecType.ZSTD, CodecType.LZ4_FRAME}) {
        for (int n : new int[] {1, 100, 70_000}) {
          byte[] data = sample(n);
          byte[] c = compressed(alloc, codec, data);
          assertArrayEquals(data, decompressed(alloc, codec, c), codec + ", " + n + " bytes");
        }
      }
      assertEquals(0, alloc.getAllocatedMemory(), "every buffer released");
    }
  }

  @Test
  void refusesAnnouncedLengthsThatCannotBeRight() {
    byte[] data = sample(50_000);
    try (BufferAllocator alloc = new RootAllocator(64 << 20)) {
      byte[] zstd = compressed(alloc, CodecType.ZSTD, data);
      byte[] lz4 = compressed(alloc, CodecType.LZ4_FRAME, data);
      assertTrue(zstd.length < data.length / 4 && lz4.length < data.length / 4, "the sample compresses");
      // more than the allocator has left: refused before the output is allocated
      var big = assertThrows(IllegalArgumentException.class, () -> decompressed(alloc, CodecType.ZSTD, withLength(zstd, 1L << 30)));
      assertTrue(big.getMessage().contains("announces 1073741824 uncompressed bytes, more than the"), big.getMessage());
      // the ZSTD frame says how long it is
      var other = assertThrows(IllegalArgumentException.class, () -> decompressed(alloc, CodecType.ZSTD, withLength(zstd, data.length - 1)));
      assertTrue(other.getMessage().contains("ZSTD frame holds 50000 bytes, not the 49999 announced"), other.getMessage());
      // an LZ4 byte expands to at most 255 bytes
      var lz = assertThrows(IllegalArgumentException.class, () -> decompressed(alloc, CodecType.LZ4_FRAME, withLength(lz4, 300L * lz4.length)));
      assertTrue(lz.getMessage().contains("cannot hold"), lz.getMessage());
      assertThrows(IllegalArgumentException.class, () -> decompressed(alloc, CodecType.LZ4_FRAME, withLength(lz4, data.length + 1)));
      var neg = assertThrows(IllegalArgumentException.class, () -> decompressed(alloc, CodecType.ZSTD, withLength(zstd, -5)));
      assertTrue(neg.getMessage().contains("announces -5"), neg.getMessage());
    }
  }
}

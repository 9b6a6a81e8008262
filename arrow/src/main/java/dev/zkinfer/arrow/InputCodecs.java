package dev.zkinfer.arrow;

import io.airlift.compress.zstd.ZstdDecompressor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * The decompressors for Arrow IPC body compression (the {@code BodyCompression} of a record
 * batch): {@code ZSTD} through aircompressor's pure-Java decoder and {@code LZ4_FRAME} through
 * {@link Lz4Frame}. Each compressed buffer is its uncompressed length (int64, little-endian; -1 for
 * a buffer stored as is, which {@link AbstractCompressionCodec} handles) followed by one codec frame.
 * Reading only: compressing is refused. Stateless: thread-safe.
 */
final class InputCodecs implements CompressionCodec.Factory {
  static final InputCodecs INSTANCE = new InputCodecs();

  private InputCodecs() {}

  @Override
  public CompressionCodec createCodec(CompressionUtil.CodecType type) {
    return switch (type) {
      case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
      case ZSTD, LZ4_FRAME -> new Decoder(type);
    };
  }

  @Override
  public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
    return createCodec(type);
  }

  private static final class Decoder extends AbstractCompressionCodec {
    private final CompressionUtil.CodecType type;

    Decoder(CompressionUtil.CodecType type) {
      this.type = type;
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
      return type;
    }

    @Override
    protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
      throw new UnsupportedOperationException("zkinfer reads compressed Arrow files; it does not write them");
    }

    @Override
    protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
      long length = readUncompressedLength(compressed);
      long size = compressed.writerIndex() - CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
      if (length < 0 || length > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(type + " buffer announces " + length + " uncompressed bytes");
      }
      if (size < 0 || size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(type + " buffer of " + size + " bytes");
      // Refused before anything is allocated: the decompressed buffer must fit the reader's allocator anyway.
      if (length > allocator.getHeadroom()) {
        throw new IllegalArgumentException(type + " buffer announces " + length + " uncompressed bytes, more than the "
            + allocator.getHeadroom() + " left for reading this file");
      }
      byte[] in = new byte[(int) size];
      compressed.getBytes(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, in);
      byte[] out;
      if (type == CompressionUtil.CodecType.LZ4_FRAME) {
        // An LZ4 byte expands to at most 255 bytes: a larger announced length is damage, refused
        // before the output is allocated.
        if (length > 255L * size + 64) throw new IllegalArgumentException("LZ4 buffer of " + size + " bytes cannot hold the " + length + " announced");
        out = Lz4Frame.decode(in, 0, in.length, (int) length);
      } else {
        long declared;
        try {
          declared = ZstdDecompressor.getDecompressedSize(in, 0, in.length);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("damaged ZSTD data (" + e.getMessage() + ")", e);
        }
        if (declared >= 0 && declared != length) {
          throw new IllegalArgumentException("ZSTD frame holds " + declared + " bytes, not the " + length + " announced");
        }
        out = new byte[(int) length];
        int n;
        try {
          n = new ZstdDecompressor().decompress(in, 0, in.length, out, 0, out.length);
        } catch (RuntimeException e) {
          // aircompressor's MalformedInputException, or an index error on a damaged frame
          throw new IllegalArgumentException("damaged ZSTD data (" + e.getMessage() + ")", e);
        }
        if (n != length) throw new IllegalArgumentException("ZSTD data decodes to " + n + " bytes, not the " + length + " announced");
      }
      ArrowBuf buf = allocator.buffer(length);
      buf.setBytes(0, out);
      buf.writerIndex(length);
      return buf;
    }
  }
}

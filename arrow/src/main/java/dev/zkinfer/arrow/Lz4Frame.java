package dev.zkinfer.arrow;

/**
 * Decodes the LZ4 frame format (lz4's "Frame format" specification, version 1.6), which Arrow's
 * {@code LZ4_FRAME} IPC compression uses for each buffer. Blocks may be linked (a match may reach
 * back into earlier blocks, the default of the lz4 library that pyarrow and Arrow C++ use) or
 * independent; both decode into one output array, so a match may reach anywhere back into the
 * frame's output. Checksums are skipped, not checked (an uncompressed Arrow file has none either);
 * every length and offset is bounds-checked, so damaged input is an {@link IllegalArgumentException}
 * with a one-line reason, never an out-of-bounds access. Stateless: thread-safe.
 */
final class Lz4Frame {
  private Lz4Frame() {}

  private static final int MAGIC = 0x184D2204;

  /**
   * Decodes the frames in {@code in[from, to)} into exactly {@code length} bytes.
   *
   * @throws IllegalArgumentException when the input is not well-formed LZ4 frames or does not
   *     decode to exactly {@code length} bytes
   */
  static byte[] decode(byte[] in, int from, int to, int length) {
    byte[] out = new byte[length];
    int ip = from;
    int op = 0;
    while (ip < to) {
      int magic = int32(in, ip, to);
      ip += 4;
      if ((magic & 0xFFFFFFF0) == 0x184D2A50) { // a skippable frame: its 4-byte size, then data
        long skip = int32(in, ip, to) & 0xFFFFFFFFL;
        ip += 4;
        if (skip > to - ip) throw new IllegalArgumentException("LZ4 skippable frame runs past the end of the data");
        ip += (int) skip;
        continue;
      }
      if (magic != MAGIC) throw new IllegalArgumentException("not an LZ4 frame (magic " + String.format("0x%08X", magic) + ")");
      need(in, ip, 2, to);
      int flg = in[ip] & 0xFF;
      ip += 2; // FLG and BD
      if ((flg >>> 6) != 1) throw new IllegalArgumentException("LZ4 frame version " + (flg >>> 6) + " (only version 1 exists)");
      boolean blockChecksum = (flg & 0x10) != 0;
      boolean contentSize = (flg & 0x08) != 0;
      boolean contentChecksum = (flg & 0x04) != 0;
      if ((flg & 0x01) != 0) throw new IllegalArgumentException("LZ4 frame needs a dictionary, which Arrow files do not carry");
      if (contentSize) ip += 8;
      ip += 1; // header checksum
      need(in, ip, 0, to);
      int frameStart = op;
      while (true) {
        int size = int32(in, ip, to);
        ip += 4;
        if (size == 0) break; // EndMark
        boolean stored = size < 0; // highest bit: the block is stored uncompressed
        int n = size & 0x7FFFFFFF;
        need(in, ip, n, to);
        if (stored) {
          if (n > out.length - op) throw new IllegalArgumentException("LZ4 data decodes to more than the " + length + " bytes announced");
          System.arraycopy(in, ip, out, op, n);
          op += n;
        } else {
          op = block(in, ip, ip + n, out, op, frameStart, length);
        }
        ip += n;
        if (blockChecksum) ip += 4;
      }
      if (contentChecksum) ip += 4;
      if (ip > to) throw new IllegalArgumentException("LZ4 frame is truncated");
    }
    if (op != length) throw new IllegalArgumentException("LZ4 data decodes to " + op + " bytes, not the " + length + " announced");
    return out;
  }

  /** Decodes one compressed block (LZ4 block format) into {@code out} at {@code op}; returns the new end. */
  private static int block(byte[] in, int ip, int end, byte[] out, int op, int frameStart, int length) {
    while (ip < end) {
      int token = in[ip++] & 0xFF;
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          if (ip >= end) throw new IllegalArgumentException("LZ4 block is truncated");
          b = in[ip++] & 0xFF;
          literals += b;
        } while (b == 255 && literals < Integer.MAX_VALUE - 255);
      }
      if (literals > end - ip) throw new IllegalArgumentException("LZ4 literals run past the end of the block");
      if (literals > out.length - op) throw new IllegalArgumentException("LZ4 data decodes to more than the " + length + " bytes announced");
      System.arraycopy(in, ip, out, op, literals);
      ip += literals;
      op += literals;
      if (ip == end) break; // the last sequence has literals only
      if (end - ip < 2) throw new IllegalArgumentException("LZ4 block is truncated");
      int offset = (in[ip] & 0xFF) | (in[ip + 1] & 0xFF) << 8;
      ip += 2;
      if (offset == 0 || offset > op - frameStart) throw new IllegalArgumentException("LZ4 match offset " + offset + " points before the data");
      int match = token & 0x0F;
      if (match == 15) {
        int b;
        do {
          if (ip >= end) throw new IllegalArgumentException("LZ4 block is truncated");
          b = in[ip++] & 0xFF;
          match += b;
        } while (b == 255 && match < Integer.MAX_VALUE - 255);
      }
      match += 4;
      if (match > out.length - op) throw new IllegalArgumentException("LZ4 data decodes to more than the " + length + " bytes announced");
      int from = op - offset;
      if (offset >= match) {
        System.arraycopy(out, from, out, op, match);
        op += match;
      } else {
        for (int i = 0; i < match; i++) out[op++] = out[from + i]; // overlapping: a repeated pattern
      }
    }
    return op;
  }

  private static int int32(byte[] in, int at, int to) {
    need(in, at, 4, to);
    return (in[at] & 0xFF) | (in[at + 1] & 0xFF) << 8 | (in[at + 2] & 0xFF) << 16 | (in[at + 3] & 0xFF) << 24;
  }

  private static void need(byte[] in, int at, int n, int to) {
    if (at < 0 || n < 0 || at > to - n) throw new IllegalArgumentException("LZ4 frame is truncated");
  }
}

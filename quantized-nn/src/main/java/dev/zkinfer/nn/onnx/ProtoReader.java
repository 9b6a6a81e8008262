package dev.zkinfer.nn.onnx;

import dev.zkinfer.nn.ModelFormatException;
import java.nio.charset.StandardCharsets;

/**
 * A reader of the protobuf wire format over a byte range: varints (wire type 0), 64-bit (1),
 * length-delimited (2) and 32-bit (5) fields. Every length is checked against the bytes that
 * remain before anything is allocated, so a truncated or hostile file fails with a {@link
 * ModelFormatException} and never with an out-of-memory error.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int end;
  private final String what;

  ProtoReader(byte[] buf, int start, int end, String what) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.what = what;
  }

  boolean hasMore() {
    return pos < end;
  }

  /** Reads a tag; returns field number << 3 | wire type. */
  int readTag() {
    long tag = readVarint();
    int wireType = (int) (tag & 7);
    long field = tag >>> 3;
    if (field == 0 || field > (1 << 29)) throw malformed("invalid field number " + field);
    if (wireType == 3 || wireType == 4 || wireType > 5) throw malformed("invalid wire type " + wireType);
    return (int) tag;
  }

  long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= end) throw malformed("truncated varint");
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) return result;
    }
    throw malformed("varint longer than 10 bytes");
  }

  long readFixed64() {
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | (buf[pos + i] & 0xffL);
    pos += 8;
    return v;
  }

  int readFixed32() {
    need(4);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  float readFloat() {
    return Float.intBitsToFloat(readFixed32());
  }

  double readDouble() {
    return Double.longBitsToDouble(readFixed64());
  }

  /** Reads a length prefix and returns a reader over that many bytes, advancing past them. */
  ProtoReader readMessage(String innerWhat) {
    int len = readLength();
    ProtoReader r = new ProtoReader(buf, pos, pos + len, innerWhat);
    pos += len;
    return r;
  }

  /** Start and end (exclusive) offsets of a length-delimited field, advancing past it. */
  int[] readBytesRange() {
    int len = readLength();
    int[] range = {pos, pos + len};
    pos += len;
    return range;
  }

  byte[] readBytes() {
    int[] r = readBytesRange();
    byte[] out = new byte[r[1] - r[0]];
    System.arraycopy(buf, r[0], out, 0, out.length);
    return out;
  }

  String readString() {
    int[] r = readBytesRange();
    return new String(buf, r[0], r[1] - r[0], StandardCharsets.UTF_8);
  }

  byte[] buffer() {
    return buf;
  }

  int readLength() {
    long len = readVarint();
    if (len < 0 || len > end - pos) {
      throw malformed("length " + len + " exceeds the " + (end - pos) + " bytes that remain");
    }
    return (int) len;
  }

  void skip(int tag) {
    switch (tag & 7) {
      case VARINT -> readVarint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LENGTH_DELIMITED -> {
        int len = readLength();
        pos += len;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default -> throw malformed("invalid wire type " + (tag & 7));
    }
  }

  private void need(int n) {
    if (end - pos < n) throw malformed("truncated field");
  }

  ModelFormatException malformed(String detail) {
    return new ModelFormatException("malformed " + what + ": " + detail + " at byte " + pos);
  }
}

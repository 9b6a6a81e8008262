package dev.zkinfer.nn.io;

import dev.zkinfer.nn.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST in the IDX format (optionally gzip-compressed): a big-endian header (magic 0x00000803
 * for images with count, rows, cols; 0x00000801 for labels with count) followed by unsigned bytes.
 * Stateless static readers: thread-safe.
 */
public final class MnistIdx {
  public static final int IMAGES_MAGIC = 0x803;
  public static final int LABELS_MAGIC = 0x801;
  /** LeNet-5 preprocessing constants: the MNIST training-set mean and standard deviation. */
  public static final double MEAN = 0.1307, STD = 0.3081;

  /** Images as unsigned pixel values, [count][rows * cols]. */
  public record Images(int count, int rows, int cols, byte[][] pixels) {
    /** Image i as a float tensor [1, 1, rows, cols]: pixel / 255, then (x - 0.1307) / 0.3081. */
    public Tensor lenetInput(int i) {
      byte[] p = pixels[i];
      double[] d = new double[p.length];
      for (int k = 0; k < d.length; k++) d[k] = ((p[k] & 0xff) / 255.0 - MEAN) / STD;
      return Tensor.of(new int[] {1, 1, rows, cols}, d);
    }
  }

  private MnistIdx() {}

  public static Images readImages(Path file) throws IOException {
    return readImages(Files.newInputStream(file), file.toString());
  }

  /** Reads images from a stream (gzip-compressed or not), which it closes; {@code source} names it in errors. */
  public static Images readImages(InputStream stream, String source) throws IOException {
    String file = source;
    try (DataInputStream in = open(stream)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) throw new IOException(file + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ", expected 0x803)");
      int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
      if (n < 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096 || (long) n * rows * cols > (1L << 31) - 16) {
        throw new IOException(file + ": implausible header " + n + " x " + rows + " x " + cols);
      }
      byte[][] px = new byte[n][];
      for (int i = 0; i < n; i++) {
        px[i] = new byte[rows * cols];
        in.readFully(px[i]);
      }
      return new Images(n, rows, cols, px);
    }
  }

  public static int[] readLabels(Path file) throws IOException {
    return readLabels(Files.newInputStream(file), file.toString());
  }

  /** Reads labels from a stream (gzip-compressed or not), which it closes; {@code source} names it in errors. */
  public static int[] readLabels(InputStream stream, String source) throws IOException {
    String file = source;
    try (DataInputStream in = open(stream)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) throw new IOException(file + ": not an IDX label file (magic 0x" + Integer.toHexString(magic) + ", expected 0x801)");
      int n = in.readInt();
      if (n < 0 || n > (1 << 28)) throw new IOException(file + ": implausible label count " + n);
      byte[] b = new byte[n];
      in.readFully(b);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) labels[i] = b[i] & 0xff;
      return labels;
    }
  }

  private static DataInputStream open(InputStream stream) throws IOException {
    InputStream raw = new BufferedInputStream(stream);
    raw.mark(2);
    int b0 = raw.read(), b1 = raw.read();
    raw.reset();
    InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }
}

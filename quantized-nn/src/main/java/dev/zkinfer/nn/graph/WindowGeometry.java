package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.ModelFormatException;

/**
 * The geometry of a 2-D sliding window (Conv, MaxPool, AveragePool) over an NCHW input: kernel
 * size, strides, the padding actually applied on each side (after auto_pad and ceil_mode are
 * resolved) and the output size. Output position (oy, ox) reads input rows {@code oy*strideH -
 * padTop + ky} for ky in [0, kernelH), and likewise for columns; positions outside [0, H) x [0, W)
 * are padding.
 * Immutable and thread-safe, provided nobody modifies the arrays it was given or returns (records share them, they do not copy).
 */
public record WindowGeometry(
    int inH, int inW, int kernelH, int kernelW, int strideH, int strideW,
    int padTop, int padLeft, int outH, int outW) {

  /**
   * Resolves the window attributes of a node for a given input height and width. {@code
   * kernelFromWeights} is the kernel size for Conv (from its weight shape) or null for pooling
   * (read from kernel_shape).
   */
  public static WindowGeometry of(Node node, int inH, int inW, int[] kernelFromWeights, boolean allowCeilMode) {
    long[] ks = node.attrLongs("kernel_shape");
    int kh, kw;
    if (kernelFromWeights != null) {
      kh = kernelFromWeights[0];
      kw = kernelFromWeights[1];
      if (ks != null && (ks.length != 2 || ks[0] != kh || ks[1] != kw)) {
        throw node.unsupported("kernel_shape does not match the weight shape");
      }
    } else {
      if (ks == null) throw node.unsupported("kernel_shape is missing");
      if (ks.length != 2) throw node.unsupported(ks.length + "-D pooling is not supported (only 2-D)");
      kh = (int) ks[0];
      kw = (int) ks[1];
    }
    long[] dil = node.attrLongs("dilations");
    if (dil != null) {
      for (long d : dil) {
        if (d != 1) throw node.unsupported("dilations=" + java.util.Arrays.toString(dil) + " is not supported (only 1)");
      }
    }
    long[] st = node.attrLongs("strides");
    int sh = st == null ? 1 : (int) st[0];
    int sw = st == null ? 1 : (int) st[st.length > 1 ? 1 : 0];
    if (sh < 1 || sw < 1) throw node.unsupported("strides must be positive");
    String autoPad = node.attrString("auto_pad", "NOTSET");
    boolean ceil = node.attrLong("ceil_mode", 0) != 0;
    if (ceil && !allowCeilMode) throw node.unsupported("ceil_mode=1 is not supported");
    int pt, pl, pb, pr;
    switch (autoPad) {
      case "NOTSET" -> {
        long[] p = node.attrLongs("pads");
        if (p == null) p = new long[4];
        if (p.length != 4) throw node.unsupported("pads must have 4 values for 2-D");
        pt = (int) p[0];
        pl = (int) p[1];
        pb = (int) p[2];
        pr = (int) p[3];
        if (pt < 0 || pl < 0 || pb < 0 || pr < 0) throw node.unsupported("negative pads are not supported");
      }
      case "VALID" -> pt = pl = pb = pr = 0;
      case "SAME_UPPER", "SAME_LOWER" -> {
        int oh = (inH + sh - 1) / sh;
        int ow = (inW + sw - 1) / sw;
        int th = Math.max((oh - 1) * sh + kh - inH, 0);
        int tw = Math.max((ow - 1) * sw + kw - inW, 0);
        boolean upper = autoPad.equals("SAME_UPPER");
        pt = upper ? th / 2 : th - th / 2;
        pb = th - pt;
        pl = upper ? tw / 2 : tw - tw / 2;
        pr = tw - pl;
      }
      default -> throw node.unsupported("auto_pad=" + autoPad + " is not supported");
    }
    int outH = outSize(inH + pt + pb, kh, sh, ceil, inH + pt);
    int outW = outSize(inW + pl + pr, kw, sw, ceil, inW + pl);
    if (outH <= 0 || outW <= 0) {
      throw node.unsupported("the window " + kh + "x" + kw + " does not fit the input " + inH + "x" + inW);
    }
    return new WindowGeometry(inH, inW, kh, kw, sh, sw, pt, pl, outH, outW);
  }

  private static int outSize(int padded, int k, int s, boolean ceil, int lastStartLimit) {
    if (!ceil) return Math.floorDiv(padded - k, s) + 1;
    int out = Math.ceilDiv(padded - k, s) + 1;
    // The last window must start inside the input or the leading padding.
    if ((out - 1) * s >= lastStartLimit) out--;
    return out;
  }

  static ModelFormatException noSpatial(Node node) {
    return node.unsupported("only 2-D (NCHW) inputs are supported");
  }
}

package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites operators that have no quantized form of their own into operators that do, at import,
 * so that the float executor, the quantizer and the prover (and therefore the verifier's existing
 * layers) see only the primitives. The float executor runs the rewritten graph, so the tests
 * compare it with onnxruntime on the original operator.
 * <ul>
 *   <li>{@code InstanceNormalization}: mean and variance over the spatial axes, as LayerNormalization
 *       is expanded, then the per-channel scale and bias as [C, 1, ..] constants.
 *   <li>{@code Resize} / {@code Upsample} (modes nearest, linear and cubic, fixed scales or sizes): one axis
 *       at a time; nearest is a Gather with constant indices, linear the weighted sum of two
 *       Gathers (w0·x[i0] + w1·x[i1] with constant weights; cubic four), so bilinear is two separable passes.
 *   <li>{@code ConvTranspose}: zeros inserted between the input's elements (Unsqueeze, Pad, Reshape,
 *       Slice per strided axis), a border of dilation·(kernel − 1) − pad (a Pad or a Slice), then a
 *       stride-1 Conv with the kernel flipped and its two channel axes swapped per group.
 *   <li>{@code ScatterElements} (constant indices, reduction none): the data and the updates
 *       flattened and concatenated, then one Gather with constant indices picks each output.
 *   <li>{@code ReduceL1} = ReduceSum(Abs), {@code ReduceL2} = Sqrt(ReduceSum(x·x)),
 *       {@code ReduceSumSquare} = ReduceSum(x·x), {@code ReduceLogSumExp} = m + Log(ReduceSum(Exp(x − m)))
 *       with m = ReduceMax (so Exp's table sees only values ≤ 0), {@code ReduceProd} = a chain of
 *       element-wise Muls of slices.
 *   <li>{@code TopK} with a constant k: k bubble passes from the end of the axis, each moving the
 *       largest (or smallest) remaining element forward with Greater/Where compare-exchanges that
 *       carry the indices along; strict comparisons keep ONNX's order of ties (lower index first).
 * </ul>
 * Also a Conv that the quantized Conv does not take as it is (1-D, groups, dilations): see {@link #conv}.
 * Each refusal names the node and the attribute or input that is not supported.
 */
final class OperatorLowering {
  private OperatorLowering() {}

  static final Set<String> OPS = Set.of("InstanceNormalization", "Resize", "Upsample", "ConvTranspose", "ScatterElements",
      "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp", "ReduceProd", "TopK");

  /** Largest number of compare-exchanges a TopK may unroll into. */
  static final int MAX_TOPK_COMPARISONS = 512;
  /** Largest number of element-wise products a ReduceProd may unroll into. */
  static final int MAX_PROD_FACTORS = 256;

  static void lower(Node n, RecurrentUnroller.Sink s) {
    switch (n.opType()) {
      case "InstanceNormalization" -> instanceNorm(n, s);
      case "Resize", "Upsample" -> resize(n, s);
      case "ConvTranspose" -> convTranspose(n, s);
      case "ScatterElements" -> scatterElements(n, s);
      case "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp", "ReduceProd" -> reduce(n, s);
      case "TopK" -> topK(n, s);
      default -> throw new IllegalStateException("no lowering for " + n.opType());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String longs(RecurrentUnroller.Sink s, String base, long... v) {
    return s.addConstant(base, Tensor.ofLongs(new int[] {v.length}, v));
  }

  private static int[] shape(Node n, RecurrentUnroller.Sink s, String name) {
    int[] sh = s.shape(name);
    if (sh == null) throw n.unsupported("the shape of input '" + name + "' is unknown");
    return sh;
  }

  private static Tensor constantInput(Node n, RecurrentUnroller.Sink s, int i, String what) {
    if (!n.hasInput(i)) return null;
    Tensor c = s.constant(n.input(i));
    if (c == null) throw n.unsupported("a run-time " + what + " is not supported (it must be a constant)");
    return c;
  }

  private static String gather(Node n, RecurrentUnroller.Sink s, String x, int axis, int[] idx, String suffix, String out) {
    long[] l = new long[idx.length];
    for (int i = 0; i < l.length; i++) l[i] = idx[i];
    String ic = longs(s, n.name() + suffix + "/indices", l);
    String y = out != null ? out : s.fresh(n.name() + suffix);
    s.node(n, suffix, "Gather", List.of(x, ic), y, Map.of("axis", (long) axis));
    return y;
  }

  private static String slice(Node n, RecurrentUnroller.Sink s, String x, int axis, int start, int end, String suffix) {
    String y = s.fresh(n.name() + suffix);
    s.node(n, suffix, "Slice", List.of(x, longs(s, n.name() + suffix + "/starts", start), longs(s, n.name() + suffix + "/ends", end),
        longs(s, n.name() + suffix + "/axes", axis)), y, Map.of());
    return y;
  }

  private static void reshape(Node n, RecurrentUnroller.Sink s, String x, int[] shape, String suffix, String out) {
    long[] l = new long[shape.length];
    for (int i = 0; i < l.length; i++) l[i] = shape[i];
    s.node(n, suffix, "Reshape", List.of(x, longs(s, n.name() + suffix + "/shape", l)), out, Map.of());
  }

  private static int[] channelShape(int rank, int channels) {
    int[] cs = new int[rank - 1];
    Arrays.fill(cs, 1);
    cs[0] = channels;
    return cs;
  }

  // ---------------------------------------------------------------- InstanceNormalization

  private static void instanceNorm(Node n, RecurrentUnroller.Sink s) {
    int[] xs = shape(n, s, n.input(0));
    if (xs.length < 3) throw n.unsupported("the input must have rank 3 or more ([N, C, spatial...]), not " + xs.length);
    Tensor scale = constantInput(n, s, 1, "scale");
    Tensor bias = constantInput(n, s, 2, "bias");
    if (scale == null || bias == null) throw n.unsupported("the scale and bias inputs are required");
    if (scale.size() != xs[1] || bias.size() != xs[1]) throw n.unsupported("scale and bias must have C = " + xs[1] + " elements");
    long[] axes = new long[xs.length - 2];
    for (int i = 0; i < axes.length; i++) axes[i] = i + 2;
    String p = n.name() + "/";
    String mean = s.fresh(p + "mean"), d = s.fresh(p + "centered"), d2 = s.fresh(p + "squared"), var = s.fresh(p + "variance"),
        ve = s.fresh(p + "variance_eps"), sd = s.fresh(p + "stddev"), inv = s.fresh(p + "inv_stddev"),
        norm = s.fresh(p + "normalized"), scaled = s.fresh(p + "scaled");
    String eps = s.addConstant(p + "epsilon", Tensor.of(new int[0], new double[] {n.attrDouble("epsilon", 1e-5)}));
    String sc = s.addConstant(p + "scale", Tensor.of(channelShape(xs.length, xs[1]), scale.data().clone()));
    String bc = s.addConstant(p + "bias", Tensor.of(channelShape(xs.length, xs[1]), bias.data().clone()));
    Map<String, Object> red = Map.of("axes", axes, "keepdims", 1L);
    s.node(n, "/ReduceMean", "ReduceMean", List.of(n.input(0)), mean, red);
    s.node(n, "/Sub", "Sub", List.of(n.input(0), mean), d, Map.of());
    s.node(n, "/Square", "Mul", List.of(d, d), d2, Map.of());
    s.node(n, "/ReduceMean_var", "ReduceMean", List.of(d2), var, red);
    s.node(n, "/AddEps", "Add", List.of(var, eps), ve, Map.of());
    s.node(n, "/Sqrt", "Sqrt", List.of(ve), sd, Map.of());
    s.node(n, "/Reciprocal", "Reciprocal", List.of(sd), inv, Map.of());
    s.node(n, "/Normalize", "Mul", List.of(d, inv), norm, Map.of());
    s.node(n, "/Scale", "Mul", List.of(norm, sc), scaled, Map.of());
    s.node(n, "/Bias", "Add", List.of(scaled, bc), n.outputs().get(0), Map.of());
  }

  // ---------------------------------------------------------------- Resize / Upsample

  private static void resize(Node n, RecurrentUnroller.Sink s) {
    int[] xs = shape(n, s, n.input(0));
    int r = xs.length;
    boolean upsample = n.opType().equals("Upsample");
    String mode = n.attrString("mode", "nearest");
    if (mode.equals("bilinear") || mode.equals("trilinear")) mode = "linear"; // Upsample-7's older names
    if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("cubic")) {
      throw n.unsupported("mode " + mode + " is not supported (nearest, linear and cubic are)");
    }
    double cubicA = n.attrDouble("cubic_coeff_a", -0.75);
    boolean excludeOutside = n.attrLong("exclude_outside", 0) != 0;
    boolean legacy = upsample || n.opset() < 11; // Upsample and Resize-10: asymmetric coordinates
    String coord = legacy ? "asymmetric" : n.attrString("coordinate_transformation_mode", "half_pixel");
    // Upsample and Resize-10 take the source index x / scale down when upsampling, up when downsampling (onnxruntime's "simple")
    String nearestMode = legacy ? "simple" : n.attrString("nearest_mode", "round_prefer_floor");
    if (n.attrLong("antialias", 0) != 0) throw n.unsupported("antialias=1 is not supported");
    if (!n.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
      throw n.unsupported("keep_aspect_ratio_policy " + n.attrString("keep_aspect_ratio_policy", "") + " is not supported");
    }
    if (n.has("axes")) throw n.unsupported("the axes attribute is not supported");
    switch (coord) {
      case "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric" -> { }
      default -> throw n.unsupported("coordinate_transformation_mode " + coord + " is not supported");
    }
    double[] scales = new double[r];
    int[] outLen = new int[r];
    Tensor sizes = null, sc = null;
    if (upsample && n.opset() < 9) {
      double[] a = n.attrDoubles("scales");
      if (a == null) throw n.unsupported("the scales attribute is required");
      sc = Tensor.of(new int[] {a.length}, a);
    } else if (upsample || n.opset() < 11) {
      sc = constantInput(n, s, 1, "scales input");
    } else {
      sc = constantInput(n, s, 2, "scales input");
      sizes = constantInput(n, s, 3, "sizes input");
      if (sc != null && sc.size() == 0) sc = null;
      if (sizes != null && sizes.size() == 0) sizes = null;
    }
    if (sizes != null) {
      if (sizes.size() != r) throw n.unsupported("sizes has " + sizes.size() + " entries for an input of rank " + r);
      for (int i = 0; i < r; i++) {
        outLen[i] = (int) sizes.get(i);
        scales[i] = (double) outLen[i] / xs[i];
      }
    } else if (sc != null) {
      if (sc.size() != r) throw n.unsupported("scales has " + sc.size() + " entries for an input of rank " + r);
      for (int i = 0; i < r; i++) {
        scales[i] = (float) sc.get(i);
        if (!(scales[i] > 0)) throw n.unsupported("scale " + scales[i] + " on axis " + i + " is not positive");
        outLen[i] = (int) Math.floor(xs[i] * scales[i]);
      }
    } else {
      throw n.unsupported("neither scales nor sizes is given");
    }
    String cur = n.input(0);
    List<Integer> axes = new ArrayList<>();
    for (int a = 0; a < r; a++) {
      if (outLen[a] <= 0) throw n.unsupported("output length " + outLen[a] + " on axis " + a);
      if (outLen[a] != xs[a] || scales[a] != 1) axes.add(a);
    }
    String out = n.outputs().get(0);
    if (axes.isEmpty()) {
      s.node(n, "/Identity", "Identity", List.of(cur), out, Map.of());
      return;
    }
    for (int k = 0; k < axes.size(); k++) {
      int a = axes.get(k);
      String target = k == axes.size() - 1 ? out : s.fresh(n.name() + "/axis" + a);
      int in = xs[a], len = outLen[a];
      double[] src = new double[len];
      // ONNX's resized length is input · scale, unrounded (the output keeps its floor)
      double resized = in * scales[a];
      for (int i = 0; i < len; i++) {
        src[i] = switch (coord) {
          case "half_pixel" -> (i + 0.5) / scales[a] - 0.5;
          case "pytorch_half_pixel" -> resized > 1 ? (i + 0.5) / scales[a] - 0.5 : 0;
          case "align_corners" -> resized == 1 ? 0 : i * (in - 1.0) / (resized - 1.0);
          default -> i / scales[a];
        };
      }
      if (mode.equals("nearest")) {
        int[] idx = new int[len];
        for (int i = 0; i < len; i++) {
          double v = src[i];
          long q = switch (nearestMode) {
            case "round_prefer_floor" -> v == Math.floor(v) + 0.5 ? (long) Math.floor(v) : Math.round(v);
            case "round_prefer_ceil" -> (long) Math.floor(v + 0.5);
            case "floor" -> (long) Math.floor(v);
            case "simple" -> scales[a] < 1 ? (long) Math.ceil(v) : (long) Math.floor(v);
            case "ceil" -> (long) Math.ceil(v);
            default -> throw n.unsupported("nearest_mode " + nearestMode + " is not supported");
          };
          idx[i] = (int) Math.max(0, Math.min(in - 1, q));
        }
        gather(n, s, cur, a, idx, "/nearest" + a, target);
      } else {
        // taps[t][i], weights[t][i]: output i = Σ_t weights[t][i] · x[taps[t][i]] along the axis
        int taps = mode.equals("linear") ? 2 : 4;
        int[][] idx = new int[taps][len];
        double[][] wt = new double[taps][len];
        for (int i = 0; i < len; i++) {
          if (taps == 2) {
            double v = Math.max(0, Math.min(in - 1, src[i]));
            idx[0][i] = (int) Math.floor(v);
            idx[1][i] = Math.min(idx[0][i] + 1, in - 1);
            wt[1][i] = v - idx[0][i];
            wt[0][i] = 1 - wt[1][i];
          } else {
            // Keys' cubic convolution with coefficient A at the four taps around src (edge taps repeat the border,
            // or, with exclude_outside, get weight 0 and the others are renormalized)
            double base = Math.floor(src[i]), t = src[i] - base, sum = 0;
            for (int tap = 0; tap < 4; tap++) {
              double d = Math.abs(t - (tap - 1));
              double w = d <= 1 ? ((cubicA + 2) * d - (cubicA + 3)) * d * d + 1
                  : d < 2 ? ((cubicA * d - 5 * cubicA) * d + 8 * cubicA) * d - 4 * cubicA : 0;
              int at = (int) base + tap - 1;
              if (excludeOutside && (at < 0 || at >= in)) w = 0;
              idx[tap][i] = Math.max(0, Math.min(in - 1, at));
              wt[tap][i] = w;
              sum += w;
            }
            if (excludeOutside && sum != 0) for (int tap = 0; tap < 4; tap++) wt[tap][i] /= sum;
          }
        }
        int[] ws = new int[r - a];
        Arrays.fill(ws, 1);
        ws[0] = len;
        String acc = null;
        for (int tap = 0; tap < taps; tap++) {
          String tag = "/" + mode + a + "_tap" + tap;
          String g = gather(n, s, cur, a, idx[tap], tag, null);
          String c = s.addConstant(n.name() + tag + "_weight", Tensor.of(ws.clone(), wt[tap]));
          String m = s.fresh(n.name() + tag + "_weighted");
          s.node(n, tag + "_mul", "Mul", List.of(g, c), m, Map.of());
          if (acc == null) {
            acc = m;
          } else {
            String sum = tap == taps - 1 ? target : s.fresh(n.name() + tag + "_sum");
            s.node(n, tag + "_add", "Add", List.of(acc, m), sum, Map.of());
            acc = sum;
          }
        }
      }
      xs = xs.clone();
      xs[a] = len;
      cur = target;
    }
  }

  // ---------------------------------------------------------------- ConvTranspose

  private static void convTranspose(Node n, RecurrentUnroller.Sink s) {
    int[] xs = shape(n, s, n.input(0));
    Tensor w = constantInput(n, s, 1, "weight");
    if (xs.length == 3 && w.rank() == 3) {
      convTranspose1d(n, s, w);
      return;
    }
    if (xs.length != 4) throw n.unsupported("only 1-D and 2-D ConvTranspose are supported, not input rank " + xs.length);
    Tensor b = n.hasInput(2) ? constantInput(n, s, 2, "bias") : null;
    String autoPad = n.attrString("auto_pad", "NOTSET");
    switch (autoPad) {
      case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER" -> { }
      default -> throw n.unsupported("auto_pad " + autoPad + " is not supported");
    }
    int[] ws = w.shapeView();
    int group = (int) n.attrLong("group", 1);
    if (ws.length != 4 || group <= 0 || ws[0] != xs[1] || xs[1] % group != 0) {
      throw n.unsupported("weight shape " + Arrays.toString(ws) + " does not fit input " + Arrays.toString(xs) + " with group " + group);
    }
    long[] strides = or(n.attrLongs("strides"), 1), dil = or(n.attrLongs("dilations"), 1), outPad = or(n.attrLongs("output_padding"), 0);
    long[] pads = n.attrLongs("pads");
    if (pads == null || autoPad.equals("VALID")) pads = new long[4];
    if (strides.length != 2 || dil.length != 2 || outPad.length != 2 || pads.length != 4) throw n.unsupported("strides, dilations, output_padding or pads of the wrong length");
    int cinG = xs[1] / group, coutG = ws[1], cout = coutG * group, kh = ws[2], kw = ws[3];
    long[] outShape = n.attrLongs("output_shape");
    if (outShape != null && outShape.length > 2) outShape = Arrays.copyOfRange(outShape, outShape.length - 2, outShape.length);
    if (outShape == null && autoPad.startsWith("SAME")) outShape = new long[] {xs[2] * strides[0], xs[3] * strides[1]};
    if (outShape != null) {
      // the padding that gives the requested output size (ONNX's ConvTranspose formula; the odd unit goes to the end
      // for SAME_UPPER, to the start otherwise)
      if (outShape.length != 2) throw n.unsupported("output_shape must give the two spatial sizes");
      int[] kk0 = {kh, kw};
      pads = new long[4];
      for (int a = 0; a < 2; a++) {
        long total = strides[a] * (xs[a + 2] - 1) + outPad[a] + ((kk0[a] - 1) * dil[a] + 1) - outShape[a];
        boolean upper = autoPad.equals("SAME_UPPER");
        if (total < 0) {
          pads[a + 2] = total; // a larger output than the stride gives: zeros added at the end
        } else {
          pads[a] = upper ? total / 2 : total - total / 2;
          pads[a + 2] = upper ? total - total / 2 : total / 2;
        }
      }
    }
    // the equivalent stride-1 Conv's kernel: [Cout, Cin/g, kh, kw], spatially flipped
    double[] k = new double[cout * cinG * kh * kw];
    for (int g = 0; g < group; g++) {
      for (int ci = 0; ci < cinG; ci++) {
        for (int co = 0; co < coutG; co++) {
          for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
              double v = w.get((((g * cinG + ci) * coutG + co) * kh + y) * kw + x);
              k[(((g * coutG + co) * cinG + ci) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)] = v;
            }
          }
        }
      }
    }
    String cur = n.input(0);
    int[] cs = xs.clone();
    for (int a = 0; a < 2; a++) {
      int st = (int) strides[a], ax = a + 2;
      if (st <= 0) throw n.unsupported("stride " + st);
      if (st == 1) continue;
      // [.., L, ..] -> [.., L, 1, ..] -> [.., L, st, ..] (zeros after) -> [.., L·st, ..] -> the first (L − 1)·st + 1
      String u = s.fresh(n.name() + "/unsqueeze" + a), p = s.fresh(n.name() + "/zeros" + a), m = s.fresh(n.name() + "/merged" + a);
      s.node(n, "/unsqueeze" + a, "Unsqueeze", List.of(cur, longs(s, n.name() + "/unsqueeze_axes" + a, ax + 1)), u, Map.of());
      long[] pp = new long[2 * (cs.length + 1)];
      pp[cs.length + 1 + ax + 1] = st - 1;
      s.node(n, "/insert_zeros" + a, "Pad", List.of(u, longs(s, n.name() + "/zero_pads" + a, pp)), p, Map.of());
      int[] merged = cs.clone();
      merged[ax] = cs[ax] * st;
      reshape(n, s, p, merged, "/merge" + a, m);
      int keep = (cs[ax] - 1) * st + 1;
      cur = slice(n, s, m, ax, 0, keep, "/trim" + a);
      cs[ax] = keep;
    }
    // borders: dilation·(k − 1) − pad before, the same − pad_end + output_padding after
    long[] before = new long[2], after = new long[2];
    int[] kk = {kh, kw};
    for (int a = 0; a < 2; a++) {
      before[a] = dil[a] * (kk[a] - 1) - pads[a];
      after[a] = dil[a] * (kk[a] - 1) - pads[a + 2] + outPad[a];
    }
    if (before[0] > 0 || before[1] > 0 || after[0] > 0 || after[1] > 0) {
      long[] pp = new long[8];
      for (int a = 0; a < 2; a++) {
        pp[2 + a] = Math.max(0, before[a]);
        pp[6 + a] = Math.max(0, after[a]);
      }
      String p = s.fresh(n.name() + "/border");
      s.node(n, "/border", "Pad", List.of(cur, longs(s, n.name() + "/border_pads", pp)), p, Map.of());
      cur = p;
      for (int a = 0; a < 2; a++) cs[a + 2] += (int) (pp[2 + a] + pp[6 + a]);
    }
    for (int a = 0; a < 2; a++) {
      int lo = (int) Math.max(0, -before[a]), hi = (int) Math.max(0, -after[a]);
      if (lo > 0 || hi > 0) {
        cur = slice(n, s, cur, a + 2, lo, cs[a + 2] - hi, "/crop" + a);
        cs[a + 2] -= lo + hi;
      }
    }
    // the dilation goes into the kernel (zeros between its taps): the quantized Conv has dilation 1
    int dh = (int) dil[0], dw = (int) dil[1];
    if (dh < 1 || dw < 1) throw n.unsupported("dilations must be positive");
    if (dh > 1 || dw > 1) {
      int kh2 = dh * (kh - 1) + 1, kw2 = dw * (kw - 1) + 1;
      double[] k2 = new double[cout * cinG * kh2 * kw2];
      for (int oc = 0; oc < cout * cinG; oc++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) k2[(oc * kh2 + y * dh) * kw2 + x * dw] = k[(oc * kh + y) * kw + x];
        }
      }
      k = k2;
      kh = kh2;
      kw = kw2;
      dil = new long[] {1, 1};
    }
    // one stride-1 Conv per group (the quantized Conv has one group), their outputs concatenated
    int per = coutG * cinG * kh * kw;
    List<String> outs = new ArrayList<>();
    for (int g = 0; g < group; g++) {
      String in = group == 1 ? cur : slice(n, s, cur, 1, g * cinG, (g + 1) * cinG, "/group" + g);
      String kernel = s.addConstant(n.name() + "/flipped_kernel" + g,
          Tensor.of(new int[] {coutG, cinG, kh, kw}, Arrays.copyOfRange(k, g * per, (g + 1) * per)));
      List<String> convIn = new ArrayList<>(List.of(in, kernel));
      if (b != null) {
        convIn.add(group == 1 ? n.input(2) : s.addConstant(n.name() + "/bias" + g,
            Tensor.of(new int[] {coutG}, Arrays.copyOfRange(b.data(), g * coutG, (g + 1) * coutG))));
      }
      String o = group == 1 ? n.outputs().get(0) : s.fresh(n.name() + "/conv" + g);
      s.node(n, "/conv" + g, "Conv", convIn, o, Map.of("dilations", dil, "group", 1L,
          "kernel_shape", new long[] {kh, kw}, "strides", new long[] {1, 1}, "pads", new long[4]));
      outs.add(o);
    }
    if (group > 1) s.node(n, "/concat_groups", "Concat", outs, n.outputs().get(0), Map.of("axis", 1L));
  }

  /** A 1-D ConvTranspose as the 2-D one over [N, C, 1, L] with a kernel of height 1. */
  private static void convTranspose1d(Node n, RecurrentUnroller.Sink s, Tensor w) {
    int[] ws = w.shapeView();
    String x2 = s.fresh(n.name() + "/as_2d"), y2 = s.fresh(n.name() + "/2d_output");
    s.node(n, "/as_2d", "Unsqueeze", List.of(n.input(0), longs(s, n.name() + "/as_2d_axes", 2)), x2, Map.of());
    String w2 = s.addConstant(n.name() + "/kernel_2d", Tensor.of(new int[] {ws[0], ws[1], 1, ws[2]}, w.data().clone()));
    Map<String, Object> attrs = new java.util.HashMap<>();
    for (String a : List.of("strides", "dilations", "output_padding")) {
      long[] v = n.attrLongs(a);
      if (v != null) {
        if (v.length != 1) throw n.unsupported(a + " must have one entry for a 1-D ConvTranspose");
        attrs.put(a, new long[] {a.equals("output_padding") ? 0 : 1, v[0]});
      }
    }
    long[] pads = n.attrLongs("pads");
    if (pads != null) {
      if (pads.length != 2) throw n.unsupported("pads must have two entries for a 1-D ConvTranspose");
      attrs.put("pads", new long[] {0, pads[0], 0, pads[1]});
    }
    for (String a : List.of("group", "auto_pad", "output_shape")) if (n.has(a)) attrs.put(a, n.attributes().get(a));
    List<String> ins = new ArrayList<>(List.of(x2, w2));
    if (n.hasInput(2)) ins.add(n.input(2));
    convTranspose(new Node(n.name(), "ConvTranspose", n.index(), n.opset(), ins, List.of(y2), attrs), s);
    s.node(n, "/as_1d", "Squeeze", List.of(y2, longs(s, n.name() + "/as_1d_axes", 2)), n.outputs().get(0), Map.of());
  }

  private static long[] or(long[] v, long fill) {
    if (v != null) return v;
    long[] d = new long[2];
    Arrays.fill(d, fill);
    return d;
  }

  // ---------------------------------------------------------------- Conv: groups, dilations, 1-D

  /** A Conv with constant weights that the quantized Conv (2-D, one group, dilation 1) does not take as it is. */
  static boolean convNeedsLowering(Node n, int[] xs, Tensor w) {
    if (xs == null || w == null || (xs.length != 3 && xs.length != 4) || w.rank() != xs.length) return false;
    boolean dilated = false;
    long[] d = n.attrLongs("dilations");
    if (d != null) for (long v : d) dilated |= v != 1;
    return xs.length == 3 || n.attrLong("group", 1) != 1 || dilated;
  }

  /**
   * A 1-D Conv becomes a 2-D one over [N, C, 1, L]; dilations go into the kernel (zeros between its
   * taps); groups become one Conv per group over a slice of the input channels, concatenated (a
   * depthwise convolution is C one-channel Convs).
   */
  static void conv(Node n, RecurrentUnroller.Sink s) {
    int[] xs = shape(n, s, n.input(0));
    Tensor w = s.constant(n.input(1));
    Tensor b = n.hasInput(2) ? constantInput(n, s, 2, "bias") : null;
    int[] ws = w.shapeView();
    boolean oneD = xs.length == 3;
    int group = (int) n.attrLong("group", 1);
    if (group <= 0 || xs[1] % group != 0 || ws[0] % group != 0 || ws[1] * group != xs[1]) {
      throw n.unsupported("weight shape " + Arrays.toString(ws) + " does not fit input " + Arrays.toString(xs) + " with group " + group);
    }
    long[] strides = n.attrLongs("strides"), dil = n.attrLongs("dilations"), pads = n.attrLongs("pads");
    int sp = xs.length - 2;
    if (strides == null) strides = filled(sp, 1);
    if (dil == null) dil = filled(sp, 1);
    if (strides.length != sp || dil.length != sp || (pads != null && pads.length != 2 * sp)) throw n.unsupported("strides, dilations or pads of the wrong length");
    int kh = oneD ? 1 : ws[2], kw = oneD ? ws[2] : ws[3];
    long dh = oneD ? 1 : dil[0], dw = oneD ? dil[0] : dil[1];
    if (dh < 1 || dw < 1) throw n.unsupported("dilations must be positive");
    int kh2 = (int) (dh * (kh - 1) + 1), kw2 = (int) (dw * (kw - 1) + 1);
    int cout = ws[0], cinG = ws[1], coutG = cout / group;
    double[] k = new double[cout * cinG * kh2 * kw2];
    for (int oc = 0; oc < cout * cinG; oc++) {
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) k[(int) ((oc * kh2 + y * dh) * kw2 + x * dw)] = w.get((oc * kh + y) * kw + x);
      }
    }
    Map<String, Object> attrs = new java.util.HashMap<>();
    attrs.put("kernel_shape", new long[] {kh2, kw2});
    attrs.put("strides", oneD ? new long[] {1, strides[0]} : strides);
    if (pads != null) attrs.put("pads", oneD ? new long[] {0, pads[0], 0, pads[1]} : pads);
    String autoPad = n.attrString("auto_pad", "NOTSET");
    if (!autoPad.equals("NOTSET")) attrs.put("auto_pad", autoPad);
    String x = n.input(0);
    if (oneD) {
      String u = s.fresh(n.name() + "/as_2d");
      s.node(n, "/as_2d", "Unsqueeze", List.of(x, longs(s, n.name() + "/as_2d_axes", 2)), u, Map.of());
      x = u;
    }
    int per = coutG * cinG * kh2 * kw2;
    List<String> outs = new ArrayList<>();
    String finalOut = oneD ? s.fresh(n.name() + "/2d_output") : n.outputs().get(0);
    for (int g = 0; g < group; g++) {
      String in = group == 1 ? x : slice(n, s, x, 1, g * cinG, (g + 1) * cinG, "/group" + g);
      String kernel = s.addConstant(n.name() + "/kernel" + g,
          Tensor.of(new int[] {coutG, cinG, kh2, kw2}, Arrays.copyOfRange(k, g * per, (g + 1) * per)));
      List<String> convIn = new ArrayList<>(List.of(in, kernel));
      if (b != null) {
        convIn.add(s.addConstant(n.name() + "/bias" + g, Tensor.of(new int[] {coutG}, Arrays.copyOfRange(b.data(), g * coutG, (g + 1) * coutG))));
      }
      String o = group == 1 ? finalOut : s.fresh(n.name() + "/conv" + g);
      s.node(n, "/conv" + g, "Conv", convIn, o, attrs);
      outs.add(o);
    }
    if (group > 1) s.node(n, "/concat_groups", "Concat", outs, finalOut, Map.of("axis", 1L));
    if (oneD) s.node(n, "/as_1d", "Squeeze", List.of(finalOut, longs(s, n.name() + "/as_1d_axes", 2)), n.outputs().get(0), Map.of());
  }

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    Arrays.fill(a, v);
    return a;
  }

  // ---------------------------------------------------------------- ScatterElements

  private static void scatterElements(Node n, RecurrentUnroller.Sink s) {
    if (!n.attrString("reduction", "none").equals("none")) throw n.unsupported("reduction " + n.attrString("reduction", "") + " is not supported");
    int[] ds = shape(n, s, n.input(0));
    Tensor idx = constantInput(n, s, 1, "indices tensor");
    int[] us = shape(n, s, n.input(2));
    if (!Arrays.equals(idx.shapeView(), us)) throw n.unsupported("indices and updates must have the same shape");
    int r = ds.length;
    int ax = OpKernels.axis(n, n.attrLong("axis", 0), r);
    int size = Shapes.size(ds), usize = Shapes.size(us);
    int[] pick = new int[size];
    for (int i = 0; i < size; i++) pick[i] = i;
    int[] uStrides = Shapes.strides(us), dStrides = Shapes.strides(ds);
    for (int u = 0; u < usize; u++) {
      int dst = 0;
      for (int d = 0; d < r; d++) {
        int c = (u / uStrides[d]) % us[d];
        if (d == ax) {
          long v = (long) idx.get(u);
          if (v < 0) v += ds[ax];
          if (v < 0 || v >= ds[ax]) throw n.unsupported("index " + (long) idx.get(u) + " is out of range for axis " + ax + " of length " + ds[ax]);
          c = (int) v;
        } else if (c >= ds[d]) {
          throw n.unsupported("updates shape " + Arrays.toString(us) + " exceeds data shape " + Arrays.toString(ds));
        }
        dst += c * dStrides[d];
      }
      pick[dst] = size + u;
    }
    String fd = s.fresh(n.name() + "/data_flat"), fu = s.fresh(n.name() + "/updates_flat"), cat = s.fresh(n.name() + "/both");
    reshape(n, s, n.input(0), new int[] {1, size}, "/flatten_data", fd);
    reshape(n, s, n.input(2), new int[] {1, usize}, "/flatten_updates", fu);
    s.node(n, "/concat", "Concat", List.of(fd, fu), cat, Map.of("axis", 1L));
    String g = gather(n, s, cat, 1, pick, "/pick", null);
    reshape(n, s, g, ds, "/unflatten", n.outputs().get(0));
  }

  // ---------------------------------------------------------------- ReduceL1 / L2 / SumSquare / LogSumExp / Prod

  private static void reduce(Node n, RecurrentUnroller.Sink s) {
    String op = n.opType();
    int[] xs = shape(n, s, n.input(0));
    Tensor axesInput = n.hasInput(1) ? constantInput(n, s, 1, "axes input") : null;
    Tensor[] c = new Tensor[] {null, axesInput};
    OpKernels.ReduceSpec spec = OpKernels.reduceSpec(n, xs, c);
    List<Long> axesList = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) if (spec.reduced()[i]) axesList.add((long) i);
    long[] axes = axesList.stream().mapToLong(Long::longValue).toArray();
    String x = n.input(0), out = n.outputs().get(0);
    int[] kept = xs.clone();
    for (long a : axes) kept[(int) a] = 1;
    if (axes.length == 0) {
      // noop_with_empty_axes: the element-wise part only (ONNX applies it: |x|, x², exp then log)
      switch (op) {
        case "ReduceL1" -> s.node(n, "/Abs", "Abs", List.of(x), out, Map.of());
        case "ReduceSumSquare" -> s.node(n, "/Square", "Mul", List.of(x, x), out, Map.of());
        case "ReduceL2" -> s.node(n, "/Abs", "Abs", List.of(x), out, Map.of());
        default -> s.node(n, "/Identity", "Identity", List.of(x), out, Map.of());
      }
      return;
    }
    boolean keep = Arrays.equals(kept, spec.outShape());
    String reducedOut = keep ? out : s.fresh(n.name() + "/keepdims");
    String p = n.name() + "/";
    switch (op) {
      case "ReduceL1", "ReduceL2", "ReduceSumSquare" -> {
        String e = s.fresh(p + (op.equals("ReduceL1") ? "abs" : "square"));
        if (op.equals("ReduceL1")) s.node(n, "/Abs", "Abs", List.of(x), e, Map.of());
        else s.node(n, "/Square", "Mul", List.of(x, x), e, Map.of());
        String sum = op.equals("ReduceL2") ? s.fresh(p + "sum") : reducedOut;
        s.node(n, "/ReduceSum", "ReduceSum", List.of(e, longs(s, p + "axes", axes)), sum, Map.of("keepdims", 1L));
        if (op.equals("ReduceL2")) s.node(n, "/Sqrt", "Sqrt", List.of(sum), reducedOut, Map.of());
      }
      case "ReduceLogSumExp" -> {
        String m = s.fresh(p + "max"), d = s.fresh(p + "shifted"), e = s.fresh(p + "exp"), sum = s.fresh(p + "sum"), l = s.fresh(p + "log");
        s.node(n, "/ReduceMax", "ReduceMax", List.of(x), m, Map.of("axes", axes, "keepdims", 1L));
        s.node(n, "/Sub", "Sub", List.of(x, m), d, Map.of());
        s.node(n, "/Exp", "Exp", List.of(d), e, Map.of());
        s.node(n, "/ReduceSum", "ReduceSum", List.of(e, longs(s, p + "axes", axes)), sum, Map.of("keepdims", 1L));
        s.node(n, "/Log", "Log", List.of(sum), l, Map.of());
        s.node(n, "/Add", "Add", List.of(l, m), reducedOut, Map.of());
      }
      default -> { // ReduceProd
        int factors = 1;
        for (long a : axes) factors *= xs[(int) a];
        if (factors > MAX_PROD_FACTORS) throw n.unsupported("a product of " + factors + " factors is not supported (at most " + MAX_PROD_FACTORS + ")");
        String cur = x;
        int[] cs = xs.clone();
        for (int k = 0; k < axes.length; k++) {
          int a = (int) axes[k];
          String target = k == axes.length - 1 ? reducedOut : s.fresh(p + "prod" + a);
          if (cs[a] == 1) {
            s.node(n, "/Identity" + a, "Identity", List.of(cur), target, Map.of());
          } else {
            String acc = slice(n, s, cur, a, 0, 1, "/slice" + a + "_0");
            for (int i = 1; i < cs[a]; i++) {
              String f = slice(n, s, cur, a, i, i + 1, "/slice" + a + "_" + i);
              String prod = i == cs[a] - 1 ? target : s.fresh(p + "prod" + a + "_" + i);
              s.node(n, "/Mul" + a + "_" + i, "Mul", List.of(acc, f), prod, Map.of());
              acc = prod;
            }
          }
          cs[a] = 1;
          cur = target;
        }
      }
    }
    if (!keep) reshape(n, s, reducedOut, spec.outShape(), "/squeeze", out);
  }

  // ---------------------------------------------------------------- Gather with run-time indices

  /** Largest table (rows) a run-time Gather selects from through a direct one-hot product; larger ones use residues. */
  static final int MAX_ONE_HOT_ROWS = 4096;

  /** Largest table (rows) a run-time Gather may select from (through the one-hot of two residues). */
  static final int MAX_GATHER_ROWS = 1 << 24;

  /**
   * Gather along axis 0 of a constant table [V, ...] with run-time indices (a token embedding):
   * the one-hot rows [idx = v] for v in [0, V) (an Equal against constants, exact for whole-number
   * indices when the input's quantization step is below 1; a negative index i also matches
   * v = i + V, as ONNX reads it), as 0/1, times the table flattened to [V, R] (a MatMul with
   * constant weights), reshaped to indices.shape + the table's other axes. An index outside
   * [−V, V) selects no row and gives zeros (onnxruntime refuses such an input).
   */
  static void gatherFromConstantTable(Node n, RecurrentUnroller.Sink s) {
    Tensor table = s.constant(n.input(0));
    int[] ts = table.shapeView();
    int[] is = shape(n, s, n.input(1));
    if (ts.length < 1) throw n.unsupported("the data must have rank 1 or more");
    int ax = OpKernels.axis(n, n.attrLong("axis", 0), ts.length);
    if (ax != 0) throw n.unsupported("run-time indices are supported along axis 0 of a constant table only, not axis " + ax);
    int rows = ts[0], rest = Shapes.size(ts) / Math.max(rows, 1), count = Shapes.size(is);
    if (rows > MAX_GATHER_ROWS) throw n.unsupported("a table of " + rows + " rows is too large for run-time indices (at most " + MAX_GATHER_ROWS + ")");
    if (rows > MAX_ONE_HOT_ROWS) {
      gatherByResidues(n, s, table, ts, is, rows, rest, count);
      return;
    }
    String p = n.name() + "/";
    double[] ar = new double[rows], neg = new double[rows];
    for (int v = 0; v < rows; v++) {
      ar[v] = v;
      neg[v] = v - rows;
    }
    String flatIdx = s.fresh(p + "indices_column");
    reshape(n, s, n.input(1), new int[] {count, 1}, "/indices_column", flatIdx);
    String eq = s.fresh(p + "is_row"), eqNeg = s.fresh(p + "is_row_from_end"), any = s.fresh(p + "one_hot_bool"), oh = s.fresh(p + "one_hot");
    s.node(n, "/is_row", "Equal", List.of(flatIdx, s.addConstant(p + "rows", Tensor.of(new int[] {1, rows}, ar))), eq, Map.of());
    s.node(n, "/is_row_from_end", "Equal", List.of(flatIdx, s.addConstant(p + "rows_from_end", Tensor.of(new int[] {1, rows}, neg))), eqNeg, Map.of());
    s.node(n, "/one_hot_bool", "Or", List.of(eq, eqNeg), any, Map.of());
    s.node(n, "/one_hot", "Cast", List.of(any), oh, Map.of("to", 1L));
    String w = s.addConstant(p + "table", Tensor.of(new int[] {rows, rest}, table.data().clone()));
    String picked = s.fresh(p + "picked");
    s.node(n, "/select", "MatMul", List.of(oh, w), picked, Map.of());
    int[] os = new int[is.length + ts.length - 1];
    System.arraycopy(is, 0, os, 0, is.length);
    System.arraycopy(ts, 1, os, is.length, ts.length - 1);
    reshape(n, s, picked, os, "/unflatten", n.outputs().get(0));
  }

  /**
   * A run-time Gather from a table of more than {@link #MAX_ONE_HOT_ROWS} rows (GPT-2's 50,257
   * token embeddings): the index i is named by its residues r1 = i mod b1 and r2 = i mod b2 for
   * b2 the power of two at or above √V and b1 = ⌈V / b2⌉ made odd, so coprime (b1·b2 ≥ V; by the
   * Chinese remainder theorem the pair names one i in [0, b1·b2); GPT-2: 197 and 256), each an exact table of the index (Mod) and a one-hot of b1 or b2 values
   * (Equal against constants), and the row's one-hot is their outer product [b1·b2] (a product of
   * 0/1 values, exact), times the table with its rows permuted to the residue pairs (pairs naming
   * no row hold zeros). Per index this costs b1 + b2 + b1·b2 values instead of the direct one-hot's
   * V comparisons, an Or and their differences (about six tensors of V values). An index outside
   * [0, V) selects no row (a 0/1 validity factor, GreaterOrEqual and Less, multiplies the first
   * one-hot) and gives zeros; negative indices, which ONNX reads from the end, are not wrapped here
   * (token ids are never negative).
   */
  private static void gatherByResidues(Node n, RecurrentUnroller.Sink s, Tensor table, int[] ts, int[] is, int rows, int rest, int count) {
    int[] moduli = residueModuli(rows);
    int b1 = moduli[0], b2 = moduli[1];
    String p = n.name() + "/";
    String col = s.fresh(p + "indices_column");
    reshape(n, s, n.input(1), new int[] {count, 1}, "/indices_column", col);
    String valid = s.fresh(p + "in_range"), lower = s.fresh(p + "not_negative"), upper = s.fresh(p + "below_rows"), validF = s.fresh(p + "in_range_0_1");
    s.node(n, "/not_negative", "GreaterOrEqual", List.of(col, s.addConstant(p + "zero", Tensor.of(new int[0], new double[] {0}))), lower, Map.of());
    s.node(n, "/below_rows", "Less", List.of(col, s.addConstant(p + "row_count", Tensor.of(new int[0], new double[] {rows}))), upper, Map.of());
    s.node(n, "/in_range", "And", List.of(lower, upper), valid, Map.of());
    s.node(n, "/in_range_0_1", "Cast", List.of(valid), validF, Map.of("to", 1L));
    String[] oneHot = new String[2];
    for (int j = 0; j < 2; j++) {
      int b = moduli[j];
      String tag = j == 0 ? "a" : "b";
      double[] values = new double[b];
      for (int v = 0; v < b; v++) values[v] = v;
      String r = s.fresh(p + "residue_" + tag), eq = s.fresh(p + "residue_" + tag + "_is"), oh = s.fresh(p + "residue_" + tag + "_one_hot");
      s.node(n, "/residue_" + tag, "Mod", List.of(col, s.addConstant(p + "modulus_" + tag, Tensor.of(new int[0], new double[] {b}))), r, Map.of("fmod", 0L));
      s.node(n, "/residue_" + tag + "_is", "Equal", List.of(r, s.addConstant(p + "residues_" + tag, Tensor.of(new int[] {1, b}, values))), eq, Map.of());
      s.node(n, "/residue_" + tag + "_one_hot", "Cast", List.of(eq), oh, Map.of("to", 1L));
      oneHot[j] = oh;
    }
    String firstValid = s.fresh(p + "residue_a_one_hot_in_range");
    s.node(n, "/residue_a_in_range", "Mul", List.of(oneHot[0], validF), firstValid, Map.of());
    String a3 = s.fresh(p + "residue_a_column"), b3 = s.fresh(p + "residue_b_row"), outer = s.fresh(p + "residue_pairs");
    reshape(n, s, firstValid, new int[] {count, b1, 1}, "/residue_a_column", a3);
    reshape(n, s, oneHot[1], new int[] {count, 1, b2}, "/residue_b_row", b3);
    s.node(n, "/residue_pairs", "Mul", List.of(a3, b3), outer, Map.of());
    String oh = s.fresh(p + "one_hot");
    reshape(n, s, outer, new int[] {count, b1 * b2}, "/one_hot", oh);
    double[] permuted = new double[b1 * b2 * rest];
    double[] t = table.data();
    for (int v = 0; v < rows; v++) {
      System.arraycopy(t, v * rest, permuted, residueRow(v, b1, b2) * rest, rest);
    }
    String w = s.addConstant(p + "table_by_residues", Tensor.of(new int[] {b1 * b2, rest}, permuted));
    String picked = s.fresh(p + "picked");
    s.node(n, "/select", "MatMul", List.of(oh, w), picked, Map.of());
    int[] os = new int[is.length + ts.length - 1];
    System.arraycopy(is, 0, os, 0, is.length);
    System.arraycopy(ts, 1, os, is.length, ts.length - 1);
    reshape(n, s, picked, os, "/unflatten", n.outputs().get(0));
  }

  /**
   * The moduli {b1, b2} of {@link #gatherByResidues} for a table of {@code rows} rows: b2 the power
   * of two at or above √rows (the outer product's last axis fills its padded width, so that
   * flattening it keeps every element's address, and broadcasting along it is a closed-form
   * wiring), b1 = ⌈rows / b2⌉ made odd, so coprime to b2.
   */
  static int[] residueModuli(int rows) {
    int b2 = Integer.highestOneBit((int) Math.ceil(Math.sqrt(rows)) - 1) << 1;
    int b1 = (rows + b2 - 1) / b2;
    if (b1 % 2 == 0) b1++;
    return new int[] {b1, b2};
  }

  /** The row of the residue-permuted table (b1·b2 rows) that holds row v of the table. */
  static int residueRow(int v, int b1, int b2) {
    return (v % b1) * b2 + v % b2;
  }

  // ---------------------------------------------------------------- TopK

  private static void topK(Node n, RecurrentUnroller.Sink s) {
    int[] xs = shape(n, s, n.input(0));
    int r = xs.length;
    Tensor kt = n.opset() < 10 ? null : constantInput(n, s, 1, "k");
    long kl = kt != null ? (long) kt.get(0) : n.attrLong("k", -1);
    int ax = OpKernels.axis(n, n.attrLong("axis", -1), r);
    int len = xs[ax];
    if (kl < 1 || kl > len) throw n.unsupported("k = " + kl + " is outside [1, " + len + "]");
    // sorted = 0 allows any order of the k results; the sorted order is one of them
    boolean largest = n.attrLong("largest", 1) != 0;
    int k = (int) kl;
    long comparisons = 0;
    for (int j = 0; j < k; j++) comparisons += len - 1 - j;
    if (comparisons > MAX_TOPK_COMPARISONS) {
      throw n.unsupported("k = " + k + " of " + len + " elements needs " + comparisons + " compare-exchanges (at most " + MAX_TOPK_COMPARISONS + ")");
    }
    String p = n.name() + "/";
    boolean wantIndices = n.outputs().size() > 1 && !n.outputs().get(1).isEmpty() && s.consumed(n.outputs().get(1));
    String[] v = new String[len], id = new String[len];
    int[] one = xs.clone();
    one[ax] = 1;
    for (int i = 0; i < len; i++) {
      v[i] = len == 1 ? n.input(0) : slice(n, s, n.input(0), ax, i, i + 1, "/element" + i);
      if (wantIndices) {
        int[] shp = new int[r];
        Arrays.fill(shp, 1);
        id[i] = s.addConstant(p + "index" + i, Tensor.ofLongs(shp, new long[] {i}));
      }
    }
    int step = 0;
    for (int j = 0; j < k; j++) {
      for (int q = len - 1; q > j; q--) {
        // move the later element forward when it is strictly better (ties keep the lower index first)
        String suffix = "/cx" + step++;
        String front = s.fresh(p + "front" + step), back = s.fresh(p + "back" + step);
        s.node(n, suffix + "_front", largest ? "Max" : "Min", List.of(v[q - 1], v[q]), front, Map.of());
        s.node(n, suffix + "_back", largest ? "Min" : "Max", List.of(v[q - 1], v[q]), back, Map.of());
        if (wantIndices) {
          String better = s.fresh(p + "better" + step);
          s.node(n, suffix + "_cmp", largest ? "Greater" : "Less", List.of(v[q], v[q - 1]), better, Map.of());
          String fi = s.fresh(p + "front_index" + step), bi = s.fresh(p + "back_index" + step);
          s.node(n, suffix + "_front_index", "Where", List.of(better, id[q], id[q - 1]), fi, Map.of());
          s.node(n, suffix + "_back_index", "Where", List.of(better, id[q - 1], id[q]), bi, Map.of());
          id[q - 1] = fi;
          id[q] = bi;
        }
        v[q - 1] = front;
        v[q] = back;
      }
    }
    List<String> vals = new ArrayList<>(Arrays.asList(v).subList(0, k));
    if (k == 1) s.node(n, "/values", "Identity", vals, n.outputs().get(0), Map.of());
    else s.node(n, "/values", "Concat", vals, n.outputs().get(0), Map.of("axis", (long) ax));
    if (wantIndices) {
      List<String> is = new ArrayList<>(Arrays.asList(id).subList(0, k));
      String idxOut = n.outputs().get(1);
      // indices of shape [1, .., 1] broadcast to the values' shape with one along the axis
      List<String> full = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        if (s.shape(is.get(i)) != null && Arrays.equals(s.shape(is.get(i)), one)) {
          full.add(is.get(i));
        } else {
          String e = s.fresh(p + "index_full" + i);
          long[] sh = new long[r];
          for (int d = 0; d < r; d++) sh[d] = one[d];
          s.node(n, "/expand_index" + i, "Expand", List.of(is.get(i), longs(s, p + "index_shape" + i, sh)), e, Map.of());
          full.add(e);
        }
      }
      if (k == 1) s.node(n, "/indices", "Identity", full, idxOut, Map.of());
      else s.node(n, "/indices", "Concat", full, idxOut, Map.of("axis", (long) ax));
    }
  }
}

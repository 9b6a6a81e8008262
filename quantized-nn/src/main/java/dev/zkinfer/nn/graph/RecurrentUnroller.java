package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Unrolls ONNX's recurrent operators (RNN, GRU, LSTM) over their fixed sequence length at import,
 * so that the float executor, the quantizer and the prover see only Gather, Gemm, Add, Sub, Mul,
 * Sigmoid/Tanh/Relu, Reshape and Concat nodes. Per time step t and direction (gate order and
 * formulas of the ONNX operator specification, biases Wb + Rb):
 * <pre>
 *   RNN:  H_t = f(X_t·Wᵀ + H_{t−1}·Rᵀ + Wb + Rb)
 *   GRU:  z = f(X_t·Wzᵀ + H·Rzᵀ + b_z), r = f(X_t·Wrᵀ + H·Rrᵀ + b_r),
 *         h~ = g(X_t·Whᵀ + (r ⊙ H)·Rhᵀ + Rbh + Wbh)          (linear_before_reset = 0)
 *         h~ = g(X_t·Whᵀ + r ⊙ (H·Rhᵀ + Rbh) + Wbh)          (linear_before_reset = 1, PyTorch's)
 *         H_t = h~ + z ⊙ (H − h~)                              (= (1 − z) ⊙ h~ + z ⊙ H)
 *   LSTM: i = f(..i), o = f(..o), f_ = f(..f), c~ = g(..c), C_t = f_ ⊙ C + i ⊙ c~, H_t = o ⊙ h(C_t)
 * </pre>
 * Supported: layout 0 (X is [seq, batch, input]), directions forward, reverse and bidirectional,
 * the activations Sigmoid, Tanh and Relu (defaults f = Sigmoid, g = h = Tanh; RNN's f = Tanh),
 * sequence_lens absent or all equal to the sequence length, initial states absent (zeros) or
 * constant. Refused with one line naming the node: layout 1, clip, activation_alpha/beta, other
 * activations, LSTM peepholes (P) and input_forget, run-time initial states or sequence lengths.
 * Steps whose operands are all constants (the first step's recurrent term) are folded by the
 * assembler.
 */
final class RecurrentUnroller {
  /** What the unroller needs from the assembler. */
  interface Sink {
    int[] shape(String name);

    /** The constant value of a tensor, or null when it is computed at run time. */
    Tensor constant(String name);

    String addConstant(String base, Tensor value);

    String fresh(String base);

    void node(Node source, String suffix, String op, List<String> inputs, String output, Map<String, Object> attributes);

    boolean consumed(String name);
  }

  private final Node n;
  private final Sink s;
  private final int gates;
  private final int hidden;

  private RecurrentUnroller(Node n, Sink s) {
    this.n = n;
    this.s = s;
    this.gates = switch (n.opType()) {
      case "RNN" -> 1;
      case "GRU" -> 3;
      default -> 4;
    };
    this.hidden = (int) n.attrLong("hidden_size", -1);
  }

  static void unroll(Node n, Sink s) {
    new RecurrentUnroller(n, s).run();
  }

  private void run() {
    String op = n.opType();
    if (n.attrLong("layout", 0) != 0) throw n.unsupported("layout=1 (batch first) is not supported; export with layout 0");
    if (n.has("clip")) throw n.unsupported("the clip attribute is not supported");
    if (n.has("activation_alpha") || n.has("activation_beta")) throw n.unsupported("activation_alpha/activation_beta are not supported");
    if (op.equals("LSTM") && n.attrLong("input_forget", 0) != 0) throw n.unsupported("input_forget=1 is not supported");
    if (op.equals("LSTM") && n.hasInput(7)) throw n.unsupported("peephole weights (input P) are not supported");
    String direction = n.attrString("direction", "forward");
    int dirs = switch (direction) {
      case "forward", "reverse" -> 1;
      case "bidirectional" -> 2;
      default -> throw n.unsupported("direction " + direction + " is not supported");
    };
    int[] xs = s.shape(n.input(0));
    if (xs.length != 3) throw n.unsupported("X must be [seq, batch, input], got rank " + xs.length);
    int seq = xs[0], batch = xs[1], in = xs[2];
    Tensor w = s.constant(n.input(1)), r = s.constant(n.input(2));
    if (w == null || r == null) throw n.unsupported("run-time weights W or R are not supported");
    if (hidden <= 0) throw n.unsupported("the hidden_size attribute is missing");
    if (!Arrays.equals(w.shapeView(), new int[] {dirs, gates * hidden, in})) {
      throw n.unsupported("W has shape " + Arrays.toString(w.shapeView()) + ", expected [" + dirs + ", " + gates * hidden + ", " + in + "]");
    }
    if (!Arrays.equals(r.shapeView(), new int[] {dirs, gates * hidden, hidden})) {
      throw n.unsupported("R has shape " + Arrays.toString(r.shapeView()) + ", expected [" + dirs + ", " + gates * hidden + ", " + hidden + "]");
    }
    Tensor b = n.hasInput(3) ? s.constant(n.input(3)) : null;
    if (n.hasInput(3) && (b == null || b.size() != dirs * 2 * gates * hidden)) throw n.unsupported("the bias B must be a constant [" + dirs + ", " + 2 * gates * hidden + "]");
    if (n.hasInput(4)) {
      Tensor lens = s.constant(n.input(4));
      if (lens == null) throw n.unsupported("run-time sequence_lens are not supported");
      for (int i = 0; i < lens.size(); i++) if ((long) lens.get(i) != seq) throw n.unsupported("sequence_lens other than the full length " + seq + " are not supported");
    }
    Tensor h0 = initial(5, dirs, batch), c0 = op.equals("LSTM") ? initial(6, dirs, batch) : null;
    String[] acts = activations(dirs);
    int perDir = op.equals("LSTM") ? 3 : op.equals("GRU") ? 2 : 1;

    String[][] hs = new String[dirs][seq];
    String[] lastH = new String[dirs], lastC = new String[dirs];
    for (int d = 0; d < dirs; d++) {
      boolean reverse = direction.equals("reverse") || d == 1;
      String[] a = Arrays.copyOfRange(acts, d * perDir, (d + 1) * perDir);
      Gate[] g = new Gate[gates];
      for (int k = 0; k < gates; k++) g[k] = gate(w, r, b, d, k, in);
      String h = s.addConstant(n.name() + "/initial_h" + d, slice(h0, d, batch));
      String c = c0 == null ? null : s.addConstant(n.name() + "/initial_c" + d, slice(c0, d, batch));
      for (int step = 0; step < seq; step++) {
        int t = reverse ? seq - 1 - step : step;
        String p = "/d" + d + "/t" + t + "/";
        String idx = s.addConstant(n.name() + p + "index", Tensor.ofLongs(new int[0], new long[] {t}));
        String xt = s.fresh(n.name() + p + "x");
        s.node(n, p + "x", "Gather", List.of(n.input(0), idx), xt, Map.of("axis", 0L));
        switch (op) {
          case "RNN" -> h = act(a[0], sum(p + "pre", xt, g[0], h), p + "h");
          case "GRU" -> {
            String z = act(a[0], sum(p + "z_pre", xt, g[0], h), p + "z");
            String rr = act(a[0], sum(p + "r_pre", xt, g[1], h), p + "r");
            String cand;
            if (n.attrLong("linear_before_reset", 0) != 0) {
              String hr = gemm(p + "h_rec", h, g[2].r, g[2].rb);
              String xh = gemm(p + "h_in", xt, g[2].w, g[2].wb);
              cand = add(p + "h_pre", xh, mul(p + "h_reset", rr, hr));
            } else {
              String xh = gemm(p + "h_in", xt, g[2].w, g[2].wb);
              String hr = gemm(p + "h_rec", mul(p + "reset_h", rr, h), g[2].r, g[2].rb);
              cand = add(p + "h_pre", xh, hr);
            }
            String ht = act(a[1], cand, p + "h_candidate");
            String diff = binary("Sub", p + "h_minus_candidate", h, ht);
            h = add(p + "h", ht, mul(p + "h_update", z, diff));
          }
          default -> { // LSTM, gates i, o, f, c
            String i = act(a[0], sum(p + "i_pre", xt, g[0], h), p + "i");
            String o = act(a[0], sum(p + "o_pre", xt, g[1], h), p + "o");
            String f = act(a[0], sum(p + "f_pre", xt, g[2], h), p + "f");
            String cc = act(a[1], sum(p + "c_pre", xt, g[3], h), p + "c_candidate");
            c = add(p + "c", mul(p + "c_kept", f, c), mul(p + "c_new", i, cc));
            h = mul(p + "h", o, act(a[2], c, p + "c_activated"));
          }
        }
        hs[d][t] = h;
      }
      lastH[d] = h;
      lastC[d] = c;
    }
    String y = n.outputs().isEmpty() ? "" : n.outputs().get(0);
    if (!y.isEmpty() && s.consumed(y)) {
      List<String> steps = new ArrayList<>();
      for (int t = 0; t < seq; t++) {
        List<String> perT = new ArrayList<>();
        for (int d = 0; d < dirs; d++) perT.add(reshape("/Y/t" + t + "/d" + d, hs[d][t], 1, 1, batch, hidden));
        steps.add(concat("/Y/t" + t, perT, 1, null));
      }
      concat("/Y", steps, 0, y);
    }
    stack(n.outputs().size() > 1 ? n.outputs().get(1) : "", lastH, batch, "/Y_h");
    stack(n.outputs().size() > 2 ? n.outputs().get(2) : "", lastC, batch, "/Y_c");
  }

  /** One gate's constants: W_g [H, I], R_g [H, H], Wb_g and Rb_g [H] (zeros without B). */
  private record Gate(String w, String r, String wb, String rb) {}

  private Gate gate(Tensor w, Tensor r, Tensor b, int d, int k, int in) {
    double[] wg = Arrays.copyOfRange(w.data(), (d * gates + k) * hidden * in, (d * gates + k + 1) * hidden * in);
    double[] rg = Arrays.copyOfRange(r.data(), (d * gates + k) * hidden * hidden, (d * gates + k + 1) * hidden * hidden);
    double[] wb = new double[hidden], rb = new double[hidden];
    if (b != null) {
      int base = d * 2 * gates * hidden;
      System.arraycopy(b.data(), base + k * hidden, wb, 0, hidden);
      System.arraycopy(b.data(), base + (gates + k) * hidden, rb, 0, hidden);
    }
    String p = n.name() + "/d" + d + "/gate" + k + "/";
    return new Gate(s.addConstant(p + "W", Tensor.of(new int[] {hidden, in}, wg)), s.addConstant(p + "R", Tensor.of(new int[] {hidden, hidden}, rg)),
        s.addConstant(p + "Wb", Tensor.of(new int[] {hidden}, wb)), s.addConstant(p + "Rb", Tensor.of(new int[] {hidden}, rb)));
  }

  /** Initial state input i as a constant [dirs, batch, hidden] (zeros when absent). */
  private Tensor initial(int i, int dirs, int batch) {
    if (!n.hasInput(i)) return Tensor.zeros(new int[] {dirs, batch, hidden});
    Tensor t = s.constant(n.input(i));
    if (t == null) throw n.unsupported("a run-time initial state (input " + i + ") is not supported; only constants");
    if (!Arrays.equals(t.shapeView(), new int[] {dirs, batch, hidden})) throw n.unsupported("initial state of shape " + Arrays.toString(t.shapeView()));
    return t;
  }

  private static Tensor slice(Tensor t, int d, int batch) {
    int per = t.size() / t.shapeView()[0];
    return Tensor.of(new int[] {batch, per / batch}, Arrays.copyOfRange(t.data(), d * per, (d + 1) * per));
  }

  private String[] activations(int dirs) {
    int per = switch (n.opType()) {
      case "RNN" -> 1;
      case "GRU" -> 2;
      default -> 3;
    };
    List<String> given = n.attributes().get("activations") instanceof List<?> l ? l.stream().map(Object::toString).toList() : null;
    String[] a = new String[per * dirs];
    for (int i = 0; i < a.length; i++) {
      String def = n.opType().equals("RNN") ? "Tanh" : (i % per == 0 ? "Sigmoid" : "Tanh");
      a[i] = given == null ? def : (i < given.size() ? given.get(i) : given.size() == per ? given.get(i % per) : null);
      if (a[i] == null) throw n.unsupported("activations " + given + " do not give " + per + " per direction");
      if (!a[i].equals("Sigmoid") && !a[i].equals("Tanh") && !a[i].equals("Relu")) {
        throw n.unsupported("activation " + a[i] + " is not supported (only Sigmoid, Tanh, Relu)");
      }
    }
    return a;
  }

  private String sum(String name, String xt, Gate g, String h) {
    return add(name, gemm(name + "_in", xt, g.w, g.wb), gemm(name + "_rec", h, g.r, g.rb));
  }

  private String gemm(String name, String x, String w, String bias) {
    String out = s.fresh(n.name() + name);
    s.node(n, name, "Gemm", List.of(x, w, bias), out, Map.of("transB", 1L));
    return out;
  }

  private String add(String name, String a, String b) {
    return binary("Add", name, a, b);
  }

  /** a ⊙ b; a zero constant (an absent initial state) gives a zero constant, so that what follows folds. */
  private String mul(String name, String a, String b) {
    for (String z : new String[] {a, b}) {
      Tensor c = s.constant(z);
      if (c != null && Arrays.stream(c.data()).allMatch(v -> v == 0)) {
        int[] shape = dev.zkinfer.nn.tensor.Shapes.broadcast(s.shape(a), s.shape(b));
        return s.addConstant(n.name() + name, Tensor.zeros(shape));
      }
    }
    return binary("Mul", name, a, b);
  }

  private String binary(String op, String name, String a, String b) {
    String out = s.fresh(n.name() + name);
    s.node(n, name, op, List.of(a, b), out, Map.of());
    return out;
  }

  private String act(String op, String x, String name) {
    String out = s.fresh(n.name() + name);
    s.node(n, name, op, List.of(x), out, Map.of());
    return out;
  }

  private String reshape(String name, String x, long... shape) {
    String target = s.addConstant(n.name() + name + "/shape", Tensor.ofLongs(new int[] {shape.length}, shape));
    String out = s.fresh(n.name() + name);
    s.node(n, name, "Reshape", List.of(x, target), out, Map.of());
    return out;
  }

  private String concat(String name, List<String> parts, int axis, String output) {
    if (parts.size() == 1 && output == null) return parts.get(0);
    String out = output != null ? output : s.fresh(n.name() + name);
    s.node(n, name, "Concat", parts, out, Map.of("axis", (long) axis));
    return out;
  }

  /** Y_h / Y_c: the last states stacked to [dirs, batch, hidden]. */
  private void stack(String output, String[] last, int batch, String name) {
    if (output.isEmpty() || !s.consumed(output)) return;
    if (last.length == 1) {
      String target = s.addConstant(n.name() + name + "/shape", Tensor.ofLongs(new int[] {3}, new long[] {1, batch, hidden}));
      s.node(n, name, "Reshape", List.of(last[0], target), output, Map.of());
      return;
    }
    List<String> parts = new ArrayList<>();
    for (int d = 0; d < last.length; d++) parts.add(reshape(name + "/d" + d, last[d], 1, batch, hidden));
    concat(name, parts, 0, output);
  }
}

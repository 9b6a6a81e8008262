package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.nn.tensor.Tensor.ElementType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a list of raw operator nodes into a {@link Graph}: checks that every operator and
 * attribute is supported, infers every shape, folds constants (including the Shape / Gather /
 * Concat chains that exporters emit to compute reshape targets), folds BatchNormalization into a
 * preceding Conv or Gemm (or lowers it to a per-channel Mul and Add), expands
 * LayerNormalization into primitive operators, adjusts constant Reshape targets when the
 * batch size was changed at load time, and points a tied LM head at its large-vocabulary
 * embedding's residue-permuted table ({@link #SHARED_WEIGHTS}). Internal: used by the ONNX importer and {@link
 * ModelBuilder}.
 * Thread-safe: {@link #assemble} works on its own private instance per call.
 */
public final class GraphAssembler {
  /**
   * Attribute (Long 1) that {@link #assemble} sets on the two MatMul nodes of a tied token embedding
   * and LM head whose constant weights hold the same values (one the other's transpose): the
   * quantizer gives their weights one scale for the whole tensor, so that both hold the same
   * integers and the prover commits them once.
   */
  public static final String SHARED_WEIGHTS = "zkinfer.shared_weights";

  private final Map<String, Tensor> consts = new LinkedHashMap<>();
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final Map<String, Integer> consumers = new HashMap<>();
  private final List<Node> kept = new ArrayList<>();
  private final Map<String, Integer> producer = new HashMap<>();
  private final int originalBatch;
  private final int batch;
  private int generated;

  private GraphAssembler(int originalBatch, int batch) {
    this.originalBatch = originalBatch;
    this.batch = batch;
  }

  /**
   * Assembles a graph. {@code inputs} carry their final (fixed) shapes; {@code originalBatch}
   * and {@code batch} are the batch size the model was exported with and the one chosen at load
   * time (equal when unchanged).
   */
  public static Graph assemble(List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs,
      List<String> outputNames, int originalBatch, int batch) {
    GraphAssembler a = new GraphAssembler(originalBatch, batch);
    a.consts.putAll(initializers);
    for (ValueInfo in : inputs) a.shapes.put(in.name(), in.shape());
    for (Node n : nodes) for (String i : n.inputs()) if (!i.isEmpty()) a.consumers.merge(i, 1, Integer::sum);
    for (String o : outputNames) a.consumers.merge(o, 1000, Integer::sum);
    for (Node n : nodes) a.process(n);
    a.tieLmHeadToResidueTable();
    List<ValueInfo> outs = new ArrayList<>();
    for (String o : outputNames) {
      int[] s = a.consts.containsKey(o) ? a.consts.get(o).shapeView() : a.shapes.get(o);
      if (s == null) throw new ModelFormatException("malformed model: graph output '" + o + "' is produced by no node");
      outs.add(new ValueInfo(o, s));
    }
    // Keep only constants that some node reads, plus constant graph outputs.
    Map<String, Tensor> used = new LinkedHashMap<>();
    for (Node n : a.kept) for (String i : n.inputs()) if (a.consts.containsKey(i)) used.put(i, a.consts.get(i));
    for (String o : outputNames) if (a.consts.containsKey(o)) used.put(o, a.consts.get(o));
    return new Graph(inputs, outs, used, a.kept, a.shapes);
  }

  /**
   * A tied LM head over a large vocabulary (issue 15): a MatMul by a constant [d, V] that is the
   * transpose of a table [V, d] which a run-time Gather selects from by residues (its constant the
   * table's rows permuted to the residue pairs, [b1·b2, d]; OperatorLowering.gatherByResidues)
   * becomes a MatMul by that permuted table's transpose (logits in residue order, [.., b1·b2]; the
   * pairs naming no row give 0) and a Gather of the V real logits along the last axis, back into
   * vocabulary order. The float result is the same (the same products, summed in the same order);
   * both MatMuls are marked {@link #SHARED_WEIGHTS}, so they quantize to one integer tensor that
   * the circuit commits once. The tie is recognised by the values (equal entry by entry), as an
   * exporter writes it either way: one initializer read through a Transpose (folded here into a
   * constant) or a transposed copy.
   */
  private void tieLmHeadToResidueTable() {
    for (int h = 0; h < kept.size(); h++) {
      Node head = kept.get(h);
      if (!head.opType().equals("MatMul") || !consts.containsKey(head.input(1)) || consts.containsKey(head.input(0))) continue;
      Tensor c = consts.get(head.input(1));
      int[] cs = c.shapeView();
      int[] xs = shapes.get(head.input(0));
      if (cs.length != 2 || cs[1] <= OperatorLowering.MAX_ONE_HOT_ROWS || xs == null || xs.length < 2) continue;
      int d = cs[0], v = cs[1];
      int[] moduli = OperatorLowering.residueModuli(v);
      int b1 = moduli[0], b2 = moduli[1], r = b1 * b2;
      for (int e = 0; e < kept.size(); e++) {
        Node emb = kept.get(e);
        if (e == h || !emb.opType().equals("MatMul") || !consts.containsKey(emb.input(1)) || emb.has(SHARED_WEIGHTS)) continue;
        Tensor t = consts.get(emb.input(1));
        int[] ts = t.shapeView();
        if (ts.length != 2 || ts[0] != r || ts[1] != d || !residuePermutedTranspose(t.data(), c.data(), d, v, b1, b2)) continue;
        double[] td = t.data(), tt = new double[d * r];
        for (int k = 0; k < r; k++) for (int j = 0; j < d; j++) tt[j * r + k] = td[k * d + j];
        String weights = fresh(head.input(1) + "/by_residues");
        consts.put(weights, Tensor.of(new int[] {d, r}, tt));
        long[] rows = new long[v];
        for (int i = 0; i < v; i++) rows[i] = OperatorLowering.residueRow(i, b1, b2);
        String indices = fresh(head.name() + "/vocabulary_order");
        consts.put(indices, Tensor.ofLongs(new int[] {v}, rows));
        String out = head.outputs().get(0), byResidues = fresh(out + "/by_residues");
        int[] os = shapes.get(out).clone();
        os[os.length - 1] = r;
        shapes.put(byResidues, os);
        Map<String, Object> shared = new HashMap<>(head.attributes());
        shared.put(SHARED_WEIGHTS, 1L);
        Map<String, Object> sharedEmb = new HashMap<>(emb.attributes());
        sharedEmb.put(SHARED_WEIGHTS, 1L);
        kept.set(e, new Node(emb.name(), emb.opType(), emb.index(), emb.opset(), emb.inputs(), emb.outputs(), sharedEmb));
        kept.set(h, new Node(head.name(), "MatMul", head.index(), head.opset(), List.of(head.input(0), weights), List.of(byResidues), shared));
        kept.add(h + 1, new Node(head.name() + "/vocabulary_order", "Gather", head.index(), 13, List.of(byResidues, indices), List.of(out),
            Map.of("axis", (long) (os.length - 1))));
        return;
      }
    }
  }

  /** Whether t [b1·b2, d] holds c [d, v] transposed, row i of cᵀ at row residueRow(i), and zeros elsewhere. */
  private static boolean residuePermutedTranspose(double[] t, double[] c, int d, int v, int b1, int b2) {
    boolean[] hit = new boolean[b1 * b2];
    for (int i = 0; i < v; i++) {
      int k = OperatorLowering.residueRow(i, b1, b2);
      hit[k] = true;
      for (int j = 0; j < d; j++) if (t[k * d + j] != c[j * v + i]) return false;
    }
    for (int k = 0; k < hit.length; k++) if (!hit[k]) for (int j = 0; j < d; j++) if (t[k * d + j] != 0) return false;
    return true;
  }

  private void process(Node n) {
    String op = n.opType();
    if (op.equals("Constant")) {
      consts.put(n.outputs().get(0), constantValue(n));
      return;
    }
    for (String i : n.inputs()) {
      if (!i.isEmpty() && !consts.containsKey(i) && !shapes.containsKey(i)) {
        throw new ModelFormatException("malformed model: input '" + i + "' of node '" + n.name() + "' (node " + n.index()
            + ") is produced by no earlier node");
      }
    }
    if (op.equals("RNN") || op.equals("GRU") || op.equals("LSTM")) {
      RecurrentUnroller.unroll(n, recurrentSink());
      return;
    }
    if (OperatorLowering.OPS.contains(op)) {
      try {
        OperatorLowering.lower(n, recurrentSink());
      } catch (IllegalArgumentException e) {
        throw n.unsupported(e.getMessage());
      }
      return;
    }
    boolean known = OpKernels.DYNAMIC_OPS.contains(op) || OpKernels.FOLD_ONLY_OPS.contains(op) || op.equals("LayerNormalization");
    if (!known) {
      throw new ModelFormatException("unsupported operator '" + op + "' at node '" + n.name() + "' (node " + n.index() + ")");
    }
    boolean allConst = true;
    for (String i : n.inputs()) if (!i.isEmpty() && !consts.containsKey(i)) allConst = false;
    if (op.equals("LayerNormalization") && !allConst) {
      expandLayerNorm(n);
      return;
    }
    if (allConst) {
      Tensor[] in = new Tensor[n.inputs().size()];
      for (int i = 0; i < in.length; i++) in[i] = n.input(i).isEmpty() ? null : consts.get(n.input(i));
      Tensor[] out;
      try {
        out = op.equals("LayerNormalization") ? foldLayerNorm(n, in) : OpKernels.evaluate(n, in);
      } catch (IllegalArgumentException e) {
        throw n.unsupported(e.getMessage());
      }
      for (int i = 0; i < out.length && i < n.outputs().size(); i++) if (!n.outputs().get(i).isEmpty()) consts.put(n.outputs().get(i), out[i]);
      return;
    }
    if (op.equals("Shape") || op.equals("Size")) {
      int[] s = shapes.get(n.input(0));
      Tensor[] out = OpKernels.evaluate(n, new Tensor[] {Tensor.zeros(s)});
      consts.put(n.outputs().get(0), out[0]);
      return;
    }
    if (OpKernels.FOLD_ONLY_OPS.contains(op)) {
      throw n.unsupported("only supported when all its inputs are constants (constant folding)");
    }
    if (op.equals("Cast")) {
      long to = n.attrLong("to", 1);
      if (to == 8) throw n.unsupported("cast of a run-time tensor to string is not supported");
    }
    if (op.equals("Conv") && OperatorLowering.convNeedsLowering(n, shapes.get(n.input(0)), consts.get(n.input(1)))) {
      try {
        OperatorLowering.conv(n, recurrentSink());
      } catch (IllegalArgumentException e) {
        throw n.unsupported(e.getMessage());
      }
      return;
    }
    if (op.equals("Gather") && !consts.containsKey(n.input(1))) {
      if (!consts.containsKey(n.input(0))) {
        throw n.unsupported("run-time (non-constant) indices are not supported into run-time data (only into a constant table)");
      }
      try {
        OperatorLowering.gatherFromConstantTable(n, recurrentSink());
      } catch (IllegalArgumentException e) {
        throw n.unsupported(e.getMessage());
      }
      return;
    }
    if (op.equals("Reshape")) n = adjustReshapeForBatch(n);
    int[][] inShapes = new int[n.inputs().size()][];
    Tensor[] c = new Tensor[inShapes.length];
    for (int i = 0; i < inShapes.length; i++) {
      String name = n.input(i);
      if (name.isEmpty()) continue;
      c[i] = consts.get(name);
      inShapes[i] = c[i] != null ? c[i].shapeView() : shapes.get(name);
    }
    int[][] out;
    try {
      out = OpKernels.inferShapes(n, inShapes, c);
    } catch (IllegalArgumentException e) {
      throw n.unsupported(e.getMessage());
    }
    if (op.equals("BatchNormalization")) {
      if (tryFoldBatchNorm(n)) return;
      lowerBatchNorm(n);
      return;
    }
    kept.add(n);
    for (int i = 0; i < out.length && i < n.outputs().size(); i++) {
      String o = n.outputs().get(i);
      if (!o.isEmpty()) {
        shapes.put(o, out[i]);
        producer.put(o, kept.size() - 1);
      }
    }
  }

  /** The unroller's view of this assembler: its nodes go through {@link #process}, so constant steps fold. */
  private RecurrentUnroller.Sink recurrentSink() {
    return new RecurrentUnroller.Sink() {
      public int[] shape(String name) {
        Tensor c = consts.get(name);
        return c != null ? c.shapeView() : shapes.get(name);
      }

      public Tensor constant(String name) {
        return consts.get(name);
      }

      public String addConstant(String base, Tensor value) {
        String name = fresh(base);
        consts.put(name, value);
        return name;
      }

      public String fresh(String base) {
        return GraphAssembler.this.fresh(base);
      }

      public void node(Node source, String suffix, String op, List<String> inputs, String output, Map<String, Object> attributes) {
        for (String i : inputs) consumers.merge(i, 1, Integer::sum);
        process(new Node(source.name() + suffix, op, source.index(), 13, inputs, List.of(output), attributes));
      }

      public boolean consumed(String name) {
        return consumers.getOrDefault(name, 0) > 0;
      }
    };
  }

  private Tensor constantValue(Node n) {
    if (n.has("value")) return n.attrTensor("value");
    if (n.has("value_float")) return Tensor.of(new int[0], new double[] {n.attrDouble("value_float", 0)});
    if (n.has("value_floats")) {
      double[] d = n.attrDoubles("value_floats");
      return Tensor.of(new int[] {d.length}, d);
    }
    if (n.has("value_int")) return Tensor.ofLongs(new int[0], new long[] {n.attrLong("value_int", 0)});
    if (n.has("value_ints")) {
      long[] l = n.attrLongs("value_ints");
      return Tensor.ofLongs(new int[] {l.length}, l);
    }
    throw n.unsupported("only value, value_float(s) and value_int(s) are supported");
  }

  /** Exported graphs hard-code the export batch in Reshape targets; follow the chosen batch. */
  private Node adjustReshapeForBatch(Node n) {
    if (originalBatch == batch || !consts.containsKey(n.input(1))) return n;
    int[] in = shapes.get(n.input(0));
    long[] target = consts.get(n.input(1)).toLongArray();
    if (in == null || in.length == 0 || target.length == 0 || in[0] != batch || target[0] != originalBatch) return n;
    target[0] = batch;
    String name = fresh(n.name() + "/batch_adjusted_shape");
    consts.put(name, Tensor.ofLongs(new int[] {target.length}, target));
    List<String> ins = new ArrayList<>(n.inputs());
    ins.set(1, name);
    return n.withInputs(ins);
  }

  private String fresh(String base) {
    String name;
    do {
      name = base + "_" + (generated++);
    } while (consts.containsKey(name) || shapes.containsKey(name));
    return name;
  }

  private boolean tryFoldBatchNorm(Node bn) {
    for (int i = 1; i <= 4; i++) if (!consts.containsKey(bn.input(i))) throw bn.unsupported("non-constant parameters are not supported");
    String x = bn.input(0);
    Integer p = producer.get(x);
    if (p == null || consumers.getOrDefault(x, 0) != 1) return false;
    Node prev = kept.get(p);
    double eps = bn.attrDouble("epsilon", 1e-5);
    Tensor gamma = consts.get(bn.input(1)), beta = consts.get(bn.input(2)), mean = consts.get(bn.input(3)), var = consts.get(bn.input(4));
    int ch = gamma.size();
    double[] f = new double[ch], off = new double[ch];
    for (int k = 0; k < ch; k++) {
      f[k] = gamma.get(k) / Math.sqrt(var.get(k) + eps);
      off[k] = beta.get(k) - mean.get(k) * f[k];
    }
    if (prev.opType().equals("Conv") && consts.containsKey(prev.input(1)) && (!prev.hasInput(2) || consts.containsKey(prev.input(2)))) {
      Tensor w = consts.get(prev.input(1));
      int per = w.size() / ch;
      double[] nw = w.data().clone();
      for (int k = 0; k < ch; k++) for (int j = 0; j < per; j++) nw[k * per + j] *= f[k];
      double[] nb = new double[ch];
      for (int k = 0; k < ch; k++) nb[k] = (prev.hasInput(2) ? consts.get(prev.input(2)).get(k) : 0) * f[k] + off[k];
      replaceFolded(prev, p, bn, Tensor.of(w.shapeView(), nw), Tensor.of(new int[] {ch}, nb), prev.attributes());
      return true;
    }
    if (prev.opType().equals("Gemm") && consts.containsKey(prev.input(1)) && (!prev.hasInput(2) || consts.containsKey(prev.input(2)))) {
      Tensor w = consts.get(prev.input(1));
      boolean tb = prev.attrLong("transB", 0) != 0;
      int[] ws = w.shapeView();
      int nOut = tb ? ws[0] : ws[1];
      if (nOut != ch) return false;
      double alpha = prev.attrDouble("alpha", 1), betaG = prev.attrDouble("beta", 1);
      double[] nw = w.data().clone();
      for (int i = 0; i < nw.length; i++) nw[i] *= alpha * f[tb ? i / ws[1] : i % ws[1]];
      double[] nb = new double[ch];
      if (prev.hasInput(2)) {
        Tensor cT = consts.get(prev.input(2));
        int[] idx = Shapes.broadcastIndex(cT.shapeView(), new int[] {1, ch});
        if (cT.size() != 1 && cT.size() != ch) return false;
        for (int k = 0; k < ch; k++) nb[k] = betaG * cT.get(idx[k]);
      }
      for (int k = 0; k < ch; k++) nb[k] = nb[k] * f[k] + off[k];
      Map<String, Object> attrs = new HashMap<>(prev.attributes());
      attrs.remove("alpha");
      attrs.remove("beta");
      replaceFolded(prev, p, bn, Tensor.of(ws, nw), Tensor.of(new int[] {ch}, nb), attrs);
      return true;
    }
    return false;
  }

  private void replaceFolded(Node prev, int at, Node bn, Tensor w, Tensor b, Map<String, Object> attrs) {
    String wName = fresh(prev.name() + "/bn_folded_weight"), bName = fresh(prev.name() + "/bn_folded_bias");
    consts.put(wName, w);
    consts.put(bName, b);
    String out = bn.outputs().get(0);
    Node folded = new Node(prev.name(), prev.opType(), prev.index(), prev.opset(), List.of(prev.input(0), wName, bName), List.of(out), attrs);
    kept.set(at, folded);
    String oldOut = prev.outputs().get(0);
    shapes.put(out, shapes.remove(oldOut));
    producer.remove(oldOut);
    producer.put(out, at);
  }

  /** BatchNormalization that cannot be folded becomes x * f[c] + off[c] with [C,1,..] constants. */
  private void lowerBatchNorm(Node bn) {
    int[] xs = shapes.get(bn.input(0));
    double eps = bn.attrDouble("epsilon", 1e-5);
    Tensor gamma = consts.get(bn.input(1)), beta = consts.get(bn.input(2)), mean = consts.get(bn.input(3)), var = consts.get(bn.input(4));
    int ch = gamma.size();
    double[] f = new double[ch], off = new double[ch];
    for (int k = 0; k < ch; k++) {
      f[k] = gamma.get(k) / Math.sqrt(var.get(k) + eps);
      off[k] = beta.get(k) - mean.get(k) * f[k];
    }
    int[] cs = new int[xs.length - 1];
    java.util.Arrays.fill(cs, 1);
    cs[0] = ch;
    String fName = fresh(bn.name() + "/scale"), oName = fresh(bn.name() + "/offset"), mid = fresh(bn.name() + "/scaled");
    consts.put(fName, Tensor.of(cs, f));
    consts.put(oName, Tensor.of(cs.clone(), off));
    process(new Node(bn.name() + "/mul", "Mul", bn.index(), 13, List.of(bn.input(0), fName), List.of(mid), Map.of()));
    process(new Node(bn.name() + "/add", "Add", bn.index(), 13, List.of(mid, oName), List.of(bn.outputs().get(0)), Map.of()));
  }

  /** LayerNormalization over axes [axis, rank): (x - mean) * 1/sqrt(var + eps) * scale + bias. */
  private void expandLayerNorm(Node n) {
    for (int i = 1; i < n.outputs().size(); i++) {
      if (!n.outputs().get(i).isEmpty()) throw n.unsupported("the Mean and InvStdDev outputs are not supported");
    }
    int rank = shapes.get(n.input(0)).length;
    int axis = OpKernels.axis(n, n.attrLong("axis", -1), rank);
    long[] axes = new long[rank - axis];
    for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
    String p = n.name() + "/";
    String mean = fresh(p + "mean"), d = fresh(p + "centered"), d2 = fresh(p + "squared"), var = fresh(p + "variance"),
        eps = fresh(p + "epsilon"), ve = fresh(p + "variance_eps"), sd = fresh(p + "stddev"), inv = fresh(p + "inv_stddev"),
        norm = fresh(p + "normalized");
    consts.put(eps, Tensor.of(new int[0], new double[] {n.attrDouble("epsilon", 1e-5)}));
    Map<String, Object> red = Map.of("axes", axes, "keepdims", 1L);
    String y = n.outputs().get(0);
    boolean bias = n.hasInput(2);
    String scaled = bias ? fresh(p + "scaled") : y;
    int idx = n.index();
    process(new Node(p + "ReduceMean", "ReduceMean", idx, 13, List.of(n.input(0)), List.of(mean), red));
    process(new Node(p + "Sub", "Sub", idx, 13, List.of(n.input(0), mean), List.of(d), Map.of()));
    process(new Node(p + "Square", "Mul", idx, 13, List.of(d, d), List.of(d2), Map.of()));
    process(new Node(p + "ReduceMean_var", "ReduceMean", idx, 13, List.of(d2), List.of(var), red));
    process(new Node(p + "AddEps", "Add", idx, 13, List.of(var, eps), List.of(ve), Map.of()));
    process(new Node(p + "Sqrt", "Sqrt", idx, 13, List.of(ve), List.of(sd), Map.of()));
    process(new Node(p + "Reciprocal", "Reciprocal", idx, 13, List.of(sd), List.of(inv), Map.of()));
    process(new Node(p + "Normalize", "Mul", idx, 13, List.of(d, inv), List.of(norm), Map.of()));
    process(new Node(p + "Scale", "Mul", idx, 13, List.of(norm, n.input(1)), List.of(scaled), Map.of()));
    if (bias) process(new Node(p + "Bias", "Add", idx, 13, List.of(scaled, n.input(2)), List.of(y), Map.of()));
  }

  private Tensor[] foldLayerNorm(Node n, Tensor[] in) {
    throw n.unsupported("constant LayerNormalization inputs are not supported");
  }

  static ElementType typeOf(Tensor t) {
    return t.type();
  }
}

package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decoder-only transformers of the GPT-2 architecture with synthetic weights drawn from a seeded
 * generator, for benchmarks (no trained GPT-2 weights can be fetched here, and a 500 MB model file
 * is not committed): token ids [1, T] (an int64 input in ONNX; whole numbers here), a token
 * embedding (a Gather from the [V, d] table with the run-time ids), learned positions (the first T
 * rows of a [T, d] table, added), then per block a pre-LayerNorm causal self-attention (one
 * [d, 3d] projection split into q, k, v; h heads; QKᵀ/√(d/h); the causal mask a Where with −inf;
 * softmax; ·V; the [d, d] output projection; a residual) and a pre-LayerNorm MLP (d → 4d, GELU in
 * its tanh form as GPT-2 uses it, 4d → d, a residual), a final LayerNorm and the LM head tied to the
 * token embedding (its transpose). The graph goes through the same assembly as an ONNX import
 * (LayerNormalization expanded, the run-time Gather lowered).
 *
 * <p>Weights follow GPT-2's initialisation in scale (uniform with the standard deviation 0.02 of
 * its normal; the residual projections 0.02/√(2·layers); positions 0.01; LayerNorm γ = 1, β = 0;
 * biases 0.01), so activations have realistic ranges. The output is the logits of every position
 * [1, T, V], or with {@code lastPositionOnly} the next-token logits [1, 1, V] (the last position's;
 * a proof carries its public output, and T·V values of GPT-2 would be 8·T·50,257 bytes).
 * Not thread-safe while building; the {@link Graph} is thread-safe.
 */
public final class GptBuilder {
  /** GPT-2 small: 12 layers, 12 heads, d = 768, vocabulary 50,257, 1,024 positions (124M parameters). */
  public record Config(int layers, int heads, int dModel, int vocab, int positions) {
    public Config {
      if (layers < 1 || heads < 1 || dModel < heads || dModel % heads != 0 || vocab < 2 || positions < 1) {
        throw new IllegalArgumentException("invalid GPT config " + layers + "/" + heads + "/" + dModel + "/" + vocab + "/" + positions);
      }
    }

    public static Config gpt2Small() {
      return new Config(12, 12, 768, 50_257, 1024);
    }

    /** Parameters: embeddings, positions, 12·d² + 13·d per block, the final LayerNorm (the head is tied). */
    public long parameters() {
      long d = dModel;
      return (long) vocab * d + (long) positions * d + layers * (12 * d * d + 13 * d) + 2 * d;
    }
  }

  private static final int OPSET = 17;

  private final SplittableRandom random;
  private final Config config;
  private final int tokens;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Tensor> weights = new LinkedHashMap<>();
  private int counter;

  private GptBuilder(long seed, Config config, int tokens) {
    this.random = new SplittableRandom(seed);
    this.config = config;
    this.tokens = tokens;
  }

  /** The graph of {@code config} over a prompt of {@code tokens} ids (input "ids", shape [1, tokens]); the LM head is tied. */
  public static Graph build(long seed, Config config, int tokens, boolean lastPositionOnly) {
    return build(seed, config, tokens, lastPositionOnly, true);
  }

  /**
   * {@link #build(long, Config, int, boolean)}, with the LM head tied to the token embedding (its
   * transpose, as GPT-2) or, with {@code tiedHead} false, a [d, V] matrix of its own (drawn like the
   * embedding).
   */
  public static Graph build(long seed, Config config, int tokens, boolean lastPositionOnly, boolean tiedHead) {
    if (tokens < 1 || tokens > config.positions()) throw new IllegalArgumentException("tokens must be in [1, " + config.positions() + "]: " + tokens);
    return new GptBuilder(seed, config, tokens).graph(lastPositionOnly, tiedHead);
  }

  /**
   * Prompts of uniformly random token ids ({@code count} of them, [1, tokens] each, seeded), the
   * first id of the first prompt the vocabulary's last, so that calibration sees the widest id.
   */
  public static List<Tensor> randomPrompts(long seed, int vocab, int tokens, int count) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Tensor> out = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      double[] d = new double[tokens];
      for (int i = 0; i < tokens; i++) d[i] = rnd.nextInt(vocab);
      if (s == 0) d[0] = vocab - 1;
      out.add(Tensor.of(new int[] {1, tokens}, d));
    }
    return out;
  }

  private Graph graph(boolean lastPositionOnly, boolean tiedHead) {
    int d = config.dModel(), v = config.vocab(), t = tokens;
    double std = 0.02, residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
    Tensor wte = uniform(new int[] {v, d}, std);
    weights.put("wte", wte);
    String x = node("Gather", List.of("wte", "ids"), Map.of("axis", 0L));
    x = node("Add", List.of(x, constant("wpe", uniform(new int[] {1, t, d}, 0.01))), Map.of());
    double[] mask = new double[t * t];
    for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) mask[i * t + j] = 1;
    String causal = constant("causal_mask", Tensor.of(new int[] {t, t}, mask));
    String minusInf = constant("minus_inf", Tensor.of(new int[0], new double[] {Double.NEGATIVE_INFINITY}));
    int h = config.heads(), dh = d / h;
    String scale = constant("attention_scale", Tensor.of(new int[0], new double[] {1 / Math.sqrt(dh)}));
    for (int b = 0; b < config.layers(); b++) {
      String p = "h" + b + "/";
      String a = layerNorm(p + "ln_1", x);
      String qkv = linear(p + "attn/c_attn", a, d, 3 * d, std);
      String q = fresh(p + "q"), k = fresh(p + "k"), val = fresh(p + "v");
      nodes.add(new Node(fresh(p + "split"), "Split", nodes.size(), OPSET, List.of(qkv), List.of(q, k, val), Map.of("axis", 2L)));
      String heads = constant(p + "heads_shape", longs(1, t, h, dh));
      q = node("Transpose", List.of(node("Reshape", List.of(q, heads), Map.of())), Map.of("perm", new long[] {0, 2, 1, 3}));
      k = node("Transpose", List.of(node("Reshape", List.of(k, heads), Map.of())), Map.of("perm", new long[] {0, 2, 3, 1}));
      val = node("Transpose", List.of(node("Reshape", List.of(val, heads), Map.of())), Map.of("perm", new long[] {0, 2, 1, 3}));
      String scores = node("Mul", List.of(node("MatMul", List.of(q, k), Map.of()), scale), Map.of());
      String masked = node("Where", List.of(causal, minusInf, scores), Map.of());
      String att = node("Softmax", List.of(masked), Map.of("axis", -1L));
      String y = node("MatMul", List.of(att, val), Map.of());
      y = node("Transpose", List.of(y), Map.of("perm", new long[] {0, 2, 1, 3}));
      y = node("Reshape", List.of(y, constant(p + "merge_shape", longs(1, t, d))), Map.of());
      x = node("Add", List.of(x, linear(p + "attn/c_proj", y, d, d, residualStd)), Map.of());
      String m = layerNorm(p + "ln_2", x);
      m = linear(p + "mlp/c_fc", m, d, 4 * d, std);
      m = node("Gelu", List.of(m), Map.of("approximate", "tanh"));
      x = node("Add", List.of(x, linear(p + "mlp/c_proj", m, 4 * d, d, residualStd)), Map.of());
    }
    if (lastPositionOnly && t > 1) {
      x = node("Gather", List.of(x, constant("last_position", longs(t - 1))), Map.of("axis", 1L));
    }
    x = layerNorm("ln_f", x);
    double[] head = new double[d * v];
    double[] e = tiedHead ? wte.data() : uniform(new int[] {v, d}, std).data();
    for (int r = 0; r < v; r++) for (int c = 0; c < d; c++) head[c * v + r] = e[r * d + c];
    String logits = node("MatMul", List.of(x, constant("lm_head", Tensor.of(new int[] {d, v}, head))), Map.of());
    ValueInfo ids = new ValueInfo("ids", new int[] {1, t});
    return GraphAssembler.assemble(nodes, weights, List.of(ids), List.of(logits), 1, 1);
  }

  private String layerNorm(String name, String x) {
    int d = config.dModel();
    double[] ones = new double[d];
    java.util.Arrays.fill(ones, 1);
    String gamma = constant(name + "/weight", Tensor.of(new int[] {d}, ones));
    String beta = constant(name + "/bias", Tensor.of(new int[] {d}, new double[d]));
    return node("LayerNormalization", List.of(x, gamma, beta), Map.of("axis", -1L, "epsilon", 1e-5));
  }

  private String linear(String name, String x, int in, int out, double std) {
    String w = constant(name + "/weight", uniform(new int[] {in, out}, std));
    double[] bias = new double[out];
    for (int i = 0; i < out; i++) bias[i] = (random.nextDouble() * 2 - 1) * 0.01;
    String y = node("MatMul", List.of(x, w), Map.of());
    return node("Add", List.of(y, constant(name + "/bias", Tensor.of(new int[] {out}, bias))), Map.of());
  }

  /** Uniform on [−a, a] with a = std·√3 (the standard deviation std). */
  private Tensor uniform(int[] shape, double std) {
    int n = 1;
    for (int s : shape) n = Math.multiplyExact(n, s);
    double a = std * Math.sqrt(3);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = (random.nextDouble() * 2 - 1) * a;
    return Tensor.of(shape, x);
  }

  private static Tensor longs(long... v) {
    return Tensor.ofLongs(new int[] {v.length}, v);
  }

  private String constant(String name, Tensor value) {
    weights.put(name, value);
    return name;
  }

  private String node(String op, List<String> inputs, Map<String, Object> attrs) {
    String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
    nodes.add(new Node(out, op, nodes.size(), OPSET, inputs, List.of(out + "_out"), attrs));
    return out + "_out";
  }

  private String fresh(String kind) {
    return kind + "_" + (counter++);
  }
}

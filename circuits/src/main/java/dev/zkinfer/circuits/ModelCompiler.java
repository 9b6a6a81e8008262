package dev.zkinfer.circuits;

import dev.zkinfer.circuit.BatchMatMulLayer;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.ElementwiseLinearLayer;
import dev.zkinfer.circuit.ElementwiseProductLayer;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.MaxPoolLayer;
import dev.zkinfer.circuit.RangeCheckLayer;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.ResidueOrder;
import dev.zkinfer.circuit.SoftmaxLayer;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.RangeCheckLayer;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Requantize;
import dev.zkinfer.nn.tensor.Shapes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiles a quantized model (its list of integer ops) into a circuit of proof layers:
 * convolution = im2col index map + linear layer; dense = linear layer (in an integrity key, a dense
 * op whose weights are an earlier one's transposed, as a tied embedding and LM head, reads that
 * one's committed tensor through a transposed linear layer); matmul of run-time
 * tensors = broadcast/reshape index maps + batched matmul layer; requantization, clamps,
 * activation tables and max-pooling = lookup-based gadgets; add = element-wise linear layer +
 * requantization; mul = element-wise product layer + requantization; average pooling = window
 * index maps + element-wise sum + requantization; reduce-sum = transpose/reshape + linear layer
 * against committed ones; PReLU = lookup table (one slope) or ReLU table + per-channel
 * requantization; operands of add and mul are broadcast by reshape + gather index maps
 * (constants become MODEL tensors); masked fill = product with a committed keep mask + the
 * committed fill values; reshape, transpose, slice, pad, concat and gather = index
 * maps. The model's inputs (any number, none included) are the circuit's public inputs, in
 * order. The last layers copy each model output into a tensor with zero padding, which the
 * verifier evaluates from that public output; an output that is a constant of the model (all of
 * them, in a model without run-time input) is committed with the weights and copied from there,
 * so the proof shows it is the committed model's. In an integrity key, an output made by a Gather of
 * constant indices that puts a residue-order last axis into the model's order (a tied LM head over a
 * large vocabulary, whose logits come out in residue order) is not proved by a Gather layer: the
 * circuit's output is the Gather's input and the key records the order ({@link ResidueOrder}), which
 * the verifier applies outside the proof (one sumcheck fewer: GPT-2's costs 11.6 ms of verification).
 *
 * <p>Deterministic: the same model always gives the same circuit and the same digest.
 * Thread-safe: {@link #compile} works on its own private instance per call, and its result is not shared with the model.
 */
public final class ModelCompiler {
    /**
     * The compiled circuit, the padded values of its MODEL tensors, for each tensor of the
     * quantized model the circuit tensor that holds it (-1 for none: a Gather output the circuit
     * holds in residue order has none), and each output's {@link ResidueOrder} (null where the
     * circuit's output is in the model's order; see {@link #compile(QuantizedModel)}).
     */
    public record Compiled(Circuit circuit, Map<Integer, long[]> modelValues, int[] circuitTensorOf, ResidueOrder[] outputOrders) {
        public Compiled {
            outputOrders = outputOrders == null ? new ResidueOrder[circuit.outputs().length] : outputOrders.clone();
        }

        /** A compilation whose outputs the circuit holds in the model's order. */
        public Compiled(Circuit circuit, Map<Integer, long[]> modelValues, int[] circuitTensorOf) {
            this(circuit, modelValues, circuitTensorOf, null);
        }

        @Override
        public ResidueOrder[] outputOrders() {
            return outputOrders.clone();
        }
    }

    private final QuantizedModel qm;
    private final Circuit.Builder b = new Circuit.Builder();
    private final Map<Integer, long[]> modelValues = new LinkedHashMap<>();
    private final int[] ct;
    /** Bounds on |value| of accumulator tensors, from the weights and the ranges of their inputs. */
    private final Map<Integer, Long> accBound = new HashMap<>();
    /**
     * Tensors whose every value is proved to be 0 or 1 by the layer that makes it: a table whose
     * entries are 0 and 1, a requantization clamped to [0, 1], a product of two such tensors, and
     * index maps of them. A product of two needs no requantization (see QMul).
     */
    private final java.util.Set<Integer> zeroOne = new java.util.HashSet<>();
    private final int limbWidth;

    private boolean privateInputs;
    private boolean zeroKnowledge;
    /**
     * Zero-knowledge keys only: model tensors of one element held in a circuit tensor of two, the real
     * value first and a zero padding second (the last dimension 2 instead of 1), because a one-element
     * tensor cannot be masked (docs/zero-knowledge.md §8 item 6). Such a tensor has no entry in
     * {@link #ct} until an operand needs its real element ({@link #of}); an output is sliced from it.
     */
    private final Map<Integer, Integer> zkPadded = new HashMap<>();
    /** The {@link #zkPadded} tensors whose padding is not 0 (a requantization clamped to a range without 0). */
    private final java.util.Set<Integer> zkPaddingNotZero = new java.util.HashSet<>();
    private boolean committedOutputs;
    /**
     * The Gather ops whose output is a model output in the model's order of a residue-order input
     * ({@link #findResidueOrderOutputs}), with that order: compiled as no layer, the circuit's output
     * is the Gather's input.
     */
    private final Map<QOp.QGather, ResidueOrder> residueOrderGathers = new java.util.IdentityHashMap<>();
    /**
     * Dense ops whose integer weights are the transpose of an earlier dense op's (a tied token
     * embedding and LM head), each mapped to that earlier op: they read its committed tensor through
     * a {@link LinearLayer#transposed() transposed} Linear layer instead of committing a copy.
     * Integrity keys only (a zero-knowledge key commits both).
     */
    private final Map<QOp.QDense, QOp.QDense> tiedTo = new java.util.IdentityHashMap<>();
    /** The committed weight tensor of each dense op that another reads transposed ({@link #tiedTo}'s values). */
    private final Map<QOp.QDense, Integer> sharedWeights = new java.util.IdentityHashMap<>();

    private ModelCompiler(QuantizedModel qm) {
        this.qm = qm;
        this.ct = new int[qm.tensors().size()];
        Arrays.fill(ct, -1);
        this.limbWidth = chooseLimbWidth(qm);
    }

    /**
     * The requantization remainder limb width w for the whole model: the w ∈ [8, 20] minimizing
     * the lookups Σ size·⌈S/w⌉ over the requantizing ops plus the 2^w rows of the range table.
     * Each limb is a committed value and a lookup per activation, each table row a committed
     * multiplicity and a lookup leaf, so this also minimizes the witness: a model of a few thousand
     * activations keeps 12-bit limbs (S = 36 in three), a batch of many (VGG-16, LeNet-5 in a large
     * batch) takes 18-bit ones (two), a third fewer remainder limbs for a 2^18-row table.
     */
    static int chooseLimbWidth(QuantizedModel qm) {
        long[] sizes = new long[qm.ops().size()];
        int[] shifts = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            QOp op = qm.ops().get(i);
            int s = switch (op) {
                case QOp.QRequant r -> Arrays.stream(r.shift()).max().orElse(0);
                case QOp.QPRelu r -> Arrays.stream(r.shift()).max().orElse(0);
                case QOp.QAdd a -> a.shift();
                case QOp.QMul mu -> mu.shift();
                case QOp.QAvgPool a -> a.shift();
                default -> 0;
            };
            shifts[i] = s;
            sizes[i] = s == 0 ? 0 : layout(qm.tensor(op.output())).paddedSize();
        }
        int best = RequantLayer.MIN_LIMB_WIDTH;
        long bestCost = Long.MAX_VALUE;
        for (int w = RequantLayer.MIN_LIMB_WIDTH; w <= RequantLayer.MAX_LIMB_WIDTH; w++) {
            long cost = 1L << w;
            for (int i = 0; i < sizes.length; i++) {
                cost += sizes[i] * RequantLayer.limbCount(shifts[i], w);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = w;
            }
        }
        return best;
    }

    /**
     * Adds a requantization layer of x (|x| ≤ xBound) into y, with the clamp form of fewer lookup
     * rows: the table clamp costs one lookup per element plus its table's rows, the limb clamp one
     * or two range lookups for y plus ⌈D/w⌉ each for dp and dn. The bound is the true one (never
     * capped: a bound below the values an honest prover meets would make it fail at prove time,
     * and the layer's soundness analysis rests on it); beyond what the layer supports the model
     * is refused here, at compile time.
     */
    private void requant(int x, int y, int axis, int[] m, int[] shift, int lo, int hi, int bits, long xBound) {
        if (xBound > RequantLayer.MAX_X_BOUND) {
            throw new UnsupportedModelException("the requantization into " + b.get(y).name() + " has inputs up to " + xBound
                    + " in absolute value on the model's input range, beyond the 2^48 the proof supports");
        }
        long bound = xBound;
        RequantLayer.Plan plan = RequantLayer.plan(m, shift, lo, hi, bits, bound, limbWidth);
        long size = b.get(y).layout().paddedSize();
        long width = (long) hi - lo + 1;
        long limbCost = size * ((Long.bitCount(width) == 1 ? 1 : 2) + 2L * RequantLayer.limbCount(plan.overflowBits(), limbWidth));
        boolean table = plan.clampTableLog() >= 0 && size + (1L << plan.clampTableLog()) <= limbCost;
        // the table clamp's excess derived rather than committed (one committed value fewer per
        // element), in both modes (zero knowledge: a masked sumcheck, docs/zero-knowledge.md §3.8)
        b.layer(RequantLayer.create(b, x, y, axis, m, shift, lo, hi, bits, bound, limbWidth, table, table));
    }

    /**
     * max over rows of Σ_k |w[row, k]|·inMax + |bias[row]| (saturating), the bound of a dense or
     * convolution accumulator whose input satisfies |x| ≤ inMax.
     */
    private static long linearBound(int[] weights, int[] bias, int rows, long inMax) {
        int cols = weights.length / rows;
        long best = 0;
        for (int r = 0; r < rows; r++) {
            long sum = 0;
            for (int k = 0; k < cols; k++) {
                sum += Math.abs((long) weights[r * cols + k]);
            }
            best = Math.max(best, satAdd(satMul(sum, inMax), bias == null ? 0 : Math.abs((long) bias[r])));
        }
        return best;
    }

    private static long satMul(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long satAdd(long a, long b) {
        return a + b < 0 ? Long.MAX_VALUE : a + b;
    }

    /** The real unit of a tensor padded at the end of its dimensions ({@code padded}) as y: a slice from the origin. */
    private void sliceReal(int padded, int y) {
        int rank = b.get(padded).layout().rank();
        int[] steps = new int[rank];
        Arrays.fill(steps, 1);
        b.layer(new IndexMapLayer(new int[] {padded}, y, new IndexMap.Slice(new int[rank], steps)));
    }

    /** @throws UnsupportedModelException naming the first op that cannot be proved */
    public static Compiled compile(QuantizedModel qm) {
        return compile(qm, false);
    }

    /**
     * As {@link #compile(QuantizedModel)}; with {@code privateInputs} every model input is an
     * ADVICE tensor (committed in the witness, in no proof) whose domain a {@link RangeCheckLayer}
     * checks, instead of a public input (docs/zero-knowledge.md §3.5).
     */
    public static Compiled compile(QuantizedModel qm, boolean privateInputs) {
        return compile(qm, privateInputs, false);
    }

    /**
     * As {@link #compile(QuantizedModel, boolean)}, for a zero-knowledge key when {@code zeroKnowledge}:
     * a softmax over a single row (one image's logits) gets a padding row of zeros, so its row
     * maximum and row sum have two entries and a variable to mask (docs/zero-knowledge.md §8: a
     * one-element tensor cannot be masked), instead of the key proving one image through a batch-2
     * circuit. The padding costs one softmax row; the proved output is the real row. Likewise a
     * reduce-sum to one element (a mean over everything) sums a zero second row, a requantization of
     * such a sum requantizes both ({@link #zkPadded}), and a one-element output is sliced from the
     * padded form; the Linear layers' paddings are described at {@link #linear}.
     */
    public static Compiled compile(QuantizedModel qm, boolean privateInputs, boolean zeroKnowledge) {
        return compile(qm, privateInputs, zeroKnowledge, false);
    }

    /**
     * As {@link #compile(QuantizedModel, boolean, boolean)}; with {@code committedOutputs} (zero
     * knowledge only: the outputs are masked and committed) a one-element output held in a padded
     * form whose padding is 0 is the circuit's output in that form, a tensor of two (one to mask),
     * instead of its real element alone (docs/zero-knowledge.md §3.5).
     */
    public static Compiled compile(QuantizedModel qm, boolean privateInputs, boolean zeroKnowledge, boolean committedOutputs) {
        ModelCompiler mc = new ModelCompiler(qm);
        mc.privateInputs = privateInputs;
        mc.zeroKnowledge = zeroKnowledge;
        mc.committedOutputs = zeroKnowledge && committedOutputs;
        return mc.run();
    }

    private Compiled run() {
        int[] inIds = qm.inputIds();
        int[] outIds = qm.outputIds();
        if (outIds.length == 0 || outIds.length > Circuit.MAX_IO || inIds.length > Circuit.MAX_IO) {
            throw new UnsupportedModelException("a model with " + inIds.length + " inputs and " + outIds.length
                    + " outputs cannot be proved (1 to " + Circuit.MAX_IO + " outputs, at most " + Circuit.MAX_IO + " inputs)");
        }
        int[] inputs = new int[inIds.length];
        for (int i = 0; i < inIds.length; i++) {
            QTensor in = qm.tensor(inIds[i]);
            if (ct[in.id()] >= 0) {
                throw new UnsupportedModelException("input " + in.name() + " is listed twice");
            }
            if (privateInputs) {
                ct[in.id()] = b.tensor(in.name(), layout(in), TensorRole.ADVICE);
                b.layer(new RangeCheckLayer(ct[in.id()], in.min(), in.max()));
            } else {
                inputs[i] = ct[in.id()] = b.tensor(in.name(), layout(in), TensorRole.INPUT);
            }
        }
        if (privateInputs) {
            inputs = new int[0];
        }
        if (!zeroKnowledge) {
            findTiedWeights();
            findResidueOrderOutputs();
        }
        int index = 0;
        for (QOp op : qm.ops()) {
            try {
                compile(op);
            } catch (IllegalArgumentException | UnsupportedModelException e) {
                throw new UnsupportedModelException(op.kind() + " (op " + index + "): " + e.getMessage());
            }
            index++;
        }
        int[] outputs = new int[outIds.length];
        ResidueOrder[] orders = new ResidueOrder[outIds.length];
        for (int j = 0; j < outIds.length; j++) {
            QTensor out = qm.tensor(outIds[j]);
            QOp.QGather reorder = residueOrderGather(out.id());
            if (reorder != null) {
                // the circuit's output is the Gather's input, in residue order; the key records the order
                int in = of(reorder.input());
                orders[j] = residueOrderGathers.get(reorder);
                outputs[j] = b.tensor(outIds.length == 1 ? "output" : "output " + j, b.get(in).layout(), TensorRole.COMPUTED);
                b.layer(new IndexMapLayer(new int[] {in}, outputs[j], new IndexMap.Reshape()));
                continue;
            }
            if (ct[out.id()] < 0 && out.constantValues() != null) {
                ct[out.id()] = model(out.name(), layout(out).dims(), out.constantValues());
            }
            Integer padded = ct[out.id()] < 0 ? zkPadded.get(out.id()) : null;
            int last = padded != null ? -1 : of(out.id());
            boolean keepPadded = padded != null && committedOutputs && !zkPaddingNotZero.contains(out.id());
            outputs[j] = b.tensor(outIds.length == 1 ? "output" : "output " + j, keepPadded ? b.get(padded).layout() : layout(out),
                    TensorRole.COMPUTED);
            if (keepPadded) {
                // a committed one-element output: committed (and masked) in its padded form [value, 0]
                b.layer(new IndexMapLayer(new int[] {padded}, outputs[j], new IndexMap.Reshape()));
                ct[out.id()] = outputs[j];
            } else if (padded != null) {
                // a one-element output held with a zero padding: the public output is its real element
                sliceReal(padded, outputs[j]);
                ct[out.id()] = outputs[j];
            } else {
                b.layer(new IndexMapLayer(new int[] {last}, outputs[j], new IndexMap.Reshape()));
            }
        }
        Circuit circuit = b.build(inputs, outputs);
        return new Compiled(circuit, modelValues, ct.clone(), orders);
    }

    /** The {@link #residueOrderGathers} op that makes {@code qtensor}, or null. */
    private QOp.QGather residueOrderGather(int qtensor) {
        for (QOp.QGather g : residueOrderGathers.keySet()) {
            if (g.output() == qtensor) {
                return g;
            }
        }
        return null;
    }

    /**
     * Finds the Gather ops along the last axis whose indices put a residue-order axis into the
     * model's order (index i is (i mod b1)·b2 + i mod b2 of an input axis of b1·b2, b2 a power of
     * two and b1 coprime to it) and whose output is a model output, listed once and read by no op:
     * their order is applied outside the proof ({@link ResidueOrder}).
     */
    private void findResidueOrderOutputs() {
        Map<Integer, Integer> uses = new HashMap<>();
        for (QOp op : qm.ops()) {
            for (int i : op.inputs()) {
                uses.merge(i, 1, Integer::sum);
            }
        }
        for (int o : qm.outputIds()) {
            uses.merge(o, 1, Integer::sum);
        }
        for (QOp op : qm.ops()) {
            if (!(op instanceof QOp.QGather g) || uses.getOrDefault(g.output(), 0) != 1
                    || Arrays.stream(qm.outputIds()).noneMatch(o -> o == g.output())) {
                continue;
            }
            int[] xs = qm.tensor(g.input()).shape();
            if (xs.length == 0 || g.axis() != xs.length - 1 || qm.tensor(g.output()).shape().length != xs.length
                    || qm.tensor(g.input()).constantValues() != null) {
                continue;
            }
            ResidueOrder order = residueOrder(g.indices(), xs[xs.length - 1]);
            if (order != null) {
                residueOrderGathers.put(g, order);
            }
        }
    }

    /**
     * The residue order whose positions are {@code indices}, for an axis of {@code width}, or null:
     * b2 ≥ 2 a power of two, b1 ≥ 3 odd, and fewer than 2·b2 positions unnamed (the moduli that the
     * run-time Gather lowering picks; a Gather that drops more of its input stays a layer, so that
     * the proof carries no more than the output's values and a few zeros).
     */
    static ResidueOrder residueOrder(int[] indices, int width) {
        for (int b2 = 2; b2 <= width / 3; b2 <<= 1) {
            int b1 = width / b2;
            if (width % b2 != 0 || b1 % 2 == 0 || indices.length > width || width - indices.length >= 2L * b2) {
                continue;
            }
            ResidueOrder order = new ResidueOrder(indices.length, b1, b2);
            boolean all = true;
            for (int i = 0; i < indices.length && all; i++) {
                all = indices[i] == order.position(i);
            }
            if (all) {
                return order;
            }
        }
        return null;
    }

    /**
     * Pairs of dense ops whose weights are transposes of each other ([N][K] and [K][N], equal
     * entry by entry): the later one reads the earlier one's committed tensor transposed. The
     * quantizer makes a tied token embedding (residue path) and its LM head such a pair.
     */
    private void findTiedWeights() {
        java.util.List<QOp.QDense> dense = new java.util.ArrayList<>();
        for (QOp op : qm.ops()) {
            if (op instanceof QOp.QDense d && d.outFeatures() > 1 && d.inFeatures() > 1) {
                dense.add(d);
            }
        }
        for (int j = 0; j < dense.size(); j++) {
            QOp.QDense later = dense.get(j);
            for (int i = 0; i < j; i++) {
                QOp.QDense first = dense.get(i);
                if (!tiedTo.containsKey(first) && !sharedWeights.containsKey(first) && transposes(first, later)) {
                    tiedTo.put(later, first);
                    sharedWeights.put(first, -1);
                    break;
                }
            }
        }
    }

    /** Whether b's weights [K][N] are a's [N][K] transposed. */
    private static boolean transposes(QOp.QDense a, QOp.QDense b) {
        int n = a.outFeatures(), k = a.inFeatures();
        if (b.outFeatures() != k || b.inFeatures() != n) {
            return false;
        }
        int[] wa = a.weights(), wb = b.weights();
        for (int o = 0; o < n; o++) {
            for (int i = 0; i < k; i++) {
                if (wa[o * k + i] != wb[i * n + o]) {
                    return false;
                }
            }
        }
        return true;
    }

    private static TensorLayout layout(QTensor t) {
        int[] shape = t.shape();
        return TensorLayout.of(shape.length == 0 ? new int[] {1} : shape);
    }

    private int of(int qtensor) {
        if (ct[qtensor] < 0 && zkPadded.containsKey(qtensor)) {
            // an op without a padded form: the real element as a tensor of its own (a zero-knowledge key refuses it)
            sliceReal(zkPadded.get(qtensor), computed(qm.tensor(qtensor)));
        }
        if (ct[qtensor] < 0) {
            throw new UnsupportedModelException("operand " + qm.tensor(qtensor).name()
                    + " is a constant, which the prover does not support for this operator yet");
        }
        return ct[qtensor];
    }

    private int model(String name, int[] dims, int[] values) {
        TensorLayout l = TensorLayout.of(dims);
        int id = b.tensor(name, l, TensorRole.MODEL);
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Goldilocks.fromSigned(values[i]);
        }
        modelValues.put(id, l.pad(v, 0));
        return id;
    }

    private int computed(QTensor t) {
        int id = b.tensor(t.name(), layout(t), TensorRole.COMPUTED);
        ct[t.id()] = id;
        return id;
    }

    private int advice(QTensor t) {
        int id = b.tensor(t.name(), layout(t), TensorRole.ADVICE);
        ct[t.id()] = id;
        return id;
    }

    /**
     * A Linear layer x·Wᵀ + bias into y ([B, O, ...]). For a zero-knowledge key, what would be a
     * one-element tensor to mask or a sum without a round to mask gets a zero padding
     * (docs/zero-knowledge.md §8): a layer with one output unit and a bias gets a second, all-zero
     * unit (weights and bias padded with zeros, the real unit sliced after the layer), and a layer
     * summing over one input feature a second, zero feature (x padded with a zero column, the
     * weights with a zero column).
     */
    private void linear(int x, String name, int out, int k, int[] weights, int[] bias, int y) {
        linear(x, name, out, k, weights, bias, y, null);
    }

    /** {@link #linear(int, String, int, int, int[], int[], int)} for a dense op, which may share its weights ({@link #tiedTo}). */
    private void linear(int x, String name, int out, int k, int[] weights, int[] bias, int y, QOp.QDense op) {
        boolean padOut = zeroKnowledge && out == 1 && bias != null;
        boolean padK = zeroKnowledge && k == 1;
        QOp.QDense first = op == null ? null : tiedTo.get(op);
        if (first != null && sharedWeights.getOrDefault(first, -1) >= 0 && !padOut && !padK) {
            int bi = bias == null ? -1 : model(name + "/bias", new int[] {out}, bias);
            b.layer(new LinearLayer(x, sharedWeights.get(first), bi, y, true));
            return;
        }
        if (!padOut && !padK) {
            int w = model(name + "/weights", new int[] {out, k}, weights);
            if (op != null && sharedWeights.containsKey(op)) {
                sharedWeights.put(op, w);
            }
            int bi = bias == null ? -1 : model(name + "/bias", new int[] {out}, bias);
            b.layer(new LinearLayer(x, w, bi, y));
            return;
        }
        int out2 = padOut ? 2 : out;
        int k2 = padK ? 2 : k;
        int[] w2 = new int[out2 * k2];
        for (int o = 0; o < out; o++) {
            System.arraycopy(weights, o * k, w2, o * k2, k);
        }
        int w = model(name + "/weights", new int[] {out2, k2}, w2);
        int bi = bias == null ? -1 : model(name + "/bias", new int[] {out2}, Arrays.copyOf(bias, out2));
        if (padK) {
            int[] xd = b.get(x).layout().dims();
            xd[xd.length - 1] = 2;
            int xp = b.tensor(name + "/zk padded input", TensorLayout.of(xd), TensorRole.COMPUTED);
            b.layer(new IndexMapLayer(new int[] {x}, xp, new IndexMap.Pad(new int[xd.length])));
            x = xp;
        }
        if (!padOut) {
            b.layer(new LinearLayer(x, w, bi, y));
            return;
        }
        int[] dims = b.get(y).layout().dims();
        dims[1] = 2;
        int padded = b.tensor(name + "/zk padded", TensorLayout.of(dims), TensorRole.COMPUTED);
        b.layer(new LinearLayer(x, w, bi, padded));
        sliceReal(padded, y);
    }

    private void compile(QOp op) {
        QTensor outT = qm.tensor(op.output());
        switch (op) {
            case QOp.QConv c -> {
                int[] xs = qm.tensor(c.input()).shape();
                int[] ys = outT.shape();
                int batch = xs[0], oh = ys[2], ow = ys[3];
                int k = c.inChannels() * c.kernelH() * c.kernelW();
                int x = of(c.input());
                int col = b.tensor(outT.name() + "/im2col", TensorLayout.of(batch, oh, ow, k), TensorRole.COMPUTED);
                b.layer(new IndexMapLayer(new int[] {x}, col, new IndexMap.Im2col(batch, xs[1], xs[2], xs[3], c.kernelH(),
                        c.kernelW(), c.strideH(), c.strideW(), c.padTop(), c.padLeft(), oh, ow)));
                linear(col, outT.name(), c.outChannels(), k, c.weights(), c.bias(), computed(outT));
                accBound.put(outT.id(), requireInt32("QConv " + outT.name(),
                        linearBound(c.weights(), c.bias(), c.outChannels(), maxAbs(c.input()))));
            }
            case QOp.QDense d -> {
                int x = of(d.input());
                int[] xs = qm.tensor(d.input()).shape();
                int rows = (int) (qm.tensor(d.input()).size() / d.inFeatures());
                if (xs.length != 2) {
                    int flat = b.tensor(outT.name() + "/rows", TensorLayout.of(rows, d.inFeatures()), TensorRole.COMPUTED);
                    b.layer(new IndexMapLayer(new int[] {x}, flat, new IndexMap.Reshape()));
                    x = flat;
                }
                accBound.put(outT.id(), requireInt32("QDense " + outT.name(),
                        linearBound(d.weights(), d.bias(), d.outFeatures(), maxAbs(d.input()))));
                if (outT.shape().length == 2) {
                    linear(x, outT.name(), d.outFeatures(), d.inFeatures(), d.weights(), d.bias(), computed(outT), d);
                } else {
                    int y2 = b.tensor(outT.name() + "/rows", TensorLayout.of(rows, d.outFeatures()), TensorRole.COMPUTED);
                    linear(x, outT.name(), d.outFeatures(), d.inFeatures(), d.weights(), d.bias(), y2, d);
                    b.layer(new IndexMapLayer(new int[] {y2}, computed(outT), new IndexMap.Reshape()));
                }
            }
            case QOp.QRequant r when zkPadded.containsKey(r.input()) && oneElement(outT) -> {
                // a one-element requantization on its padded input: the padding's zero requantizes to 0
                int y = b.tensor(outT.name(), TensorLayout.of(zkPaddedDims(outT)), TensorRole.ADVICE);
                requant(zkPadded.get(r.input()), y, 0, r.m(), r.shift(), r.lo(), r.hi(), outT.bits(), maxAbs(r.input()));
                zkPadded.put(outT.id(), y);
                if (zkPaddingNotZero.contains(r.input()) || r.lo() > 0 || r.hi() < 0) {
                    zkPaddingNotZero.add(outT.id());
                }
            }
            case QOp.QRequant r -> {
                int x = of(r.input());
                int rank = outT.shape().length;
                int axis = r.m().length == 1 ? 0 : (r.axis() < 0 ? r.axis() + rank : r.axis());
                requant(x, advice(outT), axis, r.m(), r.shift(), r.lo(), r.hi(), outT.bits(), maxAbs(r.input()));
            }
            case QOp.QAdd a -> {
                // acc = ma·a + mb·b, then a shift. A uniform constant operand's term C = mb·c is split as
                // C = q0·2^s + r0 (0 ≤ r0 < 2^s): ⌊(acc' + C + 2^(s−1)) / 2^s⌋ = q0 + ⌊(acc' + r0 + 2^(s−1)) / 2^s⌋, so the
                // requantization sees acc' + r0 (an int32 where acc' + C might not be), clamps to [lo − q0, hi − q0],
                // and q0 is added back.
                int acc = b.tensor(outT.name() + "/sum", layout(outT), TensorRole.COMPUTED);
                Long ca = uniformConstant(a.a()), cb = uniformConstant(a.b());
                long constant = 0;
                if (cb != null && ca == null) {
                    constant = a.mb() * cb;
                    b.layer(new ElementwiseLinearLayer(new int[] {broadcast(a.a(), outT)}, new long[] {a.ma()},
                            Math.floorMod(constant, 1L << a.shift()), acc));
                } else if (ca != null && cb == null) {
                    constant = a.ma() * ca;
                    b.layer(new ElementwiseLinearLayer(new int[] {broadcast(a.b(), outT)}, new long[] {a.mb()},
                            Math.floorMod(constant, 1L << a.shift()), acc));
                } else {
                    b.layer(new ElementwiseLinearLayer(new int[] {broadcast(a.a(), outT), broadcast(a.b(), outT)},
                            new long[] {a.ma(), a.mb()}, 0, acc));
                }
                long q0 = Math.floorDiv(constant, 1L << a.shift());
                // |acc| ≤ |ma|·max|a| + |mb|·max|b|, where a uniform constant's term is reduced to r0 < 2^s
                long termA = ca != null && cb == null ? 1L << Math.min(a.shift(), 62) : satMul(Math.abs((long) a.ma()), maxAbs(a.a()));
                long termB = cb != null && ca == null ? 1L << Math.min(a.shift(), 62) : satMul(Math.abs((long) a.mb()), maxAbs(a.b()));
                long sumBound = satAdd(termA, termB);
                if (sumBound > RequantLayer.MAX_X_BOUND) {
                    // the requantization proof is sound only for inputs within its bound: refuse rather than cap it
                    throw new UnsupportedModelException("QAdd " + outT.name() + ": ma·a + mb·b can reach " + sumBound
                            + ", beyond the 2^48 bound of the requantization proof");
                }
                if (q0 == 0) {
                    requant(acc, advice(outT), 0, new int[] {1}, new int[] {a.shift()}, a.lo(), a.hi(), outT.bits(), sumBound);
                } else {
                    if (Math.abs(q0) >= 1L << 30) {
                        throw new UnsupportedModelException("QAdd with a constant term of " + constant + " is not supported by the prover");
                    }
                    int shifted = b.tensor(outT.name() + "/less constant", layout(outT), TensorRole.ADVICE);
                    requant(acc, shifted, 0, new int[] {1}, new int[] {a.shift()}, (int) (a.lo() - q0), (int) (a.hi() - q0),
                            outT.bits(), sumBound);
                    b.layer(new ElementwiseLinearLayer(new int[] {shifted}, new long[] {1}, q0, computed(outT)));
                }
            }
            case QOp.QMul mu when zeroOne.contains(mu.a()) && zeroOne.contains(mu.b()) && (long) mu.m() == 1L << mu.shift()
                    && mu.lo() <= 0 && mu.hi() >= 1 -> {
                // a product of two 0/1 tensors (an outer product of one-hots) with the multiplier 1: the
                // requantization ((p·2^s + 2^(s−1)) >> s, clamped) is the identity on p ∈ {0, 1}, so the product
                // itself is the output, computed, neither committed nor range-checked
                b.layer(new ElementwiseProductLayer(broadcast(mu.a(), outT), broadcast(mu.b(), outT), computed(outT)));
                zeroOne.add(outT.id());
            }
            case QOp.QMul mu -> {
                // product = a ⊙ b (exact: |a·b| < 2^31 is checked), then the requantization (product·m + 2^(s−1)) >> s
                requireInt32("QMul of " + qm.tensor(mu.a()).name() + " and " + qm.tensor(mu.b()).name(),
                        maxAbs(mu.a()) * maxAbs(mu.b()));
                if (mu.lo() == 0 && mu.hi() == 1) {
                    zeroOne.add(outT.id());
                }
                int prod = b.tensor(outT.name() + "/product", layout(outT), TensorRole.COMPUTED);
                Long ca = uniformConstant(mu.a()), cb = uniformConstant(mu.b());
                if (cb != null && ca == null) {
                    b.layer(new ElementwiseLinearLayer(new int[] {broadcast(mu.a(), outT)}, new long[] {cb}, 0, prod));
                } else if (ca != null && cb == null) {
                    b.layer(new ElementwiseLinearLayer(new int[] {broadcast(mu.b(), outT)}, new long[] {ca}, 0, prod));
                } else {
                    b.layer(new ElementwiseProductLayer(broadcast(mu.a(), outT), broadcast(mu.b(), outT), prod));
                }
                requant(prod, advice(outT), 0, new int[] {mu.m()}, new int[] {mu.shift()}, mu.lo(), mu.hi(), outT.bits(),
                        satMul(maxAbs(mu.a()), maxAbs(mu.b())));
            }
            case QOp.QPRelu p -> compilePRelu(p, outT);
            case QOp.QAvgPool p -> compileAvgPool(p, outT);
            case QOp.QReduceSum r -> compileReduceSum(r, outT);
            case QOp.QMatMul mm -> compileMatMul(mm, outT);
            case QOp.QMaskedFill f -> compileMaskedFill(f, outT);
            case QOp.QClamp c -> {
                QTensor inT = qm.tensor(c.input());
                int min = -(1 << (inT.bits() - 1));
                int[] table = new int[1 << inT.bits()];
                for (int i = 0; i < table.length; i++) {
                    table[i] = Math.min(Math.max(min + i, c.lo()), c.hi());
                }
                b.layer(new TableLayer(of(c.input()), advice(outT), min, table));
            }
            case QOp.QTable t -> {
                b.layer(new TableLayer(of(t.input()), advice(outT), t.inputMin(), t.table()));
                if (Arrays.stream(t.table()).allMatch(v -> v == 0 || v == 1)) {
                    zeroOne.add(outT.id());
                }
            }
            case QOp.QMaxPool m -> {
                int[] xs = qm.tensor(m.input()).shape();
                int[] ys = outT.shape();
                int x = of(m.input());
                int[] views = new int[m.kernelH() * m.kernelW()];
                for (int kh = 0; kh < m.kernelH(); kh++) {
                    for (int kw = 0; kw < m.kernelW(); kw++) {
                        int v = b.tensor(outT.name() + "/window" + kh + "," + kw, layout(outT), TensorRole.COMPUTED);
                        b.layer(new IndexMapLayer(new int[] {x}, v, new IndexMap.Window(xs[0], xs[1], xs[2], xs[3], m.kernelH(),
                                m.kernelW(), m.strideH(), m.strideW(), m.padTop(), m.padLeft(), ys[2], ys[3], kh, kw)));
                        views[kh * m.kernelW() + kw] = v;
                    }
                }
                int yOut = advice(outT);
                // the gaps derived (y − view, not committed) where every window lies inside the image,
                // in both modes (zero knowledge: one masked sumcheck, docs/zero-knowledge.md §3.8)
                boolean derived = outT.bits() <= 15 && views.length >= 2
                        && MaxPoolLayer.everyWindowInside(b.get(yOut).layout(), xs[2], xs[3], m.kernelH(), m.kernelW(), m.strideH(),
                                m.strideW(), m.padTop(), m.padLeft());
                b.layer(MaxPoolLayer.create(b, views, yOut, outT.bits(), xs[2], xs[3], m.kernelH(), m.kernelW(),
                        m.strideH(), m.strideW(), m.padTop(), m.padLeft(), derived));
            }
            case QOp.QSoftmax s -> {
                int[] shape = qm.tensor(s.input()).shape();
                if (!zeroKnowledge || (long) s.outer() * s.inner() != 1 || shape.length < 2 || shape[0] != 1) {
                    b.layer(SoftmaxLayer.create(b, of(s.input()), advice(outT), s.outer(), s.mid(), s.inner(),
                            s.offset(), s.expTable(), s.outMax(), qm.tensor(s.input()).bits()));
                } else {
                    // one row (every dimension outside the axis has size 1), padded to two along
                    // dimension 0: a row of zeros before the softmax, the real row sliced after it
                    int[] dims = layout(outT).dims();
                    dims[0] = 2;
                    TensorLayout padded = TensorLayout.of(dims);
                    int x = b.tensor(outT.name() + "/zk padded input", padded, TensorRole.COMPUTED);
                    b.layer(new IndexMapLayer(new int[] {of(s.input())}, x, new IndexMap.Pad(new int[dims.length])));
                    int y = b.tensor(outT.name() + "/zk padded", padded, TensorRole.ADVICE);
                    b.layer(SoftmaxLayer.create(b, x, y, 2, s.mid(), 1, s.offset(), s.expTable(), s.outMax(), qm.tensor(s.input()).bits()));
                    sliceReal(y, computed(outT));
                }
            }
            case QOp.QReshape r -> {
                b.layer(new IndexMapLayer(new int[] {of(r.input())}, computed(outT), new IndexMap.Reshape()));
                if (zeroOne.contains(r.input())) {
                    zeroOne.add(outT.id());
                }
            }
            case QOp.QTranspose t -> b.layer(new IndexMapLayer(new int[] {of(t.input())}, computed(outT), new IndexMap.Transpose(t.perm())));
            case QOp.QSlice s -> b.layer(new IndexMapLayer(new int[] {of(s.input())}, computed(outT), new IndexMap.Slice(s.starts(), s.steps())));
            case QOp.QConcat c -> {
                int[] ins = new int[c.inputs().length];
                for (int i = 0; i < ins.length; i++) {
                    QTensor t = qm.tensor(c.inputs()[i]);
                    // a constant part (Max/Min against a constant tensor) is committed with the model
                    ins[i] = t.constantValues() != null ? model(outT.name() + "/" + t.name(), layout(t).dims(), t.constantValues())
                            : of(c.inputs()[i]);
                }
                b.layer(new IndexMapLayer(ins, computed(outT), new IndexMap.Concat(c.axis())));
            }
            case QOp.QPad p -> {
                if (p.mode() != 0 || p.value() != 0) {
                    throw new UnsupportedModelException("Pad other than constant zero padding is not supported by the prover yet");
                }
                b.layer(new IndexMapLayer(new int[] {of(p.input())}, computed(outT), new IndexMap.Pad(p.before())));
            }
            case QOp.QGather g when residueOrderGathers.containsKey(g) -> {
                // no layer: the circuit's output is its input, the key records its order (run())
            }
            case QOp.QGather g -> {
                int[] xs = qm.tensor(g.input()).shape();
                if (outT.shape().length == xs.length) {
                    b.layer(new IndexMapLayer(new int[] {of(g.input())}, computed(outT), new IndexMap.Gather(g.axis(), g.indices())));
                } else {
                    // a scalar index drops the axis: gather with the axis kept, then reshape
                    int[] kept = xs.clone();
                    kept[g.axis()] = g.indices().length;
                    int t = b.tensor(outT.name() + "/gathered", TensorLayout.of(kept), TensorRole.COMPUTED);
                    b.layer(new IndexMapLayer(new int[] {of(g.input())}, t, new IndexMap.Gather(g.axis(), g.indices())));
                    b.layer(new IndexMapLayer(new int[] {t}, computed(outT), new IndexMap.Reshape()));
                }
            }
            default -> throw new UnsupportedModelException("operator " + op.kind() + " is not supported by the prover yet"
                    + " (supported: Conv, Dense, MatMul, Requant, Add, Mul, Clamp/ReLU, PRelu/LeakyRelu, activation tables, MaxPool,"
                    + " AvgPool, ReduceSum, Softmax, MaskedFill, Reshape, Transpose, Slice, Concat, Pad, Gather)");
        }
    }

    /** The value of a constant tensor whose entries are all equal (a scalar, say), else null. */
    private Long uniformConstant(int qtensor) {
        int[] v = qm.tensor(qtensor).constantValues();
        if (v == null || v.length == 0) {
            return null;
        }
        for (int x : v) {
            if (x != v[0]) {
                return null;
            }
        }
        return (long) v[0];
    }

    /**
     * Refuses an op whose integer result could leave int32: the requantization proof that
     * follows it is sound only for int32 inputs (RequantLayer's bound analysis).
     */
    private static long requireInt32(String op, long bound) {
        if (bound >= 1L << 31) {
            throw new UnsupportedModelException(op + ": the result can reach " + bound
                    + ", beyond the int32 range that the requantization proof assumes");
        }
        return bound;
    }

    /** The largest |value| a tensor can hold: from its constant values, its width, or int32 for accumulators. */
    private long maxAbs(int qtensor) {
        QTensor t = qm.tensor(qtensor);
        if (t.constantValues() != null) {
            long m = 0;
            for (int x : t.constantValues()) {
                m = Math.max(m, Math.abs((long) x));
            }
            return m;
        }
        if (t.kind() == QTensor.Kind.ACCUMULATOR) {
            return accBound.getOrDefault(qtensor, 1L << 31);
        }
        return 1L << (t.bits() - 1);
    }

    /**
     * The circuit tensor holding {@code qtensor} broadcast (numpy rules) to {@code outT}'s shape:
     * itself when the shapes agree; a constant becomes a MODEL tensor of its broadcast values; a
     * run-time tensor goes through a Reshape (to the output's rank) and one Gather of index 0 per
     * stretched axis.
     */
    private int broadcast(int qtensor, QTensor outT) {
        return broadcast(qtensor, outT.shape(), outT.name());
    }

    /** {@code qtensor} broadcast to {@code os} (see {@link #broadcast(int, QTensor)}); new tensors named after {@code name}. */
    private int broadcast(int qtensor, int[] os, String name) {
        QTensor t = qm.tensor(qtensor);
        int[] ts = t.shape();
        TensorLayout lo = TensorLayout.of(os.length == 0 ? new int[] {1} : os);
        if (Arrays.equals(ts, os)) {
            return t.constantValues() != null ? model(name + "/" + t.name(), lo.dims(), t.constantValues()) : of(qtensor);
        }
        if (Shapes.broadcast(ts, os) == null || !Arrays.equals(Shapes.broadcast(ts, os), os)) {
            throw new UnsupportedModelException("operand " + t.name() + " of shape " + Arrays.toString(ts)
                    + " does not broadcast to " + Arrays.toString(os));
        }
        if (t.constantValues() != null) {
            int[] idx = Shapes.broadcastIndex(ts, os);
            int[] v = new int[idx.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.constantValues()[idx[i]];
            }
            return model(name + "/" + t.name() + " broadcast", lo.dims(), v);
        }
        int x = of(qtensor);
        int[] aligned = new int[os.length];
        for (int d = 0; d < os.length; d++) {
            int j = d - (os.length - ts.length);
            aligned[d] = j >= 0 ? ts[j] : 1;
        }
        if (!Arrays.equals(aligned, ts)) {
            int r = b.tensor(t.name() + "/rank " + os.length, TensorLayout.of(aligned), TensorRole.COMPUTED);
            b.layer(new IndexMapLayer(new int[] {x}, r, new IndexMap.Reshape()));
            x = r;
        }
        int[] cur = aligned.clone();
        for (int d = 0; d < os.length; d++) {
            if (cur[d] != os[d]) {
                cur[d] = os[d];
                int g = b.tensor(t.name() + "/broadcast " + Arrays.toString(cur), TensorLayout.of(cur), TensorRole.COMPUTED);
                b.layer(new IndexMapLayer(new int[] {x}, g, new IndexMap.Gather(d, new int[os[d]])));
                x = g;
            }
        }
        return x;
    }

    /**
     * Matmul of two run-time tensors (numpy semantics, ranks ≥ 2): each operand broadcast to the
     * output's batch dimensions, reshaped to [T, M, K] / [T, K, N] (the reshape also makes the
     * K-padding zero), a batched matmul layer, and a reshape to the output's shape.
     */
    private void compileMatMul(QOp.QMatMul mm, QTensor outT) {
        int[] as = qm.tensor(mm.a()).shape(), bs = qm.tensor(mm.b()).shape(), os = outT.shape();
        if (as.length < 2 || bs.length < 2 || os.length < 2) {
            throw new UnsupportedModelException("QMatMul of rank-1 operands is not supported by the prover yet");
        }
        int r = os.length;
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k || os[r - 2] != m || os[r - 1] != n) {
            throw new UnsupportedModelException("QMatMul shapes " + Arrays.toString(as) + " x " + Arrays.toString(bs) + " -> "
                    + Arrays.toString(os) + " are inconsistent");
        }
        long bound = satMul(satMul(maxAbs(mm.a()), maxAbs(mm.b())), k);
        requireInt32("QMatMul of " + qm.tensor(mm.a()).name() + " and " + qm.tensor(mm.b()).name(), bound);
        accBound.put(outT.id(), bound);
        int batch = 1;
        for (int d = 0; d < r - 2; d++) {
            batch *= os[d];
        }
        int[] at = os.clone();
        at[r - 1] = k;
        int[] bt = os.clone();
        bt[r - 2] = k;
        int a3 = b.tensor(outT.name() + "/left", TensorLayout.of(batch, m, k), TensorRole.COMPUTED);
        b.layer(new IndexMapLayer(new int[] {broadcast(mm.a(), at, outT.name() + "/left")}, a3, new IndexMap.Reshape()));
        int b3 = b.tensor(outT.name() + "/right", TensorLayout.of(batch, k, n), TensorRole.COMPUTED);
        b.layer(new IndexMapLayer(new int[] {broadcast(mm.b(), bt, outT.name() + "/right")}, b3, new IndexMap.Reshape()));
        int y3 = b.tensor(outT.name() + "/products", TensorLayout.of(batch, m, n), TensorRole.COMPUTED);
        b.layer(new BatchMatMulLayer(a3, b3, y3));
        b.layer(new IndexMapLayer(new int[] {y3}, computed(outT), new IndexMap.Reshape()));
    }

    /**
     * Masked fill with a constant mask: y = x ⊙ keep + fill·mask, with keep (1 where the mask is
     * 0) and fill·mask committed as MODEL tensors.
     */
    private void compileMaskedFill(QOp.QMaskedFill f, QTensor outT) {
        int[] mask = f.mask();
        int[] keep = new int[mask.length];
        int[] filled = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            keep[i] = mask[i] != 0 ? 0 : 1;
            filled[i] = mask[i] != 0 ? f.fill() : 0;
        }
        int[] dims = layout(outT).dims();
        int keepT = model(outT.name() + "/keep", dims, keep);
        int fillT = model(outT.name() + "/fill", dims, filled);
        int kept = b.tensor(outT.name() + "/kept", layout(outT), TensorRole.COMPUTED);
        b.layer(new ElementwiseProductLayer(of(f.input()), keepT, kept));
        b.layer(new ElementwiseLinearLayer(new int[] {kept, fillT}, new long[] {1, 1}, 0, computed(outT)));
    }

    /**
     * PRelu / LeakyRelu. One slope for every element: a lookup table over the input's whole
     * domain (the executor's own formula per entry). A slope per index along one axis:
     * pos = clamp(x, 0, max) (a table, which also bounds x), neg = x − pos, y = pos +
     * requant(neg) with a multiplier per index of that axis; requant(0) = 0 since lo ≤ 0 ≤ hi.
     */
    private void compilePRelu(QOp.QPRelu p, QTensor outT) {
        QTensor inT = qm.tensor(p.input());
        if (inT.kind() == QTensor.Kind.ACCUMULATOR || inT.bits() > 16) {
            throw new UnsupportedModelException("QPRelu on an int32 accumulator is not supported by the prover yet");
        }
        int x = of(p.input());
        int min = -(1 << (inT.bits() - 1));
        int size = 1 << inT.bits();
        int[] m = p.m(), sh = p.shift();
        boolean uniform = true;
        for (int j = 1; j < m.length; j++) {
            uniform &= m[j] == m[0] && sh[j] == sh[0];
        }
        if (uniform) {
            int[] table = new int[size];
            for (int i = 0; i < size; i++) {
                int v = min + i;
                table[i] = v >= 0 ? v : Requantize.clamp(Requantize.apply(v, m[0], sh[0]), p.lo(), p.hi());
            }
            b.layer(new TableLayer(x, advice(outT), min, table));
            return;
        }
        int[] os = outT.shape(), ss = p.slopeShape();
        int axis = -1;
        for (int d = 0; d < ss.length; d++) {
            if (ss[d] != 1) {
                if (axis >= 0) {
                    throw new UnsupportedModelException("QPRelu with slopes varying along more than one axis is not supported by the prover yet");
                }
                axis = d + (os.length - ss.length);
            }
        }
        if (axis < 0 || ss.length > os.length || ss[axis - (os.length - ss.length)] != os[axis] || m.length != os[axis]) {
            throw new UnsupportedModelException("QPRelu slope shape " + Arrays.toString(ss) + " does not match the input " + Arrays.toString(os));
        }
        if (p.lo() > 0 || p.hi() < 0) {
            throw new UnsupportedModelException("QPRelu with a clamp range [" + p.lo() + ", " + p.hi() + "] excluding 0 is not supported by the prover yet");
        }
        int[] relu = new int[size];
        for (int i = 0; i < size; i++) {
            relu[i] = Math.max(min + i, 0);
        }
        int pos = b.tensor(outT.name() + "/positive part", layout(outT), TensorRole.ADVICE);
        b.layer(new TableLayer(x, pos, min, relu));
        int neg = b.tensor(outT.name() + "/negative input", layout(outT), TensorRole.COMPUTED);
        b.layer(new ElementwiseLinearLayer(new int[] {x, pos}, new long[] {1, -1}, 0, neg));
        int scaled = b.tensor(outT.name() + "/negative part", layout(outT), TensorRole.ADVICE);
        requant(neg, scaled, axis, m, sh, p.lo(), p.hi(), outT.bits(), maxAbs(p.input()));
        b.layer(new ElementwiseLinearLayer(new int[] {pos, scaled}, new long[] {1, 1}, 0, computed(outT)));
    }

    /**
     * Average pooling: one Window index map per kernel position (0 outside the image), their sum,
     * then the requantization by m[count]. When the count differs between output positions
     * (padding without countIncludePad), the sum is viewed as [B·C, OH·OW] so that the
     * requantization has one multiplier per position, and its result is reshaped back.
     */
    private void compileAvgPool(QOp.QAvgPool p, QTensor outT) {
        int[] xs = qm.tensor(p.input()).shape();
        int[] ys = outT.shape();
        if (xs.length != 4 || ys.length != 4) {
            throw new UnsupportedModelException("QAvgPool on a rank-" + xs.length + " tensor is not supported by the prover yet");
        }
        long sumBound = satMul(maxAbs(p.input()), (long) p.kernelH() * p.kernelW());
        requireInt32("QAvgPool of " + qm.tensor(p.input()).name(), sumBound);
        int x = of(p.input());
        int h = xs[2], w = xs[3], oh = ys[2], ow = ys[3];
        int[] views = new int[p.kernelH() * p.kernelW()];
        for (int kh = 0; kh < p.kernelH(); kh++) {
            for (int kw = 0; kw < p.kernelW(); kw++) {
                int v = b.tensor(outT.name() + "/window" + kh + "," + kw, layout(outT), TensorRole.COMPUTED);
                b.layer(new IndexMapLayer(new int[] {x}, v, new IndexMap.Window(xs[0], xs[1], h, w, p.kernelH(), p.kernelW(),
                        p.strideH(), p.strideW(), p.padTop(), p.padLeft(), oh, ow, kh, kw)));
                views[kh * p.kernelW() + kw] = v;
            }
        }
        int acc = b.tensor(outT.name() + "/window sum", layout(outT), TensorRole.COMPUTED);
        long[] ones = new long[views.length];
        Arrays.fill(ones, 1);
        b.layer(new ElementwiseLinearLayer(views, ones, 0, acc));
        // the executor's count of each output position
        int[] mult = new int[oh * ow];
        int[] shifts = new int[oh * ow];
        boolean uniform = true;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int count = p.count(oy, ox, h, w);
                if (count >= p.m().length) {
                    throw new UnsupportedModelException("QAvgPool has no multiplier for a window of " + count + " positions");
                }
                mult[oy * ow + ox] = p.m()[count];
                shifts[oy * ow + ox] = p.shift();
                uniform &= mult[oy * ow + ox] == mult[0];
            }
        }
        if (uniform) {
            requant(acc, advice(outT), 0, new int[] {mult[0]}, new int[] {p.shift()}, p.lo(), p.hi(), outT.bits(), sumBound);
            return;
        }
        TensorLayout planes = TensorLayout.of(ys[0] * ys[1], oh * ow);
        int flat = b.tensor(outT.name() + "/window sum by position", planes, TensorRole.COMPUTED);
        b.layer(new IndexMapLayer(new int[] {acc}, flat, new IndexMap.Reshape()));
        int y = b.tensor(outT.name() + "/by position", planes, TensorRole.ADVICE);
        requant(flat, y, 1, mult, shifts, p.lo(), p.hi(), outT.bits(), sumBound);
        b.layer(new IndexMapLayer(new int[] {y}, computed(outT), new IndexMap.Reshape()));
    }

    /**
     * Sum over axes: a Transpose moving the reduced axes last (when they are not), a Reshape to
     * [rows, R], and a linear layer against a committed [1, R] tensor of ones, reshaped to the
     * output's shape.
     */
    private void compileReduceSum(QOp.QReduceSum r, QTensor outT) {
        int[] xs = qm.tensor(r.input()).shape();
        int rank = xs.length;
        boolean[] red = new boolean[rank];
        for (int a : r.axes()) {
            if (a < 0 || a >= rank) {
                throw new UnsupportedModelException("QReduceSum axis " + a + " of a rank-" + rank + " tensor");
            }
            red[a] = true;
        }
        int x = of(r.input());
        int[] perm = new int[rank];
        int[] permuted = new int[rank];
        int k = 0;
        long rows = 1, reduced = 1;
        for (int d = 0; d < rank; d++) {
            if (!red[d]) {
                perm[k] = d;
                permuted[k++] = xs[d];
                rows *= xs[d];
            }
        }
        for (int d = 0; d < rank; d++) {
            if (red[d]) {
                perm[k] = d;
                permuted[k++] = xs[d];
                reduced *= xs[d];
            }
        }
        requireInt32("QReduceSum of " + qm.tensor(r.input()).name(), satMul(maxAbs(r.input()), reduced));
        accBound.put(outT.id(), satMul(maxAbs(r.input()), reduced));
        boolean identity = true;
        for (int d = 0; d < rank; d++) {
            identity &= perm[d] == d;
        }
        if (!identity) {
            int tr = b.tensor(outT.name() + "/reduced axes last", TensorLayout.of(permuted), TensorRole.COMPUTED);
            b.layer(new IndexMapLayer(new int[] {x}, tr, new IndexMap.Transpose(perm)));
            x = tr;
        }
        int rowsT = b.tensor(outT.name() + "/rows", TensorLayout.of((int) rows, (int) reduced), TensorRole.COMPUTED);
        b.layer(new IndexMapLayer(new int[] {x}, rowsT, new IndexMap.Reshape()));
        int[] ones = new int[(int) reduced];
        Arrays.fill(ones, 1);
        int w = model(outT.name() + "/ones", new int[] {1, (int) reduced}, ones);
        if (zeroKnowledge && rows == 1) {
            // a sum to one element: a zero second row gives a zero second sum (the same ones, so every
            // batch's circuit commits the same model tensors), held as the sum's padded form
            int padRows = b.tensor(outT.name() + "/zk padded rows", TensorLayout.of(2, (int) reduced), TensorRole.COMPUTED);
            b.layer(new IndexMapLayer(new int[] {rowsT}, padRows, new IndexMap.Pad(new int[2])));
            int sums = b.tensor(outT.name() + "/row sums", TensorLayout.of(2, 1), TensorRole.COMPUTED);
            b.layer(new LinearLayer(padRows, w, -1, sums));
            int padded = b.tensor(outT.name() + "/zk padded", TensorLayout.of(zkPaddedDims(outT)), TensorRole.COMPUTED);
            b.layer(new IndexMapLayer(new int[] {sums}, padded, new IndexMap.Reshape()));
            zkPadded.put(outT.id(), padded);
            return;
        }
        int sums = b.tensor(outT.name() + "/row sums", TensorLayout.of((int) rows, 1), TensorRole.COMPUTED);
        b.layer(new LinearLayer(rowsT, w, -1, sums));
        b.layer(new IndexMapLayer(new int[] {sums}, computed(outT), new IndexMap.Reshape()));
    }

    private static boolean oneElement(QTensor t) {
        return Arrays.stream(layout(t).dims()).allMatch(d -> d == 1);
    }

    /** The dimensions of a one-element tensor's padded form ({@link #zkPadded}): its own, the last one 2. */
    private static int[] zkPaddedDims(QTensor t) {
        int[] dims = layout(t).dims();
        dims[dims.length - 1] = 2;
        return dims;
    }
}

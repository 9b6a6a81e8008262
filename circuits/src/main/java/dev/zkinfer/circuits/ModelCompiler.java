package dev.zkinfer.circuits;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.ElementwiseLinearLayer;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.MaxPoolLayer;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.SoftmaxLayer;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.nn.quant.QuantizedModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiles a quantized model (its list of integer ops) into a circuit of proof layers:
 * convolution = im2col index map + linear layer; dense = linear layer; requantization, clamps,
 * activation tables and max-pooling = lookup-based gadgets; reshape, transpose, slice, pad,
 * concat and gather = index maps. The last layer copies the model's output into a tensor with
 * zero padding, which the verifier evaluates from the public output.
 *
 * <p>Deterministic: the same model always gives the same circuit and the same digest.
 */
public final class ModelCompiler {
    /**
     * The compiled circuit, the padded values of its MODEL tensors, and for each tensor of the
     * quantized model the circuit tensor that holds it.
     */
    public record Compiled(Circuit circuit, Map<Integer, long[]> modelValues, int[] circuitTensorOf) {}

    private final QuantizedModel qm;
    private final Circuit.Builder b = new Circuit.Builder();
    private final Map<Integer, long[]> modelValues = new LinkedHashMap<>();
    private final int[] ct;

    private ModelCompiler(QuantizedModel qm) {
        this.qm = qm;
        this.ct = new int[qm.tensors().size()];
        Arrays.fill(ct, -1);
    }

    /** @throws UnsupportedModelException naming the first op that cannot be proved */
    public static Compiled compile(QuantizedModel qm) {
        return new ModelCompiler(qm).run();
    }

    private Compiled run() {
        if (qm.inputIds().length != 1 || qm.outputIds().length != 1) {
            throw new UnsupportedModelException("only models with one input and one output can be proved (this one has "
                    + qm.inputIds().length + " inputs and " + qm.outputIds().length + " outputs)");
        }
        QTensor in = qm.input();
        ct[in.id()] = b.tensor(in.name(), layout(in), TensorRole.INPUT);
        int index = 0;
        for (QOp op : qm.ops()) {
            try {
                compile(op);
            } catch (IllegalArgumentException | UnsupportedModelException e) {
                throw new UnsupportedModelException(op.kind() + " (op " + index + "): " + e.getMessage());
            }
            index++;
        }
        QTensor out = qm.output();
        int last = of(out.id());
        int output = b.tensor("output", layout(out), TensorRole.COMPUTED);
        b.layer(new IndexMapLayer(new int[] {last}, output, new IndexMap.Reshape()));
        Circuit circuit = b.build(ct[in.id()], output);
        return new Compiled(circuit, modelValues, ct.clone());
    }

    private static TensorLayout layout(QTensor t) {
        int[] shape = t.shape();
        return TensorLayout.of(shape.length == 0 ? new int[] {1} : shape);
    }

    private int of(int qtensor) {
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
                int w = model(outT.name() + "/weights", new int[] {c.outChannels(), k}, c.weights());
                int bias = c.bias() == null ? -1 : model(outT.name() + "/bias", new int[] {c.outChannels()}, c.bias());
                b.layer(new LinearLayer(col, w, bias, computed(outT)));
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
                int w = model(outT.name() + "/weights", new int[] {d.outFeatures(), d.inFeatures()}, d.weights());
                int bias = d.bias() == null ? -1 : model(outT.name() + "/bias", new int[] {d.outFeatures()}, d.bias());
                if (outT.shape().length == 2) {
                    b.layer(new LinearLayer(x, w, bias, computed(outT)));
                } else {
                    int y2 = b.tensor(outT.name() + "/rows", TensorLayout.of(rows, d.outFeatures()), TensorRole.COMPUTED);
                    b.layer(new LinearLayer(x, w, bias, y2));
                    b.layer(new IndexMapLayer(new int[] {y2}, computed(outT), new IndexMap.Reshape()));
                }
            }
            case QOp.QRequant r -> {
                int x = of(r.input());
                int rank = outT.shape().length;
                int axis = r.m().length == 1 ? 0 : (r.axis() < 0 ? r.axis() + rank : r.axis());
                b.layer(RequantLayer.create(b, x, advice(outT), axis, r.m(), r.shift(), r.lo(), r.hi(), outT.bits()));
            }
            case QOp.QAdd a -> {
                if (!Arrays.equals(qm.tensor(a.a()).shape(), qm.tensor(a.b()).shape())) {
                    throw new UnsupportedModelException("QAdd with broadcasting is not supported by the prover yet");
                }
                int acc = b.tensor(outT.name() + "/sum", layout(outT), TensorRole.COMPUTED);
                b.layer(new ElementwiseLinearLayer(new int[] {of(a.a()), of(a.b())}, new long[] {a.ma(), a.mb()}, 0, acc));
                b.layer(RequantLayer.create(b, acc, advice(outT), 0, new int[] {1}, new int[] {a.shift()}, a.lo(), a.hi(), outT.bits()));
            }
            case QOp.QClamp c -> {
                QTensor inT = qm.tensor(c.input());
                int min = -(1 << (inT.bits() - 1));
                int[] table = new int[1 << inT.bits()];
                for (int i = 0; i < table.length; i++) {
                    table[i] = Math.min(Math.max(min + i, c.lo()), c.hi());
                }
                b.layer(new TableLayer(of(c.input()), advice(outT), min, table));
            }
            case QOp.QTable t -> b.layer(new TableLayer(of(t.input()), advice(outT), t.inputMin(), t.table()));
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
                b.layer(MaxPoolLayer.create(b, views, advice(outT), outT.bits(), xs[2], xs[3], m.kernelH(), m.kernelW(),
                        m.strideH(), m.strideW(), m.padTop(), m.padLeft()));
            }
            case QOp.QSoftmax s -> b.layer(SoftmaxLayer.create(b, of(s.input()), advice(outT), s.outer(), s.mid(), s.inner(),
                    s.offset(), s.expTable(), s.outMax(), qm.tensor(s.input()).bits()));
            case QOp.QReshape r -> b.layer(new IndexMapLayer(new int[] {of(r.input())}, computed(outT), new IndexMap.Reshape()));
            case QOp.QTranspose t -> b.layer(new IndexMapLayer(new int[] {of(t.input())}, computed(outT), new IndexMap.Transpose(t.perm())));
            case QOp.QSlice s -> b.layer(new IndexMapLayer(new int[] {of(s.input())}, computed(outT), new IndexMap.Slice(s.starts(), s.steps())));
            case QOp.QConcat c -> {
                int[] ins = new int[c.inputs().length];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = of(c.inputs()[i]);
                }
                b.layer(new IndexMapLayer(ins, computed(outT), new IndexMap.Concat(c.axis())));
            }
            case QOp.QPad p -> {
                if (p.mode() != 0 || p.value() != 0) {
                    throw new UnsupportedModelException("Pad other than constant zero padding is not supported by the prover yet");
                }
                b.layer(new IndexMapLayer(new int[] {of(p.input())}, computed(outT), new IndexMap.Pad(p.before())));
            }
            case QOp.QGather g -> b.layer(new IndexMapLayer(new int[] {of(g.input())}, computed(outT), new IndexMap.Gather(g.axis(), g.indices())));
            default -> throw new UnsupportedModelException("operator " + op.kind() + " is not supported by the prover yet"
                    + " (supported: Conv, Dense, Requant, Add, Clamp/ReLU, activation tables, MaxPool, Softmax, Reshape, Transpose, Slice, Concat, Pad, Gather)");
        }
    }
}

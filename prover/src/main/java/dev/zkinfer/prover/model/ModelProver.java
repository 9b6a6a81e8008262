package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.circuit.CircuitProver;
import dev.zkinfer.prover.circuit.LayerProvers;
import dev.zkinfer.prover.circuit.WitnessValues;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Proves inferences of one model. Thread-safe: each call builds its own witness and transcript,
 * so one ModelProver can serve many requests at once.
 */
public final class ModelProver {
    private final ProvingKey pk;
    private final CircuitProver prover;
    private final IntegerExecutor executor = IntegerExecutor.create();

    public ModelProver(ProvingKey pk) {
        this(pk, Backends.get());
    }

    public ModelProver(ProvingKey pk, Backend backend) {
        this.pk = pk;
        this.prover = new CircuitProver(pk.verifyingKey(), pk.modelCommitment(), pk.modelTable(), backend);
    }

    /** Proves the inference of a quantized input (see {@link QuantizedModel#quantizeInput}). */
    public ProofResult prove(IntTensor input, Consumer<String> progress) {
        long t0 = System.nanoTime();
        progress.accept("computing the witness");
        WitnessValues w = witness(input);
        long t1 = System.nanoTime();
        byte[] proof = prover.prove(w, progress);
        long t2 = System.nanoTime();
        Circuit c = pk.verifyingKey().circuit();
        long[] out = c.tensor(c.output()).layout().unpad(w.get(c.output()));
        int[] data = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            data[i] = Math.toIntExact(Goldilocks.toSigned(out[i]));
        }
        return new ProofResult(proof, new IntTensor(pk.model().output().shape(), data), t1 - t0, t2 - t1);
    }

    /**
     * The witness: the input and the weights, every layer's outputs and advice computed by its
     * gadget, and the lookup multiplicities; then a check that every tensor the integer
     * executor also computes agrees with it bit for bit (so a proof is always of exactly what
     * {@code infer} computes).
     */
    WitnessValues witness(IntTensor input) {
        QuantizedModel qm = pk.model();
        Circuit c = pk.verifyingKey().circuit();
        int[] expected = qm.input().shape();
        if (!java.util.Arrays.equals(input.shape(), expected)) {
            throw new IllegalArgumentException("input has shape " + java.util.Arrays.toString(input.shape())
                    + ", the model expects " + java.util.Arrays.toString(expected));
        }
        pk.verifyingKey().io().checkInput(Arrays.stream(input.data()).asLongStream().toArray());
        WitnessValues w = new WitnessValues(c);
        w.put(c.input(), c.tensor(c.input()).layout().pad(field(input.data()), 0));
        for (Map.Entry<Integer, long[]> e : pk.compiled().modelValues().entrySet()) {
            w.put(e.getKey(), e.getValue());
        }
        for (Layer l : c.layers()) {
            LayerProvers.forLayer(l).computeWitness(l, w);
        }
        CircuitProver.computeMultiplicities(c, w);
        IntegerExecutor.Trace trace = executor.run(qm, input);
        int[] map = pk.compiled().circuitTensorOf();
        for (int q = 0; q < map.length; q++) {
            if (map[q] < 0 || c.tensor(map[q]).role() == TensorRole.MODEL) {
                continue;
            }
            IntTensor expectedValues = trace.value(q);
            if (expectedValues == null) {
                continue;
            }
            TensorLayout l = c.tensor(map[q]).layout();
            long[] got = l.unpad(w.get(map[q]));
            long[] want = field(expectedValues.data());
            if (!java.util.Arrays.equals(got, want)) {
                throw new IllegalStateException("witness disagrees with the integer executor at tensor " + qm.tensor(q).name());
            }
        }
        return w;
    }

    private static long[] field(int[] values) {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Goldilocks.fromSigned(values[i]);
        }
        return v;
    }
}

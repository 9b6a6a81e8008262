package dev.zkinfer.circuit;

import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled circuit: tensors, layers in forward (execution) order, the public inputs (k ≥ 0,
 * every INPUT tensor once) and outputs (m ≥ 1), and the lookup tables with one multiplicity tensor (ADVICE) per distinct table. Immutable once
 * built. Its encoding is part of the verifying key.
 * Immutable and thread-safe.
 */
public final class Circuit {
    private final List<CircuitTensor> tensors;
    private final List<Layer> layers;
    private final int[] inputs;
    private final int[] outputs;
    private final Map<LookupTable, Integer> multiplicities;
    /** The layer that computes each tensor (null for the others), by tensor id. */
    private final Layer[] producers;
    /** {@link ZeroPadding#dims} of every tensor, made on first use (after validation; a benign race). */
    private volatile int[] zeroPadding;

    private Circuit(List<CircuitTensor> tensors, List<Layer> layers, int[] inputs, int[] outputs, Map<LookupTable, Integer> multiplicities) {
        this.tensors = List.copyOf(tensors);
        this.layers = List.copyOf(layers);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        this.multiplicities = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(multiplicities));
        this.producers = new Layer[this.tensors.size()];
        for (Layer l : this.layers) {
            for (int t : l.outputs()) {
                if (t >= 0 && t < producers.length && producers[t] == null) {
                    producers[t] = l; // out-of-range or twice-defined outputs are refused by validate()
                }
            }
        }
    }

    /** The layer whose output the tensor is, or null (an INPUT, MODEL or ADVICE tensor). */
    public Layer producer(int tensor) {
        return producers[tensor];
    }

    /**
     * The dimensions d (bit d) of a tensor along which its padding is 0 by the circuit's relations
     * in integrity mode: every entry whose coordinate in d is a padding coordinate ({@link ZeroPadding}).
     */
    public int zeroPaddingDims(int tensor) {
        int[] z = zeroPadding;
        if (z == null) {
            zeroPadding = z = ZeroPadding.dims(this);
        }
        return z[tensor];
    }

    public List<CircuitTensor> tensors() {
        return tensors;
    }

    public CircuitTensor tensor(int id) {
        return tensors.get(id);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The public input tensors, in the model's input order (a fresh copy; may be empty). */
    public int[] inputs() {
        return inputs.clone();
    }

    /** The public output tensors, in the model's output order (a fresh copy; at least one). */
    public int[] outputs() {
        return outputs.clone();
    }

    /** The only input tensor; throws IllegalStateException unless there is exactly one. */
    public int input() {
        if (inputs.length != 1) {
            throw new IllegalStateException("the circuit has " + inputs.length + " inputs; use inputs()");
        }
        return inputs[0];
    }

    /** The only output tensor; throws IllegalStateException unless there is exactly one. */
    public int output() {
        if (outputs.length != 1) {
            throw new IllegalStateException("the circuit has " + outputs.length + " outputs; use outputs()");
        }
        return outputs[0];
    }

    /** Distinct lookup tables, in first-use order, each with its multiplicity tensor. */
    public Map<LookupTable, Integer> multiplicities() {
        return multiplicities;
    }

    public List<Integer> tensorsWithRole(TensorRole role) {
        List<Integer> ids = new ArrayList<>();
        for (CircuitTensor t : tensors) {
            if (t.role() == role) {
                ids.add(t.id());
            }
        }
        return ids;
    }

    /** Builds a circuit; layers are added in execution order. */
    public static final class Builder {
        private final List<CircuitTensor> tensors = new ArrayList<>();
        private final List<Layer> layers = new ArrayList<>();

        public int tensor(String name, TensorLayout layout, TensorRole role) {
            tensors.add(new CircuitTensor(tensors.size(), name, layout, role));
            return tensors.size() - 1;
        }

        public CircuitTensor get(int id) {
            return tensors.get(id);
        }

        public Builder layer(Layer layer) {
            layers.add(layer);
            return this;
        }

        /** {@link #build(int[], int[])} with one input and one output. */
        public Circuit build(int input, int output) {
            return build(new int[] {input}, new int[] {output});
        }

        /** Validates and finishes; adds one multiplicity tensor per distinct lookup table. */
        public Circuit build(int[] inputs, int[] outputs) {
            Map<LookupTable, Integer> mult = new LinkedHashMap<>();
            for (Layer l : layers) {
                for (LookupSpec spec : l.lookups()) {
                    mult.computeIfAbsent(spec.table(), t -> tensor("multiplicities of table " + mult.size(),
                            TensorLayout.of(1 << t.logSize()), TensorRole.ADVICE));
                }
            }
            Circuit c = new Circuit(tensors, layers, inputs, outputs, mult);
            c.validate();
            return c;
        }
    }

    /** Checks the description's internal consistency (also run on decoded keys). */
    void validate() {
        int n = tensors.size();
        if (outputs.length == 0 || outputs.length > MAX_IO || inputs.length > MAX_IO) {
            throw new IllegalArgumentException("a circuit needs 1 to " + MAX_IO + " outputs and at most " + MAX_IO + " inputs");
        }
        for (int o : outputs) {
            if (o < 0 || o >= n) {
                throw new IllegalArgumentException("output tensor out of range");
            }
        }
        // every INPUT tensor is a public input exactly once: the verifier evaluates each claim on an
        // INPUT tensor from the public input it is listed as
        boolean[] listed = new boolean[n];
        for (int i : inputs) {
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("input tensor out of range");
            }
            if (tensors.get(i).role() != TensorRole.INPUT) {
                throw new IllegalArgumentException("the input tensor must have role INPUT");
            }
            if (listed[i]) {
                throw new IllegalArgumentException("tensor " + tensors.get(i).name() + " is listed as an input twice");
            }
            listed[i] = true;
        }
        for (CircuitTensor t : tensors) {
            if (t.role() == TensorRole.INPUT && !listed[t.id()]) {
                throw new IllegalArgumentException("INPUT tensor " + t.name() + " is not a public input");
            }
        }
        boolean[] defined = new boolean[n];
        for (Layer l : layers) {
            for (int t : l.operands()) {
                if (t < 0 || t >= n) {
                    throw new IllegalArgumentException(l.kind() + " layer refers to tensor " + t + " of " + n);
                }
            }
            for (int t : l.outputs()) {
                if (t < 0 || t >= n || tensors.get(t).role() != TensorRole.COMPUTED || defined[t]) {
                    throw new IllegalArgumentException(l.kind() + " layer output " + t + " is not a fresh COMPUTED tensor");
                }
                defined[t] = true;
            }
            for (LookupSpec s : l.lookups()) {
                for (int t : s.columns()) {
                    if (t < 0 || t >= n) {
                        throw new IllegalArgumentException(l.kind() + " lookup refers to tensor " + t);
                    }
                }
            }
            l.checkShapes(this);
        }
        for (CircuitTensor t : tensors) {
            if (t.role() == TensorRole.COMPUTED && !defined[t.id()]) {
                throw new IllegalArgumentException("COMPUTED tensor " + t.name() + " has no layer defining it");
            }
        }
    }

    // ---- encoding ----

    public static final int MAX_TENSORS = 1 << 16;
    public static final int MAX_LAYERS = 1 << 14;
    public static final int MAX_RANK = 8;
    /** The most public inputs, and the most public outputs, a circuit may have. */
    public static final int MAX_IO = 1 << 10;

    public void encode(ProofWriter out) {
        out.u32(tensors.size());
        for (CircuitTensor t : tensors) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            out.u32(name.length).bytes(name).u8(t.role().ordinal()).u32(t.layout().rank());
            for (int d : t.layout().dims()) {
                out.u32(d);
            }
        }
        out.u32(inputs.length);
        for (int i : inputs) {
            out.u32(i);
        }
        out.u32(outputs.length);
        for (int o : outputs) {
            out.u32(o);
        }
        out.u32(layers.size());
        for (Layer l : layers) {
            out.u32(l.tag());
            l.encode(out);
        }
    }

    public static Circuit decode(ProofReader in) throws MalformedProofException {
        int nt = in.length("tensor count", 1, MAX_TENSORS);
        Builder b = new Builder();
        for (int i = 0; i < nt; i++) {
            int len = in.length("tensor name length", 0, 4096);
            String name = new String(in.bytes("tensor name", len), StandardCharsets.UTF_8);
            int role = in.u8("tensor role");
            if (role >= TensorRole.values().length) {
                throw new MalformedProofException("unknown tensor role " + role);
            }
            int rank = in.length("tensor rank", 0, MAX_RANK);
            int[] dims = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = in.length("tensor dimension", 1, 1 << TensorLayout.MAX_VARS);
            }
            try {
                b.tensors.add(new CircuitTensor(i, name, new TensorLayout(dims), TensorRole.values()[role]));
            } catch (IllegalArgumentException e) {
                throw new MalformedProofException("tensor " + name + ": " + e.getMessage());
            }
        }
        int[] inputs = new int[in.length("input count", 0, Math.min(nt, MAX_IO))];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = in.length("input tensor", 0, nt - 1);
        }
        int[] outputs = new int[in.length("output count", 1, MAX_IO)];
        for (int o = 0; o < outputs.length; o++) {
            outputs[o] = in.length("output tensor", 0, nt - 1);
        }
        int nl = in.length("layer count", 0, MAX_LAYERS);
        for (int i = 0; i < nl; i++) {
            b.layers.add(LayerCodec.decode(in.u32("layer tag"), in, nt));
        }
        // multiplicity tensors were encoded as ordinary tensors; rebuild the table map
        Map<LookupTable, Integer> mult = new LinkedHashMap<>();
        int next = nt;
        List<CircuitTensor> ts = b.tensors;
        for (Layer l : b.layers) {
            for (LookupSpec spec : l.lookups()) {
                if (!mult.containsKey(spec.table())) {
                    int id = findMultiplicityTensor(ts, mult.size());
                    mult.put(spec.table(), id);
                }
            }
        }
        try {
            Circuit c = new Circuit(ts, b.layers, inputs, outputs, mult);
            c.validate();
            return c;
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException("inconsistent circuit: " + e.getMessage());
        }
    }

    private static int findMultiplicityTensor(List<CircuitTensor> ts, int index) throws MalformedProofException {
        String name = "multiplicities of table " + index;
        for (CircuitTensor t : ts) {
            if (t.name().equals(name) && t.role() == TensorRole.ADVICE) {
                return t.id();
            }
        }
        throw new MalformedProofException("missing " + name);
    }

    /** SHA-256 of the encoding: the circuit digest. */
    public byte[] digest() {
        ProofWriter w = new ProofWriter();
        encode(w);
        try {
            return MessageDigest.getInstance("SHA-256").digest(w.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

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
 * A compiled circuit: tensors, layers in forward (execution) order, the public input and output,
 * and the lookup tables with one multiplicity tensor (ADVICE) per distinct table. Immutable once
 * built. Its encoding is part of the verifying key.
 * Immutable and thread-safe.
 */
public final class Circuit {
    private final List<CircuitTensor> tensors;
    private final List<Layer> layers;
    private final int input;
    private final int output;
    private final Map<LookupTable, Integer> multiplicities;

    private Circuit(List<CircuitTensor> tensors, List<Layer> layers, int input, int output, Map<LookupTable, Integer> multiplicities) {
        this.tensors = List.copyOf(tensors);
        this.layers = List.copyOf(layers);
        this.input = input;
        this.output = output;
        this.multiplicities = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(multiplicities));
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

    public int input() {
        return input;
    }

    public int output() {
        return output;
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

        /** Validates and finishes; adds one multiplicity tensor per distinct lookup table. */
        public Circuit build(int input, int output) {
            Map<LookupTable, Integer> mult = new LinkedHashMap<>();
            for (Layer l : layers) {
                for (LookupSpec spec : l.lookups()) {
                    mult.computeIfAbsent(spec.table(), t -> tensor("multiplicities of table " + mult.size(),
                            TensorLayout.of(1 << t.logSize()), TensorRole.ADVICE));
                }
            }
            Circuit c = new Circuit(tensors, layers, input, output, mult);
            c.validate();
            return c;
        }
    }

    /** Checks the description's internal consistency (also run on decoded keys). */
    void validate() {
        int n = tensors.size();
        if (input < 0 || input >= n || output < 0 || output >= n) {
            throw new IllegalArgumentException("input/output tensor out of range");
        }
        if (tensors.get(input).role() != TensorRole.INPUT) {
            throw new IllegalArgumentException("the input tensor must have role INPUT");
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

    public void encode(ProofWriter out) {
        out.u32(tensors.size());
        for (CircuitTensor t : tensors) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            out.u32(name.length).bytes(name).u8(t.role().ordinal()).u32(t.layout().rank());
            for (int d : t.layout().dims()) {
                out.u32(d);
            }
        }
        out.u32(input).u32(output).u32(layers.size());
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
        int input = in.length("input tensor", 0, nt - 1);
        int output = in.length("output tensor", 0, nt - 1);
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
            Circuit c = new Circuit(ts, b.layers, input, output, mult);
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

package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import java.util.List;

/**
 * A lookup-table activation (QTable; also QClamp given an explicit clamp table over the int8 /
 * int16 domain): {@code y = table[x − inputMin]}, element-wise, on the whole padded domain.
 *
 * <p>y is ADVICE (claims on it go to the witness commitment), so the layer defines no outputs.
 * All of the relation is one two-column lookup of (x_i, y_i) into the explicit table
 * {(inputMin + j, table[j])}: the LogUp-GKR argument that the driver runs before the layers
 * proves it for every padded index (so the honest witness gives padding entries
 * y = table[x_pad − inputMin] and x's padding must lie in the table's domain) and puts claims
 * on x and y. Being a function table (its first column has distinct entries), membership of
 * (x_i, y_i) implies y_i = table[x_i − inputMin].
 *
 * <p>Sub-proof: nothing but the domain tag "zkinfer/layer/Table/v1" in the transcript (no
 * bytes). Key encoding: x, y, inputMin, table length (1 ≤ n ≤ 2^20), n table entries (u32
 * each, signed).
 * Immutable and thread-safe.
 */
public final class TableLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/Table/v1";
    public static final int MAX_ENTRIES = 1 << LookupTable.MAX_LOG_SIZE;

    private final int x;
    private final int y;
    private final int inputMin;
    private final int[] table;
    private final LookupTable lookupTable;

    public TableLayer(int x, int y, int inputMin, int[] table) {
        if (table.length == 0 || table.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("Table layer: " + table.length + " entries, expected 1 to " + MAX_ENTRIES);
        }
        if ((long) inputMin + table.length - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Table layer: input domain exceeds int32");
        }
        this.x = x;
        this.y = y;
        this.inputMin = inputMin;
        this.table = table.clone();
        long[] in = new long[table.length];
        long[] out = new long[table.length];
        for (int j = 0; j < table.length; j++) {
            in[j] = Goldilocks.fromSigned((long) inputMin + j);
            out[j] = Goldilocks.fromSigned(table[j]);
        }
        this.lookupTable = LookupTable.explicit(new long[][] {in, out});
    }

    public int x() {
        return x;
    }

    public int y() {
        return y;
    }

    public int inputMin() {
        return inputMin;
    }

    public int[] table() {
        return table.clone();
    }

    /** table[v − inputMin], or throws if v is outside the domain. */
    public int apply(long v) {
        long j = v - inputMin;
        if (j < 0 || j >= table.length) {
            throw new IllegalArgumentException("Table layer: input " + v + " outside the table domain [" + inputMin + ", "
                    + ((long) inputMin + table.length - 1) + "]");
        }
        return table[(int) j];
    }

    @Override
    public int tag() {
        return LayerCodec.TABLE;
    }

    @Override
    public String kind() {
        return "Table";
    }

    @Override
    public int[] outputs() {
        return new int[0];
    }

    @Override
    public int[] operands() {
        return new int[] {x, y};
    }

    @Override
    public List<LookupSpec> lookups() {
        return List.of(new LookupSpec(lookupTable, new int[] {x, y}, new long[] {0, 0}));
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        ctx.transcript().domain(DOMAIN);
        if (!ctx.layout(x).equals(ctx.layout(y))) {
            throw new InvalidProofException("Table layer: x and y have different layouts");
        }
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(x).u32(y).u32(inputMin).u32(table.length);
        for (int v : table) {
            out.u32(v);
        }
    }

    public static TableLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int x = LayerCodec.tensorId(in, tensorCount, "table input");
        int y = LayerCodec.tensorId(in, tensorCount, "table output");
        int inputMin = in.u32("table input minimum");
        int n = in.length("table length", 1, MAX_ENTRIES);
        if (n > in.remaining() / 4) {
            throw new MalformedProofException("truncated table entries");
        }
        int[] t = new int[n];
        for (int j = 0; j < n; j++) {
            t[j] = in.u32("table entry");
        }
        try {
            return new TableLayer(x, y, inputMin, t);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException(e.getMessage());
        }
    }
}

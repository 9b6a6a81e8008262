package dev.zkinfer.circuit;

/**
 * A lookup: for every index i of the (same-layout) column tensors, the row
 * (columns[0][i] + offsets[0], ..., columns[k][i] + offsets[k]) must be a row of {@code table}
 * — padding entries included, so the prover's padding must be valid rows too.
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record LookupSpec(LookupTable table, int[] columns, long[] offsets) {
    public LookupSpec {
        if (columns.length != table.columns() || offsets.length != columns.length) {
            throw new IllegalArgumentException("lookup into a " + table.columns() + "-column table with " + columns.length + " columns");
        }
        columns = columns.clone();
        offsets = offsets.clone();
    }

    public static LookupSpec range(int bits, int tensor, long offset) {
        return new LookupSpec(LookupTable.range(bits), new int[] {tensor}, new long[] {offset});
    }
}

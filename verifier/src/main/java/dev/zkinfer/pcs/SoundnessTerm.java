package dev.zkinfer.pcs;

/**
 * One term of the round-by-round soundness analysis of {@link PcsParameters}: an adversary
 * passes this step with probability at most 2^-bits.
 *
 * @param component which step (e.g. "round 0 queries")
 * @param bits -log2 of the error bound
 * @param formula the bound, as a formula, with its source
 * Immutable and thread-safe.
 */
public record SoundnessTerm(String component, double bits, String formula) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%-34s %7.1f bits   %s", component, bits, formula);
    }
}

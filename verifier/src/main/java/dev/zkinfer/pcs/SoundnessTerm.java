package dev.zkinfer.pcs;

/**
 * One term of the round-by-round soundness analysis of {@link PcsParameters}: an adversary
 * passes this step with probability at most 2^-bits.
 *
 * @param component which step (e.g. "round 0 queries")
 * @param bits -log2 of the error bound
 * @param formula the bound, as a formula, with its source
 * @param grindingBits the proof-of-work bits included in {@code bits} (0 for most terms)
 * Immutable and thread-safe.
 */
public record SoundnessTerm(String component, double bits, String formula, int grindingBits) {
    /** A term without proof-of-work. */
    public SoundnessTerm(String component, double bits, String formula) {
        this(component, bits, formula, 0);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%-34s %7.1f bits   %s", component, bits, formula);
    }
}

package dev.zkinfer.security;

/**
 * Named security levels (DESIGN.md "Security"). Every level is <em>provable</em>: the
 * commitment's query and folding errors use the unique-decoding or Johnson-bound regimes
 * only, never the (disproved) up-to-capacity proximity-gap conjecture.
 * Immutable and thread-safe.
 */
public enum SecurityProfile {
    /** At least 100 bits of provable soundness: the default. */
    DEFAULT(100, "default"),
    /** At least 128 bits of provable soundness. */
    STRONG(128, "128");

    private final int bits;
    private final String cliName;

    SecurityProfile(int bits, String cliName) {
        this.bits = bits;
        this.cliName = cliName;
    }

    /** The soundness target in bits. */
    public int bits() {
        return bits;
    }

    /** The name on the command line ({@code --profile default|128}). */
    public String cliName() {
        return cliName;
    }

    /** Parses {@code default}, {@code 100} or {@code 128}. */
    public static SecurityProfile parse(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "default", "100" -> DEFAULT;
            case "128", "strong" -> STRONG;
            default -> throw new IllegalArgumentException("unknown security profile '" + name + "' (expected default or 128)");
        };
    }
}

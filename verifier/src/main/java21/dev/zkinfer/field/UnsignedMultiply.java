package dev.zkinfer.field;

/**
 * The high 64 bits of the unsigned 128-bit product of two longs: the Java 21+ variant of the
 * multi-release verifier jar, through the JIT intrinsic {@code Math.unsignedMultiplyHigh}.
 * Stateless and thread-safe.
 */
final class UnsignedMultiply {
    private UnsignedMultiply() {}

    static long high(long a, long b) {
        return Math.unsignedMultiplyHigh(a, b);
    }
}

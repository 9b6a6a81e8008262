package dev.zkinfer.field;

/**
 * The high 64 bits of the unsigned 128-bit product of two longs, on every Java release the
 * verifier supports. This is the Java 17 version: {@code Math.unsignedMultiplyHigh} exists only
 * from Java 18, so the signed high product is corrected for the operands' sign bits. The
 * verifier jar is multi-release: on Java 21 and later the JVM loads the variant in
 * {@code META-INF/versions/21}, which calls the intrinsic {@code Math.unsignedMultiplyHigh}.
 * Stateless and thread-safe.
 */
final class UnsignedMultiply {
    private UnsignedMultiply() {}

    static long high(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}

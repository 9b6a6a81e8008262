package dev.zkinfer.field;

/**
 * The high 64 bits of the unsigned 128-bit product of two longs, on every Java release the
 * verifier supports. This is the Java 17 version: {@code Math.unsignedMultiplyHigh} exists only
 * from Java 18, and TeaVM, which compiles this version for the web verifier, has neither it nor
 * {@code Math.multiplyHigh}, so the product is computed on 32-bit halves. The
 * verifier jar is multi-release: on Java 21 and later the JVM loads the variant in
 * {@code META-INF/versions/21}, which calls the intrinsic {@code Math.unsignedMultiplyHigh}.
 * Stateless and thread-safe.
 */
final class UnsignedMultiply {
    private UnsignedMultiply() {}

    static long high(long a, long b) {
        // Schoolbook on 32-bit halves rather than Math.multiplyHigh, which TeaVM's class library
        // (the web verifier is compiled from this version) lacks.
        long aLo = a & 0xFFFFFFFFL;
        long aHi = a >>> 32;
        long bLo = b & 0xFFFFFFFFL;
        long bHi = b >>> 32;
        long lo = aLo * bLo;
        long mid1 = aHi * bLo + (lo >>> 32);
        long mid2 = aLo * bHi + (mid1 & 0xFFFFFFFFL);
        return aHi * bHi + (mid1 >>> 32) + (mid2 >>> 32);
    }
}

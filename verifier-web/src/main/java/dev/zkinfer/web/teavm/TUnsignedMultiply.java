package dev.zkinfer.web.teavm;

/**
 * TeaVM's {@code dev.zkinfer.field.UnsignedMultiply} (see {@link VerifierSubstitutions}): the high
 * 64 bits of the unsigned 128-bit product, on 32-bit halves, since TeaVM's class library has
 * neither {@code Math.multiplyHigh} (the verifier's Java 17 version) nor
 * {@code Math.unsignedMultiplyHigh} (its Java 21 version). The tests check it against the latter.
 */
public final class TUnsignedMultiply {
    private TUnsignedMultiply() {}

    public static long high(long a, long b) {
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

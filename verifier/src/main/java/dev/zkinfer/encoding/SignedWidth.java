package dev.zkinfer.encoding;

import dev.zkinfer.field.Goldilocks;

/** The byte width of the public values' encoding ({@link ProofWriter#signedValues}). Stateless and thread-safe. */
final class SignedWidth {
    private SignedWidth() {}

    /** The least of 1, 2, 4 and 8 bytes that holds every value's signed form in two's complement (8 for an empty array: 1). */
    static int of(long[] fieldValues) {
        long lo = 0, hi = 0;
        for (long v : fieldValues) {
            long s = Goldilocks.toSigned(v);
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        for (int w = 1; w < 8; w <<= 1) {
            long bound = 1L << (8 * w - 1);
            if (lo >= -bound && hi < bound) {
                return w;
            }
        }
        return 8;
    }
}

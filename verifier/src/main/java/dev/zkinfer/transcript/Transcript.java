package dev.zkinfer.transcript;

import dev.zkinfer.field.Ext3;

/**
 * A Fiat–Shamir transcript: the prover and the verifier absorb the same messages in the same
 * order and derive the same challenges.
 *
 * <p>Binding rules (DESIGN.md "Security"): every absorb is labelled and length-prefixed; every
 * sub-protocol opens with {@link #domain}; every prover message is absorbed before the
 * challenge that depends on it; challenges are sampled without modular bias. Callers must
 * absorb, in order, the protocol/version tag (done by the constructor), the parameter set, the
 * verifying-key digest, the public input and output, and then the proof's messages.
 * Implementations are not thread-safe: a transcript is a running state of one proof or verification.
 */
public interface Transcript {
    /** Starts a sub-protocol: absorbs its domain tag. */
    void domain(String tag);

    void absorbBytes(String label, byte[] data);

    void absorbLongs(String label, long[] values);

    void absorbExt(String label, Ext3 value);

    /** Absorbs {@code count} array-form extension elements starting at element {@code from}. */
    void absorbExts(String label, long[] arrayForm, int from, int count);

    /** A uniform base-field element, by rejection sampling of 64-bit words. */
    long challengeBase(String label);

    /** A uniform element of GF(p^3). */
    Ext3 challengeExt(String label);

    /** {@code count} uniform integers in [0, bound), by rejection sampling. */
    int[] challengeIndices(String label, int count, int bound);

    /** {@code count} raw challenge bytes (e.g. a proof-of-work seed). */
    byte[] challengeBytes(String label, int count);

    default void absorbLong(String label, long value) {
        absorbLongs(label, new long[] {value});
    }
}

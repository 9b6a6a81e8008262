package dev.zkinfer.client;

import dev.zkinfer.VerificationResult;

/**
 * What the client concluded about a job: valid (the proof verified locally against the trusted
 * verifying key, for the submitted input) with the proved output, or invalid with the reason.
 * The output is only readable from a valid result, so an invalid one cannot be mistaken for an
 * answer. Immutable and thread-safe.
 */
public final class VerifiedInference {
    private final String jobId;
    private final VerificationResult result;
    private final long[] outputInt;
    private final double outputScale;
    private final byte[] proof;

    VerifiedInference(String jobId, VerificationResult result, long[] outputInt, double outputScale, byte[] proof) {
        this.jobId = jobId;
        this.result = result;
        this.outputInt = outputInt;
        this.outputScale = outputScale;
        this.proof = proof;
    }

    public String jobId() {
        return jobId;
    }

    public boolean isValid() {
        return result.isValid();
    }

    /** "valid", or why not. */
    public VerificationResult result() {
        return result;
    }

    /** The proved output as real numbers; throws IllegalStateException when the result is invalid. */
    public double[] output() {
        long[] q = outputInt();
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = q[i] * outputScale;
        }
        return out;
    }

    /** The proved output as the circuit's integers; throws IllegalStateException when the result is invalid. */
    public long[] outputInt() {
        if (!result.isValid()) {
            throw new IllegalStateException("no output: the proof is invalid (" + result.reason() + ")");
        }
        return outputInt.clone();
    }

    /** The proof bytes as the server sent them (null when none was fetched). */
    public byte[] proof() {
        return proof == null ? null : proof.clone();
    }
}

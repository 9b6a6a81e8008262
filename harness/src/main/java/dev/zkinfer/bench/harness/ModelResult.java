package dev.zkinfer.bench.harness;

import java.util.OptionalLong;

/**
 * The measurements of one model. Times are milliseconds (median and spread of the timed runs
 * after warm-up); {@code prove} is the whole prover call (witness generation included),
 * {@code witness} its witness-generation part; {@code compile} is the one-time key generation
 * (one run). Stages that could not run are {@link Stats#NONE}, and {@code notes} says why.
 * A proof proves {@code batch} inferences (one batch proof; 1 without {@code --batch}): the prove
 * and verify times are per proof, the prove time per inference is the prove time over the batch;
 * {@code peakRssMb} is the process's peak resident set while the model was measured (up to and
 * including this batch size).
 */
public record ModelResult(
        String model,
        int batch,
        String description,
        long params,
        String inputShape,
        Stats inferFloat,
        Stats inferInt,
        double compileMs,
        Stats prove,
        Stats witness,
        Stats verify,
        long proofBytes,
        long verifyingKeyBytes,
        double peakRssMb,
        boolean verified,
        String notes) {

    /** Median prove time per inference (ms): the prove time over {@link #batch}. */
    public double provePerInferenceMs() {
        return prove.median() / batch();
    }

    /** Replicated compute for N replicas: N integer inferences (per inference). */
    public double replicatedMs(long n) {
        return n * inferInt.median();
    }

    /** Proved compute for N verifiers, per inference: one proof plus N verifications over the batch (the one-time compile excluded). */
    public double provedMs(long n) {
        return (prove.median() + n * verify.median()) / batch;
    }

    /**
     * The smallest N where, per inference, proving plus N verifications cost no more than N
     * integer inferences; empty for never. For a batch proof both are shared by its inferences:
     * one prove and one verification of the batch proof cover {@code batch} of them, so each
     * inference costs prove/batch and each verifier verify/batch.
     */
    public OptionalLong breakEvenN() {
        return breakEven(prove.median() / batch, verify.median() / batch, inferInt.median());
    }

    /** The same against N float inferences. */
    public OptionalLong breakEvenNFloat() {
        return breakEven(prove.median() / batch, verify.median() / batch, inferFloat.median());
    }

    /** The smallest N >= 1 with {@code prove + N verify <= N infer}; empty when verify >= infer (never) or unmeasured. */
    static OptionalLong breakEven(double prove, double verify, double infer) {
        if (Double.isNaN(prove) || Double.isNaN(verify) || Double.isNaN(infer) || verify >= infer) {
            return OptionalLong.empty();
        }
        double n = Math.ceil(prove / (infer - verify));
        if (n > 1e15) {
            return OptionalLong.empty();
        }
        long k = Math.max(1, (long) n);
        // guard against rounding at the boundary
        while (k > 1 && prove + (k - 1) * verify <= (k - 1) * infer) {
            k--;
        }
        while (prove + k * verify > k * infer) {
            k++;
        }
        return OptionalLong.of(k);
    }

    public boolean complete() {
        return inferFloat.present() && inferInt.present() && prove.present() && verify.present() && proofBytes > 0;
    }
}

package dev.zkinfer.bench.harness;

import java.util.OptionalLong;

/**
 * The measurements of one model. Times are milliseconds (median and spread of the timed runs
 * after warm-up); {@code prove} is the whole prover call (witness generation included),
 * {@code witness} its witness-generation part; {@code compile} is the one-time key generation
 * (one run). Stages that could not run are {@link Stats#NONE}, and {@code notes} says why.
 * Every proof proves one inference ({@link #batch} is 1), so the prove time per inference is the
 * prove time; {@code peakRssMb} is the process's peak resident set while the model was measured.
 */
public record ModelResult(
        String model,
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

    /** Inferences per proof: 1 (one input per proof). */
    public int batch() {
        return 1;
    }

    /** Median prove time per inference (ms): the prove time over {@link #batch}. */
    public double provePerInferenceMs() {
        return prove.median() / batch();
    }

    /** Replicated compute for N replicas: N integer inferences. */
    public double replicatedMs(long n) {
        return n * inferInt.median();
    }

    /** Proved compute for N verifiers: one proof plus N verifications (the one-time compile excluded). */
    public double provedMs(long n) {
        return prove.median() + n * verify.median();
    }

    /** The smallest N where one proof plus N verifications cost no more than N integer inferences; empty for never. */
    public OptionalLong breakEvenN() {
        return breakEven(prove.median(), verify.median(), inferInt.median());
    }

    /** The same against N float inferences. */
    public OptionalLong breakEvenNFloat() {
        return breakEven(prove.median(), verify.median(), inferFloat.median());
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

package dev.zkinfer.prover.backend;

/**
 * The native backend: the prover's hot loops in C ({@code prover/src/main/native/c}),
 * compiled into {@code libzkinfer.so} by the build when gcc is present and loaded through
 * JNA. Multi-threaded over big buffers (a work-sharing pool, {@code pool.c}); 64×64-bit products through 128-bit
 * integers with delayed reduction; SHA-256 with the SHA-NI instructions where the CPU has
 * them (a portable compression function otherwise). Results equal the scalar reference's
 * bit for bit, whatever the thread count (the field is exact).
 *
 * <p>Native: NTT, Reed–Solomon encoding, Möbius transform, Merkle leaves and nodes, MLE
 * evaluation, eq accumulation (single and batch), WHIR sumcheck round and fold; sumcheck
 * folds (base and extension), the round sums of Σ f·g fused with the fold, and the round sums
 * of any other sum of products within {@link NativeKernels#MAX_TABLES} tables,
 * {@link NativeKernels#MAX_TERMS} terms and degree {@link NativeKernels#MAX_DEGREE}; the
 * proof-of-work search; the LogUp-GKR fraction-tree parents and layer-sumcheck rounds
 * ({@link NativeLogUpKernels}). Delegated to the Java kernels it is built on (vector, or scalar
 * without the Vector API): round sums beyond those bounds, the last LogUp fold, and inputs too
 * small to be worth a native call (see {@link NativeCommitKernels}, {@link NativeSumcheckKernels}).
 */
final class NativeBackend implements Backend {
    private final SumcheckKernels sumcheck;
    private final CommitKernels commit;
    private final LogUpKernels logUp;

    /**
     * The system property that sets the native kernels' threshold (elements or pairs; default
     * {@link NativeCommitKernels#MIN_NATIVE}). The launcher lowers it for short runs, which run
     * with the C1 compiler alone: there the Java kernels are several times slower than with C2,
     * so small inputs already pay for a native call. The values do not depend on it.
     */
    static final String MIN_NATIVE_PROPERTY = "zkinfer.native.min";

    /** Backs the native kernels with the given Java backend for what stays in Java. */
    NativeBackend(Backend java) {
        this(java, minNative());
    }

    /** The threshold from {@link #MIN_NATIVE_PROPERTY}, or the default when it is unset or not a number from 0 to 2^20. */
    static int minNative() {
        String v = System.getProperty(MIN_NATIVE_PROPERTY);
        if (v != null) {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 0 && n <= 1 << 20) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the default below
            }
        }
        return NativeCommitKernels.MIN_NATIVE;
    }

    /** Inputs with fewer than minNative elements run on {@code java}; tests pass 0 to run everything natively. */
    NativeBackend(Backend java, int minNative) {
        this.sumcheck = new NativeSumcheckKernels(java.sumcheck(), minNative);
        this.commit = new NativeCommitKernels(java.commit(), minNative);
        this.logUp = new NativeLogUpKernels(java.logUp(), minNative);
    }

    /** Why the native library cannot be used, or null when it loaded. */
    static String unavailableReason() {
        return NativeKernels.LOAD_ERROR;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public SumcheckKernels sumcheck() {
        return sumcheck;
    }

    @Override
    public CommitKernels commit() {
        return commit;
    }

    @Override
    public LogUpKernels logUp() {
        return logUp;
    }
}

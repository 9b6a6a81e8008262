package dev.zkinfer.prover.backend;

final class VectorCommitKernels implements CommitKernels {
    private final ScalarCommitKernels scalar = new ScalarCommitKernels();

    @Override
    public void ntt(long[] values, int logN) {
        // Placeholder delegation until the PCS work provides the parallel NTT; results are identical.
        scalar.ntt(values, logN);
    }
}

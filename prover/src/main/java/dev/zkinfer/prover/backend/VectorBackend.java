package dev.zkinfer.prover.backend;

/** Vector API and multi-threaded kernels; must agree bit for bit with {@link ScalarBackend}. */
final class VectorBackend implements Backend {
    private final SumcheckKernels sumcheck = new ParallelSumcheckKernels();
    private final LogUpKernels logUp = new ParallelLogUpKernels();
    private final CommitKernels commit = new VectorCommitKernels();

    @Override
    public String name() {
        return "vector";
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

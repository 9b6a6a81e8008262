package dev.zkinfer.prover.backend;

/** The readable reference backend: single-threaded scalar loops. */
final class ScalarBackend implements Backend {
    static final ScalarBackend INSTANCE = new ScalarBackend();
    private final SumcheckKernels sumcheck = new ScalarSumcheckKernels();
    private final LogUpKernels logUp = new ScalarLogUpKernels();
    private final CommitKernels commit = new ScalarCommitKernels();

    @Override
    public String name() {
        return "scalar";
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

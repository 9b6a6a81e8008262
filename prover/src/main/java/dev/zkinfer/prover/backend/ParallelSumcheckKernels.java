package dev.zkinfer.prover.backend;

final class ParallelSumcheckKernels implements SumcheckKernels {
}

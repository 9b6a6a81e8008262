package dev.zkinfer.prover.backend;

final class ScalarSumcheckKernels implements SumcheckKernels {
}

package dev.zkinfer.prover.backend;

/** Kernels of the sumcheck prover (see dev.zkinfer.prover.sumcheck). */
public interface SumcheckKernels {
}

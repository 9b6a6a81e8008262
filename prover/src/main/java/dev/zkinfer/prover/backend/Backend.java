package dev.zkinfer.prover.backend;

/**
 * The prover's compute backend: the hot loops of proving, behind one interface (STYLE.md,
 * "one interface, several speeds, chosen once"). The scalar backend is the readable
 * specification; every other backend must produce byte-identical proofs, which differential
 * tests check.
 *
 * <p>Implementations are thread-safe: one backend instance serves every prover and proof in the JVM at once.
 */
public interface Backend {
    /** The name used by the system property {@code zkinfer.backend}. */
    String name();

    /** Sumcheck round evaluations and folds. */
    SumcheckKernels sumcheck();

    /** Reed–Solomon encoding (NTT) and Merkle hashing for commitments. */
    CommitKernels commit();

    /** Fraction-tree and layer-sumcheck kernels of the LogUp-GKR prover. */
    LogUpKernels logUp();
}

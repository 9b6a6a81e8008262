/**
 * SHA-256 Merkle trees for the polynomial commitment: leaf/node hashing with domain separation
 * ({@link dev.zkinfer.merkle.MerkleHash}) and verification of compressed multi-path openings
 * ({@link dev.zkinfer.merkle.MerkleVerifier}). The prover side, which builds trees with the
 * backend's multi-threaded kernels, is {@code dev.zkinfer.prover.merkle.MerkleTree}.
 */
package dev.zkinfer.merkle;

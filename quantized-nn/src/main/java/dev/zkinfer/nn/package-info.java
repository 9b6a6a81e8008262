/**
 * zkinfer's neural-network side: ONNX import ({@link dev.zkinfer.nn.onnx.OnnxModel}), the float
 * reference executor ({@link dev.zkinfer.nn.graph.FloatExecutor}), fixed-point quantization
 * ({@link dev.zkinfer.nn.quant.Quantizer}) and the bit-exact integer executor
 * ({@link dev.zkinfer.nn.quant.IntegerExecutor}) whose per-op outputs are the prover's witness.
 * Input readers live in {@link dev.zkinfer.nn.io}. Nothing here depends on the proof system.
 */
package dev.zkinfer.nn;

package dev.zkinfer.nn.quant;

/**
 * How to quantize.
 *
 * @param activationBits 8 (default) or 16: the signed width of every activation tensor
 * @param constantBits signed width of constant operands of element-wise ops (Add / Mul / Pad
 *     constants); weights of Conv / Gemm / MatMul are always int8 per output channel
 * @param percentile calibration range: 1.0 takes the maximum |x| seen; e.g. 0.9999 takes that
 *     quantile of |x| over all calibration values of a tensor (clipping rare outliers)
 * @param fuseRelu fold a ReLU that follows a Conv / Gemm / MatMul into its requantization clamp
 * @param headroom factor (at least 1) applied to every activation's calibrated range: inputs the
 *     calibration did not cover then saturate later. int16 uses 2 (one of its 15 bits: a held-out
 *     text drives the char GPT's LayerNorm outputs up to 7 % past the range of 64 calibration
 *     windows, and clamping there is an error that more bits do not shrink); int8 keeps 1, where
 *     a bit costs more than the occasional clamp
 * Immutable and thread-safe.
 */
public record QuantizationOptions(int activationBits, int constantBits, double percentile, boolean fuseRelu, double headroom) {
  /** Without headroom (factor 1). */
  public QuantizationOptions(int activationBits, int constantBits, double percentile, boolean fuseRelu) {
    this(activationBits, constantBits, percentile, fuseRelu, 1.0);
  }

  public QuantizationOptions {
    if (!(headroom >= 1 && headroom <= 1 << 8)) throw new IllegalArgumentException("headroom must be in [1, 256], got " + headroom);
    if (activationBits != 8 && activationBits != 16) throw new IllegalArgumentException("activation bits must be 8 or 16, got " + activationBits);
    if (constantBits < 8 || constantBits > 16) throw new IllegalArgumentException("constant bits must be in [8, 16], got " + constantBits);
    if (!(percentile > 0.5 && percentile <= 1)) throw new IllegalArgumentException("percentile must be in (0.5, 1], got " + percentile);
  }

  public static QuantizationOptions int8() {
    return new QuantizationOptions(8, 16, 1.0, true);
  }

  public static QuantizationOptions int16() {
    return new QuantizationOptions(16, 16, 1.0, true, 2.0);
  }

  public QuantizationOptions withPercentile(double p) {
    return new QuantizationOptions(activationBits, constantBits, p, fuseRelu, headroom);
  }

  public QuantizationOptions withHeadroom(double h) {
    return new QuantizationOptions(activationBits, constantBits, percentile, fuseRelu, h);
  }
}

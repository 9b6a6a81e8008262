package dev.zkinfer.nn.quant;

/**
 * The fixed-point rescaling used everywhere in the integer model: {@code y = (x * M + 2^(s-1)) >> s}
 * with an integer multiplier M in [2^23, 2^24) (or 0) and a shift s in [1, 62], computed in 64-bit
 * arithmetic with an arithmetic (flooring) shift, i.e. x * M / 2^s rounded half up (toward +inf).
 * With |x| &lt; 2^31 and M &lt; 2^24 the product stays below 2^55, far from 2^63.
 * Stateless static functions: thread-safe.
 */
public final class Requantize {
  /** Multipliers are normalized into [2^23, 2^24). */
  public static final int MULTIPLIER_BITS = 24;

  private Requantize() {}

  /** {@code (x * m + 2^(shift-1)) >> shift}. */
  public static long apply(long x, int m, int shift) {
    return (x * m + (1L << (shift - 1))) >> shift;
  }

  public static int clamp(long v, int lo, int hi) {
    return (int) Math.max(lo, Math.min(hi, v));
  }

  /** A multiplier and shift with M / 2^s approximating {@code real} (a non-negative real). */
  public record Multiplier(int m, int shift) {
    public double value() {
      return m / Math.pow(2, shift);
    }
  }

  /**
   * The pair (M, s) with M in [2^23, 2^24) and M / 2^s closest to {@code real}; M = 0 when
   * {@code real} is below 2^-38 (its effect on any int32 input rounds away). Fails for reals of
   * 2^22 or more, which no sensible scale ratio produces.
   */
  public static Multiplier multiplier(double real) {
    if (!(real >= 0) || Double.isInfinite(real)) throw new IllegalArgumentException("requantization factor " + real + " is not a finite non-negative number");
    if (real < 0x1p-38) return new Multiplier(0, 1);
    int e = Math.getExponent(real);
    int shift = MULTIPLIER_BITS - 1 - e;
    long m = Math.round(Math.scalb(real, shift));
    if (m == 1L << MULTIPLIER_BITS) {
      m >>= 1;
      shift--;
    }
    if (shift < 1) throw new IllegalArgumentException("requantization factor " + real + " is too large");
    if (shift > 62) return new Multiplier(0, 1);
    return new Multiplier((int) m, shift);
  }
}

package dev.zkinfer.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The workloads of {@link InferenceBenchmark} (the same setup and the same methods), measured
 * interleaved: each round runs every workload for one short slice, in turn, so that int8 and
 * onnxruntime see the same machine; the ratios are taken within each round and their median
 * reported. On a shared host, whose speed drifts by tens of percent over seconds, this compares
 * more reliably than JMH's one benchmark after the other.
 *
 * <p>Usage: {@code java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * 'benchmarks/target/classes:benchmarks/target/lib/*' -Dzkinfer.shared=../shared
 * dev.zkinfer.bench.InferenceComparison [rounds] [sliceMillis]} (default 30 rounds of 200 ms).
 */
public final class InferenceComparison {
  private record Workload(String name, int imagesPerCall, Callable<Object> call) {}

  private InferenceComparison() {}

  public static void main(String[] args) throws Exception {
    int rounds;
    long sliceNanos;
    try {
      rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
      sliceNanos = (args.length > 1 ? Integer.parseInt(args[1]) : 200) * 1_000_000L;
    } catch (NumberFormatException e) {
      rounds = -1;
      sliceNanos = -1;
    }
    if (rounds < 1 || sliceNanos <= 0 || args.length > 2) {
      System.err.println("usage: InferenceComparison [rounds >= 1] [sliceMillis >= 1], got " + String.join(" ", args));
      System.exit(2);
    }
    InferenceBenchmark b = new InferenceBenchmark();
    b.setup();
    try {
      Workload[] w = {
        new Workload("int8, 1 image, 1 thread", 1, b::integerOneImageOneThread),
        new Workload("int8, batch of 10, 1 thread", InferenceBenchmark.ORT_BATCH, b::integerBatchOneThread),
        new Workload("onnxruntime float, batch of 10, 1 thread", InferenceBenchmark.ORT_BATCH, b::onnxruntimeFloatOneThread),
        new Workload("int8, batch of 64, 2 threads", InferenceBenchmark.BATCH, b::integerBatchTwoThreads),
        new Workload("onnxruntime float, batch of 10, 2 threads", InferenceBenchmark.ORT_BATCH, b::onnxruntimeFloatTwoThreads),
      };
      for (Workload x : w) perImageMicros(x, 2_000_000_000L);
      double[][] t = new double[w.length][rounds];
      for (int r = 0; r < rounds; r++) {
        // Rotate the order so that no workload always follows the same one.
        for (int k = 0; k < w.length; k++) {
          int i = (k + r) % w.length;
          t[i][r] = perImageMicros(w[i], sliceNanos);
        }
      }
      System.out.printf(Locale.ROOT, "LeNet-5, %d interleaved rounds of %d ms per workload; microseconds per image%n", rounds, sliceNanos / 1_000_000);
      System.out.printf(Locale.ROOT, "%-44s %8s %8s %8s%n", "workload", "median", "p25", "p75");
      for (int i = 0; i < w.length; i++) {
        double[] s = t[i].clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-44s %8.2f %8.2f %8.2f%n", w[i].name(), quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75));
      }
      System.out.println("ratios int8 / onnxruntime (median of the per-round ratios, p25-p75; below 1: int8 faster)");
      ratio("1 thread, batch of 10 vs batch of 10", t[1], t[2]);
      ratio("1 thread, 1 image vs batch of 10", t[0], t[2]);
      ratio("2 threads, batch of 64 vs batch of 10", t[3], t[4]);
    } finally {
      b.tearDown();
    }
  }

  /** Runs the workload for at least the given time; per image, in microseconds. */
  private static double perImageMicros(Workload w, long nanos) throws Exception {
    long start = System.nanoTime(), calls = 0, now;
    Object sink = null;
    do {
      sink = w.call().call();
      calls++;
      now = System.nanoTime();
    } while (now - start < nanos);
    if (sink == null) throw new IllegalStateException(w.name() + " returned nothing");
    return (now - start) / 1e3 / (calls * w.imagesPerCall());
  }

  private static void ratio(String what, double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
    Arrays.sort(r);
    System.out.printf(Locale.ROOT, "  %-40s %.3f (%.3f-%.3f)%n", what, quantile(r, 0.5), quantile(r, 0.25), quantile(r, 0.75));
  }

  /** The q-quantile of sorted values, interpolated linearly. */
  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}

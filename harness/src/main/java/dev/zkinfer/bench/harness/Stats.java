package dev.zkinfer.bench.harness;

import java.util.Arrays;

/** Timed samples of one stage, in milliseconds: the median, and the spread (min, max). */
public record Stats(double median, double min, double max, int runs) {
    public static final Stats NONE = new Stats(Double.NaN, Double.NaN, Double.NaN, 0);

    public static Stats of(double[] samplesMs) {
        if (samplesMs.length == 0) {
            return NONE;
        }
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Stats(median, s[0], s[n - 1], n);
    }

    public boolean present() {
        return runs > 0;
    }
}

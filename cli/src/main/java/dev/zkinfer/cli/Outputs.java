package dev.zkinfer.cli;

import dev.zkinfer.nn.tensor.IntTensor;
import java.util.Locale;

/** Prints a model output: the real values, and the argmax per row for classifiers. */
final class Outputs {
    private Outputs() {}

    static void print(CliSupport cli, double[] values, IntTensor ints) {
        print(cli, "output", values, ints);
    }

    /**
     * Prints every output (labelled "output 0", "output 1", ... when there are several) and, for
     * {@code --json}, puts {@code outputs} and {@code outputs_int} (one array per output) into
     * {@code j}, plus {@code output} and {@code output_int} for a one-output model.
     */
    static void all(CliSupport cli, CliSupport.Json j, java.util.List<long[]> ints, java.util.List<Double> scales, java.util.List<int[]> shapes) {
        java.util.List<double[]> reals = new java.util.ArrayList<>();
        for (int k = 0; k < ints.size(); k++) {
            long[] v = ints.get(k);
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = v[i] * scales.get(k);
            }
            reals.add(r);
        }
        if (j != null) {
            if (ints.size() == 1) {
                j.put("output", reals.get(0)).put("output_int", ints.get(0));
            }
            j.put("outputs", reals).put("outputs_int", ints);
            return;
        }
        for (int k = 0; k < ints.size(); k++) {
            long[] v = ints.get(k);
            int[] iv = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                iv[i] = (int) v[i];
            }
            print(cli, ints.size() == 1 ? "output" : "output " + k, reals.get(k), new IntTensor(shapes.get(k), iv));
        }
    }

    private static void print(CliSupport cli, String label, double[] values, IntTensor ints) {
        int[] shape = ints.shape();
        int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
        int rows = values.length / Math.max(1, cols);
        for (int r = 0; r < rows; r++) {
            StringBuilder sb = new StringBuilder(rows > 1 ? label + "[" + r + "]: " : label + ": ");
            int best = 0;
            for (int c = 0; c < cols; c++) {
                double v = values[r * cols + c];
                sb.append(c > 0 ? " " : "").append(String.format(Locale.ROOT, "%.4g", v));
                if (v > values[r * cols + best]) {
                    best = c;
                }
            }
            if (cols > 1) {
                sb.append("   (argmax ").append(best).append(')');
            }
            if (cli.quiet) {
                cli.out.println(sb);
            } else {
                cli.say("%s", sb);
            }
        }
    }
}

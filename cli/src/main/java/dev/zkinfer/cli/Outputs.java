package dev.zkinfer.cli;

import dev.zkinfer.nn.tensor.IntTensor;
import java.util.Locale;

/** Prints a model output: the real values, and the argmax per row for classifiers. */
final class Outputs {
    private Outputs() {}

    static void print(CliSupport cli, double[] values, IntTensor ints) {
        int[] shape = ints.shape();
        int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
        int rows = values.length / Math.max(1, cols);
        for (int r = 0; r < rows; r++) {
            StringBuilder sb = new StringBuilder(rows > 1 ? "output[" + r + "]: " : "output: ");
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

    static void print(CliSupport cli, long[] ints, double scale, int[] shape) {
        double[] v = new double[ints.length];
        int[] iv = new int[ints.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = ints[i] * scale;
            iv[i] = (int) ints[i];
        }
        print(cli, v, new IntTensor(shape, iv));
    }
}

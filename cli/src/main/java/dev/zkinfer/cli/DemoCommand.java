package dev.zkinfer.cli;

import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the main job end to end on the bundled LeNet-5 and MNIST digits. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run zkinfer end to end on the bundled LeNet-5 and an MNIST test digit.")
final class DemoCommand implements Callable<Integer> {
    static final String SAMPLE = "/dev/zkinfer/samples/lenet5/";

    @Option(names = "--digit", description = "Which bundled test digit to use (0-255, default ${DEFAULT-VALUE}).", defaultValue = "0")
    int digit;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (digit < 0 || digit > 255) {
            throw new UserError("--digit must be between 0 and 255, got " + digit);
        }
        byte[] onnx = resource("lenet5.onnx");
        Graph graph = OnnxModel.load(onnx, OnnxLoadOptions.defaults().withBatchSize(1));
        Digits digits = Digits.load();
        out.printf("Model: bundled LeNet-5 (%,d parameters), MNIST test digit #%d (label %d)%n",
                graph.parameterCount(), digit, digits.labels[digit]);
        out.println(digits.picture(digit));
        long t0 = System.nanoTime();
        Tensor output = new FloatExecutor(graph).run(Tensor.of(new int[] {1, 1, 28, 28}, digits.normalized(digit)));
        long t1 = System.nanoTime();
        out.printf("Float inference: predicted %d (label %d) in %.1f ms%n", output.argmaxOfRow(0), digits.labels[digit], (t1 - t0) / 1e6);
        return Main.EXIT_OK;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE + name)) {
            if (in == null) {
                throw new IOException("the bundled sample " + name + " is missing from the class path (is zkinfer-samples built?)");
            }
            return in.readAllBytes();
        }
    }

    /** The bundled MNIST digits (IDX format). */
    record Digits(int rows, int cols, byte[] pixels, int[] labels) {
        static Digits load() throws IOException {
            try (var img = new DataInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(resource("digits-images-idx3-ubyte.gz"))));
                    var lab = new DataInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(resource("digits-labels-idx1-ubyte.gz"))))) {
                if (img.readInt() != 0x803 || lab.readInt() != 0x801) {
                    throw new IOException("bundled digits are not in IDX format");
                }
                int n = img.readInt(), rows = img.readInt(), cols = img.readInt();
                if (lab.readInt() != n) {
                    throw new IOException("bundled digits and labels disagree in count");
                }
                byte[] px = img.readNBytes(n * rows * cols);
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = lab.readUnsignedByte();
                }
                return new Digits(rows, cols, px, labels);
            }
        }

        /** LeNet preprocessing: pixel/255, then (x − 0.1307) / 0.3081. */
        double[] normalized(int i) {
            double[] x = new double[rows * cols];
            for (int k = 0; k < x.length; k++) {
                x[k] = ((pixels[i * rows * cols + k] & 0xFF) / 255.0 - 0.1307) / 0.3081;
            }
            return x;
        }

        /** A 14-line text picture (two pixel rows per line). */
        String picture(int i) {
            String shades = " .:-=+*#%@";
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < rows; r += 2) {
                sb.append("    ");
                for (int c = 0; c < cols; c++) {
                    int v = Math.max(pixels[i * rows * cols + r * cols + c] & 0xFF, pixels[i * rows * cols + (r + 1) * cols + c] & 0xFF);
                    sb.append(shades.charAt(v * (shades.length() - 1) / 255));
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }
}

package dev.zkinfer.cli;

import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizationReport;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import dev.zkinfer.transcript.Sha256Transcript;
import dev.zkinfer.transcript.Transcript;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs zkinfer on the bundled LeNet-5 and MNIST digits: quantization with its accuracy report,
 * the model commitment (the model's identity) with an opening proof checked by the verifier,
 * and bit-exact integer inference of one digit. Whole-model proving is not implemented yet,
 * and the demo says so.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run zkinfer on the bundled LeNet-5 and an MNIST test digit.")
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
        Graph graph;
        try (InputStream in = resource("lenet5.onnx")) {
            graph = OnnxModel.load(in.readAllBytes(), OnnxLoadOptions.defaults().withBatchSize(1));
        }
        MnistIdx.Images images = MnistIdx.readImages(resource("digits-images-idx3-ubyte.gz"), "bundled digits");
        int[] labels = MnistIdx.readLabels(resource("digits-labels-idx1-ubyte.gz"), "bundled labels");
        out.printf("Model: bundled LeNet-5, %,d parameters; input: MNIST test digit #%d%n%n", graph.parameterCount(), digit);

        // 1. Quantize (calibrated on the bundled digits).
        long t0 = System.nanoTime();
        List<Tensor> calibration = new ArrayList<>();
        for (int i = 0; i < images.count(); i++) {
            calibration.add(images.lenetInput(i));
        }
        QuantizedModel model = Quantizer.quantize(graph, calibration, QuantizationOptions.int8());
        QuantizationReport report = QuantizationReport.compare(graph, model, calibration);
        long t1 = System.nanoTime();
        out.printf("1. Quantized to int8 in %.0f ms: argmax agrees with float on %.1f %% of %d digits, max |error| %.4f%n",
                (t1 - t0) / 1e6, 100 * report.argmaxAgreement(), report.samples(), report.maxAbsError());

        // 2. Commit to all weights and biases (the model's identity), open at a random point, verify.
        modelCommitment(model, out);

        // 3. Bit-exact integer inference of the digit.
        out.println();
        out.println(picture(images, digit));
        IntegerExecutor executor = IntegerExecutor.create();
        IntTensor x = model.quantizeInput(images.lenetInput(digit));
        executor.infer(model, x); // warm-up: the first run pays for class loading and JIT
        long t2 = System.nanoTime();
        IntTensor y = executor.infer(model, x);
        long t3 = System.nanoTime();
        int predicted = argmax(y);
        out.printf("3. Integer inference: predicted %d, label %d (%s), %.2f ms%n", predicted, labels[digit],
                predicted == labels[digit] ? "correct" : "wrong", (t3 - t2) / 1e6);
        out.println();
        out.println("Not yet: compiling the model into a circuit and proving this inference end to end");
        out.println("(zkinfer compile / prove / verify) are still being built; see README.md, 'Status'.");
        return Main.EXIT_OK;
    }

    private static void modelCommitment(QuantizedModel model, PrintStream out) {
        List<int[]> parts = new ArrayList<>();
        for (QOp op : model.ops()) {
            if (op instanceof QOp.QConv c) {
                parts.add(c.weights());
                parts.add(c.bias());
            } else if (op instanceof QOp.QDense d) {
                parts.add(d.weights());
                parts.add(d.bias());
            }
        }
        for (QTensor t : model.tensors()) {
            if (t.kind() == QTensor.Kind.CONSTANT && t.constantValues() != null) {
                parts.add(t.constantValues());
            }
        }
        List<Long> values = new ArrayList<>();
        for (int[] part : parts) {
            if (part != null) {
                for (int v : part) {
                    values.add(Goldilocks.fromSigned(v));
                }
            }
        }
        int numVars = Math.max(1, 64 - Long.numberOfLeadingZeros(values.size() - 1L));
        long[] table = new long[1 << numVars];
        for (int i = 0; i < values.size(); i++) {
            table[i] = values.get(i);
        }
        PcsParameters params = PcsParameters.forSecurity(SecurityProfile.DEFAULT.bits(), numVars);
        WhirProver prover = new WhirProver(params);
        long t0 = System.nanoTime();
        WhirProver.WhirCommitment commitment = prover.commit(table, numVars);
        long t1 = System.nanoTime();
        Ext3[] point = new Ext3[numVars];
        Transcript pt = new Sha256Transcript("zkinfer/demo");
        pt.absorbBytes("model-root", commitment.root());
        for (int k = 0; k < numVars; k++) {
            point[k] = pt.challengeExt("point");
        }
        ProofWriter w = new ProofWriter();
        Ext3 value = prover.open(commitment, List.<Ext3[]>of(point), w, pt)[0];
        long t2 = System.nanoTime();
        byte[] proof = w.toByteArray();
        Transcript vt = new Sha256Transcript("zkinfer/demo");
        vt.absorbBytes("model-root", commitment.root());
        for (int k = 0; k < numVars; k++) {
            vt.challengeExt("point");
        }
        String verdict;
        long t3 = System.nanoTime();
        try {
            ProofReader r = new ProofReader(proof);
            new WhirVerifier(params).verifyOpening(commitment.root(), numVars, List.of(new EvaluationClaim(point, value)), r, vt);
            r.finish();
            verdict = "valid";
        } catch (dev.zkinfer.InvalidProofException e) {
            verdict = "invalid: " + e.getMessage();
        }
        long t4 = System.nanoTime();
        out.printf("2. Model commitment: %,d weights and biases as one multilinear polynomial (2^%d), WHIR over SHA-256%n",
                values.size(), numVars);
        out.printf("   root %s (the model's identity), committed in %.0f ms%n", HexFormat.of().formatHex(commitment.root()), (t1 - t0) / 1e6);
        out.printf("   opening at a random point: %,d bytes, proved in %.0f ms, verified in %.2f ms: %s (%.0f bits provable)%n",
                proof.length, (t2 - t1) / 1e6, (t4 - t3) / 1e6, verdict, params.securityBits());
    }

    private static int argmax(IntTensor y) {
        int best = 0;
        for (int i = 1; i < y.size(); i++) {
            if (y.get(i) > y.get(best)) {
                best = i;
            }
        }
        return best;
    }

    static InputStream resource(String name) throws IOException {
        InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE + name);
        if (in == null) {
            throw new IOException("the bundled sample " + name + " is missing from the class path (is zkinfer-samples built?)");
        }
        return in;
    }

    /** A 14-line text picture (two pixel rows per line). */
    static String picture(MnistIdx.Images images, int i) {
        String shades = " .:-=+*#%@";
        byte[] px = images.pixels()[i];
        int rows = images.rows(), cols = images.cols();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r + 1 < rows; r += 2) {
            sb.append("    ");
            for (int c = 0; c < cols; c++) {
                int v = Math.max(px[r * cols + c] & 0xFF, px[(r + 1) * cols + c] & 0xFF);
                sb.append(shades.charAt(v * (shades.length() - 1) / 255));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}

package dev.zkinfer.cli;

import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ProvingKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "infer", mixinStandardHelpOptions = true, description = "Run plain integer inference (no proof) and print the output.")
final class InferCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--pk", required = true, paramLabel = "DIR/model.pk", description = "The proving key from 'zkinfer compile'.")
    Path pk;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "input.json or an Arrow IPC file (one row per inference).")
    Path input;

    @Option(names = "--clamp-inputs", description = "Clamp input values outside the model's calibrated input range (default: refuse them); the output says how many were clamped.")
    boolean clampInputs;

    @Override
    public Integer call() throws Exception {
        ProvingKey key = KeyFiles.provingKey(pk, progress());
        QuantizedModel qm = key.model();
        QuantizedModel.QuantizedInput qx = InputFiles.quantized(input, qm, clampInputs);
        IntTensor q = qx.values();
        IntegerExecutor executor = IntegerExecutor.create();
        long t0 = System.nanoTime();
        IntTensor y = executor.infer(qm, q);
        long t1 = System.nanoTime();
        endProgress();
        double[] out = qm.dequantize(qm.output().id(), y).data();
        if (json) {
            this.out.println(new Json().put("output", out).put("output_int", toLongs(y.data())).put("clamped_inputs", qx.clamped())
                    .put("timings_ms", new Json().put("infer", ms(t1 - t0))));
        } else {
            Outputs.print(this, out, y);
            InputFiles.sayClamped(this, qx.clamped());
            say("Integer inference: %.3f ms", (t1 - t0) / 1e6);
        }
        return Main.EXIT_OK;
    }

    static long[] toLongs(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}

package dev.zkinfer.cli;

import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.prover.model.ProvingKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "infer", mixinStandardHelpOptions = true, description = "Run plain integer inference (no proof) and print the output.")
final class InferCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--pk", required = true, paramLabel = "DIR/model.pk", description = "The proving key from 'zkinfer compile'.")
    Path pk;

    @Option(names = "--input", paramLabel = "FILE",
            description = "input.json (one list per model input, in order; one input may take several lists, which together make up its batch) or an Arrow IPC file or stream (one column per model input, by name or in order; its rows together make up the input). Leave it out for a model without run-time input.")
    Path input;

    @Option(names = "--clamp-inputs", description = "Clamp input values outside the model's calibrated input range (default: refuse them); the output says how many were clamped.")
    boolean clampInputs;

    @Override
    public Integer call() throws Exception {
        ProvingKey key = KeyFiles.provingKey(pk, progress());
        QuantizedModel qm = key.model();
        QuantizedModel.QuantizedInputs qx = InputFiles.quantized(input, qm, clampInputs);
        IntegerExecutor executor = IntegerExecutor.create();
        long t0 = System.nanoTime();
        IntegerExecutor.Trace trace = executor.run(qm, qx.array(), null, false);
        long t1 = System.nanoTime();
        endProgress();
        List<IntTensor> ys = new ArrayList<>();
        for (int id : qm.outputIds()) {
            ys.add(trace.value(id));
        }
        if (json) {
            Json j = new Json();
            outputs(this, j, qm, ys);
            this.out.println(j.put("clamped_inputs", qx.clamped()).put("timings_ms", new Json().put("infer", ms(t1 - t0))));
        } else {
            outputs(this, null, qm, ys);
            InputFiles.sayClamped(this, qx.clamped());
            say("Integer inference: %.3f ms", (t1 - t0) / 1e6);
        }
        return Main.EXIT_OK;
    }

    /** Prints the model's outputs, or puts them into {@code j} when it is not null (see {@link Outputs#all}). */
    static void outputs(CliSupport cli, Json j, QuantizedModel qm, List<IntTensor> ys) {
        List<long[]> ints = new ArrayList<>();
        List<Double> scales = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        int[] ids = qm.outputIds();
        for (int k = 0; k < ids.length; k++) {
            ints.add(toLongs(ys.get(k).data()));
            scales.add(qm.tensor(ids[k]).scale());
            shapes.add(ys.get(k).shape());
        }
        Outputs.all(cli, j, ints, scales, shapes);
    }

    static long[] toLongs(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}

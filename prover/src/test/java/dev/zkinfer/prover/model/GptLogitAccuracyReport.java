package dev.zkinfer.prover.model;

import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.GptBuilder;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The integer GPT's next-token logits against the float graph's (not a test; a measurement):
 * argmax agreement and the largest and mean absolute logit error over held-out prompts, as
 * ProofCostReport quantizes it (int16, 2 calibration prompts of seed 42). Usage:
 * {@code GptLogitAccuracyReport gpt2-16|gpt:L,H,D,V,T [prompts]}.
 */
public final class GptLogitAccuracyReport {
    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        String spec = args[0];
        int prompts = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        GptBuilder.Config config;
        int tokens;
        if (spec.startsWith("gpt2-")) {
            config = GptBuilder.Config.gpt2Small();
            tokens = Integer.parseInt(spec.substring(5));
        } else {
            int[] v = Arrays.stream(spec.substring(4).split(",")).mapToInt(Integer::parseInt).toArray();
            config = new GptBuilder.Config(v[0], v[1], v[2], v[3], Math.max(v[4], 1));
            tokens = v[4];
        }
        Graph g = GptBuilder.build(42, config, tokens, true);
        QuantizedModel qm = Quantizer.quantize(g, GptBuilder.randomPrompts(42, config.vocab(), tokens, 2), QuantizationOptions.int16());
        FloatExecutor fe = new FloatExecutor(g);
        IntegerExecutor ie = IntegerExecutor.create();
        List<Tensor> held = GptBuilder.randomPrompts(1234, config.vocab(), tokens, prompts);
        int agree = 0;
        double maxErr = 0, sumErr = 0, range = 0;
        long n = 0;
        for (Tensor p : held) {
            Tensor f = fe.run(p);
            Tensor q = qm.dequantize(qm.outputIds()[0], ie.infer(qm, qm.quantizeInput(p)));
            if (f.argmaxOfRow(0) == q.argmaxOfRow(0)) agree++;
            for (int i = 0; i < f.size(); i++) {
                double e = Math.abs(f.get(i) - q.get(i));
                maxErr = Math.max(maxErr, e);
                sumErr += e;
                range = Math.max(range, Math.abs(f.get(i)));
                n++;
            }
        }
        System.out.printf("%s: argmax agreement %d/%d, logits max |error| %.5f, mean |error| %.6f, max |logit| %.4f%n", spec, agree,
                held.size(), maxErr, sumErr / n, range);
    }
}

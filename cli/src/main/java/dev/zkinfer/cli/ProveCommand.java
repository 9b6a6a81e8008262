package dev.zkinfer.cli;

import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.model.ModelProver;
import dev.zkinfer.prover.model.ProofResult;
import dev.zkinfer.prover.model.ProvingKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prove", mixinStandardHelpOptions = true, description = "Run the model and prove the inference; write the proof.")
final class ProveCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--pk", required = true, paramLabel = "DIR/model.pk", description = "The proving key from 'zkinfer compile'.")
    Path pk;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "input.json or an Arrow IPC file (one row per inference).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PROOF", description = "Where to write the proof.")
    Path proofFile;

    @Option(names = "--clamp-inputs", description = "Clamp input values outside the model's calibrated input range (default: refuse them); the output says how many were clamped.")
    boolean clampInputs;

    @Override
    public Integer call() throws Exception {
        CliSupport.checkOutput(proofFile);
        var progress = progress();
        ProvingKey key = KeyFiles.provingKey(pk, progress);
        QuantizedModel qm = key.model();
        QuantizedModel.QuantizedInput qx = InputFiles.quantized(input, qm, clampInputs);
        IntTensor x = qx.values();
        ProofResult res = new ModelProver(key).prove(x, progress);
        CliSupport.writeAtomically(proofFile, res.proof());
        endProgress();
        double[] out = qm.dequantize(qm.output().id(), res.output()).data();
        if (json) {
            this.out.println(new Json().put("output", out).put("output_int", InferCommand.toLongs(res.output().data()))
                    .put("clamped_inputs", qx.clamped()).put("proof_bytes", res.proof().length).put("proof", proofFile.toString())
                    .put("timings_ms", new Json().put("witness", ms(res.witnessNanos())).put("prove", ms(res.proveNanos()))
                            .put("total", ms(res.witnessNanos() + res.proveNanos()))));
        } else {
            Outputs.print(this, out, res.output());
            InputFiles.sayClamped(this, qx.clamped());
            say("Proof: %,d bytes written to %s", res.proof().length, proofFile);
            say("Timings: witness %.0f ms, prove %.0f ms, total %.0f ms", res.witnessNanos() / 1e6, res.proveNanos() / 1e6,
                    (res.witnessNanos() + res.proveNanos()) / 1e6);
        }
        return Main.EXIT_OK;
    }
}

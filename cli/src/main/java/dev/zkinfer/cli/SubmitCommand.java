package dev.zkinfer.cli;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.client.ProvingServiceClient;
import dev.zkinfer.client.VerifiedInference;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Have a proving service prove an inference, and verify the proof here.",
            "Fetches the model's verifying key and checks that its digest is --model, submits --input, waits for the proof, verifies it and checks that it is "
                    + "for --input. Prints 'valid' and the proved output, or 'invalid: <reason>' (exit 1); a server that cannot be reached or refuses: exit 2."})
final class SubmitCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "URL", description = "The service, e.g. http://prover:8080")
    URI server;

    @Option(names = "--model", required = true, paramLabel = "DIGEST", description = "The digest of the model you trust (from 'zkinfer compile' or POST /v1/models).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "input.json or an Arrow IPC file.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PROOF", description = "Where to write the proof (also when invalid, for inspection).")
    Path proofFile;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The service's bearer token; also read from ZKINFER_TOKEN.")
    String token;

    @Option(names = "--timeout", defaultValue = "10m", paramLabel = "DURATION", converter = ProveCommand.DurationConverter.class,
            description = "Give up waiting for the proof after this (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (!model.trim().matches("[0-9a-fA-F]{64}")) {
            throw new UserError("--model must be a model digest (64 hex digits), got '" + model + "'");
        }
        CliSupport.checkOutput(proofFile);
        ProvingServiceClient client = new ProvingServiceClient(server, token != null ? token : System.getenv("ZKINFER_TOKEN"));
        long t0 = System.nanoTime();
        VerifyingKey vk = client.trustedVerifyingKey(model);    // InvalidProofException (exit 1): another model's key
        Circuit c = vk.circuit();
        double[] x = InputFiles.tensors(input, new int[][] {c.tensor(c.input()).layout().dims()}, new String[] {c.tensor(c.input()).name()}).get(0).data();
        String id = client.submit(model, x, UUID.randomUUID().toString());
        client.await(id, timeout);
        long t1 = System.nanoTime();
        VerifiedInference r = client.verify(vk, id, x, false);
        long t2 = System.nanoTime();
        CliSupport.writeAtomically(proofFile, r.proof());
        if (!r.isValid()) {
            throw new InvalidProofException(r.result().reason());
        }
        int[] outShape = c.tensor(c.output()).layout().dims();
        if (json) {
            out.println(new Json().put("valid", true).put("job", id).put("output", r.output()).put("output_int", r.outputInt())
                    .put("proof", proofFile.toString()).put("timings_ms", new Json().put("service", ms(t1 - t0)).put("verify", ms(t2 - t1))));
        } else {
            out.println("valid");
            Outputs.all(this, null, java.util.List.of(r.outputInt()), java.util.List.of(vk.io().outputScale()), java.util.List.of(outShape));
            say("Job %s: proved by the service in %.0f ms (submission to proof), verified here in %.1f ms; proof written to %s",
                    id, (t1 - t0) / 1e6, (t2 - t1) / 1e6, proofFile);
        }
        return Main.EXIT_OK;
    }
}

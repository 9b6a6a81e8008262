package dev.zkinfer.cli;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitTensor;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.ProofSecurity;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.prover.model.ProvingKey;
import dev.zkinfer.security.SecurityReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe a proving key, verifying key or proof: sizes, layers, security bits per component, digest.")
final class InspectCommand extends CliSupport implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "model.pk, model.vk or a proof.")
    Path file;

    @Override
    public Integer call() throws Exception {
        byte[] bytes = CliSupport.read(file, "file");
        String magic = bytes.length >= 4 ? new String(bytes, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
        switch (magic) {
            case "ZKVK" -> describeKey("verifying key", bytes.length, KeyFiles.verifyingKey(file));
            case "ZKPK" -> describeKey("proving key", bytes.length, KeyFiles.provingKey(file, progress()).verifyingKey());
            case "ZKPF" -> describeProof(bytes);
            default -> throw new UserError(file + " is not a zkinfer key or proof (unknown magic)");
        }
        return Main.EXIT_OK;
    }

    private void describeKey(String kind, int size, VerifyingKey vk) {
        endProgress();
        Circuit c = vk.circuit();
        Map<String, Integer> layerKinds = new LinkedHashMap<>();
        for (Layer l : c.layers()) {
            layerKinds.merge(l.kind(), 1, Integer::sum);
        }
        SecurityReport sec = ProofSecurity.report(vk);
        String digest = HexFormat.of().formatHex(vk.digest());
        if (json) {
            Json bits = new Json();
            for (SecurityReport.Component comp : sec.components()) {
                bits.put(comp.name(), Math.floor(comp.bits() * 10) / 10);
            }
            Json layers = new Json();
            layerKinds.forEach(layers::put);
            out.println(new Json().put("kind", kind).put("bytes", size).put("digest", digest)
                    .put("model_root", HexFormat.of().formatHex(vk.modelRoot())).put("profile", vk.profile().cliName())
                    .put("layers", layers).put("tensors", c.tensors().size())
                    .put("model_commitment_vars", vk.modelLayout().numVars()).put("witness_commitment_vars", vk.witnessLayout().numVars())
                    .put("security_bits", Math.floor(sec.totalBits() * 10) / 10).put("security_components", bits));
            return;
        }
        out.printf("%s, %,d bytes%n", kind, size);
        out.printf("  digest (model identity): %s%n", digest);
        out.printf("  model commitment root:   %s%n", HexFormat.of().formatHex(vk.modelRoot()));
        out.printf("  input %s, output %s%n", Arrays.toString(c.tensor(c.input()).layout().dims()),
                Arrays.toString(c.tensor(c.output()).layout().dims()));
        out.printf("  %d proof layers: %s%n", c.layers().size(), layerKinds);
        long modelEntries = c.tensorsWithRole(TensorRole.MODEL).stream().mapToLong(t -> c.tensor(t).layout().size()).sum();
        out.printf("  model commitment: %,d weights and biases, 2^%d entries; witness commitment: 2^%d entries; %d lookups into %d tables%n",
                modelEntries, vk.modelLayout().numVars(), vk.witnessLayout().numVars(), ProofProtocol.lookupSpecs(c).size(),
                c.multiplicities().size());
        out.printf("  security profile '%s' (target %d bits, provable: no proximity-gap conjecture)%n", vk.profile().cliName(), vk.profile().bits());
        out.print(sec);
        out.println("  Proofs give integrity, not privacy: there is no zero-knowledge mode yet.");
    }

    private void describeProof(byte[] bytes) {
        ProofReader in = new ProofReader(bytes);
        try {
            in.bytes("magic", 4);
            int version = in.u32("version");
            String digest = HexFormat.of().formatHex(in.bytes("verifying-key digest", 32));
            int inputs = in.length("input length", 0, 1 << 28);
            in.bytes("input", 8 * inputs);
            int outputs = in.length("output length", 0, 1 << 28);
            long[] output = in.bases("output", outputs);
            for (int i = 0; i < output.length; i++) {
                output[i] = dev.zkinfer.field.Goldilocks.toSigned(output[i]);
            }
            if (json) {
                out.println(new Json().put("kind", "proof").put("bytes", bytes.length).put("version", version)
                        .put("verifying_key_digest", digest).put("input_values", inputs).put("output_int", output));
            } else {
                out.printf("proof, version %d, %,d bytes%n", version, bytes.length);
                out.printf("  made for the model with digest %s%n", digest);
                out.printf("  public input: %,d values; public output: %,d values%n", inputs, outputs);
                out.println("  (run 'zkinfer verify --vk model.vk --proof FILE' to check it)");
            }
        } catch (MalformedProofException e) {
            throw new UserError(file + ": malformed proof: " + e.getMessage());
        }
    }
}

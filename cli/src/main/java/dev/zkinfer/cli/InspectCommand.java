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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
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
                    .put("security_bits", Math.floor(sec.totalBits() * 10) / 10)
                    .put("security_bits_without_grinding", Math.floor(sec.statisticalBits() * 10) / 10)
                    .put("proof_of_work_bits", sec.grindingBits()).put("security_components", bits)
                    .put("zero_knowledge", vk.zeroKnowledge())
                    .put("visibility", new Json().put("input", vk.inputVisibility()).put("output", vk.outputVisibility())
                            .put("weights", vk.zeroKnowledge() ? "private" : "committed"))
                    .put("weights_hidden_for_proofs", vk.hiddenProofs())
                    .put("output_shapes", outputShapes(vk)));
            return;
        }
        out.printf("%s, %,d bytes%n", kind, size);
        out.printf("  digest (model identity): %s%n", digest);
        out.printf("  model commitment root:   %s%n", HexFormat.of().formatHex(vk.modelRoot()));
        out.printf("  %s, %s%n", dims(c, c.inputs(), "input"), outputDims(vk));
        out.printf("  %d proof layers: %s%n", c.layers().size(), layerKinds);
        long modelEntries = c.tensorsWithRole(TensorRole.MODEL).stream().mapToLong(t -> c.tensor(t).layout().size()).sum();
        out.printf("  model commitment: %,d weights and biases, 2^%d entries; witness commitment: 2^%d entries; %d lookups into %d tables%n",
                modelEntries, vk.modelLayout().numVars(), vk.witnessLayout().numVars(), ProofProtocol.lookupSpecs(c).size(),
                c.multiplicities().size());
        out.printf("  security profile '%s' (target %d bits, provable: no proximity-gap conjecture; WHIR's mutual correlated"
                + " agreement up to the Johnson bound from BCHKS25, ePrint 2025/2055)%n", vk.profile().cliName(), vk.profile().bits());
        out.print(sec);
        if (vk.zeroKnowledge()) {
            out.printf("  zero-knowledge: yes (input %s, output %s, weights private for up to %d proofs: re-key after that,"
                    + " docs/zero-knowledge.md §5)%n", vk.inputVisibility(), vk.outputVisibility(), vk.hiddenProofs());
        } else {
            out.println("  zero-knowledge: no (proofs give integrity, not privacy: they reveal intermediate values; compile with --zk)");
        }
    }

    /** "input [1, 4]", "inputs [2, 3] [3]" or "no input". */
    private static String dims(Circuit c, int[] ids, String what) {
        if (ids.length == 0) {
            return "no " + what;
        }
        StringBuilder sb = new StringBuilder(what + (ids.length > 1 ? "s" : ""));
        for (int id : ids) {
            sb.append(' ').append(Arrays.toString(c.tensor(id).layout().dims()));
        }
        return sb.toString();
    }

    /** The model's output shapes, as lists of dimensions. */
    private static List<List<Integer>> outputShapes(VerifyingKey vk) {
        List<List<Integer>> out = new ArrayList<>();
        for (int j = 0; j < vk.circuit().outputs().length; j++) {
            out.add(Arrays.stream(vk.outputDims(j)).boxed().toList());
        }
        return out;
    }

    /** "output [1, 10]" or "outputs [2] [1]": the model's output shapes (a committed output the circuit holds padded: its one element). */
    private static String outputDims(VerifyingKey vk) {
        int n = vk.circuit().outputs().length;
        StringBuilder sb = new StringBuilder("output" + (n > 1 ? "s" : ""));
        for (int j = 0; j < n; j++) {
            sb.append(' ').append(Arrays.toString(vk.outputDims(j)));
        }
        return sb.toString();
    }

    private void describeProof(byte[] bytes) {
        ProofReader in = new ProofReader(bytes);
        try {
            in.bytes("magic", 4);
            int version = in.u32("version");
            String digest = HexFormat.of().formatHex(in.bytes("verifying-key digest", 32));
            if (version != ProofProtocol.VERSION) {
                throw new UserError(file + ": proof format version " + version + ", this zkinfer reads version " + ProofProtocol.VERSION);
            }
            int batch = in.u32("batch size");
            int rows = in.u32("rows");
            int k = in.length("input count", 0, dev.zkinfer.circuit.Circuit.MAX_IO);
            long inputs = 0;
            for (int i = 0; i < k; i++) {
                int n = in.length("input length", 0, 1 << 28);
                in.signedValues("input", n);
                inputs += n;
            }
            int m = in.length("output count", 0, dev.zkinfer.circuit.Circuit.MAX_IO);
            List<long[]> outputs = new ArrayList<>();
            long outputValues = 0;
            for (int j = 0; j < m; j++) {
                long[] output = in.signedValues("output", in.length("output length", 0, 1 << 28));
                for (int i = 0; i < output.length; i++) {
                    output[i] = dev.zkinfer.field.Goldilocks.toSigned(output[i]);
                }
                outputs.add(output);
                outputValues += output.length;
            }
            if (json) {
                Json j = new Json().put("kind", "proof").put("bytes", bytes.length).put("version", version)
                        .put("verifying_key_digest", digest).put("batch", batch).put("rows", rows).put("inputs", k).put("input_values", inputs);
                if (m == 1) {
                    j.put("output_int", outputs.get(0));
                }
                out.println(j.put("outputs_int", outputs));
            } else {
                out.printf("proof, version %d, %,d bytes%n", version, bytes.length);
                out.printf("  made for the model with digest %s%n", digest);
                out.printf("  batch circuit of %d rows, %d of them real (the rest padding)%n", batch, rows);
                out.printf("  public inputs: %d (%,d values); public outputs: %d (%,d values)%n", k, inputs, m, outputValues);
                out.println("  (run 'zkinfer verify --vk model.vk --proof FILE' to check it)");
            }
        } catch (MalformedProofException e) {
            throw new UserError(file + ": malformed proof: " + e.getMessage());
        }
    }
}

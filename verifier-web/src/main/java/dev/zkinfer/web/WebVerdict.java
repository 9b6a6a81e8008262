package dev.zkinfer.web;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.ProofSecurity;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import java.util.Arrays;
import java.util.List;

/**
 * The verdict that the page and the JavaScript module show, as a JSON object: the Java
 * verifier's own result on a verifying key and a proof, with what {@code zkinfer verify} and
 * {@code zkinfer inspect} print beside it. Plain Java: TeaVM compiles this class, with the
 * verifier, to WebAssembly and JavaScript, and the tests run it on the JVM to obtain the verdicts
 * that the compiled code must reproduce.
 *
 * <pre>{@code
 * {"valid": true|false, "reason": "" | "<why the proof is rejected>",
 *  "outputs": [[real numbers, each proved output times its scale], ...] (valid only),
 *  "outputs_int": [[each proved output, signed integers], ...] (valid only),
 *  "output", "output_int": the first of those (valid only; the one output of most models),
 *  (none of the four for a key whose output is committed: the proof carries a commitment, not the output),
 *  "input_visibility", "output_visibility": what the key's proofs reveal of them ("public", "private",
 *  "committed", "none"; docs/zero-knowledge.md §1) (when the key decodes),
 *  "digest": "<the verifying key's SHA-256, hex: the model's identity>" (when the key decodes),
 *  "proof_digest": "<the key digest the proof names>" (when it names one),
 *  "profile": "<security profile>", "security_bits": <bits, as zkinfer inspect prints them>,
 *  "decode_ms": <key decoding time>, "verify_ms": <verification time>}
 * }</pre>
 *
 * A key that does not decode, or an input that does not match the proof's, makes the verdict
 * invalid with a reason; nothing escapes as an exception. Stateless and thread-safe.
 */
public final class WebVerdict {
    private WebVerdict() {}

    /**
     * Verifies {@code proof} against the key {@code keyBytes}; when {@code input} is not null, the
     * proof must also be for that (real-valued, row-major) input, as with {@code zkinfer verify
     * --input}; for a model with several inputs, all of them one after another in input order.
     */
    public static String verify(byte[] keyBytes, byte[] proof, double[] input) {
        JsonObject j = new JsonObject();
        try {
            verifyInto(j, keyBytes, proof, input);
        } catch (RuntimeException e) {
            // The verifier is total; this is a bug in the page's own code, reported as a verdict.
            j = new JsonObject().put("valid", false).put("reason", "internal error: " + e);
        }
        return j.toString();
    }

    private static void verifyInto(JsonObject j, byte[] keyBytes, byte[] proof, double[] input) {
        byte[] named = namedKeyDigest(proof);
        long t0 = System.nanoTime();
        VerifyingKey vk;
        try {
            vk = VerifyingKey.decode(keyBytes);
        } catch (MalformedProofException e) {
            j.put("valid", false).put("reason", "the verifying key is malformed: " + e.getMessage());
            if (named != null) {
                j.put("proof_digest", hex(named));
            }
            return;
        }
        long t1 = System.nanoTime();
        CircuitVerifier.Outcome outcome = CircuitVerifier.verify(vk, proof);
        long t2 = System.nanoTime();
        VerificationResult result = outcome.result();
        if (result.isValid() && input != null && vk.circuit().inputs().length == 0) {
            // a private or committed input is not in the proof: there is nothing here to compare it with
            result = VerificationResult.invalid("the proof carries no input to check (the key's input is " + vk.inputVisibility()
                    + (vk.committedInputs() ? "; check it with 'zkinfer verify --input FILE --opening FILE'" : "") + ")");
        } else if (result.isValid() && input != null) {
            List<long[]> claimed = outcome.inputs();
            int total = 0;
            for (long[] c : claimed) {
                total += c.length;
            }
            boolean same = input.length == total;
            int at = 0;
            for (int k = 0; same && k < claimed.size(); k++) {
                long[] c = claimed.get(k);
                for (int i = 0; same && i < c.length; i++) {
                    same = vk.io().input(k).quantize(input[at++]) == c[i];
                }
            }
            if (!same) {
                result = VerificationResult.invalid("the proof is for a different input than the given one");
            }
        }
        j.put("valid", result.isValid()).put("reason", result.reason());
        j.put("input_visibility", vk.inputVisibility()).put("output_visibility", vk.outputVisibility());
        if (result.isValid() && !vk.committedOutputs()) {
            List<long[]> outs = outcome.outputs();
            long[][] ints = outs.toArray(new long[0][]);
            double[][] real = new double[ints.length][];
            for (int k = 0; k < ints.length; k++) {
                real[k] = new double[ints[k].length];
                for (int i = 0; i < ints[k].length; i++) {
                    real[k][i] = ints[k][i] * vk.io().outputScale(k);
                }
            }
            j.put("output", real[0]).put("output_int", ints[0]).put("outputs", real).put("outputs_int", ints);
        }
        j.put("digest", hex(vk.digest()));
        if (named != null) {
            j.put("proof_digest", hex(named));
        }
        j.put("profile", vk.profile().cliName())
                .put("security_bits", Math.floor(ProofSecurity.report(vk).totalBits() * 10) / 10)
                .put("decode_ms", (t1 - t0) / 1e6).put("verify_ms", (t2 - t1) / 1e6);
    }

    /** The verifying-key digest a proof's header names (after magic and version), or null. */
    private static byte[] namedKeyDigest(byte[] proof) {
        if (proof.length < 40 || !ProofProtocol.hasMagic(proof)) {
            return null;
        }
        return Arrays.copyOfRange(proof, 8, 40);
    }

    static String hex(byte[] bytes) {
        char[] c = new char[2 * bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            c[2 * i] = Character.forDigit((bytes[i] >> 4) & 15, 16);
            c[2 * i + 1] = Character.forDigit(bytes[i] & 15, 16);
        }
        return new String(c);
    }
}

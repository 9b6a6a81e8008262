package dev.zkinfer;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The verifier jar's own command, for machines that have only a JRE 17+ and this jar:
 * {@code java -jar zkinfer-verifier.jar MODEL.vk PROOF [--time]}. Prints {@code valid} or
 * {@code invalid: <reason>} (with {@code --time}, the key decoding and verification times in
 * milliseconds) and exits with 0 for a valid proof, 1 for an invalid one and 2 for a usage error,
 * an unreadable file or a malformed verifying key, the exit codes of {@code zkinfer verify}.
 * Stateless; {@link #run} may be called from several threads.
 */
public final class VerifyMain {
    private static final String USAGE = "usage: java -jar zkinfer-verifier.jar MODEL.vk PROOF [--time]";

    private VerifyMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command on {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean time = false;
        Path[] files = new Path[2];
        int n = 0;
        for (String a : args) {
            if (a.equals("--time")) {
                time = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            } else if (a.startsWith("-") || n == 2) {
                err.println("zkinfer-verifier: error: unexpected argument '" + a + "'; " + USAGE);
                return 2;
            } else {
                files[n++] = Path.of(a);
            }
        }
        if (n != 2) {
            err.println("zkinfer-verifier: error: expected a verifying key and a proof; " + USAGE);
            return 2;
        }
        byte[] keyBytes;
        byte[] proof;
        try {
            keyBytes = Files.readAllBytes(files[0]);
            proof = Files.readAllBytes(files[1]);
        } catch (IOException e) {
            err.println("zkinfer-verifier: error: cannot read " + e.getMessage());
            return 2;
        }
        long t0 = System.nanoTime();
        VerifyingKey vk;
        try {
            vk = VerifyingKey.decode(keyBytes);
        } catch (MalformedProofException e) {
            err.println("zkinfer-verifier: error: " + files[0] + ": " + e.getMessage());
            return 2;
        }
        long t1 = System.nanoTime();
        VerificationResult result = CircuitVerifier.verify(vk, proof).result();
        long t2 = System.nanoTime();
        out.println(result);
        if (time) {
            out.printf("key decoding %.1f ms, verification %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        return result.isValid() ? 0 : 1;
    }
}

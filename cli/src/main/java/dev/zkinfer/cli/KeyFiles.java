package dev.zkinfer.cli;

import dev.zkinfer.MalformedInputException;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.prover.model.ProvingKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads keys with one-line errors naming the file ({@link MalformedInputException}: exit code 2). */
final class KeyFiles {
    private KeyFiles() {}

    static ProvingKey provingKey(Path file, Consumer<String> progress) throws IOException {
        return provingKey(file, progress, false);
    }

    /**
     * A proving key; with {@code recommitInBackground} (prove) the weights are recommitted while
     * the command goes on ({@link ProvingKey#decodeRecommittingInBackground}): a key whose
     * weights do not give its recorded root is then refused by the proof, with {@link #inKeyFile}.
     */
    static ProvingKey provingKey(Path file, Consumer<String> progress, boolean recommitInBackground) throws IOException {
        byte[] bytes = CliSupport.read(file, "proving key");
        progress.accept("loading the proving key (recommitting the weights)");
        try {
            return recommitInBackground ? ProvingKey.decodeRecommittingInBackground(bytes, progress) : ProvingKey.decode(bytes, progress);
        } catch (MalformedInputException e) {
            throw inKeyFile(file, e);
        }
    }

    /** A refusal of a proving key ("corrupted proving key: ..."), naming its file. */
    static MalformedInputException inKeyFile(Path file, MalformedInputException e) {
        return new MalformedInputException(file + ": " + e.getMessage(), e);
    }

    static VerifyingKey verifyingKey(Path file) throws IOException {
        byte[] bytes = CliSupport.read(file, "verifying key");
        try {
            return VerifyingKey.decode(bytes);
        } catch (MalformedProofException e) {
            // The verifier's decoder reports a bad key like a bad proof (a checked "invalid");
            // for the user a key that does not parse is a malformed input file, not an invalid proof.
            throw new MalformedInputException(file + ": not a valid verifying key: " + e.getMessage(), e);
        }
    }
}

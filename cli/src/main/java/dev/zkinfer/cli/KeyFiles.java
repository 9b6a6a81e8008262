package dev.zkinfer.cli;

import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.prover.model.ProvingKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads keys with one-line errors naming the file. */
final class KeyFiles {
    private KeyFiles() {}

    static ProvingKey provingKey(Path file, Consumer<String> progress) throws IOException {
        byte[] bytes = CliSupport.read(file, "proving key");
        progress.accept("loading the proving key (recompiling and recommitting the model)");
        try {
            return ProvingKey.decode(bytes, progress);
        } catch (IOException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    static VerifyingKey verifyingKey(Path file) throws IOException {
        byte[] bytes = CliSupport.read(file, "verifying key");
        try {
            return VerifyingKey.decode(bytes);
        } catch (MalformedProofException e) {
            throw new UserError(file + ": not a valid verifying key: " + e.getMessage());
        }
    }
}

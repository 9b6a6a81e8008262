package dev.zkinfer.cli;

import dev.zkinfer.web.VerifierPage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verifier-page", mixinStandardHelpOptions = true,
        description = {"Write a static web page that verifies proofs in the browser: index.html and the verifier "
                + "compiled to WebAssembly (with a JavaScript fallback), also usable as a JavaScript module "
                + "(zkinfer-verifier.js). Serve the folder with any static web server; the page takes files "
                + "from pickers or from its address (?vk=model.vk&proof=proof.bin[&input=input.json]).",
            "An existing file of the same name with other content is not overwritten: choose an empty "
                + "or new folder."})
final class VerifierPageCommand extends CliSupport implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder to write the page into (created if missing).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Map<String, byte[]> files = pageFiles();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("cannot write the page into " + dir + ": it is a file");
        }
        CliSupport.checkOutput(dir.resolve("index.html"));
        List<String> toWrite = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey());
            if (Files.exists(target)) {
                if (!Files.isRegularFile(target) || (Files.size(target) > 0 && !Arrays.equals(Files.readAllBytes(target), f.getValue()))) {
                    throw new UserError(target + " exists with other content; write the page into an empty or new folder");
                }
            }
            toWrite.add(f.getKey());
        }
        // All files or none: each is written atomically, and a failure removes those already written.
        List<Path> written = new ArrayList<>();
        try {
            for (String name : toWrite) {
                Path target = dir.resolve(name);
                boolean existed = Files.exists(target);
                CliSupport.writeAtomically(target, files.get(name));
                if (!existed) {
                    written.add(target);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                Files.deleteIfExists(p);
            }
            throw e;
        }
        long bytes = files.values().stream().mapToLong(b -> b.length).sum();
        if (json) {
            out.println(new Json().put("dir", dir.toString()).put("files", files.size()).put("bytes", bytes));
        } else {
            say("Wrote the verifier page to %s (%d files, %,d bytes).", dir, files.size(), bytes);
            say("Serve it with a static web server, e.g. 'python3 -m http.server -d %s', and open", dir);
            say("  http://localhost:8000/?vk=model.vk&proof=proof.bin  (files beside index.html), or pick the files on the page.");
            say("JavaScript: import { verify } from './zkinfer-verifier.js'; verify(vkBytes, proofBytes) -> {valid, reason, output, digest, ...}");
        }
        return Main.EXIT_OK;
    }

    /** The page's files from this build's class path (the verifier-web module's jar). */
    private static Map<String, byte[]> pageFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : VerifierPage.FILES) {
            try (InputStream in = VerifierPage.class.getClassLoader().getResourceAsStream(VerifierPage.RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("this build of zkinfer lacks the verifier page's file " + name
                            + " (build the verifier-web module)");
                }
                files.put(name, in.readAllBytes());
            }
        }
        return files;
    }
}

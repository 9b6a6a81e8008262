package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary distribution ({@code cli/target/zkinfer-<version>.tar.gz}, made by {@code mvn package})
 * works on its own, away from the source checkout and Maven: its launcher and {@code java -jar}
 * both run, the demo proves and verifies, and it carries only runtime jars. Runs in the
 * integration-test phase (failsafe), after the archive is built.
 */
class DistributionIT {
    private static final String VERSION = System.getProperty("zkinfer.version");
    @TempDir
    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of("target", "zkinfer-" + VERSION + ".tar.gz").toAbsolutePath();
        assertTrue(Files.isRegularFile(archive), "no distribution at " + archive);
        Result r = run(unpacked, List.of("tar", "xzf", archive.toString()));
        assertEquals(0, r.exit(), r.output());
        home = unpacked.resolve("zkinfer-" + VERSION);
    }

    @Test
    void launcherFindsAJdkAndPrintsTheBuildVersion() throws Exception {
        Result r = run(home, List.of(home.resolve("bin/zkinfer").toString(), "--version"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("zkinfer " + VERSION), r.output());
    }

    @Test
    void javaDashJarRunsTheCli() throws Exception {
        Path jar = home.resolve("lib/zkinfer-cli-" + VERSION + ".jar");
        Result r = run(home, List.of(javaBinary(), "-jar", jar.toString(), "--version"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("zkinfer " + VERSION), r.output());
    }

    @Test
    void demoProvesAndVerifiesFromTheUnpackedArchive(@TempDir Path cache) throws Exception {
        Result r = run(cache, List.of(home.resolve("bin/zkinfer").toString(), "demo", "--cache", cache.toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("valid in"), r.output());
    }

    @Test
    void carriesOnlyRuntimeJarsAndTheLicence() throws IOException {
        assertTrue(Files.isRegularFile(home.resolve("LICENSE")));
        assertTrue(Files.isRegularFile(home.resolve("NOTICE")));
        List<String> jars;
        try (Stream<Path> s = Files.list(home.resolve("lib"))) {
            jars = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String jar : jars) {
            for (String buildOnly : List.of("onnxruntime", "jmh", "junit", "zkinfer-benchmarks", "netty", "protobuf")) {
                assertTrue(!jar.startsWith(buildOnly), "the distribution carries a build-only jar: " + jar);
            }
        }
        assertTrue(jars.contains("zkinfer-prover-" + VERSION + ".jar"), jars.toString());
    }

    /** The JDK running this test (a JDK 25 chosen by the build's toolchain). */
    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Result(int exit, String output) {}

    private static Result run(Path dir, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true);
        // The launcher must find the JDK by itself; JAVA_HOME points it at the one running the build.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("ZKINFER_CLASSPATH");
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + command);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}

package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            for (String buildOnly : List.of("onnxruntime", "jmh", "junit", "zkinfer-benchmarks", "netty", "protobuf", "arrow-compression", "zstd-jni", "commons-compress")) {
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

    @Test
    void preparesTheStartUpCacheOnceThenUsesIt(@TempDir Path dir) throws Exception {
        Path xdg = dir.resolve("xdg");
        List<String> verify = List.of(home.resolve("bin/zkinfer").toString(), "verify", "--vk", "missing.vk", "--proof", "missing.bin");
        Result first = run(dir, verify, Map.of("XDG_CACHE_HOME", xdg.toString()));
        assertEquals(2, first.exit(), first.output());
        assertTrue(first.output().contains("zkinfer: preparing the start-up cache"), first.output());
        assertEquals(1, caches(xdg).size(), caches(xdg).toString());
        // the launcher remembers the cache's name (one line: the java binary, flags and class path, a tab, the file)
        Path index = xdg.resolve("zkinfer/aot/index");
        List<String> lines = Files.readAllLines(index);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith("\t" + caches(xdg).get(0)), lines.toString());
        Result second = run(dir, verify, Map.of("XDG_CACHE_HOME", xdg.toString()));
        assertEquals(2, second.exit(), second.output());
        // Exactly the command's one-line error: the cache is used silently.
        assertEquals(List.of("zkinfer: error: verifying key missing.vk does not exist or is not a file"),
                second.output().lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList());
        assertTrue(Files.exists(index), "the JVM used the cache the index named");
    }

    private static List<Path> caches(Path xdg) throws IOException {
        try (Stream<Path> s = Files.list(xdg.resolve("zkinfer/aot"))) {
            return s.filter(p -> p.toString().endsWith(".aot")).toList();
        }
    }

    /**
     * Jars replaced by older ones (an archive unpacked over an installation keeps the archive's
     * times) still look older than the launcher's index, which then names a cache that the JVM
     * refuses (its jars' times differ): the command runs without it as usual, the JVM deletes the
     * index, and the next run computes the cache's name afresh and prepares the new cache.
     */
    @Test
    void anIndexNamingARefusedCacheIsForgotten(@TempDir Path dir) throws Exception {
        Result unpack = run(dir, List.of("tar", "xzf", Path.of("target", "zkinfer-" + VERSION + ".tar.gz").toAbsolutePath().toString()));
        assertEquals(0, unpack.exit(), unpack.output());
        Path copy = dir.resolve("zkinfer-" + VERSION);
        Path xdg = dir.resolve("xdg");
        List<String> verify = List.of(copy.resolve("bin/zkinfer").toString(), "verify", "--vk", "missing.vk", "--proof", "missing.bin");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", xdg.toString());
        assertTrue(run(dir, verify, env).output().contains("preparing the start-up cache"));
        Path index = xdg.resolve("zkinfer/aot/index");
        assertTrue(Files.exists(index));
        try (Stream<Path> jars = Files.list(copy.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(946684800000L)); // 2000-01-01
            }
        }
        Result refused = run(dir, verify, env);
        assertEquals(List.of("zkinfer: error: verifying key missing.vk does not exist or is not a file"),
                refused.output().lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList());
        assertFalse(Files.exists(index), "the index of a refused cache is deleted");
        Result fresh = run(dir, verify, env);
        assertTrue(fresh.output().contains("preparing the start-up cache"), fresh.output());
        assertEquals(2, caches(xdg).size(), caches(xdg).toString());
        assertTrue(Files.exists(index));
    }

    @Test
    void zkinferAotZeroRunsWithoutTheStartUpCache(@TempDir Path dir) throws Exception {
        Path xdg = dir.resolve("xdg");
        Result r = run(dir, List.of(home.resolve("bin/zkinfer").toString(), "verify", "--vk", "missing.vk", "--proof", "missing.bin"),
                Map.of("XDG_CACHE_HOME", xdg.toString(), "ZKINFER_AOT", "0"));
        assertEquals(2, r.exit(), r.output());
        assertFalse(r.output().contains("start-up cache"), r.output());
        assertFalse(Files.exists(xdg.resolve("zkinfer/aot")));
    }

    /**
     * The launcher runs a prove of a small key (under 1 MiB) with a small input (under 64 KiB) or
     * none with C1 alone and without the incubator Vector API module, like verify and inspect (so
     * that the start-up cache keeps linked classes); a larger key or input keeps the default tiered
     * JIT and the Vector API. Both ask for transparent huge pages; verify and inspect do not.
     */
    @Test
    void provesSmallKeysWithTheQuickJitOnly(@TempDir Path dir) throws Exception {
        String small = Files.write(dir.resolve("small.pk"), new byte[100]).toString();
        String large = Files.write(dir.resolve("large.pk"), new byte[2 << 20]).toString();
        String input = Files.write(dir.resolve("input.json"), new byte[1000]).toString();
        String batch = Files.write(dir.resolve("batch.json"), new byte[100_000]).toString();
        assertShortRun(true, dir, "prove", "--pk", small, "-o", "p.bin");
        assertShortRun(true, dir, "prove", "--pk=" + small, "--input=" + input, "-o", "p.bin");
        assertShortRun(true, dir, "prove", "-o", "p.bin", "--input", input, "--pk", small);
        assertShortRun(false, dir, "prove", "--pk", large, "--input", input, "-o", "p.bin");
        assertShortRun(false, dir, "prove", "--pk", small, "--input", batch, "-o", "p.bin");
        assertShortRun(false, dir, "prove", "--pk", dir.resolve("absent.pk").toString(), "-o", "p.bin");
        assertShortRun(true, dir, "verify", "--vk", small, "--proof", small);
        assertShortRun(true, dir, "inspect", small);
        assertShortRun(false, dir, "infer", "--pk", small, "--input", input);
    }

    /**
     * Whether the launcher's JVM runs {@code args} as a short run: TieredStopAtLevel 1 and no
     * incubator module (the JVM warns when one is added), else 4 and the Vector API module (the
     * command itself fails on the fake files).
     */
    private static void assertShortRun(boolean expected, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/zkinfer").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("ZKINFER_CLASSPATH");
        pb.environment().put("JAVA_OPTS", "-XX:+PrintFlagsFinal -XshowSettings:properties");
        pb.environment().put("ZKINFER_AOT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out: " + command);
        int level = out.lines().filter(l -> l.matches("\\s*intx TieredStopAtLevel\\s+=.*")).findFirst()
                .map(l -> Integer.parseInt(l.replaceAll(".*=\\s*(\\d+).*", "$1")))
                .orElseThrow(() -> new AssertionError("no TieredStopAtLevel in the flags:\n" + out));
        assertEquals(expected ? 1 : 4, level, String.join(" ", args));
        assertEquals(!expected, out.contains("Using incubator modules: jdk.incubator.vector"), String.join(" ", args));
        // a short run lowers the native kernels' threshold (NativeBackend.MIN_NATIVE_PROPERTY)
        assertEquals(expected, out.lines().anyMatch(l -> l.strip().equals("zkinfer.native.min = 32")), String.join(" ", args) + ":\n" + out);
        // every command but verify and inspect, short prove included, asks for transparent huge
        // pages where the kernel offers them (THP mode always or madvise)
        boolean thp = thpOffered() && !args[0].equals("verify") && !args[0].equals("inspect");
        assertEquals(thp, out.lines().anyMatch(l -> l.matches("\\s*bool UseTransparentHugePages\\s+= true.*")),
                String.join(" ", args) + ": UseTransparentHugePages");
    }

    /**
     * The launcher's heap: three quarters of the machine's memory, but no more than what is free
     * when the command starts less 1 GiB, and no less than a quarter (a /proc/meminfo stand-in
     * says how much there is); JAVA_OPTS' -Xmx wins; a short run (verify) keeps three quarters.
     */
    @Test
    void heapIsNoLargerThanTheMemoryFree(@TempDir Path dir) throws Exception {
        long total = 16L << 20; // kB: a 16 GiB machine
        long threeQuarters = maxHeap(dir, null, null, "verify", "--vk", "absent.vk", "--proof", "absent.bin");
        assertEquals(threeQuarters, maxHeap(dir, meminfo(dir, total, 15L << 20), null, "verify", "--vk", "a.vk", "--proof", "p.bin"));
        // 10 GiB free: a heap of 9 GiB for a command that may prove
        assertEquals(9L << 30, maxHeap(dir, meminfo(dir, total, 10L << 20), null, "bench", "--models", "absent"));
        // 2 GiB free: a quarter of the machine's memory all the same
        assertEquals(4L << 30, maxHeap(dir, meminfo(dir, total, 2L << 20), null, "bench", "--models", "absent"));
        // more free than three quarters of the machine: no -Xmx (the JVM's three quarters of its memory, container-aware)
        long g1ThreeQuarters = maxHeap(dir, meminfo(dir, 1L << 40, 1L << 40), null, "bench", "--models", "absent");
        assertEquals(g1ThreeQuarters, maxHeap(dir, null, "-XX:MaxRAMPercentage=75", "bench", "--models", "absent"));
        assertEquals(3L << 30, maxHeap(dir, meminfo(dir, total, 2L << 20), "-Xmx3g", "bench", "--models", "absent"));
        // a 32 GiB host with 20 GiB free, seen from a container limited to 16 GiB: not -Xmx19g (past the limit), but
        // no -Xmx (the JVM's three quarters of the container's memory); with 10 GiB free, 9 GiB as on a machine
        Path limit = Files.writeString(dir.resolve("memory.max"), (16L << 30) + "\n");
        assertEquals(g1ThreeQuarters, maxHeapIn(dir, meminfo(dir, 32L << 20, 20L << 20), limit, "bench", "--models", "absent"));
        assertEquals(9L << 30, maxHeapIn(dir, meminfo(dir, 32L << 20, 10L << 20), limit, "bench", "--models", "absent"));
        Path unlimited = Files.writeString(dir.resolve("memory.max.v2"), "max\n");
        assertEquals(19L << 30, maxHeapIn(dir, meminfo(dir, 32L << 20, 20L << 20), unlimited, "bench", "--models", "absent"));
    }

    private static Path meminfo(Path dir, long totalKb, long availableKb) throws IOException {
        return Files.writeString(dir.resolve("meminfo-" + totalKb + "-" + availableKb),
                "MemTotal:       " + totalKb + " kB\nMemFree:        1000 kB\nMemAvailable:   " + availableKb + " kB\n");
    }

    /** The MaxHeapSize the launcher's JVM runs {@code args} with (the command itself fails on absent files). */
    private static long maxHeap(Path dir, Path meminfo, String javaOpts, String... args) throws Exception {
        return maxHeap(dir, meminfo, (Path) null, javaOpts, args);
    }

    /** {@link #maxHeap} in a container whose memory limit file is {@code cgroupLimit}. */
    private static long maxHeapIn(Path dir, Path meminfo, Path cgroupLimit, String... args) throws Exception {
        return maxHeap(dir, meminfo, cgroupLimit, null, args);
    }

    /** As above, with {@code cgroupLimit} as the container's memory limit file (null: none). */
    private static long maxHeap(Path dir, Path meminfo, Path cgroupLimit, String javaOpts, String[] args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/zkinfer").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("ZKINFER_CLASSPATH");
        pb.environment().put("JAVA_OPTS", (javaOpts == null ? "" : javaOpts + " ") + "-XX:+PrintFlagsFinal -version");
        pb.environment().put("ZKINFER_AOT", "0");
        if (meminfo != null) {
            pb.environment().put("ZKINFER_MEMINFO", meminfo.toString());
        }
        pb.environment().put("ZKINFER_CGROUP_MEMORY_MAX", cgroupLimit == null ? "" : cgroupLimit.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out: " + command);
        return out.lines().filter(l -> l.matches("\\s*size_t MaxHeapSize\\s+=.*")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll(".*=\\s*(\\d+).*", "$1")))
                .orElseThrow(() -> new AssertionError("no MaxHeapSize in the flags:\n" + out));
    }

    /** Whether the kernel offers transparent huge pages to a process that asks (mode always or madvise). */
    private static boolean thpOffered() throws IOException {
        Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        if (!Files.isReadable(mode)) {
            return false;
        }
        String m = Files.readString(mode);
        return m.contains("[always]") || m.contains("[madvise]");
    }

    private static Result run(Path dir, List<String> command) throws Exception {
        // The start-up cache goes to a scratch folder, never the user's ~/.cache.
        return run(dir, command, Map.of("XDG_CACHE_HOME", dir.resolve(".cache").toString()));
    }

    private static Result run(Path dir, List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
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

package dev.zkinfer.service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test models from ../shared, inputs, and worker processes (a JVM running {@link ServiceMain}). */
final class ServiceFixtures {
    private ServiceFixtures() {}

    static Path shared() {
        String prop = System.getProperty("zkinfer.shared");
        for (String p : new String[] {prop, "../shared", "../../shared"}) {
            if (p != null && Files.isDirectory(Path.of(p))) {
                return Path.of(p);
            }
        }
        Assumptions.abort("shared test data not found (set -Dzkinfer.shared=/path/to/shared); skipping the service tests");
        return null;
    }

    /** A one-layer MLP, input [1, 3]: compiles and proves in well under a second. */
    static byte[] smallModel() throws IOException {
        return model("conformance/ezkl/1l_mlp/network.onnx");
    }

    /** LeNet-5, input [1, 1, 28, 28]. */
    static byte[] lenet() throws IOException {
        return model("models/mnist-lenet5/lenet5.onnx");
    }

    private static byte[] model(String rel) throws IOException {
        Path p = shared().resolve(rel);
        Assumptions.assumeTrue(Files.isRegularFile(p), p + " is absent; skipping");
        return Files.readAllBytes(p);
    }

    static double[] randomInput(int size, long seed, double lo, double hi) {
        Random r = new Random(seed);
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = lo + (hi - lo) * r.nextDouble();
        }
        return x;
    }

    static String inputJson(double[] x) {
        StringBuilder b = new StringBuilder("{\"input_data\": [[");
        for (int i = 0; i < x.length; i++) {
            b.append(i == 0 ? "" : ", ").append(x[i]);
        }
        return b.append("]]}").toString();
    }

    /** Deletes a test's data folder (the unpacked PostgreSQL alone is about 60 MB). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** Starts {@code ServiceMain worker} in a new JVM with this JVM's class path and flags; waits until it is ready. */
    static Process startWorker(String jdbcUrl, String name, long leaseMillis, Path log) throws IOException, InterruptedException {
        return startServiceMain(log, name, "worker", "--db", jdbcUrl, "--name", name, "--lease-ms", Long.toString(leaseMillis), "--threads", "1");
    }

    /** Starts {@code ServiceMain ARGS} in a new JVM with this JVM's class path and flags; waits until it prints "ready". */
    static Process startServiceMain(Path log, String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc") || a.startsWith("-Xss")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), ServiceMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("ready")) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("worker " + name + " exited: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("worker " + name + " did not start: " + Files.readString(log));
    }
}

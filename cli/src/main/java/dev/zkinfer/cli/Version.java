package dev.zkinfer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code zkinfer --version}: the version the build wrote into {@code version.properties} (Maven
 * resource filtering) and the Java runtime. Stateless and thread-safe.
 */
final class Version implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "/dev/zkinfer/cli/version.properties";

    /** The build's version, e.g. {@code 0.1.0-SNAPSHOT}; "unknown" outside a Maven build. */
    static String of() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"zkinfer " + of(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
}

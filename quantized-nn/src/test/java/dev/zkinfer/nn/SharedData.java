package dev.zkinfer.nn;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates /work/shared (system property zkinfer.shared, else ../shared or ../../shared). */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    String prop = System.getProperty("zkinfer.shared");
    if (prop != null && Files.isDirectory(Path.of(prop))) return Path.of(prop);
    for (String p : new String[] {"../shared", "../../shared"}) {
      if (Files.isDirectory(Path.of(p))) return Path.of(p);
    }
    return null;
  }

  /** The path under shared/, or skips the calling test with a message when it is absent. */
  public static Path require(String relative) {
    Path root = root();
    Assumptions.assumeTrue(root != null, "shared data directory not found (set -Dzkinfer.shared); skipping");
    Path p = root.resolve(relative);
    Assumptions.assumeTrue(Files.exists(p), "shared data " + p + " is absent; skipping");
    return p;
  }
}

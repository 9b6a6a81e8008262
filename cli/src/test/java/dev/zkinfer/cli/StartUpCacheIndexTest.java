package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's index of start-up cache names (bin/zkinfer) is deleted by the JVM it started
 * exactly when the JVM refused the cache the index named ({@code java.vm.info} without
 * "sharing"), so that the next run computes the name afresh; otherwise it is left alone.
 */
class StartUpCacheIndexTest {
    @Test
    void deletesTheIndexOnlyWhenTheOfferedCacheWasRefused(@TempDir Path dir) throws Exception {
        Path index = Files.writeString(dir.resolve("index"), "key\tcache.aot\n");
        Main.forgetRefusedStartUpCache(index.toString(), "mixed mode, sharing");
        assertTrue(Files.exists(index), "a cache in use keeps its index");
        Main.forgetRefusedStartUpCache(null, "mixed mode");
        Main.forgetRefusedStartUpCache("", "mixed mode");
        assertTrue(Files.exists(index), "no index named: nothing deleted");
        Main.forgetRefusedStartUpCache(index.toString(), "mixed mode");
        assertFalse(Files.exists(index), "a refused cache's index is deleted");
        Main.forgetRefusedStartUpCache(index.toString(), "mixed mode"); // already gone: no failure
        Main.forgetRefusedStartUpCache(dir.resolve("no/such/dir/index").toString(), "mixed mode");
    }
}

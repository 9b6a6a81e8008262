package dev.zkinfer.prover.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spill files: where they go, and that what is appended (in more than one system call) reads back. */
class SpillFileTest {
    private final String tmp = System.getProperty("java.io.tmpdir");

    @AfterEach
    void restore() {
        System.setProperty("java.io.tmpdir", tmp);
        System.clearProperty(SpillFile.DIR_PROPERTY);
    }

    @Test
    void aTemporaryFolderHeldInMemoryIsNotUsed() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
        System.setProperty("java.io.tmpdir", shm.toString());
        Path chosen = SpillFile.folder();
        assertNotEquals(shm, chosen, "a file in tmpfs costs the machine's memory");
        if (chosen != null) {
            assertEquals(Path.of("/var/tmp"), chosen);
        }
        // a folder named explicitly is used as given
        System.setProperty(SpillFile.DIR_PROPERTY, shm.toString());
        assertEquals(shm, SpillFile.folder());
        System.setProperty(SpillFile.DIR_PROPERTY, "none");
        assertNull(SpillFile.folder());
        assertNull(SpillFile.create(8));
    }

    @Test
    void appendedLongsAndBytesReadBackAcrossWrites(@TempDir Path dir) {
        System.setProperty(SpillFile.DIR_PROPERTY, dir.toString());
        int longs = 3 << 19; // 12 MiB: several writes of a buffer, several system calls each
        byte[] bytes = new byte[(5 << 20) + 3];
        long[] values = new Random(7).longs(longs).toArray();
        new Random(8).nextBytes(bytes);
        try (SpillFile f = SpillFile.create(8L * longs + bytes.length)) {
            assertNotNull(f);
            assertTrue(f.appendLongs(values, 0, longs));
            assertTrue(f.appendBytes(bytes));
            assertTrue(f.complete());
            int[] at = {0, 1, (1 << 17) + 5, longs / 4 - 1};
            long[] got = f.leaves(at, 4);
            for (int q = 0; q < at.length; q++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(values[4 * at[q] + j], got[4 * q + j]);
                }
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, (1 << 20) - 7, (3 << 20) + 9),
                    f.bytes(8L * longs + (1 << 20) - 7, (2 << 20) + 16));
        }
    }
}

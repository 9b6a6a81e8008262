package dev.zkinfer.prover.merkle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A table too large to hold through a proof (round 0 of a 2^28-value WHIR commitment: a 4 GiB
 * codeword and a 2 GiB Merkle tree), written to a temporary file once and read back where an
 * opening needs a few hundred entries of it (its queried leaves and their Merkle paths), instead of
 * computing it again or holding it. The file is unlinked as soon as it is open (where the platform
 * allows: elsewhere it is deleted at exit), so no name is left behind; its space is returned when
 * this object is closed or becomes unreachable. Its bytes are neither heap nor resident memory
 * (the kernel's page cache holds what it can). A file that cannot be made or written is no error:
 * {@link #create} answers null and a failed write false, and the caller keeps or recomputes the
 * table instead.
 *
 * <p>Longs are written in the platform's byte order: the file lives only as long as this object,
 * in this process. Appends are not thread-safe; reads are.
 */
public final class SpillFile implements AutoCloseable {
    /** The folder of the files: {@code -Dzkinfer.spillDir=DIR}, the temporary folder by default ({@link #folder}), "none" to hold or recompute the tables instead. */
    public static final String DIR_PROPERTY = "zkinfer.spillDir";
    private static final Cleaner CLEANER = Cleaner.create();
    /** Bytes written per system call (1 MiB). */
    private static final int WRITE_BYTES = 1 << 20;
    /** Longs copied into a write buffer at a time (8 MiB). */
    private static final int WRITE_LONGS = 1 << 20;

    private final FileChannel channel;
    private final long lengthBytes;
    private final Cleaner.Cleanable cleanable;
    private long written;

    private SpillFile(FileChannel channel, long lengthBytes) {
        this.channel = channel;
        this.lengthBytes = lengthBytes;
        this.cleanable = CLEANER.register(this, () -> closeQuietly(channel));
    }

    /**
     * The folder of the files: {@code -Dzkinfer.spillDir} as given, else the temporary folder
     * unless it is held in memory (tmpfs or ramfs, as /tmp is on many distributions: a file there
     * costs as much memory as the table, and counts against the machine's memory though not the
     * process's resident set), then /var/tmp unless that is too; null for none.
     */
    static Path folder() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null) {
            return dir.equals("none") ? null : Path.of(dir);
        }
        for (String d : new String[] {System.getProperty("java.io.tmpdir"), "/var/tmp"}) {
            if (d != null && !inMemory(Path.of(d))) {
                return Path.of(d);
            }
        }
        return null;
    }

    private static boolean inMemory(Path folder) {
        try {
            String type = Files.getFileStore(folder).type();
            return type.equals("tmpfs") || type.equals("ramfs");
        } catch (IOException | RuntimeException e) {
            return true; // no folder to use
        }
    }

    /** A new empty file for {@code lengthBytes} bytes, or null when none can be made (no space, no folder, "none"). */
    public static SpillFile create(long lengthBytes) {
        Path folder = folder();
        if (folder == null) {
            return null;
        }
        try {
            if (folder.toFile().getUsableSpace() < lengthBytes + (1L << 30)) {
                return null; // leave a gigabyte to everyone else
            }
            Path file = Files.createTempFile(folder, "zkinfer-spill-", ".bin");
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                Files.delete(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
            return new SpillFile(ch, lengthBytes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Appends {@code len} longs of {@code values} from {@code from}; false (the file closed) when the write fails. */
    public boolean appendLongs(long[] values, int from, int len) {
        check(8L * len);
        ByteBuffer buf = ByteBuffer.allocate(8 * Math.min(len, WRITE_LONGS)).order(ByteOrder.nativeOrder());
        LongBuffer longs = buf.asLongBuffer();
        for (int at = 0; at < len; at += WRITE_LONGS) {
            int n = Math.min(WRITE_LONGS, len - at);
            longs.clear();
            longs.put(values, from + at, n);
            buf.clear().limit(8 * n);
            if (!write(buf)) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code bytes}; false (the file closed) when the write fails. */
    public boolean appendBytes(byte[] bytes) {
        check(bytes.length);
        return write(ByteBuffer.wrap(bytes));
    }

    private void check(long more) {
        if (written + more > lengthBytes) {
            throw new IllegalStateException("more than the file's " + lengthBytes + " bytes");
        }
    }

    /**
     * Writes {@code buf} (a heap buffer) at most {@link #WRITE_BYTES} at a time: the channel copies a
     * heap buffer into a temporary direct buffer as large as what it is given, and keeps that buffer
     * for the thread's next call (sun.nio.ch.Util's per-thread cache, outside the heap). Given a
     * Merkle layer whole, that was 1 GiB of native memory per thread at 2^28 values, kept for the life of
     * the process (Native Memory Tracking's "Other"); the direct buffers of {@link #appendLongs}
     * were 8 MiB each, freed only when the garbage collector got to them.
     */
    private boolean write(ByteBuffer buf) {
        try {
            int end = buf.limit();
            while (buf.position() < end) {
                buf.limit(Math.min(end, buf.position() + WRITE_BYTES));
                written += channel.write(buf, written);
            }
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    /** Whether every byte has been written (and the file is open). */
    public boolean complete() {
        return written == lengthBytes && channel.isOpen();
    }

    /** The runs of {@code leafLongs} longs at {@code indices} (runs counted from the start of the file), in that order. */
    public long[] leaves(int[] indices, int leafLongs) {
        long[] out = new long[indices.length * leafLongs];
        ByteBuffer buf = ByteBuffer.allocate(8 * leafLongs).order(ByteOrder.nativeOrder());
        for (int q = 0; q < indices.length; q++) {
            read(buf, 8L * indices[q] * leafLongs);
            buf.asLongBuffer().get(out, q * leafLongs, leafLongs);
        }
        return out;
    }

    /** {@code length} bytes at byte {@code offset}. */
    public byte[] bytes(long offset, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        read(buf, offset);
        return buf.array();
    }

    private void read(ByteBuffer buf, long offset) {
        buf.clear();
        try {
            while (buf.hasRemaining()) {
                if (channel.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("the file ends at " + (offset + buf.position()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading a spilled table: " + e.getMessage(), e);
        }
        buf.flip();
    }

    /** Overwrites the long at {@code index} (tests: a prover whose stored table is not the committed one). */
    public void overwrite(long index, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value);
        try {
            channel.write(b, 8 * index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        cleanable.clean();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the file is unlinked: closing it only returns its space
        }
    }
}

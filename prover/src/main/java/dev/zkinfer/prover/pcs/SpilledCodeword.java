package dev.zkinfer.prover.pcs;

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
 * A codeword too large to hold (round 0 of a 2^28-value commitment: 4 GiB), written to a
 * temporary file as it is encoded, one coset block after the other, so that an opening reads its
 * queried leaves back (a few hundred positional reads) instead of computing the coefficients and
 * the NTTs of the blocks again. The file is unlinked as soon as it is open (where the platform
 * allows: elsewhere it is deleted at exit), so no name is left behind; the space is returned when
 * the codeword is closed or becomes unreachable. Its bytes are neither heap nor resident memory
 * (the kernel's page cache holds what it can). A file that cannot be made or written is no error:
 * {@link #create} answers null, and the caller encodes again when it opens.
 *
 * <p>The values are written in the platform's byte order: the file lives only as long as this
 * object, in this process.
 */
final class SpilledCodeword implements AutoCloseable {
    /** The folder of the spilled codewords: {@code -Dzkinfer.codewordDir=DIR}, the temporary folder by default, "none" to encode again instead. */
    static final String DIR_PROPERTY = "zkinfer.codewordDir";
    private static final Cleaner CLEANER = Cleaner.create();
    /** Longs written per system call (8 MiB). */
    private static final int WRITE_LONGS = 1 << 20;

    private final FileChannel channel;
    private final long lengthLongs;
    private final Cleaner.Cleanable cleanable;
    private long written;

    private SpilledCodeword(FileChannel channel, long lengthLongs) {
        this.channel = channel;
        this.lengthLongs = lengthLongs;
        this.cleanable = CLEANER.register(this, () -> closeQuietly(channel));
    }

    /** A new empty file for a codeword of {@code lengthLongs} longs, or null when none can be made (no space, no folder, "none"). */
    static SpilledCodeword create(long lengthLongs) {
        String dir = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        if (dir == null || dir.equals("none")) {
            return null;
        }
        try {
            Path folder = Path.of(dir);
            if (folder.toFile().getUsableSpace() < 8 * lengthLongs + (1L << 30)) {
                return null; // leave a gigabyte to everyone else
            }
            Path file = Files.createTempFile(folder, "zkinfer-codeword-", ".bin");
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                Files.delete(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
            return new SpilledCodeword(ch, lengthLongs);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Appends {@code len} longs of {@code values} from {@code from}; false (the file closed) when the write fails. */
    boolean append(long[] values, int from, int len) {
        if (written + len > lengthLongs) {
            throw new IllegalStateException("more values than the codeword's " + lengthLongs);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(8 * Math.min(len, WRITE_LONGS)).order(ByteOrder.nativeOrder());
        LongBuffer longs = buf.asLongBuffer();
        try {
            for (int at = 0; at < len; at += WRITE_LONGS) {
                int n = Math.min(WRITE_LONGS, len - at);
                longs.clear();
                longs.put(values, from + at, n);
                buf.clear().limit(8 * n);
                long pos = 8 * (written + at);
                while (buf.hasRemaining()) {
                    pos += channel.write(buf, pos);
                }
            }
            written += len;
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    /** Whether every value has been written. */
    boolean complete() {
        return written == lengthLongs && channel.isOpen();
    }

    /** The leaves at {@code indices} (leaves of {@code leafLongs} longs), in that order. */
    long[] leaves(int[] indices, int leafLongs) {
        long[] out = new long[indices.length * leafLongs];
        ByteBuffer buf = ByteBuffer.allocate(8 * leafLongs).order(ByteOrder.nativeOrder());
        try {
            for (int q = 0; q < indices.length; q++) {
                buf.clear();
                long pos = 8L * indices[q] * leafLongs;
                while (buf.hasRemaining()) {
                    if (channel.read(buf, pos + buf.position()) < 0) {
                        throw new IOException("the spilled codeword ends before leaf " + indices[q]);
                    }
                }
                buf.flip();
                buf.asLongBuffer().get(out, q * leafLongs, leafLongs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the spilled codeword: " + e.getMessage(), e);
        }
        return out;
    }

    /** Overwrites one value (tests: a prover whose stored codeword is not the committed one). */
    void overwrite(long index, long value) {
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

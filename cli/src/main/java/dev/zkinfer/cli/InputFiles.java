package dev.zkinfer.cli;

import dev.zkinfer.arrow.ArrowBatches;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads model inputs: EZKL's input.json ({"input_data": [[...]]}) or an Arrow IPC file with one
 * row per inference (the first column). All rows together must fill the model's input shape,
 * whose leading dimension is the batch.
 */
final class InputFiles {
    private InputFiles() {}

    /** The rows of the file, each flattened; Arrow rows must have {@code rowShape}. */
    static List<double[]> rows(Path file, int[] rowShape) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError("input file " + file + " does not exist or is not a file");
        }
        byte[] head = new byte[6];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 6);
            if (n == 6 && new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("ARROW1")) {
                List<double[]> rows = new ArrayList<>();
                try {
                    for (Tensor t : ArrowBatches.read(file, null, rowShape)) {
                        rows.add(t.data());
                    }
                } catch (RuntimeException e) {
                    // Arrow reports a damaged file with its own unchecked exceptions.
                    throw new UserError(file + ": not a readable Arrow IPC file (" + Main.message(e) + ")");
                }
                return finite(file, rows);
            }
        }
        EzklInput input;
        try {
            input = EzklInput.read(file);
        } catch (RuntimeException e) {
            throw new UserError(file + ": not an EZKL input.json or Arrow IPC file (" + e.getMessage() + ")");
        }
        if (input.inputData().isEmpty()) {
            throw new UserError(file + ": input_data is empty");
        }
        return finite(file, input.inputData());
    }

    /** Rejects NaN and infinities (a JSON number such as 1e400 reads as infinity), which quantization would clamp silently. */
    private static List<double[]> finite(Path file, List<double[]> rows) {
        for (int r = 0; r < rows.size(); r++) {
            double[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new UserError(file + ": row " + r + ", value " + i + " is " + row[i] + " (inputs must be finite numbers)");
                }
            }
        }
        return rows;
    }

    /**
     * Calibration inputs: the file's rows grouped into tensors of the model's input shape (the
     * row count must be a multiple of the batch size); returned as one tensor of shape
     * [groups·batch, ...] for {@link #split}.
     */
    static Tensor tensorRows(Path file, int[] shape) throws IOException {
        int[] rowShape = Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length);
        List<double[]> rows = rows(file, rowShape);
        int width = 1;
        for (int d : rowShape) {
            width *= d;
        }
        int batch = shape.length == 0 ? 1 : shape[0];
        if (rows.size() % batch != 0) {
            throw new UserError(file + ": " + rows.size() + " rows is not a multiple of the model's batch size " + batch);
        }
        double[] data = new double[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length != width) {
                throw new UserError(file + ": row " + r + " has " + rows.get(r).length + " values, the model's input rows have " + width);
            }
            System.arraycopy(rows.get(r), 0, data, r * width, width);
        }
        int[] allShape = shape.clone();
        allShape[0] = rows.size();
        return Tensor.of(allShape, data);
    }

    /** Splits [n·batch, ...] into n tensors of the model's input shape. */
    static List<Tensor> split(Tensor all, int[] shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        List<Tensor> out = new ArrayList<>();
        double[] d = all.data();
        for (int off = 0; off + size <= d.length; off += size) {
            out.add(Tensor.of(shape, Arrays.copyOfRange(d, off, off + size)));
        }
        return out;
    }

    /** The file's values as one tensor of the given shape (all rows concatenated). */
    static Tensor tensor(Path file, int[] shape) throws IOException {
        List<double[]> rows = rows(file, Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length));
        int total = 0;
        for (double[] r : rows) {
            total += r.length;
        }
        long expected = 1;
        for (int d : shape) {
            expected *= d;
        }
        if (total != expected) {
            throw new UserError(file + ": " + rows.size() + " row(s) with " + total + " values in all, but the model's input "
                    + Arrays.toString(shape) + " needs " + expected);
        }
        double[] data = new double[total];
        int pos = 0;
        for (double[] r : rows) {
            System.arraycopy(r, 0, data, pos, r.length);
            pos += r.length;
        }
        return Tensor.of(shape, data);
    }
}

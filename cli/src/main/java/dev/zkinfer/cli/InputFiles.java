package dev.zkinfer.cli;

import dev.zkinfer.arrow.ArrowBatches;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads model inputs: EZKL's input.json ({"input_data": [[...]]}) or an Arrow IPC file with one
 * row per inference (the first column). For a model with one input, all rows together must fill
 * the model's input shape, whose leading dimension is the batch. For a model with several
 * inputs, input.json holds one list per input, in the model's input order (and for calibration,
 * any number of such groups one after another).
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
     * Calibration inputs, in every form {@code --input} takes and EZKL's calibration files use:
     * one row holding a whole input (or batch), one row per sample, or a flat list of many
     * inputs. All values of all rows are read as one stream whose length must be a whole number of
     * model inputs; returned as one tensor of shape [n·batch, ...] for {@link #split}.
     */
    static Tensor tensorRows(Path file, int[] shape) throws IOException {
        int[] rowShape = Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length);
        List<double[]> rows = rows(file, rowShape);
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        long total = 0;
        for (double[] r : rows) {
            total += r.length;
        }
        if (total == 0 || total % size != 0) {
            throw new UserError(file + ": " + rows.size() + " row(s) with " + total + " values in all, which is not a whole number of model inputs "
                    + Arrays.toString(shape) + " (" + size + " values each)");
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new UserError(file + ": " + total + " calibration values are too many (at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        double[] data = new double[(int) total];
        int pos = 0;
        for (double[] r : rows) {
            System.arraycopy(r, 0, data, pos, r.length);
            pos += r.length;
        }
        long groups = total / size;
        int[] allShape = shape.length == 0 ? new int[] {(int) groups} : shape.clone();
        if (shape.length > 0) {
            allShape[0] = (int) (groups * shape[0]);
        }
        return Tensor.of(allShape, data);
    }

    /**
     * The file's input quantized for {@code qm}: a value outside the model's calibrated input
     * range is refused (one line naming it) unless {@code clamp}; the number of clamped values is
     * returned with the input.
     */
    static QuantizedModel.QuantizedInputs quantized(Path file, QuantizedModel qm, boolean clamp) throws IOException {
        int[] ids = qm.inputIds();
        int[][] shapes = new int[ids.length][];
        String[] names = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            shapes[i] = qm.tensor(ids[i]).shape();
            names[i] = qm.tensor(ids[i]).name();
        }
        List<Tensor> xs = tensors(file, shapes, names);
        try {
            return qm.quantizeInputs(xs, clamp);
        } catch (dev.zkinfer.InvalidInputException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    /**
     * The file's inputs for a model whose inputs have the given shapes and names: with one input,
     * {@link #tensor}; with several, input.json with exactly one list per input in order; with
     * none, no file ({@code file} null).
     */
    static List<Tensor> tensors(Path file, int[][] shapes, String[] names) throws IOException {
        if (shapes.length == 0) {
            if (file != null) {
                throw new UserError("the model takes no run-time input; leave out --input");
            }
            return List.of();
        }
        if (file == null) {
            throw new UserError("--input is required: the model takes " + shapes.length + " input(s) (" + quoted(names) + ")");
        }
        if (shapes.length == 1) {
            return List.of(tensor(file, shapes[0]));
        }
        List<double[]> rows = jsonRows(file, shapes.length);
        if (rows.size() != shapes.length) {
            throw new UserError(file + ": the model takes " + shapes.length + " inputs (" + quoted(names)
                    + "), so input_data must hold one list per input, in that order; it holds " + rows.size());
        }
        return group(file, rows, 0, shapes, names);
    }

    /**
     * Calibration samples for a model with several inputs: input.json whose lists are whole groups
     * of one list per input, in order (one group per sample); each sample maps input names to values.
     */
    static List<java.util.Map<String, Tensor>> samples(Path file, int[][] shapes, String[] names) throws IOException {
        List<double[]> rows = jsonRows(file, shapes.length);
        if (rows.size() % shapes.length != 0) {
            throw new UserError(file + ": the model takes " + shapes.length + " inputs (" + quoted(names) + "), so input_data must hold "
                    + "one list per input, in that order, for each sample; " + rows.size() + " lists are not whole samples");
        }
        List<java.util.Map<String, Tensor>> out = new ArrayList<>();
        for (int at = 0; at < rows.size(); at += shapes.length) {
            List<Tensor> xs = group(file, rows, at, shapes, names);
            java.util.Map<String, Tensor> sample = new java.util.LinkedHashMap<>();
            for (int i = 0; i < xs.size(); i++) {
                sample.put(names[i], xs.get(i));
            }
            out.add(sample);
        }
        return out;
    }

    private static List<double[]> jsonRows(Path file, int inputs) throws IOException {
        if (Files.isRegularFile(file) && isArrow(file)) {
            throw new UserError(file + ": the model takes " + inputs + " inputs; give them as input.json with one list per input "
                    + "(an Arrow IPC file holds one input)");
        }
        return rows(file, null);
    }

    private static boolean isArrow(Path file) throws IOException {
        byte[] head = new byte[6];
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(head, 0, 6) == 6 && new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("ARROW1");
        }
    }

    private static List<Tensor> group(Path file, List<double[]> rows, int at, int[][] shapes, String[] names) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            double[] r = rows.get(at + i);
            long size = 1;
            for (int d : shapes[i]) {
                size *= d;
            }
            if (r.length != size) {
                throw new UserError(file + ": list " + (at + i) + " has " + r.length + " values, but input " + i + " ('" + names[i] + "') "
                        + Arrays.toString(shapes[i]) + " needs " + size);
            }
            xs.add(Tensor.of(shapes[i], r));
        }
        return xs;
    }

    private static String quoted(String[] names) {
        return String.join(", ", Arrays.stream(names).map(n -> "'" + n + "'").toList());
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

    static void sayClamped(CliSupport cmd, int clamped) {
        if (clamped > 0) {
            cmd.say("Clamped %d input value(s) into the model's calibrated input range (--clamp-inputs)", clamped);
        }
    }
}

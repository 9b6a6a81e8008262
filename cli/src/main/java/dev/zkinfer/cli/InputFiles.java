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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads model inputs: EZKL's input.json ({"input_data": [[...]]}) or an Arrow IPC file or stream
 * (see {@link ArrowBatches}). Each model input takes a list of rows whose values, concatenated,
 * are the input (the leading dimension is the batch, so one row may hold a whole batch, and
 * several rows may make one up). In input.json, a model with one input takes every list; a model
 * with several inputs takes exactly one list per input, in the model's input order (and for
 * calibration, any number of such groups one after another). In an Arrow file each input takes
 * one column: the column named as the input; else, counting only the columns of numbers (labels
 * or ids of other types may stand beside them), for one input the only such column or, when each
 * holds one number per row, the row of all of them (a table of features), and for several inputs
 * those columns in the model's input order.
 */
final class InputFiles {
    private InputFiles() {}

    /** Where an input's values come from and their rows, each flattened. */
    private record Source(Path file, String column, List<double[]> rows) {
        /** "FILE: " or "FILE: column 'x': ", the start of a message about these values. */
        String where() {
            return file + ": " + (column != null ? column + ": " : "");
        }

        long total() {
            long total = 0;
            for (double[] r : rows) {
                total += r.length;
            }
            return total;
        }

        double[] concatenated() {
            long total = total();
            if (total > Integer.MAX_VALUE - 8) {
                throw new UserError(where() + total + " values are too many (at most " + (Integer.MAX_VALUE - 8) + ")");
            }
            double[] data = new double[(int) total];
            int pos = 0;
            for (double[] r : rows) {
                System.arraycopy(r, 0, data, pos, r.length);
                pos += r.length;
            }
            return data;
        }
    }

    /**
     * Whether the file's first non-blank byte is '{', as every input.json's is: such a file is read
     * as JSON without loading the Arrow reader (a cold {@code verify --input} stays lean).
     */
    private static boolean startsLikeJson(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int b;
            do {
                b = in.read();
            } while (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0xEF || b == 0xBB || b == 0xBF);
            return b == '{';
        }
    }

    private static void mustExist(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("input file " + file + " does not exist or is not a file");
        }
    }

    /** The lists of input.json's input_data, each flattened. */
    private static List<double[]> jsonLists(Path file) throws IOException {
        EzklInput input;
        try {
            input = EzklInput.read(file);
        } catch (RuntimeException e) {
            throw new UserError(file + ": not an EZKL input.json or Arrow IPC file (" + e.getMessage() + ")");
        }
        if (input.inputData().isEmpty()) {
            throw new UserError(file + ": input_data is empty");
        }
        finite(new Source(file, null, input.inputData()));
        return input.inputData();
    }

    /**
     * For each model input (by name; a name may be null when unknown), the Arrow column that holds
     * it: by name, else by the rules in the class comment.
     */
    private static List<Source> arrowInputs(Path file, String[] names) throws IOException {
        List<ArrowBatches.Column> all = ArrowBatches.readColumns(file);
        Map<String, ArrowBatches.Column> byName = new LinkedHashMap<>();
        for (ArrowBatches.Column c : all) {
            byName.putIfAbsent(c.name(), c);
        }
        // Columns of other types (labels, ids as strings) may stand beside the inputs: the rules
        // by position count only the columns that hold numbers.
        List<ArrowBatches.Column> cols = all.stream().filter(ArrowBatches.Column::numeric).toList();
        String have = String.join(", ", all.stream().map(c -> "'" + c.name() + "' (" + c.type() + ")").toList());
        List<Source> out = new ArrayList<>();
        boolean allNamed = true;
        for (String n : names) {
            allNamed &= n != null && byName.containsKey(n);
        }
        if (allNamed) {
            for (String n : names) {
                out.add(source(file, byName.get(n)));
            }
        } else if (cols.isEmpty()) {
            throw new UserError(file + ": no column holds numbers or lists of numbers" + (all.isEmpty() ? "" : " (columns: " + have + ")"));
        } else if (cols.size() == names.length) {
            for (ArrowBatches.Column c : cols) {
                out.add(source(file, c));
            }
        } else if (names.length == 1 && cols.stream().allMatch(ArrowBatches.Column::scalar)) {
            // A table of features (pandas' to_feather, Polars): row r is every number column's value r.
            List<List<double[]>> colRows = cols.stream().map(ArrowBatches.Column::rows).toList();
            List<double[]> rows = new ArrayList<>();
            for (int r = 0; r < colRows.get(0).size(); r++) {
                double[] row = new double[cols.size()];
                for (int c = 0; c < cols.size(); c++) {
                    row[c] = colRows.get(c).get(r)[0];
                }
                rows.add(row);
            }
            out.add(finite(new Source(file, "columns '" + cols.get(0).name() + "' to '" + cols.get(cols.size() - 1).name() + "' (one feature each)", rows)));
        } else if (names.length == 1) {
            throw new UserError(file + ": " + all.size() + " columns (" + have + ") but the model takes one input"
                    + (names[0] != null ? " ('" + names[0] + "')" : "") + ": name its column" + (names[0] != null ? " '" + names[0] + "'" : " as the input")
                    + ", keep one column of numbers, or give one number column per feature");
        } else {
            throw new UserError(file + ": the model takes " + names.length + " inputs (" + quoted(names) + "), so the Arrow file needs one "
                    + "column per input, named so or in that order; it has " + all.size() + " (" + have + ")");
        }
        return out;
    }

    private static Source source(Path file, ArrowBatches.Column c) {
        return finite(new Source(file, "column '" + c.name() + "'", c.rows()));
    }

    /** For each model input, its source in the file: one Arrow column each, or input.json's lists. */
    private static List<Source> sources(Path file, int[][] shapes, String[] names, boolean calibration) throws IOException {
        mustExist(file);
        if (!startsLikeJson(file) && ArrowBatches.isArrow(file)) {
            return arrowInputs(file, names);
        }
        List<double[]> lists = jsonLists(file);
        if (names.length == 1) {
            return List.of(new Source(file, null, lists));
        }
        int k = names.length;
        if (!calibration && lists.size() != k) {
            throw new UserError(file + ": the model takes " + k + " inputs (" + quoted(names)
                    + "), so input_data must hold one list per input, in that order; it holds " + lists.size());
        }
        if (lists.size() % k != 0) {
            throw new UserError(file + ": the model takes " + k + " inputs (" + quoted(names) + "), so input_data must hold "
                    + "one list per input, in that order, for each sample; " + lists.size() + " lists are not whole samples");
        }
        for (int j = 0; j < lists.size(); j++) {
            int i = j % k;
            if (lists.get(j).length != size(shapes[i])) {
                throw new UserError(file + ": list " + j + " has " + lists.get(j).length + " values, but input " + i + " ('" + names[i] + "') "
                        + Arrays.toString(shapes[i]) + " needs " + size(shapes[i]));
            }
        }
        // Group g's list i is input i of sample g: input i's source is every k-th list.
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            List<double[]> mine = new ArrayList<>();
            for (int at = i; at < lists.size(); at += k) {
                mine.add(lists.get(at));
            }
            out.add(new Source(file, null, mine));
        }
        return out;
    }

    /** Rejects NaN and infinities (a JSON number such as 1e400 reads as infinity), which quantization would clamp silently. */
    private static Source finite(Source s) {
        for (int r = 0; r < s.rows().size(); r++) {
            double[] row = s.rows().get(r);
            for (int i = 0; i < row.length; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new UserError(s.where() + "row " + r + ", value " + i + " is " + row[i] + " (inputs must be finite numbers)");
                }
            }
        }
        return s;
    }

    private static long size(int[] shape) {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
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
     * The file's inferences (rows) quantized for {@code qm}: one or more whole inputs of the model
     * (the forms {@link #samples} reads: one list per inference, one list holding several, or a
     * flat list); a model without run-time input has one empty row. A value outside the model's
     * calibrated input range is refused (one line naming it and its row) unless {@code clamp}.
     */
    static List<QuantizedModel.QuantizedInputs> quantizedRows(Path file, QuantizedModel qm, boolean clamp) throws IOException {
        int[] ids = qm.inputIds();
        if (ids.length == 0) {
            return List.of(quantized(file, qm, clamp));
        }
        if (file == null) {
            throw new UserError("--input is required: the model takes " + ids.length + " input(s)");
        }
        int[][] shapes = new int[ids.length][];
        String[] names = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            shapes[i] = qm.tensor(ids[i]).shape();
            names[i] = qm.tensor(ids[i]).name();
        }
        List<Map<String, Tensor>> samples = samples(file, shapes, names);
        List<QuantizedModel.QuantizedInputs> rows = new ArrayList<>();
        for (int r = 0; r < samples.size(); r++) {
            try {
                rows.add(qm.quantizeInputs(new ArrayList<>(samples.get(r).values()), clamp));
            } catch (dev.zkinfer.InvalidInputException e) {
                throw new UserError(file + ": " + (samples.size() > 1 ? "row " + r + ": " : "") + e.getMessage());
            }
        }
        return rows;
    }

    /**
     * The file's inputs for a model whose inputs have the given shapes and names (one input, or
     * several: see the class comment); with none, no file ({@code file} null).
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
        List<Source> sources = sources(file, shapes, names, false);
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            xs.add(whole(sources.get(i), shapes[i], names, i));
        }
        return xs;
    }

    /** The source's values as exactly one input of {@code shape}. */
    private static Tensor whole(Source s, int[] shape, String[] names, int i) {
        long total = s.total();
        long expected = size(shape);
        if (total != expected) {
            String input = names.length > 1 ? "input " + i + " ('" + names[i] + "') " : "the model's input ";
            throw new UserError(s.where() + s.rows().size() + " row(s) with " + total + " values in all, but " + input
                    + Arrays.toString(shape) + " needs " + expected);
        }
        return Tensor.of(shape, s.concatenated());
    }

    /**
     * Calibration samples, each a map from input name to value, in every form {@code --input}
     * takes and EZKL's calibration files use. For each input, all values of all its rows (one row
     * holding a whole input or batch, one row per sample, or a flat list of many inputs) are read
     * as one stream whose length must be a whole number of that input; with several inputs, every
     * input must have the same number of samples.
     */
    static List<Map<String, Tensor>> samples(Path file, int[][] shapes, String[] names) throws IOException {
        List<Source> sources = sources(file, shapes, names, true);
        List<List<Tensor>> perInput = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            Source s = sources.get(i);
            long total = s.total();
            long size = size(shapes[i]);
            if (total == 0 || total % size != 0) {
                String input = shapes.length > 1 ? "input " + i + " ('" + names[i] + "') " : "model inputs ";
                throw new UserError(s.where() + s.rows().size() + " row(s) with " + total + " values in all, which is not a whole number of "
                        + input + Arrays.toString(shapes[i]) + " (" + size + " values each)");
            }
            perInput.add(split(Tensor.of(new int[] {(int) Math.min(total, Integer.MAX_VALUE)}, s.concatenated()), shapes[i]));
        }
        int n = perInput.get(0).size();
        for (int i = 1; i < shapes.length; i++) {
            if (perInput.get(i).size() != n) {
                throw new UserError(file + ": input 0 ('" + names[0] + "') has " + n + " calibration sample(s) but input " + i + " ('" + names[i]
                        + "') has " + perInput.get(i).size() + "; every input needs the same number");
            }
        }
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            Map<String, Tensor> sample = new LinkedHashMap<>();
            for (int i = 0; i < shapes.length; i++) {
                sample.put(names[i], perInput.get(i).get(g));
            }
            out.add(sample);
        }
        return out;
    }

    private static String quoted(String[] names) {
        return String.join(", ", Arrays.stream(names).map(n -> "'" + n + "'").toList());
    }

    /** Splits a tensor holding n inputs' values into n tensors of the input's shape. */
    static List<Tensor> split(Tensor all, int[] shape) {
        int size = (int) size(shape);
        List<Tensor> out = new ArrayList<>();
        double[] d = all.data();
        for (int off = 0; off + size <= d.length; off += size) {
            out.add(Tensor.of(shape, Arrays.copyOfRange(d, off, off + size)));
        }
        return out;
    }

    static void sayClamped(CliSupport cmd, int clamped) {
        if (clamped > 0) {
            cmd.say("Clamped %d input value(s) into the model's calibrated input range (--clamp-inputs)", clamped);
        }
    }
}

package dev.zkinfer.cli;

import static dev.zkinfer.cli.CliEndToEndTest.json;
import static dev.zkinfer.cli.CliEndToEndTest.ok;
import static dev.zkinfer.cli.CliEndToEndTest.run;
import static dev.zkinfer.cli.CliEndToEndTest.userError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.cli.ArrowInputs.Column;
import dev.zkinfer.cli.ArrowInputs.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --input} and {@code --calibration} with Arrow IPC files as users write them, end to end
 * through the command line: every layout, the stream format and compressed files give the same
 * result as input.json; one row holding a batch, several rows making one up, and EZKL's flat
 * calibration list, in input.json and Arrow alike; one column per input for a model with several
 * inputs; and every bad file a one-line error naming the file (and the column) with exit 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArrowInputCliTest {
    /** Gemm 3 → 4 (+ ReLU): input [1, 3]. */
    Path onnx;
    Path tmp;
    Path pk1;
    /** Values exact in float32 (the Arrow files hold float32 in some layouts), inside model A's calibrated range. */
    static final double[] X = {1.5, 0.5, 1.25};
    static final double[] Y = {0.25, -0.5, 1.0};

    @BeforeAll
    void compile(@TempDir Path dir) throws IOException {
        tmp = dir;
        onnx = CliEndToEndTest.shared().resolve(CliEndToEndTest.MODEL_A).resolve("network.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(onnx), onnx + " is absent; skipping");
        Path cal = jsonFile("cal.json", "[[1.5, 0.5, 1.25], [0.25, -0.5, 1.0], [-1.0, 1.5, -0.5]]");
        ok("compile", onnx.toString(), "-o", tmp.resolve("k1").toString(), "--calibration", cal.toString(), "-q");
        pk1 = tmp.resolve("k1/model.pk");
    }

    Path jsonFile(String name, String inputData) throws IOException {
        return Files.writeString(tmp.resolve(name), "{\"input_data\": " + inputData + "}");
    }

    Object outputInt(Path pk, Path input) {
        return json(ok("infer", "--pk", pk.toString(), "--input", input.toString(), "--json")).get("output_int");
    }

    @Test
    void everyLayoutFormatAndCodecGivesTheSameOutputAsInputJson() throws IOException {
        Object expected = outputInt(pk1, jsonFile("x.json", "[[1.5, 0.5, 1.25]]"));
        assertNotEquals(expected, outputInt(pk1, jsonFile("y.json", "[[0.25, -0.5, 1.0]]")), "the two inputs differ in output");
        for (Layout layout : List.of(Layout.LIST_F32, Layout.LIST_F64, Layout.LARGE_LIST_F64, Layout.FIXED_F32)) {
            for (CodecType codec : List.of(CodecType.NO_COMPRESSION, CodecType.ZSTD, CodecType.LZ4_FRAME)) {
                for (boolean stream : new boolean[] {false, true}) {
                    Path f = ArrowInputs.write(tmp.resolve("x-" + layout + codec + stream + ".arrow"), stream, codec, Column.of("input", layout, X));
                    assertEquals(expected, outputInt(pk1, f), layout + " " + codec + (stream ? " stream" : " file"));
                }
            }
        }
        // One value per row (a flat column), and a table of features (one number column per feature, pandas' to_feather).
        assertEquals(expected, outputInt(pk1, ArrowInputs.file(tmp.resolve("flat.arrow"), Column.of("v", Layout.SCALAR_F64, new double[] {1.5},
                new double[] {0.5}, new double[] {1.25}))));
        assertEquals(expected, outputInt(pk1, ArrowInputs.file(tmp.resolve("table.arrow"), Column.of("f0", Layout.SCALAR_F64, new double[] {1.5}),
                Column.of("f1", Layout.SCALAR_F64, new double[] {0.5}), Column.of("f2", Layout.SCALAR_F64, new double[] {1.25}))));
        // A label column of strings beside the input, or beside a table of features, is left alone.
        assertEquals(expected, outputInt(pk1, ArrowInputs.file(tmp.resolve("labelled.arrow"), Column.of("label", Layout.UTF8, Y),
                Column.of("pixels", Layout.FIXED_F32, X))));
        assertEquals(expected, outputInt(pk1, ArrowInputs.file(tmp.resolve("iris.arrow"), Column.of("f0", Layout.SCALAR_F64, new double[] {1.5}),
                Column.of("f1", Layout.SCALAR_F64, new double[] {0.5}), Column.of("species", Layout.UTF8, Y),
                Column.of("f2", Layout.SCALAR_F64, new double[] {1.25}))));
        // The column named as the model's input is taken among others.
        String inputName = inputName();
        Path named = ArrowInputs.file(tmp.resolve("named.arrow"), Column.of("other", Layout.LIST_F32, Y), Column.of(inputName, Layout.LIST_F32, X));
        assertEquals(expected, outputInt(pk1, named));

        // prove with a compressed stream, verify against the uncompressed file and against input.json
        Path zstd = ArrowInputs.write(tmp.resolve("x.arrows"), true, CodecType.ZSTD, Column.of("input", Layout.LIST_F64, X));
        Path proof = tmp.resolve("x.proof");
        ok("prove", "--pk", pk1.toString(), "--input", zstd.toString(), "-o", proof.toString(), "-q");
        Path vk = tmp.resolve("k1/model.vk");
        ok("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", named.toString());
        ok("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", tmp.resolve("x.json").toString());
        Path other = ArrowInputs.write(tmp.resolve("y.arrow"), false, CodecType.LZ4_FRAME, Column.of("input", Layout.LIST_F64, Y));
        assertEquals(1, run(1, "verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", other.toString()).code());
    }

    /** The model's input name, as the refusal of a file with two unnamed list columns names it. */
    private String inputName() throws IOException {
        Path two = ArrowInputs.file(tmp.resolve("probe.arrow"), Column.of("p", Layout.LIST_F32, X), Column.of("q", Layout.LIST_F32, X));
        CliEndToEndTest.Result r = userError("infer", "--pk", pk1.toString(), "--input", two.toString());
        String marker = "the model takes one input ('";
        int at = r.err().indexOf(marker);
        assertTrue(at >= 0, r.err());
        return r.err().substring(at + marker.length(), r.err().indexOf("')", at));
    }

    /** The forms of a batch of 4 (input [4, 3]): one row of 12, four rows of 3, two rows of 6. */
    @Test
    void aBatchIsOneRowOrSeveralForInputAndCalibrationInJsonAndArrow() throws IOException {
        double[][] b = {{0.1, 0.2, 0.3}, {1.0, -1.0, 0.5}, {0.0, 0.7, -0.3}, {1.2, 0.4, -0.9}};
        double[] all = concat(b);
        Path oneRowJson = jsonFile("b-one.json", "[" + Arrays.toString(all) + "]");
        Path rowsJson = jsonFile("b-rows.json", "[" + String.join(", ", Arrays.stream(b).map(Arrays::toString).toList()) + "]");
        Path oneRowArrow = ArrowInputs.file(tmp.resolve("b-one.arrow"), Column.of("input", Layout.LIST_F64, all));
        Path rowsArrow = ArrowInputs.write(tmp.resolve("b-rows.arrows"), true, CodecType.ZSTD, Column.of("input", Layout.FIXED_F32, b));
        Path halvesArrow = ArrowInputs.file(tmp.resolve("b-halves.arrow"), Column.of("input", Layout.LARGE_LIST_F64,
                Arrays.copyOfRange(all, 0, 6), Arrays.copyOfRange(all, 6, 12)));
        Object reference = null;
        int n = 0;
        for (Path cal : List.of(oneRowJson, rowsJson, oneRowArrow, rowsArrow)) {
            Path dir = tmp.resolve("b" + n++);
            ok("compile", onnx.toString(), "-o", dir.toString(), "--batch", "4", "--calibration", cal.toString(), "-q");
            Path pk = dir.resolve("model.pk");
            for (Path in : List.of(oneRowJson, rowsJson, oneRowArrow, rowsArrow, halvesArrow)) {
                Object out = outputInt(pk, in);
                if (reference == null) {
                    reference = out;
                }
                // float32 rows (FIXED_F32) hold 0.1 as 0.100000001: same quantized input at these scales
                assertEquals(reference, out, cal.getFileName() + " calibration, " + in.getFileName() + " input");
            }
            Path proof = dir.resolve("p.proof");
            ok("prove", "--pk", pk.toString(), "--input", rowsArrow.toString(), "-o", proof.toString(), "-q");
            ok("verify", "--vk", dir.resolve("model.vk").toString(), "--proof", proof.toString(), "--input", rowsJson.toString());
        }
        // Not a whole batch: 3 rows of 3 for input [4, 3]
        Path three = ArrowInputs.file(tmp.resolve("b-three.arrow"), Column.of("input", Layout.LIST_F64, b[0], b[1], b[2]));
        CliEndToEndTest.Result r = userError("infer", "--pk", tmp.resolve("b0/model.pk").toString(), "--input", three.toString());
        assertTrue(r.err().contains(three + ": column 'input': 3 row(s) with 9 values in all, but the model's input [4, 3] needs 12"), r.err());
    }

    /** EZKL's calibration data: several samples as rows, or as one flat list, for batch 1; the same in Arrow. */
    @Test
    void calibrationTakesSeveralSamplesAsRowsOrAFlatListInJsonAndArrow() throws IOException {
        double[][] s = {{0.1, 0.2, 0.3}, {1.0, -1.0, 0.5}, {0.0, 0.7, -0.3}};
        for (Path cal : List.of(
                jsonFile("s-rows.json", "[" + String.join(", ", Arrays.stream(s).map(Arrays::toString).toList()) + "]"),
                jsonFile("s-flat.json", "[" + Arrays.toString(concat(s)) + "]"),
                ArrowInputs.file(tmp.resolve("s-rows.arrow"), Column.of("input", Layout.LIST_F32, s)),
                ArrowInputs.file(tmp.resolve("s-flat.arrow"), Column.of("input", Layout.LIST_F64, concat(s))),
                ArrowInputs.file(tmp.resolve("s-scalars.arrow"), Column.of("v", Layout.SCALAR_F64, column(concat(s)))))) {
            Path dir = tmp.resolve("s-" + cal.getFileName());
            Map<String, Object> c = json(ok("compile", onnx.toString(), "-o", dir.toString(), "--calibration", cal.toString(), "--json"));
            assertEquals(3.0, CliEndToEndTest.num(c, "quantization.samples"), cal + ": " + c);
            // --input takes one of these samples in the same layout
            Path one = cal.toString().endsWith(".json") ? jsonFile("one.json", "[" + Arrays.toString(s[1]) + "]")
                    : ArrowInputs.file(tmp.resolve("one.arrow"), Column.of("input", Layout.LIST_F64, s[1]));
            ok("prove", "--pk", dir.resolve("model.pk").toString(), "--input", one.toString(), "-o", dir.resolve("p.proof").toString(), "-q");
        }
        Path seven = ArrowInputs.file(tmp.resolve("seven.arrow"), Column.of("input", Layout.LIST_F64, new double[] {1, 2, 3}, new double[] {4, 5, 6, 7}));
        CliEndToEndTest.Result r = userError("compile", onnx.toString(), "-o", tmp.resolve("s7").toString(), "--calibration", seven.toString());
        assertTrue(r.err().contains("column 'input': 2 row(s) with 7 values in all, which is not a whole number of model inputs [1, 3]"), r.err());
    }

    @Test
    void aModelWithTwoInputsTakesOneColumnEachByNameOrInOrder(@TempDir Path dir) throws IOException {
        Path onnx2 = GraphShapesCliTest.DIR.resolve("two_inputs.onnx");
        dev.zkinfer.nn.io.EzklInput in = dev.zkinfer.nn.io.EzklInput.read(GraphShapesCliTest.DIR.resolve("two_inputs.json"));
        double[] a = in.inputData().get(0), b = in.inputData().get(1);
        Path js = Files.writeString(dir.resolve("in.json"), new dev.zkinfer.nn.io.EzklInput(List.of(a, b), List.of()).toJson());
        Path byName = ArrowInputs.file(dir.resolve("by-name.arrow"), Column.of("b", Layout.LIST_F64, b), Column.of("a", Layout.LIST_F64, a));
        Path inOrder = ArrowInputs.write(dir.resolve("in-order.arrows"), true, CodecType.ZSTD,
                Column.of("first", Layout.LIST_F64, a), Column.of("second", Layout.LARGE_LIST_F64, b));
        // calibration: two samples per input, one row each (the second sample: the same values negated)
        double[] a2 = Arrays.stream(a).map(v -> -v).toArray(), b2 = Arrays.stream(b).map(v -> -v).toArray();
        Path cal = ArrowInputs.file(dir.resolve("cal.arrow"), Column.of("a", Layout.LIST_F64, a, a2), Column.of("b", Layout.FIXED_F32, b, b2));
        Map<String, Object> c = json(ok("compile", onnx2.toString(), "-o", dir.toString(), "--calibration", cal.toString(), "--json"));
        assertEquals(2.0, CliEndToEndTest.num(c, "quantization.samples"), c.toString());
        Path pk = dir.resolve("model.pk"), vk = dir.resolve("model.vk"), proof = dir.resolve("p.proof");
        Object expected = outputInt(pk, js);
        assertEquals(expected, outputInt(pk, byName));
        assertEquals(expected, outputInt(pk, inOrder));
        ok("prove", "--pk", pk.toString(), "--input", byName.toString(), "-o", proof.toString(), "-q");
        ok("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", inOrder.toString());
        ok("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", js.toString());
        Path swapped = ArrowInputs.file(dir.resolve("swapped.arrow"), Column.of("a", Layout.LIST_F64, a2), Column.of("b", Layout.LIST_F64, b));
        assertEquals(1, run(1, "verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", swapped.toString()).code());

        Path three = ArrowInputs.file(dir.resolve("three.arrow"), Column.of("x", Layout.LIST_F64, a), Column.of("y", Layout.LIST_F64, b),
                Column.of("z", Layout.LIST_F64, b));
        CliEndToEndTest.Result r = userError("infer", "--pk", pk.toString(), "--input", three.toString());
        assertTrue(r.err().contains("the model takes 2 inputs ('a', 'b'), so the Arrow file needs one column per input, named so or in that order; "
                + "it has 3 ('x' (List<FloatingPoint(DOUBLE)>), 'y'"), r.err());
        Path uneven = ArrowInputs.file(dir.resolve("uneven.arrow"), Column.of("a", Layout.LIST_F64, concat(new double[][] {a, a2})),
                Column.of("b", Layout.LIST_F64, b));
        r = userError("compile", onnx2.toString(), "-o", dir.resolve("u").toString(), "--calibration", uneven.toString());
        assertTrue(r.err().contains("input 0 ('a') has 2 calibration sample(s) but input 1 ('b') has 1"), r.err());
        r = userError("infer", "--pk", pk.toString(), "--input", uneven.toString());
        assertTrue(r.err().contains(uneven + ": column 'a': 1 row(s) with 12 values in all, but input 0 ('a') [2, 3] needs 6"), r.err());
    }

    @Test
    void everyBadArrowFileIsOneLineNamingTheFileAndColumn() throws IOException {
        Path good = ArrowInputs.write(tmp.resolve("good.arrow"), false, CodecType.ZSTD, Column.of("input", Layout.LIST_F64, X));
        byte[] bytes = Files.readAllBytes(good);
        for (int len : new int[] {6, 8, 40, bytes.length / 2, bytes.length - 10, bytes.length - 1}) {
            Path cut = Files.write(tmp.resolve("cut" + len + ".arrow"), Arrays.copyOf(bytes, len));
            CliEndToEndTest.Result r = userError("infer", "--pk", pk1.toString(), "--input", cut.toString());
            assertTrue(r.err().contains(cut + ": not a readable Arrow IPC file"), r.err());
        }
        Path stream = ArrowInputs.write(tmp.resolve("good.arrows"), true, CodecType.LZ4_FRAME, Column.of("input", Layout.LIST_F64, X));
        byte[] sb = Files.readAllBytes(stream);
        Path cutStream = Files.write(tmp.resolve("cut.arrows"), Arrays.copyOf(sb, sb.length / 2));
        assertTrue(userError("compile", onnx.toString(), "-o", tmp.resolve("bad").toString(), "--calibration", cutStream.toString())
                .err().contains(cutStream + ": not a readable Arrow IPC stream"));

        Path nullRow = ArrowInputs.file(tmp.resolve("null.arrow"), new Column("input", Layout.LIST_F32, Arrays.asList(X, null)));
        assertTrue(userError("infer", "--pk", pk1.toString(), "--input", nullRow.toString()).err()
                .contains(nullRow + ": column 'input' (List<FloatingPoint(SINGLE)>), row 1: null value"));
        Path strings = ArrowInputs.file(tmp.resolve("strings.arrow"), Column.of("label", Layout.UTF8, X));
        assertTrue(userError("prove", "--pk", pk1.toString(), "--input", strings.toString(), "-o", tmp.resolve("s.proof").toString()).err()
                .contains(strings + ": no column holds numbers or lists of numbers (columns: 'label' (Utf8))"));
        Path namedStrings = ArrowInputs.file(tmp.resolve("named-strings.arrow"), Column.of(inputName(), Layout.UTF8, X));
        assertTrue(userError("infer", "--pk", pk1.toString(), "--input", namedStrings.toString()).err()
                .contains(namedStrings + ": column '" + inputName() + "' (Utf8): values of type Utf8 are not numbers"));
        Path nan = ArrowInputs.file(tmp.resolve("nan.arrow"), Column.of("pixels", Layout.LIST_F64, new double[] {1, Double.NaN, 0}));
        assertTrue(userError("infer", "--pk", pk1.toString(), "--input", nan.toString()).err()
                .contains(nan + ": column 'pixels': row 0, value 1 is NaN (inputs must be finite numbers)"));
        Path wrong = ArrowInputs.file(tmp.resolve("wrong.arrow"), Column.of("pixels", Layout.LIST_F32, new double[] {1, 2}));
        assertTrue(userError("infer", "--pk", pk1.toString(), "--input", wrong.toString()).err()
                .contains(wrong + ": column 'pixels': 1 row(s) with 2 values in all, but the model's input [1, 3] needs 3"));
        Path far = ArrowInputs.file(tmp.resolve("far.arrow"), Column.of("input", Layout.LIST_F64, new double[] {100000, 0.5, 1.25}));
        assertTrue(userError("infer", "--pk", pk1.toString(), "--input", far.toString()).err()
                .contains("input value 100000.0 at index 0 is outside the model's calibrated input range"));
    }

    static double[] concat(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }

    static double[][] column(double[] values) {
        return Arrays.stream(values).mapToObj(v -> new double[] {v}).toArray(double[][]::new);
    }
}

package dev.zkinfer.prover.model;

import dev.zkinfer.circuit.LookupTable;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.PrefixEqTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the verifier's lookup stage spends evaluating each lookup table of a saved key
 * ({@code ProofCostReport --save=DIR}): per table its kind, size and the minimum time of its
 * columns' evaluations at a random leaf point, as verifyLookups does them (the eq tables of a
 * size built once per verification, their cost listed apart). The rest of the lookup stage
 * (VerifyCostReport's "lookups") is the LogUp-GKR tree and the looked-up columns.
 *
 * <pre>
 * java -cp ... dev.zkinfer.prover.model.LookupTableCostReport DIR [reps]
 * </pre>
 */
public final class LookupTableCostReport {
    private LookupTableCostReport() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path dir = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        VerifyingKey vk = VerifyingKey.decode(Files.readAllBytes(dir.resolve("model.vk")));
        List<LookupTable> tables = new ArrayList<>(vk.circuit().multiplicities().keySet());
        int maxLog = 0;
        for (LookupTable t : tables) {
            maxLog = Math.max(maxLog, t.logSize());
        }
        SplittableRandom rnd = new SplittableRandom(1);
        long[][] nanos = new long[tables.size()][reps];
        long[] eqNanos = new long[reps];
        long[] allNanos = new long[reps];
        long sink = 0;
        for (int r = 0; r < reps; r++) {
            Ext3[] leaf = new Ext3[maxLog + 4];
            for (int k = 0; k < leaf.length; k++) {
                leaf[k] = new Ext3(rnd.nextLong() >>> 1, rnd.nextLong() >>> 1, rnd.nextLong() >>> 1);
            }
            long a0 = System.nanoTime();
            PrefixEqTables eq = new PrefixEqTables(leaf);
            // the eq tables first (one per distinct size of a table evaluated by dot product)
            long e0 = System.nanoTime();
            boolean[] seen = new boolean[64];
            for (LookupTable t : tables) {
                if (!seen[t.logSize()] && needsDot(t)) {
                    seen[t.logSize()] = true;
                    eq.evaluate(new long[1 << t.logSize()], t.logSize());
                }
            }
            eqNanos[r] = System.nanoTime() - e0;
            for (int i = 0; i < tables.size(); i++) {
                LookupTable t = tables.get(i);
                long t0 = System.nanoTime();
                for (int c = 0; c < t.columns(); c++) {
                    sink += t.evaluate(c, eq).c0;
                }
                nanos[i][r] = System.nanoTime() - t0;
            }
            allNanos[r] = System.nanoTime() - a0;
        }
        System.out.printf("%d tables; all tables' evaluations incl. eq tables: min %.3f ms, median %.3f ms (eq tables: min %.3f ms) [%d]%n",
                tables.size(), min(allNanos) / 1e6, median(allNanos) / 1e6, min(eqNanos) / 1e6, sink & 1);
        System.out.printf("  %3s %-8s %4s %4s %-28s %9s%n", "#", "kind", "log", "cols", "closed form per column", "min ms");
        for (int i = 0; i < tables.size(); i++) {
            LookupTable t = tables.get(i);
            String kind = t.isRange() ? "range" : t.clamp() != null ? "clamp" : "explicit";
            StringBuilder forms = new StringBuilder();
            for (int c = 0; c < t.columns(); c++) {
                forms.append(t.isRange() || t.clamp() != null ? "closed " : t.pieces() != null && t.pieces()[c] != null
                        ? "pieces(" + t.pieces()[c].count() + ") " : "dot ");
            }
            System.out.printf("  %3d %-8s %4d %4d %-28s %9.3f%s%n", i, kind, t.logSize(), t.columns(), forms, min(nanos[i]) / 1e6,
                    System.getProperty("runs") == null ? "" : runs(t));
        }
    }

    /** Per column without a closed form: the rows outside linear runs of at least 256 rows, and their span. */
    private static String runs(LookupTable t) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < t.columns(); c++) {
            if (t.isRange() || t.clamp() != null || (t.pieces() != null && t.pieces()[c] != null)) {
                continue;
            }
            long[] col = t.column(c);
            int n = col.length, outside = 0, first = -1, last = -1, longRuns = 0;
            int s = 0;
            while (s < n) {
                long step = s + 1 < n ? dev.zkinfer.field.Goldilocks.sub(col[s + 1], col[s]) : 0;
                int e = s + 1;
                while (e < n && dev.zkinfer.field.Goldilocks.sub(col[e], col[e - 1]) == step) {
                    e++;
                }
                if (e - s >= 256) {
                    longRuns++;
                } else {
                    outside += e - s;
                    first = first < 0 ? s : first;
                    last = e;
                }
                s = e;
            }
            long maxAbs = 0;
            for (long v : col) {
                maxAbs = Math.max(maxAbs, Math.abs(dev.zkinfer.field.Goldilocks.toSigned(v)));
            }
            sb.append(String.format("  col %d: %d long runs, %d rows outside, span [%d, %d), max |v| %d", c, longRuns, outside, first, last, maxAbs));
        }
        return sb.toString();
    }

    private static boolean needsDot(LookupTable t) {
        if (t.isRange() || t.clamp() != null) {
            return false;
        }
        for (int c = 0; c < t.columns(); c++) {
            if (t.pieces() == null || t.pieces()[c] == null) {
                return true;
            }
        }
        return false;
    }

    private static long min(long[] v) {
        return Arrays.stream(v).min().getAsLong();
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

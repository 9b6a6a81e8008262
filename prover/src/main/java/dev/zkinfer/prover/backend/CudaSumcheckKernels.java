package dev.zkinfer.prover.backend;

import static dev.zkinfer.prover.backend.CudaBackend.LOCK;
import static dev.zkinfer.prover.backend.CudaBackend.check;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.backend.CudaBackend.Memory;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Sumcheck kernels on the GPU while the tables are large: the common Σ f·g (one term, two
 * distinct tables, degree 2) with a fused fold and next-round pass, and any other sum of
 * products within the library's limits (fold per table, then the per-term sums); the last
 * rounds, and instances beyond the limits, run on the CPU kernels.
 *
 * <p>Residency: the first round's tables are uploaded once ({@link #roundSums} keeps the
 * uploads for the fold that follows); folds replace {@code tables[f]} by resident handles while
 * the next round still runs on the GPU, and by ordinary arrays (downloaded) once the tables
 * become small, so the caller sees ordinary tables again before the last rounds. Callers
 * ({@code SumcheckProver}) pass the tables only to these kernels between rounds.
 */
final class CudaSumcheckKernels implements SumcheckKernels {
    private final SumcheckKernels cpu;
    private final Memory mem;
    /** Uploads of the caller's first-round tables, kept from roundSums for the next fold (per thread: sumchecks may run in parallel). */
    private final ThreadLocal<Map<long[], Long>> uploads = ThreadLocal.withInitial(IdentityHashMap::new);

    /** On the CPU kernels (host tables: the eq-product rounds keep theirs on the host). */
    @Override
    public long[] eqProductPass(long[] src, boolean base, long[] r, long[] dst, long[] lo, long[] hi) {
        return cpu.eqProductPass(src, base, r, dst, lo, hi);
    }

    CudaSumcheckKernels(SumcheckKernels cpu, Memory mem) {
        this.cpu = cpu;
        this.mem = mem;
    }

    /** The two factors of a single-term degree-2 instance over exactly two distinct tables, or null. */
    private static int[] productOfTwo(long[][] tables, int[][] terms, int degree) {
        if (degree != 2 || tables.length != 2 || terms.length != 1 || terms[0].length != 2 || terms[0][0] == terms[0][1]) {
            return null;
        }
        return terms[0];
    }

    /** Bounds of the GPU's general kernel (ZK_MAX_TABLES, ZK_MAX_TERMS, ZK_MAX_FACTORS, ZK_MAX_DEGREE in zkinfer_cuda.h). */
    private static final int MAX_TABLES = 32, MAX_TERMS = 32, MAX_FACTORS = 128, MAX_DEGREE = 8;

    /** Whether the GPU's general kernel takes the instance. */
    private static boolean supported(long[][] tables, int[][] terms, int degree) {
        if (tables.length > MAX_TABLES || terms.length == 0 || terms.length > MAX_TERMS || degree < 1 || degree > MAX_DEGREE) {
            return false;
        }
        int factors = 0;
        for (int[] t : terms) {
            if (t.length == 0) {
                return false;
            }
            factors += t.length;
        }
        return factors <= MAX_FACTORS;
    }

    /** The per-term sums of the instance over device tables (ptrs), as {@link SumcheckKernels#roundSums}. */
    private static long[] genericSums(long[] ptrs, boolean[] isBase, int[][] terms, int half, int degree) {
        int[] base = new int[ptrs.length];
        for (int f = 0; f < ptrs.length; f++) {
            base[f] = isBase != null && isBase[f] ? 1 : 0;
        }
        RoundSums.FlatTerms flat = RoundSums.FlatTerms.of(terms);
        long[] out = new long[3 * terms.length * degree];
        synchronized (LOCK) {
            check(CudaLibrary.zk_generic_sums(ptrs, base, ptrs.length, flat.offsets(), flat.factors(), terms.length, half, degree, out),
                    "round sums");
        }
        return out;
    }

    private void dropUploads() {
        Map<long[], Long> u = uploads.get();
        for (long ptr : u.values()) {
            Memory.free(ptr);
        }
        u.clear();
    }

    /** Device pointer of a table of {@code longs} longs: resident, kept upload, or a new kept upload. */
    private long device(long[] t, long longs) {
        Memory.Buffer b = mem.of(t);
        if (b != null) {
            return b.ptr;
        }
        Map<long[], Long> u = uploads.get();
        Long p = u.get(t);
        if (p == null) {
            p = mem.upload(t, longs);
            u.put(t, p);
        }
        return p;
    }

    /** Ordinary arrays in place of resident handles, for the CPU kernels. */
    private long[][] hostTables(long[][] tables, boolean[] isBase, int half) {
        for (int f = 0; f < tables.length; f++) {
            if (mem.isResident(tables[f])) {
                tables[f] = mem.host(tables[f], (isBase != null && isBase[f] ? 2 : 6) * half);
            }
        }
        return tables;
    }

    @Override
    public long[] roundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree) {
        dropUploads();
        int[] fg = productOfTwo(tables, terms, degree);
        if (half < CudaBackend.minEntries || !supported(tables, terms, degree)) {
            return cpu.roundSums(hostTables(tables, isBase, half), isBase, terms, half, degree);
        }
        if (fg == null) {
            long[] ptrs = new long[tables.length];
            for (int f = 0; f < tables.length; f++) {
                ptrs[f] = device(tables[f], (isBase != null && isBase[f] ? 2L : 6L) * half);
            }
            return genericSums(ptrs, isBase, terms, half, degree);
        }
        int fi = fg[0], gi = fg[1];
        boolean fb = isBase != null && isBase[fi], gb = isBase != null && isBase[gi];
        long f = device(tables[fi], (fb ? 2L : 6L) * half), g = device(tables[gi], (gb ? 2L : 6L) * half);
        long[] out = new long[6];
        synchronized (LOCK) {
            check(CudaLibrary.zk_product_sums(f, fb ? 1 : 0, g, gb ? 1 : 0, half, out), "product sums");
        }
        return out;
    }

    @Override
    public long[] foldAndRoundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree, Ext3 r) {
        int[] fg = productOfTwo(tables, terms, degree);
        boolean resident = false;
        for (long[] t : tables) {
            resident |= mem.isResident(t);
        }
        if (!supported(tables, terms, degree) || (half < CudaBackend.minEntries && !resident)) {
            dropUploads();
            return cpu.foldAndRoundSums(hostTables(tables, isBase, half), isBase, terms, half, degree, r);
        }
        if (fg == null) {
            return foldAndGenericSums(tables, isBase, terms, half, degree, r);
        }
        int fi = fg[0], gi = fg[1];
        boolean fb = isBase != null && isBase[fi], gb = isBase != null && isBase[gi];
        long f = device(tables[fi], (fb ? 2L : 6L) * half), g = device(tables[gi], (gb ? 2L : 6L) * half);
        long fOut = mem.alloc(3L * half), gOut = mem.alloc(3L * half);
        long[] out = new long[6];
        try {
            synchronized (LOCK) {
                check(CudaLibrary.zk_product_fold_sums(f, fb ? 1 : 0, g, gb ? 1 : 0, half, new long[] {r.c0, r.c1, r.c2}, fOut,
                        gOut, out), "product fold");
            }
        } catch (RuntimeException e) {
            Memory.free(fOut);
            Memory.free(gOut);
            throw e;
        }
        dropUploads();
        tables[fi] = place(tables[fi], fOut, half);
        tables[gi] = place(tables[gi], gOut, half);
        return out;
    }

    /** The general instance: every table folded on the device, then the next round's sums. */
    private long[] foldAndGenericSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree, Ext3 r) {
        long[] rr = {r.c0, r.c1, r.c2};
        long[] folded = new long[tables.length];
        try {
            for (int f = 0; f < tables.length; f++) {
                boolean base = isBase != null && isBase[f];
                long src = device(tables[f], (base ? 2L : 6L) * half);
                folded[f] = mem.alloc(3L * half);
                synchronized (LOCK) {
                    check(CudaLibrary.zk_sumcheck_fold(src, base ? 1 : 0, half, rr, folded[f]), "fold");
                }
            }
        } catch (RuntimeException e) {
            for (long p : folded) {
                Memory.free(p);
            }
            throw e;
        }
        dropUploads();
        int next = half >>> 1;
        boolean onDevice = keepResident(half);
        // the device sums read the folded buffers before place() hands them over (or frees them)
        long[] sums = onDevice ? genericSums(folded, null, terms, next, degree) : null;
        for (int f = 0; f < tables.length; f++) {
            tables[f] = place(tables[f], folded[f], half);
        }
        return onDevice ? sums : cpu.roundSums(tables, null, terms, next, degree);
    }

    /** Whether a folded table of {@code entries} entries stays on the device (the next round runs there). */
    private static boolean keepResident(int entries) {
        return entries > 2 && entries / 2 >= CudaBackend.minEntries;
    }

    /**
     * The folded table of {@code entries} extension entries at ptr: the same handle (its buffer
     * replaced) or a new one while the next round runs on the GPU, an ordinary array after
     * (always for the last round's two entries: the caller folds them in place and reads them).
     */
    private long[] place(long[] old, long ptr, int entries) {
        if (!keepResident(entries)) {
            long[] host = mem.download(ptr, 3 * entries);
            Memory.free(ptr);
            return host;
        }
        if (mem.isResident(old)) {
            mem.replace(old, ptr, 3L * entries);
            return old;
        }
        return mem.handle(ptr, 3L * entries);
    }

    @Override
    public long[] foldBase(long[] values, int half, Ext3 r) {
        dropUploads();
        if (!mem.isResident(values)) {
            return cpu.foldBase(values, half, r);
        }
        return foldOnDevice(values, true, half, r);
    }

    @Override
    public void fold(long[] table, int half, Ext3 r) {
        dropUploads();
        if (!mem.isResident(table)) {
            cpu.fold(table, half, r);
            return;
        }
        long ptr = mem.alloc(3L * half);
        synchronized (LOCK) {
            check(CudaLibrary.zk_sumcheck_fold(mem.of(table).ptr, 0, half, new long[] {r.c0, r.c1, r.c2}, ptr), "fold");
        }
        mem.replace(table, ptr, 3L * half);
    }

    private long[] foldOnDevice(long[] values, boolean base, int half, Ext3 r) {
        long ptr = mem.alloc(3L * half);
        synchronized (LOCK) {
            check(CudaLibrary.zk_sumcheck_fold(mem.of(values).ptr, base ? 1 : 0, half, new long[] {r.c0, r.c1, r.c2}, ptr), "fold");
        }
        return place(new long[1], ptr, half);
    }
}

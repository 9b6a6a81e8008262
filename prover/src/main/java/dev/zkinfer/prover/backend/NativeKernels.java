package dev.zkinfer.prover.backend;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The entry points of {@code libzkinfer} ({@code prover/src/main/native/c/zkinfer.h}), one
 * coarse call over whole tables each.
 *
 * <p>The library is the classpath resource {@code linux-x86-64/libzkinfer.so} inside the prover
 * jar (extracted to a temporary file), else JNA finds it (on {@code jna.library.path} or the
 * system paths); the calls are JNI methods ({@link NativeJni}) with critical array access, or
 * where the library has no JNI entry points the JDK's foreign-function linker's <em>critical</em>
 * downcalls with heap access: either way the C code reads and writes the Java arrays in place. JNA's own
 * calls copy every array argument in and out (Get/Release&lt;Type&gt;ArrayElements), measured
 * at about 5 ms per call on two 8 MiB tables, as much as the kernel itself; critical calls
 * copy nothing. They hold off garbage collection for the duration of one kernel (milliseconds).
 * {@link #LOAD_ERROR} is null when the library loaded.
 */
final class NativeKernels {
    /**
     * The library's ABI version this class was written against (zk_abi_version). 7: the same
     * signatures as 6, but zk_hash_salted_leaves hashes the salt and the leaf values in one message
     * (a library of version 6 would build hiding trees the verifier no longer accepts).
     */
    static final int ABI_VERSION = 7;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);
    private static String loadError;
    /** Whether {@link #open} also loaded the library for JNI ({@link System#load}); see {@link #JNI}. */
    private static boolean jniLoaded;
    private static final SymbolLookup LIBRARY = open();

    /**
     * The library's entry points, in about the order a proof first calls them (the model
     * commitment's kernels, the lookups', the layers' sumchecks', the openings'), each linked on
     * first use: making a downcall handle spins classes, 3-25 ms each in a cold JVM and ~0.2 s for
     * all of them, which loading a key used to wait for in full. Once the library has loaded, a
     * background thread links them all in this order ({@link #linkInBackground}); a caller that
     * needs one before it is linked links it itself. Used only where the kernels are not called
     * through JNI ({@link #JNI}), which spins no classes at all.
     */
    private enum Entry {
        ZK_ABI_VERSION("zk_abi_version", FunctionDescriptor.of(JAVA_INT)),
        ZK_SHA_NI("zk_sha_ni", FunctionDescriptor.of(JAVA_INT)),
        ZK_THREADS("zk_threads", FunctionDescriptor.of(JAVA_INT)),
        ZK_FORCE_PORTABLE_SHA("zk_force_portable_sha", FunctionDescriptor.ofVoid(JAVA_INT)),
        ZK_EVALUATIONS_TO_COEFFICIENTS("zk_evaluations_to_coefficients", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT)),
        ZK_NTT("zk_ntt", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT)),
        ZK_ENCODE_BIT_REVERSED("zk_encode_bit_reversed", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
        ZK_HASH_LEAVES("zk_hash_leaves", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS)),
        ZK_HASH_SALTED_LEAVES("zk_hash_salted_leaves", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS)),
        ZK_HASH_PARENTS("zk_hash_parents", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS)),
        ZK_LOGUP_PARENTS("zk_logup_parents", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS)),
        ZK_LOGUP_EQ_EXPAND("zk_logup_eq_expand", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)),
        ZK_LOGUP_SUMS("zk_logup_sums", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)),
        ZK_LOGUP_FOLD_AND_SUMS("zk_logup_fold_and_sums", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
        ZK_ROUND_SUMS("zk_round_sums", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS)),
        ZK_EQ_PRODUCT_PASS("zk_eq_product_pass", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS)),
        ZK_PRODUCT_SUMS("zk_product_sums", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS)),
        ZK_FOLD_AND_PRODUCT_SUMS("zk_fold_and_product_sums", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
        ZK_FOLD_BASE("zk_fold_base", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)),
        ZK_FOLD_EXT("zk_fold_ext", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)),
        ZK_FOLD_EXT_IN_PLACE("zk_fold_ext_in_place", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS)),
        ZK_EVALUATE_MLE("zk_evaluate_mle", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, ADDRESS)),
        ZK_MASK_LOW_SUMS("zk_mask_low_sums", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS)),
        ZK_MASK_COMBINE("zk_mask_combine", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS)),
        ZK_ADD_SCALED_EQ_BATCH("zk_add_scaled_eq_batch", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)),
        ZK_WHIR_SUMCHECK_ROUND("zk_whir_sumcheck_round", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS)),
        ZK_WHIR_FOLD("zk_whir_fold", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS)),
        ZK_GRIND("zk_grind", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));

        private final String symbol;
        private final FunctionDescriptor descriptor;
        private volatile MethodHandle handle;

        Entry(String symbol, FunctionDescriptor descriptor) {
            this.symbol = symbol;
            this.descriptor = descriptor;
        }

        /** The downcall handle (the library has loaded and has the symbol: {@link #check()}). */
        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                synchronized (this) {
                    h = handle;
                    if (h == null) {
                        h = LINKER.downcallHandle(LIBRARY.find(symbol).orElseThrow(), descriptor, CRITICAL);
                        handle = h;
                    }
                }
            }
            return h;
        }
    }

    /** Bounds of {@link #zk_round_sums} (ZK_MAX_TABLES, ZK_MAX_DEGREE, ZK_MAX_TERMS in zkinfer.h). */
    static final int MAX_TABLES = 16, MAX_DEGREE = 8, MAX_TERMS = 32;

    /** Why the library could not be used, or null when it loaded. */
    static final String LOAD_ERROR = check();

    /**
     * Whether the kernels are called as JNI methods ({@link NativeJni}) rather than through
     * downcall handles: the library was loaded for JNI, has its JNI entry points (a library built
     * without jni.h has none) and {@code -Dzkinfer.native.jni=false} does not ask for downcalls.
     * The same C functions either way. Only the downcalls are linked ahead, on a background thread.
     */
    static final boolean JNI = LOAD_ERROR == null && jniAnswers();

    static {
        if (LOAD_ERROR == null && !JNI) {
            linkInBackground();
        }
    }

    private NativeKernels() {}

    private static SymbolLookup open() {
        try {
            SymbolLookup bundled = openBundled();
            if (bundled != null) {
                return bundled;
            }
            java.io.File file = locate();
            SymbolLookup lookup = SymbolLookup.libraryLookup(file.toPath(), Arena.global());
            loadForJni(file.getPath());
            if (!file.getName().equals(System.mapLibraryName("zkinfer"))) {
                // a temporary copy extracted from the jar: the mapping stays valid once the file is gone
                file.delete();
            }
            return lookup;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalArgumentException | IllegalCallerException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = msg.indexOf('\n');
            String first = nl < 0 ? msg : msg.substring(0, nl);
            if (first.endsWith(":")) {
                first += " not found as classpath resource " + com.sun.jna.Platform.RESOURCE_PREFIX
                        + "/libzkinfer.so, on jna.library.path or the system paths (built only where gcc was present)";
            }
            loadError = "libzkinfer not loadable: " + first;
            return null;
        }
    }

    /** Loads the library file for JNI as well (the same mapping): {@link #JNI} says whether it worked. */
    private static void loadForJni(String file) {
        if ("false".equals(System.getProperty("zkinfer.native.jni"))) {
            return;
        }
        try {
            System.load(file);
            jniLoaded = true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            // the downcalls remain
        }
    }

    /** Whether the JNI entry points answer with this ABI version (a library built without jni.h has none). */
    private static boolean jniAnswers() {
        if (!jniLoaded) {
            return false;
        }
        try {
            return NativeJni.abiVersion() == ABI_VERSION;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /**
     * The classpath resource {@code linux-<arch>/libzkinfer.so}, opened without JNA, whose
     * start-up (a fifth of a second in a cold JVM) a CPU-only machine then never pays: the file
     * itself when the resource is one, else a temporary copy, deleted once mapped. Null when there
     * is no such resource or it cannot be opened that way (e.g. a temporary folder mounted
     * noexec): {@link #locate()} then lets JNA try.
     */
    private static SymbolLookup openBundled() {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return null;
        }
        String arch = System.getProperty("os.arch", "");
        String prefix = "linux-" + (arch.equals("amd64") || arch.equals("x86_64") ? "x86-64" : arch);
        java.net.URL url = NativeKernels.class.getClassLoader().getResource(prefix + "/" + System.mapLibraryName("zkinfer"));
        if (url == null) {
            return null;
        }
        try {
            if (url.getProtocol().equals("file")) {
                java.nio.file.Path file = java.nio.file.Path.of(url.toURI());
                SymbolLookup lookup = SymbolLookup.libraryLookup(file, Arena.global());
                loadForJni(file.toString());
                return lookup;
            }
            java.nio.file.Path copy = java.nio.file.Files.createTempFile("libzkinfer", ".so");
            try {
                try (java.io.InputStream in = url.openStream()) {
                    java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                // the mapping stays valid once the file is gone
                SymbolLookup lookup = SymbolLookup.libraryLookup(copy, Arena.global());
                loadForJni(copy.toString());
                return lookup;
            } finally {
                java.nio.file.Files.deleteIfExists(copy);
            }
        } catch (java.io.IOException | java.net.URISyntaxException | IllegalArgumentException | UnsatisfiedLinkError e) {
            return null;
        }
    }

    /**
     * The library file: the classpath resource {@code <platform>/libzkinfer.so} (extracted from
     * the jar when it is in one), else JNA's search of jna.library.path and the system paths.
     */
    private static java.io.File locate() {
        try {
            return Native.extractFromResourcePath("zkinfer", NativeKernels.class.getClassLoader());
        } catch (java.io.IOException notOnClasspath) {
            java.io.File file = NativeLibrary.getInstance("zkinfer").getFile();
            if (file == null) {
                throw new UnsatisfiedLinkError("JNA found libzkinfer but not as a file");
            }
            return file;
        }
    }

    private static String check() {
        if (loadError != null) {
            return loadError;
        }
        for (Entry e : Entry.values()) {
            if (LIBRARY.find(e.symbol).isEmpty()) {
                return "libzkinfer lacks " + e.symbol;
            }
        }
        int abi = jniAnswers() ? ABI_VERSION : zk_abi_version();
        return abi == ABI_VERSION ? null : "libzkinfer has ABI version " + abi + ", expected " + ABI_VERSION;
    }

    /** Links every entry point on a daemon thread, in {@link Entry}'s order (see there). */
    private static void linkInBackground() {
        Thread.ofPlatform().daemon().name("zkinfer-native-link").start(() -> {
            try {
                for (Entry e : Entry.values()) {
                    e.handle();
                }
            } catch (RuntimeException | LinkageError e) {
                // a kernel's first call links it again and reports the failure where it matters
            }
        });
    }

    private static RuntimeException failure(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    static int zk_abi_version() {
        if (JNI) {
            return NativeJni.abiVersion();
        }
        try {
            return (int) Entry.ZK_ABI_VERSION.handle().invokeExact();
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static int zk_sha_ni() {
        if (JNI) {
            return NativeJni.shaNi();
        }
        try {
            return (int) Entry.ZK_SHA_NI.handle().invokeExact();
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static int zk_threads() {
        if (JNI) {
            return NativeJni.threads();
        }
        try {
            return (int) Entry.ZK_THREADS.handle().invokeExact();
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_force_portable_sha(int portable) {
        if (JNI) {
            NativeJni.forcePortableSha(portable);
            return;
        }
        try {
            Entry.ZK_FORCE_PORTABLE_SHA.handle().invokeExact(portable);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_ntt(long[] values, int logN) {
        if (JNI) {
            NativeJni.ntt(values, logN);
            return;
        }
        try {
            Entry.ZK_NTT.handle().invokeExact(MemorySegment.ofArray(values), logN);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_encode_bit_reversed(long[] coeffs, int width, int logMsg, int logN, long[] out) {
        if (JNI) {
            NativeJni.encodeBitReversed(coeffs, width, logMsg, logN, out);
            return;
        }
        try {
            Entry.ZK_ENCODE_BIT_REVERSED.handle().invokeExact(MemorySegment.ofArray(coeffs), width, logMsg, logN, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_evaluations_to_coefficients(long[] values, int logN) {
        if (JNI) {
            NativeJni.evaluationsToCoefficients(values, logN);
            return;
        }
        try {
            Entry.ZK_EVALUATIONS_TO_COEFFICIENTS.handle().invokeExact(MemorySegment.ofArray(values), logN);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_hash_leaves(long[] data, long leaves, int leafLongs, byte[] out) {
        if (JNI) {
            NativeJni.hashLeaves(data, leaves, leafLongs, out);
            return;
        }
        try {
            Entry.ZK_HASH_LEAVES.handle().invokeExact(MemorySegment.ofArray(data), leaves, leafLongs, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_hash_salted_leaves(long[] data, long leaves, int leafLongs, byte[] salts, byte[] out) {
        if (JNI) {
            NativeJni.hashSaltedLeaves(data, leaves, leafLongs, salts, out);
            return;
        }
        try {
            Entry.ZK_HASH_SALTED_LEAVES.handle().invokeExact(MemorySegment.ofArray(data), leaves, leafLongs, MemorySegment.ofArray(salts),
                    MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_mask_low_sums(long[] w, long lowSize, long highSize, long[] parts, int c, long[] out) {
        if (JNI) {
            NativeJni.maskLowSums(w, lowSize, highSize, parts, c, out);
            return;
        }
        try {
            Entry.ZK_MASK_LOW_SUMS.handle().invokeExact(MemorySegment.ofArray(w), lowSize, highSize, MemorySegment.ofArray(parts), c, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_mask_combine(long[] t, long size, long[] rho, long[] parts, int c, long[] e, long[] out) {
        if (JNI) {
            NativeJni.maskCombine(t, size, rho, parts, c, e, out);
            return;
        }
        try {
            Entry.ZK_MASK_COMBINE.handle().invokeExact(MemorySegment.ofArray(t), size, MemorySegment.ofArray(rho), MemorySegment.ofArray(parts), c,
                    MemorySegment.ofArray(e), MemorySegment.ofArray(out));
        } catch (Throwable t2) {
            throw failure(t2);
        }
    }

    static void zk_hash_parents(byte[] children, long parents, byte[] out) {
        if (JNI) {
            NativeJni.hashParents(children, parents, out);
            return;
        }
        try {
            Entry.ZK_HASH_PARENTS.handle().invokeExact(MemorySegment.ofArray(children), parents, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static long zk_grind(byte[] prefix, int bits) {
        if (JNI) {
            return NativeJni.grind(prefix, prefix.length, bits);
        }
        try {
            return (long) Entry.ZK_GRIND.handle().invokeExact(MemorySegment.ofArray(prefix), prefix.length, bits);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_evaluate_mle(long[] values, long[] point, int m, long[] out3) {
        if (JNI) {
            NativeJni.evaluateMle(values, point, m, out3);
            return;
        }
        try {
            Entry.ZK_EVALUATE_MLE.handle().invokeExact(MemorySegment.ofArray(values), MemorySegment.ofArray(point), m, MemorySegment.ofArray(out3));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_add_scaled_eq_batch(long[] w, long[] points, long[] coefs, int count, int m) {
        if (JNI) {
            NativeJni.addScaledEqBatch(w, points, coefs, count, m);
            return;
        }
        try {
            Entry.ZK_ADD_SCALED_EQ_BATCH.handle().invokeExact(MemorySegment.ofArray(w), MemorySegment.ofArray(points), MemorySegment.ofArray(coefs), count, m);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_whir_sumcheck_round(long[] f, int fWidth, long[] w, long size, long[] out9) {
        if (JNI) {
            NativeJni.whirSumcheckRound(f, fWidth, w, size, out9);
            return;
        }
        try {
            Entry.ZK_WHIR_SUMCHECK_ROUND.handle().invokeExact(MemorySegment.ofArray(f), fWidth, MemorySegment.ofArray(w), size, MemorySegment.ofArray(out9));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_whir_fold(long[] table, int width, long size, long[] alpha, int monomial, long[] out) {
        if (JNI) {
            NativeJni.whirFold(table, width, size, alpha, monomial, out);
            return;
        }
        try {
            Entry.ZK_WHIR_FOLD.handle().invokeExact(MemorySegment.ofArray(table), width, size, MemorySegment.ofArray(alpha), monomial, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_eq_product_pass(long[] src, int base, long[] r, int fold, long[] dst, long[] lo, long loSize, long[] hi, long hiSize,
            long[] out6) {
        if (JNI) {
            NativeJni.eqProductPass(src, base, r, fold, dst, lo, loSize, hi, hiSize, out6);
            return;
        }
        try {
            Entry.ZK_EQ_PRODUCT_PASS.handle().invokeExact(MemorySegment.ofArray(src), base, MemorySegment.ofArray(r), fold, MemorySegment.ofArray(dst),
                    MemorySegment.ofArray(lo), loSize, MemorySegment.ofArray(hi), hiSize, MemorySegment.ofArray(out6));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_product_sums(long[] f, long[] g, int base, long half, long[] out6) {
        if (JNI) {
            NativeJni.productSums(f, g, base, half, out6);
            return;
        }
        try {
            Entry.ZK_PRODUCT_SUMS.handle().invokeExact(MemorySegment.ofArray(f), MemorySegment.ofArray(g), base, half, MemorySegment.ofArray(out6));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_fold_base(long[] values, long half, long[] r, long[] out) {
        if (JNI) {
            NativeJni.foldBase(values, half, r, out);
            return;
        }
        try {
            Entry.ZK_FOLD_BASE.handle().invokeExact(MemorySegment.ofArray(values), half, MemorySegment.ofArray(r), MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_fold_ext(long[] table, long half, long[] r, long[] out) {
        if (JNI) {
            NativeJni.foldExt(table, half, r, out);
            return;
        }
        try {
            Entry.ZK_FOLD_EXT.handle().invokeExact(MemorySegment.ofArray(table), half, MemorySegment.ofArray(r), MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_fold_ext_in_place(long[] table, long half, long[] r) {
        if (JNI) {
            NativeJni.foldExtInPlace(table, half, r);
            return;
        }
        try {
            Entry.ZK_FOLD_EXT_IN_PLACE.handle().invokeExact(MemorySegment.ofArray(table), half, MemorySegment.ofArray(r));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_fold_and_product_sums(long[] f, long[] g, int base, long half, long[] r, long[] fOut, long[] gOut, long[] out6) {
        if (JNI) {
            NativeJni.foldAndProductSums(f, g, base, half, r, fOut, gOut, out6);
            return;
        }
        try {
            Entry.ZK_FOLD_AND_PRODUCT_SUMS.handle().invokeExact(MemorySegment.ofArray(f), MemorySegment.ofArray(g), base, half, MemorySegment.ofArray(r), MemorySegment.ofArray(fOut), MemorySegment.ofArray(gOut), MemorySegment.ofArray(out6));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_logup_parents(long[] p, long[] q, int base, long count, long[] upP, long[] upQ) {
        if (JNI) {
            NativeJni.logupParents(p, q, base, count, upP, upQ);
            return;
        }
        try {
            Entry.ZK_LOGUP_PARENTS.handle().invokeExact(MemorySegment.ofArray(p), MemorySegment.ofArray(q), base, count, MemorySegment.ofArray(upP), MemorySegment.ofArray(upQ));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_logup_eq_expand(long[] prev, long[] r, long count, long[] out) {
        if (JNI) {
            NativeJni.logupEqExpand(prev, r, count, out);
            return;
        }
        try {
            Entry.ZK_LOGUP_EQ_EXPAND.handle().invokeExact(MemorySegment.ofArray(prev), MemorySegment.ofArray(r), count, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_logup_sums(long[] ps, long[] q, long[] lambda, long[] eq, long pairs, long[] out6) {
        if (JNI) {
            NativeJni.logupSums(ps, q, lambda, eq, pairs, out6);
            return;
        }
        try {
            Entry.ZK_LOGUP_SUMS.handle().invokeExact(MemorySegment.ofArray(ps), MemorySegment.ofArray(q), orNull(lambda), MemorySegment.ofArray(eq), pairs, MemorySegment.ofArray(out6));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    static void zk_logup_fold_and_sums(long[] ps, long[] q, long[] lambda, long[] r, long pairs, long[] eqNext, long[] psOut, long[] qOut, long[] out6) {
        if (JNI) {
            NativeJni.logupFoldAndSums(ps, q, lambda, r, pairs, eqNext, psOut, qOut, out6);
            return;
        }
        try {
            Entry.ZK_LOGUP_FOLD_AND_SUMS.handle().invokeExact(MemorySegment.ofArray(ps), MemorySegment.ofArray(q), orNull(lambda), MemorySegment.ofArray(r), pairs, MemorySegment.ofArray(eqNext), MemorySegment.ofArray(psOut), MemorySegment.ofArray(qOut), MemorySegment.ofArray(out6));
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    /** The array, or the C null pointer for null. */
    private static MemorySegment orNull(long[] a) {
        return a == null ? MemorySegment.NULL : MemorySegment.ofArray(a);
    }

    /** Round sums of any terms over at most {@link #MAX_TABLES} tables (zk_round_sums). */
    static void zk_round_sums(long[][] tables, int baseMask, int[] factors, int[] offsets, int nterms, long half,
            int degree, long[] out) {
        if (JNI) {
            NativeJni.roundSums(tables, baseMask, factors, offsets, nterms, half, degree, out);
            return;
        }
        MemorySegment[] t = new MemorySegment[MAX_TABLES];
        for (int f = 0; f < MAX_TABLES; f++) {
            t[f] = f < tables.length ? MemorySegment.ofArray(tables[f]) : MemorySegment.NULL;
        }
        try {
            Entry.ZK_ROUND_SUMS.handle().invokeExact(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13],
                    t[14], t[15], tables.length, baseMask,
                    MemorySegment.ofArray(factors), MemorySegment.ofArray(offsets), nterms, half, degree,
                    MemorySegment.ofArray(out));
        } catch (Throwable e) {
            throw failure(e);
        }
    }
}

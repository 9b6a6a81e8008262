package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;
import static dev.zkinfer.prover.backend.CudaBackend.LOCK;
import static dev.zkinfer.prover.backend.CudaBackend.check;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.prover.backend.CudaBackend.Memory;

/**
 * Commit kernels on the GPU: encoding, Möbius transform, Merkle trees, WHIR sumcheck round and
 * fold, eq weights and MLE evaluation, on resident tables where the table is large (see
 * {@link CommitKernels}, "resident tables"); small ordinary tables, grinding and the single-layer
 * hashes run on the CPU kernels. The eq tables are split as in {@link CommitArithmetic} (a high
 * and a low factor table, computed on the CPU by the reference code) so that the GPU does one
 * extension multiplication per entry.
 */
final class CudaCommitKernels implements CommitKernels {
    private final CommitKernels cpu;
    private final Memory mem;

    CudaCommitKernels(CommitKernels cpu, Memory mem) {
        this.cpu = cpu;
        this.mem = mem;
    }

    private boolean onGpu(long[] table, long entries) {
        return mem.isResident(table) || entries >= CudaBackend.minEntries;
    }

    @Override
    public void ntt(long[] values, int logN) {
        cpu.ntt(values, logN);
    }

    @Override
    public long[] encodeBitReversed(long[] coeffs, int width, int logMsg, int logN) {
        boolean resident = mem.isResident(coeffs);
        if (!resident) {
            ScalarCommitKernels.checkEncode(coeffs, width, logMsg, logN);
            if ((1L << logN) < CudaBackend.minEntries) {
                return cpu.encodeBitReversed(coeffs, width, logMsg, logN);
            }
        } else if ((width != 1 && width != 3) || logMsg < 0 || logN < logMsg || logN > Goldilocks.TWO_ADICITY) {
            throw new IllegalArgumentException("cannot encode (width " + width + ", 2^" + logMsg + " -> 2^" + logN + ")");
        }
        long[] out = new long[1];
        try (Memory.View in = mem.view(coeffs, (long) width << logMsg)) {
            synchronized (LOCK) {
                check(CudaLibrary.zk_encode_device(in.ptr(), width, logMsg, logN, Goldilocks.rootOfUnity(logN), out), "encode");
            }
        }
        return mem.handle(out[0], (long) width << logN);
    }

    @Override
    public void evaluationsToCoefficients(long[] values) {
        Memory.Buffer b = mem.of(values);
        if (b == null) {
            cpu.evaluationsToCoefficients(values);
            return;
        }
        int n = Long.numberOfTrailingZeros(b.longs);
        synchronized (LOCK) {
            check(CudaLibrary.zk_mobius(b.ptr, n), "mobius");
        }
    }

    @Override
    public byte[] hashLeaves(long[] data, int leafLongs) {
        return cpu.hashLeaves(data, leafLongs);
    }

    @Override
    public long[] maskLowSums(long[] w, long[] parts, int c, int lowSize) {
        return cpu.maskLowSums(w, parts, c, lowSize);
    }

    @Override
    public long[] maskCombine(long[] t, long[] rho, long[] parts, int c, long[] e) {
        return cpu.maskCombine(t, rho, parts, c, e);
    }

    @Override
    public byte[] hashSaltedLeaves(long[] data, int leaves, int leafLongs, byte[] salts) {
        return cpu.hashSaltedLeaves(toHost(data, leaves * leafLongs), leaves, leafLongs, salts);
    }

    @Override
    public byte[] hashParents(byte[] children) {
        return cpu.hashParents(children);
    }

    @Override
    public byte[][] merkleLayers(long[] data, int leaves, int leafLongs) {
        if (!onGpu(data, (long) leaves * leafLongs)) {
            return cpu.merkleLayers(data, leaves, leafLongs);
        }
        if (!mem.isResident(data) && data.length != leaves * leafLongs) {
            throw new IllegalArgumentException(data.length + " longs hashed as " + leaves + " leaves of " + leafLongs);
        }
        long[] nodesPtr = new long[1];
        try (Memory.View v = mem.view(data, (long) leaves * leafLongs)) {
            synchronized (LOCK) {
                check(CudaLibrary.zk_merkle_tree_device(v.ptr(), leaves, leafLongs, nodesPtr), "merkle tree");
            }
        }
        byte[] nodes;
        try {
            nodes = mem.downloadBytes(nodesPtr[0], MerkleHash.DIGEST_BYTES * (2 * leaves - 1));
        } finally {
            Memory.free(nodesPtr[0]);
        }
        int depth = Integer.numberOfTrailingZeros(leaves);
        byte[][] layers = new byte[depth + 1][];
        int off = 0;
        for (int d = 0, count = leaves; d <= depth; d++, count >>>= 1) {
            layers[d] = java.util.Arrays.copyOfRange(nodes, off, off + MerkleHash.DIGEST_BYTES * count);
            off += MerkleHash.DIGEST_BYTES * count;
        }
        return layers;
    }

    @Override
    public long grind(byte[] seed, int bits) {
        return cpu.grind(seed, bits);
    }

    @Override
    public long[] evaluateMle(long[] values, long[] point) {
        int m = point.length / 3;
        if (!onGpu(values, 1L << m)) {
            return cpu.evaluateMle(values, point);
        }
        if (!mem.isResident(values) && values.length != 1 << m) {
            throw new IllegalArgumentException(values.length + " values for " + m + " variables");
        }
        int lo = CommitArithmetic.lowVars(m);
        long[] hi = CommitArithmetic.highFactors(point, lo, m, new long[] {1, 0, 0});
        long[] low = CommitArithmetic.eqTable(point, 0, lo);
        long[] out = new long[3];
        try (Memory.View v = mem.view(values, 1L << m)) {
            synchronized (LOCK) {
                check(CudaLibrary.zk_evaluate_split(v.ptr(), m, lo, hi, low, out), "evaluateMle");
            }
        }
        return out;
    }

    @Override
    public void addScaledEq(long[] w, long[] point, long[] coef) {
        addScaledEqBatch(w, new long[][] {point}, new long[][] {coef});
    }

    @Override
    public void addScaledEqBatch(long[] w, long[][] points, long[][] coefs) {
        if (points.length == 0) {
            return;
        }
        int m = points[0].length / 3;
        if (!onGpu(w, 1L << m)) {
            cpu.addScaledEqBatch(w, points, coefs);
            return;
        }
        if (!mem.isResident(w) && w.length != 3 << m) {
            throw new IllegalArgumentException("weight table of " + w.length / 3 + " for " + m + " variables");
        }
        int lo = CommitArithmetic.lowVars(m);
        int hiLen = 3 << (m - lo), loLen = 3 << lo;
        // at most ~64 MiB of factor tables per call
        int per = Math.max(1, Math.min(points.length, (8 << 20) / (hiLen + loLen)));
        try (Memory.View v = mem.view(w, 3L << m)) {
            for (int q0 = 0; q0 < points.length; q0 += per) {
                int count = Math.min(per, points.length - q0);
                long[] hi = new long[count * hiLen], low = new long[count * loLen];
                int first = q0;
                for (int q = 0; q < count; q++) {
                    if (points[first + q].length != 3 * m) {
                        throw new IllegalArgumentException("points of different dimensions");
                    }
                }
                // the factor tables of the points, on the CPU cores (the reference's own code)
                Cancellation cancel = Cancellation.current();
                java.util.stream.IntStream.range(0, count).parallel().forEach(q -> {
                    cancel.check();
                    long[] point = points[first + q];
                    System.arraycopy(CommitArithmetic.highFactors(point, lo, m, coefs[first + q]), 0, hi, q * hiLen, hiLen);
                    System.arraycopy(CommitArithmetic.eqTable(point, 0, lo), 0, low, q * loLen, loLen);
                });
                synchronized (LOCK) {
                    check(CudaLibrary.zk_add_eq_split(v.ptr(), m, lo, count, hi, low), "addScaledEq");
                }
            }
            if (v.temporary()) {
                mem.copyOut(w, v.ptr(), w.length);
            }
        }
    }

    @Override
    public long[] sumcheckRound(long[] f, int fWidth, long[] w, int size) {
        if (!(onGpu(f, size) || onGpu(w, size))) {
            return cpu.sumcheckRound(f, fWidth, w, size);
        }
        long[] out = new long[9];
        try (Memory.View fv = mem.view(f, (long) fWidth * size); Memory.View wv = mem.view(w, 3L * size)) {
            synchronized (LOCK) {
                check(CudaLibrary.zk_whir_round(fv.ptr(), fWidth, wv.ptr(), size, out), "whir round");
            }
        }
        return out;
    }

    @Override
    public long[] fold(long[] table, int width, int size, long[] alpha, boolean monomial) {
        int half = size >>> 1;
        boolean resident = mem.isResident(table);
        if (!resident && half < CudaBackend.minEntries) {
            return cpu.fold(table, width, size, alpha, monomial);
        }
        long out = mem.alloc(3L * half);
        try (Memory.View v = mem.view(table, (long) width * size)) {
            synchronized (LOCK) {
                check(CudaLibrary.zk_whir_fold(v.ptr(), width, size, alpha, monomial ? 1 : 0, out), "whir fold");
            }
        } catch (RuntimeException e) {
            Memory.free(out);
            throw e;
        }
        if (half < CudaBackend.minEntries) {
            long[] host = mem.download(out, 3 * half);
            Memory.free(out);
            return host;
        }
        return mem.handle(out, 3L * half);
    }

    @Override
    public long[] resident(long[] table) {
        if (table.length < CudaBackend.minEntries) {
            return table.clone();
        }
        return mem.handle(mem.upload(table, table.length), table.length);
    }

    @Override
    public long[] adopt(long[] table) {
        return table.length < CudaBackend.minEntries ? table : resident(table);
    }

    @Override
    public long[] zeros(int longs) {
        if (longs < CudaBackend.minEntries) {
            return new long[longs];
        }
        long ptr = mem.alloc(longs);
        synchronized (LOCK) {
            check(CudaLibrary.zk_zero(ptr, 8L * longs), "memset");
        }
        return mem.handle(ptr, longs);
    }

    @Override
    public long[] toHost(long[] table, int longs) {
        return mem.isResident(table) ? mem.host(table, longs) : cpu.toHost(table, longs);
    }

    @Override
    public long[] leaves(long[] table, int[] indices, int leafLongs) {
        Memory.Buffer b = mem.of(table);
        if (b == null) {
            return cpu.leaves(table, indices, leafLongs);
        }
        for (int idx : indices) {
            if (idx < 0 || (long) (idx + 1) * leafLongs > b.longs) {
                throw new IllegalArgumentException("leaf " + idx + " outside the resident table");
            }
        }
        long[] out = new long[indices.length * leafLongs];
        synchronized (LOCK) {
            check(CudaLibrary.zk_gather_leaves(b.ptr, indices, indices.length, leafLongs, out), "gather leaves");
        }
        return out;
    }
}

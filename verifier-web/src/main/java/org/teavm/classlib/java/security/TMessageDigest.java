package org.teavm.classlib.java.security;

import java.security.DigestException;
import java.security.NoSuchAlgorithmException;

/**
 * {@code java.security.MessageDigest} for TeaVM, whose class library has none: SHA-256 only
 * (FIPS 180-4), in plain Java. TeaVM substitutes this class for {@code java.security.MessageDigest}
 * when it compiles the verifier, so the verifier keeps using the JDK's digest (a JIT intrinsic on
 * the JVM) and the browser gets this one; the tests check it against the JDK's on random inputs
 * and the FIPS test vectors. Only the methods the verifier calls are here. Not thread-safe.
 */
public final class TMessageDigest {
    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    private static final int DIGEST_BYTES = 32;

    private final int[] h = new int[8];
    private final int[] w = new int[64];
    private final byte[] block = new byte[64];
    private int blockLength;
    private long totalBytes;

    private TMessageDigest() {
        reset();
    }

    public static TMessageDigest getInstance(String algorithm) throws NoSuchAlgorithmException {
        if (!algorithm.equalsIgnoreCase("SHA-256")) {
            throw new NoSuchAlgorithmException(algorithm + " (only SHA-256 is available here)");
        }
        return new TMessageDigest();
    }

    public static boolean isEqual(byte[] a, byte[] b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.length != b.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }

    public String getAlgorithm() {
        return "SHA-256";
    }

    public int getDigestLength() {
        return DIGEST_BYTES;
    }

    public void reset() {
        h[0] = 0x6a09e667;
        h[1] = 0xbb67ae85;
        h[2] = 0x3c6ef372;
        h[3] = 0xa54ff53a;
        h[4] = 0x510e527f;
        h[5] = 0x9b05688c;
        h[6] = 0x1f83d9ab;
        h[7] = 0x5be0cd19;
        blockLength = 0;
        totalBytes = 0;
    }

    public void update(byte b) {
        block[blockLength++] = b;
        totalBytes++;
        if (blockLength == 64) {
            compress(block, 0);
            blockLength = 0;
        }
    }

    public void update(byte[] input) {
        update(input, 0, input.length);
    }

    public void update(byte[] input, int offset, int len) {
        if (offset < 0 || len < 0 || offset > input.length - len) {
            throw new IllegalArgumentException("bad offset or length");
        }
        totalBytes += len;
        if (blockLength > 0) {
            int n = Math.min(len, 64 - blockLength);
            System.arraycopy(input, offset, block, blockLength, n);
            blockLength += n;
            offset += n;
            len -= n;
            if (blockLength < 64) {
                return;
            }
            compress(block, 0);
            blockLength = 0;
        }
        while (len >= 64) {
            compress(input, offset);
            offset += 64;
            len -= 64;
        }
        System.arraycopy(input, offset, block, 0, len);
        blockLength = len;
    }

    public byte[] digest() {
        byte[] out = new byte[DIGEST_BYTES];
        finish(out, 0);
        return out;
    }

    public byte[] digest(byte[] input) {
        update(input);
        return digest();
    }

    public int digest(byte[] out, int offset, int len) throws DigestException {
        if (len < DIGEST_BYTES || offset < 0 || offset > out.length - DIGEST_BYTES) {
            throw new DigestException("output buffer too small for a SHA-256 digest");
        }
        finish(out, offset);
        return DIGEST_BYTES;
    }

    private void finish(byte[] out, int offset) {
        long bits = totalBytes << 3;
        block[blockLength++] = (byte) 0x80;
        if (blockLength > 56) {
            while (blockLength < 64) {
                block[blockLength++] = 0;
            }
            compress(block, 0);
            blockLength = 0;
        }
        while (blockLength < 56) {
            block[blockLength++] = 0;
        }
        for (int i = 0; i < 8; i++) {
            block[56 + i] = (byte) (bits >>> (56 - 8 * i));
        }
        compress(block, 0);
        for (int i = 0; i < 8; i++) {
            out[offset + 4 * i] = (byte) (h[i] >>> 24);
            out[offset + 4 * i + 1] = (byte) (h[i] >>> 16);
            out[offset + 4 * i + 2] = (byte) (h[i] >>> 8);
            out[offset + 4 * i + 3] = (byte) h[i];
        }
        reset();
    }

    private void compress(byte[] in, int off) {
        int[] w = this.w;
        for (int i = 0; i < 16; i++) {
            int p = off + 4 * i;
            w[i] = (in[p] << 24) | ((in[p + 1] & 0xff) << 16) | ((in[p + 2] & 0xff) << 8) | (in[p + 3] & 0xff);
        }
        for (int i = 16; i < 64; i++) {
            int x = w[i - 15];
            int y = w[i - 2];
            int s0 = Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3);
            int s1 = Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ (y >>> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            int s1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
            int ch = (e & f) ^ (~e & g);
            int t1 = hh + s1 + ch + K[i] + w[i];
            int s0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
            int maj = (a & b) ^ (a & c) ^ (b & c);
            int t2 = s0 + maj;
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}

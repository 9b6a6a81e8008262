package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Shared soundness and encoding checks for the linear-family layer tests. */
final class LayerSoundness {
    private LayerSoundness() {}

    /** Runs the verifier on a proof and asserts it rejects or emits a claim false for w. */
    static void assertRejectedOrFalse(Layer layer, Claim[] outClaims, WitnessValues w, byte[] proof, String what) {
        List<Claim> claims;
        try {
            claims = LayerHarness.verify(layer, outClaims, w.circuit(), proof);
        } catch (InvalidProofException e) {
            return;
        }
        assertNotNull(LayerHarness.falseClaim(claims, w), what + ": verifier accepted and every claim holds");
    }

    /** Honest proof on w for the given claims. */
    static byte[] prove(Layer layer, Claim[] outClaims, WitnessValues w) {
        return LayerHarness.prove(layer, outClaims, w, Backends.scalar()).proof();
    }

    /**
     * Tampers with every 8-byte element of an honest proof (adds 1 mod p, keeping it canonical)
     * and checks each is rejected or yields a false claim; truncations must be rejected.
     */
    static void tamperEveryElement(Layer layer, WitnessValues w, long seed) throws InvalidProofException {
        Claim[] outClaims = LayerHarness.randomOutputClaims(layer, w, new SplittableRandom(seed));
        byte[] proof = prove(layer, outClaims, w);
        assertNull(LayerHarness.falseClaim(LayerHarness.verify(layer, outClaims, w.circuit(), proof), w));
        assertEquals(0, proof.length % 8, "proof made of 8-byte elements");
        for (int off = 0; off < proof.length; off += 8) {
            assertRejectedOrFalse(layer, outClaims, w, withElementIncremented(proof, off), "element at byte " + off);
        }
        for (int cut : new int[] {1, 8, proof.length}) {
            if (cut <= proof.length && proof.length > 0) {
                byte[] shortP = Arrays.copyOf(proof, proof.length - cut);
                assertThrows(InvalidProofException.class, () -> LayerHarness.verify(layer, outClaims, w.circuit(), shortP));
            }
        }
        byte[] longP = Arrays.copyOf(proof, proof.length + 8);
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(layer, outClaims, w.circuit(), longP));
        // a false output claim with the honest proof
        Claim c0 = outClaims[0];
        Claim[] wrong = outClaims.clone();
        wrong[0] = new Claim(c0.tensor(), c0.point(), c0.value().add(1));
        assertRejectedOrFalse(layer, wrong, w, proof, "false output claim");
    }

    /** A copy of the proof with its 8-byte field element at {@code off} plus 1 mod p (kept canonical). */
    static byte[] withElementIncremented(byte[] proof, int off) {
        byte[] bad = proof.clone();
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (bad[off + i] & 0xFFL) << (8 * i);
        }
        v = Goldilocks.add(v, 1);
        for (int i = 0; i < 8; i++) {
            bad[off + i] = (byte) (v >>> (8 * i));
        }
        return bad;
    }

    /** Circuit round trip: encode → decode gives equal layers and identical bytes; garbage → Malformed only. */
    static void assertCodec(Circuit c, SplittableRandom rnd) {
        ProofWriter pw = new ProofWriter();
        c.encode(pw);
        byte[] enc = pw.toByteArray();
        Circuit d;
        try {
            d = Circuit.decode(new ProofReader(enc));
        } catch (MalformedProofException e) {
            throw new AssertionError("decode of a valid encoding failed: " + e.getMessage(), e);
        }
        assertEquals(c.layers(), d.layers());
        ProofWriter pw2 = new ProofWriter();
        d.encode(pw2);
        assertArrayEquals(enc, pw2.toByteArray());
        // truncations and random corruption: MalformedProofException or success, nothing else
        for (int cut = 0; cut < enc.length; cut += Math.max(1, enc.length / 64)) {
            decodeQuietly(Arrays.copyOf(enc, cut));
        }
        for (int i = 0; i < 300; i++) {
            byte[] bad = enc.clone();
            int pos = rnd.nextInt(bad.length);
            bad[pos] = (byte) rnd.nextInt(256);
            if (rnd.nextBoolean()) {
                bad[rnd.nextInt(bad.length)] = (byte) 0xFF;
            }
            decodeQuietly(bad);
        }
        for (int i = 0; i < 100; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) rnd.nextInt(256);
            }
            decodeQuietly(junk);
        }
    }

    private static void decodeQuietly(byte[] bytes) {
        try {
            Circuit.decode(new ProofReader(bytes));
        } catch (MalformedProofException e) {
            // expected
        }
    }

    /** Random small signed values, padded. */
    static long[] randomPadded(dev.zkinfer.circuit.TensorLayout l, SplittableRandom rnd, int bound) {
        long[] real = new long[(int) l.size()];
        for (int i = 0; i < real.length; i++) {
            real[i] = Goldilocks.fromSigned(rnd.nextInt(2 * bound + 1) - bound);
        }
        return l.pad(real, 0);
    }
}

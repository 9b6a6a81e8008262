package dev.zkinfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A real proof (see src/test/resources/dev/zkinfer/fixture/README.md) through the public verifier
 * API on whatever JVM runs the tests (Java 17 and 25 in CI): it is accepted, and every mutation
 * of it or of its key is rejected with a reason, never an exception.
 */
class FixtureProofTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = FixtureProofTest.class.getResourceAsStream("/dev/zkinfer/fixture/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    static byte[] key() throws IOException {
        return resource("2l_relu_fc.vk");
    }

    static byte[] proof() throws IOException {
        return resource("2l_relu_fc.proof");
    }

    @Test
    void theFixtureProofIsValid() throws Exception {
        VerifyingKey vk = VerifyingKey.decode(key());
        byte[] proof = proof();
        assertTrue(ProofProtocol.hasMagic(proof));
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, proof);
        assertTrue(o.result().isValid(), o.result()::toString);
        assertNotNull(o.output());
        assertArrayEquals(key(), vk.encode(), "the key re-encodes to the same bytes");
    }

    @Test
    void proofsAndKeysOfEarlierFormatVersionsAreRefusedByVersion() throws Exception {
        VerifyingKey vk = VerifyingKey.decode(key());
        byte[] proof = proof();
        // proof v6 named no batch circuit; v5 had either the padded model commitment or Softmax's free padding (two branches both
        // called it v5); v4 opened the padded model commitment; v3 carried one input and one output
        // without counts
        for (int version : new int[] {3, 4, 5, 6}) {
            proof[4] = (byte) version;
            VerificationResult r = CircuitVerifier.verify(vk, proof).result();
            assertEquals("proof version is " + version + ", expected " + ProofProtocol.VERSION, r.reason());
        }
        // key v8 had no output's elements per row, v4 held one circuit, v3 committed to the padded weights, v2 had one
        // input scale and one output scale; each one's checksum was valid for its own bytes
        for (int version : new int[] {2, 3, 4, 8}) {
            byte[] k = key();
            byte[] body = Arrays.copyOf(k, k.length - 32);
            body[4] = (byte) version;
            byte[] old = Arrays.copyOf(body, k.length);
            System.arraycopy(java.security.MessageDigest.getInstance("SHA-256").digest(body), 0, old, body.length, 32);
            MalformedProofException e = assertThrows(MalformedProofException.class, () -> VerifyingKey.decode(old));
            assertEquals("verifying key version is " + version + ", expected " + VerifyingKey.VERSION, e.getMessage());
        }
    }

    @Test
    void theOutcomeListsTheOneInputAndOutput() throws Exception {
        CircuitVerifier.Outcome o = CircuitVerifier.verify(VerifyingKey.decode(key()), proof());
        assertEquals(1, o.inputs().size());
        assertEquals(1, o.outputs().size());
        assertArrayEquals(o.input(), o.inputs().get(0));
        assertArrayEquals(o.output(), o.outputs().get(0));
    }

    @Test
    void everyByteMutationOfTheProofIsRejected() throws Exception {
        VerifyingKey vk = VerifyingKey.decode(key());
        byte[] proof = proof();
        SplittableRandom rnd = new SplittableRandom(7);
        int stride = Math.max(1, proof.length / 700);
        int checked = 0;
        for (int pos = rnd.nextInt(stride); pos < proof.length; pos += stride) {
            byte[] bad = proof.clone();
            bad[pos] ^= (byte) (1 + rnd.nextInt(255));
            VerificationResult r = CircuitVerifier.verify(vk, bad).result();
            final int at = pos;
            assertFalse(r.isValid(), () -> "a proof changed at byte " + at + " was accepted");
            assertFalse(r.reason().isBlank());
            CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, bad);
            assertThrows(IllegalStateException.class, o::output, "an invalid outcome exposes no output");
            assertThrows(IllegalStateException.class, o::input, "an invalid outcome exposes no input");
            assertThrows(IllegalStateException.class, o::outputs, "an invalid outcome exposes no outputs");
            assertThrows(IllegalStateException.class, o::inputs, "an invalid outcome exposes no inputs");
            checked++;
        }
        assertTrue(checked >= 700);
    }

    @Test
    void truncatedExtendedAndGarbageProofsAreRejected() throws Exception {
        VerifyingKey vk = VerifyingKey.decode(key());
        byte[] proof = proof();
        for (int len : new int[] {0, 1, 4, 39, 40, proof.length / 2, proof.length - 1}) {
            assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, len)).result().isValid(), "truncated to " + len);
        }
        assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, proof.length + 8)).result().isValid(), "extended");
        byte[] garbage = new byte[proof.length];
        new SplittableRandom(3).nextBytes(garbage);
        System.arraycopy(proof, 0, garbage, 0, 8);
        assertFalse(CircuitVerifier.verify(vk, garbage).result().isValid(), "random bytes after the header");
    }

    @Test
    void mutatedKeysAreRefusedOrRejectTheProof() throws Exception {
        byte[] key = key();
        byte[] proof = proof();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int pos = 0; pos < key.length; pos++) {
            byte[] bad = key.clone();
            bad[pos] ^= (byte) (1 + rnd.nextInt(255));
            VerifyingKey vk;
            try {
                vk = VerifyingKey.decode(bad);
            } catch (MalformedProofException e) {
                assertFalse(e.getMessage().isBlank());
                continue;
            }
            final int at = pos;
            assertFalse(CircuitVerifier.verify(vk, proof).result().isValid(), () -> "a key changed at byte " + at + " accepted the proof");
        }
        assertThrows(MalformedProofException.class, () -> VerifyingKey.decode(Arrays.copyOf(key, 20)));
    }

    @Test
    void magicIsACopy() {
        byte[] m = ProofProtocol.magic();
        m[0] = 'X';
        assertEquals('Z', ProofProtocol.magic()[0]);
    }
}

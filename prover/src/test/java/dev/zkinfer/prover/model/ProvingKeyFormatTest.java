package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.MalformedInputException;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proving-key file: what it stores so that loading does not compile again, and what loading refuses. */
class ProvingKeyFormatTest {
    private static ProvingKey pk;
    private static byte[] file;
    private static IntTensor input;

    @BeforeAll
    static void compileOnce() {
        QuantizedModel qm = ModelProofTest.quantize(new ModelBuilder(11, 1, 1, 8, 8).conv(4, 3, 1, 0).relu().maxPool(2, 2)
                .flatten().gemm(10).build(), 3);
        pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        file = pk.encode();
        input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 5).get(0));
    }

    @Test
    void aLoadedKeyProvesByteIdenticalProofsAndEncodesToTheSameBytes() throws Exception {
        ProvingKey loaded = ProvingKey.decode(file, s -> {});
        assertArrayEquals(pk.verifyingKey().digest(), loaded.verifyingKey().digest());
        assertArrayEquals(file, loaded.encode());
        assertArrayEquals(new ModelProver(pk).prove(input, s -> {}).proof(), new ModelProver(loaded).prove(input, s -> {}).proof());
    }

    /** A key whose weights are recommitted in the background proves the same bytes, its recommitment checked by the first proof. */
    @Test
    void aKeyRecommittedInTheBackgroundProvesByteIdenticalProofs() throws Exception {
        ProvingKey loaded = ProvingKey.decodeRecommittingInBackground(file, s -> {});
        assertArrayEquals(pk.verifyingKey().encode(), loaded.verifyingKey().encode());
        assertArrayEquals(file, loaded.encode());
        ModelProver prover = new ModelProver(loaded);
        byte[] expected = new ModelProver(pk).prove(input, s -> {}).proof();
        assertArrayEquals(expected, prover.prove(input, s -> {}).proof());
        assertArrayEquals(expected, prover.prove(input, s -> {}).proof(), "a second proof reuses the joined commitment");
    }

    /**
     * What {@link ProvingKey#decode} refuses, a key loaded with its recommitment in the background
     * refuses too: while loading, or at the latest in its first proof (never returning one), with
     * the same one-line reason, and again in every later proof.
     */
    private static MalformedInputException refusedWhenRecommittedInTheBackground(byte[] bad) {
        return assertThrows(MalformedInputException.class, () -> {
            ProvingKey k = ProvingKey.decodeRecommittingInBackground(bad, s -> {});
            ModelProver prover = new ModelProver(k);
            try {
                prover.prove(input, s -> {});
            } catch (MalformedInputException first) {
                MalformedInputException again = assertThrows(MalformedInputException.class, () -> prover.prove(input, s -> {}));
                assertEquals(first.getMessage(), again.getMessage());
                throw first;
            }
        });
    }

    @Test
    void loadingDoesNotCompileAgain() throws Exception {
        StringBuilder stages = new StringBuilder();
        ProvingKey.decode(file, s -> stages.append(s).append('\n'));
        assertTrue(!stages.toString().contains("compiling"), stages.toString());
    }

    @Test
    void rejectsFlippedBytesAndTruncations() {
        for (int i = 0; i < file.length; i += Math.max(1, file.length / 97)) {
            byte[] bad = file.clone();
            bad[i] ^= 0x10;
            assertThrows(MalformedInputException.class, () -> ProvingKey.decode(bad, s -> {}), "flipped byte " + i);
            refusedWhenRecommittedInTheBackground(bad);
        }
        for (int n : new int[] {0, 10, 44, file.length / 2, file.length - 33, file.length - 1}) {
            assertThrows(MalformedInputException.class, () -> ProvingKey.decode(Arrays.copyOf(file, n), s -> {}), "truncated to " + n);
            refusedWhenRecommittedInTheBackground(Arrays.copyOf(file, n));
        }
    }

    @Test
    void rejectsStoredWeightsThatDoNotMatchTheRecordedDigestEvenWithAValidChecksum() throws Exception {
        // The last stored weight sits just before the tensor map (u32 count + 4 bytes per model tensor),
        // the blinding seed's length (u32 0: an integrity key) and the checksum.
        int mapBytes = 4 + 4 * pk.model().tensors().size() + 4;
        int lastWeight = file.length - 32 - mapBytes - 1;
        // The last tensor's last stored values may be padding, which the tight model commitment
        // refuses outright; going backwards, a changed real weight reaches the digest check.
        boolean digestChecked = false;
        for (int at = lastWeight; at > lastWeight - 4096 && !digestChecked; at--) {
            if ((file[at] & 0x80) != 0 || (file[at - 1] & 0x80) != 0) {
                continue; // not a one-byte varint
            }
            byte[] bad = Arrays.copyOf(file, file.length - 32);
            bad[at] ^= 0x02; // a one-byte varint: another small weight (or a non-zero padding entry)
            MalformedInputException e = assertThrows(MalformedInputException.class, () -> ProvingKey.decode(withChecksum(bad), s -> {}));
            digestChecked = e.getMessage().contains("do not match the digest");
            assertTrue(digestChecked || e.getMessage().contains("non-zero padding"), e.getMessage());
            assertEquals(e.getMessage(), refusedWhenRecommittedInTheBackground(withChecksum(bad)).getMessage());
        }
        assertTrue(digestChecked, "no stored weight change reached the digest check");
    }

    @Test
    void aLoadedKeyKeepsTheVerifyingKeyItStores() throws Exception {
        ProvingKey loaded = ProvingKey.decode(file, s -> {});
        assertArrayEquals(pk.verifyingKey().encode(), loaded.verifyingKey().encode());
        assertArrayEquals(pk.verifyingKey().modelRoot(), loaded.verifyingKey().modelRoot());
        assertEquals(pk.verifyingKey().io(), loaded.verifyingKey().io());
    }

    /**
     * Loading keeps the stored verifying key only if the recomputed commitment root and scales are
     * the ones it holds: a stored verifying key with another root, or other input or output scales,
     * refused even when the recorded digest is that key's own and the checksum holds.
     */
    @Test
    void refusesAStoredVerifyingKeyWithAnotherRootOrOtherScalesUnderItsOwnDigest() throws Exception {
        byte[] vkFile = pk.verifyingKey().encode();
        int vkAt = indexOf(file, vkFile);
        assertTrue(vkAt > 0, "the verifying key is stored whole");
        int rootAt = 16; // magic, version, bits, flags
        int firstInputScaleAt = rootAt + 32 + 4;
        int inputs = pk.verifyingKey().io().inputs().size();
        int firstOutputScaleAt = firstInputScaleAt + 16 * inputs + 4;
        for (int at : new int[] {rootAt, rootAt + 31, firstInputScaleAt, firstOutputScaleAt}) {
            byte[] vk = Arrays.copyOf(vkFile, vkFile.length - 32);
            vk[at] ^= 0x01; // a root byte, or the lowest mantissa byte of a scale (still a valid scale)
            byte[] forged = withChecksum(vk);
            byte[] bad = Arrays.copyOf(file, file.length - 32);
            System.arraycopy(forged, 0, bad, vkAt, forged.length);
            // the digest the key records (after magic, version and bits) is the forged key's
            System.arraycopy(forged, forged.length - 32, bad, 12, 32);
            MalformedInputException e = assertThrows(MalformedInputException.class, () -> ProvingKey.decode(withChecksum(bad), s -> {}),
                    "changed verifying-key byte " + at);
            assertTrue(e.getMessage().contains("do not match the digest"), e.getMessage());
            assertEquals(e.getMessage(), refusedWhenRecommittedInTheBackground(withChecksum(bad)).getMessage());
        }
    }

    @Test
    void sameScalesComparesWhatTheKeyEncodes() {
        IoScales io = pk.verifyingKey().io();
        assertTrue(ProvingKey.sameScales(io, new IoScales(new ArrayList<>(io.inputs()), new ArrayList<>(io.outputScales()))));
        IoScales.InputDomain d = io.inputs().get(0);
        for (IoScales.InputDomain other : List.of(new IoScales.InputDomain(Math.nextUp(d.scale()), d.min(), d.max()),
                new IoScales.InputDomain(d.scale(), d.min() - 1, d.max()), new IoScales.InputDomain(d.scale(), d.min(), d.max() + 1))) {
            List<IoScales.InputDomain> inputs = new ArrayList<>(io.inputs());
            inputs.set(0, other);
            assertFalse(ProvingKey.sameScales(io, new IoScales(inputs, io.outputScales())), other.toString());
        }
        List<Double> outputs = new ArrayList<>(io.outputScales());
        outputs.set(0, Math.nextDown(outputs.get(0)));
        assertFalse(ProvingKey.sameScales(io, new IoScales(io.inputs(), outputs)));
        assertFalse(ProvingKey.sameScales(io, new IoScales(io.inputs(), io.outputScales().subList(0, 0))));
        assertFalse(ProvingKey.sameScales(new IoScales(List.of(), io.outputScales()), io));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void refusesAnOlderVersionSayingWhichItReads() {
        // version 3 committed to the padded weights, version 2 stored only the quantized model
        for (int version : new int[] {2, 3}) {
            byte[] old = Arrays.copyOf(file, file.length - 32);
            old[4] = (byte) version;
            MalformedInputException e = assertThrows(MalformedInputException.class, () -> ProvingKey.decode(withChecksum(old), s -> {}));
            assertTrue(e.getMessage().contains("unsupported proving key version " + version), e.getMessage());
        }
    }

    private static byte[] withChecksum(byte[] body) throws Exception {
        byte[] out = Arrays.copyOf(body, body.length + 32);
        System.arraycopy(MessageDigest.getInstance("SHA-256").digest(body), 0, out, body.length, 32);
        return out;
    }
}

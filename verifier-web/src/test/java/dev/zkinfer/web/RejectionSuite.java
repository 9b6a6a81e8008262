package dev.zkinfer.web;

import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.encoding.MalformedProofException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The verifier's fixture proof (verifier/src/test/resources/dev/zkinfer/fixture) and what an
 * attacker or an accident makes of it: flipped bytes, truncations, extensions, garbage, another
 * model's key, a damaged key. The compiled verifier must give the Java verifier's verdict on each.
 */
final class RejectionSuite {
    static final Path FIXTURE = Path.of("../verifier/src/test/resources/dev/zkinfer/fixture");

    record Case(String name, byte[] vk, byte[] proof) {}

    static byte[] fixtureKey() {
        return read(FIXTURE.resolve("2l_relu_fc.vk"));
    }

    static byte[] fixtureProof() {
        return read(FIXTURE.resolve("2l_relu_fc.proof"));
    }

    /** The same circuit with other weights: the key re-encoded with another model-commitment root. */
    static byte[] otherModelKey() {
        try {
            VerifyingKey vk = VerifyingKey.decode(fixtureKey());
            byte[] root = vk.modelRoot().clone();
            root[0] ^= 1;
            return new VerifyingKey(vk.profile(), vk.circuit(), root, vk.io()).encode();
        } catch (MalformedProofException e) {
            throw new AssertionError(e);
        }
    }

    static List<Case> cases() {
        byte[] vk = fixtureKey();
        byte[] proof = fixtureProof();
        Random rnd = new Random(19);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("valid", vk, proof));
        // layers sharing equal lookup tables of different arrays (the browser once refused such keys)
        byte[] sharedVk = read(FIXTURE.resolve("large_op_graph.vk"));
        byte[] sharedProof = read(FIXTURE.resolve("large_op_graph.proof"));
        cases.add(new Case("valid, layers sharing equal tables (large_op_graph)", sharedVk, sharedProof));
        cases.add(new Case("large_op_graph, proof byte 100 flipped", sharedVk, flipped(sharedProof, 100, 1)));
        int step = Math.max(1, proof.length / 48);
        for (int i = 0; i < proof.length; i += step) {
            cases.add(new Case("proof byte " + i + " flipped", vk, flipped(proof, i, 1 << (i % 8))));
        }
        cases.add(new Case("last proof byte flipped", vk, flipped(proof, proof.length - 1, 0x80)));
        for (int len : new int[] {0, 1, 4, 8, 39, 40, 41, 100, proof.length / 2, proof.length - 8, proof.length - 1}) {
            cases.add(new Case("proof truncated to " + len + " bytes", vk, Arrays.copyOf(proof, len)));
        }
        cases.add(new Case("proof extended by a zero byte", vk, Arrays.copyOf(proof, proof.length + 1)));
        cases.add(new Case("proof extended by 64 random bytes", vk, concat(proof, random(rnd, 64))));
        cases.add(new Case("random proof", vk, random(rnd, proof.length)));
        cases.add(new Case("proof header then random bytes", vk, concat(Arrays.copyOf(proof, dev.zkinfer.circuit.ProofProtocol.HEADER_BYTES), random(rnd, proof.length - dev.zkinfer.circuit.ProofProtocol.HEADER_BYTES))));
        cases.add(new Case("proof of 0xff bytes", vk, filled(proof.length, (byte) 0xff)));
        cases.add(new Case("another model's key", otherModelKey(), proof));
        cases.add(new Case("the proof as the key", proof, proof));
        cases.add(new Case("empty key", new byte[0], proof));
        cases.add(new Case("random key", random(rnd, vk.length), proof));
        for (int len : new int[] {8, vk.length / 2, vk.length - 1}) {
            cases.add(new Case("key truncated to " + len + " bytes", Arrays.copyOf(vk, len), proof));
        }
        int keyStep = Math.max(1, vk.length / 12);
        for (int i = 0; i < vk.length; i += keyStep) {
            cases.add(new Case("key byte " + i + " flipped", flipped(vk, i, 1 << (i % 8)), proof));
        }
        return cases;
    }

    static byte[] flipped(byte[] b, int i, int mask) {
        byte[] c = b.clone();
        c[i] ^= (byte) mask;
        return c;
    }

    static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        Arrays.fill(b, v);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RejectionSuite() {}
}

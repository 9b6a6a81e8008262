package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Goldilocks;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Committed inputs (docs/zero-knowledge.md §3.5) through {@link CircuitProver} and
 * {@link CircuitVerifier}: a private input x (range-checked advice) → Linear → y, with the proof's
 * input commitment C tied to the witness's x at a random point. Includes the cheating prover whose
 * witness holds another input than C.
 */
class CommittedInputProofTest {
    record Setup(VerifyingKey vk, CircuitProver prover, WitnessValues w, int x) {}

    /** The committed-input circuit: {@link CommittedOutputProofTest#setup} with a committed input and a public output. */
    static Setup setup(long seed) {
        CommittedOutputProofTest.Setup s = CommittedOutputProofTest.setup("committed", false, seed);
        return new Setup(s.vk(), s.prover(), s.w(), s.x());
    }

    private static byte[] seed(int b) {
        byte[] s = new byte[TensorCommitment.SEED_BYTES];
        Arrays.fill(s, (byte) b);
        return s;
    }

    private static long[] input(Setup s) {
        return s.vk().circuit().tensor(s.x()).layout().unpad(s.w().get(s.x()));
    }

    @Test
    void aCommittedInputProofVerifiesAndItsCommitmentOpensToTheInput() throws Exception {
        Setup s = setup(1);
        assertEquals("committed", s.vk().inputVisibility());
        byte[] proof = s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(2), seed(7), null);
        CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), proof);
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.inputs().isEmpty(), "no public input");
        assertArrayEquals(TensorCommitment.root(s.vk(), dev.zkinfer.circuit.CommittedEnd.INPUTS, List.of(input(s)), seed(7)), o.inputCommitment());
        // another input with the same seed, or the input with another seed, gives another root
        long[] other = input(s);
        other[3] = Goldilocks.add(other[3], 1);
        assertFalse(Arrays.equals(TensorCommitment.root(s.vk(), dev.zkinfer.circuit.CommittedEnd.INPUTS, List.of(other), seed(7)), o.inputCommitment()));
        assertFalse(Arrays.equals(TensorCommitment.root(s.vk(), dev.zkinfer.circuit.CommittedEnd.INPUTS, List.of(input(s)), seed(8)), o.inputCommitment()));
        // the security report lists the input commitment's opening and the binding point
        String report = dev.zkinfer.circuit.ProofSecurity.report(s.vk()).toString();
        assertTrue(report.contains("input commitment") && report.contains("committed input binding"), report);
        // the key round-trips with the flag
        assertTrue(VerifyingKey.decode(s.vk().encode()).committedInputs());
    }

    @Test
    void aProverWhoseWitnessInputDiffersFromTheCommittedOneIsCaught() {
        Setup s = setup(3);
        for (int i = 0; i < 10; i += 3) {
            long[] other = input(s);
            other[i] = Goldilocks.fromSigned(Goldilocks.toSigned(other[i]) == 7 ? 6 : Goldilocks.toSigned(other[i]) + 1);
            Map<Integer, long[]> instead = Map.of(s.x(), s.vk().circuit().tensor(s.x()).layout().pad(other, 0));
            byte[] proof = s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(10 + i), seed(9), null, instead);
            CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), proof);
            assertFalse(o.result().isValid(), "entry " + i + ": a witness input other than the committed one was accepted");
            // caught where the two are tied: the value Î(z) is the witness's, so C's opening fails
            assertTrue(o.result().reason().startsWith("input commitment opening"), o.result().reason());
        }
        // control: the same path with the witness's own input verifies
        byte[] honest = s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(30), seed(9), null,
                Map.of(s.x(), s.w().get(s.x())));
        assertTrue(CircuitVerifier.verify(s.vk(), honest).result().isValid());
    }

    @Test
    void flippedBytesAndTruncationsAreRejected() {
        Setup s = setup(4);
        byte[] proof = s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(5), seed(1), null);
        byte[] root = CircuitVerifier.verify(s.vk(), proof).inputCommitment();
        int at = indexOf(proof, root);
        assertTrue(at > 0, "the input commitment's root is in the proof");
        SplittableRandom rnd = new SplittableRandom(6);
        CommittedOutputProofTest.rejectsRootFlipsAndTruncations(s.vk(), proof, at, rnd);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theProverRefusesAMissingSeedAndAKeyWithoutCommittedInputsRefusesOne() {
        Setup s = setup(5);
        assertThrows(IllegalArgumentException.class, () -> s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(1)));
        ZkProofTest.Setup plain = ZkProofTest.setup(true, 5);
        assertThrows(IllegalArgumentException.class, () -> plain.prover().prove(plain.w(), 1, m -> {}, null, ZkProofTest.seeded(1), seed(1), null));
    }
}

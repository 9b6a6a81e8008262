package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.transcript.Sha256Transcript;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sumcheck proofs from the native backend are the scalar reference's bytes (skipped without libzkinfer). */
class NativeSumcheckProofTest {
    static Backend nat;

    @BeforeAll
    static void load() {
        nat = Backends.nativeBackend();
        assumeTrue(nat != null, () -> "native backend not loadable: " + Backends.nativeUnavailableReason());
    }

    private static byte[] prove(SumcheckInstance inst, Ext3 claimed, Backend backend) {
        ProofWriter w = new ProofWriter();
        new SumcheckProver(backend).prove(inst, claimed, w, new Sha256Transcript("test"));
        return w.toByteArray();
    }

    /** Σ f·g (the fused native path) on base and extension tables, and general sum-of-products statements. */
    @ParameterizedTest(name = "n={0} base={1}")
    @CsvSource({"1,true", "2,false", "9,true", "10,false", "16,true", "16,false"})
    void productOfTwoProofsEqualReference(int n, boolean base) {
        SplittableRandom rnd = new SplittableRandom(900 + n);
        int len = (base ? 1 : 3) << n;
        long[] f = new long[len], g = new long[len];
        for (int i = 0; i < len; i++) {
            f[i] = Goldilocks.reduce(rnd.nextLong());
            g[i] = Goldilocks.reduce(rnd.nextLong());
        }
        byte[][] proofs = new byte[2][];
        for (int k = 0; k < 2; k++) {
            SumcheckInstance inst = new SumcheckInstance(n);
            if (base) {
                inst.addBaseTable(f.clone());
                inst.addBaseTable(g.clone());
            } else {
                inst.addTable(f.clone());
                inst.addTable(g.clone());
            }
            inst.addTerm(Ext3.ONE, 0, 1);
            proofs[k] = prove(inst, inst.sum(), k == 0 ? Backends.scalar() : nat);
        }
        assertArrayEquals(proofs[0], proofs[1]);
    }

    @ParameterizedTest(name = "n={0} tables={1} terms={2} degree={3}")
    @CsvSource({"3,2,1,2", "11,3,2,3", "13,4,3,4", "6,9,5,5", "12,9,5,5"})
    void generalProofsEqualReference(int n, int tables, int terms, int degree) {
        SumcheckTest.Statement s = SumcheckTest.Statement.random(new SplittableRandom(n * 7L + degree), n, tables, terms, degree);
        Ext3 sum = s.instance().sum();
        assertArrayEquals(prove(s.instance(), sum, Backends.scalar()), prove(s.instance(), sum, nat));
    }

    /**
     * A base table times an extension table (a zero-knowledge index map's X·P): round 0 on the
     * general kernel, then Σ f·g; the default threshold puts the rounds of 2^(n−1) down to 2^5 pairs
     * in C, the rest in Java.
     */
    @ParameterizedTest(name = "n={0}")
    @CsvSource({"4", "9", "13"})
    void baseTimesExtensionProofsEqualReference(int n) {
        SplittableRandom rnd = new SplittableRandom(500 + n);
        long[] f = new long[1 << n], g = new long[3 << n];
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextInt(1 << 12);
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = Goldilocks.reduce(rnd.nextLong());
        }
        byte[][] proofs = new byte[2][];
        for (int k = 0; k < 2; k++) {
            SumcheckInstance inst = new SumcheckInstance(n);
            inst.addBaseTable(f.clone());
            inst.addTable(g.clone());
            inst.addTerm(Ext3.ONE, 0, 1);
            proofs[k] = prove(inst, inst.sum(), k == 0 ? Backends.scalar() : nat);
        }
        assertArrayEquals(proofs[0], proofs[1]);
    }
}

package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitTensor;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuits.ModelCompiler;
import dev.zkinfer.circuits.UnsupportedModelException;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.nn.quant.QTensor.Kind;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.circuit.CircuitProver;
import dev.zkinfer.prover.circuit.WitnessValues;
import dev.zkinfer.security.SecurityProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Whole-model proofs of the ops built by composing layers (QAvgPool, QReduceSum, QMul, QPRelu,
 * QAdd with broadcasting or constants, QMatMul of run-time tensors, QMaskedFill) on small
 * hand-built models: the proof verifies and its
 * output is the integer executor's, bit for bit (on inputs that hit the clamps, the padding and
 * negative values); a changed public output, flipped proof bytes and a witness with one advice
 * value changed are all rejected, each with a reason from an explicit check (never through an
 * exception inside the verifier).
 */
class ArithmeticOpsProofTest {
    /** Builds a model tensor by tensor; ids are list positions. */
    static final class Model {
        final List<QTensor> tensors = new ArrayList<>();
        final List<QOp> ops = new ArrayList<>();

        int input(int... shape) {
            return add("input", shape, Kind.INPUT, 8, null);
        }

        int act(String name, int... shape) {
            return add(name, shape, Kind.ACTIVATION, 8, null);
        }

        int acc(String name, int... shape) {
            return add(name, shape, Kind.ACCUMULATOR, 32, null);
        }

        int constant(String name, int[] shape, int[] values) {
            return add(name, shape, Kind.CONSTANT, 16, values);
        }

        int add(String name, int[] shape, Kind kind, int bits, int[] values) {
            tensors.add(new QTensor(tensors.size(), name, shape, 1.0, kind, bits, values));
            return tensors.size() - 1;
        }

        Model op(QOp op) {
            ops.add(op);
            return this;
        }

        QuantizedModel build(int output) {
            return new QuantizedModel(tensors, ops, new int[] {0}, new int[] {output}, 8);
        }
    }

    static IntTensor randomInput(QuantizedModel qm, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] d = new int[qm.input().size()];
        for (int i = 0; i < d.length; i++) {
            // the extremes often, to reach the clamps
            d[i] = switch (rnd.nextInt(6)) {
                case 0 -> -128;
                case 1 -> 127;
                default -> rnd.nextInt(-128, 128);
            };
        }
        return new IntTensor(qm.input().shape(), d);
    }

    static int[] multipliers(int n, int shift) {
        int[] m = new int[n + 1];
        for (int k = 1; k <= n; k++) {
            m[k] = (int) Math.round(Math.scalb(1.0, shift) / k);
        }
        return m;
    }

    /** Proves on a few inputs and checks completeness and the rejections. */
    static void provesAndRejectsCheating(QuantizedModel qm) {
        provesAndRejectsCheating(qm, true);
    }

    /**
     * @param adviceOutsideTables whether the circuit has advice that a cheating prover can change
     *     and still build the lookup witness for (false for pure table lookups and pure sums)
     */
    static void provesAndRejectsCheating(QuantizedModel qm, boolean adviceOutsideTables) {
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ModelProver prover = new ModelProver(pk);
        for (long seed = 1; seed <= 3; seed++) {
            IntTensor x = randomInput(qm, seed);
            ProofResult proof = prover.prove(x, s -> {});
            IntTensor expected = IntegerExecutor.create().infer(qm, x);
            assertEquals(expected, proof.output(), "proved output differs from the integer executor");
            CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
            assertTrue(o.result().isValid(), o.result().toString());
            assertArrayEquals(Arrays.stream(expected.data()).asLongStream().toArray(), o.output());
            if (seed == 1) {
                rejectsChangedOutputsAndBytes(pk, proof.proof(), x.size(), expected.size());
                rejectsTamperedAdvice(pk, prover, x, adviceOutsideTables);
            }
        }
    }

    static void rejectsChangedOutputsAndBytes(ProvingKey pk, byte[] p, int inLen, int outLen) {
        PublicValues.Tensor out = PublicValues.output(p);
        for (int idx : new int[] {0, outLen / 2, outLen - 1}) {
            for (long delta : new long[] {1, -1}) {
                byte[] bad = PublicValues.withValueChanged(p, out, idx, delta);
                VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
                assertFalse(r.isValid(), "output " + idx + " changed by " + delta + " was accepted");
                assertFalse(r.reason().isEmpty());
            }
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = PublicValues.end(p); i < p.length; i += 1 + rnd.nextInt(397)) {
            byte[] bad = p.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "byte " + i + " flipped was accepted");
            assertFalse(r.reason().startsWith("malformed proof ("), "byte " + i + " flipped: rejected through an internal exception: "
                    + r.reason());
        }
    }

    /**
     * For each ADVICE tensor that is not a limb or multiplicity tensor, moves its first and its last
     * real entry down by one and up by one and proves anyway (multiplicities recomputed): either the
     * cheating prover cannot even build the lookup witness (the value left its range) or the
     * verifier rejects.
     */
    static void rejectsTamperedAdvice(ProvingKey pk, ModelProver prover, IntTensor x, boolean expectVerified) {
        Circuit c = pk.verifyingKey().circuit();
        CircuitProver cp = new CircuitProver(pk.verifyingKey(), pk.modelCommitment(), pk.modelTable(), Backends.scalar());
        int tried = 0;
        for (CircuitTensor t : c.tensors()) {
            if (t.role() != TensorRole.ADVICE || t.name().contains("limb") || t.name().startsWith("multiplicities")) {
                continue;
            }
            for (int k = 0; k < 4; k++) {
                int real = k < 2 ? 0 : (int) t.layout().size() - 1;
                WitnessValues w = prover.witness(x);
                long[] v = w.get(t.id()).clone();
                int pi = t.layout().paddedIndex(real);
                long s = Goldilocks.toSigned(v[pi]);
                // down and up: with derived max-pool gaps a maximum moved down has no lookup witness
                // (a gap turns negative), so only the move up reaches the verifier
                v[pi] = Goldilocks.fromSigned(k % 2 == 0 ? s - 1 : s + 1);
                w.put(t.id(), v);
                byte[] proof;
                try {
                    CircuitProver.computeMultiplicities(c, w);
                    proof = cp.prove(w, m -> {});
                } catch (IllegalStateException e) {
                    continue; // no lookup witness exists for the changed value
                }
                tried++;
                VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), proof).result();
                assertFalse(r.isValid(), "advice " + t.name() + " changed at " + real + " was accepted");
            }
        }
        assertEquals(expectVerified, tried > 0, "advice tampering that reached the verifier");
    }

    @Test
    void avgPoolWithPaddingExcludedFromTheCount() {
        // 3x3 windows, stride 2, padding 1: corner windows have 4 positions, edges 6, the centre 9
        Model b = new Model();
        int x = b.input(1, 2, 5, 5);
        int y = b.act("avg", 1, 2, 3, 3);
        b.op(new QOp.QAvgPool(x, y, 3, 3, 2, 2, 1, 1, 1, 1, false, multipliers(9, 24), 24, -128, 127));
        provesAndRejectsCheating(b.build(y));
    }

    @Test
    void avgPoolCountingThePaddingAndNarrowClamp() {
        Model b = new Model();
        int x = b.input(2, 3, 4, 4);
        int y = b.act("avg", 2, 3, 3, 3);
        int[] m = multipliers(4, 22);
        for (int k = 0; k < m.length; k++) {
            m[k] *= 3; // scales up, so the clamp to [-20, 30] is hit
        }
        b.op(new QOp.QAvgPool(x, y, 2, 2, 1, 1, 0, 0, 0, 0, true, m, 22, -20, 30));
        provesAndRejectsCheating(b.build(y));
        Model b2 = new Model();
        int x2 = b2.input(1, 1, 4, 4);
        int y2 = b2.act("avg", 1, 1, 3, 3);
        b2.op(new QOp.QAvgPool(x2, y2, 2, 2, 2, 2, 1, 1, 1, 1, true, multipliers(4, 20), 20, -128, 127));
        provesAndRejectsCheating(b2.build(y2));
    }

    @Test
    void reduceSumOverInnerOuterAndAllAxes() {
        Model b = new Model();
        int x = b.input(2, 3, 4);
        int s1 = b.acc("sum middle", 2, 1, 4);
        int r1 = b.act("mean middle", 2, 1, 4);
        int s2 = b.acc("sum outer", 3);
        int r2 = b.act("mean outer", 3);
        b.op(new QOp.QReduceSum(x, s1, new int[] {1}))
                .op(new QOp.QRequant(s1, r1, 0, new int[] {1 << 22}, new int[] {23}, -128, 127))
                .op(new QOp.QReduceSum(x, s2, new int[] {0, 2}))
                .op(new QOp.QRequant(s2, r2, 0, new int[] {1 << 22}, new int[] {25}, -128, 127));
        provesAndRejectsCheating(b.build(r1));
        provesAndRejectsCheating(b.build(r2));
        Model all = new Model();
        int xa = all.input(1, 1, 300);
        int sa = all.acc("sum", new int[0]);
        all.op(new QOp.QReduceSum(xa, sa, new int[] {0, 1, 2}));
        provesAndRejectsCheating(all.build(sa), false); // no advice at all: a linear layer and index maps
    }

    @Test
    void mulOfActivationsWithBroadcastingSquaresAndConstants() {
        Model b = new Model();
        int x = b.input(2, 3, 4);
        int s = b.acc("row sums", 2, 3, 1);
        int r = b.act("row means", 2, 3, 1);
        int prod = b.act("x times row mean", 2, 3, 4);
        int sq = b.act("square", 2, 3, 4);
        int w = b.constant("weights", new int[] {4}, new int[] {32767, -32768, 5, -1200});
        int scaled = b.act("scaled", 2, 3, 4);
        int half = b.constant("half", new int[0], new int[] {-16384});
        int out = b.act("out", 2, 3, 4);
        b.op(new QOp.QReduceSum(x, s, new int[] {2}))
                .op(new QOp.QRequant(s, r, 0, new int[] {1 << 23}, new int[] {25}, -128, 127))
                .op(new QOp.QMul(x, r, prod, 8454660, 28, -128, 127))
                .op(new QOp.QMul(prod, prod, sq, 8454660, 30, -128, 127))
                .op(new QOp.QMul(w, sq, scaled, 8388864, 35, -128, 127))
                .op(new QOp.QMul(scaled, half, out, 8388864, 34, -100, 100));
        provesAndRejectsCheating(b.build(out));
    }

    @Test
    void mulThatCouldOverflowInt32IsRefused() {
        Model b = new Model();
        int x = b.input(4);
        int s = b.acc("acc", 4);
        int sq = b.act("sq", 4);
        b.op(new QOp.QDense(x, s, 4, 4, new int[16], new int[4])).op(new QOp.QMul(s, s, sq, 1 << 23, 30, -128, 127));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> ModelCompiler.compile(b.build(sq)));
        assertTrue(e.getMessage().contains("QMul"), e.getMessage());
    }

    @Test
    void preluWithOneSlopeAndWithASlopePerChannel() {
        Model b = new Model();
        int x = b.input(1, 3, 2, 2);
        int y = b.act("leaky", 1, 3, 2, 2);
        b.op(new QOp.QPRelu(x, y, new int[] {1}, new int[] {13421773}, new int[] {27}, -128, 127));
        provesAndRejectsCheating(b.build(y), false); // one lookup table: a changed output has no lookup witness
        Model pc = new Model();
        int x2 = pc.input(2, 3, 3, 2);
        int y2 = pc.act("prelu", 2, 3, 3, 2);
        // slopes 0.25, 1.5 (clamps at -128) and -0.5 (negative inputs map to positive values)
        pc.op(new QOp.QPRelu(x2, y2, new int[] {3, 1, 1}, new int[] {1 << 23, 3 << 22, -(1 << 23)}, new int[] {25, 23, 24}, -128, 127));
        provesAndRejectsCheating(pc.build(y2));
    }

    @Test
    void addWithBroadcastingAndConstants() {
        Model b = new Model();
        int x = b.input(2, 3, 4);
        int s = b.acc("row sums", 2, 3, 1);
        int r = b.act("row means", 2, 3, 1);
        int centred = b.act("centred", 2, 3, 4);
        int bias = b.constant("bias", new int[] {4}, new int[] {32767, -32768, 0, 77});
        int biased = b.act("biased", 2, 3, 4);
        int big = b.constant("offset", new int[0], new int[] {32000});
        int out = b.act("out", 2, 3, 4);
        b.op(new QOp.QReduceSum(x, s, new int[] {2}))
                .op(new QOp.QRequant(s, r, 0, new int[] {1 << 23}, new int[] {25}, -128, 127))
                .op(new QOp.QAdd(x, r, centred, 1 << 23, -(1 << 23), 23, -128, 127))
                .op(new QOp.QAdd(centred, bias, biased, 12965946, 2207, 24, -128, 127))
                // the constant term 79798·32000 ≈ 2^31.2 alone exceeds int32: split off as q0·2^25 + r0
                .op(new QOp.QAdd(big, biased, out, 79798, 12965946, 25, -128, 127));
        provesAndRejectsCheating(b.build(out));
    }

    @Test
    void matMulOfRunTimeTensorsWithBatchBroadcasting() {
        Model b = new Model();
        int x = b.input(2, 3, 4);
        int xt = b.act("x transposed", 2, 4, 3);
        int gram = b.acc("gram", 2, 3, 3);
        int out = b.act("out", 2, 3, 3);
        b.op(new QOp.QTranspose(x, xt, new int[] {0, 2, 1}))
                .op(new QOp.QMatMul(x, xt, gram))
                .op(new QOp.QRequant(gram, out, 0, new int[] {1 << 23}, new int[] {30}, -128, 127));
        provesAndRejectsCheating(b.build(out));
        // [1, 2, 3, 4] @ [1, 1, 4, 3]: the right operand is broadcast over the second batch axis
        Model bb = new Model();
        int x4 = bb.input(1, 2, 3, 4);
        int row = bb.act("slice", 1, 1, 3, 4);
        int rowT = bb.act("slice transposed", 1, 1, 4, 3);
        int prod = bb.acc("products", 1, 2, 3, 3);
        int y = bb.act("y", 1, 2, 3, 3);
        bb.op(new QOp.QSlice(x4, row, new int[] {0, 1, 0, 0}, new int[] {1, 1, 1, 1}))
                .op(new QOp.QTranspose(row, rowT, new int[] {0, 1, 3, 2}))
                .op(new QOp.QMatMul(x4, rowT, prod))
                .op(new QOp.QRequant(prod, y, 1, new int[] {1 << 23, 3 << 22}, new int[] {29, 30}, -128, 127));
        provesAndRejectsCheating(bb.build(y));
    }

    @Test
    void maskedFillWithAConstantMask() {
        Model b = new Model();
        int x = b.input(2, 3, 5);
        int y = b.act("masked", 2, 3, 5);
        int[] mask = new int[30];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (i % 5) > (i / 5) % 3 ? 1 : 0; // causal-like
        }
        int scaled = b.act("scaled", 2, 3, 5);
        b.op(new QOp.QMaskedFill(x, y, mask, -128)).op(new QOp.QRequant(y, scaled, 0, new int[] {3 << 22}, new int[] {23}, -128, 127));
        provesAndRejectsCheating(b.build(scaled));
        Model direct = new Model();
        int x2 = direct.input(4, 4);
        int y2 = direct.act("masked", 4, 4);
        int[] m2 = new int[16];
        for (int i = 0; i < 16; i++) {
            m2[i] = i % 4 > i / 4 ? 1 : 0;
        }
        direct.op(new QOp.QMaskedFill(x2, y2, m2, -100));
        provesAndRejectsCheating(direct.build(y2), false); // no advice: a product and a sum with committed tensors
    }
}

package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.BatchMatMulLayer;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.ElementwiseLinearLayer;
import dev.zkinfer.circuit.ElementwiseProductLayer;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.SoftmaxLayer;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import org.junit.jupiter.api.Test;

/**
 * Which padding the circuit's relations force to 0 (Circuit.zeroPaddingDims), per producing layer
 * kind, and the claim transfers that follow: facts only where the producer's relation gives 0
 * whatever the prover does, none where it does not (an ADVICE tensor no layer defines, a clamp
 * range without 0, a table that does not map 0 to 0, a softmax's padding rows).
 */
class ZeroPaddingFactsTest {
    /** [3, 5]: dimension 0 pads 3 to 4, dimension 1 pads 5 to 8. */
    private static final int[] D = {3, 5};
    private static final int BOTH = 0b11;

    @Test
    void inputsModelTensorsAndIndexMapOutputsHaveZeroPadding() {
        Circuit.Builder b = new Circuit.Builder();
        int x = b.tensor("x", TensorLayout.of(D), TensorRole.INPUT);
        int free = b.tensor("free", TensorLayout.of(D), TensorRole.ADVICE);
        int w = b.tensor("w", TensorLayout.of(6, 5), TensorRole.MODEL);
        int m = b.tensor("m", TensorLayout.of(5, 3), TensorRole.COMPUTED);
        int f = b.tensor("f", TensorLayout.of(5, 3), TensorRole.COMPUTED);
        Circuit c = b.layer(new IndexMapLayer(new int[] {x}, m, new IndexMap.Transpose(new int[] {1, 0})))
                .layer(new IndexMapLayer(new int[] {free}, f, new IndexMap.Transpose(new int[] {1, 0}))).build(new int[] {x}, new int[] {m, f});
        assertEquals(BOTH, c.zeroPaddingDims(x), "the verifier pads a public input with 0");
        assertEquals(BOTH, c.zeroPaddingDims(w), "the model commitment commits the real blocks only");
        assertEquals(BOTH, c.zeroPaddingDims(m));
        assertEquals(0, c.zeroPaddingDims(free), "an ADVICE tensor that no layer defines has free padding");
        assertNotNull(((IndexMapLayer) c.layers().get(0)).claimTransfer(c));
        assertNull(((IndexMapLayer) c.layers().get(1)).claimTransfer(c), "a map whose input padding is free keeps its sumcheck");
        // a dimension without padding needs no fact
        Circuit.Builder b2 = new Circuit.Builder();
        int p = b2.tensor("p", TensorLayout.of(4, 5), TensorRole.ADVICE);
        int q = b2.tensor("q", TensorLayout.of(4, 5), TensorRole.COMPUTED);
        Circuit c2 = b2.layer(new IndexMapLayer(new int[] {p}, q, new IndexMap.Slice(new int[] {0, 0}, new int[] {1, 1})))
                .build(new int[0], new int[] {q});
        assertEquals(0b01, c2.zeroPaddingDims(p));
    }

    @Test
    void requantizationsWithZeroInTheirClampRangeKeepTheirInputsZeros() {
        for (int lo : new int[] {-128, 0, 1}) {
            for (boolean inputZero : new boolean[] {true, false}) {
                for (boolean perChannel : new boolean[] {false, true}) {
                    Circuit.Builder b = new Circuit.Builder();
                    int x = b.tensor("x", TensorLayout.of(D), inputZero ? TensorRole.INPUT : TensorRole.ADVICE);
                    int y = b.tensor("y", TensorLayout.of(D), TensorRole.ADVICE);
                    int[] m = perChannel ? new int[] {1 << 20, 1 << 21, 3 << 19, 1 << 20, 1 << 22} : new int[] {1 << 20};
                    int[] s = new int[m.length];
                    java.util.Arrays.fill(s, 24);
                    b.layer(RequantLayer.create(b, x, y, 1, m, s, lo, 127, 8));
                    Circuit c = b.build(inputZero ? new int[] {x} : new int[0], new int[] {y});
                    // per channel along dimension 1: K = 0 at its padding channels, so q = 0 there whatever x is
                    int expected = lo > 0 ? 0 : (inputZero ? BOTH : 0) | (perChannel ? 0b10 : 0);
                    assertEquals(expected, c.zeroPaddingDims(y), "lo " + lo + ", input padding 0 " + inputZero + ", per channel " + perChannel);
                }
            }
        }
    }

    @Test
    void tablesThatMapZeroToZeroKeepTheirInputsZeros() {
        for (int atZero : new int[] {0, 5}) {
            Circuit.Builder b = new Circuit.Builder();
            int x = b.tensor("x", TensorLayout.of(D), TensorRole.INPUT);
            int y = b.tensor("y", TensorLayout.of(D), TensorRole.ADVICE);
            int[] table = {-3, -1, atZero, 1, 3}; // inputs -2..2
            Circuit c = b.layer(new TableLayer(x, y, -2, table)).build(new int[] {x}, new int[] {y});
            assertEquals(atZero == 0 ? BOTH : 0, c.zeroPaddingDims(y), "table(0) = " + atZero);
        }
    }

    @Test
    void softmaxOutputsAreZeroAtPaddingAxisPositionsOnly() {
        Circuit.Builder b = new Circuit.Builder();
        int x = b.tensor("x", TensorLayout.of(D), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(D), TensorRole.ADVICE);
        b.layer(SoftmaxLayer.create(b, x, y, 1, 2, 120, SoftmaxLayerTest.EXP8, 127, 8));
        // rows 0..1 of [3, 5] are a sub-cube on real rows: the transfer reads only the axis's padding
        int rows = b.tensor("rows", TensorLayout.of(2, 5), TensorRole.COMPUTED);
        int all = b.tensor("all", TensorLayout.of(5, 3), TensorRole.COMPUTED);
        Circuit c = b.layer(new IndexMapLayer(new int[] {y}, rows, new IndexMap.Slice(new int[] {0, 0}, new int[] {1, 1})))
                .layer(new IndexMapLayer(new int[] {y}, all, new IndexMap.Transpose(new int[] {1, 0})))
                .build(new int[] {x}, new int[] {rows, all});
        assertEquals(0b10, c.zeroPaddingDims(y), "padding rows are the softmax of x's padding, not 0");
        assertEquals(0b10, IndexMapLayer.paddingRead(new IndexMap.Slice(new int[] {0, 0}, new int[] {1, 1}), c.tensor(y).layout(),
                c.tensor(rows).layout()));
        assertNotNull(((IndexMapLayer) c.layers().get(1)).claimTransfer(c));
        assertNull(((IndexMapLayer) c.layers().get(2)).claimTransfer(c), "the transpose reads the padding rows");
    }

    @Test
    void linearAndElementwiseLayersFollowTheirTerms() {
        Circuit.Builder b = new Circuit.Builder();
        int free = b.tensor("free", TensorLayout.of(D), TensorRole.ADVICE);
        int zero = b.tensor("zero", TensorLayout.of(D), TensorRole.INPUT);
        int w = b.tensor("w", TensorLayout.of(6, 5), TensorRole.MODEL);
        int bias = b.tensor("bias", TensorLayout.of(6), TensorRole.MODEL);
        int yFree = b.tensor("yFree", TensorLayout.of(3, 6), TensorRole.COMPUTED);
        int yZero = b.tensor("yZero", TensorLayout.of(3, 6), TensorRole.COMPUTED);
        int sum = b.tensor("sum", TensorLayout.of(D), TensorRole.COMPUTED);
        int prod = b.tensor("prod", TensorLayout.of(D), TensorRole.COMPUTED);
        Circuit c = b.layer(new LinearLayer(free, w, bias, yFree)).layer(new LinearLayer(zero, w, bias, yZero))
                .layer(new ElementwiseLinearLayer(new int[] {free, zero}, new long[] {1, 2}, 7, sum))
                .layer(new ElementwiseProductLayer(free, zero, prod))
                .build(new int[] {zero}, new int[] {yFree, yZero, sum, prod});
        // Y = [B, O]: O's padding rows of W and the bias are 0; B's padding follows X's
        assertEquals(0b10, c.zeroPaddingDims(yFree));
        assertEquals(BOTH, c.zeroPaddingDims(yZero));
        assertEquals(0, c.zeroPaddingDims(sum), "a sum is 0 only where every term is");
        assertEquals(BOTH, c.zeroPaddingDims(prod), "a product is 0 where one factor is");
    }

    @Test
    void batchMatMulsFollowTheirFactors() {
        // A = [T, M, K] free, B = [T, K, N] zero: T from B, M from A (none), N from B
        Circuit.Builder b = new Circuit.Builder();
        int a = b.tensor("a", TensorLayout.of(3, 5, 4), TensorRole.ADVICE);
        int bb = b.tensor("b", TensorLayout.of(3, 4, 6), TensorRole.INPUT);
        int y = b.tensor("y", TensorLayout.of(3, 5, 6), TensorRole.COMPUTED);
        Circuit c = b.layer(new BatchMatMulLayer(a, bb, y)).build(new int[] {bb}, new int[] {y});
        assertEquals(0b101, c.zeroPaddingDims(y));
    }
}

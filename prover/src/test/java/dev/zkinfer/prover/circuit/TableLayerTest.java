package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TableLayerTest {
    record Setup(Circuit circuit, TableLayer layer, WitnessValues w, long[] x) {}

    static Setup setup(long seed, int[] dims, int inputMin, int[] table, long padFill) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder b = new Circuit.Builder();
        TensorLayout layout = TensorLayout.of(dims);
        int x = b.tensor("x", layout, TensorRole.INPUT);
        int y = b.tensor("y", layout, TensorRole.ADVICE);
        TableLayer l = new TableLayer(x, y, inputMin, table);
        b.layer(l);
        Circuit c = b.build(x, y);
        long[] xs = new long[(int) layout.size()];
        long[] xf = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = inputMin + rnd.nextInt(table.length);
            xf[i] = Goldilocks.fromSigned(xs[i]);
        }
        WitnessValues w = new WitnessValues(c);
        w.put(x, layout.pad(xf, Goldilocks.fromSigned(padFill)));
        LayerHarness.computeWitness(c, w);
        return new Setup(c, l, w, xs);
    }

    /** A sigmoid-like int8 → int8 table over [-128, 127]. */
    static int[] sigmoidTable() {
        int[] t = new int[256];
        for (int j = 0; j < 256; j++) {
            t[j] = (int) Math.round(127 / (1 + Math.exp(-(j - 128) / 16.0)));
        }
        return t;
    }

    static int[] clampTable(int min, int max, int lo, int hi) {
        int[] t = new int[max - min + 1];
        for (int j = 0; j < t.length; j++) {
            t[j] = Math.max(lo, Math.min(hi, min + j));
        }
        return t;
    }

    static void check(Setup st, int inputMin, int[] table) throws InvalidProofException {
        TensorLayout layout = st.circuit.tensor(st.layer.x()).layout();
        long[] y = layout.unpad(st.w.get(st.layer.y()));
        for (int i = 0; i < y.length; i++) {
            assertEquals(table[(int) (st.x[i] - inputMin)], Goldilocks.toSigned(y[i]));
        }
        assertNull(LayerHarness.missingLookupRow(st.circuit, st.w));
        assertTrue(LayerHarness.proveAndVerify(st.layer, st.w, 1).isEmpty());
    }

    @Test
    void completeness() throws InvalidProofException {
        int[] sig = sigmoidTable();
        check(setup(1, new int[] {3, 5, 7}, -128, sig, 0), -128, sig);
        int[] relu8 = clampTable(-128, 127, 0, 127);
        check(setup(2, new int[] {10}, -128, relu8, 0), -128, relu8);
        int[] relu16 = clampTable(-32768, 32767, 0, 32767);
        check(setup(3, new int[] {2, 9}, -32768, relu16, -5), -32768, relu16);
        int[] shifted = {5, -3, 7}; // domain [10, 12], padding must be in it
        check(setup(4, new int[] {5}, 10, shifted, 11), 10, shifted);
    }

    @Test
    void paddingOutsideDomainIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> setup(5, new int[] {5}, 10, new int[] {1, 2, 3}, 0));
        assertTrue(e.getMessage().contains("outside the table domain"), e.getMessage());
    }

    @Test
    void wrongOutputMissesTheTable() {
        int[] sig = sigmoidTable();
        Setup st = setup(6, new int[] {4, 4}, -128, sig, 0);
        long[] y = st.w.get(st.layer.y());
        y[3] = Goldilocks.add(y[3], 1);
        assertNotNull(LayerHarness.missingLookupRow(st.circuit, st.w));
        // and a wrong padding entry too
        Setup st2 = setup(7, new int[] {3}, -128, sig, 0);
        st2.w.get(st2.layer.y())[3] = Goldilocks.add(st2.w.get(st2.layer.y())[3], 1);
        assertNotNull(LayerHarness.missingLookupRow(st2.circuit, st2.w));
    }

    @Test
    void proofBytes() {
        Setup st = setup(8, new int[] {4}, -128, sigmoidTable(), 0);
        Claim[] none = new Claim[0];
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, new byte[8]));
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(st.layer, none, st.circuit, new byte[1]));
    }

    @Test
    void encoding() throws MalformedProofException {
        Setup st = setup(9, new int[] {4}, -128, sigmoidTable(), 0);
        ProofWriter w = new ProofWriter();
        st.circuit.encode(w);
        Circuit back = Circuit.decode(new ProofReader(w.toByteArray()));
        assertArrayEquals(st.circuit.digest(), back.digest());
        TableLayer l2 = (TableLayer) back.layers().get(0);
        assertArrayEquals(st.layer.table(), l2.table());
        assertEquals(st.layer.lookups().get(0).table(), l2.lookups().get(0).table());
        ProofWriter lw = new ProofWriter();
        st.layer.encode(lw);
        byte[] enc = lw.toByteArray();
        int n = st.circuit.tensors().size();
        for (int len = 0; len < enc.length; len += 7) {
            byte[] cut = Arrays.copyOf(enc, len);
            assertThrows(MalformedProofException.class, () -> TableLayer.decode(new ProofReader(cut), n));
        }
        SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < 200; k++) {
            byte[] g = new byte[rnd.nextInt(40)];
            rnd.nextBytes(g);
            assertThrows(MalformedProofException.class, () -> TableLayer.decode(new ProofReader(g), n));
        }
        byte[] huge = enc.clone();
        huge[12] = (byte) 0xFF; // table length 2^32 - ...: out of bounds
        huge[15] = (byte) 0x7F;
        assertThrows(MalformedProofException.class, () -> TableLayer.decode(new ProofReader(huge), n));
        byte[] wrap = enc.clone(); // inputMin near 2^31 - 1: domain overflows int32
        wrap[8] = (byte) 0xFF;
        wrap[9] = (byte) 0xFF;
        wrap[10] = (byte) 0xFF;
        wrap[11] = (byte) 0x7F;
        assertThrows(MalformedProofException.class, () -> TableLayer.decode(new ProofReader(wrap), n));
    }
}

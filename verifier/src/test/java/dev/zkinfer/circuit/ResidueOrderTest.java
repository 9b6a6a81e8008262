package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The residue order of a tied LM head's logits: a one-to-one placement, and its two directions inverse to each other. */
class ResidueOrderTest {
    /** GPT-2's vocabulary: 50,257 tokens at residues modulo 197 and 256. */
    static final ResidueOrder GPT2 = new ResidueOrder(50_257, 197, 256);

    @Test
    void distinctTokensSitAtDistinctPositions() {
        boolean[] taken = new boolean[GPT2.width()];
        for (int i = 0; i < GPT2.elements(); i++) {
            int p = GPT2.position(i);
            assertFalse(taken[p], "token " + i + " shares position " + p);
            taken[p] = true;
        }
    }

    @Test
    void toModelUndoesToCircuitForEveryAxis() {
        ResidueOrder small = new ResidueOrder(10, 3, 4);
        long[] model = new long[3 * 10];
        for (int i = 0; i < model.length; i++) {
            model[i] = 7 * i + 1;
        }
        long[] circuit = small.toCircuit(model);
        assertEquals(3 * 12, circuit.length);
        assertArrayEquals(model, small.toModel(circuit));
        // token 5 of the second axis: residues 2 (mod 3) and 1 (mod 4), position 2·4 + 1 of that axis
        assertEquals(model[10 + 5], circuit[12 + 9]);
        // the two positions naming no token hold 0
        assertEquals(2, Arrays.stream(Arrays.copyOf(circuit, 12)).filter(v -> v == 0).count());
        assertThrows(IllegalArgumentException.class, () -> small.toModel(new long[13]));
        assertThrows(IllegalArgumentException.class, () -> small.toCircuit(new long[11]));
    }

    @Test
    void refusesModuliThatAreNotCoprimeOrTooManyElements() {
        assertThrows(IllegalArgumentException.class, () -> new ResidueOrder(10, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new ResidueOrder(13, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> new ResidueOrder(0, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> new ResidueOrder(10, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new ResidueOrder(10, 1 << 15, (1 << 15) + 1));
    }
}

package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** TensorLayout's padded indices against their definition: coordinate d at bit offset varOffset(d). */
class TensorLayoutTest {
    private static int byDefinition(TensorLayout l, int[] coords) {
        int idx = 0;
        for (int d = 0; d < l.rank(); d++) {
            idx += coords[d] * (1 << l.varOffset(d));
        }
        return idx;
    }

    @Test
    void paddedIndicesPlaceEachCoordinateAtItsDimensionsVariables() {
        for (int[] dims : new int[][] {{1}, {5}, {3, 7}, {2, 3, 5, 9}, {32, 1, 576}, {1, 3, 1, 6}}) {
            TensorLayout l = TensorLayout.of(dims);
            int[] coords = new int[dims.length];
            for (long flat = 0; flat < l.size(); flat++) {
                int expected = byDefinition(l, coords);
                assertEquals(expected, l.paddedIndex(flat), "flat " + flat + " of " + java.util.Arrays.toString(dims));
                assertEquals(expected, l.paddedIndex(coords.clone()), "coordinates of flat " + flat);
                for (int d = dims.length - 1; d >= 0; d--) {
                    if (++coords[d] < dims[d]) {
                        break;
                    }
                    coords[d] = 0;
                }
            }
        }
    }
}

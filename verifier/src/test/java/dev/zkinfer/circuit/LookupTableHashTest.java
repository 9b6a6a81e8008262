package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link LookupTable#hashCode} (from the lengths and a sample of entries) stays consistent with
 * equals, and a circuit's table map still tells apart tables that differ only between samples.
 */
class LookupTableHashTest {
    @Test
    void equalTablesHashAlikeAndTablesDifferingBetweenSamplesStayDistinctKeys() {
        LookupTable a = LookupTable.clamp(256, 5000);
        LookupTable b = LookupTable.clamp(256, 5000);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, LookupTable.clamp(256, 4999));
        assertEquals(LookupTable.range(8).hashCode(), LookupTable.range(8).hashCode());
        assertNotEquals(LookupTable.range(8), LookupTable.range(9));

        // a copy with one entry changed between the sampled positions: another table, maybe the same hash
        long[][] cols = {a.explicit()[0].clone(), a.explicit()[1].clone()};
        cols[1][3] ^= 1;
        LookupTable c = LookupTable.explicit(cols);
        LookupTable d = LookupTable.explicit(new long[][] {a.explicit()[0].clone(), a.explicit()[1].clone()});
        assertNotEquals(a, c);
        assertEquals(a, d);
        assertEquals(a.hashCode(), d.hashCode());
        for (Map<LookupTable, Integer> m : java.util.List.<Map<LookupTable, Integer>>of(new HashMap<>(), new LinkedHashMap<>())) {
            m.put(a, 1);
            m.put(c, 2);
            m.put(d, 3);
            assertEquals(2, m.size());
            assertEquals(3, m.get(b));
            assertEquals(2, m.get(c));
        }
    }
}

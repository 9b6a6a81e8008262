package dev.zkinfer.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The verifier opens each queried leaf once, in increasing order, whatever order and repeats the transcript drew. */
class WhirQueryIndicesTest {
    @Test
    void queriedLeavesAreSortedAndDistinct() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int[] drawn = rnd.ints(rnd.nextInt(0, 120), 0, rnd.nextInt(1, 300)).toArray();
            TreeSet<Integer> expected = new TreeSet<>();
            for (int i : drawn) {
                expected.add(i);
            }
            int[] before = drawn.clone();
            assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), WhirVerifier.sortedDistinct(drawn));
            assertArrayEquals(before, drawn, "the drawn indices are left as they were");
        }
    }
}

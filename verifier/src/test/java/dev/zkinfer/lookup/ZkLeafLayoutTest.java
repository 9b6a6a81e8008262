package dev.zkinfer.lookup;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Ext3;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZkLeafLayoutTest {
    /** The leaf index i as a Boolean point of n coordinates (variable k = bit k). */
    private static Ext3[] bits(long i, int n) {
        Ext3[] p = new Ext3[n];
        for (int k = 0; k < n; k++) {
            p[k] = ((i >>> k) & 1) != 0 ? Ext3.ONE : Ext3.ZERO;
        }
        return p;
    }

    @Test
    void realLeavesAndTheLeftMaskSegmentFillTheLeftHalfOnly() {
        List<List<SegmentShape>> cases = List.of(
                List.of(SegmentShape.lookup(0, 0), SegmentShape.table(1, 0)),
                List.of(SegmentShape.lookup(3, 0), SegmentShape.table(2, 0)),
                List.of(SegmentShape.lookup(4, 0), SegmentShape.lookup(4, 1), SegmentShape.table(4, 0), SegmentShape.table(4, 1)),
                List.of(SegmentShape.lookup(5, 0), SegmentShape.table(5, 0)));
        for (List<SegmentShape> shapes : cases) {
            ZkLeafLayout l = new ZkLeafLayout(shapes);
            int n = l.logLeaves();
            long half = 1L << (n - 1);
            long used = shapes.stream().mapToLong(SegmentShape::size).sum();
            int m = ZkLeafLayout.MASK_LOG_SIZE;
            assertTrue(n >= 3);
            assertTrue(l.maskOffset(0) >= used && l.maskOffset(0) % (1L << m) == 0);
            assertTrue(l.maskOffset(0) + (1L << m) <= half, "the left mask segment lies in the left half");
            assertEquals(half, l.maskOffset(1));
            assertEquals(half + (1L << m), l.live());
            // at every leaf index, exactly the segment that holds it has selector 1 (or none: padding)
            for (long i = 0; i < 1L << n; i++) {
                Ext3[] p = bits(i, n);
                int holders = 0;
                for (int s = 0; s < shapes.size(); s++) {
                    long off = l.segments().offset(s);
                    boolean in = i >= off && i < off + shapes.get(s).size();
                    assertEquals(in ? Ext3.ONE : Ext3.ZERO, l.selector(s, p));
                    holders += in ? 1 : 0;
                }
                for (int side = 0; side < 2; side++) {
                    boolean in = i >= l.maskOffset(side) && i < l.maskOffset(side) + (1L << m);
                    assertEquals(in ? Ext3.ONE : Ext3.ZERO, l.maskSelector(side, p));
                    holders += in ? 1 : 0;
                }
                assertTrue(holders <= 1);
                assertEquals(Ext3.of(holders), l.covered(p));
            }
            assertEquals(shapes.stream().mapToInt(SegmentShape::logSize).max().orElseThrow() < m ? m
                    : shapes.stream().mapToInt(SegmentShape::logSize).max().orElseThrow(), l.leafVars());
        }
    }

    @Test
    void encodingAppendsTheMaskSegmentSize() {
        List<SegmentShape> shapes = List.of(SegmentShape.lookup(3, 0), SegmentShape.table(2, 0));
        long[] plain = new SegmentLayout(shapes).encode();
        long[] zk = new ZkLeafLayout(shapes).encode();
        assertEquals(plain.length + 1, zk.length);
        assertEquals(ZkLeafLayout.MASK_LOG_SIZE, zk[plain.length]);
    }
}

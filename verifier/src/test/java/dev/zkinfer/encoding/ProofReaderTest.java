package dev.zkinfer.encoding;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import org.junit.jupiter.api.Test;

class ProofReaderTest {
    @Test
    void roundTrip() throws Exception {
        byte[] b = new ProofWriter().u8(7).u32(123456).u64(-2L).ext(new Ext3(1, 2, 3)).bytes(new byte[] {9, 8}).toByteArray();
        ProofReader r = new ProofReader(b);
        assertEquals(7, r.u8("a"));
        assertEquals(123456, r.u32("b"));
        assertEquals(-2L, r.u64("c"));
        assertEquals(new Ext3(1, 2, 3), r.ext("d"));
        assertArrayEquals(new byte[] {9, 8}, r.bytes("e", 2));
        r.finish();
    }

    @Test
    void rejectsTruncationTrailingBytesAndHugeLengths() {
        ProofReader r = new ProofReader(new byte[3]);
        var e = assertThrows(MalformedProofException.class, () -> r.u32("layer count"));
        assertTrue(e.getMessage().contains("layer count"), e.getMessage());
        ProofReader r2 = new ProofReader(new ProofWriter().u32(-1).toByteArray());
        assertThrows(MalformedProofException.class, () -> r2.length("count", 0, 1000));
        ProofReader r3 = new ProofReader(new byte[2]);
        assertThrows(MalformedProofException.class, r3::finish);
        // a huge element count is refused before anything is allocated
        ProofReader r4 = new ProofReader(new byte[16]);
        assertThrows(MalformedProofException.class, () -> r4.bases("x", Integer.MAX_VALUE / 8));
        assertThrows(MalformedProofException.class, () -> new ProofReader(new byte[0]).bytes("x", -1));
    }

    @Test
    void rejectsNonCanonicalFieldElements() {
        ProofReader r = new ProofReader(new ProofWriter().u64(Goldilocks.P).toByteArray());
        assertThrows(MalformedProofException.class, () -> r.base("x"));
    }

    /** Public values in their shortest signed width: 1, 2, 4 or 8 bytes a value, and back to the same field elements. */
    @Test
    void signedValuesRoundTripInTheirShortestWidth() throws Exception {
        long[][] cases = {
            {}, {0}, {-128, 127}, {-129}, {128, 5}, {-32768, 32767}, {32768}, {Integer.MIN_VALUE, Integer.MAX_VALUE},
            {1L << 31}, {-(1L << 40), 3}, {(Goldilocks.P - 1) >>> 1}, {-((Goldilocks.P - 1) >>> 1)},
        };
        int[] widths = {1, 1, 1, 2, 2, 2, 4, 4, 8, 8, 8, 8};
        for (int c = 0; c < cases.length; c++) {
            long[] field = java.util.Arrays.stream(cases[c]).map(Goldilocks::fromSigned).toArray();
            byte[] b = new ProofWriter().signedValues(field).u8(0xAB).toByteArray();
            assertEquals(widths[c], b[0], java.util.Arrays.toString(cases[c]));
            assertEquals(1 + widths[c] * field.length + 1, b.length);
            ProofReader r = new ProofReader(b);
            assertArrayEquals(field, r.signedValues("values", field.length), java.util.Arrays.toString(cases[c]));
            assertEquals(0xAB, r.u8("after"));
            r.finish();
        }
    }

    /** One encoding per statement: a wider width than needed, an unknown width, a non-canonical 8-byte value or too few bytes are refused. */
    @Test
    void signedValuesRejectOtherEncodings() {
        // 5 in two bytes instead of one
        var e = assertThrows(MalformedProofException.class,
                () -> new ProofReader(new byte[] {2, 5, 0}).signedValues("public output", 1));
        assertTrue(e.getMessage().contains("shortest"), e.getMessage());
        // 300 in eight bytes instead of two
        byte[] eight = new ProofWriter().u8(8).u64(300).toByteArray();
        assertThrows(MalformedProofException.class, () -> new ProofReader(eight).signedValues("v", 1));
        for (int w : new int[] {0, 3, 5, 9, 255}) {
            var e2 = assertThrows(MalformedProofException.class, () -> new ProofReader(new byte[] {(byte) w, 1, 1, 1, 1, 1, 1, 1, 1, 1})
                    .signedValues("public input", 1));
            assertTrue(e2.getMessage().contains("width"), e2.getMessage());
        }
        byte[] nonCanonical = new ProofWriter().u8(8).u64(Goldilocks.P).toByteArray();
        assertThrows(MalformedProofException.class, () -> new ProofReader(nonCanonical).signedValues("v", 1));
        assertThrows(MalformedProofException.class, () -> new ProofReader(new byte[] {2, 1, 1, 1}).signedValues("v", 2));
        assertThrows(MalformedProofException.class, () -> new ProofReader(new byte[0]).signedValues("v", 0));
    }
}

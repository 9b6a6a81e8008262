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
}

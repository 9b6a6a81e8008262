package dev.zkinfer.sumcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.zkinfer.field.Ext3;
import org.junit.jupiter.api.Test;

/** {@link MaskedSumcheck#inversePowerOfTwo}: the tabulated values and the computed ones beyond the table are 2^-n. */
class InversePowerOfTwoTest {
    @Test
    void timesTwoToTheNIsOne() {
        Ext3 two = Ext3.of(2);
        for (int n = 0; n <= 200; n++) {
            assertEquals(Ext3.ONE, MaskedSumcheck.inversePowerOfTwo(n).mul(two.pow(n)), "n = " + n);
        }
        // control: a neighbouring power is not the inverse
        assertNotEquals(Ext3.ONE, MaskedSumcheck.inversePowerOfTwo(5).mul(two.pow(6)));
    }
}

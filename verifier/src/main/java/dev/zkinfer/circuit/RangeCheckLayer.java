package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import java.util.List;

/**
 * A private input's domain check: every entry of x (padding included) lies in [min, max] ∪ {0}.
 * A public input is checked by the verifier against the key's input domain; a private input is
 * committed in the witness instead (docs/zero-knowledge.md §3.5), and this layer's lookup into the
 * explicit table {min, ..., max} (with 0 added when outside, for the padding) takes the place of
 * that check, so a private input is still a valid quantized input.
 *
 * <p>Defines no outputs; the whole relation is the lookup, which puts claims on x. Sub-proof:
 * nothing but the domain tag "zkinfer/layer/RangeCheck/v1". Key encoding: x, min, max (i32).
 * Immutable and thread-safe.
 */
public final class RangeCheckLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/RangeCheck/v1";

    private final int x;
    private final int min;
    private final int max;
    private final LookupTable table;

    public RangeCheckLayer(int x, int min, int max) {
        if (x < 0 || min > max || (long) max - min + 1 > TableLayer.MAX_ENTRIES - 1) {
            throw new IllegalArgumentException("RangeCheck layer: domain [" + min + ", " + max + "] for tensor " + x);
        }
        this.x = x;
        this.min = min;
        this.max = max;
        boolean zero = min <= 0 && 0 <= max;
        int n = max - min + 1 + (zero ? 0 : 1);
        long[] values = new long[n];
        for (int j = 0; j <= max - min; j++) {
            values[j] = Goldilocks.fromSigned((long) min + j);
        }
        if (!zero) {
            values[n - 1] = 0;
        }
        this.table = LookupTable.explicit(new long[][] {values});
    }

    public int x() {
        return x;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    @Override
    public int tag() {
        return LayerCodec.RANGE_CHECK;
    }

    @Override
    public String kind() {
        return "RangeCheck";
    }

    @Override
    public int[] outputs() {
        return new int[0];
    }

    @Override
    public int[] operands() {
        return new int[] {x};
    }

    @Override
    public List<LookupSpec> lookups() {
        return List.of(new LookupSpec(table, new int[] {x}, new long[] {0}));
    }

    @Override
    public void checkShapes(Circuit c) {
        if (c.tensor(x).role() != TensorRole.ADVICE) {
            throw new IllegalArgumentException("RangeCheck layer: " + c.tensor(x).name() + " must be an ADVICE tensor (a private input)");
        }
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        ctx.transcript().domain(DOMAIN);
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(x).u32(min).u32(max);
    }

    public static RangeCheckLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int x = LayerCodec.tensorId(in, tensorCount, "range-checked tensor");
        int min = in.u32("range minimum");
        int max = in.u32("range maximum");
        try {
            return new RangeCheckLayer(x, min, max);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException(e.getMessage());
        }
    }
}

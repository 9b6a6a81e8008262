package dev.zkinfer.circuit;

import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;

/**
 * Decodes layers of a verifying key by tag. Each layer class has a static
 * {@code decode(ProofReader in, int tensorCount)} that bounds every length it reads and checks
 * tensor ids against {@code tensorCount}.
 * Stateless and thread-safe.
 */
public final class LayerCodec {
    private LayerCodec() {}

    public static final int LINEAR = 1;
    public static final int INDEX_MAP = 2;
    public static final int REQUANT = 3;
    public static final int TABLE = 4;
    public static final int MAX_POOL = 5;
    public static final int ELEMENTWISE_LINEAR = 6;
    public static final int SOFTMAX = 7;
    public static final int ELEMENTWISE_PRODUCT = 8;
    public static final int BATCH_MATMUL = 9;
    public static final int RANGE_CHECK = 10;
    /** A {@link LinearLayer} whose weight tensor is committed transposed (key version 10). */
    public static final int LINEAR_TRANSPOSED = 11;

    static Layer decode(int tag, ProofReader in, int tensorCount) throws MalformedProofException {
        switch (tag) {
            // one line per layer class, e.g.: case LINEAR: return LinearLayer.decode(in, tensorCount);
            case LINEAR: return LinearLayer.decode(in, tensorCount);
            case INDEX_MAP: return IndexMapLayer.decode(in, tensorCount);
            case ELEMENTWISE_LINEAR: return ElementwiseLinearLayer.decode(in, tensorCount);
            case REQUANT: return RequantLayer.decode(in, tensorCount);
            case TABLE: return TableLayer.decode(in, tensorCount);
            case MAX_POOL: return MaxPoolLayer.decode(in, tensorCount);
            case SOFTMAX: return SoftmaxLayer.decode(in, tensorCount);
            case ELEMENTWISE_PRODUCT: return ElementwiseProductLayer.decode(in, tensorCount);
            case BATCH_MATMUL: return BatchMatMulLayer.decode(in, tensorCount);
            case RANGE_CHECK: return RangeCheckLayer.decode(in, tensorCount);
            case LINEAR_TRANSPOSED: return LinearLayer.decode(in, tensorCount, true);
            default:
                throw new MalformedProofException("unknown layer tag " + Integer.toUnsignedString(tag));
        }
    }

    /** Reads a tensor id and checks it is in range. */
    public static int tensorId(ProofReader in, int tensorCount, String what) throws MalformedProofException {
        return in.length(what, 0, tensorCount - 1);
    }
}

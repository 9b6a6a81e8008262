package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Layer;

/**
 * Finds the prover of each layer class.
 *
 * <p>Static and immutable: thread-safe.
 */
public final class LayerProvers {
    private LayerProvers() {}

    @SuppressWarnings("unchecked")
    public static <L extends Layer> LayerProver<L> forLayer(L layer) {
        Object p = switch (layer.getClass().getSimpleName()) {
            // one line per layer class, e.g.: case "LinearLayer" -> new LinearLayerProver();
            case "LinearLayer" -> new LinearLayerProver();
            case "IndexMapLayer" -> new IndexMapLayerProver();
            case "ElementwiseLinearLayer" -> new ElementwiseLinearLayerProver();
            case "RequantLayer" -> new RequantLayerProver();
            case "TableLayer" -> new TableLayerProver();
            case "MaxPoolLayer" -> new MaxPoolLayerProver();
            case "SoftmaxLayer" -> new SoftmaxLayerProver();
            case "ElementwiseProductLayer" -> new ElementwiseProductLayerProver();
            case "BatchMatMulLayer" -> new BatchMatMulLayerProver();
            case "RangeCheckLayer" -> new RangeCheckLayerProver();
            default -> null;
        };
        if (p == null) {
            throw new IllegalStateException("no prover for layer " + layer.kind());
        }
        return (LayerProver<L>) p;
    }
}

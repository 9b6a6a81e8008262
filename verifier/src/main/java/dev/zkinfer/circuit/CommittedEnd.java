package dev.zkinfer.circuit;

/**
 * An end of the model whose tensors a zero-knowledge key may make <em>committed</em>
 * (docs/zero-knowledge.md §3.5): its inputs or its outputs. Both ends use one mechanism: the
 * tensors are masked like any private tensor, and each proof carries a small hiding commitment C
 * to them (their padded values and their mask blocks, {@link ZkLayout#commitment}) whose root is
 * absorbed before the witness root; each committed tensor T is tied to C at one random point z
 * drawn after both roots, where the prover sends the masked value T̂(z): one masked claim on T
 * in the circuit and the same linear form opened on C. For an input z is a point of its own; for
 * an output it is the output claim's point (the GKR pass starts from it). The values and the seed
 * of C's randomness are the opening a holder checks the proof with. This enum holds what differs
 * between the two ends: names, transcript labels and the key's flag.
 */
public enum CommittedEnd {
    /** The model's run-time inputs (private inputs with a commitment). */
    INPUTS("input", 2),
    /** The model's outputs. */
    OUTPUTS("output", 4);

    private final String noun;
    private final int flag;

    CommittedEnd(String noun, int flag) {
        this.noun = noun;
        this.flag = flag;
    }

    /** "input" or "output", as messages and labels name it. */
    public String noun() {
        return noun;
    }

    /** The verifying key's flags bit that says this end is committed. */
    int flag() {
        return flag;
    }

    /** The transcript label of the commitment's root. */
    public String rootLabel() {
        return noun + "-commitment-root";
    }

    /** The domain of the binding points and values. */
    public String domain() {
        return this == INPUTS ? ProofProtocol.COMMITTED_INPUTS_DOMAIN : ProofProtocol.COMMITTED_OUTPUTS_DOMAIN;
    }

    /** The label of a binding point's coordinates. */
    public String pointLabel() {
        return "committed-" + noun + "/point";
    }

    /** The label of a masked value sent at a binding point. */
    public String valueLabel() {
        return "committed-" + noun + "/value";
    }
}

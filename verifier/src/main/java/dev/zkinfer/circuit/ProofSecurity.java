package dev.zkinfer.circuit;

import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.SegmentLayout;
import dev.zkinfer.security.SecurityReport;

/**
 * The soundness of a whole-model proof for a verifying key, component by component: the
 * commitments' round-by-round terms (from their parameters), the LogUp-GKR lookup argument, and
 * the sumchecks of the layers and of claim merging (Schwartz–Zippel per round). Layer sumchecks
 * are bounded generously: at most {@value #MAX_LAYER_DEGREE} per round over at most the
 * largest tensor's variables, for every layer; the union bound over all of them is reported.
 * Stateless and thread-safe.
 */
public final class ProofSecurity {
    /** An upper bound on the degree of any layer's or merge's sumcheck polynomial. */
    static final int MAX_LAYER_DEGREE = 16;

    private ProofSecurity() {}

    /** The report of the key's largest batch circuit, the one with the most rounds and the least security. */
    public static SecurityReport report(VerifyingKey vk) {
        vk = vk.forBatch(vk.maxBatch());
        Circuit c = vk.circuit();
        SecurityReport r = new SecurityReport();
        r.addPcs("model commitment: ", vk.modelPcs().soundnessBits());
        r.addPcs("witness commitment: ", vk.witnessPcs().soundnessBits());
        for (CommittedEnd end : CommittedEnd.values()) {
            if (!vk.committed(end)) {
                continue;
            }
            // the end's commitment's opening, and the binding of its tensors to the witness's at one point each
            // (docs/zero-knowledge.md §3.5): T̂_W − T̂_C ≠ 0 of degree ≤ 2n + δ + 1 vanishes there with that probability
            int[] tensors = vk.zkLayout().committed(end);
            r.addPcs(end.noun() + " commitment: ", vk.commitmentPcs(end).soundnessBits());
            int n = 1;
            for (int t : tensors) {
                n = Math.max(n, 2 * c.tensor(t).layout().numVars() + vk.zkLayout().delta(t) + 1);
            }
            r.add("committed " + end.noun() + " binding (" + tensors.length + " point(s))",
                    SecurityReport.EXTENSION_FIELD_BITS - SecurityReport.log2((double) tensors.length * n), "k·(2n + δ + 1)/|E|");
        }
        if (!ProofProtocol.lookupSpecs(c).isEmpty()) {
            int logLeaves = new SegmentLayout(ProofProtocol.lookupShapes(c)).logLeaves();
            int maxColumns = 1;
            for (LookupSpec s : ProofProtocol.lookupSpecs(c)) {
                maxColumns = Math.max(maxColumns, s.columns().length);
            }
            r.add("lookups (LogUp-GKR, 2^" + logLeaves + " leaves)", LogUpGkrVerifier.soundnessBits(Math.max(1, logLeaves), maxColumns),
                    "(2^n(W+3) + 1 + Σ(3k+2))/|E|");
        }
        int maxVars = 1;
        for (CircuitTensor t : c.tensors()) {
            maxVars = Math.max(maxVars, t.layout().numVars());
        }
        maxVars = Math.max(maxVars, Math.max(vk.modelLayout().numVars(), vk.witnessLayout().numVars()));
        // each layer: its sumchecks plus a merge per output, plus the output point (n/|E|)
        int sumchecks = 2 * c.layers().size() + 3;
        double perSumcheck = SecurityReport.sumcheckBits(maxVars, MAX_LAYER_DEGREE);
        r.add("layer and merge sumchecks (" + sumchecks + ", ≤ " + maxVars + " rounds, degree ≤ " + MAX_LAYER_DEGREE + ")",
                perSumcheck - SecurityReport.log2(sumchecks), "count·n·d/|E|");
        return r;
    }
}

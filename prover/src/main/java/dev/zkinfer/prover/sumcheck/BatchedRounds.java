package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.sumcheck.MaskedSumcheck;

/**
 * Several sumcheck instances of different sizes as one sumcheck over L variables (the leaf
 * sumcheck of zero-knowledge LogUp-GKR, {@code dev.zkinfer.circuit.ZkLookups}): part j, with
 * n_j ≤ L variables and coefficient c_j, is summed in the first n_j variables and counts
 * 2^−(L−n_j) in the others, so that the whole sums to Σ_j c_j·Σ_{x∈{0,1}^n_j} f_j(x) and takes
 * Σ_j c_j·2^−(L−n_j)·f_j(s_{&lt;n_j}) at the final point s. Round i: c_j times part j's own round
 * polynomial while i &lt; n_j, then the constant c_j·f_j(s_{&lt;n_j})·2^(n_j−1−i). The prover's work
 * is each part's own, O(Σ_j 2^n_j), with no table stretched to 2^L.
 *
 * <p>One sumcheck's state: not thread-safe.
 */
public final class BatchedRounds implements SumcheckRounds {
    /** One part: its own rounds over its n_j variables, and its tables' values at its point once bound. */
    public interface Part extends SumcheckRounds {
        int numVars();

        Ext3[] finals();
    }

    private final int numVars;
    private final Part[] parts;
    private final int[] partVars;
    private final Ext3[] coefficients;
    /** Each part's current claim: its sum at first, its value at its point once bound. */
    private final Ext3[] claims;
    private final Ext3[][] lastEvals;

    /**
     * @param sums each part's hypercube sum (the caller knows them; {@link SumcheckInstance#sum()} computes one)
     */
    public BatchedRounds(Backend backend, int numVars, SumcheckInstance[] parts, Ext3[] coefficients, Ext3[] sums) {
        this(numVars, java.util.Arrays.stream(parts).map(p -> new SumcheckProver.InstanceRounds(backend.sumcheck(), p))
                .toArray(Part[]::new), coefficients, sums);
    }

    /** A sum of products as a part (its rounds from the backend's kernels), to batch with parts of other kinds. */
    public static Part part(Backend backend, SumcheckInstance instance) {
        return new SumcheckProver.InstanceRounds(backend.sumcheck(), instance);
    }

    /** As above, with each part's rounds given ({@link EqProductRounds}, or a generic instance's). */
    public BatchedRounds(int numVars, Part[] parts, Ext3[] coefficients, Ext3[] sums) {
        if (parts.length != coefficients.length || parts.length != sums.length) {
            throw new IllegalArgumentException("batched sumcheck: as many parts, coefficients and sums");
        }
        this.numVars = numVars;
        this.parts = parts.clone();
        this.partVars = new int[parts.length];
        for (int j = 0; j < parts.length; j++) {
            if (parts[j].numVars() > numVars) {
                throw new IllegalArgumentException("a part of " + parts[j].numVars() + " variables in a batch of " + numVars);
            }
            this.partVars[j] = parts[j].numVars();
        }
        this.coefficients = coefficients.clone();
        this.claims = sums.clone();
        this.lastEvals = new Ext3[parts.length][];
    }

    @Override
    public long[] message(int round, Ext3 claim) {
        int degree = 1;
        for (int j = 0; j < parts.length; j++) {
            if (round < partVars[j]) {
                long[] m = parts[j].message(round, claims[j]);
                int d = m.length / 3;
                Ext3[] e = new Ext3[d + 1];
                e[0] = Ext3.get(m, 0);
                e[1] = claims[j].sub(e[0]);
                for (int x = 2; x <= d; x++) {
                    e[x] = Ext3.get(m, x - 1);
                }
                lastEvals[j] = e;
                degree = Math.max(degree, d);
            }
        }
        Ext3[] values = new Ext3[degree + 1];
        java.util.Arrays.fill(values, Ext3.ZERO);
        for (int j = 0; j < parts.length; j++) {
            if (round < partVars[j]) {
                Ext3[] e = lastEvals[j];
                for (int x = 0; x <= degree; x++) {
                    // the part's own values at its nodes 0..d_j; interpolated only past them
                    Ext3 v = x < e.length ? e[x] : Univariate.evaluate(e, Ext3.of(x));
                    values[x] = values[x].add(coefficients[j].mul(v));
                }
            } else {
                Ext3 constant = coefficients[j].mul(claims[j]).mul(MaskedSumcheck.inversePowerOfTwo(round + 1 - partVars[j]));
                for (int x = 0; x <= degree; x++) {
                    values[x] = values[x].add(constant);
                }
            }
        }
        long[] message = new long[3 * degree];
        for (int i = 0; i < degree; i++) {
            Ext3.set(message, i, values[i == 0 ? 0 : i + 1]);
        }
        return message;
    }

    @Override
    public void bind(int round, Ext3 r) {
        for (int j = 0; j < parts.length; j++) {
            if (round < partVars[j]) {
                claims[j] = Univariate.evaluate(lastEvals[j], r);
                parts[j].bind(round, r);
            }
        }
    }

    /** Part j's tables at its point (the first n_j challenges), once every round is bound. */
    public Ext3[] finals(int j) {
        return parts[j].finals();
    }

    public int numVars() {
        return numVars;
    }
}

package dev.zkinfer.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The soundness of a proof system instance, component by component, in bits (−log2 of each
 * component's soundness error). Soundness errors add up across components (union bound), so
 * the overall level is −log2(Σ 2^−bits), a little below the weakest component. Components
 * that rely on proof-of-work (the commitments' query phases) record its bits, so that the
 * statistical security without grinding ({@link #statisticalBits()}) is reported next to the total.
 * Not thread-safe while components are being added; safe to share once built.
 */
public final class SecurityReport {
    /**
     * One component: what it is, its bits, the bound used, and the proof-of-work bits included
     * in {@code bits} (0 for a purely statistical component).
     */
    public record Component(String name, double bits, String formula, int grindingBits) {
        /** The component's bits without its proof-of-work. */
        public double statisticalBits() {
            return bits - grindingBits;
        }
    }

    private final List<Component> components = new ArrayList<>();

    public SecurityReport add(String name, double bits, String formula) {
        return add(name, bits, formula, 0);
    }

    /** A component whose {@code bits} include {@code grindingBits} of proof-of-work. */
    public SecurityReport add(String name, double bits, String formula, int grindingBits) {
        components.add(new Component(name, bits, formula, grindingBits));
        return this;
    }

    /** Adds a commitment's round-by-round terms, each name prefixed. */
    public SecurityReport addPcs(String prefix, java.util.List<dev.zkinfer.pcs.SoundnessTerm> terms) {
        for (dev.zkinfer.pcs.SoundnessTerm t : terms) {
            if (Double.isFinite(t.bits())) {
                add(prefix + t.component(), t.bits(), t.formula(), t.grindingBits());
            }
        }
        return this;
    }

    public SecurityReport addAll(SecurityReport other) {
        components.addAll(other.components);
        return this;
    }

    public List<Component> components() {
        return Collections.unmodifiableList(components);
    }

    /** The weakest component. */
    public double minimumBits() {
        return components.stream().mapToDouble(Component::bits).min().orElse(Double.POSITIVE_INFINITY);
    }

    /** −log2 of the summed errors of all components (proof-of-work included). */
    public double totalBits() {
        return unionBits(false);
    }

    /**
     * −log2 of the summed errors of all components without their proof-of-work: the security
     * against an adversary whose hashing is free (grinding adds its bits only against bounded work).
     */
    public double statisticalBits() {
        return unionBits(true);
    }

    /** The largest proof-of-work of any component (the bits grinding adds to the weakest query phase). */
    public int grindingBits() {
        return components.stream().mapToInt(Component::grindingBits).max().orElse(0);
    }

    private double unionBits(boolean withoutGrinding) {
        double err = 0;
        for (Component c : components) {
            err += Math.pow(2, -(withoutGrinding ? c.statisticalBits() : c.bits()));
        }
        return err == 0 ? Double.POSITIVE_INFINITY : -Math.log(err) / Math.log(2);
    }

    /** Bits of a sumcheck over {@code numVars} variables with degree {@code degree} in GF(p^3): −log2(n·d/|E|). */
    public static double sumcheckBits(int numVars, int degree) {
        if (numVars == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return EXTENSION_FIELD_BITS - log2((double) numVars * degree);
    }

    /** log2 |GF(p^3)|, p = 2^64 − 2^32 + 1 (≈ 3·63.99999999966). */
    public static final double EXTENSION_FIELD_BITS = 3 * (64 + Math.log1p(-Math.pow(2, -32) + Math.pow(2, -64)) / Math.log(2));

    public static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append(String.format("  %-40s %6.1f bits%n", c.name(), c.bits()));
        }
        sb.append(String.format("  %-40s %6.1f bits%n", "overall (union bound)", totalBits()));
        sb.append(String.format("  %-40s %6.1f bits (statistical; the total adds up to %d bits of proof-of-work per query phase)%n",
                "overall without grinding", statisticalBits(), grindingBits()));
        return sb.toString();
    }
}

package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;

/**
 * A claim that the multilinear polynomial of circuit tensor {@code tensor} takes {@code value} at {@code point}.
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record Claim(int tensor, Ext3[] point, Ext3 value) {}

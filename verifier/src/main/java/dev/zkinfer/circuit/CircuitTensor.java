package dev.zkinfer.circuit;

/**
 * A tensor of the circuit: its id (index in {@link Circuit#tensors()}), a name for messages, its layout and role.
 * Immutable and thread-safe.
 */
public record CircuitTensor(int id, String name, TensorLayout layout, TensorRole role) {}

package io.zkaudit.model;

import java.util.List;

/**
 * Concatenation along one axis; all inputs share the output's scale and zero point (checked at
 * import).
 */
public record Concat(String name, List<Integer> inputs, int output, int axis) implements Layer {
  public Concat {
    inputs = List.copyOf(inputs);
  }
}

package io.zkaudit.model;

import java.util.List;

/** Same values in the same (row-major) order, new shape; scales and zero points are equal. */
public record Reshape(String name, int input, int output) implements Layer {
  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }
}

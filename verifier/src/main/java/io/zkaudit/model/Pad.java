package io.zkaudit.model;

import java.util.List;

/**
 * Constant padding: before[d] and after[d] entries along each dimension d, filled with padValue
 * (the zero point).
 */
public record Pad(
    String name, int input, int output, List<Integer> before, List<Integer> after, int padValue)
    implements Layer {
  public Pad {
    before = List.copyOf(before);
    after = List.copyOf(after);
  }

  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }
}

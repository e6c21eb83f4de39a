package io.zkaudit.model;

import java.util.List;

/** Max pooling over the window's positions inside the input, then clamp. Scales are shared. */
public record MaxPool(String name, int input, int output, Window window, int clampMin, int clampMax)
    implements Layer {
  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }
}

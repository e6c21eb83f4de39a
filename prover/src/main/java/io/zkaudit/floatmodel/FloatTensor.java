package io.zkaudit.floatmodel;

/**
 * A float tensor: shape (NHWC for images) and, for constants, its values (null for activations).
 */
public record FloatTensor(String name, int[] shape, float[] data) {
  public int size() {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  public boolean constant() {
    return data != null;
  }
}

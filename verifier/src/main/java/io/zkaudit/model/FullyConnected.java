package io.zkaudit.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense layer: the input is read as [batch, inC] (row-major flattening), weights [outC, inC].
 *
 * <pre>
 * acc[b,o] = bias[o] + Σ_i (x[b,i] − inputZeroPoint)·(w[o,i] − weightZeroPoint[o]);  out = requantization.apply(acc, o)
 * </pre>
 */
public record FullyConnected(
    String name,
    int input,
    int weights,
    int bias,
    int output,
    int inputZeroPoint,
    List<Integer> weightZeroPoints,
    Requantization requantization)
    implements Layer {
  public FullyConnected {
    weightZeroPoints = List.copyOf(weightZeroPoints);
  }

  public boolean hasBias() {
    return bias >= 0;
  }

  public int weightZeroPoint(int channel) {
    return weightZeroPoints.get(weightZeroPoints.size() == 1 ? 0 : channel);
  }

  @Override
  public List<Integer> inputs() {
    List<Integer> in = new ArrayList<>(List.of(input, weights));
    if (hasBias()) in.add(bias);
    return List.copyOf(in);
  }
}

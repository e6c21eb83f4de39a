package io.zkaudit.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Depthwise convolution, weights [1, kH, kW, outC] with outC = inC·depthMultiplier; output channel
 * o reads input channel o / depthMultiplier.
 *
 * <pre>
 * acc[n,oy,ox,o] = bias[o] + Σ_{ky,kx inside} (x[n,iy,ix,o/dm] − inputZeroPoint)·(w[0,ky,kx,o] − weightZeroPoint[o])
 * out = requantization.apply(acc, o)
 * </pre>
 */
public record DepthwiseConv2D(
    String name,
    int input,
    int weights,
    int bias,
    int output,
    Window window,
    int depthMultiplier,
    int inputZeroPoint,
    List<Integer> weightZeroPoints,
    Requantization requantization)
    implements Layer {
  public DepthwiseConv2D {
    weightZeroPoints = List.copyOf(weightZeroPoints);
    if (depthMultiplier <= 0)
      throw new ModelFormatException("depthwise " + name + ": depth multiplier " + depthMultiplier);
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

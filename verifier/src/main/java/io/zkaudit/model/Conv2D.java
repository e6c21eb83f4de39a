package io.zkaudit.model;

import java.util.ArrayList;
import java.util.List;

/**
 * 2-D convolution, NHWC input, weights [outC, kH, kW, inC], optional int32 bias [outC].
 *
 * <pre>
 * acc[n,oy,ox,o] = bias[o] + Σ_{ky,kx,i, inside input} (x[n,iy,ix,i] − inputZeroPoint)·(w[o,ky,kx,i] − weightZeroPoint[o])
 * out = requantization.apply(acc, o)
 * </pre>
 *
 * Positions outside the input are skipped (equivalently, padded with the input zero point).
 */
public record Conv2D(
    String name,
    int input,
    int weights,
    int bias,
    int output,
    Window window,
    int inputZeroPoint,
    List<Integer> weightZeroPoints,
    Requantization requantization)
    implements Layer {
  public Conv2D {
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

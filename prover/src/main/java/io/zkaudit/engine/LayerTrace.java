package io.zkaudit.engine;

import io.zkaudit.model.Layer;
import java.util.List;

/**
 * What one layer computed: the values of every tensor it read (activations and constants, in {@link
 * Layer#inputs()} order), the raw accumulators before the final rescale/rounding (null for layers
 * without one) and the output.
 *
 * <p>Accumulators per layer: Conv2D/DepthwiseConv2D/FullyConnected: bias + Σ(x−zx)(w−zw); Add: a' +
 * b' (the sum before the output multiplier); Mul: (a−za)(b−zb); AveragePool: the window sum;
 * MaxPool: the window maximum; Mean: Σ(x−zx); Requantize: x−zx. Arrays are shared with the engine:
 * treat them as read-only.
 */
public record LayerTrace(
    int index, Layer layer, List<int[]> inputs, long[] accumulators, int[] output) {}

package io.zkaudit.engine;

import io.zkaudit.model.Add;
import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Concat;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Pad;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.prover.model.QuantizedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact integer inference of a {@link QuantizedModel}: every layer follows the integer
 * semantics written in its {@code io.zkaudit.model} record (TFLite's kernels, bit for bit). It is
 * the reference the proofs attest. Thread-safe: one engine may run many inferences concurrently.
 */
public final class IntegerEngine {
  private final QuantizedModel model;
  private final ModelDescription d;
  private final Kernel[] kernels;

  public IntegerEngine(QuantizedModel model) {
    this.model = model;
    this.d = model.description();
    kernels = new Kernel[d.layers().size()];
    for (int i = 0; i < kernels.length; i++) kernels[i] = compile(d.layers().get(i));
  }

  public QuantizedModel model() {
    return model;
  }

  private Kernel compile(Layer layer) {
    return switch (layer) {
      case Conv2D c -> new ConvKernel(c, model);
      case DepthwiseConv2D c -> new DepthwiseKernel(c, model);
      case FullyConnected f -> new FullyConnectedKernel(f, model);
      case Add a -> new AddKernel(a, d);
      case Mul m -> new MulKernel(m, d);
      case AveragePool p -> new PoolKernel(p, d);
      case MaxPool p -> new PoolKernel(p, d);
      case Mean m -> new MeanKernel(m, d);
      case Reshape r -> DataMovementKernels.reshape(r);
      case Pad p -> DataMovementKernels.pad(p, d);
      case Concat c -> DataMovementKernels.concat(c, d);
      case Requantize r -> DataMovementKernels.requantize(r);
      case Softmax s -> DataMovementKernels.softmax(s, d);
      case Unary u -> DataMovementKernels.unary(u, d);
    };
  }

  /** Runs the model on its first input; returns the first output's quantized values. */
  public int[] infer(int[] input) {
    return run(false, input).output();
  }

  /**
   * Runs the model; returns every tensor's value by id (use {@link QuantizedModel#logitsTensor()}).
   */
  public int[][] values(int[]... inputs) {
    return run(false, inputs).tensorValues();
  }

  /** Runs the model and records the witness. */
  public InferenceTrace trace(int[]... inputs) {
    return run(true, inputs);
  }

  /**
   * Records the witness of a run on inputs that may hold values outside their declared type: what a
   * cheating prover would do (the soundness tests of private inputs, whose proofs must then be
   * rejected); never for a real proof.
   */
  public InferenceTrace traceUnchecked(int[]... inputs) {
    return run(true, false, inputs);
  }

  private InferenceTrace run(boolean trace, int[]... inputs) {
    return run(trace, true, inputs);
  }

  private InferenceTrace run(boolean trace, boolean checkRanges, int[]... inputs) {
    List<Integer> inputIds = d.inputs();
    if (inputs.length != inputIds.size()) {
      throw new ModelFormatException(
          "the model takes " + inputIds.size() + " inputs, got " + inputs.length);
    }
    int[][] values = new int[d.tensors().size()][];
    for (int k = 0; k < inputs.length; k++) {
      TensorSpec spec = d.tensor(inputIds.get(k));
      int[] x = inputs[k];
      if (x == null || x.length != spec.size()) {
        throw new ModelFormatException(
            "input "
                + spec.name()
                + " needs "
                + spec.size()
                + " values "
                + spec.shape()
                + ", got "
                + (x == null ? 0 : x.length));
      }
      for (int v : x) {
        if (checkRanges && (v < spec.type().min() || v > spec.type().max())) {
          throw new ModelFormatException(
              "input " + spec.name() + " holds " + v + ", outside " + spec.type());
        }
      }
      values[inputIds.get(k)] = x;
    }
    for (var e : model.constants().entrySet()) values[e.getKey()] = e.getValue();
    List<LayerTrace> traces = trace ? new ArrayList<>(kernels.length) : List.of();
    for (int i = 0; i < kernels.length; i++) {
      Layer layer = d.layers().get(i);
      long[] acc =
          trace && kernels[i].hasAccumulators() ? new long[d.tensor(layer.output()).size()] : null;
      int[] out = kernels[i].run(values, acc);
      values[layer.output()] = out;
      if (trace) {
        List<int[]> ins = new ArrayList<>();
        for (int t : layer.inputs()) ins.add(values[t]);
        traces.add(new LayerTrace(i, layer, List.copyOf(ins), acc, out));
      }
    }
    return new InferenceTrace(d, values, List.copyOf(traces));
  }
}

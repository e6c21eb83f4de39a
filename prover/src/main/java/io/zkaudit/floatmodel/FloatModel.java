package io.zkaudit.floatmodel;

import java.util.List;

/** A float model: tensors by id, operators in execution order. */
public record FloatModel(
    String name,
    List<FloatTensor> tensors,
    List<FloatOp> ops,
    List<Integer> inputs,
    List<Integer> outputs) {
  public FloatModel {
    tensors = List.copyOf(tensors);
    ops = List.copyOf(ops);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public FloatTensor input() {
    return tensors.get(inputs.getFirst());
  }

  /** The input of a final Softmax, else the first output (see QuantizedModel#logitsTensor). */
  public int logitsTensor() {
    int out = outputs.getFirst();
    for (int i = ops.size() - 1; i >= 0; i--) {
      if (ops.get(i).output() == out)
        return ops.get(i) instanceof FloatOp.Softmax s ? s.input() : out;
    }
    return out;
  }
}

package io.zkaudit.inference;

import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.WindowedLinear;
import java.util.ArrayList;
import java.util.List;

/**
 * Which constant tensors the weight commitment holds, in which order and with how many variables:
 * for every linear layer its weights (in the layer's layout, {@link WindowedLinear#placeWeights})
 * and its bias (over the output channel bits). Derived from the circuit alone, so prover and
 * verifier agree on it without the weights.
 */
public record WeightLayout(List<Entry> entries) {

  /** What a committed constant holds: weights in the layer's layout, a bias, or an ADD's rescaled addend. */
  public enum Kind { WEIGHTS, BIAS, ADDEND }

  /** One committed constant tensor: its tensor id, what it holds and its table's variable count. */
  public record Entry(int tensor, int numVars, Kind kind, int layer) {}

  public WeightLayout {
    entries = List.copyOf(entries);
    checkSingleUse(entries);
  }

  public static WeightLayout of(ModelCircuit circuit) {
    List<Entry> entries = new ArrayList<>();
    for (ModelCircuit.ProvenLayer p : circuit.layers()) {
      if (p instanceof ModelCircuit.LinearLayer l && l.linear().kind() != WindowedLinear.Kind.SUM) {
        WindowedLinear w = l.linear();
        entries.add(new Entry(w.weights(), w.weightVars(), Kind.WEIGHTS, l.layerIndex()));
        if (w.hasBias()) {
          entries.add(new Entry(w.bias(), w.out().cBits(), Kind.BIAS, l.layerIndex()));
        }
      }
      if (p instanceof ModelCircuit.AddLayer a) {
        for (int side = 0; side < 2; side++) {
          if (a.isConstant(side)) {
            entries.add(new Entry(a.input(side), a.outLayout().cBits(), Kind.ADDEND, a.layerIndex()));
          }
        }
      }
    }
    return new WeightLayout(entries);
  }

  /** The column of a constant tensor, or -1. */
  public int columnOf(int tensor) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).tensor() == tensor) {
        return i;
      }
    }
    return -1;
  }

  public int[] logSizes() {
    return entries.stream().mapToInt(Entry::numVars).toArray();
  }

  /** Checks a constant is used by one layer only (its table layout belongs to that layer). */
  static void checkSingleUse(List<Entry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        if (entries.get(i).tensor() == entries.get(j).tensor()) {
          throw new io.zkaudit.model.ModelFormatException("constant tensor " + entries.get(i).tensor()
              + " is shared by two layers; the proof needs one layout per constant");
        }
      }
    }
  }
}

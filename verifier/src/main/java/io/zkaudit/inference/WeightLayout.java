package io.zkaudit.inference;

import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
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

  /** One committed constant tensor: its tensor id and its table's variable count. */
  public record Entry(int tensor, int numVars, boolean isBias, int layer) {}

  public WeightLayout {
    entries = List.copyOf(entries);
    checkSingleUse(entries);
  }

  public static WeightLayout of(ModelCircuit circuit) {
    List<Entry> entries = new ArrayList<>();
    for (ModelCircuit.ProvenLayer p : circuit.layers()) {
      if (p instanceof ModelCircuit.LinearLayer l && l.linear().kind() != WindowedLinear.Kind.SUM) {
        WindowedLinear w = l.linear();
        entries.add(new Entry(w.weights(), w.weightVars(), false, l.layerIndex()));
        if (w.hasBias()) {
          entries.add(new Entry(w.bias(), w.out().cBits(), true, l.layerIndex()));
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

  /** A bias tensor's table: one value per output channel, padded. */
  public static int biasVars(TensorLayout out) {
    return out.cBits();
  }
}

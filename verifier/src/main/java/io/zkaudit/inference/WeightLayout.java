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

  /**
   * What a committed constant holds: weights in the layer's layout, a bias, an ADD's rescaled
   * addend, or hiding randomness (no tensor, never claimed: added when the packed polynomial has
   * too little room of its own, see {@link #MIN_HIDING_ENTRIES}).
   */
  public enum Kind {
    WEIGHTS,
    BIAS,
    ADDEND,
    HIDING
  }

  /**
   * The fewest hiding entries a weight commitment has: the packed polynomial's unused tail, which
   * the commitment fills with secret randomness, or else an added HIDING column. Each
   * zero-knowledge proof reveals 2^arity codeword entries of the weight commitment per query, and
   * they stay uniform while their total stays below the hiding entries (docs/zero-knowledge.md).
   */
  public static final int MIN_HIDING_ENTRIES = 1 << 16;

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
            entries.add(
                new Entry(a.input(side), a.outLayout().cBits(), Kind.ADDEND, a.layerIndex()));
          }
        }
      }
    }
    long used =
        entries.isEmpty() ? 0 : new io.zkaudit.pcs.PackedLayout(logSizes(entries)).usedEntries();
    long total =
        entries.isEmpty() ? 0 : 1L << new io.zkaudit.pcs.PackedLayout(logSizes(entries)).numVars();
    if (total - used < MIN_HIDING_ENTRIES) {
      entries.add(
          new Entry(-1, Integer.numberOfTrailingZeros(MIN_HIDING_ENTRIES), Kind.HIDING, -1));
    }
    return new WeightLayout(entries);
  }

  /**
   * Entries of the packed weight polynomial that hold hiding randomness (its tail and any HIDING
   * column).
   */
  public long hidingEntries() {
    io.zkaudit.pcs.PackedLayout packed = new io.zkaudit.pcs.PackedLayout(logSizes());
    long hiding = (1L << packed.numVars()) - packed.usedEntries();
    for (Entry e : entries) {
      if (e.kind() == Kind.HIDING) {
        hiding += 1L << e.numVars();
      }
    }
    return hiding;
  }

  /**
   * About how many zero-knowledge proofs a weight commitment of this layout hides the weights for:
   * its hiding entries over the most weight-commitment entries one proof reveals (one leaf of
   * 2^arity entries per query, through the shadow link). After that many, commit again under a new
   * hiding key.
   */
  public long hiddenProofs(io.zkaudit.pcs.PcsParams params) {
    if (!holdsConstants()) {
      // No proof opens a commitment that holds no constant (ModelVerifier reads nothing of it), so
      // no proof reveals any of it: the budget is unlimited and the key never needs rotating.
      return Long.MAX_VALUE;
    }
    int n = new io.zkaudit.pcs.PackedLayout(logSizes()).numVars();
    return hidingEntries() / ((long) params.queries() << params.arities(n)[0]);
  }

  private static int[] logSizes(List<Entry> entries) {
    return entries.stream().mapToInt(Entry::numVars).toArray();
  }

  /** The column of a constant tensor, or -1. */
  public int columnOf(int tensor) {
    if (tensor < 0) {
      return -1;
    }
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).tensor() == tensor) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the model has any constant for proofs to read (a max pool of its input has none). */
  public boolean holdsConstants() {
    return entries.stream().anyMatch(e -> e.kind() != Kind.HIDING);
  }

  public int[] logSizes() {
    return entries.stream().mapToInt(Entry::numVars).toArray();
  }

  /** Checks a constant is used by one layer only (its table layout belongs to that layer). */
  static void checkSingleUse(List<Entry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        if (entries.get(i).tensor() == entries.get(j).tensor()) {
          throw new io.zkaudit.model.ModelFormatException(
              "constant tensor "
                  + entries.get(i).tensor()
                  + " is shared by two layers; the proof needs one layout per constant");
        }
      }
    }
  }
}

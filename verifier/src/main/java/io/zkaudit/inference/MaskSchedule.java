package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.ShadowPhase1;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LookupStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the mask column of a zero-knowledge inference proof holds, in the order the verifier uses
 * it: the logUp-GKR layers' masks, then for each linear layer its accumulator padding scalars
 * ({@link io.zkaudit.layers.VirtualPadding}) and the masks of its phase 1 (not for sums; over the
 * weight shadow, {@link ShadowPhase1}) and phase 2, for each product of two activations its
 * accumulator padding scalars and its sumcheck's mask, then for each max pool one pair of padding
 * scalars per window tap and its selection sumcheck's mask, then for each concatenation one pair
 * and its sumcheck's mask. Each sumcheck gets a Libra mask of its number of variables and round
 * degree; the prover draws and commits everything before the first sumcheck, so the schedule must
 * be known from the public circuit alone.
 */
public record MaskSchedule(List<Entry> entries) {
  /**
   * One stretch of the mask column: {@link #blocks()} blocks of {@link io.zkaudit.zk.MaskColumn}.
   */
  public sealed interface Entry permits Sumcheck, PaddingScalars {
    int blocks();
  }

  /** A Libra mask: one polynomial of the given degree per variable, one block each. */
  public record Sumcheck(int numVars, int degree) implements Entry {
    public Sumcheck {
      if (degree > io.zkaudit.zk.MaskColumn.MAX_DEGREE) {
        throw new IllegalStateException(
            "a sumcheck of round degree " + degree + " cannot be masked");
      }
    }

    @Override
    public int blocks() {
      return numVars;
    }
  }

  /**
   * Two uniform base-field scalars m1, m2 for one linear layer's accumulator padding, held as the
   * extension constant m1 + u·m2 in one block.
   */
  public record PaddingScalars() implements Entry {
    @Override
    public int blocks() {
      return 1;
    }
  }

  public MaskSchedule {
    entries = List.copyOf(entries);
  }

  public static MaskSchedule of(ModelCircuit circuit, LookupStatement statement) {
    return of(circuit, statement, null);
  }

  /**
   * The schedule of a batch proof ({@link Batch}; null: one sample): the same but for each max
   * pool's selection sumcheck (its chain groups' points have different batch coordinates; {@link
   * io.zkaudit.layers.MaxPoolVerifier}) and each product of two activations' (not linear in either
   * factor; {@link io.zkaudit.layers.ProductVerifier}), which run over the batch variables too.
   */
  public static MaskSchedule of(ModelCircuit circuit, LookupStatement statement, Batch batch) {
    return of(circuit, statement, batch, null);
  }

  /**
   * The schedule of an accuracy proof ({@link AccuracyLayout}; null: none): a batch proof's, then
   * the argmax-and-count gadget's sumcheck (kb + nb variables, round degree 3), which the verifier
   * runs after every layer, pool and concatenation.
   */
  public static MaskSchedule of(
      ModelCircuit circuit, LookupStatement statement, Batch batch, AccuracyLayout accuracy) {
    int batchBits = batch == null ? 0 : batch.bits();
    List<Entry> out = new ArrayList<>();
    List<LogUpLayout.Tree> inst = LogUpLayout.trees(statement);
    int maxN = LogUpLayout.maxVars(inst);
    for (int layer = 1; layer <= maxN; layer++) {
      int l = layer;
      List<LogUpLayout.Tree> active = inst.stream().filter(i -> i.numVars() >= l).toList();
      out.add(
          new Sumcheck(
              layer - 1, LogUpLayout.layerComposition(active, layer, Ext2.ONE).roundDegree(true)));
    }
    for (ModelCircuit.ProvenLayer p : circuit.layers()) {
      if (p instanceof ModelCircuit.AddLayer a && (a.isConstant(0) || a.isConstant(1))) {
        out.add(
            new Sumcheck(
                io.zkaudit.layers.ConstantAddend.numVars(a.outLayout()),
                io.zkaudit.layers.ConstantAddend.composition().roundDegree(false)));
      }
      if (p instanceof ModelCircuit.ProductLayer m) {
        out.add(new PaddingScalars());
        out.add(
            new Sumcheck(
                m.product().numVars() + batchBits,
                io.zkaudit.layers.Product.composition().roundDegree(false)));
      }
      if (p instanceof ModelCircuit.LinearLayer l) {
        WindowedLinear spec = l.linear();
        out.add(new PaddingScalars());
        if (spec.kind() != WindowedLinear.Kind.SUM) {
          out.add(
              new Sumcheck(
                  ShadowPhase1.numVars(spec),
                  ShadowPhase1.composition(spec, Ext2.ONE).roundDegree(false)));
        }
        out.add(
            new Sumcheck(
                spec.phase2Vars(), WindowedLinearVerifier.phase2Composition().roundDegree(false)));
      }
    }
    // Each max pool's selection sumcheck, after every layer's (ModelVerifier's order).
    for (io.zkaudit.layers.MaxPoolLayer m : circuit.maxPools()) {
      for (int k = 0; k < m.taps(); k++) {
        out.add(new PaddingScalars()); // one pair per window selection (a virtual column each)
      }
      out.add(
          new Sumcheck(
              m.in().numVars() + batchBits,
              io.zkaudit.layers.MaxPoolVerifier.composition().roundDegree(false)));
    }
    // Then each concatenation's.
    for (io.zkaudit.layers.ConcatLayer k : circuit.concats()) {
      out.add(new PaddingScalars());
      out.add(
          new Sumcheck(
              k.numVars(),
              io.zkaudit.layers.ConcatVerifier.composition(k.inputs().size()).roundDegree(false)));
    }
    if (accuracy != null) {
      io.zkaudit.accuracy.ArgmaxLayout g = accuracy.argmax();
      out.add(
          new Sumcheck(
              g.numVars(),
              io.zkaudit.accuracy.ArgmaxRelations.composition(Ext2.ONE, g.classBits())
                  .roundDegree(false)));
    }
    return new MaskSchedule(out);
  }

  /** Mask-column blocks: one per sumcheck variable and one per pair of padding scalars. */
  public int blocks() {
    return entries.stream().mapToInt(Entry::blocks).sum();
  }
}

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
 * The sumchecks of a zero-knowledge inference proof, in the order they are proven and verified:
 * the logUp-GKR layers, then each linear layer's phase 1 (not for sums; over the weight shadow,
 * {@link ShadowPhase1}) and phase 2, then each max pool's selection sumcheck and each concatenation's. Each gets a
 * Libra mask of its number of variables and round degree; the prover draws and commits all of
 * them before the first sumcheck, so the schedule must be known from the public circuit alone.
 */
public record MaskSchedule(List<Sumcheck> sumchecks) {
  public record Sumcheck(int numVars, int degree) {
    public Sumcheck {
      if (degree > io.zkaudit.zk.MaskColumn.MAX_DEGREE) {
        throw new IllegalStateException("a sumcheck of round degree " + degree + " cannot be masked");
      }
    }
  }

  public MaskSchedule {
    sumchecks = List.copyOf(sumchecks);
  }

  public static MaskSchedule of(ModelCircuit circuit, LookupStatement statement) {
    List<Sumcheck> out = new ArrayList<>();
    List<LogUpLayout.Tree> inst = LogUpLayout.trees(statement);
    int maxN = LogUpLayout.maxVars(inst);
    for (int layer = 1; layer <= maxN; layer++) {
      int l = layer;
      List<LogUpLayout.Tree> active = inst.stream().filter(i -> i.numVars() >= l).toList();
      out.add(new Sumcheck(layer - 1, LogUpLayout.layerComposition(active, layer, Ext2.ONE).roundDegree(true)));
    }
    for (ModelCircuit.ProvenLayer p : circuit.layers()) {
      if (p instanceof ModelCircuit.AddLayer a && (a.isConstant(0) || a.isConstant(1))) {
        out.add(new Sumcheck(io.zkaudit.layers.ConstantAddend.numVars(a.outLayout()),
            io.zkaudit.layers.ConstantAddend.composition().roundDegree(false)));
      }
      if (p instanceof ModelCircuit.LinearLayer l) {
        WindowedLinear spec = l.linear();
        if (spec.kind() != WindowedLinear.Kind.SUM) {
          out.add(new Sumcheck(ShadowPhase1.numVars(spec), ShadowPhase1.composition(spec, Ext2.ONE).roundDegree(false)));
        }
        out.add(new Sumcheck(spec.phase2Vars(), WindowedLinearVerifier.phase2Composition().roundDegree(false)));
      }
    }
    // Each max pool's selection sumcheck, after every layer's (ModelVerifier's order).
    for (io.zkaudit.layers.MaxPoolLayer m : circuit.maxPools()) {
      out.add(new Sumcheck(m.in().numVars(), io.zkaudit.layers.MaxPoolVerifier.composition().roundDegree(false)));
    }
    // Then each concatenation's.
    for (io.zkaudit.layers.ConcatLayer k : circuit.concats()) {
      out.add(new Sumcheck(k.numVars(), io.zkaudit.layers.ConcatVerifier.composition(k.inputs().size()).roundDegree(false)));
    }
    return new MaskSchedule(out);
  }

  /** Mask-column blocks: one per sumcheck variable. */
  public int blocks() {
    return sumchecks.stream().mapToInt(Sumcheck::numVars).sum();
  }
}

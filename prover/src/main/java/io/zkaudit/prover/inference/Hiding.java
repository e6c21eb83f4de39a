package io.zkaudit.prover.inference;

import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a proof hides, and with which randomness: the plain proof, or zero knowledge wrapped around
 * it (docs/zero-knowledge.md). The rounds of a {@link ProofRun} ask their hiding for the few things
 * that differ (the blinded lookup statement, the uniform padding, the mask and blinding columns,
 * the commitments' random tails, the weight shadow) instead of testing a flag: {@link Plain}
 * answers with the plain scheme's nothing, {@link ZeroKnowledge} holds the randomness and the
 * sumcheck masks drawn before the witness.
 */
sealed interface Hiding {

  /** The proof's lookup statement: the plain one, or with blinding rows. */
  LookupStatement statement();

  /** The columns committed after the witness's own: none, or the mask column and blinding. */
  List<long[]> hidingColumns(InferenceWitness witness, LookupStatement statement);

  /** A commitment's random tail, null for none (the PCS's convention). */
  LongSupplier commitmentTail();

  /** The weights as the proof opens them: the long-lived commitment, or a fresh shadow of it. */
  Committed openedWeights(Committed weights, PcsParams params);

  /** What the statement says of the proof (its transcript and flag): zero knowledge or not. */
  boolean zeroKnowledge();

  static Hiding of(boolean zeroKnowledge, ModelCircuit circuit, LookupStatement plain) {
    return of(zeroKnowledge, circuit, plain, null);
  }

  /** The same for a batch proof (null: one sample), whose witness bins are the batch's. */
  static Hiding of(
      boolean zeroKnowledge,
      ModelCircuit circuit,
      LookupStatement plain,
      io.zkaudit.inference.Batch batch) {
    return of(zeroKnowledge, circuit, plain, batch, null);
  }

  /** The same for an accuracy proof (null: none), whose gadget has its mask and columns. */
  static Hiding of(
      boolean zeroKnowledge,
      ModelCircuit circuit,
      LookupStatement plain,
      io.zkaudit.inference.Batch batch,
      io.zkaudit.inference.AccuracyLayout accuracy) {
    if (!zeroKnowledge) {
      return new Plain(plain);
    }
    LookupStatement blinded = plain.withBlinding();
    ModelProver.refuseThinBins(circuit, blinded, batch, accuracy);
    ZkRandom random = ZkRandom.fresh();
    // The masks before the witness: the virtual columns' padding scalars (VirtualPadding) shape
    // the lookups' columns.
    MaskSchedule schedule = MaskSchedule.of(circuit, blinded, batch, accuracy);
    return new ZeroKnowledge(blinded, random, schedule, MaskSupply.draw(schedule, random));
  }

  /** Nothing hidden: sumchecks unmasked, padding zero (only for measuring what hiding costs). */
  record Plain(LookupStatement statement) implements Hiding {
    @Override
    public List<long[]> hidingColumns(InferenceWitness witness, LookupStatement statement) {
      return List.of();
    }

    @Override
    public LongSupplier commitmentTail() {
      return null;
    }

    @Override
    public Committed openedWeights(Committed weights, PcsParams params) {
      return weights;
    }

    @Override
    public boolean zeroKnowledge() {
      return false;
    }
  }

  /**
   * Zero knowledge: uniform padding and blinding rows drawn from {@code random}, the sumchecks
   * masked by {@code masks} (laid out by {@code schedule} in the mask column).
   */
  record ZeroKnowledge(
      LookupStatement statement, ZkRandom random, MaskSchedule schedule, MaskSupply masks)
      implements Hiding {
    @Override
    public List<long[]> hidingColumns(InferenceWitness witness, LookupStatement statement) {
      long[] maskColumn = MaskColumn.place(masks.all(), MaskColumn.numVars(schedule.blocks()));
      int used = schedule.blocks() << MaskColumn.BLOCK_VARS;
      random.fill(maskColumn, i -> i >= used); // read by no claim
      List<long[]> out = new ArrayList<>();
      out.add(maskColumn);
      out.addAll(witness.blindingColumns(statement, random));
      return out;
    }

    @Override
    public LongSupplier commitmentTail() {
      return random::nextField;
    }

    @Override
    public Committed openedWeights(Committed weights, PcsParams params) {
      return new BasefoldProver(params).commitShadow(weights, random::nextField);
    }

    @Override
    public boolean zeroKnowledge() {
      return true;
    }
  }
}

package io.zkaudit.prover.inference;

import io.zkaudit.engine.InferenceTrace;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.ModelCircuit.AddLayer;
import io.zkaudit.layers.ModelCircuit.LinearLayer;
import io.zkaudit.layers.ModelCircuit.ProvenLayer;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.layers.WindowedLinearProver;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.pcs.ShadowLinks;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves {@code output = model(input)}: runs the integer engine, builds the witness, commits it,
 * proves the lookups and the linear layers, and opens both commitments. The claims it opens are
 * computed by {@link ModelVerifier#reduce} on the proof itself, so prover and verifier cannot
 * disagree on them.
 */
public final class ModelProver {
  private ModelProver() {}

  /**
   * Commits to a model's weights (done once per model; the verifying key is its public commitment)
   * with fresh hiding randomness: each call gives another model commitment. A seller that must find
   * its commitment again (restarts, a verifying key given to buyers) uses {@link
   * #commit(QuantizedModel, byte[])}.
   */
  public static CommittedModel commit(QuantizedModel model) {
    return Commitments.model(model, null);
  }

  /**
   * Commits with the hiding randomness derived from the seller's secret hiding key and the model:
   * the same key and model give the same commitment ({@link Commitments#model}).
   */
  public static CommittedModel commit(QuantizedModel model, byte[] hidingKey) {
    return Commitments.model(model, hidingKey);
  }

  /**
   * The same at a rotation generation (0: the model's first commitment; see {@link
   * RotationLinks#rotate}): a fresh hiding tail for each generation.
   */
  public static CommittedModel commit(QuantizedModel model, byte[] hidingKey, int generation) {
    return Commitments.model(model, hidingKey, generation);
  }

  /**
   * Commits to an input apart from any proof, for proofs that keep it private ({@link
   * Commitments#input}).
   */
  public static CommittedInput commitInput(CommittedModel cm, int[] input, byte[] hidingKey) {
    return Commitments.input(cm, input, hidingKey);
  }

  /** A zero-knowledge proof (the default; see docs/zero-knowledge.md). */
  public static ModelProof prove(CommittedModel cm, int[] input, ProgressListener progress) {
    return prove(cm, input, progress, true, null);
  }

  /**
   * A proof with or without zero knowledge: without, the sumchecks are not masked and the witness
   * padding is zero, which is only for measuring what zero knowledge costs.
   */
  public static ModelProof prove(
      CommittedModel cm, int[] input, ProgressListener progress, boolean zeroKnowledge) {
    return prove(cm, input, progress, zeroKnowledge, null);
  }

  static ModelProof prove(
      CommittedModel cm,
      int[] input,
      ProgressListener progress,
      java.util.function.Consumer<InferenceWitness> cheat) {
    return prove(cm, input, progress, true, new Cheat(cheat, null, false), null);
  }

  /**
   * The input forgery of issue 13, played by a cheating prover: it computes and commits the witness
   * of {@code actual} but states {@code claimed} (the transcript holds claimed's hash, the prover's
   * own reduction runs against claimed, and the input evaluation it sends is claimed's, so every
   * check before the witness opening passes). The verifier, given claimed, must reject.
   */
  static ModelProof proveClaimingAnotherInput(
      CommittedModel cm, int[] actual, int[] claimed, boolean zk) {
    return prove(cm, actual, ProgressListener.NONE, zk, new Cheat(null, claimed, false), null);
  }

  /**
   * How the soundness tests play a cheating prover (never set in production): a hook that alters
   * the witness after it is built, an input stated in place of the one proven (either may be null),
   * and a private input run without the engine's range check.
   */
  record Cheat(
      java.util.function.Consumer<InferenceWitness> witness,
      int[] claimedInput,
      boolean uncheckedInput) {}

  /**
   * A zero-knowledge proof about a committed input, which the proof does not reveal
   * (docs/zero-knowledge.md).
   */
  public static ModelProof prove(
      CommittedModel cm, CommittedInput input, ProgressListener progress) {
    return prove(cm, input.values(), progress, true, null, input);
  }

  static ModelProof prove(
      CommittedModel cm,
      int[] input,
      ProgressListener progress,
      boolean zk,
      java.util.function.Consumer<InferenceWitness> cheat) {
    return prove(
        cm, input, progress, zk, cheat == null ? null : new Cheat(cheat, null, false), null);
  }

  /**
   * A cheating prover's proof about a committed input that may hold values outside the input's
   * type: the model is run without the engine's input check, and the range lookup counts only the
   * rows that are in its table (the soundness tests of private inputs).
   */
  static ModelProof proveUncheckedInput(CommittedModel cm, CommittedInput input) {
    return prove(
        cm, input.values(), ProgressListener.NONE, true, new Cheat(null, null, true), input);
  }

  /**
   * Proves with a hook that may alter the witness after it is built (lookup multiplicities keep
   * their honest values): how the soundness tests play a cheating prover. A cheating prover gets as
   * far as it can: when its proof no longer reduces to opening claims, it returns the proof without
   * openings.
   */
  private static ModelProof prove(
      CommittedModel cm,
      int[] input,
      ProgressListener progress,
      boolean zk,
      Cheat cheat,
      CommittedInput hidden) {
    boolean unchecked = cheat != null && cheat.uncheckedInput();
    // A zero-knowledge proof has its own circuit: every tensor padded somewhere (ModelCircuit#of).
    ModelCircuit circuit = cm.circuit(zk);
    int phases = 6;
    progress.progress("inference", 0, phases);
    InferenceTrace trace;
    try {
      trace =
          unchecked
              ? new IntegerEngine(cm.model()).traceUnchecked(input)
              : new IntegerEngine(cm.model()).trace(input);
    } catch (RuntimeException e) {
      throw new ProverException(e.getMessage());
    }
    if (hidden != null) {
      try {
        InferenceStatement.inputRange(circuit);
      } catch (IllegalStateException e) {
        throw new ProverException("this model's input cannot be private: " + e.getMessage());
      }
    }
    LookupStatement statement = InferenceStatement.lookups(circuit, hidden != null);
    if (zk) {
      statement = statement.withBlinding();
      refuseThinBins(circuit, statement);
    }
    progress.progress("witness", 1, phases);
    ZkRandom random = zk ? ZkRandom.fresh() : null;
    // The masks first: the virtual columns' padding scalars (VirtualPadding) shape the lookup's
    // columns.
    MaskSchedule schedule = zk ? MaskSchedule.of(circuit, statement) : null;
    MaskSupply masks = zk ? MaskSupply.draw(schedule, random) : null;
    InferenceWitness w =
        new InferenceWitness(
            circuit,
            cm.model(),
            trace,
            statement,
            random,
            hidden == null ? null : hidden.table(),
            masks == null ? null : masks.paddingScalars());
    if (cheat != null && cheat.witness() != null) {
      cheat.witness().accept(w);
    }
    // A private input's shadow is drawn now (absorbed after the weight shadow, as before): the
    // range
    // lookup reads its column, and the blinding copies rows of it.
    Committed inputShadow = null;
    if (hidden != null) {
      inputShadow =
          new BasefoldProver(InferenceStatement.pcsParams())
              .commitShadow(hidden.committed(), random::nextField);
      w.rangeInput(circuit, statement, inputShadow.column(0), unchecked);
    }
    if (zk) {
      w.blind(statement, random);
    }
    Digest32 model = cm.vk().digest();
    // The input the statement names: the proven one, except for the input-forging test prover.
    int[] stated = cheat != null && cheat.claimedInput() != null ? cheat.claimedInput() : input;
    Digest32 inputHash =
        hidden == null ? ModelVerifier.inputHash(stated) : hidden.commitment().digest();

    Transcript t =
        InferenceStatement.transcript(
            model, cm.vk().weights(), inputHash, w.output, zk, hidden != null);
    progress.progress("commit", 2, phases);
    BasefoldProver pcs = new BasefoldProver(InferenceStatement.pcsParams());
    ColumnBins bins = InferenceStatement.witnessBins(circuit, statement, zk);
    List<long[]> columns = w.committedColumns();
    if (zk) {
      long[] maskColumn = MaskColumn.place(masks.all(), MaskColumn.numVars(schedule.blocks()));
      int used = schedule.blocks() << MaskColumn.BLOCK_VARS;
      random.fill(maskColumn, i -> i >= used); // read by no claim
      columns.add(maskColumn);
      columns.addAll(w.blindingColumns(statement, random));
    }
    List<Committed> witness = new ArrayList<>();
    List<Commitment> commitments = new ArrayList<>();
    for (int b = 0; b < bins.bins(); b++) {
      Committed c =
          pcs.commit(
              bins.select(columns, b), bins.layout(b), random == null ? null : random::nextField);
      witness.add(c);
      commitments.add(c.commitment());
      c.commitment().absorb(t);
    }
    Committed shadow = null;
    if (zk) {
      shadow = pcs.commitShadow(cm.weights(), random::nextField);
      shadow.commitment().absorb(t);
    }
    Ext2 inputEval = Ext2.ZERO;
    if (hidden != null) {
      inputShadow.commitment().absorb(t);
    } else {
      TensorLayout inLayout = InferenceStatement.inputLayout(circuit);
      Ext2[] inputPoint = t.challengeExts("input-point", inLayout.numVars());
      inputEval =
          stated == input
              ? Mle.evaluate(w.inputTable, inputPoint)
              : Mle.evaluate(inLayout.place(stated), inputPoint);
      t.absorbExt("input-eval", inputEval);
    }

    progress.progress("lookups", 3, phases);
    LogUpProver.Output lookups = LogUpProver.prove(statement, w.lookups, t, masks);
    progress.progress("layers", 4, phases);
    int layers = circuit.layers().size();
    Ext2[] rangeEvals = new Ext2[3 * layers];
    List<Ext2> addEvals = new ArrayList<>();
    List<WindowedLinearProof> linear = new ArrayList<>();
    for (int k = 0; k < layers; k++) {
      ProvenLayer p = circuit.layers().get(k);
      Ext2[] rho = lookups.claims().witnesses().get(0).get(k).point();
      rangeEvals[3 * k] = Mle.evaluate(w.c1[k], rho);
      rangeEvals[3 * k + 1] = Mle.evaluate(w.c2[k], rho);
      // c1 at the range lookup's point (its last coordinate picks c1 or c2:
      // InferenceStatement.rangePair).
      Ext2[] pairPoint = lookups.claims().witnesses().get(1).get(k).point();
      rangeEvals[3 * k + 2] =
          Mle.evaluate(w.c1[k], java.util.Arrays.copyOf(pairPoint, pairPoint.length - 1));
      t.absorbExt("range-evals", rangeEvals[3 * k], rangeEvals[3 * k + 1], rangeEvals[3 * k + 2]);
      switch (p) {
        case LinearLayer l -> {
          WindowedLinear spec = l.linear();
          long[] weights =
              spec.kind() == WindowedLinear.Kind.SUM
                  ? null
                  : cm.weightTables().get(cm.layout().columnOf(spec.weights()));
          long[] bias =
              spec.hasBias() ? cm.weightTables().get(cm.layout().columnOf(spec.bias())) : null;
          WindowedLinearProver.ShadowMasks sm =
              shadow == null || weights == null
                  ? null
                  : new WindowedLinearProver.ShadowMasks(
                      maskHalf(shadow, cm.layout().columnOf(spec.weights())),
                      bias == null ? null : maskHalf(shadow, cm.layout().columnOf(spec.bias())));
          linear.add(
              WindowedLinearProver.prove(
                      spec, w.activation(circuit, spec.input()), weights, bias, rho, t, masks, sm)
                  .proof());
        }
        case AddLayer a -> {
          int side = a.isConstant(0) ? 1 : 0;
          boolean hiddenAddend = zk && (a.isConstant(0) || a.isConstant(1));
          // Zero knowledge with a constant operand: S(rho) is not sent (acc - S(rho) would be the
          // addend); a sumcheck through the weight shadow proves acc(rho) instead.
          Ext2 s = hiddenAddend ? Ext2.ZERO : Mle.evaluate(w.columns[a.sColumn(side)], rho);
          addEvals.add(s);
          t.absorbExt("add-eval", s);
          if (hiddenAddend) {
            int column = cm.layout().columnOf(a.input(1 - side));
            linear.add(
                io.zkaudit.prover.layers.ConstantAddendProver.prove(
                    a.outLayout(),
                    rho,
                    w.columns[a.sColumn(side)],
                    cm.weightTables().get(column),
                    maskHalf(shadow, column),
                    masks,
                    t));
          }
        }
        case ModelCircuit.RequantizeLayer q -> {}
      }
    }
    // Max pools, after every layer (ModelVerifier's order): their groups follow the rescale groups.
    int poolGroup = InferenceStatement.firstPoolGroup(circuit);
    for (io.zkaudit.layers.MaxPoolLayer m : circuit.maxPools()) {
      var groups = lookups.claims().witnesses().get(0).subList(poolGroup, poolGroup + m.steps());
      poolGroup += m.steps();
      linear.add(
          io.zkaudit.prover.layers.MaxPoolProver.prove(
              m, groups, w.activation(circuit, m.input()), t, masks));
    }
    // Concatenations, after the max pools: one group each, after theirs.
    int concatGroup = InferenceStatement.firstConcatGroup(circuit);
    for (io.zkaudit.layers.ConcatLayer c : circuit.concats()) {
      Ext2[] rho = lookups.claims().witnesses().get(0).get(concatGroup++).point();
      linear.add(
          io.zkaudit.prover.layers.ConcatProver.prove(
              c, rho, c.inputs().stream().map(in -> w.activation(circuit, in)).toList(), t, masks));
    }
    Commitment shadowCommitment = shadow == null ? null : shadow.commitment();
    ModelProof partial =
        new ModelProof(
            model,
            w.output,
            commitments,
            shadowCommitment,
            inputEval,
            lookups.proof(),
            rangeEvals,
            addEvals.toArray(Ext2[]::new),
            linear,
            new byte[0],
            List.of(),
            new byte[0],
            zk,
            hidden == null
                ? null
                : new ModelProof.PrivateInput(inputShadow.commitment(), new byte[0]));

    progress.progress("openings", 5, phases);
    ModelVerifier.Reduction reduction;
    try {
      ModelVerifier verifier = new ModelVerifier(cm.vk(), cm.circuit(), cm.zkCircuit());
      reduction =
          hidden == null
              ? verifier.reduce(partial, stated)
              : verifier.reduce(partial, hidden.commitment());
    } catch (InvalidProofException e) {
      if (cheat != null) {
        return partial;
      }
      throw new IllegalStateException(
          "the prover's own proof does not reduce: " + e.getMessage(), e);
    }
    // One batched opening of the witness bins, the weights (or their shadow) and a private input's
    // shadow (ProofOpenings); the weight and input commitments are long-lived, so their openings
    // and
    // the shadows' take the provable long-lived parameters.
    List<List<ColumnClaim>> perBin = bins.split(reduction.witnessClaims());
    PcsParams longLived = InferenceStatement.longLivedPcsParams();
    List<OpeningsProver.Entry> entries = new ArrayList<>();
    for (int b = 0; b < bins.bins(); b++) {
      entries.add(
          new OpeningsProver.Entry(witness.get(b), perBin.get(b), InferenceStatement.pcsParams()));
    }
    // A model without weights has no weight claims: nothing of the weight commitment is opened
    // (ModelVerifier).
    boolean weightsRead = !reduction.weightClaims().isEmpty();
    if (weightsRead) {
      entries.add(
          new OpeningsProver.Entry(
              shadow == null ? cm.weights() : shadow, reduction.weightClaims(), longLived));
    }
    if (hidden != null) {
      entries.add(new OpeningsProver.Entry(inputShadow, reduction.inputClaims(), longLived));
    }
    OpeningsProver.Openings openings = OpeningsProver.open(entries, reduction.transcript());
    byte[] link =
        shadow == null || !weightsRead
            ? new byte[0]
            : ShadowLinks.prove(longLived, cm.weights(), openings.leaves().get(bins.bins()))
                .encode();
    int inputEntry = bins.bins() + (weightsRead ? 1 : 0);
    ModelProof.PrivateInput privateInput =
        hidden == null
            ? null
            : new ModelProof.PrivateInput(
                inputShadow.commitment(),
                ShadowLinks.prove(longLived, hidden.committed(), openings.leaves().get(inputEntry))
                    .encode());
    progress.progress("done", phases, phases);
    return new ModelProof(
        model,
        w.output,
        commitments,
        shadowCommitment,
        inputEval,
        lookups.proof(),
        rangeEvals,
        addEvals.toArray(Ext2[]::new),
        linear,
        openings.batched(),
        openings.alone(),
        link,
        zk,
        privateInput);
  }

  /** The mask half (t = 1 entries) of a weight column of the shadow. */
  private static long[] maskHalf(Committed shadow, int column) {
    long[] c = shadow.column(column);
    long[] m = new long[c.length / 2];
    for (int i = 0; i < m.length; i++) {
      m[i] = c[2 * i + 1];
    }
    return m;
  }

  /**
   * A witness commitment whose bins hold too few uniform entries would reveal linear functionals of
   * the witness through its opening (docs/zero-knowledge.md, "What still leaks"). The statement
   * widens thin bins (InferenceStatement.witnessBins), so at the default bound this is a guard of
   * that invariant: refused rather than proven with a leak, should a layout change break it.
   */
  static void refuseThinBins(ModelCircuit circuit, LookupStatement blinded) {
    refuseThinBins(circuit, blinded, InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN);
  }

  static void refuseThinBins(ModelCircuit circuit, LookupStatement blinded, long minimum) {
    long[] random = InferenceStatement.randomEntriesPerBin(circuit, blinded);
    for (int b = 0; b < random.length; b++) {
      if (random[b] < minimum) {
        throw new ProverException(
            "zero knowledge: witness commitment "
                + b
                + " would hold "
                + random[b]
                + " uniform entries, fewer than the "
                + minimum
                + " its opening needs to hide the witness (docs/zero-knowledge.md); prove this"
                + " model with --no-zk");
      }
    }
  }
}

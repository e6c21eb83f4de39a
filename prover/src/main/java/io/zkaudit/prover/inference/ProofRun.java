package io.zkaudit.prover.inference;

import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.engine.InferenceTrace;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.inference.AccuracyLayout;
import io.zkaudit.inference.Batch;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ConcatLayer;
import io.zkaudit.layers.MaxPoolLayer;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.ModelCircuit.AddLayer;
import io.zkaudit.layers.ModelCircuit.LinearLayer;
import io.zkaudit.layers.ModelCircuit.ProductLayer;
import io.zkaudit.layers.ModelCircuit.RequantizeLayer;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.accuracy.ArgmaxColumns;
import io.zkaudit.prover.accuracy.ArgmaxCountProver;
import io.zkaudit.prover.accuracy.ArgmaxWitness;
import io.zkaudit.prover.layers.ConcatProver;
import io.zkaudit.prover.layers.ConstantAddendProver;
import io.zkaudit.prover.layers.LayerInput;
import io.zkaudit.prover.layers.MaxPoolProver;
import io.zkaudit.prover.layers.ProductProver;
import io.zkaudit.prover.layers.WindowedLinearProver;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.CodewordRetention;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.pcs.ShadowLinks;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One proof of {@code output = model(input)}, as named rounds on one instance (the shape of gnark's
 * {@code backend/plonk/bn254/prove.go}): {@link #infer}, {@link #witness}, {@link
 * #bindPrivateInput}, {@link #blind}, {@link #commit}, {@link #proveLookups}, {@link #proveLayers},
 * {@link #open}. Each round reads what the earlier ones left on the instance and writes to the
 * transcript in the order {@link ModelVerifier#reduce} replays it; {@link ModelProver#prove} runs
 * them all.
 *
 * <p>The rounds know nothing of cheating. The soundness tests play a cheating prover by running the
 * same rounds and changing the instance between two of them (a witness entry, the input the
 * statement names), which is why the round outputs are package-visible fields.
 */
final class ProofRun {
  private static final int PHASES = 6;

  // The instance.
  final CommittedModel cm;
  final ModelCircuit circuit;
  final ProverInput input;

  /** Not final: a cheating prover's test replaces it with one whose table the key does not give. */
  LookupStatement statement;

  final Hiding hiding;
  private final ProgressListener progress;

  // What the rounds leave, in round order.
  InferenceTrace trace;
  InferenceWitness witness;

  /** Keep or release the witness codewords between commit and opening; null: by the heap. */
  CodewordRetention codewords;

  /** What the commit round chose (codewords, or by the heap), applied again after the opening. */
  private CodewordRetention retention = CodewordRetention.KEEP;

  /** The output the statement states, fixed when the commit round absorbs it. */
  int[] output;

  /** The input the statement names: the proven one (the input-forgery test names another). */
  int[] statedInput;

  /** A batch proof's batch (io.zkaudit.inference.Batch); null for a single-sample proof. */
  final Batch batch;

  /**
   * A batch proof's inputs as the statement names them: the proven ones (a cheating prover's test
   * names others after proving these).
   */
  List<int[]> statedInputs;

  /**
   * A batch proof's engine runs, one per sample of the padded batch: sample 0's again at every
   * padding sample (a cheating prover's test puts another input's there).
   */
  List<InferenceTrace> traces;

  Committed inputShadow;

  /**
   * Whether the output is committed, not stated (a chained proof's body: {@link
   * io.zkaudit.inference.CommittedOutput}).
   */
  final boolean commitOutput;

  /**
   * The output commitment C and its opening (the output table, its hiding seed), from {@link
   * #commitOutput()}; a cheating prover's test replaces it.
   */
  OutputOpening outputOpening;

  /** The per-proof shadow of C. */
  Committed outputShadow;

  Transcript transcript;
  ColumnBins bins;
  final List<Committed> witnessCommitments = new ArrayList<>();
  Committed weightShadow;
  Ext2 inputEval = Ext2.ZERO;
  LogUpProver.Output lookups;
  Ext2[] rangeEvals;
  final List<Ext2> addEvals = new ArrayList<>();
  final List<WindowedLinearProof> layerProofs = new ArrayList<>();

  /** The input of a proof: public (its hash is in the statement) or committed apart and private. */
  sealed interface ProverInput {
    int[] values();

    record Public(int[] values) implements ProverInput {}

    record Private(CommittedInput committed) implements ProverInput {
      @Override
      public int[] values() {
        return committed.values();
      }
    }

    /** A batch proof's N public inputs; values() is sample 0's. */
    record Batch(List<int[]> inputs) implements ProverInput {
      public Batch {
        inputs = inputs.stream().map(int[]::clone).toList();
      }

      @Override
      public int[] values() {
        return inputs.getFirst().clone();
      }
    }

    /**
     * An accuracy proof's N public inputs and their labels (class indices); values() is sample 0's.
     */
    record Accuracy(List<int[]> inputs, int[] labels) implements ProverInput {
      public Accuracy {
        inputs = inputs.stream().map(int[]::clone).toList();
        labels = labels.clone();
        if (labels.length != inputs.size()) {
          throw new IllegalArgumentException(
              labels.length + " labels for " + inputs.size() + " inputs");
        }
      }

      @Override
      public int[] values() {
        return inputs.getFirst().clone();
      }

      @Override
      public int[] labels() {
        return labels.clone();
      }
    }

    /**
     * An accuracy proof about a buyer's test-set commitment, opened by its reveal: the inputs and
     * labels are T's, read through T's shadow; values() is sample 0's.
     */
    record TestSet(CommittedTestSet testSet) implements ProverInput {
      @Override
      public int[] values() {
        return testSet.reveal().inputs().getFirst();
      }
    }
  }

  /** The N inputs of a batch or accuracy proof; null for a single-sample proof. */
  private static List<int[]> batchInputs(ProverInput input) {
    return switch (input) {
      case ProverInput.Batch b -> b.inputs();
      case ProverInput.Accuracy a -> a.inputs();
      case ProverInput.TestSet t -> t.testSet().reveal().inputs();
      case ProverInput.Public p -> null;
      case ProverInput.Private p -> null;
    };
  }

  /** An accuracy proof's layout (io.zkaudit.inference.AccuracyLayout); null otherwise. */
  final AccuracyLayout accuracy;

  /**
   * An accuracy proof's statement as the proof states it (labels and count): the honest one from
   * the witness round (a cheating prover's test states another).
   */
  ArgmaxCountStatement argmaxStatement;

  /** The gadget's columns: its logits (read from the committed logits), selector, max, gap. */
  ArgmaxColumns gadgetColumns;

  /** The label table the gadget sums against: the statement's (a cheater's test moves a row). */
  long[] labelTable;

  /** The committed logits column (the batch's output tables, padding uniform in zk). */
  long[] logitsColumn;

  /**
   * A test-set proof's T as the statement names it: the committed one (a cheating prover's test
   * names another after proving against this one).
   */
  io.zkaudit.inference.TestSetCommitment statedTestSet;

  /** The gadget's proof, from the layers round. */
  ArgmaxCountProver.Output gadget;

  ProofRun(CommittedModel cm, ProverInput input, boolean zeroKnowledge, ProgressListener progress) {
    this(cm, input, zeroKnowledge, progress, false);
  }

  /**
   * A run whose proof commits its output when {@code commitOutput} (zero knowledge, one sample; see
   * {@link ModelProver#proveCommittedOutput}).
   */
  ProofRun(
      CommittedModel cm,
      ProverInput input,
      boolean zeroKnowledge,
      ProgressListener progress,
      boolean commitOutput) {
    this.commitOutput = commitOutput;
    if (commitOutput
        && (!zeroKnowledge
            || !(input instanceof ProverInput.Public || input instanceof ProverInput.Private))) {
      throw new ProverException(
          "a committed output is proven in zero knowledge, about one sample (its commitment must"
              + " hide the activation)");
    }
    this.cm = cm;
    this.input = input;
    this.progress = progress;
    // A zero-knowledge proof has its own circuit: every tensor padded somewhere (ModelCircuit#of).
    this.circuit = cm.circuit(zeroKnowledge);
    boolean privateInput = input instanceof ProverInput.Private;
    if (privateInput) {
      try {
        InferenceStatement.inputRange(circuit);
      } catch (IllegalStateException e) {
        throw new ProverException("this model's input cannot be private: " + e.getMessage());
      }
    }
    List<int[]> inputs = batchInputs(input);
    if (inputs != null) {
      try {
        this.batch = new Batch(inputs.size());
      } catch (IllegalArgumentException e) {
        throw new ProverException(e.getMessage());
      }
      this.statedInputs = inputs;
    } else {
      this.batch = null;
    }
    if (input instanceof ProverInput.TestSet && !zeroKnowledge) {
      throw new ProverException("a proof about a test-set commitment is zero-knowledge");
    }
    if (input instanceof ProverInput.Accuracy || input instanceof ProverInput.TestSet) {
      try {
        this.accuracy = AccuracyLayout.of(circuit, batch);
      } catch (IllegalArgumentException e) {
        throw new ProverException("this model's accuracy cannot be proven: " + e.getMessage());
      }
    } else {
      this.accuracy = null;
    }
    try {
      LookupStatement plain = InferenceStatement.lookups(circuit, privateInput, batch, accuracy);
      this.hiding = Hiding.of(zeroKnowledge, circuit, plain, batch, accuracy);
    } catch (IllegalArgumentException e) {
      // Within one sample every limit was checked at commit (Provability); a batch multiplies
      // the lookups' rows and the witness bins by N', which can pass the statement's limits.
      throw new ProverException(
          (batch == null ? "" : batch.samples() + " samples are more than one proof holds: ")
              + e.getMessage());
    }
    this.statement = hiding.statement();
    this.statedInput = input.values();
    if (input instanceof ProverInput.TestSet t) {
      this.statedTestSet = t.testSet().commitment();
    }
  }

  /** Every round, in order: an honest proof. */
  ModelProof prove() {
    return infer()
        .witness()
        .bindPrivateInput()
        .commitOutput()
        .blind()
        .commit()
        .proveLookups()
        .proveLayers()
        .open();
  }

  /** Round 1: the integer engine's run on the input (refused if the input is outside its type). */
  ProofRun infer() {
    progress.progress("inference", 0, PHASES);
    try {
      IntegerEngine engine = new IntegerEngine(cm.model());
      List<int[]> inputs = batchInputs(input);
      if (inputs != null) {
        traces = new ArrayList<>();
        for (int[] x : inputs) {
          traces.add(engine.trace(x));
        }
        while (traces.size() < batch.paddedSamples()) {
          traces.add(traces.getFirst());
        }
      } else {
        trace = engine.trace(input.values());
      }
    } catch (RuntimeException e) {
      throw new ProverException(e.getMessage());
    }
    return this;
  }

  /** Round 2: the witness columns and lookup tuples from the trace. */
  ProofRun witness() {
    progress.progress("witness", 1, PHASES);
    ZkRandom padding = hiding instanceof Hiding.ZeroKnowledge z ? z.random() : null;
    if (batch != null) {
      witness = batchWitness(padding);
      if (accuracy != null) {
        accuracyWitness(padding);
      }
      return this;
    }
    witness =
        new InferenceWitness(
            circuit,
            cm.model(),
            trace,
            statement,
            padding,
            input instanceof ProverInput.Private p ? p.committed().table() : null,
            hiding instanceof Hiding.ZeroKnowledge z ? z.masks().paddingScalars() : null,
            // A committed output's table is committed in C: its padding uniform, as a column's.
            commitOutput);
    return this;
  }

  /**
   * A batch's witness: one witness per sample under the single-sample statement (a padding sample's
   * from its trace, sample 0's, with its own padding randomness), the same virtual-padding scalars
   * in each (one pair per layer, whatever the batch), then joined (InferenceWitness#batch).
   */
  private InferenceWitness batchWitness(ZkRandom padding) {
    LookupStatement sample = InferenceStatement.lookups(circuit);
    return InferenceWitness.batch(
        circuit,
        statement,
        batch.samples(),
        batch.paddedSamples(),
        b ->
            new InferenceWitness(
                circuit,
                cm.model(),
                traces.get(b),
                sample,
                padding,
                testSetInput(b),
                hiding instanceof Hiding.ZeroKnowledge z ? z.masks().paddingScalars() : null,
                accuracy != null));
  }

  /**
   * Sample b's slice of a test set's committed input column (the layers read T's inputs, padding
   * included, as a private input's); null for public inputs.
   */
  private long[] testSetInput(int b) {
    if (!(input instanceof ProverInput.TestSet t)) {
      return null;
    }
    int size = InferenceStatement.inputLayout(circuit).paddedSize();
    return Arrays.copyOfRange(t.testSet().inputColumn(), b * size, (b + 1) * size);
  }

  /**
   * An accuracy proof's gadget witness (ArgmaxWitness: the predictions with the runtime's tie rule,
   * the count, the selector, maximum and gap with uniform padding in zero knowledge) from the N
   * outputs the inference computed; its logits table read from the committed logits column
   * (AccuracyLayout#gadgetLogits); the gap joins the range lookup.
   */
  private void accuracyWitness(ZkRandom padding) {
    int k = accuracy.argmax().classes();
    long[][] logits = new long[batch.samples()][k];
    for (int b = 0; b < logits.length; b++) {
      for (int j = 0; j < k; j++) {
        logits[b][j] = witness.output[b * k + j];
      }
    }
    int[] labels =
        switch (input) {
          case ProverInput.Accuracy a -> a.labels();
          case ProverInput.TestSet t -> t.testSet().reveal().labels();
          default -> throw new IllegalStateException("not an accuracy proof");
        };
    ArgmaxWitness w;
    try {
      w = ArgmaxWitness.compute(accuracy.argmax(), logits, labels, padding);
    } catch (IllegalArgumentException e) {
      throw new ProverException(e.getMessage());
    }
    logitsColumn = witness.activation(circuit, circuit.outputTensor());
    if (input instanceof ProverInput.TestSet t) {
      // The labels are T's: the gadget sums against T's label column and leaves a claim on it.
      argmaxStatement =
          new ArgmaxCountStatement(
              accuracy.argmax(),
              new ArgmaxCountStatement.Labels.Committed(),
              w.statement().correct());
      labelTable = t.testSet().labelColumn();
    } else {
      argmaxStatement = w.statement();
      labelTable = argmaxStatement.labelTable();
    }
    ArgmaxColumns c = w.columns();
    gadgetColumns =
        new ArgmaxColumns(accuracy.gadgetLogits(logitsColumn), c.selector(), c.max(), c.gap());
    witness.rangeGap(statement, gadgetColumns.gap());
  }

  /**
   * Round 3, private inputs only: the input's shadow (absorbed after the weight shadow) and the
   * range lookup of its column.
   */
  ProofRun bindPrivateInput() {
    if (input instanceof ProverInput.Private p) {
      inputShadow = privateInputShadow(p);
      witness.rangeInput(circuit, statement, inputShadow.column(0));
    }
    if (input instanceof ProverInput.TestSet t) {
      inputShadow =
          new BasefoldProver(InferenceStatement.pcsParams())
              .commitShadow(t.testSet().committed(), hiding.commitmentTail());
    }
    return this;
  }

  /**
   * Round 3b, committed outputs only: C, the commitment to the witness's own output table (its
   * padding uniform) and fresh hiding entries, and C's per-proof shadow (absorbed after the input
   * shadow).
   */
  ProofRun commitOutput() {
    if (commitOutput) {
      long[] table = witness.activation(circuit, circuit.outputTensor());
      outputOpening = OutputOpening.commit(witness.output, table, OutputOpening.freshSeed());
      outputShadow = outputShadow(outputOpening);
    }
    return this;
  }

  /** The shadow of an output commitment that this proof opens. */
  Committed outputShadow(OutputOpening opening) {
    return new BasefoldProver(InferenceStatement.pcsParams())
        .commitShadow(opening.committed().committed(), hiding.commitmentTail());
  }

  /** The shadow of a private input's commitment that this proof opens. */
  Committed privateInputShadow(ProverInput.Private p) {
    return new BasefoldProver(InferenceStatement.pcsParams())
        .commitShadow(p.committed().committed(), hiding.commitmentTail());
  }

  /** Round 4, zero knowledge only: the lookups' blinding rows (copies of witness rows). */
  ProofRun blind() {
    if (hiding instanceof Hiding.ZeroKnowledge z) {
      witness.blind(statement, z.random());
    }
    return this;
  }

  /**
   * Round 5: the statement into the transcript, the witness commitments (bins), the weight shadow,
   * and the input's binding (its evaluation at a challenge point, or a private input's shadow).
   */
  ProofRun commit() {
    progress.progress("commit", 2, PHASES);
    output = accuracy == null && !commitOutput ? witness.output : new int[0];
    transcript =
        commitOutput
            ? io.zkaudit.inference.CommittedOutput.transcript(
                cm.vk().digest(),
                cm.vk().weights(),
                input instanceof ProverInput.Private p
                    ? p.committed().commitment().digest()
                    : ModelVerifier.inputHash(statedInput),
                outputOpening.committed().commitment(),
                true,
                input instanceof ProverInput.Private)
            : switch (input) {
              case ProverInput.Accuracy p ->
                  InferenceStatement.accuracyTranscript(
                      cm.vk().digest(),
                      cm.vk().weights(),
                      statedInputs.stream().map(ModelVerifier::inputHash).toList(),
                      argmaxStatement,
                      hiding.zeroKnowledge());
              case ProverInput.TestSet p ->
                  InferenceStatement.testSetTranscript(
                      cm.vk().digest(),
                      cm.vk().weights(),
                      statedTestSet,
                      argmaxStatement,
                      hiding.zeroKnowledge());
              case ProverInput.Batch p ->
                  InferenceStatement.batchTranscript(
                      cm.vk().digest(),
                      cm.vk().weights(),
                      statedInputs.stream().map(ModelVerifier::inputHash).toList(),
                      output,
                      hiding.zeroKnowledge());
              case ProverInput.Public p ->
                  InferenceStatement.transcript(
                      cm.vk().digest(),
                      cm.vk().weights(),
                      ModelVerifier.inputHash(statedInput),
                      output,
                      hiding.zeroKnowledge(),
                      false);
              case ProverInput.Private p ->
                  InferenceStatement.transcript(
                      cm.vk().digest(),
                      cm.vk().weights(),
                      p.committed().commitment().digest(),
                      output,
                      hiding.zeroKnowledge(),
                      true);
            };
    BasefoldProver pcs = new BasefoldProver(InferenceStatement.pcsParams());
    bins =
        InferenceStatement.witnessBins(circuit, statement, hiding.zeroKnowledge(), batch, accuracy);
    retention = codewordRetention();
    // The weights' own codeword (MobileNet v2: 256 MB) is read only at the opening (the shadow's
    // re-encoding, the link, a plain proof's opening of the weights): released before the bins
    // are encoded, with the others, and re-encoded there. The model is shared by concurrent
    // proofs: one that still reads the codeword holds its own reference, and one that finds it
    // released re-encodes it.
    retention.apply(cm.weights());
    List<long[]> columns = witness.committedColumns();
    columns.addAll(hiding.hidingColumns(witness, statement));
    if (accuracy != null) {
      // After every other column (AccuracyLayout): logits, selector, maximum, gap.
      columns.addAll(
          List.of(
              logitsColumn, gadgetColumns.selector(), gadgetColumns.max(), gadgetColumns.gap()));
    }
    for (int b = 0; b < bins.bins(); b++) {
      List<long[]> binColumns = bins.select(columns, b);
      Committed c = pcs.commit(binColumns, bins.layout(b), hiding.commitmentTail());
      witnessCommitments.add(c);
      c.commitment().absorb(transcript);
      retention.apply(c);
      // Released with the codeword: the bin's packing is a second copy of witness columns that
      // the lookups and layers hold anyway; the opening re-packs it (Committed#releaseEvals).
      c.releaseEvals(binColumns);
    }
    Committed opened = hiding.openedWeights(cm.weights(), InferenceStatement.pcsParams());
    if (opened != cm.weights()) {
      weightShadow = opened;
      weightShadow.commitment().absorb(transcript);
      retention.apply(weightShadow);
    }
    if (input instanceof ProverInput.Private) {
      inputShadow.commitment().absorb(transcript);
    }
    if (outputShadow != null) {
      outputShadow.commitment().absorb(transcript);
    }
    switch (input) {
      case ProverInput.Private p -> {}
      // T's shadow; its inputs are read there, not bound at a point (no input evaluation).
      case ProverInput.TestSet p -> inputShadow.commitment().absorb(transcript);
      case ProverInput.Public p -> {
        TensorLayout inLayout = InferenceStatement.inputLayout(circuit);
        Ext2[] point = transcript.challengeExts("input-point", inLayout.numVars());
        inputEval =
            statedInput == p.values()
                ? Mle.evaluate(witness.inputTable, point)
                : Mle.evaluate(inLayout.place(statedInput), point);
        transcript.absorbExt("input-eval", inputEval);
      }
      case ProverInput.Batch p -> bindBatchInput(p.inputs());
      case ProverInput.Accuracy p -> bindBatchInput(p.inputs());
    }
    return this;
  }

  /** A batch's committed inputs at a challenge point (the stated ones' if a test changed them). */
  private void bindBatchInput(List<int[]> proven) {
    TensorLayout inLayout = InferenceStatement.inputLayout(circuit);
    Ext2[] point = transcript.challengeExts("input-point", batch.numVars(inLayout));
    inputEval =
        statedInputs == proven
            ? Mle.evaluate(witness.inputTable, point)
            : Mle.evaluate(batch.place(inLayout, statedInputs), point);
    transcript.absorbExt("input-eval", inputEval);
  }

  /**
   * Nothing reads the witness and shadow codewords again before the opening: with a heap that has
   * no room for them, each is dropped as soon as it is committed and re-encoded at the opening
   * (CodewordRetention), so the next commitment's encoding does not sit on top of it.
   */
  private CodewordRetention codewordRetention() {
    if (codewords != null) {
      return codewords;
    }
    int logBlowup = InferenceStatement.pcsParams().logBlowup();
    long bytes = 0;
    for (int b = 0; b < bins.bins(); b++) {
      bytes += 8L << (bins.layout(b).numVars() + logBlowup);
    }
    if (hiding.zeroKnowledge()) {
      // The weight shadow: one variable more than the weights, at the witness parameters.
      bytes += 8L << (cm.weights().numVars() + 1 + logBlowup);
    }
    return CodewordRetention.forHeap(Runtime.getRuntime().maxMemory(), bytes);
  }

  /** Round 6: logUp-GKR for every lookup (rounding, ranges, max pools, concatenations). */
  ProofRun proveLookups() {
    progress.progress("lookups", 3, PHASES);
    trace = null; // the witness holds what the rest needs; MobileNet v2's trace is ~100 MB
    traces = null;
    lookups = LogUpProver.prove(statement, witness.lookups, transcript, masks());
    return this;
  }

  /**
   * Round 7: per layer, the rounding's range evaluations and the layer's reduction (linear
   * sumcheck, addition, product of two activations), then the max pools and the concatenations
   * (ModelVerifier's order).
   */
  ProofRun proveLayers() {
    progress.progress("layers", 4, PHASES);
    int layers = circuit.layers().size();
    rangeEvals = new Ext2[3 * layers];
    for (int k = 0; k < layers; k++) {
      Ext2[] rho = lookups.claims().witnesses().get(0).get(k).point();
      proveRounding(k, rho);
      switch (circuit.layers().get(k)) {
        case LinearLayer l -> proveLinear(l.linear(), rho, k);
        case AddLayer a -> proveAdd(a, rho, k);
        case ProductLayer m -> {
          int outVars = m.outLayout().numVars();
          layerProofs.add(
              ProductProver.prove(
                  m.product(),
                  batch == null ? rho : batch.samplePoint(rho, outVars),
                  witness.activation(circuit, m.product().a().tensor()),
                  witness.activation(circuit, m.product().b().tensor()),
                  masks(),
                  transcript,
                  batch == null ? new Ext2[0] : batch.batchPoint(rho, outVars)));
        }
        case RequantizeLayer q -> {}
      }
    }
    // Max pools' groups follow the rescale groups, concatenations' follow theirs.
    int poolGroup = InferenceStatement.firstPoolGroup(circuit);
    for (MaxPoolLayer m : circuit.maxPools()) {
      var groups = lookups.claims().witnesses().get(0).subList(poolGroup, poolGroup + m.steps());
      poolGroup += m.steps();
      layerProofs.add(
          MaxPoolProver.prove(
              m,
              groups,
              witness.activation(circuit, m.input()),
              transcript,
              masks(),
              batch == null ? 0 : batch.bits()));
    }
    int concatGroup = InferenceStatement.firstConcatGroup(circuit);
    for (ConcatLayer c : circuit.concats()) {
      Ext2[] rho = lookups.claims().witnesses().get(0).get(concatGroup++).point();
      Ext2[] sampleRho = batch == null ? rho : batch.samplePoint(rho, c.out().numVars());
      List<LayerInput> inputs = new ArrayList<>();
      for (int k = 0; k < c.inputs().size(); k++) {
        long[] table = witness.activation(circuit, c.inputs().get(k));
        inputs.add(
            batch == null
                ? new LayerInput.Single(table)
                : new LayerInput.Batch(
                    table,
                    Integer.numberOfTrailingZeros(table.length) - batch.bits(),
                    batch.batchPoint(rho, c.out().numVars())));
      }
      layerProofs.add(ConcatProver.proveOn(c, sampleRho, inputs, transcript, masks()));
    }
    // The argmax and count, after every layer (ProofReduction#verifyAccuracy).
    if (accuracy != null) {
      gadget =
          ArgmaxCountProver.prove(argmaxStatement, gadgetColumns, labelTable, transcript, masks());
    }
    return this;
  }

  /**
   * A rounding layer's two remainders at the rescale lookup's point, and c1 at the range lookup's
   * (whose last coordinate picks c1 or c2: InferenceStatement.rangePair).
   */
  private void proveRounding(int k, Ext2[] rho) {
    rangeEvals[3 * k] = Mle.evaluate(witness.c1[k], rho);
    rangeEvals[3 * k + 1] = Mle.evaluate(witness.c2[k], rho);
    Ext2[] pairPoint = lookups.claims().witnesses().get(1).get(k).point();
    // The range lookup reads the committed column: with limbs, the limb column (one more variable).
    long[] c1Column =
        circuit.layers().get(k).rounding().limbs()
            ? witness.columns[circuit.layers().get(k).columns().c1()]
            : witness.c1[k];
    rangeEvals[3 * k + 2] = Mle.evaluate(c1Column, Arrays.copyOf(pairPoint, pairPoint.length - 1));
    transcript.absorbExt(
        "range-evals", rangeEvals[3 * k], rangeEvals[3 * k + 1], rangeEvals[3 * k + 2]);
  }

  /**
   * What layer k's prover reads of a table at the layer's lookup point rho: the table and rho
   * themselves, or for a batch the table folded at rho's batch coordinates and rho's sample
   * coordinates (io.zkaudit.inference.Batch).
   */
  private record LayerView(LayerInput input, Ext2[] rho) {}

  private LayerView view(long[] table, Ext2[] rho, int k) {
    if (batch == null) {
      return new LayerView(new LayerInput.Single(table), rho);
    }
    int outVars = circuit.layers().get(k).outLayout().numVars();
    int tableVars = Integer.numberOfTrailingZeros(table.length) - batch.bits();
    return new LayerView(
        new LayerInput.Batch(table, tableVars, batch.batchPoint(rho, outVars)),
        batch.samplePoint(rho, outVars));
  }

  private void proveLinear(WindowedLinear spec, Ext2[] rho, int k) {
    long[] weights = spec.kind() == WindowedLinear.Kind.SUM ? null : weightColumn(spec.weights());
    long[] bias = spec.hasBias() ? weightColumn(spec.bias()) : null;
    WindowedLinearProver.ShadowMasks shadowMasks =
        weightShadow == null || weights == null
            ? null
            : new WindowedLinearProver.ShadowMasks(
                shadowMaskHalf(spec.weights()), bias == null ? null : shadowMaskHalf(spec.bias()));
    LayerView v = view(witness.activation(circuit, spec.input()), rho, k);
    layerProofs.add(
        WindowedLinearProver.prove(
                spec, v.input(), weights, bias, v.rho(), transcript, masks(), shadowMasks)
            .proof());
  }

  /**
   * An addition's rescaled operand at rho. With zero knowledge and a constant operand, S(rho) is
   * not sent (acc − S(rho) would be the addend): a sumcheck through the weight shadow proves
   * acc(rho).
   */
  private void proveAdd(AddLayer a, Ext2[] rho, int k) {
    int side = a.isConstant(0) ? 1 : 0;
    long[] rescaled = witness.columns[a.sColumn(side)];
    if (hiding instanceof Hiding.ZeroKnowledge z && (a.isConstant(0) || a.isConstant(1))) {
      addEvals.add(Ext2.ZERO);
      transcript.absorbExt("add-eval", Ext2.ZERO);
      int addend = a.input(1 - side);
      LayerView v = view(rescaled, rho, k);
      layerProofs.add(
          ConstantAddendProver.prove(
              a.outLayout(),
              v.rho(),
              v.input(),
              weightColumn(addend),
              shadowMaskHalf(addend),
              z.masks(),
              transcript));
      return;
    }
    Ext2 s = Mle.evaluate(rescaled, rho);
    addEvals.add(s);
    transcript.absorbExt("add-eval", s);
  }

  /** The proof so far, without openings: what {@link ModelVerifier#reduce} reads. */
  ModelProof unopened() {
    return proof(
        new byte[0],
        List.of(),
        new byte[0],
        privateInputWithLink(new byte[0]),
        committedOutputWithLink(new byte[0]));
  }

  /**
   * Round 8: the claims the verifier's reduction of this very proof leaves (so prover and verifier
   * cannot disagree on them), opened in one batched opening of the witness bins, the weights (or
   * their shadow) and a private input's shadow (ProofOpenings). The weight and input commitments
   * are long-lived, so their openings and the shadows' links take the long-lived parameters.
   *
   * @throws OwnProofRejected if the verifier's reduction rejects the proof so far (a prover bug, or
   *     a cheater's altered instance)
   */
  ModelProof open() {
    progress.progress("openings", 5, PHASES);
    ModelVerifier.Reduction reduction = reduce(unopened());
    // The openings read only the commitments: the witness (activations, remainders, lookup
    // tuples; about a gigabyte for MobileNet v2) is released before they re-encode and fold.
    witness = null;
    List<List<ColumnClaim>> perBin = bins.split(reduction.witnessClaims());
    PcsParams longLived = InferenceStatement.longLivedPcsParams();
    List<OpeningsProver.Entry> entries = new ArrayList<>();
    for (int b = 0; b < bins.bins(); b++) {
      entries.add(
          new OpeningsProver.Entry(
              witnessCommitments.get(b), perBin.get(b), InferenceStatement.pcsParams()));
    }
    // A model without weights has no weight claims: nothing of the weight commitment is opened.
    boolean weightsRead = !reduction.weightClaims().isEmpty();
    if (weightsRead) {
      Committed weights = weightShadow == null ? cm.weights() : weightShadow;
      entries.add(new OpeningsProver.Entry(weights, reduction.weightClaims(), longLived));
    }
    if (inputShadow != null) {
      entries.add(new OpeningsProver.Entry(inputShadow, reduction.inputClaims(), longLived));
    }
    if (outputShadow != null) {
      entries.add(new OpeningsProver.Entry(outputShadow, reduction.outputClaims(), longLived));
    }
    OpeningsProver.Openings openings = OpeningsProver.open(entries, reduction.transcript());
    byte[] weightLink =
        weightShadow == null || !weightsRead
            ? new byte[0]
            : ShadowLinks.prove(longLived, cm.weights(), openings.leaves().get(bins.bins()))
                .encode();
    byte[] inputLink = new byte[0];
    Committed linked =
        switch (input) {
          case ProverInput.Private p -> p.committed().committed();
          case ProverInput.TestSet t -> t.testSet().committed();
          default -> null;
        };
    if (linked != null) {
      int entry = bins.bins() + (weightsRead ? 1 : 0);
      inputLink = ShadowLinks.prove(longLived, linked, openings.leaves().get(entry)).encode();
    }
    byte[] outputLink = new byte[0];
    if (outputShadow != null) {
      int entry = bins.bins() + (weightsRead ? 1 : 0) + (inputShadow != null ? 1 : 0);
      outputLink =
          ShadowLinks.prove(
                  longLived, outputOpening.committed().committed(), openings.leaves().get(entry))
              .encode();
    }
    // Released again (if this heap releases codewords) for the model's next proof and whatever
    // runs after this one: the link above re-encoded it.
    retention.apply(cm.weights());
    progress.progress("done", PHASES, PHASES);
    return proof(
        openings.batched(),
        openings.alone(),
        weightLink,
        privateInputWithLink(inputLink),
        committedOutputWithLink(outputLink));
  }

  private ModelVerifier.Reduction reduce(ModelProof unopened) {
    try {
      ModelVerifier verifier = new ModelVerifier(cm.vk(), cm.circuit(), cm.zkCircuit());
      if (commitOutput) {
        return verifier.reduceCommittedOutput(
            unopened,
            input instanceof ProverInput.Private ? null : statedInput,
            input instanceof ProverInput.Private p ? p.committed().commitment() : null,
            outputOpening.committed().commitment());
      }
      return switch (input) {
        case ProverInput.Batch p -> verifier.reduceBatch(unopened, statedInputs);
        case ProverInput.Accuracy p ->
            verifier.reduceAccuracy(unopened, statedInputs, argmaxStatement.publicLabels());
        case ProverInput.Public p -> verifier.reduce(unopened, statedInput);
        case ProverInput.Private p -> verifier.reduce(unopened, p.committed().commitment());
        case ProverInput.TestSet t -> verifier.reduceAccuracy(unopened, statedTestSet);
      };
    } catch (InvalidProofException e) {
      throw new OwnProofRejected(e);
    }
  }

  /** The verifier's reduction rejected the prover's own proof before its openings. */
  static final class OwnProofRejected extends IllegalStateException {
    OwnProofRejected(InvalidProofException cause) {
      super("the prover's own proof does not reduce: " + cause.getMessage(), cause);
    }
  }

  private ModelProof.PrivateInput privateInputWithLink(byte[] link) {
    return inputShadow == null ? null : new ModelProof.PrivateInput(inputShadow.commitment(), link);
  }

  private io.zkaudit.inference.CommittedOutput committedOutputWithLink(byte[] link) {
    return outputShadow == null
        ? null
        : new io.zkaudit.inference.CommittedOutput(outputShadow.commitment(), link);
  }

  private ModelProof proof(
      byte[] batched,
      List<byte[]> alone,
      byte[] weightLink,
      ModelProof.PrivateInput privateInput,
      io.zkaudit.inference.CommittedOutput committedOutput) {
    return new ModelProof(
        cm.vk().digest(),
        output,
        witnessCommitments.stream().map(Committed::commitment).toList(),
        weightShadow == null ? null : weightShadow.commitment(),
        inputEval,
        lookups.proof(),
        rangeEvals,
        addEvals.toArray(Ext2[]::new),
        layerProofs,
        batched,
        alone,
        weightLink,
        hiding.zeroKnowledge(),
        privateInput,
        batch == null ? 0 : batch.samples(),
        accuracy == null
            ? null
            : new ModelProof.Accuracy(argmaxStatement.correct(), gadget.proof()),
        committedOutput);
  }

  private SumcheckMasks masks() {
    return hiding instanceof Hiding.ZeroKnowledge z ? z.masks() : SumcheckMasks.PLAIN;
  }

  private long[] weightColumn(int tensor) {
    return cm.weightTables().get(cm.layout().columnOf(tensor));
  }

  private long[] shadowMaskHalf(int tensor) {
    return weightShadow.shadowMaskHalf(cm.layout().columnOf(tensor));
  }
}

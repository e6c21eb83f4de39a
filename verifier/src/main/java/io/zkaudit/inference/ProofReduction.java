package io.zkaudit.inference;

import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxCountVerifier;
import io.zkaudit.accuracy.ColumnEvaluation;
import io.zkaudit.accuracy.ColumnEvaluation.Column;
import io.zkaudit.accuracy.Rejection;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.ConcatLayer;
import io.zkaudit.layers.ConcatVerifier;
import io.zkaudit.layers.ConstantAddend;
import io.zkaudit.layers.MaxPoolLayer;
import io.zkaudit.layers.MaxPoolVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.ModelCircuit.AddLayer;
import io.zkaudit.layers.ModelCircuit.LinearLayer;
import io.zkaudit.layers.ModelCircuit.ProductLayer;
import io.zkaudit.layers.ModelCircuit.ProvenLayer;
import io.zkaudit.layers.ModelCircuit.RequantizeLayer;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.ProductVerifier;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.UnaryTableLayer;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupClaims.WitnessClaim;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reduction of one proof to opening claims, as named steps in transcript order (the prover's
 * rounds, {@code ProofRun}, mirror them): {@link #bindStatement}, {@link #bindInput}, {@link
 * #verifyLookups}, {@link #verifyLayer} for each proven layer, {@link #verifyMaxPools}, {@link
 * #verifyConcats}, {@link #verifyUnaries}, {@link #checkPrivateInputRange}, {@link #verifyAccuracy}
 * (an accuracy proof's argmax and count), {@link #finish}. Every step checks what it can at once
 * and routes what it cannot to the claims the openings must prove ({@link Claims}).
 *
 * <p>One reduction per proof: a {@link ModelVerifier} is shared between threads, its reductions are
 * not.
 */
final class ProofReduction {

  /** The input a proof is reduced against: public values, or a private input's commitment. */
  sealed interface StatedInput {
    record Public(int[] values) implements StatedInput {}

    record Committed(InputCommitment commitment) implements StatedInput {}

    /** A batch proof's N public inputs, in order ({@link Batch}). */
    record Batch(List<int[]> inputs) implements StatedInput {}

    /**
     * An accuracy proof's N public inputs and their labels, in order ({@link AccuracyLayout}): a
     * batch whose outputs are committed, not stated.
     */
    record Accuracy(List<int[]> inputs, int[] labels) implements StatedInput {}

    /**
     * An accuracy proof about a buyer's test-set commitment: its inputs and labels are T's columns,
     * read through a per-proof shadow of T (as a private input's), never stated.
     */
    record TestSet(TestSetCommitment testSet) implements StatedInput {}
  }

  /**
   * A proven layer's row of the rounding lookup at point ρ: (tag, out, a − c1, a + c2 + 1), where a
   * is the layer's accumulator and c1, c2 its rounding remainders (InferenceStatement).
   */
  private record LayerRow(Ext2[] point, Ext2 tag, Ext2 output, Ext2 accLessC1, Ext2 accPlusC2) {
    static LayerRow of(WitnessClaim g) {
      Ext2[] v = g.values();
      return new LayerRow(g.point(), v[0], v[1], v[2], v[3]);
    }
  }

  /** An ADD input's rescale row: (tag, x, rescale(x), 0). */
  private record RescaleRow(Ext2[] point, Ext2 tag, Ext2 input, Ext2 rescaled, Ext2 zero) {
    static RescaleRow of(WitnessClaim g) {
      Ext2[] v = g.values();
      return new RescaleRow(g.point(), v[0], v[1], v[2], v[3]);
    }
  }

  /**
   * The claims a reduction leaves for the openings, by commitment, and the routing of a claim on a
   * tensor to the commitment that holds it.
   */
  private final class Claims {
    final List<ColumnClaim> witness = new ArrayList<>();
    final List<ColumnClaim> weight = new ArrayList<>();

    /** On a private input's shadow; stays empty for a public input. */
    final List<ColumnClaim> input = new ArrayList<>();

    /** On a committed output's shadow; stays empty for a stated output. */
    final List<ColumnClaim> output = new ArrayList<>();

    /**
     * Routes a claim on a tensor: the public output (checked now), the input, a weight, or a
     * column.
     */
    void tensor(TensorClaim c) throws InvalidProofException {
      int tensor = circuit.resolve(c.tensor());
      if (tensor == circuit.outputTensor() && accuracy != null) {
        // The logits are committed: the claim is on their column, which the gadget reads too.
        witness.add(
            new ColumnClaim(
                InferenceStatement.accuracyColumn(circuit, shape.statement(), Column.LOGITS),
                c.point(),
                c.value()));
        return;
      }
      if (tensor == circuit.outputTensor() && committedOutput != null) {
        // A committed output: the claim is on the output shadow's t = 0 half, C's table.
        output.add(new ColumnClaim(0, Points.concat(new Ext2[] {Ext2.ZERO}, c.point()), c.value()));
        return;
      }
      if (tensor == circuit.outputTensor()) {
        InvalidProofException.check(
            Mle.evaluate(outputTable, c.point()).equals(c.value()),
            "the claimed output does not match the proof");
        return;
      }
      if (tensor == circuit.inputTensor()) {
        switch (stated) {
          // A private input: the claim is on the input shadow's t = 0 half, the committed input.
          case StatedInput.Committed p ->
              input.add(
                  new ColumnClaim(0, Points.concat(new Ext2[] {Ext2.ZERO}, c.point()), c.value()));
          case StatedInput.Public p ->
              witness.add(
                  new ColumnClaim(InferenceStatement.inputColumn(circuit), c.point(), c.value()));
          case StatedInput.Batch p ->
              witness.add(
                  new ColumnClaim(InferenceStatement.inputColumn(circuit), c.point(), c.value()));
          case StatedInput.Accuracy p ->
              witness.add(
                  new ColumnClaim(InferenceStatement.inputColumn(circuit), c.point(), c.value()));
          // A test set: the claim is on T's input column, in its shadow's t = 0 half.
          case StatedInput.TestSet p ->
              input.add(
                  new ColumnClaim(
                      TestSetCommitment.INPUT_COLUMN,
                      Points.concat(new Ext2[] {Ext2.ZERO}, c.point()),
                      c.value()));
        }
        return;
      }
      int w = weights.columnOf(tensor);
      if (w >= 0) {
        weight.add(new ColumnClaim(w, c.point(), c.value()));
        return;
      }
      int column = circuit.outColumn(tensor);
      if (column < 0) {
        throw new IllegalStateException("tensor " + tensor + " has no committed column");
      }
      witness.add(new ColumnClaim(column, c.point(), c.value()));
    }

    void tensors(List<TensorClaim> claims) throws InvalidProofException {
      for (TensorClaim c : claims) {
        tensor(c);
      }
    }

    /**
     * Claims a layer verifier left on one sample's tables, at the batch coordinates rb: a claim on
     * an activation becomes one on the batched table at (its point, rb); a claim on a weight, which
     * no sample owns, stays as it is.
     */
    void tensors(List<TensorClaim> claims, Ext2[] rb) throws InvalidProofException {
      for (TensorClaim c : claims) {
        boolean weight = weights.columnOf(circuit.resolve(c.tensor())) >= 0;
        tensor(
            weight || rb.length == 0
                ? c
                : new TensorClaim(c.tensor(), Batch.lift(c.point(), rb), c.value()));
      }
    }
  }

  // The instance.
  private final VerifyingKey vk;
  private final WeightLayout weights;
  private final PackedLayout shadowLayout;
  private final ModelVerifier.Shape shape;
  private final ModelCircuit circuit;
  private final ModelProof proof;
  private final StatedInput stated;
  private final boolean zk;

  /**
   * The output commitment a proof with a committed output is reduced against (null: the output is
   * stated), {@link CommittedOutput}.
   */
  private final InputCommitment committedOutput;

  /** A batch proof's batch (null: a single-sample proof), the shape's. */
  private final Batch batch;

  /** An accuracy proof's layout (null: no accuracy statement), the shape's. */
  private final AccuracyLayout accuracy;

  /** An accuracy proof's gadget statement (labels, count), fixed by {@link #bindStatement}. */
  private ArgmaxCountStatement argmax;

  /** The proof's output and ADD evaluations, read once (the proof's accessors copy). */
  private final int[] output;

  private final Ext2[] addEvals;

  // What the steps leave.
  private final Claims claims = new Claims();
  private final List<ModelVerifier.VirtualValue> virtualValues = new ArrayList<>();
  private final MaskLedger ledger;
  private Transcript transcript;
  private long[] outputTable;
  private LookupClaims lookups;

  /** The proof's layer proofs and ADD evaluations, read in order by the layer steps. */
  private int nextLayerProof;

  private int nextAddEval;

  /** The ADDs' rescale rows follow the layers' rows in the rounding lookup. */
  private int nextRescaleRow;

  ProofReduction(
      VerifyingKey vk,
      WeightLayout weights,
      PackedLayout shadowLayout,
      ModelVerifier.Shape shape,
      ModelProof proof,
      StatedInput stated) {
    this(vk, weights, shadowLayout, shape, proof, stated, null);
  }

  /**
   * A reduction of a proof whose output is committed in {@code committedOutput} (null: a proof that
   * states its output), about a single sample.
   */
  ProofReduction(
      VerifyingKey vk,
      WeightLayout weights,
      PackedLayout shadowLayout,
      ModelVerifier.Shape shape,
      ModelProof proof,
      StatedInput stated,
      InputCommitment committedOutput) {
    this.committedOutput = committedOutput;
    if ((committedOutput != null) != proof.hasCommittedOutput()) {
      throw new IllegalArgumentException("a committed output goes with its commitment");
    }
    if (committedOutput != null
        && !(stated instanceof StatedInput.Public || stated instanceof StatedInput.Committed)) {
      throw new IllegalArgumentException("a committed output is a single sample's");
    }
    this.vk = vk;
    this.weights = weights;
    this.shadowLayout = shadowLayout;
    this.shape = shape;
    this.circuit = shape.circuit();
    this.proof = proof;
    this.stated = stated;
    this.zk = proof.zeroKnowledge();
    this.batch = shape.batch();
    this.accuracy = shape.accuracy();
    boolean accuracyStated =
        stated instanceof StatedInput.Accuracy || stated instanceof StatedInput.TestSet;
    if ((batch != null) != (stated instanceof StatedInput.Batch || accuracyStated)) {
      throw new IllegalArgumentException("a batch proof's shape goes with its batch of inputs");
    }
    if ((accuracy != null) != accuracyStated || (accuracy != null) != proof.isAccuracy()) {
      throw new IllegalArgumentException("an accuracy proof's shape goes with its labels");
    }
    this.output = proof.output();
    this.addEvals = proof.addEvals();
    this.ledger = zk ? new MaskLedger(shape.masks().blocks()) : null;
  }

  /** Every step, in transcript order. */
  ModelVerifier.Reduction run() throws InvalidProofException {
    bindStatement();
    bindInput();
    verifyLookups();
    int layers = circuit.layers().size();
    InvalidProofException.check(
        proof.rangeEvals().length == 3 * layers, "wrong number of range evaluations");
    nextRescaleRow = layers;
    for (int k = 0; k < layers; k++) {
      verifyLayer(k);
    }
    if (layers == 0) {
      InvalidProofException.check(
          lookups.witnesses().get(1).getFirst().values()[0].isZero(),
          "the empty range group is not zero");
    }
    verifyMaxPools();
    verifyConcats();
    verifyUnaries();
    checkPrivateInputRange();
    verifyAccuracy();
    return finish();
  }

  /**
   * The reduction up to proven layer k's rounding: the layers before k verified, then layer k's
   * tag, output claim and rounding. Package-visible for the on-chain layer steps' differential
   * tests (escrow): a copy of the transcript after layer k's range evaluations, the claims layer
   * k's rounding added (its output's, then c1 and c2 at ρ and at the range pair's point) and the
   * accumulator a(ρ).
   */
  Rounded throughRounding(int k) throws InvalidProofException {
    bindStatement();
    bindInput();
    verifyLookups();
    int layers = circuit.layers().size();
    InvalidProofException.check(
        proof.rangeEvals().length == 3 * layers, "wrong number of range evaluations");
    nextRescaleRow = layers;
    for (int j = 0; j < k; j++) {
      verifyLayer(j);
    }
    ProvenLayer p = circuit.layers().get(k);
    LayerRow row = LayerRow.of(lookups.witnesses().get(0).get(k));
    InvalidProofException.check(
        row.tag().equals(InferenceStatement.tag(p, row.point())),
        p.layer().name() + ": wrong table tag");
    int before = claims.witness.size();
    claims.tensor(new TensorClaim(p.layer().output(), row.point(), row.output()));
    Transcript beforeRounding = transcript.fork();
    Ext2 acc = rounding(p, k, row);
    return new Rounded(
        beforeRounding,
        transcript.fork(),
        List.copyOf(claims.witness.subList(before, claims.witness.size())),
        acc);
  }

  /**
   * The reduction through proven layer k, its rounding and its own reduction. Package-visible for
   * the on-chain layer steps' differential tests (escrow): a copy of the transcript after layer k,
   * and the witness and weight claims layer k added (the rounding's first), each list in order.
   */
  Reduced throughLayer(int k) throws InvalidProofException {
    bindStatement();
    bindInput();
    verifyLookups();
    int layers = circuit.layers().size();
    InvalidProofException.check(
        proof.rangeEvals().length == 3 * layers, "wrong number of range evaluations");
    nextRescaleRow = layers;
    for (int j = 0; j < k; j++) {
      verifyLayer(j);
    }
    int witness = claims.witness.size();
    int weight = claims.weight.size();
    int masks = ledger == null ? 0 : ledger.entries().size();
    int firstBlock = ledger == null ? 0 : ledger.nextBlock();
    verifyLayer(k);
    return new Reduced(
        transcript.fork(),
        List.copyOf(claims.witness.subList(witness, claims.witness.size())),
        List.copyOf(claims.weight.subList(weight, claims.weight.size())),
        ledger == null ? List.of() : ledger.entries().subList(masks, ledger.entries().size()),
        firstBlock);
  }

  /**
   * What {@link #throughLayer} returns; in a zero-knowledge proof also the mask ledger's combined
   * claims layer k recorded and the first mask block it took.
   */
  record Reduced(
      Transcript transcript,
      List<ColumnClaim> witness,
      List<ColumnClaim> weight,
      List<MaskLedger.Entry> masks,
      int firstMaskBlock) {}

  /**
   * What {@link #throughRounding} returns: the transcript before layer k's rounding (where its step
   * starts on chain) and after it, its claims and the accumulator.
   */
  record Rounded(
      Transcript before, Transcript transcript, List<ColumnClaim> claims, Ext2 accumulator) {}

  /**
   * The statement's claim after the steps before the lookups (the committed input column at the
   * input point, the first claim {@link #bindInput} adds), without reducing the rest of the proof:
   * what an on-chain session's relayer needs before its first step ({@link SessionSections}).
   */
  ColumnClaim inputClaim() throws InvalidProofException {
    bindStatement();
    bindInput();
    return claims.witness.getFirst();
  }

  /**
   * The steps before the lookups, and a copy of the transcript they leave: where the lookup
   * verifier starts ({@link ModelVerifier#lookupSection}).
   */
  Transcript beforeLookups() throws InvalidProofException {
    bindStatement();
    bindInput();
    return transcript.fork();
  }

  /**
   * The statement into the transcript (model, weights, the input's hash or commitment digest,
   * output) and the proof's commitments, each checked against the size the statement gives it.
   */
  void bindStatement() throws InvalidProofException {
    TensorSpec inSpec = vk.description().tensor(circuit.inputTensor());
    TensorSpec outSpec = vk.description().tensor(circuit.outputTensor());
    // Nothing in the proof says which input it is about; the transcript binds this one.
    switch (stated) {
      case StatedInput.Batch p -> bindBatchStatement(p, inSpec, outSpec);
      case StatedInput.Accuracy p -> bindAccuracyStatement(p, inSpec);
      case StatedInput.TestSet p -> bindTestSetStatement(p.testSet());
      case StatedInput.Committed p -> bindSampleStatement(p.commitment().digest(), outSpec);
      case StatedInput.Public p -> {
        checkValues("input", p.values(), inSpec);
        bindSampleStatement(ModelVerifier.inputHash(p.values()), outSpec);
      }
    }
    if (committedOutput != null) {
      // Nothing of the output is stated: the commitment replaces it in the transcript.
      InvalidProofException.check(
          output.length == 0,
          "a proof with a committed output states no outputs, this one " + output.length);
      int numVars = CommittedOutput.layout(circuit).numVars();
      InvalidProofException.check(
          committedOutput.commitment().numVars() == numVars,
          "the output commitment has "
              + committedOutput.commitment().numVars()
              + " variables, the model's output needs "
              + numVars);
      transcript =
          CommittedOutput.transcript(
              proof.model(),
              vk.weights(),
              stated instanceof StatedInput.Committed p
                  ? p.commitment().digest()
                  : ModelVerifier.inputHash(((StatedInput.Public) stated).values()),
              committedOutput,
              zk,
              stated instanceof StatedInput.Committed);
    }
    ColumnBins bins = shape.bins();
    InvalidProofException.check(
        proof.witness().size() == bins.bins(),
        "the proof has "
            + proof.witness().size()
            + " witness commitments, expected "
            + bins.bins());
    for (int b = 0; b < bins.bins(); b++) {
      int numVars = proof.witness().get(b).numVars();
      int expected = bins.layout(b).numVars();
      InvalidProofException.check(
          numVars == expected,
          "witness commitment " + b + " has " + numVars + " variables, expected " + expected);
      proof.witness().get(b).absorb(transcript);
    }
    if (zk) {
      InvalidProofException.check(
          proof.shadow().numVars() == shadowLayout.numVars(),
          "the weight shadow has "
              + proof.shadow().numVars()
              + " variables, expected "
              + shadowLayout.numVars());
      proof.shadow().absorb(transcript);
    }
    if (stated instanceof StatedInput.Committed || stated instanceof StatedInput.TestSet) {
      int numVars = proof.privateInput().shadow().numVars();
      int expected = shape.inputShadowLayout().numVars();
      InvalidProofException.check(
          numVars == expected,
          (stated instanceof StatedInput.TestSet
                  ? "the test-set shadow has "
                  : "the input shadow has ")
              + numVars
              + " variables, expected "
              + expected);
      proof.privateInput().shadow().absorb(transcript);
    }
    if (committedOutput != null) {
      int numVars = proof.committedOutput().shadow().numVars();
      int expected = CommittedOutput.shadowLayout(circuit).numVars();
      InvalidProofException.check(
          numVars == expected,
          "the output shadow has " + numVars + " variables, expected " + expected);
      proof.committedOutput().shadow().absorb(transcript);
    }
  }

  /** A single sample's statement: its input's hash (or commitment digest) and its output. */
  private void bindSampleStatement(Digest32 inputDigest, TensorSpec outSpec)
      throws InvalidProofException {
    if (committedOutput != null) {
      return; // bindStatement binds the output commitment instead
    }
    checkValues("output", output, outSpec);
    outputTable = InferenceStatement.outputLayout(circuit).place(output);
    transcript =
        InferenceStatement.transcript(
            proof.model(),
            vk.weights(),
            inputDigest,
            output,
            zk,
            stated instanceof StatedInput.Committed);
  }

  /**
   * A batch's statement: N inputs, each of the model's input type, and N outputs; the output table
   * holds the N outputs and sample 0's at every padding sample ({@link Batch}), so a padding sample
   * carries nothing the verifier did not put there.
   */
  private void bindBatchStatement(StatedInput.Batch p, TensorSpec inSpec, TensorSpec outSpec)
      throws InvalidProofException {
    List<Digest32> hashes = new ArrayList<>();
    for (int b = 0; b < p.inputs().size(); b++) {
      checkValues("input " + b, p.inputs().get(b), inSpec);
      hashes.add(ModelVerifier.inputHash(p.inputs().get(b)));
    }
    InvalidProofException.check(
        output.length == batch.samples() * outSpec.size(),
        "the batch proof states "
            + output.length
            + " output values, "
            + batch.samples()
            + " samples of the model's "
            + outSpec.name()
            + " have "
            + batch.samples() * outSpec.size());
    List<int[]> outputs = batch.split(output, outSpec.size());
    for (int b = 0; b < outputs.size(); b++) {
      checkValues("output " + b, outputs.get(b), outSpec);
    }
    outputTable = batch.place(InferenceStatement.outputLayout(circuit), outputs);
    transcript =
        InferenceStatement.batchTranscript(proof.model(), vk.weights(), hashes, output, zk);
  }

  /**
   * An accuracy proof's statement: N inputs of the model's input type, their labels and the count
   * the proof states (the gadget's statement, {@link ArgmaxCountStatement}), no outputs.
   */
  private void bindAccuracyStatement(StatedInput.Accuracy p, TensorSpec inSpec)
      throws InvalidProofException {
    List<Digest32> hashes = new ArrayList<>();
    for (int b = 0; b < p.inputs().size(); b++) {
      checkValues("input " + b, p.inputs().get(b), inSpec);
      hashes.add(ModelVerifier.inputHash(p.inputs().get(b)));
    }
    InvalidProofException.check(
        output.length == 0, "an accuracy proof states no outputs, this one " + output.length);
    int correct = proof.accuracy().correct();
    Rejection.MALFORMED.check(
        correct >= 0 && correct <= batch.samples(),
        correct + " correct of " + batch.samples() + " samples");
    argmax = new ArgmaxCountStatement(accuracy.argmax(), p.labels(), correct);
    transcript =
        InferenceStatement.accuracyTranscript(proof.model(), vk.weights(), hashes, argmax, zk);
  }

  /**
   * An accuracy proof's statement about a test-set commitment: T (its digest: N and the root), the
   * count the proof states, labels committed in T; no inputs, no outputs.
   */
  private void bindTestSetStatement(TestSetCommitment testSet) throws InvalidProofException {
    InvalidProofException.check(
        output.length == 0, "an accuracy proof states no outputs, this one " + output.length);
    int correct = proof.accuracy().correct();
    Rejection.MALFORMED.check(
        correct >= 0 && correct <= batch.samples(),
        correct + " correct of " + batch.samples() + " samples");
    argmax =
        new ArgmaxCountStatement(
            accuracy.argmax(), new ArgmaxCountStatement.Labels.Committed(), correct);
    transcript =
        InferenceStatement.testSetTranscript(proof.model(), vk.weights(), testSet, argmax, zk);
  }

  /**
   * A public input: the committed input column at a challenge point must equal the input's own
   * extension there. A private input sends no evaluation: its claims go to its shadow.
   */
  void bindInput() throws InvalidProofException {
    switch (stated) {
      case StatedInput.Committed p ->
          InvalidProofException.check(
              proof.inputEval().isZero(),
              "a proof about a private input sends no input evaluation");
      case StatedInput.Public p -> {
        TensorLayout inLayout = InferenceStatement.inputLayout(circuit);
        Ext2[] point = transcript.challengeExts("input-point", inLayout.numVars());
        transcript.absorbExt("input-eval", proof.inputEval());
        claims.witness.add(
            new ColumnClaim(InferenceStatement.inputColumn(circuit), point, proof.inputEval()));
        InvalidProofException.check(
            Mle.evaluate(inLayout.place(p.values()), point).equals(proof.inputEval()),
            committedOutput == null
                ? "the proof is about another input: its committed input is not the given input"
                // The point follows the output commitment too: a proof checked against another
                // C meets its first mismatch here.
                : "the proof is about another input or another output commitment: its committed"
                    + " input does not match the given input at the statement's point");
      }
      case StatedInput.Batch p -> bindBatchInput(p.inputs());
      case StatedInput.Accuracy p -> bindBatchInput(p.inputs());
      // A test set's inputs are read on T's shadow; its witness input column is unclaimed.
      case StatedInput.TestSet p ->
          InvalidProofException.check(
              proof.inputEval().isZero(),
              "a proof about a test-set commitment sends no input evaluation");
    }
  }

  /** A batch's N inputs (sample 0's at every padding sample) against the committed column. */
  private void bindBatchInput(List<int[]> inputs) throws InvalidProofException {
    TensorLayout inLayout = InferenceStatement.inputLayout(circuit);
    Ext2[] point = transcript.challengeExts("input-point", batch.numVars(inLayout));
    transcript.absorbExt("input-eval", proof.inputEval());
    claims.witness.add(
        new ColumnClaim(InferenceStatement.inputColumn(circuit), point, proof.inputEval()));
    // The point is the statement's first challenge: for an accuracy proof a mismatch is as likely
    // another statement (labels, count, key) as other inputs, and the message says so.
    InvalidProofException.check(
        Mle.evaluate(batch.place(inLayout, inputs), point).equals(proof.inputEval()),
        accuracy == null
            ? "the proof is about other inputs: its committed inputs are not the given batch"
                + " (padding samples copy sample 0)"
            : "the proof is about other inputs, or was made for other labels, another count or"
                + " another key: its committed inputs do not match the given ones at the"
                + " statement's input point");
  }

  /** logUp-GKR for both lookups; their multiplicity (and blinding) claims go to the witness. */
  void verifyLookups() throws InvalidProofException {
    LookupStatement statement = shape.statement();
    lookups = LogUpVerifier.verify(statement, proof.lookups(), transcript, ledger);
    claims.witness.add(
        new ColumnClaim(
            InferenceStatement.roundingMultiplicityColumn(circuit),
            lookups.multiplicities().get(0).point(),
            lookups.multiplicities().get(0).value()));
    claims.witness.add(
        new ColumnClaim(
            InferenceStatement.rangeMultiplicityColumn(circuit),
            lookups.multiplicities().get(1).point(),
            lookups.multiplicities().get(1).value()));
    if (accuracy != null) {
      // The gadget's gap group follows the layers' range groups (InferenceStatement#lookups).
      WitnessClaim gap =
          lookups.witnesses().get(1).get(InferenceStatement.layerRangeGroups(circuit));
      claims.witness.add(
          new ColumnClaim(
              InferenceStatement.accuracyColumn(circuit, statement, Column.GAP),
              gap.point(),
              gap.values()[0]));
    }
    if (zk) {
      blindingClaims(statement);
    }
  }

  /** The claims a blinded lookup proof leaves on the blinding numerators and tuple columns. */
  private void blindingClaims(LookupStatement statement) {
    LogUpBlinding plan = LogUpBlinding.of(statement);
    int numerators = InferenceStatement.blindingNumeratorColumn(circuit);
    for (LookupClaims.BlindingClaim b : lookups.blindingSums()) {
      claims.witness.add(
          new ColumnClaim(
              numerators, plan.numeratorTerms(b.lookup(), b.group(), b.point()), b.value()));
    }
    for (int l = 0; l < lookups.blindingTuples().size(); l++) {
      WitnessClaim u = lookups.blindingTuples().get(l);
      for (int c = 0; c < u.values().length; c++) {
        claims.witness.add(
            new ColumnClaim(
                InferenceStatement.blindingTupleColumn(circuit, statement, l, c),
                u.point(),
                u.values()[c]));
      }
    }
  }

  /**
   * Proven layer k: its rounding row gives the accumulator a(ρ) from the proof's remainders, then
   * the layer's own reduction of a(ρ) (a linear sumcheck, an addition, a product of two
   * activations, a requantization).
   */
  void verifyLayer(int k) throws InvalidProofException {
    ProvenLayer p = circuit.layers().get(k);
    LayerRow row = LayerRow.of(lookups.witnesses().get(0).get(k));
    Ext2[] rho = row.point();
    InvalidProofException.check(
        row.tag().equals(InferenceStatement.tag(p, rho)), p.layer().name() + ": wrong table tag");
    claims.tensor(new TensorClaim(p.layer().output(), rho, row.output()));
    Ext2 acc = rounding(p, k, row);
    // A batch: the layer's relation is checked on the sample coordinates, its claims on
    // activations carry the batch coordinates rb (Batch).
    int sampleVars = p.outLayout().numVars();
    Ext2[] sampleRho = batch == null ? rho : batch.samplePoint(rho, sampleVars);
    Ext2[] rb = batch == null ? new Ext2[0] : batch.batchPoint(rho, sampleVars);
    switch (p) {
      case LinearLayer l -> {
        try {
          claims.tensors(
              WindowedLinearVerifier.verify(
                  l.linear(), sampleRho, acc, nextLayerProof(), transcript, ledger),
              rb);
        } catch (InvalidProofException e) {
          throw new InvalidProofException(p.layer().name() + ": " + e.getMessage());
        }
      }
      case AddLayer a -> add(a, rho, sampleRho, rb, acc);
      case ProductLayer m -> product(m, sampleRho, rb, acc);
      case RequantizeLayer q -> {
        Ext2 mask = InferenceStatement.box(p.outLayout()).selector(rho);
        Ext2 in = acc.add(mask.mul(Goldilocks.fromSigned(q.layer().inputZeroPoint())));
        claims.tensor(new TensorClaim(q.layer().input(), rho, in));
      }
    }
  }

  /**
   * The rounding of layer k: its remainders c1(ρ), c2(ρ) and c1 at the range lookup's point, with
   * their claims; returns the accumulator a(ρ) = (a − c1)(ρ) + c1(ρ), after checking the row's last
   * value is a(ρ) + c2(ρ) + 1.
   */
  private Ext2 rounding(ProvenLayer p, int k, LayerRow row) throws InvalidProofException {
    ModelProof.RangeEvals e = proof.rangeEvals(k);
    Ext2[] rho = row.point();
    transcript.absorbExt("range-evals", e.c1(), e.c2(), e.c1AtPair());
    if (p.rounding().limbs()) {
      // c(ρ) = L(ρ, 0) + 2^16 L(ρ, 1) = (2^16 + 1) L(ρ, t*) for the limb column L: one claim on
      // the committed column at (ρ, t*) (docs/model-proofs.md, "Limb roundings"); in a batch
      // at (ρ's sample coordinates, t*, r_b), the limb variable being below the batch's.
      Ext2[] limbRho = Batch.limbPoint(rho, p.outLayout().numVars());
      Ext2 inv = InferenceStatement.LIMB_SCALE.inv();
      claims.witness.add(new ColumnClaim(p.columns().c1(), limbRho, e.c1().mul(inv)));
      claims.witness.add(new ColumnClaim(p.columns().c2(), limbRho, e.c2().mul(inv)));
    } else {
      claims.witness.add(new ColumnClaim(p.columns().c1(), rho, e.c1()));
      claims.witness.add(new ColumnClaim(p.columns().c2(), rho, e.c2()));
    }
    Ext2 acc = row.accLessC1().add(e.c1());
    virtualValues.add(new ModelVerifier.VirtualValue(p.layer().name(), "accumulator", rho, acc));
    InvalidProofException.check(
        row.accPlusC2().equals(acc.add(e.c2()).add(Ext2.ONE)),
        p.layer().name() + ": the rounding tuple is inconsistent");
    // The range lookup read [c1 | c2] at (ρ', b): its value is (1 − b) c1(ρ') + b c2(ρ'). The
    // proof says c1(ρ'); c2(ρ') follows, and both go to the opening (a false c1(ρ') makes one of
    // the two claims false).
    WitnessClaim pair = lookups.witnesses().get(1).get(k);
    Ext2[] pairPoint = pair.point();
    Ext2 b = pairPoint[pairPoint.length - 1];
    InvalidProofException.check(!b.isZero(), p.layer().name() + ": degenerate range point");
    Ext2[] rhoPair = Arrays.copyOf(pairPoint, pairPoint.length - 1);
    Ext2 c2AtPair = pair.values()[0].sub(Ext2.ONE.sub(b).mul(e.c1AtPair())).mul(b.inv());
    claims.witness.add(new ColumnClaim(p.columns().c1(), rhoPair, e.c1AtPair()));
    claims.witness.add(new ColumnClaim(p.columns().c2(), rhoPair, c2AtPair));
    return acc;
  }

  /**
   * An addition: the proof's s is side 0's rescaled value at ρ (side 1's when side 0 is a
   * constant), the rest of a(ρ) the other side. With zero knowledge and a constant operand, s is
   * not sent and a sumcheck through the weight shadow proves a(ρ) instead ({@link ConstantAddend}).
   */
  private void add(AddLayer a, Ext2[] rho, Ext2[] sampleRho, Ext2[] rb, Ext2 acc)
      throws InvalidProofException {
    InvalidProofException.check(nextAddEval < addEvals.length, "missing ADD evaluations");
    Ext2 s = addEvals[nextAddEval++];
    transcript.absorbExt("add-eval", s);
    int first = a.isConstant(0) ? 1 : 0;
    Ext2[] parts = {first == 0 ? s : acc.sub(s), first == 0 ? acc.sub(s) : s};
    boolean hiddenAddend = zk && (a.isConstant(0) || a.isConstant(1));
    if (hiddenAddend) {
      InvalidProofException.check(
          s.isZero(), a.layer().name() + ": a zero-knowledge proof sends no ADD evaluation");
      InvalidProofException.check(
          nextLayerProof < proof.linear().size(), "missing the constant addend's sumcheck");
      constantAddend(a, first, sampleRho, rb, acc, proof.linear().get(nextLayerProof++));
    }
    for (int side = 0; side < 2; side++) {
      if (a.isConstant(side)) {
        if (!hiddenAddend) {
          Ext2[] rc = Arrays.copyOf(rho, a.outLayout().cBits());
          claims.weight.add(new ColumnClaim(weights.columnOf(a.input(side)), rc, parts[side]));
        }
        continue;
      }
      if (!hiddenAddend) {
        claims.witness.add(new ColumnClaim(a.sColumn(side), rho, parts[side]));
      }
      RescaleRow row = RescaleRow.of(lookups.witnesses().get(0).get(nextRescaleRow++));
      InvalidProofException.check(
          row.tag().equals(Ext2.of(a.tag(side))) && row.zero().isZero(),
          a.layer().name() + ": wrong rescale tag");
      claims.tensor(new TensorClaim(a.input(side), row.point(), row.input()));
      claims.witness.add(new ColumnClaim(a.sColumn(side), row.point(), row.rescaled()));
    }
  }

  /**
   * An ADD's constant operand in a zero-knowledge proof ({@link ConstantAddend}): its sumcheck,
   * carried in the proof's layer list as a proof with phase 2 only, leaves a claim on the other
   * side's rescaled input and one on the addend's weight shadow.
   */
  private void constantAddend(
      AddLayer a, int side, Ext2[] rho, Ext2[] rb, Ext2 acc, WindowedLinearProof c)
      throws InvalidProofException {
    String name = a.layer().name() + ": constant addend";
    InvalidProofException.check(
        c.phase1() == null && c.bias().isZero() && c.masks().length == 2,
        name + ": malformed sumcheck");
    SumcheckResult r;
    try {
      r =
          ledger.verify(
              ConstantAddend.composition(),
              null,
              ConstantAddend.numVars(a.outLayout()),
              acc,
              c.phase2(),
              c.masks()[0],
              c.masks()[1],
              transcript);
    } catch (InvalidProofException e) {
      throw new InvalidProofException(name + ": " + e.getMessage());
    }
    ConstantAddend.Outcome o = ConstantAddend.finish(rho, r);
    // In a batch, S is every sample's: the sumcheck ran on S folded at rb.
    claims.witness.add(new ColumnClaim(a.sColumn(side), Batch.lift(o.sigma(), rb), o.input()));
    Ext2[] sc = Arrays.copyOf(o.sigma(), a.outLayout().cBits());
    claims.weight.add(
        new ColumnClaim(
            weights.columnOf(a.input(1 - side)),
            Points.concat(new Ext2[] {o.tau()}, sc),
            o.addend()));
  }

  /**
   * A product of two activations: its sumcheck (the next layer proof) reduces a(ρ) to one claim on
   * each factor ({@link ProductVerifier}).
   */
  private void product(ProductLayer m, Ext2[] rho, Ext2[] rb, Ext2 acc)
      throws InvalidProofException {
    ProductVerifier.Outcome o;
    try {
      // The claims it leaves are on the batch's tables already (its sumcheck ran over the batch).
      o = ProductVerifier.verify(m.product(), rho, acc, nextLayerProof(), transcript, ledger, rb);
    } catch (InvalidProofException e) {
      throw new InvalidProofException(m.layer().name() + " (product): " + e.getMessage());
    }
    claims.tensors(o.claims());
  }

  /** Max pools, after every layer: their lookup rows follow the ADDs' rescale rows. */
  void verifyMaxPools() throws InvalidProofException {
    List<WitnessClaim> rounding = lookups.witnesses().get(0);
    int poolRow = InferenceStatement.firstPoolGroup(circuit);
    for (MaxPoolLayer m : circuit.maxPools()) {
      InvalidProofException.check(
          nextLayerProof < proof.linear().size(), "missing max pool proofs");
      List<WitnessClaim> rows = rounding.subList(poolRow, poolRow + m.steps());
      poolRow += m.steps();
      MaxPoolVerifier.Outcome o;
      try {
        o =
            MaxPoolVerifier.verify(
                m,
                rows,
                proof.linear().get(nextLayerProof++),
                transcript,
                ledger,
                batch == null ? 0 : batch.bits());
      } catch (InvalidProofException e) {
        throw new InvalidProofException(m.layer().name() + " (max pool): " + e.getMessage());
      }
      for (MaxPoolVerifier.Selection sel : MaxPoolVerifier.selections(m, rows)) {
        virtualValues.add(
            new ModelVerifier.VirtualValue(
                m.layer().name(), "selection " + sel.tap(), sel.point(), sel.value()));
      }
      claims.witness.addAll(o.columns());
      claims.tensors(o.tensors());
    }
  }

  /** Concatenations, after the max pools: one rounding row each, after theirs. */
  void verifyConcats() throws InvalidProofException {
    int concatRow = InferenceStatement.firstConcatGroup(circuit);
    for (ConcatLayer k : circuit.concats()) {
      InvalidProofException.check(
          nextLayerProof < proof.linear().size(), "missing concatenation proofs");
      WitnessClaim row = lookups.witnesses().get(0).get(concatRow++);
      virtualValues.add(
          new ModelVerifier.VirtualValue(
              k.layer().name(), "concatenation", row.point(), row.values()[2]));
      // A batch: the sumcheck over one sample's cube, at the group point's sample coordinates.
      int sampleVars = k.out().numVars();
      WitnessClaim sampleRow =
          batch == null
              ? row
              : new WitnessClaim(batch.samplePoint(row.point(), sampleVars), row.values());
      Ext2[] rb = batch == null ? new Ext2[0] : batch.batchPoint(row.point(), sampleVars);
      try {
        claims.tensors(
            ConcatVerifier.verify(
                k, sampleRow, proof.linear().get(nextLayerProof++), transcript, ledger),
            rb);
      } catch (InvalidProofException e) {
        throw new InvalidProofException(k.layer().name() + " (concatenation): " + e.getMessage());
      }
    }
  }

  /**
   * Unary tables, after the concatenations: one rounding row each, (tag, x, y, 0), after theirs.
   * The tag and the zero are public columns the verifier checks itself; x is a claim on the input,
   * y one on the output (the public output, checked at once, or its committed column). The table's
   * rows come from the verifying key's description (ModelCircuit), so a prover that looks up
   * another table fails the lookup.
   */
  void verifyUnaries() throws InvalidProofException {
    int unaryRow = InferenceStatement.firstUnaryGroup(circuit);
    for (UnaryTableLayer u : circuit.unaries()) {
      WitnessClaim row = lookups.witnesses().get(0).get(unaryRow++);
      Ext2[] v = row.values();
      InvalidProofException.check(
          v[0].equals(Ext2.of(u.tag())) && v[3].isZero(),
          u.layer().name() + " (unary): wrong table tag");
      claims.tensor(new TensorClaim(u.input(), row.point(), v[1]));
      claims.tensor(new TensorClaim(u.layer().output(), row.point(), v[2]));
    }
  }

  /**
   * A private input's two range groups (InferenceStatement#lookups): x − lo and hi − x, read on the
   * input shadow.
   */
  void checkPrivateInputRange() {
    if (!(stated instanceof StatedInput.Committed)) {
      return;
    }
    long[] bounds = InferenceStatement.inputRange(circuit);
    int first = InferenceStatement.layerRangeGroups(circuit);
    WitnessClaim low = lookups.witnesses().get(1).get(first);
    WitnessClaim high = lookups.witnesses().get(1).get(first + 1);
    Ext2 lo = Ext2.of(Goldilocks.fromSigned(bounds[0]));
    Ext2 hi = Ext2.of(Goldilocks.fromSigned(bounds[1]));
    claims.input.add(new ColumnClaim(0, low.point(), low.values()[0].add(lo)));
    claims.input.add(new ColumnClaim(0, high.point(), hi.sub(high.values()[0])));
  }

  /**
   * An accuracy proof's argmax and count, after every layer ({@link ArgmaxCountVerifier}): its
   * claims on the selector, maximum and gap go to their columns, its claim on the logits to the
   * committed logits column (the last layer's output, {@link AccuracyLayout#logitsPoint}).
   */
  void verifyAccuracy() throws InvalidProofException {
    if (accuracy == null) {
      return;
    }
    ArgmaxCountVerifier.Outcome o =
        ArgmaxCountVerifier.verify(argmax, proof.accuracy().gadget(), transcript, ledger);
    LookupStatement statement = shape.statement();
    for (ColumnEvaluation e : o.claims()) {
      if (e.column() == Column.LABELS) {
        // Committed labels: T's label column, in its shadow's t = 0 half.
        claims.input.add(
            new ColumnClaim(
                TestSetCommitment.LABEL_COLUMN,
                Points.concat(new Ext2[] {Ext2.ZERO}, e.point()),
                e.value()));
        continue;
      }
      Ext2[] point = e.column() == Column.LOGITS ? accuracy.logitsPoint(e.point()) : e.point();
      claims.witness.add(
          new ColumnClaim(
              InferenceStatement.accuracyColumn(circuit, statement, e.column()), point, e.value()));
    }
  }

  /** Every layer proof and ADD evaluation used, every mask accounted for: the opening claims. */
  ModelVerifier.Reduction finish() throws InvalidProofException {
    InvalidProofException.check(
        nextLayerProof == proof.linear().size(), "unexpected linear-layer proofs");
    InvalidProofException.check(nextAddEval == addEvals.length, "unexpected ADD evaluations");
    if (zk) {
      int column = InferenceStatement.maskColumn(circuit);
      claims.witness.addAll(ledger.claims(column, MaskColumn.numVars(shape.masks().blocks())));
    }
    return new ModelVerifier.Reduction(
        transcript,
        claims.witness,
        claims.weight,
        claims.input,
        output,
        virtualValues,
        claims.output);
  }

  private WindowedLinearProof nextLayerProof() throws InvalidProofException {
    InvalidProofException.check(
        nextLayerProof < proof.linear().size(), "missing linear-layer proofs");
    return proof.linear().get(nextLayerProof++);
  }

  private static void checkValues(String what, int[] values, TensorSpec spec)
      throws InvalidProofException {
    InvalidProofException.check(
        values.length == spec.size(),
        what
            + " has "
            + values.length
            + " values, the model's "
            + spec.name()
            + " has "
            + spec.size());
    ElementType type = spec.type();
    for (int v : values) {
      if (v < type.min() || v > type.max()) { // the message only when it fails: runs per value
        throw new InvalidProofException(what + " value " + v + " is outside " + type);
      }
    }
  }
}

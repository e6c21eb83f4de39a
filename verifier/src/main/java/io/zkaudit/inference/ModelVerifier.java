package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LogUpSoundness;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.ShadowLink;
import io.zkaudit.pcs.ShadowLinkProof;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.soundness.RoundError;
import io.zkaudit.soundness.SoundnessReport;
import io.zkaudit.sumcheck.RoundPolynomial;
import io.zkaudit.transcript.Transcript;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies an inference proof. The work is the lookup and layer sumchecks (logarithmic in tensor
 * sizes), the window predicates (square root), the public rounding table, the public output, and
 * two commitment openings: no tensor of the model is ever touched.
 *
 * <p>Transcript order (the prover's is the same): domain, proof-format version, model digest,
 * weight commitment, input hash (computed here from the input the verifier holds, or a private
 * input's commitment digest: a proof carries no input hash of its own), output, witness commitment,
 * input-check point and value, the lookup proof, then per proven layer in order: its range
 * evaluations, its ADD evaluation or linear-layer sumchecks; then per max pool its batching weights
 * and selection sumcheck ({@link io.zkaudit.layers.MaxPoolVerifier}), per concatenation its
 * sumcheck ({@link io.zkaudit.layers.ConcatVerifier}); finally the witness and weight openings. A
 * zero-knowledge proof also absorbs its weight shadow after the witness commitments, and opens the
 * weight claims on the shadow instead of the weights.
 */
public final class ModelVerifier {
  private final VerifyingKey vk;
  private final WeightLayout weights;
  private final PackedLayout weightLayout;
  private final PackedLayout shadowLayout;
  private final Shape zk;

  /** The plain circuit's shape, built on first use: proofs are zero-knowledge by default. */
  private volatile Shape plain;

  /** The shape of proofs about a private input, built on first use. */
  private volatile Shape privateInput;

  /**
   * What a proof's kind (with or without zero knowledge) fixes: its circuit (tensor layouts differ,
   * {@link ModelCircuit#of(io.zkaudit.model.ModelDescription, boolean)}), the lookups over it, the
   * witness commitments' layout, the Libra masks (zero knowledge only) and a private input's shadow
   * (zero knowledge only). Zero-knowledge proofs blind their lookups.
   */
  record Shape(
      ModelCircuit circuit,
      LookupStatement statement,
      ColumnBins bins,
      MaskSchedule masks,
      PackedLayout inputShadowLayout,
      Batch batch,
      AccuracyLayout accuracy) {
    static Shape of(ModelCircuit circuit) {
      return of(circuit, false);
    }

    /**
     * The shape of a batch proof ({@link Batch}): the same circuit, its lookups and per-sample
     * columns with the batch variables on top (docs/accuracy-proof.md, "Step 1 as built").
     */
    static Shape ofBatch(ModelCircuit circuit, Batch batch) {
      return ofBatch(circuit, batch, false);
    }

    /**
     * The shape of an accuracy proof about a batch ({@link AccuracyLayout}): the batch's, with the
     * logits committed and the gadget's columns, range group and mask.
     */
    static Shape ofAccuracy(ModelCircuit circuit, Batch batch) {
      return ofBatch(circuit, batch, true);
    }

    /**
     * The shape of an accuracy proof about a test-set commitment (zero knowledge only): the
     * accuracy proof's, with T's shadow (TestSetCommitment#layout plus the shadow variable), which
     * its input and label claims are opened on.
     */
    static Shape ofTestSet(ModelCircuit zkCircuit, Batch batch) {
      Shape a = ofBatch(zkCircuit, batch, true);
      return new Shape(
          a.circuit,
          a.statement,
          a.bins,
          a.masks,
          TestSetCommitment.layout(zkCircuit, a.accuracy).withShadowVariable(),
          a.batch,
          a.accuracy);
    }

    private static Shape ofBatch(ModelCircuit circuit, Batch batch, boolean accuracy) {
      boolean zk = circuit.zeroKnowledge();
      AccuracyLayout a = accuracy ? AccuracyLayout.of(circuit, batch) : null;
      LookupStatement plain = InferenceStatement.lookups(circuit, false, batch, a);
      LookupStatement statement = zk ? plain.withBlinding() : plain;
      return new Shape(
          circuit,
          statement,
          InferenceStatement.witnessBins(circuit, statement, zk, batch, a),
          zk ? MaskSchedule.of(circuit, statement, batch, a) : null,
          null,
          batch,
          a);
    }

    /**
     * The shape of proofs about a private input (zero-knowledge only): their range lookup also
     * checks the input.
     */
    static Shape of(ModelCircuit circuit, boolean privateInput) {
      boolean zk = circuit.zeroKnowledge();
      LookupStatement plain = InferenceStatement.lookups(circuit, privateInput);
      LookupStatement statement = zk ? plain.withBlinding() : plain;
      return new Shape(
          circuit,
          statement,
          InferenceStatement.witnessBins(circuit, statement, zk),
          zk ? MaskSchedule.of(circuit, statement) : null,
          zk ? InputCommitment.layout(circuit).withShadowVariable() : null,
          null,
          null);
    }
  }

  /** Batch shapes by kind and size, built on first use. */
  private final java.util.concurrent.ConcurrentHashMap<Long, Shape> batchShapes =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The shape of a batch proof of this kind and size. */
  private Shape batchShape(boolean zeroKnowledge, int samples) throws InvalidProofException {
    Shape base = shape(zeroKnowledge);
    Batch batch = new Batch(samples);
    try {
      return batchShapes.computeIfAbsent(
          (zeroKnowledge ? 1L << 32 : 0) | samples, k -> Shape.ofBatch(base.circuit(), batch));
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException("the model cannot be proven in a batch: " + e.getMessage());
    }
  }

  /** Accuracy shapes by kind and size, built on first use. */
  private final java.util.concurrent.ConcurrentHashMap<Long, Shape> accuracyShapes =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The shape of an accuracy proof of this kind and size. */
  private Shape accuracyShape(boolean zeroKnowledge, int samples) throws InvalidProofException {
    Shape base = shape(zeroKnowledge);
    Batch batch = new Batch(samples);
    try {
      return accuracyShapes.computeIfAbsent(
          (zeroKnowledge ? 1L << 32 : 0) | samples, k -> Shape.ofAccuracy(base.circuit(), batch));
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException(
          "the model's accuracy cannot be proven in a batch: " + e.getMessage());
    }
  }

  /** Test-set shapes by size (zero knowledge only), built on first use. */
  private final java.util.concurrent.ConcurrentHashMap<Integer, Shape> testSetShapes =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The shape of an accuracy proof about a test-set commitment of N samples. */
  private Shape testSetShape(int samples) throws InvalidProofException {
    Batch batch = new Batch(samples);
    try {
      return testSetShapes.computeIfAbsent(samples, k -> Shape.ofTestSet(zk.circuit(), batch));
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException(
          "the model's accuracy cannot be proven about a test set: " + e.getMessage());
    }
  }

  /** The shape a proof was made under: its kind, and its batch size for a batch proof. */
  private Shape shapeOf(ModelProof proof) throws InvalidProofException {
    if (proof.isTestSet()) {
      return testSetShape(proof.samples());
    }
    if (proof.isAccuracy()) {
      return accuracyShape(proof.zeroKnowledge(), proof.samples());
    }
    return proof.isBatch()
        ? batchShape(proof.zeroKnowledge(), proof.samples())
        : shape(proof.zeroKnowledge(), proof.privateInput() != null);
  }

  public ModelVerifier(VerifyingKey vk) throws InvalidProofException {
    this(vk, null, null);
  }

  /**
   * A verifier reusing circuits already compiled from the key's description (a prover's, which runs
   * the verifier's reduction on each of its proofs); either may be null, and is then built here
   * when needed.
   */
  public ModelVerifier(VerifyingKey vk, ModelCircuit plainCircuit, ModelCircuit zkCircuit)
      throws InvalidProofException {
    this.vk = vk;
    checkCircuit(plainCircuit, false);
    checkCircuit(zkCircuit, true);
    ModelCircuit circuit = zkCircuit != null ? zkCircuit : compile(true);
    try {
      // The key is input (a seller's, or anyone's on chain): what its description makes the
      // statement build is a property of the key, so a refusal here is the key's, not a bug.
      this.zk = Shape.of(circuit);
      this.plain = plainCircuit == null ? null : Shape.of(plainCircuit);
      this.weights = WeightLayout.of(circuit);
      this.weightLayout = new PackedLayout(weights.logSizes());
      this.shadowLayout = weightLayout.withShadowVariable();
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException("the model cannot be proven: " + e.getMessage());
    }
    InvalidProofException.check(
        vk.weights().numVars() == weightLayout.numVars(),
        "verifying key: the weight commitment has "
            + vk.weights().numVars()
            + " variables, the model needs "
            + weightLayout.numVars());
    if (plainCircuit != null) {
      checkWeights(plainCircuit);
    }
  }

  private void checkCircuit(ModelCircuit c, boolean zeroKnowledge) {
    if (c != null && (c.zeroKnowledge() != zeroKnowledge || !c.model().equals(vk.description()))) {
      throw new IllegalArgumentException(
          "the circuit is not the key's "
              + (zeroKnowledge ? "zero-knowledge" : "plain")
              + " circuit");
    }
  }

  private ModelCircuit compile(boolean zeroKnowledge) throws InvalidProofException {
    try {
      return ModelCircuit.of(vk.description(), zeroKnowledge);
    } catch (RuntimeException e) {
      throw new InvalidProofException("the model cannot be proven: " + e.getMessage());
    }
  }

  /**
   * One weight commitment serves both kinds of proof: their circuits must lay the weights out
   * alike.
   */
  private void checkWeights(ModelCircuit c) {
    if (!WeightLayout.of(c).equals(weights)) {
      throw new IllegalStateException(
          "the plain and zero-knowledge circuits lay the weights out differently");
    }
  }

  /**
   * The circuit of zero-knowledge proofs, the default kind. Its layers, columns and tensor ids are
   * those of the plain circuit; only tensor layouts may differ ({@link #circuit(boolean)}).
   */
  public ModelCircuit circuit() {
    return zk.circuit();
  }

  /** The circuit of proofs with or without zero knowledge. */
  public ModelCircuit circuit(boolean zeroKnowledge) throws InvalidProofException {
    return shape(zeroKnowledge).circuit();
  }

  /** The shape of a proof's kind: a private input's proofs range-check the input too. */
  private Shape shape(boolean zeroKnowledge, boolean hiddenInput) throws InvalidProofException {
    if (!hiddenInput || !zeroKnowledge) {
      return shape(zeroKnowledge);
    }
    Shape s = privateInput;
    if (s == null) {
      try {
        InferenceStatement.inputRange(zk.circuit());
      } catch (IllegalStateException e) {
        throw new InvalidProofException("this model's input cannot be private: " + e.getMessage());
      }
      s = Shape.of(zk.circuit(), true);
      privateInput = s;
    }
    return s;
  }

  private Shape shape(boolean zeroKnowledge) throws InvalidProofException {
    if (zeroKnowledge) {
      return zk;
    }
    Shape s = plain;
    if (s == null) {
      synchronized (this) {
        s = plain;
        if (s == null) {
          ModelCircuit circuit = compile(false);
          checkWeights(circuit);
          s = Shape.of(circuit);
          plain = s;
        }
      }
    }
    return s;
  }

  /**
   * The provable soundness of this model's proofs (docs/soundness.md): every kind of verifier round
   * a proof has (the input point, the sumchecks, the lookups, every commitment opening and its
   * grinding) with its round-by-round error, graded at the most claims an opening may carry; no
   * conjecture. The figure is the weakest round's.
   */
  public SoundnessReport soundness(boolean zeroKnowledge, boolean privateInput)
      throws InvalidProofException {
    InvalidProofException.check(
        zeroKnowledge || !privateInput, "a private input needs a zero-knowledge proof");
    return soundness(
        shape(zeroKnowledge, privateInput),
        zeroKnowledge,
        privateInput,
        (zeroKnowledge ? "a zero-knowledge" : "a plain")
            + " proof about "
            + (privateInput ? "a committed input" : "a public input")
            + " for this model");
  }

  /**
   * The same for a batch proof of N samples: the batch's input point (log2 N more variables), its
   * lookups (N times the rows) and its witness bins.
   */
  public SoundnessReport batchSoundness(boolean zeroKnowledge, int samples)
      throws InvalidProofException {
    return soundness(
        batchShape(zeroKnowledge, samples),
        zeroKnowledge,
        false,
        (zeroKnowledge ? "a zero-knowledge" : "a plain")
            + " batch proof about "
            + samples
            + " public inputs for this model");
  }

  /**
   * The same for an accuracy proof of N samples: the batch's input point, lookups (with the gap
   * group) and witness bins, and the argmax-and-count gadget's rounds ({@link
   * io.zkaudit.accuracy.ArgmaxCountVerifier#rounds}).
   */
  public SoundnessReport accuracySoundness(boolean zeroKnowledge, int samples)
      throws InvalidProofException {
    return soundness(
        accuracyShape(zeroKnowledge, samples),
        zeroKnowledge,
        false,
        (zeroKnowledge ? "a zero-knowledge" : "a plain")
            + " accuracy proof about "
            + samples
            + " labelled samples for this model");
  }

  /**
   * The same for an accuracy proof about a test-set commitment of N samples (zero knowledge): no
   * input point, T's shadow in the batched opening and its link to T.
   */
  public SoundnessReport testSetSoundness(int samples) throws InvalidProofException {
    return soundness(
        testSetShape(samples),
        true,
        true,
        "a zero-knowledge accuracy proof about a test-set commitment of "
            + samples
            + " samples for this model");
  }

  /**
   * The same for a proof whose output is committed (the body, or a middle link, of a chained proof;
   * zero knowledge only): the output shadow joins the batched opening after the input shadow, and
   * its link to the output commitment C is one more long-lived opening's queries
   * (docs/soundness.md, "Chained proofs").
   */
  public SoundnessReport committedOutputSoundness(boolean privateInput)
      throws InvalidProofException {
    return soundness(
        shape(true, privateInput),
        true,
        privateInput,
        true,
        "a zero-knowledge proof with a committed output about "
            + (privateInput ? "a committed input" : "a public input")
            + " for this model");
  }

  private SoundnessReport soundness(
      Shape shape, boolean zeroKnowledge, boolean privateInput, String what)
      throws InvalidProofException {
    return soundness(shape, zeroKnowledge, privateInput, false, what);
  }

  private SoundnessReport soundness(
      Shape shape,
      boolean zeroKnowledge,
      boolean privateInput,
      boolean committedOutput,
      String what)
      throws InvalidProofException {
    int claims = io.zkaudit.pcs.PcsParams.MAX_CLAIMS;
    List<RoundError> r = new ArrayList<>();
    if (!privateInput) {
      io.zkaudit.layers.TensorLayout in = InferenceStatement.inputLayout(shape.circuit());
      int n = shape.batch() == null ? in.numVars() : shape.batch().numVars(in);
      r.add(
          RoundError.algebraic(
              "statement",
              "input point",
              n,
              "n/|F|: the committed input column equals the given input at a random point"
                  + " (Schwartz–Zippel), n = "
                  + n));
    }
    r.add(
        RoundError.algebraic(
            "sumchecks (layers, lookup GKR layers)",
            "each round",
            RoundPolynomial.MAX_DEGREE,
            "d/|F|, d ≤ "
                + RoundPolynomial.MAX_DEGREE
                + " (the largest round degree the verifier accepts)"));
    if (zeroKnowledge) {
      r.add(
          RoundError.algebraic(
              "masked sumchecks", "mask weight", 1, "1/|F| (claim + γ · mask sum is linear in γ)"));
    }
    r.addAll(
        LogUpSoundness.rounds(
            shape.statement(), List.of("rounding and rescaling table", "16-bit range table")));
    if (shape.accuracy() != null) {
      r.addAll(
          io.zkaudit.accuracy.ArgmaxCountVerifier.rounds(shape.accuracy().argmax(), zeroKnowledge));
    }
    io.zkaudit.pcs.PcsParams perProof = InferenceStatement.pcsParams();
    io.zkaudit.pcs.PcsParams longLived = InferenceStatement.longLivedPcsParams();
    List<String> names = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    List<io.zkaudit.pcs.PcsParams> params = new ArrayList<>();
    for (int b = 0; b < shape.bins().bins(); b++) {
      names.add("witness bin " + b);
      sizes.add(shape.bins().layout(b).numVars());
      params.add(perProof);
    }
    // A model without constants reads nothing of its weight commitment: nothing of it is opened.
    boolean weightsRead = weights.holdsConstants();
    if (weightsRead) {
      names.add(zeroKnowledge ? "the weight shadow" : "the weight commitment");
      sizes.add(zeroKnowledge ? shadowLayout.numVars() : weightLayout.numVars());
      params.add(longLived);
    }
    if (privateInput) {
      names.add(shape.accuracy() != null ? "the test-set shadow" : "the input shadow");
      sizes.add(shape.inputShadowLayout().numVars());
      params.add(longLived);
    }
    if (committedOutput) {
      // In the order of the proof's openings (openingEntries): after the input shadow.
      names.add("the output shadow");
      sizes.add(CommittedOutput.shadowLayout(shape.circuit()).numVars());
      params.add(longLived);
    }
    int[] numVars = sizes.stream().mapToInt(Integer::intValue).toArray();
    ProofOpenings.Plan plan = ProofOpenings.plan(perProof, numVars, params);
    int[] batched = plan.batched();
    List<RoundError> batch =
        io.zkaudit.pcs.BatchedOpening.rounds(
            perProof,
            "batched opening of " + batched.length + " polynomials",
            java.util.Arrays.stream(batched).map(i -> numVars[i]).toArray(),
            claims);
    r.addAll(batch);
    List<List<RoundError>> openingOf =
        new ArrayList<>(java.util.Collections.nCopies(numVars.length, batch));
    for (int i : plan.alone()) {
      List<RoundError> alone =
          params.get(i).rounds("opening of " + names.get(i), numVars[i], claims);
      r.addAll(alone);
      openingOf.set(i, alone);
    }
    int next = shape.bins().bins();
    if (zeroKnowledge && weightsRead) {
      r.add(linked(openingOf.get(next), "link of the weight shadow to the weight commitment"));
    }
    if (weightsRead) {
      next++;
    }
    if (privateInput) {
      r.add(
          linked(
              openingOf.get(next),
              shape.accuracy() != null
                  ? "link of the test-set shadow to the test-set commitment"
                  : "link of the input shadow to the input commitment"));
      next++;
    }
    if (committedOutput) {
      r.add(linked(openingOf.get(next), "link of the output shadow to the output commitment C"));
    }
    return new SoundnessReport(what, r);
  }

  /**
   * A shadow link's round: the link compares the queried shadow rows with the long-lived
   * commitment's, so a shadow whose fixed half is not the committed polynomial passes a query only
   * if it lands where the shadow's word is off its codeword (a fraction δ) or where the two
   * polynomials' codewords agree (a fraction < ρ): (δ + ρ)^q · 2^−g ≤ ((1 + ρ)/2)^q · 2^−g at the
   * opening's own queries (docs/pcs.md, "Shadow link").
   */
  private static RoundError linked(List<RoundError> opening, String link) {
    RoundError queries = opening.get(opening.size() - 1);
    return new RoundError(
        link, "the opening's queries", queries.bits(), "(δ + ρ)^q · 2^−g ≤ " + queries.bound());
  }

  /**
   * SHA-256 of the input values as little-endian int32: what the transcript holds of a public input
   * (and what signed answers and contests name).
   */
  public static Digest32 inputHash(int[] input) {
    ByteBuffer b = ByteBuffer.allocate(4 * input.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : input) {
      b.putInt(v);
    }
    return new Digest32(Sha256.hash(b.array()));
  }

  /**
   * Checks the proof about {@code input} and returns its verified output: the proof shows output =
   * model(input). There is no way to verify a proof without its input (or, for a private input, its
   * {@link InputCommitment}): a proof carries no claim about its input that the verifier could take
   * on trust, the verifier puts the input's hash in the transcript itself and checks the committed
   * input column against the input at a random point.
   */
  public int[] verify(ModelProof proof, int[] input) throws InvalidProofException {
    java.util.Objects.requireNonNull(input, "a proof is verified against its input");
    refuseAccuracy(proof, "a single-sample proof");
    InvalidProofException.check(
        !proof.isBatch(),
        "the proof is a batch proof of "
            + proof.samples()
            + " samples, not a single-sample proof: verify it against its inputs (verifyBatch)");
    InvalidProofException.check(
        proof.privateInput() == null,
        "the proof is about a committed, private input: verify it against its input commitment"
            + " (verifyCommitted)");
    return check(proof, reduce(proof, input, null, null), null);
  }

  /**
   * Checks a proof whose output is committed ({@link CommittedOutput}: the body of a chained proof,
   * docs/model-proofs.md "Chained proofs") about the public {@code input}: the proof shows that the
   * table committed in {@code output} holds model(input) on its real entries. Nothing of the output
   * is revealed; a proof that states its output is refused.
   */
  public void verifyCommittedOutput(ModelProof proof, int[] input, InputCommitment output)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(input, "a proof is verified against its input");
    InvalidProofException.check(
        proof.privateInput() == null,
        "the proof is about a committed, private input: verify it against its input commitment");
    checkCommittedOutput(proof, reduce(proof, input, null, output), null, output);
  }

  /**
   * The same for a proof about a private input (a middle link of a chain): the table committed in
   * {@code output} holds model(the input committed in {@code input}).
   */
  public void verifyCommittedOutput(ModelProof proof, InputCommitment input, InputCommitment output)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(
        input, "a proof about a private input is verified against its commitment");
    InvalidProofException.check(
        proof.privateInput() != null, "the proof is about a public input, not a committed one");
    Reduction r = reduce(proof, null, input, output);
    InvalidProofException.check(
        !r.inputClaims().isEmpty(), "the proof makes no claim on its private input");
    checkCommittedOutput(proof, r, input, output);
  }

  private void checkCommittedOutput(
      ModelProof proof, Reduction r, InputCommitment input, InputCommitment output)
      throws InvalidProofException {
    // The output must be read by some relation, or the commitment would bind nothing.
    InvalidProofException.check(
        !r.outputClaims().isEmpty(), "the proof makes no claim on its committed output");
    check(proof, r, input == null ? null : input.commitment(), output);
  }

  /**
   * The reduction of a proof with a committed output ({@code input} public, or {@code
   * committedInput} for a private one; the prover runs it on its own proof).
   */
  public Reduction reduceCommittedOutput(
      ModelProof proof, int[] input, InputCommitment committedInput, InputCommitment output)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(
        output, "a committed output is reduced against its commitment");
    return reduce(proof, input, committedInput, output);
  }

  /**
   * Checks a batch proof ({@link Batch}) about {@code inputs}, in order, and returns the verified
   * output of each: the proof shows outputs.get(b) = model(inputs.get(b)) for every b. A
   * single-sample proof is refused, as is a batch proof of another number of samples.
   */
  public List<int[]> verifyBatch(ModelProof proof, List<int[]> inputs)
      throws InvalidProofException {
    Reduction r = reduceBatch(proof, inputs);
    int[] all = check(proof, r, null);
    int outputSize = vk.description().tensor(zk.circuit().outputTensor()).size();
    return new Batch(proof.samples()).split(all, outputSize);
  }

  /** The reduction of a batch proof against its inputs (the prover runs it on its own proof). */
  public Reduction reduceBatch(ModelProof proof, List<int[]> inputs) throws InvalidProofException {
    java.util.Objects.requireNonNull(inputs, "a batch proof is verified against its inputs");
    refuseAccuracy(proof, "a batch proof");
    InvalidProofException.check(
        proof.isBatch(),
        "the proof is a single-sample proof, not a batch proof of " + inputs.size() + " samples");
    checkSamples(proof, inputs, "a batch proof");
    Shape shape = batchShape(proof.zeroKnowledge(), proof.samples());
    return new ProofReduction(
            vk,
            weights,
            shadowLayout,
            shape,
            proof,
            new ProofReduction.StatedInput.Batch(List.copyOf(inputs)))
        .run();
  }

  /**
   * What a proof about several samples ({@code kind}: a batch or an accuracy proof) must match
   * before its reduction: as many samples as inputs given, this key's model, and no missing input.
   */
  private void checkSamples(ModelProof proof, List<int[]> inputs, String kind)
      throws InvalidProofException {
    InvalidProofException.check(
        proof.samples() == inputs.size(),
        "the proof is about "
            + proof.samples()
            + " samples, "
            + inputs.size()
            + " inputs are given");
    InvalidProofException.check(
        proof.model().equals(vk.digest()), "the proof is for another model");
    for (int[] input : inputs) {
      java.util.Objects.requireNonNull(input, kind + " is verified against every input");
    }
  }

  /** An accuracy proof states no outputs: it is not the proof a caller expecting outputs holds. */
  private static void refuseAccuracy(ModelProof proof, String expected)
      throws InvalidProofException {
    InvalidProofException.check(
        !proof.isAccuracy(),
        "the proof is an accuracy proof of "
            + proof.samples()
            + " labelled samples, not "
            + expected
            + (proof.isTestSet()
                ? ": verify it against its test-set commitment (verifyAccuracy)"
                : ": verify it against its inputs and labels (verifyAccuracy)"));
  }

  /**
   * What an accuracy proof establishes: that the model behind the key predicts the label of exactly
   * {@code correct} of the {@code samples} inputs it was verified against (argmax with the
   * runtime's tie rule, the lowest index wins).
   */
  public record VerifiedAccuracy(int correct, int samples) {
    /** "correct/N". */
    @Override
    public String toString() {
      return correct + "/" + samples;
    }
  }

  /**
   * Checks an accuracy proof (docs/accuracy-proof.md, "The accuracy proof as built") about {@code
   * inputs} and their {@code labels} (class indices, in order) and returns the verified count: the
   * proof shows that exactly {@code correct} of the N samples have their first maximal logit at
   * their label, without stating any logit. A batch or single-sample proof is refused, as is an
   * accuracy proof of another number of samples.
   *
   * @throws IllegalArgumentException if the labels do not match the inputs (one class index of the
   *     model's output per input): the statement, not the proof, is wrong
   */
  public VerifiedAccuracy verifyAccuracy(ModelProof proof, List<int[]> inputs, int[] labels)
      throws InvalidProofException {
    Reduction r = reduceAccuracy(proof, inputs, labels);
    check(proof, r, null);
    return new VerifiedAccuracy(proof.accuracy().correct(), proof.samples());
  }

  /** The reduction of an accuracy proof (the prover runs it on its own proof). */
  public Reduction reduceAccuracy(ModelProof proof, List<int[]> inputs, int[] labels)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(inputs, "an accuracy proof is verified against its inputs");
    java.util.Objects.requireNonNull(labels, "an accuracy proof is verified against its labels");
    if (labels.length != inputs.size()) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + inputs.size() + " inputs");
    }
    int classes = AccuracyLayout.classes(zk.circuit());
    AccuracyLayout.requireLabels(labels, classes);
    refuseOtherKinds(proof);
    InvalidProofException.check(
        !proof.isTestSet(),
        "the proof is about a test-set commitment, not public inputs and labels: verify it against"
            + " the test-set commitment");
    checkSamples(proof, inputs, "an accuracy proof");
    Shape shape = accuracyShape(proof.zeroKnowledge(), proof.samples());
    return new ProofReduction(
            vk,
            weights,
            shadowLayout,
            shape,
            proof,
            new ProofReduction.StatedInput.Accuracy(List.copyOf(inputs), labels.clone()))
        .run();
  }

  private static void refuseOtherKinds(ModelProof proof) throws InvalidProofException {
    InvalidProofException.check(
        proof.isAccuracy(),
        proof.isBatch()
            ? "the proof is a batch proof of "
                + proof.samples()
                + " samples, not an accuracy proof: it states outputs, not a count"
            : "the proof is a single-sample proof, not an accuracy proof");
  }

  /**
   * Checks an accuracy proof about a buyer's test-set commitment T (docs/accuracy-proof.md, "The
   * test-set commitment as built") and returns the verified count: the model behind the key, on the
   * N labelled samples behind T, predicts the label for exactly {@code correct} of them. The
   * verifier needs only T (N is T's); the proof reveals nothing of the inputs, labels or logits. An
   * accuracy proof about public inputs, a batch or a single-sample proof is refused, as is a proof
   * about another number of samples.
   */
  public VerifiedAccuracy verifyAccuracy(ModelProof proof, TestSetCommitment testSet)
      throws InvalidProofException {
    Reduction r = reduceAccuracy(proof, testSet);
    // The inputs and labels must be read by some relation, or T would bind nothing.
    InvalidProofException.check(
        r.inputClaims().size() >= 2, "the proof makes no claim on the test set");
    check(proof, r, testSet.commitment());
    return new VerifiedAccuracy(proof.accuracy().correct(), proof.samples());
  }

  /** The reduction of an accuracy proof about a test-set commitment. */
  public Reduction reduceAccuracy(ModelProof proof, TestSetCommitment testSet)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(
        testSet, "an accuracy proof about a test set is verified against its commitment");
    refuseOtherKinds(proof);
    InvalidProofException.check(
        proof.isTestSet(),
        "the proof is about public inputs and labels, not a test-set commitment: verify it against"
            + " its inputs and labels");
    InvalidProofException.check(
        proof.zeroKnowledge(), "a proof about a test-set commitment must be zero-knowledge");
    InvalidProofException.check(
        proof.samples() == testSet.samples(),
        "the proof is about "
            + proof.samples()
            + " samples, the test-set commitment holds "
            + testSet.samples());
    InvalidProofException.check(
        proof.model().equals(vk.digest()), "the proof is for another model");
    Shape shape = testSetShape(testSet.samples());
    int numVars = shape.inputShadowLayout().numVars() - 1;
    InvalidProofException.check(
        testSet.commitment().numVars() == numVars,
        "the test-set commitment has "
            + testSet.commitment().numVars()
            + " variables, this model's test set of "
            + testSet.samples()
            + " samples has "
            + numVars
            + ": it was committed for another model's inputs or labels");
    return new ProofReduction(
            vk,
            weights,
            shadowLayout,
            shape,
            proof,
            new ProofReduction.StatedInput.TestSet(testSet))
        .run();
  }

  /**
   * Checks a proof about a private input and returns its verified output: the proof shows output =
   * model(the input committed in {@code input}), revealing nothing else about that input
   * (docs/zero-knowledge.md, "Private inputs").
   */
  public int[] verifyCommitted(ModelProof proof, InputCommitment input)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(
        input, "a proof about a private input is verified against its commitment");
    InvalidProofException.check(
        proof.privateInput() != null, "the proof is about a public input, not a committed one");
    Reduction r = reduce(proof, null, input, null);
    // The input must be read by some relation, or the commitment would bind nothing.
    InvalidProofException.check(
        !r.inputClaims().isEmpty(), "the proof makes no claim on its private input");
    return check(proof, r, input.commitment());
  }

  /**
   * The openings, after the reduction: the witness bins, the weights (or their shadow) and a
   * private input's shadow ({@code input}, null for a public input) in one batched opening ({@link
   * ProofOpenings}), then the shadows' links to the weight and input commitments.
   */
  private int[] check(ModelProof proof, Reduction r, io.zkaudit.pcs.Commitment input)
      throws InvalidProofException {
    return check(proof, r, input, null);
  }

  /** The same, with a committed output's shadow ({@code output}, null for a stated output). */
  private int[] check(
      ModelProof proof, Reduction r, io.zkaudit.pcs.Commitment input, InputCommitment output)
      throws InvalidProofException {
    List<ProofOpenings.Entry> entries = openingEntries(proof, r, input, output);
    Shape shape = shapeOf(proof);
    ColumnBins witnessBins = shape.bins();
    io.zkaudit.pcs.PcsParams longLived = InferenceStatement.longLivedPcsParams();
    boolean weightsRead = !r.weightClaims().isEmpty();
    List<io.zkaudit.pcs.OpenedLeaves> opened =
        ProofOpenings.verify(entries, proof.opening(), proof.aloneOpenings(), r.transcript());
    int next = witnessBins.bins();
    if (weightsRead && proof.zeroKnowledge()) {
      // The weight claims are on the shadow, whose t = 0 half the link ties to the weights at the
      // shadow's queried leaves.
      ShadowLink.verify(
          longLived,
          vk.weights(),
          proof.shadow(),
          opened.get(next),
          ShadowLinkProof.decode(proof.shadowLink(), longLived, shadowLayout.numVars() - 1));
    }
    if (weightsRead) {
      next++;
    }
    if (input != null) {
      ShadowLink.verify(
          longLived,
          input,
          proof.privateInput().shadow(),
          opened.get(next),
          ShadowLinkProof.decode(
              proof.privateInput().link(), longLived, shape.inputShadowLayout().numVars() - 1));
      next++;
    }
    if (output != null) {
      // The output claims are on the shadow's t = 0 half, which the link ties to C.
      ShadowLink.verify(
          longLived,
          output.commitment(),
          proof.committedOutput().shadow(),
          opened.get(next),
          ShadowLinkProof.decode(
              proof.committedOutput().link(),
              longLived,
              CommittedOutput.shadowLayout(shape.circuit()).numVars() - 1));
    }
    return r.output();
  }

  /**
   * The polynomials a proof opens after its reduction, with their claims, in statement order (what
   * {@link ProofOpenings} plans and checks).
   */
  private List<ProofOpenings.Entry> openingEntries(
      ModelProof proof, Reduction r, io.zkaudit.pcs.Commitment input) throws InvalidProofException {
    return openingEntries(proof, r, input, null);
  }

  private List<ProofOpenings.Entry> openingEntries(
      ModelProof proof, Reduction r, io.zkaudit.pcs.Commitment input, InputCommitment output)
      throws InvalidProofException {
    Shape shape = shapeOf(proof);
    ColumnBins witnessBins = shape.bins();
    InvalidProofException.check(
        proof.witness().size() == witnessBins.bins(), "wrong number of witness commitments");
    List<List<ColumnClaim>> perBin = witnessBins.split(r.witnessClaims());
    io.zkaudit.pcs.PcsParams perProof = InferenceStatement.pcsParams();
    // The weight and input commitments live as long as the key: their openings, and the shadows'
    // whose queries test them through the links, take the long-lived parameters.
    io.zkaudit.pcs.PcsParams longLived = InferenceStatement.longLivedPcsParams();
    List<ProofOpenings.Entry> entries = new ArrayList<>();
    for (int b = 0; b < witnessBins.bins(); b++) {
      entries.add(
          new ProofOpenings.Entry(
              "witness bin " + b,
              proof.witness().get(b),
              witnessBins.layout(b),
              perBin.get(b),
              perProof));
    }
    // A model without weights (a max pool of its input, then a requantization) reads nothing of the
    // weight commitment: nothing of it (or of its shadow) is opened, and there is no link.
    boolean weightsRead = !r.weightClaims().isEmpty();
    if (weightsRead) {
      entries.add(
          proof.zeroKnowledge()
              ? new ProofOpenings.Entry(
                  "weight shadow", proof.shadow(), shadowLayout, r.weightClaims(), longLived)
              : new ProofOpenings.Entry(
                  "weight commitment", vk.weights(), weightLayout, r.weightClaims(), longLived));
    } else {
      InvalidProofException.check(
          proof.shadowLink().length == 0, "the proof links weights that no relation reads");
    }
    if (input != null) {
      entries.add(
          new ProofOpenings.Entry(
              proof.isTestSet() ? "test-set shadow" : "input shadow",
              proof.privateInput().shadow(),
              shape.inputShadowLayout(),
              r.inputClaims(),
              longLived));
    }
    if (output != null) {
      entries.add(
          new ProofOpenings.Entry(
              "output shadow",
              proof.committedOutput().shadow(),
              CommittedOutput.shadowLayout(shape.circuit()),
              r.outputClaims(),
              longLived));
    }
    return entries;
  }

  /**
   * The batched opening that closes a proof about a public input, as {@link #verify} meets it after
   * the reduction: its polynomials and claims, the transcript just before it (the reduction's own,
   * which nothing else holds), and its bytes. Package-visible for the differential tests of the
   * on-chain verifier of batched openings (escrow), which check exactly this opening of a real
   * model proof; it verifies nothing.
   */
  ProofOpenings.Batch batchedOpening(ModelProof proof, int[] input) throws InvalidProofException {
    Reduction r = reduce(proof, input);
    return ProofOpenings.batch(openingEntries(proof, r, null), proof.opening(), r.transcript());
  }

  /**
   * Everything a proof reduces to before its two openings: the evaluation claims on the witness and
   * weight commitments, and the transcript at that point. The prover calls this on its proof
   * without openings, so that the claims it opens are, by construction, the ones checked here.
   * {@code virtualValues} are the values of the virtual columns at the lookup points, which no
   * opening binds and which a zero-knowledge proof must therefore mask by the statement itself
   * (docs/zero-knowledge.md, "Virtual-column padding").
   */
  public record Reduction(
      Transcript transcript,
      List<ColumnClaim> witnessClaims,
      List<ColumnClaim> weightClaims,
      List<ColumnClaim> inputClaims,
      int[] output,
      List<VirtualValue> virtualValues,
      List<ColumnClaim> outputClaims) {
    /** A reduction of a proof that states its output (no claims on an output commitment). */
    public Reduction(
        Transcript transcript,
        List<ColumnClaim> witnessClaims,
        List<ColumnClaim> weightClaims,
        List<ColumnClaim> inputClaims,
        int[] output,
        List<VirtualValue> virtualValues) {
      this(transcript, witnessClaims, weightClaims, inputClaims, output, virtualValues, List.of());
    }
  }

  /**
   * A virtual column's value at a lookup point, as the verifier holds it: a rounding layer's
   * accumulator (derived as v[2] + c1(ρ)), a max pool's window selection (tap k), a concatenation's
   * shifted inputs. {@code layer} names the model layer.
   */
  public record VirtualValue(String layer, String column, Ext2[] point, Ext2 value) {}

  public Reduction reduce(ModelProof proof, int[] input) throws InvalidProofException {
    java.util.Objects.requireNonNull(input, "a proof is reduced against its input");
    return reduce(proof, input, null, null);
  }

  /** The reduction of a proof about a private input: its input claims are on the input's shadow. */
  public Reduction reduce(ModelProof proof, InputCommitment input) throws InvalidProofException {
    java.util.Objects.requireNonNull(
        input, "a proof about a private input is reduced against its commitment");
    return reduce(proof, null, input, null);
  }

  private Reduction reduce(
      ModelProof proof, int[] input, InputCommitment committedInput, InputCommitment output)
      throws InvalidProofException {
    InvalidProofException.check(
        proof.hasCommittedOutput() == (output != null),
        output != null
            ? "the proof states its output: it is not a proof with a committed output"
            : "the proof's output is committed, not stated: verify it against its output"
                + " commitment (verifyCommittedOutput, zkaudit verify --chain)");
    InvalidProofException.check(
        proof.model().equals(vk.digest()), "the proof is for another model");
    InvalidProofException.check(
        !proof.isBatch(),
        "the proof is a batch proof of " + proof.samples() + " samples, not a single-sample proof");
    refuseAccuracy(proof, "a single-sample proof");
    boolean hidden = committedInput != null;
    // A private input is only proven in zero knowledge (ModelProof's encoding refuses it
    // otherwise).
    InvalidProofException.check(
        !hidden || proof.zeroKnowledge(), "a proof about a private input must be zero-knowledge");
    Shape shape = shape(proof.zeroKnowledge(), hidden);
    InvalidProofException.check(
        hidden == (proof.privateInput() != null),
        hidden
            ? "the proof is about a public input"
            : "the proof is about a committed, private input");
    if (hidden) {
      int numVars = InputCommitment.layout(shape.circuit()).numVars();
      InvalidProofException.check(
          committedInput.commitment().numVars() == numVars,
          "the input commitment has "
              + committedInput.commitment().numVars()
              + " variables, the model's input needs "
              + numVars);
    }
    ProofReduction.StatedInput stated =
        hidden
            ? new ProofReduction.StatedInput.Committed(committedInput)
            : new ProofReduction.StatedInput.Public(input);
    if (output != null) {
      InvalidProofException.check(
          proof.zeroKnowledge(), "a proof with a committed output must be zero-knowledge");
    }
    return new ProofReduction(vk, weights, shadowLayout, shape, proof, stated, output).run();
  }

  /**
   * The lookups of a proof about a public input as the verifier reaches them: their statement and a
   * copy of the transcript just before them (the statement, the commitments and the input binding
   * absorbed). Package-visible for the on-chain lookup verifier's differential test (escrow), which
   * checks a real proof's lookup section on chain from that state; it checks only what precedes the
   * lookups.
   */
  LookupSection lookupSection(ModelProof proof, int[] input) throws InvalidProofException {
    Shape shape = shape(proof.zeroKnowledge(), false);
    ProofReduction r =
        new ProofReduction(
            vk, weights, shadowLayout, shape, proof, new ProofReduction.StatedInput.Public(input));
    return new LookupSection(shape.statement(), r.beforeLookups());
  }

  /**
   * A proof about a public input reduced up to proven layer k's rounding ({@code
   * ProofReduction.throughRounding}). Package-visible for the on-chain layer steps' differential
   * tests (escrow); it verifies only what precedes layer k's reduction.
   */
  ProofReduction.Rounded roundingSection(ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    Shape shape = shape(proof.zeroKnowledge(), false);
    return new ProofReduction(
            vk, weights, shadowLayout, shape, proof, new ProofReduction.StatedInput.Public(input))
        .throughRounding(k);
  }

  /**
   * A proof about a public input reduced through proven layer k ({@code
   * ProofReduction.throughLayer}). Package-visible for the on-chain layer steps' differential tests
   * (escrow); it verifies only what precedes layer k and layer k.
   */
  ProofReduction.Reduced layerSection(ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    Shape shape = shape(proof.zeroKnowledge(), false);
    return new ProofReduction(
            vk, weights, shadowLayout, shape, proof, new ProofReduction.StatedInput.Public(input))
        .throughLayer(k);
  }

  /** A proof's lookup statement and the transcript before its lookups. */
  record LookupSection(LookupStatement statement, Transcript before) {}

  /**
   * The statement's claim of a proof about a public input ({@code ProofReduction.inputClaim}), the
   * rest of the proof not reduced. Package-visible for {@link SessionSections}.
   */
  io.zkaudit.pcs.ColumnClaim inputClaim(ModelProof proof, int[] input)
      throws InvalidProofException {
    Shape shape = shape(proof.zeroKnowledge(), false);
    return new ProofReduction(
            vk, weights, shadowLayout, shape, proof, new ProofReduction.StatedInput.Public(input))
        .inputClaim();
  }

  /**
   * The witness commitments' layout of a proof of this kind (the zero-knowledge one has the mask
   * column).
   */
  public ColumnBins bins(ModelProof proof) throws InvalidProofException {
    return shapeOf(proof).bins();
  }
}

package io.zkaudit.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.proof.InvalidProofException;
import java.util.ArrayList;
import java.util.List;

/**
 * A proof that {@code output = model(input)} for the model behind a {@link VerifyingKey}.
 *
 * <p>File format: magic "ZKPF", u32 version, u8 flags (bit 0: zero knowledge, the sumchecks are
 * masked and the witness carries the masks, see docs/zero-knowledge.md; bit 1: private input, the
 * input is known by its {@link InputCommitment} only, whose shadow commitment follows the weight
 * shadow's and whose opening and link close the proof), the verifying key's digest (which model),
 * the output values (no input hash: the verifier hashes the input it holds, or takes a private
 * input's commitment, and the transcript binds that; version 4 carried a hash that nothing checked
 * against the committed input, issue 13), the per-proof commitments (witness bins, then in a
 * zero-knowledge proof the weight shadow), the committed input's value at a random point, the
 * lookup proof, the range evaluations (per layer: c1, c2 at its rounding lookup's point, and c1 at
 * its range lookup's point, {@link InferenceStatement#rangePair}), the ADD evaluations, the
 * linear-layer proofs (in a zero-knowledge proof with, at each ADD with a constant operand, that
 * ADD's sumcheck: {@link io.zkaudit.layers.ConstantAddend}) and the openings: one batched opening
 * ({@link ProofOpenings}) of the witness bins, the weights (or in a zero-knowledge proof the weight
 * shadow) and a private input's shadow, then the openings of those too small to join it, the weight
 * shadow's link to the weight commitment (empty in a plain proof) and a private input shadow's
 * link, each length-prefixed.
 *
 * <p>A proof with a committed output ({@link CommittedOutput}: the body of a chained proof) sets
 * flag bit 4 (with bit 0, and bit 1 when its input is private too), states no outputs (length 0),
 * writes the output commitment's shadow after the private input's (or the weight shadow's), and
 * ends with the output shadow's link. Proofs without the bit are unchanged.
 *
 * <p>A batch proof ({@link Batch}: one proof about N samples) sets flag bit 2 and writes N (u32)
 * after the key's digest; its output is the N outputs concatenated. {@code samples} is 0 for a
 * single-sample proof, whose bytes are those of format 9 before batches existed.
 *
 * <p>An accuracy proof ({@link Accuracy}: N labelled samples, the count of correct predictions)
 * sets flag bits 2 and 3, writes N and then {@code correct} (u32) after the key's digest, states no
 * outputs (length 0), and carries the argmax-and-count gadget's proof, length-prefixed, after the
 * linear-layer proofs. Single-sample and batch proofs' bytes are unchanged.
 *
 * <p>An accuracy proof about a {@link TestSetCommitment} (flags 15: zero knowledge, bits 1, 2 and
 * 3) is laid out as an accuracy proof whose {@link PrivateInput} is the test set's: its shadow
 * commitment after the weight shadow, its link to T last. It sends no input evaluation (zero).
 */
public record ModelProof(
    Digest32 model,
    int[] output,
    List<Commitment> witness,
    Commitment shadow,
    Ext2 inputEval,
    LogUpProof lookups,
    Ext2[] rangeEvals,
    Ext2[] addEvals,
    List<WindowedLinearProof> linear,
    byte[] opening,
    List<byte[]> aloneOpenings,
    byte[] shadowLink,
    boolean zeroKnowledge,
    PrivateInput privateInput,
    int samples,
    Accuracy accuracy,
    CommittedOutput committedOutput) {

  /**
   * What an accuracy proof adds to a batch proof of its N samples (docs/accuracy-proof.md, "The
   * accuracy proof as built"): the number of samples whose prediction is their label, which the
   * proof states, and the argmax-and-count gadget's proof. An accuracy proof states no outputs.
   */
  public record Accuracy(int correct, io.zkaudit.accuracy.ArgmaxCountProof gadget) {
    public Accuracy {
      java.util.Objects.requireNonNull(gadget, "an accuracy proof carries its gadget's proof");
    }
  }

  /**
   * What a proof about a committed, private input adds ({@code --private-input}): the input's
   * per-proof shadow (opened with the proof's other polynomials) and its link to the {@link
   * InputCommitment}, which the verifier supplies.
   */
  public record PrivateInput(Commitment shadow, byte[] link) {
    public PrivateInput {
      link = link.clone();
    }

    @Override
    public byte[] link() {
      return link.clone();
    }
  }

  /**
   * This proof with some of its fields replaced: {@code proof.edit().shadowLink(other).build()}.
   * For tests and tools that build a proof from another (cheating provers, tamper tests), so that
   * each names the field it changes instead of copying all of them.
   */
  public Edit edit() {
    return new Edit(this);
  }

  /** A copy of a proof being changed field by field ({@link #edit}). */
  public static final class Edit {
    private Digest32 model;
    private int[] output;
    private List<Commitment> witness;
    private Commitment shadow;
    private Ext2 inputEval;
    private LogUpProof lookups;
    private Ext2[] rangeEvals;
    private Ext2[] addEvals;
    private List<WindowedLinearProof> linear;
    private byte[] opening;
    private List<byte[]> aloneOpenings;
    private byte[] shadowLink;
    private boolean zeroKnowledge;
    private PrivateInput privateInput;
    private int samples;
    private Accuracy accuracy;
    private CommittedOutput committedOutput;

    private Edit(ModelProof p) {
      model = p.model;
      output = p.output;
      witness = p.witness;
      shadow = p.shadow;
      inputEval = p.inputEval;
      lookups = p.lookups;
      rangeEvals = p.rangeEvals;
      addEvals = p.addEvals;
      linear = p.linear;
      opening = p.opening;
      aloneOpenings = p.aloneOpenings;
      shadowLink = p.shadowLink;
      zeroKnowledge = p.zeroKnowledge;
      privateInput = p.privateInput;
      samples = p.samples;
      accuracy = p.accuracy;
      committedOutput = p.committedOutput;
    }

    public Edit model(Digest32 v) {
      model = v;
      return this;
    }

    public Edit output(int[] v) {
      output = v;
      return this;
    }

    public Edit witness(List<Commitment> v) {
      witness = v;
      return this;
    }

    public Edit shadow(Commitment v) {
      shadow = v;
      return this;
    }

    public Edit inputEval(Ext2 v) {
      inputEval = v;
      return this;
    }

    public Edit lookups(LogUpProof v) {
      lookups = v;
      return this;
    }

    public Edit rangeEvals(Ext2[] v) {
      rangeEvals = v;
      return this;
    }

    public Edit addEvals(Ext2[] v) {
      addEvals = v;
      return this;
    }

    public Edit linear(List<WindowedLinearProof> v) {
      linear = v;
      return this;
    }

    public Edit opening(byte[] v) {
      opening = v;
      return this;
    }

    public Edit aloneOpenings(List<byte[]> v) {
      aloneOpenings = v;
      return this;
    }

    public Edit shadowLink(byte[] v) {
      shadowLink = v;
      return this;
    }

    public Edit zeroKnowledge(boolean v) {
      zeroKnowledge = v;
      return this;
    }

    public Edit privateInput(PrivateInput v) {
      privateInput = v;
      return this;
    }

    public Edit samples(int v) {
      samples = v;
      return this;
    }

    public Edit accuracy(Accuracy v) {
      accuracy = v;
      return this;
    }

    public Edit committedOutput(CommittedOutput v) {
      committedOutput = v;
      return this;
    }

    /** The changed proof (the record's own checks apply). */
    public ModelProof build() {
      return new ModelProof(
          model,
          output,
          witness,
          shadow,
          inputEval,
          lookups,
          rangeEvals,
          addEvals,
          linear,
          opening,
          aloneOpenings,
          shadowLink,
          zeroKnowledge,
          privateInput,
          samples,
          accuracy,
          committedOutput);
    }
  }

  private static final byte[] MAGIC = {'Z', 'K', 'P', 'F'};

  /**
   * 9: a zero-knowledge proof's linear layers hold their accumulator padding (two scalars per layer
   * in the mask column, {@link io.zkaudit.layers.VirtualPadding}), and a sum layer's phase 2 has an
   * open end (one mask sum, no mask value). 8: one batched opening (io.zkaudit.pcs.BatchedOpening)
   * of the witness bins, the weights or their shadow and a private input's shadow, instead of one
   * opening each; polynomials too small to join it are opened alone after it; a lookup's witness
   * side in up to three fraction trees (LogUpLayout.witnessTrees). 7: a lookup's witness groups
   * share one fraction tree (LogUpLayout.WitnessTree): two trees per lookup instead of one per
   * table and group, so the logUp proof carries two roots per lookup and its GKR layers four values
   * per tree. 6: every opening, the per-proof witness bins' included, takes the provable parameters
   * (124 queries, unique decoding): a whole proof is >= 100 provable bits (docs/soundness.md). 5:
   * no input hash in the proof (the verifier supplies the input), the version is absorbed into the
   * transcript, the weight and private-input openings take the long-lived parameters ({@link
   * InferenceStatement#longLivedPcsParams()}). 4: zero-knowledge convolution and depthwise layers
   * chain their two phases, lookups are blinded, constant addends are proven through the shadow
   * (docs/zero-knowledge.md).
   */
  public static final int VERSION = 9;

  public static final int MAX_OUTPUT = 1 << 20;
  public static final int MAX_LAYERS = 1 << 12;
  public static final int MAX_OPENING = 64 << 20;
  public static final int MAX_BINS = 8;

  public ModelProof {
    output = output.clone();
    rangeEvals = rangeEvals.clone();
    addEvals = addEvals.clone();
    linear = List.copyOf(linear);
    witness = List.copyOf(witness);
    opening = opening.clone();
    aloneOpenings = aloneOpenings.stream().map(byte[]::clone).toList();
    shadowLink = shadowLink.clone();
    if ((shadow != null) != zeroKnowledge) {
      throw new IllegalArgumentException(
          "a zero-knowledge proof has a weight shadow, a plain one has none");
    }
    if (privateInput != null && !zeroKnowledge) {
      throw new IllegalArgumentException("a private input needs a zero-knowledge proof");
    }
    if (samples < 0
        || samples > Batch.MAX_SAMPLES
        || (samples > 0 && privateInput != null && accuracy == null)) {
      throw new IllegalArgumentException(
          "a batch proof states 1.." + Batch.MAX_SAMPLES + " public inputs, not " + samples);
    }
    if (accuracy != null && (samples == 0 || output.length != 0)) {
      throw new IllegalArgumentException(
          "an accuracy proof is about a batch of public inputs and states no outputs");
    }
    if (committedOutput != null && (!zeroKnowledge || samples != 0 || output.length != 0)) {
      throw new IllegalArgumentException(
          "a committed output is one sample's, in a zero-knowledge proof that states no outputs");
    }
  }

  /**
   * Whether this proof's output is committed (a chained proof's body, {@link CommittedOutput}), not
   * stated: verified by {@link ModelVerifier#verifyCommittedOutput}.
   */
  public boolean hasCommittedOutput() {
    return committedOutput != null;
  }

  /**
   * Whether this is an accuracy proof (about {@link #samples()} labelled samples: {@link
   * ModelVerifier#verifyAccuracy}), not a batch or single-sample proof.
   */
  public boolean isAccuracy() {
    return accuracy != null;
  }

  /**
   * Whether this is an accuracy proof about a {@link TestSetCommitment} (its inputs and labels
   * committed, opened through {@link #privateInput()}'s shadow and link): {@link
   * ModelVerifier#verifyAccuracy(ModelProof, TestSetCommitment)}.
   */
  public boolean isTestSet() {
    return accuracy != null && privateInput != null;
  }

  /** Whether this is a batch proof (about {@link #samples()} samples), not a single-sample one. */
  public boolean isBatch() {
    return samples > 0 && accuracy == null;
  }

  @Override
  public byte[] shadowLink() {
    return shadowLink.clone();
  }

  @Override
  public int[] output() {
    return output.clone();
  }

  /**
   * Layer k's rounding remainders as the proof states them: c1 and c2 at the rounding lookup's
   * point, and c1 at the range lookup's (whose last coordinate picks c1 or c2).
   */
  public record RangeEvals(Ext2 c1, Ext2 c2, Ext2 c1AtPair) {}

  /** Proven layer k's {@link RangeEvals} (the length is checked by the verifier's reduction). */
  public RangeEvals rangeEvals(int layer) {
    return new RangeEvals(
        rangeEvals[3 * layer], rangeEvals[3 * layer + 1], rangeEvals[3 * layer + 2]);
  }

  @Override
  public Ext2[] rangeEvals() {
    return rangeEvals.clone();
  }

  @Override
  public Ext2[] addEvals() {
    return addEvals.clone();
  }

  @Override
  public byte[] opening() {
    return opening.clone();
  }

  @Override
  public List<byte[]> aloneOpenings() {
    return aloneOpenings.stream().map(byte[]::clone).toList();
  }

  /**
   * The encoded proof's bytes by section, in file order; they add up to {@code encode().length}
   * (the header, output and commitments are one section).
   */
  public java.util.LinkedHashMap<String, Integer> sectionSizes() {
    java.util.LinkedHashMap<String, Integer> out = new java.util.LinkedHashMap<>();
    int lookupBytes = lookups.toBytes().length + 4;
    int linearBytes = 4;
    for (WindowedLinearProof p : linear) {
      ByteWriter w = new ByteWriter();
      p.encode(w);
      linearBytes += w.toByteArray().length;
    }
    int evals =
        new ByteWriter().ext(inputEval).exts(rangeEvals).exts(addEvals).toByteArray().length;
    int openingBytes = opening.length + 4;
    int aloneBytes = 4;
    for (byte[] o : aloneOpenings) {
      aloneBytes += o.length + 4;
    }
    int gadgetBytes = accuracy == null ? 0 : accuracy.gadget().toBytes().length + 4;
    int linkBytes = shadowLink.length + 4;
    int inputBytes = privateInput == null ? 0 : privateInput.link.length + 4;
    int outputLinkBytes = committedOutput == null ? 0 : committedOutput.link().length + 4;
    int total = encode().length;
    int header =
        total
            - lookupBytes
            - linearBytes
            - gadgetBytes
            - evals
            - openingBytes
            - aloneBytes
            - linkBytes
            - inputBytes
            - outputLinkBytes;
    out.put("header, output, commitments", header);
    out.put("lookups (logUp-GKR)", lookupBytes);
    out.put("evaluations", evals);
    out.put("linear layers (sumchecks)", linearBytes);
    if (accuracy != null) {
      out.put("argmax and count", gadgetBytes);
    }
    out.put("batched opening", openingBytes);
    out.put("openings alone (" + aloneOpenings.size() + ")", aloneBytes);
    if (zeroKnowledge) {
      out.put("weight shadow link", linkBytes);
    }
    if (privateInput != null) {
      out.put(accuracy != null ? "test-set shadow link" : "input shadow link", inputBytes);
    }
    if (committedOutput != null) {
      out.put("output shadow link", outputLinkBytes);
    }
    return out;
  }

  public byte[] encode() {
    int flags =
        (zeroKnowledge ? 1 : 0)
            | (privateInput != null ? 2 : 0)
            | (samples > 0 ? 4 : 0)
            | (accuracy != null ? 8 : 0)
            | (committedOutput != null ? 16 : 0);
    ByteWriter w = new ByteWriter().raw(MAGIC).u32(VERSION).u8(flags).digest(model);
    if (samples > 0) {
      w.u32(samples);
    }
    if (accuracy != null) {
      w.u32(accuracy.correct());
    }
    w.u32(output.length);
    for (int v : output) {
      w.u32(v);
    }
    w.u32(witness.size());
    for (Commitment c : witness) {
      c.encode(w);
    }
    if (zeroKnowledge) {
      shadow.encode(w);
    }
    if (privateInput != null) {
      privateInput.shadow().encode(w);
    }
    if (committedOutput != null) {
      committedOutput.shadow().encode(w);
    }
    w.ext(inputEval);
    w.bytes(lookups.toBytes());
    w.exts(rangeEvals).exts(addEvals);
    w.u32(linear.size());
    for (WindowedLinearProof p : linear) {
      p.encode(w);
    }
    if (accuracy != null) {
      w.bytes(accuracy.gadget().toBytes());
    }
    w.bytes(opening);
    w.u32(aloneOpenings.size());
    for (byte[] o : aloneOpenings) {
      w.bytes(o);
    }
    w.bytes(shadowLink);
    if (privateInput != null) {
      w.bytes(privateInput.link);
    }
    if (committedOutput != null) {
      w.bytes(committedOutput.link());
    }
    return w.toByteArray();
  }

  public static ModelProof decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(r.u8("magic") == (m & 0xFF), "not a zkaudit proof (bad magic)");
    }
    int version = r.u32("version");
    InvalidProofException.check(
        version == VERSION,
        version < VERSION
            ? "proof format version "
                + version
                + " is no longer accepted (this verifier reads version "
                + VERSION
                + "; version 8 reveals each linear layer's accumulator at a point, a functional of"
                + " the weights, in zero-knowledge proofs; version 7 opens each commitment apart"
                + " and version 6 has one lookup fraction tree per witness group, which this"
                + " verifier does not read; older versions are not provably sound (version 5: 44.5"
                + " provable bits, 4 and before: not bound to their input): prove again)"
            : "proof format version "
                + version
                + " is newer than this verifier's ("
                + VERSION
                + "): update zkaudit");
    int flags = r.u8("flags");
    InvalidProofException.check(
        flags <= 1
            || flags == 3
            || flags == 4
            || flags == 5
            || flags == 12
            || flags == 13
            || flags == 15
            || flags == 17
            || flags == 19,
        "proof flags are " + flags);
    boolean outputCommitted = (flags & 16) != 0;
    boolean accuracy = (flags & 8) != 0;
    int zk = flags & 1;
    boolean privateInput = (flags & 2) != 0;
    Digest32 model = r.digest("model digest");
    int samples = 0;
    if ((flags & 4) != 0) {
      samples = r.u32("batch samples");
      InvalidProofException.check(
          samples >= 1 && samples <= Batch.MAX_SAMPLES,
          "a batch proof of " + samples + " samples (1.." + Batch.MAX_SAMPLES + ")");
    }
    int correct = accuracy ? r.u32("correct samples") : 0;
    InvalidProofException.check(
        correct >= 0 && correct <= samples,
        "an accuracy proof of " + correct + " correct samples out of " + samples);
    int n = r.length("output", MAX_OUTPUT);
    int[] output = new int[n];
    for (int i = 0; i < n; i++) {
      output[i] = r.u32("output value");
    }
    int bins = r.length("witness commitments", MAX_BINS);
    List<Commitment> witness = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      witness.add(Commitment.decode(r));
    }
    Commitment shadow = zk == 1 ? Commitment.decode(r) : null;
    Commitment inputShadow = privateInput ? Commitment.decode(r) : null;
    Commitment outputShadow = outputCommitted ? Commitment.decode(r) : null;
    InvalidProofException.check(
        !outputCommitted || n == 0,
        "a proof with a committed output states no outputs, this one " + n);
    Ext2 inputEval = r.ext("input evaluation");
    LogUpProof lookups = LogUpProof.fromBytes(r.bytes("lookup proof", MAX_OPENING));
    Ext2[] range = r.exts("range evaluations", 3 * MAX_LAYERS);
    Ext2[] adds = r.exts("add evaluations", MAX_LAYERS);
    int layers = r.length("linear layer proofs", MAX_LAYERS);
    List<WindowedLinearProof> linear = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      linear.add(WindowedLinearProof.decode(r));
    }
    Accuracy gadget =
        accuracy
            ? new Accuracy(
                correct,
                io.zkaudit.accuracy.ArgmaxCountProof.fromBytes(
                    r.bytes("argmax and count", MAX_OPENING)))
            : null;
    InvalidProofException.check(
        !accuracy || n == 0, "an accuracy proof states no outputs, this one " + n);
    byte[] opening = r.bytes("batched opening", MAX_OPENING);
    int alone = r.length("openings alone", MAX_BINS + 3);
    List<byte[]> ao = new ArrayList<>();
    for (int i = 0; i < alone; i++) {
      ao.add(r.bytes("opening alone", MAX_OPENING));
    }
    byte[] link = r.bytes("weight shadow link", MAX_OPENING);
    InvalidProofException.check(
        zk == 1 || link.length == 0, "a plain proof has no weight shadow link");
    PrivateInput pi =
        privateInput ? new PrivateInput(inputShadow, r.bytes("input link", MAX_OPENING)) : null;
    CommittedOutput co =
        outputCommitted
            ? new CommittedOutput(outputShadow, r.bytes("output link", MAX_OPENING))
            : null;
    r.finish();
    return new ModelProof(
        model, output, witness, shadow, inputEval, lookups, range, adds, linear, opening, ao, link,
        zk == 1, pi, samples, gadget, co);
  }
}

package io.zkaudit.inference;

import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.Recommit;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.List;

/**
 * What a proof with a <b>committed output</b> adds (a chained proof, docs/model-proofs.md "Chained
 * proofs"): instead of stating its output values, the proof states a commitment C to them, in the
 * scheme of an {@link InputCommitment} laid out as the next model's input (so the next model's
 * proof takes the very same C as its private input). The section carries the per-proof shadow of C
 * (t = 0: C's committed table, t = 1: fresh), opened with the proof's other polynomials, and the
 * shadow's link to C. The last layer's output claims, which a public-output proof checks against
 * the stated output, are routed to the shadow at t = 0, as a private input's claims are: so the
 * committed table's real entries are the body's output.
 *
 * <p>C's committed table is the body proof's own output table, its padding uniform (a
 * zero-knowledge witness), and its 2^16 hiding entries are drawn from a seed the body prover
 * chooses; the table and the seed are the opening, which the body prover hands to the head prover
 * ({@link #commitment(long[], byte[])} recomputes C from them).
 */
public record CommittedOutput(Commitment shadow, byte[] link) {
  public CommittedOutput {
    java.util.Objects.requireNonNull(shadow, "a committed output has its shadow");
    link = link.clone();
  }

  @Override
  public byte[] link() {
    return link.clone();
  }

  /** Bytes of a hiding seed. */
  public static final int SEED_BYTES = ZkRandom.SEED_BYTES;

  /**
   * The packed layout of the output commitment of a proof made with this (zero-knowledge) circuit:
   * an input commitment's, over the proven output's layout, which is the next model's input layout
   * ({@link #checkBoundary}).
   */
  public static PackedLayout layout(ModelCircuit circuit) {
    return new PackedLayout(
        InferenceStatement.outputLayout(circuit).numVars(), InputCommitment.HIDING_VARS);
  }

  /** The layout of the per-proof shadow of the output commitment. */
  public static PackedLayout shadowLayout(ModelCircuit circuit) {
    return layout(circuit).withShadowVariable();
  }

  /**
   * The statement of a proof whose output is committed: a public-output proof's transcript with a
   * {@code committed-output} flag after the mode flags and the commitment's digest in place of the
   * output values, so that such a proof is never a public-output proof (nor the other way round).
   */
  public static Transcript transcript(
      Digest32 model,
      Commitment weights,
      Digest32 inputHash,
      InputCommitment output,
      boolean zeroKnowledge,
      boolean privateInput) {
    Transcript t = new Transcript(InferenceStatement.DOMAIN);
    t.absorbLong("proof-version", ModelProof.VERSION);
    t.absorbLong("zero-knowledge", zeroKnowledge ? 1 : 0);
    if (privateInput) {
      t.absorbLong("private-input", 1);
    }
    t.absorbLong("committed-output", 1);
    t.absorbBytes("model", model.bytes());
    weights.absorb(t);
    t.absorbDigest("input-hash", inputHash);
    t.absorbDigest("output-commitment", output.digest());
    return t;
  }

  /**
   * The committed columns: the output table as the proof's witness holds it (its real entries the
   * output, its padding uniform), then 2^16 hiding entries drawn from {@code seed}.
   */
  public static List<long[]> columns(long[] table, byte[] seed) {
    if (seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("a hiding seed has " + SEED_BYTES + " bytes");
    }
    long[] hiding = new long[1 << InputCommitment.HIDING_VARS];
    ZkRandom.ofSeed(seed).fill(hiding, i -> true);
    return List.of(table.clone(), hiding);
  }

  /** The output commitment to {@code table} with the hiding entries of {@code seed}. */
  public static InputCommitment commitment(long[] table, byte[] seed) {
    return new InputCommitment(
        Recommit.columns(InferenceStatement.pcsParams(), columns(table, seed)));
  }

  /**
   * Whether the head's proofs can take the body's committed output as their input: the body's
   * proven output and the head's input are the same 8-bit tensor (type, scale and zero point) in
   * the same zero-knowledge layout. Both circuits are zero-knowledge ones.
   *
   * @throws InvalidProofException naming what differs
   */
  public static void checkBoundary(ModelCircuit body, ModelCircuit head)
      throws InvalidProofException {
    InvalidProofException.check(
        body.zeroKnowledge() && head.zeroKnowledge(),
        "a chain is checked on the zero-knowledge circuits");
    TensorSpec out = body.model().tensor(body.outputTensor());
    TensorSpec in = head.model().tensor(head.inputTensor());
    InvalidProofException.check(
        out.type().isByte(),
        "the body's output " + out.name() + " is " + out.type() + ", not an 8-bit tensor");
    InvalidProofException.check(
        out.type() == in.type()
            && out.scales().equals(in.scales())
            && out.zeroPoints().equals(in.zeroPoints()),
        "the body's output "
            + out.name()
            + " ("
            + out.type()
            + ", scale "
            + out.scales()
            + ", zero point "
            + out.zeroPoints()
            + ") is not the head's input "
            + in.name()
            + " ("
            + in.type()
            + ", scale "
            + in.scales()
            + ", zero point "
            + in.zeroPoints()
            + ")");
    TensorLayout a = InferenceStatement.outputLayout(body);
    TensorLayout b = InferenceStatement.inputLayout(head);
    InvalidProofException.check(
        a.equals(b),
        "the body's output "
            + out.name()
            + " "
            + out.shape()
            + " and the head's input "
            + in.name()
            + " "
            + in.shape()
            + " are laid out differently");
  }
}

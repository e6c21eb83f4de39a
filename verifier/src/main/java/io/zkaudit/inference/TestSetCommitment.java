package io.zkaudit.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.proof.InvalidProofException;

/**
 * The buyer's test-set commitment T (docs/accuracy-proof.md, "The test-set commitment as built"):
 * one Basefold commitment to N labelled samples, which an accuracy proof opens directly (no hash
 * inside the circuit). The committed polynomial packs three columns, all drawn by the buyer:
 *
 * <ol>
 *   <li>{@link #INPUT_COLUMN}: the N' = 2^ceil(log2 N) inputs in the batched input layout of the
 *       model's zero-knowledge circuit ({@link Batch#place}: sample b at offset b · 2^inVars), each
 *       sample's padding uniform; the padding samples b ≥ N hold x_0 (a batch proof's padding
 *       samples are inferences of x_0, {@link Batch});
 *   <li>{@link #LABEL_COLUMN}: the label table of the argmax gadget's zero-knowledge layout ({@link
 *       AccuracyLayout#of}), L(b, j) = [j = y_b] for b &lt; N and j &lt; K, uniform elsewhere (the
 *       gadget reads L on its box only);
 *   <li>2^{@value #HIDING_VARS} uniform hiding entries.
 * </ol>
 *
 * The commitment binds the columns (Basefold's Merkle root) and, through its uniform entries, hides
 * them until the buyer reveals them ({@link TestSetReveal}). N is part of T: its {@link #digest}
 * (what {@code AuditEscrow} stores as the test-set hash) covers N and the root, so a proof about
 * the first N − 1 samples, or about N + 1, is about another T.
 *
 * <p>Encoding: magic "ZKTS", u32 N, the commitment (32-byte root, u8 variables).
 */
public record TestSetCommitment(int samples, Commitment commitment) {
  public static final int HIDING_VARS = 16;
  public static final int INPUT_COLUMN = 0;
  public static final int LABEL_COLUMN = 1;
  private static final byte[] MAGIC = {'Z', 'K', 'T', 'S'};

  public TestSetCommitment {
    java.util.Objects.requireNonNull(commitment, "a test-set commitment has a commitment");
    if (samples < 1 || samples > Batch.MAX_SAMPLES) {
      throw new IllegalArgumentException(
          "a test set holds 1.." + Batch.MAX_SAMPLES + " samples, not " + samples);
    }
  }

  /**
   * The accuracy layout a test set of N samples is committed in: the zero-knowledge circuit's (a
   * proof about a test-set commitment is zero-knowledge, like a proof about a private input).
   *
   * @throws IllegalArgumentException if the model's accuracy cannot be proven in zero knowledge
   */
  public static AccuracyLayout accuracy(ModelCircuit zkCircuit, int samples) {
    if (!zkCircuit.zeroKnowledge()) {
      throw new IllegalArgumentException("a test set is laid out in the zero-knowledge circuit");
    }
    return AccuracyLayout.of(zkCircuit, new Batch(samples));
  }

  /** The packed layout of a test-set commitment: inputs, labels, hiding entries. */
  public static PackedLayout layout(ModelCircuit zkCircuit, int samples) {
    return layout(zkCircuit, accuracy(zkCircuit, samples));
  }

  static PackedLayout layout(ModelCircuit zkCircuit, AccuracyLayout accuracy) {
    return new PackedLayout(
        accuracy.batch().numVars(InferenceStatement.inputLayout(zkCircuit)),
        accuracy.argmax().numVars(),
        HIDING_VARS);
  }

  /**
   * The test-set hash: SHA-256 of this commitment's encoding (N and the root). What a proof's
   * transcript absorbs and {@code AuditEscrow} stores (a bytes32).
   */
  public Digest32 digest() {
    return new Digest32(Sha256.hash(encode()));
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter().raw(MAGIC).u32(samples);
    commitment.encode(w);
    return w.toByteArray();
  }

  /**
   * Decodes T, refusing anything else with a clear reason (bad magic, a sample count outside
   * 1..2^16, a malformed commitment, trailing bytes).
   */
  public static TestSetCommitment decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a zkaudit test-set commitment (bad magic)");
    }
    int samples = r.u32("test-set samples");
    InvalidProofException.check(
        samples >= 1 && samples <= Batch.MAX_SAMPLES,
        "a test-set commitment of " + samples + " samples (1.." + Batch.MAX_SAMPLES + ")");
    Commitment c = Commitment.decode(r);
    r.finish();
    return new TestSetCommitment(samples, c);
  }

  /** "N samples, root …" for messages. */
  @Override
  public String toString() {
    return samples + " samples, test-set hash " + digest();
  }
}

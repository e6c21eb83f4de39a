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
 * A commitment to a model input, for proofs that keep the input private ({@code --private-input}):
 * the verifier learns the commitment and the output, not the input. The committed polynomial packs
 * two columns: the input in the model's input layout with its padding uniform (column 0), and 2^16
 * uniform hiding entries (column 1). Both are secret randomness of the committer, so the commitment
 * does not reveal a guessable input; proofs read it through a per-proof shadow and a link, like the
 * weights (docs/zero-knowledge.md, "Private inputs").
 */
public record InputCommitment(Commitment commitment) {
  public static final int HIDING_VARS = 16;
  private static final byte[] MAGIC = {'Z', 'K', 'I', 'C'};

  /** The packed layout of an input commitment for this circuit. */
  public static PackedLayout layout(ModelCircuit circuit) {
    return new PackedLayout(InferenceStatement.inputLayout(circuit).numVars(), HIDING_VARS);
  }

  /** What a proof records in place of the input's hash: SHA-256 of this commitment's encoding. */
  public Digest32 digest() {
    return new Digest32(Sha256.hash(encode()));
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter().raw(MAGIC);
    commitment.encode(w);
    return w.toByteArray();
  }

  public static InputCommitment decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a zkaudit input commitment (bad magic)");
    }
    Commitment c = Commitment.decode(r);
    r.finish();
    return new InputCommitment(c);
  }
}

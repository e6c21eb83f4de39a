package io.zkaudit.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.DifferenceLink;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.pcs.ShadowLinkProof;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A zero-knowledge proof that two verifying keys of the same model description commit to the same
 * weights: the link a seller publishes when it rotates a weight commitment whose hiding budget runs
 * out (docs/zero-knowledge.md, "Rotation"). Buyers, registries and contracts then treat the new key
 * as the same audited model.
 *
 * <p><b>Statement.</b> VK_old and VK_new have equal descriptions, hence the same {@link
 * WeightLayout} and packed polynomial shape, and their packed weight polynomials W_old, W_new agree
 * on every column that holds weights, biases or addends. The hiding entries (packed tail, HIDING
 * column) differ by design and are outside the statement.
 *
 * <p><b>Protocol.</b> Let E = W_old - W_new. The prover commits a fresh shadow Q(t, x) with Q(0, x)
 * = E(x) and Q(1, x) = M(x) uniform. After Fiat–Shamir over both key digests, both weight
 * commitments, the generation and Q's root, the verifier draws for every real column j a point z_j
 * in the extension field (one coordinate per column variable); Q is opened (long-lived parameters,
 * {@link InferenceStatement#longLivedPcsParams()}) on the claims Q_j(0, z_j) = 0, and a {@link
 * DifferenceLink} shows, at the opening's own query positions, that Q's even half is W_old - W_new.
 * If E_j is not zero, E_j(z_j) = 0 has probability at most m_j / |F_ext| (Schwartz–Zippel, m_j =
 * column j's variables). Neither weight commitment is opened at a claim: Q's folds are (1 - r) E +
 * r M, masked by M, and the link reveals the same codeword entries of each commitment as one
 * inference proof's shadow link (so a rotation spends one proof of each key's hiding budget).
 *
 * <p>File format (".vk.link"): magic "ZKRL", u32 version, old key digest, new key digest, u32
 * generation of the new key, Q's commitment, the opening (length-prefixed), the rows of W_old and
 * of W_new ({@link ShadowLinkProof} encodings).
 *
 * @param oldModel the digest of the key rotated from
 * @param newModel the digest of the key rotated to
 * @param generation the new key's rotation generation (the label of its hiding randomness; the
 *     first commitment of a model is generation 0): public, so the seller can recompute the key
 * @param shadow Q's commitment
 * @param opening Q's encoded opening of the zero claims
 */
public record RotationLink(
    Digest32 oldModel,
    Digest32 newModel,
    int generation,
    Commitment shadow,
    byte[] opening,
    ShadowLinkProof oldRows,
    ShadowLinkProof newRows) {
  private static final byte[] MAGIC = {'Z', 'K', 'R', 'L'};
  public static final int VERSION = 1;
  public static final String DOMAIN = "zkaudit/rotation-link/v1";

  /** Openings are far below this; it bounds what a hostile file can make us allocate. */
  private static final int MAX_OPENING = 64 << 20;

  public RotationLink {
    opening = opening.clone();
    if (generation < 1) {
      throw new IllegalArgumentException("a rotated key has generation >= 1, not " + generation);
    }
  }

  @Override
  public byte[] opening() {
    return opening.clone();
  }

  /** The parameters of the link's opening: those of every opening of a long-lived commitment. */
  public static PcsParams params() {
    return InferenceStatement.longLivedPcsParams();
  }

  /**
   * The transcript both sides start from: the domain, both key digests (which bind the descriptions
   * and both weight commitments), the generation and the commitments themselves.
   */
  public static Transcript transcript(VerifyingKey oldKey, VerifyingKey newKey, int generation) {
    Transcript t = new Transcript(DOMAIN);
    t.absorbDigest("rotation/old-model", oldKey.digest());
    t.absorbDigest("rotation/new-model", newKey.digest());
    t.absorbLong("rotation/generation", generation);
    oldKey.weights().absorb(t);
    newKey.weights().absorb(t);
    return t;
  }

  /** The weight layout both keys must share, from the (equal) description. */
  public static WeightLayout layout(VerifyingKey key) throws InvalidProofException {
    try {
      return WeightLayout.of(ModelCircuit.of(key.description(), true));
    } catch (RuntimeException e) {
      throw new InvalidProofException("the model cannot be proven: " + e.getMessage());
    }
  }

  /**
   * The claims Q_j(0, z_j) = 0, one per real (non-hiding) column, with z_j drawn from t after Q's
   * commitment has been absorbed. Column numbers are the shadow layout's, which are the weight
   * layout's.
   */
  public static List<ColumnClaim> zeroClaims(WeightLayout layout, Transcript t) {
    List<ColumnClaim> claims = new ArrayList<>();
    for (int j = 0; j < layout.entries().size(); j++) {
      WeightLayout.Entry e = layout.entries().get(j);
      if (e.kind() == WeightLayout.Kind.HIDING) {
        continue;
      }
      Ext2[] point = new Ext2[e.numVars() + 1];
      point[0] = Ext2.ZERO; // t = 0: the difference half, not the mask
      Ext2[] z = t.challengeExts("rotation/point", e.numVars());
      System.arraycopy(z, 0, point, 1, z.length);
      claims.add(new ColumnClaim(j, point, Ext2.ZERO));
    }
    return claims;
  }

  /**
   * Checks that this link proves oldKey and newKey commit to the same weights.
   *
   * @throws InvalidProofException with the reason: other keys than the link names, different
   *     descriptions, a malformed section, a failed opening or link check
   */
  public void verify(VerifyingKey oldKey, VerifyingKey newKey) throws InvalidProofException {
    InvalidProofException.check(
        oldKey.digest().equals(oldModel),
        "the link is from model " + oldModel.hex() + ", not from " + oldKey.digest().hex());
    InvalidProofException.check(
        newKey.digest().equals(newModel),
        "the link is to model " + newModel.hex() + ", not to " + newKey.digest().hex());
    InvalidProofException.check(!oldModel.equals(newModel), "a key cannot be rotated to itself");
    InvalidProofException.check(
        Arrays.equals(oldKey.description().encode(), newKey.description().encode()),
        "the two keys describe different models (a rotation keeps the description)");
    WeightLayout layout = layout(oldKey);
    PackedLayout packed = new PackedLayout(layout.logSizes());
    int n = packed.numVars();
    InvalidProofException.check(
        oldKey.weights().numVars() == n && newKey.weights().numVars() == n,
        "the weight commitments have "
            + oldKey.weights().numVars()
            + " and "
            + newKey.weights().numVars()
            + " variables, the model needs "
            + n);
    PackedLayout shadowLayout = packed.withShadowVariable();
    InvalidProofException.check(
        shadow.numVars() == shadowLayout.numVars(),
        "the link's shadow has "
            + shadow.numVars()
            + " variables, expected "
            + shadowLayout.numVars());
    Transcript t = transcript(oldKey, newKey, generation);
    shadow.absorb(t);
    List<ColumnClaim> claims = zeroClaims(layout, t);
    BasefoldVerifier pcs = new BasefoldVerifier(params());
    OpeningProof decoded = OpeningProof.decode(opening, params(), shadowLayout.numVars());
    int[] leaves;
    try {
      leaves = pcs.verifyColumns(shadow, shadowLayout, claims, decoded, t);
    } catch (InvalidProofException e) {
      throw new InvalidProofException("rotation link opening: " + e.getMessage());
    }
    DifferenceLink.verify(
        params(), oldKey.weights(), newKey.weights(), shadow, decoded, leaves, oldRows, newRows);
  }

  public byte[] encode() {
    ByteWriter w =
        new ByteWriter().raw(MAGIC).u32(VERSION).digest(oldModel).digest(newModel).u32(generation);
    shadow.encode(w);
    w.bytes(opening);
    oldRows.encode(w);
    newRows.encode(w);
    return w.toByteArray();
  }

  public static RotationLink decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a zkaudit rotation link (bad magic)");
    }
    int version = r.u32("version");
    InvalidProofException.check(
        version == VERSION, "rotation link version " + version + ", expected " + VERSION);
    Digest32 from = r.digest("old model");
    Digest32 to = r.digest("new model");
    int generation = r.u32("generation");
    InvalidProofException.check(
        generation >= 1, "a rotated key has generation >= 1, not " + generation);
    Commitment shadow = Commitment.decode(r);
    InvalidProofException.check(shadow.numVars() >= 1, "the link's shadow has no variables");
    byte[] opening = r.bytes("opening", MAX_OPENING);
    ShadowLinkProof oldRows;
    ShadowLinkProof newRows;
    try {
      oldRows = ShadowLinkProof.decode(r, params(), shadow.numVars() - 1);
      newRows = ShadowLinkProof.decode(r, params(), shadow.numVars() - 1);
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException("rotation link rows: " + e.getMessage());
    }
    r.finish();
    return new RotationLink(from, to, generation, shadow, opening, oldRows, newRows);
  }

  /** Bytes of the encoding. */
  public int encodedSize() {
    return encode().length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RotationLink l
        && oldModel.equals(l.oldModel)
        && newModel.equals(l.newModel)
        && generation == l.generation
        && shadow.equals(l.shadow)
        && Arrays.equals(opening, l.opening)
        && oldRows.equals(l.oldRows)
        && newRows.equals(l.newRows);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(
        new Object[] {oldModel, newModel, generation, shadow, Arrays.hashCode(opening)});
  }

  @Override
  public String toString() {
    return "RotationLink["
        + oldModel.hex().substring(0, 12)
        + " -> "
        + newModel.hex().substring(0, 12)
        + ", generation "
        + generation
        + ", "
        + encodedSize()
        + " bytes]";
  }
}

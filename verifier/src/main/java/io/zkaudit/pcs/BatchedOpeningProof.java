package io.zkaudit.pcs;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.proof.InvalidProofException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One opening of several committed polynomials ({@link BatchedOpening}).
 *
 * <p>Encoding (counts u32):
 *
 * <pre>
 *   reduction : n x (h(0), h(1), h(2))     the claim-reduction sumcheck, n = the largest numVars
 *   values    : m Ext2                     each polynomial at the suffix of the reduced point
 *   combined  : u32 length, an {@link OpeningProof} of n variables (its own encoding, unchanged)
 *   joining   : (m - 1) x (rows, merkle multi-proof)   polynomials 1..m-1's opened leaves
 * </pre>
 *
 * @param reduction the claim-reduction sumcheck's messages
 * @param values s_j = f_j(r_suffix), j = 0..m-1
 * @param combined the Basefold opening of the combination, polynomial 0 folded with the others
 *     joining on the way
 * @param joining the leaves of polynomials 1..m-1 that the combined opening's queries read
 */
public record BatchedOpeningProof(
    List<Ext2[]> reduction,
    Ext2[] values,
    OpeningProof combined,
    List<OpeningProof.QueryLayer> joining) {

  public BatchedOpeningProof {
    List<Ext2[]> copy = new ArrayList<>(reduction.size());
    for (Ext2[] h : reduction) {
      if (h.length != 3) {
        throw new IllegalArgumentException("a round message has 3 evaluations");
      }
      copy.add(h.clone());
    }
    reduction = List.copyOf(copy);
    values = values.clone();
    joining = List.copyOf(joining);
  }

  @Override
  public List<Ext2[]> reduction() {
    return reduction.stream().map(Ext2[]::clone).toList();
  }

  Ext2[] round(int i) {
    return reduction.get(i);
  }

  @Override
  public Ext2[] values() {
    return values.clone();
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter();
    w.u32(reduction.size());
    for (Ext2[] h : reduction) {
      w.ext(h[0]).ext(h[1]).ext(h[2]);
    }
    w.exts(values);
    w.bytes(combined.encode());
    w.u32(joining.size());
    for (OpeningProof.QueryLayer layer : joining) {
      w.fields(layer.rowsView());
      layer.paths().encode(w);
    }
    return w.toByteArray();
  }

  /**
   * Decodes a batched opening of polynomials of these numbers of variables (non-increasing);
   * rejects any other shape, non-canonical elements and trailing bytes.
   */
  public static BatchedOpeningProof decode(byte[] bytes, PcsParams params, int[] numVars)
      throws InvalidProofException {
    BatchedOpening.checkSizes(params, numVars);
    int n = numVars[0];
    ByteReader r = new ByteReader(bytes);
    int rounds = r.length("reduction rounds", n);
    InvalidProofException.check(
        rounds == n, "expected " + n + " reduction rounds, found " + rounds);
    List<Ext2[]> reduction = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      reduction.add(
          new Ext2[] {r.ext("reduction h(0)"), r.ext("reduction h(1)"), r.ext("reduction h(2)")});
    }
    Ext2[] values = r.exts("reduced values", numVars.length);
    InvalidProofException.check(
        values.length == numVars.length,
        "expected " + numVars.length + " reduced values, found " + values.length);
    OpeningProof combined =
        OpeningProof.decode(r.bytes("combined opening", BatchedOpening.MAX_BYTES), params, n);
    int joiningCount = r.length("joining layers", numVars.length - 1);
    InvalidProofException.check(
        joiningCount == numVars.length - 1,
        "expected " + (numVars.length - 1) + " joining layers, found " + joiningCount);
    List<OpeningProof.QueryLayer> joining = new ArrayList<>(joiningCount);
    int arity = params.foldArityLog();
    for (int j = 1; j < numVars.length; j++) {
      int rowLongs = OpeningProof.rowLongs(params, numVars[j], 0);
      int leavesMax = params.queries() << arity;
      long[] rows = r.fields("joining rows", leavesMax * rowLongs);
      InvalidProofException.check(
          rows.length > 0 && rows.length % rowLongs == 0,
          "joining rows of polynomial " + j + " are not whole rows");
      int depth = numVars[j] + params.logBlowup() - params.arities(numVars[j])[0];
      joining.add(
          new OpeningProof.QueryLayer(
              rows, MerkleMultiProof.decode(r, leavesMax * Math.max(1, depth))));
    }
    r.finish();
    return new BatchedOpeningProof(reduction, values, combined, joining);
  }

  public int encodedSize() {
    return encode().length;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BatchedOpeningProof p) || reduction.size() != p.reduction.size()) {
      return false;
    }
    for (int i = 0; i < reduction.size(); i++) {
      if (!Arrays.equals(reduction.get(i), p.reduction.get(i))) {
        return false;
      }
    }
    return Arrays.equals(values, p.values)
        && combined.equals(p.combined)
        && joining.equals(p.joining);
  }

  @Override
  public int hashCode() {
    return 31 * combined.hashCode() + Arrays.hashCode(values);
  }
}

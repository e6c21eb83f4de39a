package io.zkaudit.pcs;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.proof.InvalidProofException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Basefold opening proof of one committed polynomial for a batch of evaluation claims.
 *
 * <p>Encoding (all counts u32, elements as in {@link ByteWriter}):
 *
 * <pre>
 *   rounds      : F x (h(0), h(1), h(2))           F = params.foldRounds(n), each an Ext2
 *   oracleRoots : (L - 1) x 32 bytes               L = params.arities(n).length
 *   final       : 2^d Ext2 coefficients            d = params.finalVars(n)
 *   powNonce    : u64
 *   layers      : L x (u32 rows, rows x rowLongs field elements, merkle multi-proof)
 * </pre>
 *
 * The shape is fixed by (params, n), so {@link #decode} checks every count exactly or against its
 * bound before allocating, and rejects non-canonical field elements and trailing bytes.
 *
 * @param rounds the sumcheck messages: evaluations of each round polynomial at 0, 1, 2
 * @param oracleRoots Merkle roots of the folded codewords (oracles 1..L-1)
 * @param finalCoeffs coefficients (monomial basis, variable j = bit j) of the polynomial left after
 *     folding
 * @param powNonce the grinding nonce
 * @param layers per oracle: the opened leaves (rows, in increasing leaf order) and their paths
 */
public record OpeningProof(
    List<Ext2[]> rounds,
    List<Digest32> oracleRoots,
    Ext2[] finalCoeffs,
    long powNonce,
    List<QueryLayer> layers) {

  /**
   * The opened leaves of one oracle.
   *
   * @param rows the rows of the distinct opened leaves in increasing leaf order, concatenated (each
   *     row has rowLongs longs: base elements for oracle 0, interleaved Ext2 after)
   * @param paths their batched Merkle opening
   */
  public record QueryLayer(long[] rows, MerkleMultiProof paths) {
    public QueryLayer {
      rows = rows.clone();
    }

    @Override
    public long[] rows() {
      return rows.clone();
    }

    long[] rowsView() {
      return rows;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof QueryLayer q && Arrays.equals(rows, q.rows) && paths.equals(q.paths);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(rows) + paths.hashCode();
    }
  }

  public OpeningProof {
    List<Ext2[]> copy = new ArrayList<>(rounds.size());
    for (Ext2[] r : rounds) {
      if (r.length != 3) {
        throw new IllegalArgumentException("a round message has 3 evaluations");
      }
      copy.add(r.clone());
    }
    rounds = List.copyOf(copy);
    oracleRoots = List.copyOf(oracleRoots);
    finalCoeffs = finalCoeffs.clone();
    layers = List.copyOf(layers);
  }

  @Override
  public List<Ext2[]> rounds() {
    List<Ext2[]> copy = new ArrayList<>(rounds.size());
    for (Ext2[] r : rounds) {
      copy.add(r.clone());
    }
    return copy;
  }

  Ext2[] round(int i) {
    return rounds.get(i);
  }

  @Override
  public Ext2[] finalCoeffs() {
    return finalCoeffs.clone();
  }

  Ext2[] finalView() {
    return finalCoeffs;
  }

  /** Row width in longs of oracle i: 2^a base elements for the commitment, 2^a Ext2 after. */
  public static int rowLongs(PcsParams params, int numVars, int oracle) {
    int a = params.arities(numVars)[oracle];
    return oracle == 0 ? 1 << a : 2 << a;
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter();
    w.u32(rounds.size());
    for (Ext2[] r : rounds) {
      w.ext(r[0]).ext(r[1]).ext(r[2]);
    }
    w.u32(oracleRoots.size());
    for (Digest32 d : oracleRoots) {
      w.digest(d);
    }
    w.exts(finalCoeffs);
    w.u64(powNonce);
    w.u32(layers.size());
    for (QueryLayer l : layers) {
      w.fields(l.rows);
      l.paths.encode(w);
    }
    return w.toByteArray();
  }

  /**
   * Decodes a proof for a polynomial of numVars variables under params; rejects any other shape.
   */
  public static OpeningProof decode(byte[] bytes, PcsParams params, int numVars)
      throws InvalidProofException {
    if (numVars < 0 || numVars > PcsParams.MAX_NUM_VARS) {
      throw new InvalidProofException("number of variables out of range: " + numVars);
    }
    ByteReader r = new ByteReader(bytes);
    int f = params.foldRounds(numVars);
    int[] arities = params.arities(numVars);
    int nRounds = r.length("sumcheck rounds", f);
    InvalidProofException.check(
        nRounds == f, "expected " + f + " sumcheck rounds, found " + nRounds);
    List<Ext2[]> rounds = new ArrayList<>(f);
    for (int i = 0; i < f; i++) {
      rounds.add(new Ext2[] {r.ext("round h(0)"), r.ext("round h(1)"), r.ext("round h(2)")});
    }
    int nRoots = r.length("oracle roots", arities.length - 1);
    InvalidProofException.check(
        nRoots == arities.length - 1,
        "expected " + (arities.length - 1) + " oracle roots, found " + nRoots);
    List<Digest32> roots = new ArrayList<>(nRoots);
    for (int i = 0; i < nRoots; i++) {
      roots.add(r.digest("oracle root"));
    }
    int finalLen = 1 << params.finalVars(numVars);
    Ext2[] fin = r.exts("final polynomial", finalLen);
    InvalidProofException.check(
        fin.length == finalLen,
        "expected " + finalLen + " final coefficients, found " + fin.length);
    long nonce = r.u64("pow nonce");
    int nLayers = r.length("query layers", arities.length);
    InvalidProofException.check(
        nLayers == arities.length,
        "expected " + arities.length + " query layers, found " + nLayers);
    List<QueryLayer> layers = new ArrayList<>(nLayers);
    for (int i = 0; i < nLayers; i++) {
      int rowLongs = rowLongs(params, numVars, i);
      int depth = params.oracleLogLength(numVars, i) - arities[i];
      long[] rows = r.fields("query rows", params.queries() * rowLongs);
      InvalidProofException.check(
          rows.length % rowLongs == 0 && rows.length > 0,
          "query rows of oracle " + i + " are not whole rows");
      MerkleMultiProof paths = MerkleMultiProof.decode(r, params.queries() * Math.max(1, depth));
      layers.add(new QueryLayer(rows, paths));
    }
    r.finish();
    return new OpeningProof(rounds, roots, fin, nonce, layers);
  }

  public int encodedSize() {
    return encode().length;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OpeningProof p) || rounds.size() != p.rounds.size()) {
      return false;
    }
    for (int i = 0; i < rounds.size(); i++) {
      if (!Arrays.equals(rounds.get(i), p.rounds.get(i))) {
        return false;
      }
    }
    return oracleRoots.equals(p.oracleRoots)
        && Arrays.equals(finalCoeffs, p.finalCoeffs)
        && powNonce == p.powNonce
        && layers.equals(p.layers);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(finalCoeffs) * 31 + Long.hashCode(powNonce);
  }
}

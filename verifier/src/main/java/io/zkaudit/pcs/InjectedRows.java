package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;

/**
 * The rows of a joining polynomial's commitment that a batched opening's queries read, checked
 * against its root: where the folding reaches the joining codeword's length, each query's coset has
 * shrunk to 2^width consecutive entries, which sit in one or more of its commitment's leaves.
 */
record InjectedRows(
    BasefoldVerifier.Injection injection,
    Ext2 coefficient,
    int width,
    int leafLog,
    long[] rows,
    int[] leaves) {

  /**
   * @param queryLeaves each query's leaf in the oracle whose fold block contains the injection
   *     round (its coset there has become the entries [leaf 2^width, (leaf + 1) 2^width))
   * @param coefficient the theta drawn at the injection round
   * @param width log2 of the entries per query at the injection round
   */
  static InjectedRows verify(
      PcsParams params,
      BasefoldVerifier.Injection injection,
      Ext2 coefficient,
      int[] queryLeaves,
      int width)
      throws InvalidProofException {
    int n = injection.commitment().numVars();
    int leafLog = params.arities(n)[0];
    int rowLongs = OpeningProof.rowLongs(params, n, 0);
    int depth = n + params.logBlowup() - leafLog;
    int[] leaves = BatchedOpening.joiningLeaves(params, n, queryLeaves, width);
    long[] rows = injection.layer().rowsView();
    String who = "joining polynomial of round " + injection.round();
    InvalidProofException.check(
        rows.length == leaves.length * rowLongs,
        who + ": expected " + leaves.length + " opened rows");
    try {
      OpenedRows.verify(
          rows, rowLongs, injection.commitment().root(), depth, leaves, injection.layer().paths());
    } catch (InvalidProofException e) {
      throw new InvalidProofException(who + ": " + e.getMessage());
    }
    return new InjectedRows(injection, coefficient, width, leafLog, rows, leaves);
  }

  /**
   * The coset of {@code leaf} (2^width entries) plus the coefficient times the joining codeword
   * there.
   */
  Ext2[] addTo(Ext2[] coset, int leaf) {
    Ext2[] out = coset.clone();
    int rowLongs = 1 << leafLog;
    for (int m = 0; m < out.length; m++) {
      long p = ((long) leaf << width) + m;
      int row = Arrays.binarySearch(leaves, (int) (p >>> leafLog));
      long entry = rows[row * rowLongs + (int) (p & (rowLongs - 1))];
      out[m] = out[m].add(coefficient.mul(entry));
    }
    return out;
  }
}

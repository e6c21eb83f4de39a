package io.zkaudit.pcs;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.merkle.MerkleTree;
import io.zkaudit.ntt.ReedSolomon;
import io.zkaudit.poly.Mle;
import java.util.List;

/**
 * A commitment recomputed from the committed values, for a verifier that is given them (e.g. a
 * buyer handed a revealed input and the seed of its hiding randomness): the same Reed-Solomon
 * encoding and Merkle tree as {@code io.zkaudit.prover.pcs.BasefoldProver#commit(List)}, keeping
 * only the root.
 */
public final class Recommit {
  private Recommit() {}

  /**
   * What every commitment requires of its evaluations (the prover's and this recomputation alike):
   * a power-of-two count of at most 2^27, a codeword that fits an array, canonical field elements.
   * Returns the number of variables.
   */
  public static int checkedNumVars(PcsParams params, long[] evals) {
    int n = Mle.numVars(evals.length);
    PcsParams.checkNumVars(n);
    if (n + params.logBlowup() > 30) {
      throw new IllegalArgumentException(
          "2^"
              + n
              + " evaluations at blow-up 2^"
              + params.logBlowup()
              + " exceed the codeword size limit");
    }
    for (long v : evals) {
      if (!Goldilocks.isCanonical(v)) {
        throw new IllegalArgumentException("evaluations must be canonical field elements");
      }
    }
    return n;
  }

  /** The commitment to these columns packed by {@link PackedLayout} (the unused tail zero). */
  public static Commitment columns(PcsParams params, List<long[]> columns) {
    long[] packed = PackedLayout.of(columns).pack(columns);
    int n = checkedNumVars(params, packed);
    long[] codeword = ReedSolomon.encodeEvaluations(packed, params.logBlowup());
    return new Commitment(
        MerkleTree.build(codeword, OpeningProof.rowLongs(params, n, 0)).root(), n);
  }
}

package io.zkaudit.prover.inference;

import io.zkaudit.inference.RotationLink;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.pcs.Opened;
import io.zkaudit.prover.pcs.ShadowLinks;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The prover's side of a {@link RotationLink}: commits the shadow of W_old - W_new (zero on every
 * real weight column, the difference of the two secret hiding tails elsewhere, interleaved with a
 * fresh mask), opens it on the verifier's zero claims and opens both weight commitments' rows at
 * the opening's query positions. Also the rotation itself: the same model committed afresh under
 * the next generation of the hiding key's derivation ({@link #rotate}).
 */
public final class RotationLinks {
  private RotationLinks() {}

  /** A rotated commitment and the link from the key it replaces. */
  public record Rotation(CommittedModel committed, RotationLink link) {}

  /**
   * Commits the model afresh at {@code generation} (its hiding randomness derived from the hiding
   * key, the model and the generation: reproducible, and independent of every other generation's)
   * and proves the link from {@code old}, which must hold the same model.
   */
  public static Rotation rotate(CommittedModel old, byte[] hidingKey, int generation) {
    if (!old.layout().holdsConstants()) {
      throw new ProverException(
          "the model commits no weight: no proof opens its weight commitment, so there is nothing"
              + " to rotate");
    }
    CommittedModel fresh = ModelProver.commit(old.model(), hidingKey, generation);
    return new Rotation(fresh, prove(old, fresh, generation));
  }

  /**
   * Proves that two commitments of one model hold the same weights.
   *
   * @throws ProverException if they describe different models or hold different weights (no valid
   *     link exists)
   */
  public static RotationLink prove(CommittedModel old, CommittedModel fresh, int generation) {
    if (!Arrays.equals(old.vk().description().encode(), fresh.vk().description().encode())) {
      throw new ProverException("the two commitments describe different models");
    }
    for (int j = 0; j < old.layout().entries().size(); j++) {
      if (old.layout().entries().get(j).kind() != WeightLayout.Kind.HIDING
          && !Arrays.equals(old.weightTables().get(j), fresh.weightTables().get(j))) {
        throw new ProverException("the two commitments hold different weights (column " + j + ")");
      }
    }
    return proveUnchecked(old, fresh, generation, ZkRandom.fresh());
  }

  /**
   * The link as the protocol makes it, without checking the statement first: tests use it to play a
   * prover that links different weights.
   */
  static RotationLink proveUnchecked(
      CommittedModel old, CommittedModel fresh, int generation, ZkRandom random) {
    VerifyingKey oldKey = old.vk();
    VerifyingKey newKey = fresh.vk();
    BasefoldProver pcs = new BasefoldProver(RotationLink.params());
    Committed shadow =
        pcs.commitDifferenceShadow(old.weights(), fresh.weights(), random::nextField);
    Transcript t = RotationLink.transcript(oldKey, newKey, generation);
    shadow.commitment().absorb(t);
    List<ColumnClaim> claims = RotationLink.zeroClaims(old.layout(), t);
    Opened opened = pcs.openColumnsWithLeaves(shadow, claims, t);
    return new RotationLink(
        oldKey.digest(),
        newKey.digest(),
        generation,
        shadow.commitment(),
        opened.proof().encode(),
        ShadowLinks.prove(pcs.params(), old.weights(), opened.leaves()),
        ShadowLinks.prove(pcs.params(), fresh.weights(), opened.leaves()));
  }
}

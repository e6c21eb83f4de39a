package io.zkaudit.protocols.buyer;

import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.InputOpening;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.ProvenItem;
import io.zkaudit.protocols.ItemCommitment;
import io.zkaudit.protocols.RetrievalPredicates;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.zk.ZkRandom;
import java.util.Arrays;

/**
 * The buyer's check of one item of a private item set. Every item comes as its name, its input
 * commitment and a zero-knowledge proof about that commitment: the proof, verified against the
 * commitment alone, gives the model's output on the committed input, so the match flag is checked
 * without the tensor. A matching item also reveals its tensor and the seed of its commitment's
 * randomness; the buyer recomputes the commitment from them ({@link InputOpening}), which shows the
 * tensor is the committed input the proof was about. The leaf is rebuilt from the name and the
 * commitment's digest, so the Merkle root binds each item's commitment.
 */
final class PrivateItems {
  private PrivateItems() {}

  /**
   * A verified item: its leaf hash, its proven output, and its tensor when it was revealed (a
   * match).
   */
  record Verified(byte[] leaf, int[] output, int[] tensor) {}

  static Verified verify(RegisteredModel model, Predicate predicate, ProvenItem item)
      throws BuyerException {
    int i = item.getIndex();
    InputCommitment commitment;
    try {
      commitment = InputCommitment.decode(item.getInputCommitment().toByteArray());
    } catch (InvalidProofException e) {
      throw RetrievalClient.invalid("item " + i + ": invalid input commitment: " + e.getMessage());
    }
    ModelProof proof;
    try {
      proof = ModelProof.decode(item.getProof().toByteArray());
    } catch (InvalidProofException e) {
      throw RetrievalClient.invalid("item " + i + ": invalid proof: " + e.getMessage());
    }
    if (!proof.model().equals(new Digest32(model.id().toByteArray()))) {
      throw RetrievalClient.invalid("item " + i + ": the proof is for another model");
    }
    int[] output;
    try {
      // Without the tensor: the proof shows output = model(the input committed in commitment).
      output = model.verifier().verifyCommitted(proof, commitment);
    } catch (InvalidProofException e) {
      throw RetrievalClient.invalid("item " + i + ": invalid proof: " + e.getMessage());
    }
    if (RetrievalPredicates.matches(predicate, output) != item.getMatches()) {
      throw RetrievalClient.invalid(
          "item "
              + i
              + " ("
              + item.getName()
              + "): the seller says it "
              + (item.getMatches() ? "matches" : "does not match")
              + " but its proven output says otherwise");
    }
    int[] tensor = item.getMatches() ? opened(model, item, commitment) : null;
    return new Verified(
        ItemCommitment.leaf(item.getName(), commitment.digest().bytes()), output, tensor);
  }

  /**
   * A match's tensor, checked to be the committed input: its commitment, rebuilt with the revealed
   * seed, is the item's.
   */
  private static int[] opened(RegisteredModel model, ProvenItem item, InputCommitment commitment)
      throws BuyerException {
    int i = item.getIndex();
    TensorSpec in = model.vk().description().tensor(model.verifier().circuit().inputTensor());
    int[] tensor = Tensors.fromList(item.getTensorList());
    if (tensor.length != in.size()) {
      throw RetrievalClient.invalid(
          "item "
              + i
              + " ("
              + item.getName()
              + "): a match must reveal its tensor of "
              + in.size()
              + " values, not "
              + tensor.length);
    }
    for (int v : tensor) {
      if (v < in.type().min() || v > in.type().max()) {
        throw RetrievalClient.invalid(
            "item "
                + i
                + " ("
                + item.getName()
                + "): the revealed tensor has a value ("
                + v
                + ") outside the model's input type");
      }
    }
    byte[] seed = item.getInputSeed().toByteArray();
    if (seed.length != ZkRandom.SEED_BYTES) {
      throw RetrievalClient.invalid(
          "item "
              + i
              + " ("
              + item.getName()
              + "): a match must reveal its "
              + ZkRandom.SEED_BYTES
              + "-byte commitment seed, not "
              + seed.length
              + " bytes");
    }
    InputCommitment rebuilt;
    try {
      rebuilt = InputOpening.commitment(model.vk(), tensor, seed);
    } catch (IllegalArgumentException e) {
      throw RetrievalClient.invalid(
          "item " + i + ": cannot recompute its commitment: " + e.getMessage());
    }
    if (!Arrays.equals(rebuilt.digest().bytes(), commitment.digest().bytes())) {
      throw RetrievalClient.invalid(
          "item "
              + i
              + " ("
              + item.getName()
              + "): the revealed tensor is not the committed"
              + " one (its commitment, recomputed with the revealed seed, differs)");
    }
    return tensor;
  }
}

package io.zkaudit.escrow;

import static io.zkaudit.escrow.AbiValues.id;
import static io.zkaudit.escrow.AbiValues.time;

import io.zkaudit.escrow.contracts.ModelRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The model registry, as one party sees it. Obtain through {@link EscrowClient#registry()}. */
public final class RegistryClient {
  private final ChainSession session;
  private final ModelRegistry contract;

  RegistryClient(ChainSession session, ModelRegistry contract) {
    this.session = session;
    this.contract = contract;
  }

  /** Registers a model with {@code stake} wei as its bond; returns the model id. */
  public long registerModel(Bytes32 descriptionDigest, Bytes32 weightCommitment, BigInteger stake) {
    AbiValues.nonNegative(stake, "stake");
    TransactionReceipt receipt =
        session.send(
            "registry.register",
            contract.register(descriptionDigest.bytes(), weightCommitment.bytes(), stake));
    List<ModelRegistry.ModelRegisteredEventResponse> events =
        ModelRegistry.getModelRegisteredEvents(receipt);
    return id(events.getFirst().modelId);
  }

  /**
   * Seller: rotates its active model to a fresh commitment to the same weights ({@code linkDigest}:
   * SHA-256 of the rotation link); the bond moves along, plus {@code extraStake}. Returns the new
   * id.
   */
  public long rotateModel(
      long oldModelId, Bytes32 weightCommitment, Bytes32 linkDigest, BigInteger extraStake) {
    AbiValues.nonNegative(extraStake, "stake");
    TransactionReceipt receipt =
        session.send(
            "registry.rotate",
            contract.rotate(
                id(oldModelId), weightCommitment.bytes(), linkDigest.bytes(), extraStake));
    List<ModelRegistry.ModelRotatedEventResponse> events =
        ModelRegistry.getModelRotatedEvents(receipt);
    return id(events.getFirst().newModelId);
  }

  /** The first record of the model's lineage (itself if it was never rotated to). */
  public long rootOf(long modelId) {
    return id(session.call("registry.rootOf", contract.rootOf(id(modelId))));
  }

  /** The newest record of the model's lineage (itself if it was never rotated). */
  public long latestOf(long modelId) {
    return id(session.call("registry.latestOf", contract.latestOf(id(modelId))));
  }

  /** The record this one was rotated from, if any. */
  public Optional<Long> rotatedFrom(long modelId) {
    long from = id(session.call("registry.rotatedFrom", contract.rotatedFrom(id(modelId))));
    return from == 0 ? Optional.empty() : Optional.of(from);
  }

  public ModelRecord getModel(long modelId) {
    ModelRegistry.Model model = session.call("registry.getModel", contract.getModel(id(modelId)));
    long retiredAt = model.retiredAt.longValueExact();
    return new ModelRecord(
        modelId,
        model.seller,
        new Bytes32(model.descriptionDigest),
        new Bytes32(model.weightCommitment),
        model.stake,
        time(model.registeredAt),
        retiredAt == 0 ? Optional.empty() : Optional.of(time(model.retiredAt)));
  }

  /** The model's seller (registry records never change). */
  public String sellerOf(long modelId) {
    return session.call("registry.sellerOf", contract.sellerOf(id(modelId)));
  }

  /** The weight commitment that proofs about the model are checked against. */
  public Bytes32 commitmentOf(long modelId) {
    return new Bytes32(session.call("registry.commitmentOf", contract.commitmentOf(id(modelId))));
  }

  public boolean isActive(long modelId) {
    return session.call("registry.isActive", contract.isActive(id(modelId)));
  }

  public long modelCount() {
    return id(session.call("registry.modelCount", contract.modelCount()));
  }

  /** Seller: takes the model off sale; its bond can be withdrawn after the withdraw delay. */
  public void retireModel(long modelId) {
    session.send("registry.retire", contract.retire(id(modelId)));
  }

  /**
   * Seller: records the hash of the model's on-chain verifier plans, once: for a model whose plain
   * proofs conclude on chain, {@code TableEncoding.verifierPlans} (the statement, lookup, layer,
   * finish and table plans, what a concluded session's plans hash is).
   */
  public void setVerifierPlans(long modelId, Bytes32 plansHash) {
    session.send(
        "registry.setVerifierPlans", contract.setVerifierPlans(id(modelId), plansHash.bytes()));
  }

  /** The model's verifier plans hash, zero until its seller set it. */
  public Bytes32 verifierPlansOf(long modelId) {
    return new Bytes32(
        session.call("registry.verifierPlansOf", contract.verifierPlansOf(id(modelId))));
  }

  /** Seller: sends the retired model's bond back to the seller's account. */
  public void withdrawModelStake(long modelId) {
    session.send("registry.withdrawStake", contract.withdrawStake(id(modelId)));
  }
}

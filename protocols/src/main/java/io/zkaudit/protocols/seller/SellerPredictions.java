package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ProverException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Predictions: validates a predict request (signature, nonce, input, quota), answers it, signs the
 * answer (co-signed for an on-chain order), proves it when asked to now, and records it, so that a
 * contest can prove it later.
 */
final class SellerPredictions {
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  private final PartyKey key;
  private final SellerStore store;
  private final SellerConfig config;
  private final SellerRegistry registry;
  private final SellerProving proving;
  private final BuyerQuotas quotas;
  private final ChainMirror chain;

  SellerPredictions(
      PartyKey key,
      SellerStore store,
      SellerConfig config,
      SellerRegistry registry,
      SellerProving proving,
      BuyerQuotas quotas,
      ChainMirror chain) {
    this.key = key;
    this.store = store;
    this.config = config;
    this.registry = registry;
    this.proving = proving;
    this.quotas = quotas;
    this.chain = chain;
  }

  ProvenAnswer predict(PredictRequest r) {
    Request q = validate(r);
    ModelProof proof;
    try {
      proof = proving.answer(q.model, q.input, r.getBuyer());
    } catch (ProverException e) {
      throw RequestRejected.invalid("input: cannot be proven: " + e.getMessage());
    }
    byte[] proofBytes = proof.encode();
    SignedAnswer answer = answer(r, q.model, q.input, proof.output());
    record(new StoredAnswer(answer, q.input, proofBytes));
    return ProvenAnswer.newBuilder()
        .setAnswer(answer)
        .setProof(ByteString.copyFrom(proofBytes))
        .build();
  }

  SignedAnswer predictSigned(PredictRequest r) {
    Request q = validate(r);
    int[] output;
    try {
      output = proving.prover().output(q.model, q.input);
    } catch (RuntimeException e) {
      throw RequestRejected.invalid("input: cannot be evaluated: " + e.getMessage());
    }
    SignedAnswer answer = answer(r, q.model, q.input, output);
    record(new StoredAnswer(answer, q.input, null));
    return answer;
  }

  private void record(StoredAnswer a) {
    store.putAnswer(a);
    SellerChain c = chain.chain().orElse(null);
    if (a.signed().hasChainAnswer() && c != null) {
      store.putChainAnswer(
          a.id(),
          c.escrow(),
          a.signed().getChainAnswer().getOrderId(),
          a.signed().getChainAnswer().getSignature().toByteArray());
    }
  }

  private record Request(CommittedModel model, int[] input) {}

  private Request validate(PredictRequest r) {
    registry.model(r.getModelId());
    // A request for a rotated key is answered under the newest key of its lineage, except for an
    // on-chain order: it was paid for the key it names, whose commitment its contests are proven
    // against.
    CommittedModel m =
        r.getOrderId() != 0
            ? registry.loadedModel(r.getModelId())
            : registry.current(registry.loadedModel(r.getModelId()));
    SellerRegistry.requireLength("buyer", r.getBuyer(), PartyKey.PUBLIC_KEY_BYTES);
    if (!PartyKey.isPublicKey(r.getBuyer().toByteArray())) {
      throw RequestRejected.invalid("buyer: not a compressed secp256k1 public key");
    }
    checkBuyerSignature(r);
    TensorSpec spec = m.model().description().tensor(m.circuit().inputTensor());
    if (r.getInputCount() != spec.size()) {
      throw RequestRejected.invalid(
          "input: the model takes "
              + spec.size()
              + " values "
              + spec.shape()
              + ", not "
              + r.getInputCount());
    }
    int[] input = Tensors.fromList(r.getInputList());
    for (int i = 0; i < input.length; i++) {
      if (input[i] < spec.type().min() || input[i] > spec.type().max()) {
        throw RequestRejected.invalid(
            "input["
                + i
                + "]: "
                + input[i]
                + " is outside ["
                + spec.type().min()
                + ", "
                + spec.type().max()
                + "]");
      }
    }
    if (r.getOrderId() != 0) {
      chain
          .chain()
          .orElseThrow(() -> RequestRejected.notReady("order_id: this seller is not on a chain"))
          .checkOrder(r);
    }
    // After the signature (nobody spends another buyer's quota), before the nonce (a refused
    // request may be sent again as it is). Every answer counts: a signed one is a proof owed on
    // demand.
    quotas.request(r.getBuyer());
    quotas.answer(r.getBuyer());
    // Last, so that a request refused for another reason can be corrected and sent with the same
    // nonce.
    long now = config.clock().millis();
    if (!store.useNonce(
        r.getBuyer().toByteArray(),
        r.getNonce(),
        r.getRequestedAtMillis(),
        now - 2 * config.clockSkew().toMillis())) {
      throw RequestRejected.denied(
          "nonce: this buyer already sent a request with nonce "
              + r.getNonce()
              + " (a replayed request)");
    }
    return new Request(m, input);
  }

  /**
   * Only the owner of the buyer key may ask in its name: the request is signed by that key, over a
   * fresh nonce and a time close to the seller's clock, so it cannot be replayed.
   */
  private void checkBuyerSignature(PredictRequest r) {
    if (!r.hasBuyerSignature()) {
      throw RequestRejected.denied(
          "buyer_signature: a predict request must be signed by the buyer's key");
    }
    if (!r.getBuyerSignature().getPublicKey().equals(r.getBuyer())) {
      throw RequestRejected.denied("buyer_signature: signed by another key than the buyer's");
    }
    if (!PartyKey.verify(r.getBuyerSignature(), Statements.predict(r))) {
      throw RequestRejected.denied("buyer_signature: not over this request");
    }
    if (!NONCE.matcher(r.getNonce()).matches()) {
      throw RequestRejected.invalid("nonce: 16 to 64 letters, digits, '-' or '_'");
    }
    long now = config.clock().millis();
    if (!Freshness.fresh(now, r.getRequestedAtMillis(), config.clockSkew())) {
      throw RequestRejected.invalid(
          "requested_at_millis: more than "
              + config.clockSkew().toSeconds()
              + " s from the seller's clock (a stale or replayed request)");
    }
  }

  /** The answer names the key it is proven under: the requested one, or its rotated successor. */
  private SignedAnswer answer(PredictRequest r, CommittedModel model, int[] input, int[] output) {
    AnswerStatement s =
        AnswerStatement.newBuilder()
            .setAnswerId(UUID.randomUUID().toString())
            .setModelId(ByteString.copyFrom(model.vk().digest().bytes()))
            .setBuyer(r.getBuyer())
            .setInputHash(ByteString.copyFrom(Statements.tensorHash(input)))
            .setOutputHash(ByteString.copyFrom(Statements.tensorHash(output)))
            .setCreatedAtMillis(config.clock().millis())
            .build();
    SignedAnswer.Builder b =
        SignedAnswer.newBuilder()
            .setStatement(s)
            .addAllOutput(Tensors.toList(output))
            .setSellerSignature(key.sign(Statements.answer(s)));
    if (r.getOrderId() != 0) {
      b.setChainAnswer(
          chain
              .chain()
              .orElseThrow()
              .cosign(
                  r.getOrderId(), s.getInputHash().toByteArray(), s.getOutputHash().toByteArray()));
    }
    return b.build();
  }
}

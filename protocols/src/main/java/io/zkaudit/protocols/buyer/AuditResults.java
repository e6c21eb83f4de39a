package io.zkaudit.protocols.buyer;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.proto.v1.VerifiedOutput;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Tensors;
import java.util.List;

/**
 * The buyer's result: counted from verified outputs only, signed by the buyer, and saved before it
 * is sent, so that a failure stands on the buyer's signature even if the seller is gone.
 */
final class AuditResults {
  /** The seller refuses longer reasons (its MAX_REASON). */
  private static final int MAX_REASON = 500;

  private final PartyKey key;
  private final AuditStateFiles files;

  /** Null off-chain. */
  private final AuditOnChain chain;

  AuditResults(PartyKey key, AuditStateFiles files, AuditOnChain chain) {
    this.key = key;
    this.files = files;
    this.chain = chain;
  }

  /** Whether a verified output, by the shared argmax rule, names the sample's label. */
  static boolean correct(BuyerAuditState state, int index, List<Integer> output) {
    return AuditStatements.predictedClass(
            Tensors.fromList(output), state.getTerms().getLabelOffset())
        == AuditStateFiles.label(state, index);
  }

  static int countCorrect(BuyerAuditState state) {
    int correct = 0;
    for (VerifiedOutput v : state.getVerifiedList()) {
      if (correct(state, v.getIndex(), v.getOutputList())) {
        correct++;
      }
    }
    return correct;
  }

  /**
   * PROOF_FAILED over the outputs verified so far, with the reason cut to what the seller stores.
   */
  BuyerAuditState fail(BuyerAuditState state, String reason) {
    String r = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    return sign(state, state.getVerifiedCount(), countCorrect(state), Verdict.PROOF_FAILED, r);
  }

  BuyerAuditState sign(BuyerAuditState state, int verified, int correct, Verdict v, String reason) {
    AuditTerms t = state.getTerms();
    ResultStatement s =
        ResultStatement.newBuilder()
            .setAuditId(t.getAuditId())
            .setTermsHash(ByteString.copyFrom(AuditStatements.hash(AuditStatements.terms(t))))
            .setSamples(t.getSampleCount())
            .setVerified(verified)
            .setCorrect(correct)
            .setVerdict(v)
            .setReason(reason)
            .build();
    AuditResult.Builder result =
        AuditResult.newBuilder()
            .setStatement(s)
            .setBuyerSignature(key.sign(AuditStatements.result(s)));
    if (AuditOnChain.id(state) != 0) {
      if (chain == null) {
        throw new IllegalStateException(
            "audit " + t.getAuditId() + " is on-chain: carry it on with the chain");
      }
      result.setChainBuyerSignature(ByteString.copyFrom(chain.sign(state, s)));
    }
    BuyerAuditState next = state.toBuilder().setResult(result).build();
    files.save(next);
    return next;
  }
}

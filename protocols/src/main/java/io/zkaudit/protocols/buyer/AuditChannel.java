package io.zkaudit.protocols.buyer;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.zkaudit.proto.v1.AccuracyAuditGrpc;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import java.util.concurrent.TimeUnit;

/**
 * The buyer's calls to the seller's AccuracyAudit service: stubs with a deadline, signed access
 * requests, and a failed call turned into the one error type the buyer reports.
 */
final class AuditChannel {
  private final ManagedChannel channel;
  private final String target;
  private final PartyKey key;
  private final long deadlineSeconds;

  AuditChannel(ManagedChannel channel, String target, PartyKey key, long deadlineSeconds) {
    this.channel = channel;
    this.target = target;
    this.key = key;
    this.deadlineSeconds = deadlineSeconds;
  }

  String target() {
    return target;
  }

  PartyKey key() {
    return key;
  }

  long deadlineSeconds() {
    return deadlineSeconds;
  }

  AccuracyAuditGrpc.AccuracyAuditBlockingStub stub() {
    return stub(deadlineSeconds);
  }

  AccuracyAuditGrpc.AccuracyAuditBlockingStub stub(long seconds) {
    return AccuracyAuditGrpc.newBlockingStub(channel).withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }

  /** A signed, fresh access to one of this buyer's audits. */
  AuditAccess access(String auditId, int from) {
    AuditAccess a =
        AuditAccess.newBuilder()
            .setAuditId(auditId)
            .setFromIndex(from)
            .setRequestedAtMillis(System.currentTimeMillis())
            .build();
    return a.toBuilder().setBuyerSignature(key.sign(AuditStatements.access(a))).build();
  }

  interface Rpc<T> {
    T call();
  }

  <T> T call(Rpc<T> rpc) throws BuyerException {
    try {
      return rpc.call();
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  /** A failed call as the buyer reports it: refused by the seller, or no answer. */
  BuyerException failure(StatusRuntimeException e) {
    var code = e.getStatus().getCode();
    boolean unreachable =
        code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED;
    if (unreachable) {
      return new BuyerException(
          BuyerException.Reason.UNREACHABLE,
          "no answer from the seller at " + target + ": " + describe(e),
          e);
    }
    return new BuyerException(
        BuyerException.Reason.REFUSED, "the seller at " + target + " refused: " + describe(e), e);
  }

  static String describe(StatusRuntimeException e) {
    return e.getStatus().getDescription() == null
        ? e.getStatus().getCode().name()
        : e.getStatus().getDescription();
  }

  /** The seller answered, but with something the buyer cannot accept. */
  static BuyerException invalid(String message) {
    return new BuyerException(BuyerException.Reason.INVALID_ANSWER, message);
  }
}

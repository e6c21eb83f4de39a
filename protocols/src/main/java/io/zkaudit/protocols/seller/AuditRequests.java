package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.prover.inference.CommittedModel;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The field checks the seller's audit steps share: well-formed ids, fresh timestamps, exact byte
 * lengths, allowed states, and the buyer's signed access to its own audit. Each refusal names the
 * field (with its path in the request) so that the buyer can tell what to fix.
 */
final class AuditRequests {
  private static final Pattern AUDIT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Seller seller;
  private final AuditStore store;

  AuditRequests(Seller seller, AuditStore store) {
    this.seller = seller;
    this.store = store;
  }

  /** {@code field} is the id's path in the request, e.g. "statement.audit_id". */
  static void requireAuditId(String field, String auditId) {
    if (!AUDIT_ID.matcher(auditId).matches()) {
      throw RequestRejected.invalid(field + ": 1 to 64 letters, digits, '-' or '_'");
    }
  }

  /**
   * Refuses a request signed too far from the seller's clock, so that a captured request cannot be
   * replayed later; {@code what} names the request in the message ("commitment", "request").
   */
  void requireFresh(String field, long requestedAtMillis, String what) {
    long now = seller.config().clock().millis();
    if (!Freshness.fresh(now, requestedAtMillis, seller.config().clockSkew())) {
      throw RequestRejected.invalid(
          field
              + ": more than "
              + seller.config().clockSkew().toSeconds()
              + " s from the seller's clock (a stale or replayed "
              + what
              + ")");
    }
  }

  /**
   * The buyer's audit named by a signed, fresh access; someone else's audit is "not found", as a
   * missing one.
   */
  AuditRecord owned(AuditAccess access) {
    requireAuditId("access.audit_id", access.getAuditId());
    if (!access.hasBuyerSignature()
        || !PartyKey.verify(access.getBuyerSignature(), AuditStatements.access(access))) {
      throw RequestRejected.denied("access.buyer_signature: missing or not over this request");
    }
    requireFresh("access.requested_at_millis", access.getRequestedAtMillis(), "request");
    byte[] buyer = access.getBuyerSignature().getPublicKey().toByteArray();
    return store
        .audit(access.getAuditId())
        .filter(a -> Arrays.equals(a.buyer(), buyer))
        .orElseThrow(
            () ->
                RequestRejected.notFound(
                    "access.audit_id: no audit " + access.getAuditId() + " for this buyer"));
  }

  static void requireState(AuditRecord a, String step, AuditRecord.State... allowed) {
    for (AuditRecord.State s : allowed) {
      if (a.state() == s) {
        return;
      }
    }
    throw new RequestRejected(
        RequestRejected.Reason.NOT_READY,
        "audit "
            + a.auditId()
            + " is "
            + a.state()
            + ": cannot "
            + step
            + " (allowed in "
            + Arrays.toString(allowed)
            + ")");
  }

  static void requireLength(String field, ByteString b, int length) {
    if (b.size() != length) {
      throw RequestRejected.invalid(field + ": " + length + " bytes, not " + b.size());
    }
  }

  /** The model's output tensor: its size is the number of classes a label may name. */
  static TensorSpec outputSpec(CommittedModel m) {
    return m.model().description().tensor(m.circuit().outputTensor());
  }
}

package io.zkaudit.protocols.seller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one place a seller's refusal becomes a gRPC status. */
class GrpcErrorsTest {
  @Test
  void eachReasonHasItsOwnStatusCode() {
    Map<RequestRejected.Reason, Status.Code> expected =
        Map.of(
            RequestRejected.Reason.INVALID, Status.Code.INVALID_ARGUMENT,
            RequestRejected.Reason.NOT_FOUND, Status.Code.NOT_FOUND,
            RequestRejected.Reason.DENIED, Status.Code.PERMISSION_DENIED,
            RequestRejected.Reason.DUPLICATE, Status.Code.ALREADY_EXISTS,
            RequestRejected.Reason.NOT_READY, Status.Code.FAILED_PRECONDITION,
            RequestRejected.Reason.OVER_LIMIT, Status.Code.RESOURCE_EXHAUSTED,
            RequestRejected.Reason.UNAVAILABLE, Status.Code.UNAVAILABLE,
            RequestRejected.Reason.CALLER_GONE, Status.Code.CANCELLED,
            RequestRejected.Reason.FAILED, Status.Code.INTERNAL);
    assertEquals(EnumSet.allOf(RequestRejected.Reason.class), expected.keySet());
    for (var e : expected.entrySet()) {
      Status s = GrpcErrors.status(new RequestRejected(e.getKey(), "why: " + e.getKey()));
      assertEquals(e.getValue(), s.getCode(), e.getKey().name());
      assertEquals("why: " + e.getKey(), s.getDescription());
    }
    assertEquals(expected.size(), Set.copyOf(expected.values()).size(), "no two reasons alike");
  }

  @Test
  void otherFailuresAreInternalWithoutTheirDetails() {
    Status db = GrpcErrors.status(new StoreException("jdbc:h2:/secret/path broke", null));
    assertEquals(Status.Code.INTERNAL, db.getCode());
    assertEquals("the seller's database failed", db.getDescription());
    Status bug = GrpcErrors.status(new IllegalStateException("internal detail"));
    assertEquals(Status.Code.INTERNAL, bug.getCode());
    assertEquals("the seller failed: IllegalStateException", bug.getDescription());
  }
}

package io.zkaudit.protocols.seller;

import io.grpc.Status;

/**
 * The edge between the seller's domain and gRPC: what status a buyer receives for each way a call
 * can fail. Only the gRPC services (through {@link Rpc}) and the server's interceptors use it.
 */
final class GrpcErrors {
  private GrpcErrors() {}

  static Status.Code code(RequestRejected.Reason reason) {
    return switch (reason) {
      case INVALID -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case DENIED -> Status.Code.PERMISSION_DENIED;
      case DUPLICATE -> Status.Code.ALREADY_EXISTS;
      case NOT_READY -> Status.Code.FAILED_PRECONDITION;
      case OVER_LIMIT -> Status.Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case CALLER_GONE -> Status.Code.CANCELLED;
      case FAILED -> Status.Code.INTERNAL;
    };
  }

  /** A refusal as the buyer sees it: its reason's code, its message as the description. */
  static Status status(RequestRejected e) {
    return Status.fromCode(code(e.reason())).withDescription(e.getMessage());
  }

  /**
   * Any failure of a handler as the buyer sees it: a refusal as such, a database or other failure
   * as INTERNAL without its details (recorded for the operator, never sent).
   */
  static Status status(RuntimeException e) {
    if (e instanceof RequestRejected r) {
      return status(r);
    }
    CallRecorder.failed(e);
    if (e instanceof StoreException) {
      return Status.INTERNAL.withDescription("the seller's database failed");
    }
    return Status.INTERNAL.withDescription("the seller failed: " + e.getClass().getSimpleName());
  }
}

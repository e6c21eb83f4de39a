package io.zkaudit.protocols.seller;

import io.grpc.Status;

/**
 * The seller's one exception at its network boundary: a request it refuses, with the gRPC status
 * the buyer receives and a message that says which field is wrong and why.
 */
public final class RequestRejected extends RuntimeException {
  private final Status.Code code;

  public RequestRejected(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public static RequestRejected invalid(String message) {
    return new RequestRejected(Status.Code.INVALID_ARGUMENT, message);
  }

  public static RequestRejected notFound(String message) {
    return new RequestRejected(Status.Code.NOT_FOUND, message);
  }

  public static RequestRejected denied(String message) {
    return new RequestRejected(Status.Code.PERMISSION_DENIED, message);
  }

  public Status status() {
    return Status.fromCode(code).withDescription(getMessage());
  }
}

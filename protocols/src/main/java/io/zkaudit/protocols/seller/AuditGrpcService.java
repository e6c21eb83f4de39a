package io.zkaudit.protocols.seller;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.zkaudit.proto.v1.AccuracyAuditGrpc;
import io.zkaudit.proto.v1.AccuracyProofUpdate;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.SampleProof;

/** The AccuracyAudit service over gRPC: translates to and from {@link AuditService}. */
final class AuditGrpcService extends AccuracyAuditGrpc.AccuracyAuditImplBase {
  private final AuditService audits;

  AuditGrpcService(AuditService audits) {
    this.audits = audits;
  }

  @Override
  public void open(AuditCommitment request, StreamObserver<AuditTerms> response) {
    Rpc.unary(response, () -> audits.open(request));
  }

  @Override
  public void reveal(RevealRequest request, StreamObserver<AuditStatus> response) {
    Rpc.unary(response, () -> audits.reveal(request));
  }

  @Override
  public void settle(AuditResult request, StreamObserver<AuditResult> response) {
    Rpc.unary(response, () -> audits.settle(request));
  }

  @Override
  public void status(AuditAccess request, StreamObserver<AuditStatus> response) {
    Rpc.unary(response, () -> audits.status(request));
  }

  /**
   * Waits until the transport takes more before handing it the next proof: proofs read back from
   * the store (a resumed audit) come faster than a slow buyer reads them, and gRPC would otherwise
   * buffer every one of them in memory.
   */
  private static <T> void send(ServerCallStreamObserver<T> call, T proof) {
    while (!call.isReady() && !call.isCancelled()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!call.isCancelled()) {
      call.onNext(proof);
    }
  }

  /**
   * The prover's progress, then the accuracy proof. A buyer that goes away stops only the messages:
   * the proof is owed and stored, and read back at the next call.
   */
  @Override
  public void proveAccuracy(AuditAccess request, StreamObserver<AccuracyProofUpdate> response) {
    ServerCallStreamObserver<AccuracyProofUpdate> call =
        (ServerCallStreamObserver<AccuracyProofUpdate>) response;
    // Progress messages are advisory: one is dropped rather than queued when the buyer is slow.
    java.util.function.Consumer<AccuracyProofUpdate> sink =
        u -> {
          if (call.isCancelled()) {
            return;
          }
          if (u.hasProof()) {
            send(call, u);
          } else if (call.isReady()) {
            call.onNext(u);
          }
        };
    try {
      audits.proveAccuracy(request, sink);
    } catch (RequestRejected | StoreException e) {
      if (!call.isCancelled()) {
        response.onError(GrpcErrors.status(e).asRuntimeException());
      }
      return;
    } catch (RuntimeException e) {
      Status status = GrpcErrors.status(e); // recorded for the operator
      if (!call.isCancelled()) {
        response.onError(status.asRuntimeException());
      }
      return;
    }
    if (!call.isCancelled()) {
      response.onCompleted();
    }
  }

  /**
   * One message per sample as it is proven; a buyer that goes away stops the loop between samples.
   */
  @Override
  public void prove(AuditAccess request, StreamObserver<SampleProof> response) {
    ServerCallStreamObserver<SampleProof> call = (ServerCallStreamObserver<SampleProof>) response;
    try {
      audits.prove(request, proof -> send(call, proof), call::isCancelled);
    } catch (RequestRejected | StoreException e) {
      response.onError(GrpcErrors.status(e).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      Status status = GrpcErrors.status(e); // recorded for the operator
      if (!call.isCancelled()) {
        response.onError(status.asRuntimeException());
      }
      return;
    }
    if (!call.isCancelled()) {
      response.onCompleted();
    }
  }
}

package io.zkaudit.protocols.seller;

import io.grpc.stub.StreamObserver;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.ContestResponse;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.proto.v1.SignedAnswer;

/** The Prediction service over gRPC. */
final class PredictionService extends PredictionGrpc.PredictionImplBase {
  private final Seller seller;

  PredictionService(Seller seller) {
    this.seller = seller;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<ProvenAnswer> response) {
    Rpc.unary(response, () -> seller.predict(request));
  }

  @Override
  public void predictSigned(PredictRequest request, StreamObserver<SignedAnswer> response) {
    Rpc.unary(response, () -> seller.predictSigned(request));
  }

  @Override
  public void contest(ContestRequest request, StreamObserver<ContestResponse> response) {
    Rpc.unary(response, () -> seller.contest(request));
  }
}

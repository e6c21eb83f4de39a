package io.zkaudit.protocols.seller;

import io.grpc.stub.StreamObserver;
import io.zkaudit.proto.v1.GetModelRequest;
import io.zkaudit.proto.v1.ListModelsRequest;
import io.zkaudit.proto.v1.ListModelsResponse;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.ModelRegistryGrpc;
import io.zkaudit.proto.v1.RegisterModelRequest;

/** The ModelRegistry service over gRPC. */
final class RegistryService extends ModelRegistryGrpc.ModelRegistryImplBase {
  private final Seller seller;

  RegistryService(Seller seller) {
    this.seller = seller;
  }

  @Override
  public void register(RegisterModelRequest request, StreamObserver<ModelEntry> response) {
    Rpc.unary(response, () -> seller.register(request));
  }

  @Override
  public void list(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
    Rpc.unary(
        response, () -> ListModelsResponse.newBuilder().addAllModels(seller.models()).build());
  }

  @Override
  public void get(GetModelRequest request, StreamObserver<ModelEntry> response) {
    Rpc.unary(response, () -> seller.model(request.getModelId()));
  }
}

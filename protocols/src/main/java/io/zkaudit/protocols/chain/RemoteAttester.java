package io.zkaudit.protocols.chain;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.proto.v1.AttestPredictionRequest;
import io.zkaudit.proto.v1.AttestationGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The seller's side of {@link AttesterServer}: sends the proof, gets the attestation. A refusal is
 * an {@link AttestationRefused} (the contest cannot be closed); an unreachable attester is an
 * {@link IllegalStateException}, which the seller's contest watch retries until the deadline.
 */
public final class RemoteAttester implements Attester, AutoCloseable {
  private final ManagedChannel channel;
  private final String target;

  /**
   * @param trustedCertificates null for plaintext
   */
  public RemoteAttester(String host, int port, Path trustedCertificates) {
    NettyChannelBuilder b;
    if (trustedCertificates == null) {
      b = NettyChannelBuilder.forAddress(host, port).usePlaintext();
    } else {
      try {
        b =
            NettyChannelBuilder.forAddress(
                host,
                port,
                TlsChannelCredentials.newBuilder()
                    .trustManager(trustedCertificates.toFile())
                    .build());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read " + trustedCertificates + ": " + e.getMessage(), e);
      }
    }
    this.channel = b.build();
    this.target = host + ":" + port;
  }

  @Override
  public byte[] attestPrediction(
      byte[] verifyingKey,
      byte[] proof,
      int[] input,
      Bytes32 weightCommitment,
      Bytes32 inputHash,
      Bytes32 outputHash)
      throws AttestationRefused {
    AttestPredictionRequest r =
        AttestPredictionRequest.newBuilder()
            .setVerifyingKey(ByteString.copyFrom(verifyingKey))
            .setProof(ByteString.copyFrom(proof))
            .addAllInput(io.zkaudit.protocols.Tensors.toList(input))
            .setWeightCommitment(ByteString.copyFrom(weightCommitment.bytes()))
            .setInputHash(ByteString.copyFrom(inputHash.bytes()))
            .setOutputHash(ByteString.copyFrom(outputHash.bytes()))
            .build();
    try {
      return AttestationGrpc.newBlockingStub(channel)
          .withDeadlineAfter(120, TimeUnit.SECONDS)
          .attestPrediction(r)
          .getSignature()
          .toByteArray();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        throw new AttestationRefused(e.getStatus().getDescription());
      }
      throw new IllegalStateException(
          "the attester at " + target + " did not answer: " + e.getStatus(), e);
    }
  }

  /**
   * Streams the claim and then each sample with its proof (client streaming: proofs of a large test
   * set never sit in one message), and waits for the attester's answer.
   */
  @Override
  public byte[] attestAccuracy(AccuracyClaim claim, java.util.Iterator<AccuracySample> samples)
      throws AttestationRefused {
    java.util.concurrent.CompletableFuture<byte[]> answer =
        new java.util.concurrent.CompletableFuture<>();
    // Flow control: the next sample is sent only when the transport is ready for it, so a large
    // test set's proofs are read from the seller's store as fast as the attester takes them.
    Object ready = new Object();
    io.grpc.stub.StreamObserver<io.zkaudit.proto.v1.AttestAccuracyPart> out =
        AttestationGrpc.newStub(channel)
            .withDeadlineAfter(30, TimeUnit.MINUTES)
            .attestAccuracy(
                new io.grpc.stub.ClientResponseObserver<
                    io.zkaudit.proto.v1.AttestAccuracyPart,
                    io.zkaudit.proto.v1.AccuracyAttestation>() {
                  @Override
                  public void beforeStart(
                      io.grpc.stub.ClientCallStreamObserver<io.zkaudit.proto.v1.AttestAccuracyPart>
                          call) {
                    call.setOnReadyHandler(
                        () -> {
                          synchronized (ready) {
                            ready.notifyAll();
                          }
                        });
                  }

                  @Override
                  public void onNext(io.zkaudit.proto.v1.AccuracyAttestation a) {
                    answer.complete(a.getSignature().toByteArray());
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                    synchronized (ready) {
                      ready.notifyAll();
                    }
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(
                        new IllegalStateException("the attester closed without an answer"));
                  }
                });
    var call = (io.grpc.stub.ClientCallStreamObserver<io.zkaudit.proto.v1.AttestAccuracyPart>) out;
    try {
      io.zkaudit.proto.v1.AccuracyClaim.Builder c =
          io.zkaudit.proto.v1.AccuracyClaim.newBuilder()
              .setVerifyingKey(ByteString.copyFrom(claim.verifyingKey()))
              .setWeightCommitment(ByteString.copyFrom(claim.weightCommitment().bytes()))
              .setTestSetHash(ByteString.copyFrom(claim.testSetHash().bytes()))
              .setLabelOffset(claim.labelOffset())
              .setCorrect(claim.correct())
              .setTotal(claim.total());
      if (claim.byAccuracyProof()) {
        c.setAccuracyProof(ByteString.copyFrom(claim.accuracyProof()));
      }
      if (claim.testSetCommitment() != null) {
        c.setTestSetCommitment(ByteString.copyFrom(claim.testSetCommitment()));
      }
      out.onNext(io.zkaudit.proto.v1.AttestAccuracyPart.newBuilder().setClaim(c).build());
      while (samples.hasNext() && !answer.isDone()) {
        synchronized (ready) {
          while (!call.isReady() && !answer.isDone()) {
            ready.wait(1_000);
          }
        }
        if (answer.isDone()) {
          break; // refused (or failed) before every sample was sent
        }
        AccuracySample s = samples.next();
        out.onNext(
            io.zkaudit.proto.v1.AttestAccuracyPart.newBuilder()
                .setSample(
                    io.zkaudit.proto.v1.AccuracySample.newBuilder()
                        .setIndex(s.index())
                        .setSalt(ByteString.copyFrom(s.salt()))
                        .addAllInput(io.zkaudit.protocols.Tensors.toList(s.input()))
                        .setLabel(s.label())
                        .setProof(ByteString.copyFrom(s.proof())))
                .build());
      }
      out.onCompleted();
    } catch (InterruptedException e) {
      out.onError(e);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to the attester at " + target, e);
    } catch (RuntimeException e) {
      out.onError(e);
      throw e;
    }
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while the attester at " + target + " verified", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Status status = Status.fromThrowable(e.getCause());
      if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
        throw new AttestationRefused(status.getDescription());
      }
      throw new IllegalStateException(
          "the attester at " + target + " did not answer: " + status, e.getCause());
    }
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

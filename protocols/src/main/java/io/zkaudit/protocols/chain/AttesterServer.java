package io.zkaudit.protocols.chain;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.proto.v1.AccuracyAttestation;
import io.zkaudit.proto.v1.AccuracyClaim;
import io.zkaudit.proto.v1.AttestAccuracyPart;
import io.zkaudit.proto.v1.AttestPredictionRequest;
import io.zkaudit.proto.v1.AttestationGrpc;
import io.zkaudit.proto.v1.PredictionAttestation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The designated verifier as a gRPC service ({@code zkaudit attester serve}), so that it runs as a
 * party of its own rather than inside the seller. One verification at a time: verifying is cheap
 * next to proving, but a flood of large proofs must queue rather than exhaust memory.
 */
public final class AttesterServer implements AutoCloseable {
  /** Proofs are MBs for MobileNet; bounded all the same. */
  public static final int MAX_REQUEST_BYTES = 256 << 20;

  private final Server server;

  private AttesterServer(Server server) {
    this.server = server;
  }

  /**
   * @param tlsCertificateChain null for plaintext (with {@code tlsPrivateKey})
   */
  public static AttesterServer start(
      Attester attester, String host, int port, Path tlsCertificateChain, Path tlsPrivateKey) {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .maxInboundMessageSize(MAX_REQUEST_BYTES)
            .addService(new Service(attester));
    if (tlsCertificateChain != null) {
      b.useTransportSecurity(tlsCertificateChain.toFile(), tlsPrivateKey.toFile());
    }
    Server server = b.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new AttesterServer(server);
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static final class Service extends AttestationGrpc.AttestationImplBase {
    private final Attester attester;
    private final Semaphore slot = new Semaphore(1, true);

    Service(Attester attester) {
      this.attester = attester;
    }

    @Override
    public void attestPrediction(
        AttestPredictionRequest r, StreamObserver<PredictionAttestation> response) {
      for (ByteString b :
          new ByteString[] {r.getWeightCommitment(), r.getInputHash(), r.getOutputHash()}) {
        if (b.size() != Bytes32.LENGTH) {
          response.onError(
              Status.INVALID_ARGUMENT
                  .withDescription("weight_commitment, input_hash, output_hash: 32 bytes each")
                  .asRuntimeException());
          return;
        }
      }
      try {
        slot.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.onError(
            Status.UNAVAILABLE.withDescription("the attester is stopping").asRuntimeException());
        return;
      }
      byte[] signature;
      try {
        signature =
            attester.attestPrediction(
                r.getVerifyingKey().toByteArray(),
                r.getProof().toByteArray(),
                io.zkaudit.protocols.Tensors.fromList(r.getInputList()),
                new Bytes32(r.getWeightCommitment().toByteArray()),
                new Bytes32(r.getInputHash().toByteArray()),
                new Bytes32(r.getOutputHash().toByteArray()));
      } catch (Attester.AttestationRefused e) {
        response.onError(
            Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
        return;
      } catch (RuntimeException e) {
        response.onError(
            Status.INTERNAL
                .withDescription("the attester failed: " + e.getClass().getSimpleName())
                .asRuntimeException());
        return;
      } finally {
        slot.release();
      }
      response.onNext(
          PredictionAttestation.newBuilder().setSignature(ByteString.copyFrom(signature)).build());
      response.onCompleted();
    }

    /**
     * The parts are handed to the attester as they arrive, through a small queue: the attester
     * verifies sample by sample while the seller streams, and a large test set is never held whole.
     */
    @Override
    public StreamObserver<AttestAccuracyPart> attestAccuracy(
        StreamObserver<AccuracyAttestation> response) {
      // Flow control: a part is asked for only when the attester has taken the one before, so a
      // seller streaming thousands of proofs waits for the verification instead of filling memory.
      var call = (io.grpc.stub.ServerCallStreamObserver<AccuracyAttestation>) response;
      call.disableAutoRequest();
      AccuracyParts parts = new AccuracyParts(call::request);
      call.request(2);
      Thread.ofVirtual()
          .name("attest-accuracy")
          .start(
              () -> {
                try {
                  Attester.AccuracyClaim claim = parts.claim();
                  slot.acquire();
                  byte[] signature;
                  try {
                    signature = attester.attestAccuracy(claim, parts);
                  } finally {
                    slot.release();
                  }
                  response.onNext(
                      AccuracyAttestation.newBuilder()
                          .setSignature(ByteString.copyFrom(signature))
                          .build());
                  response.onCompleted();
                } catch (Attester.AttestationRefused e) {
                  parts.abandon();
                  response.onError(
                      Status.FAILED_PRECONDITION
                          .withDescription(e.getMessage())
                          .asRuntimeException());
                } catch (InterruptedException e) {
                  parts.abandon();
                  response.onError(
                      Status.UNAVAILABLE
                          .withDescription("the attester is stopping")
                          .asRuntimeException());
                } catch (RuntimeException e) {
                  parts.abandon();
                  response.onError(
                      Status.INTERNAL
                          .withDescription("the attester failed: " + e.getClass().getSimpleName())
                          .asRuntimeException());
                }
              });
      return parts;
    }
  }

  /**
   * The request stream of one AttestAccuracy call, read by the attester as an iterator of samples.
   */
  private static final class AccuracyParts
      implements StreamObserver<AttestAccuracyPart>, java.util.Iterator<Attester.AccuracySample> {
    private static final AttestAccuracyPart END = AttestAccuracyPart.getDefaultInstance();

    /**
     * Holds at most the parts requested and not taken yet (two), as the call's flow control asks
     * for them.
     */
    private final java.util.concurrent.BlockingQueue<AttestAccuracyPart> queue =
        new java.util.concurrent.LinkedBlockingQueue<>();

    private final java.util.function.IntConsumer request;
    private volatile boolean abandoned;
    private AttestAccuracyPart next;

    AccuracyParts(java.util.function.IntConsumer request) {
      this.request = request;
    }

    @Override
    public void onNext(AttestAccuracyPart part) {
      if (!abandoned) {
        queue.add(part);
      }
    }

    @Override
    public void onError(Throwable t) {
      queue.add(END);
    }

    @Override
    public void onCompleted() {
      queue.add(END);
    }

    void abandon() {
      abandoned = true;
      queue.clear();
    }

    /** The next part, asking the seller for one more in its place. */
    private AttestAccuracyPart take() throws InterruptedException {
      AttestAccuracyPart p = queue.take();
      if (p != END) {
        request.accept(1);
      }
      return p;
    }

    Attester.AccuracyClaim claim() throws Attester.AttestationRefused, InterruptedException {
      AttestAccuracyPart first = take();
      if (!first.hasClaim()) {
        throw new Attester.AttestationRefused("the first part must be the claim");
      }
      AccuracyClaim c = first.getClaim();
      for (ByteString b : new ByteString[] {c.getWeightCommitment(), c.getTestSetHash()}) {
        if (b.size() != Bytes32.LENGTH) {
          throw new Attester.AttestationRefused("weight_commitment, test_set_hash: 32 bytes each");
        }
      }
      return new Attester.AccuracyClaim(
          c.getVerifyingKey().toByteArray(),
          new Bytes32(c.getWeightCommitment().toByteArray()),
          new Bytes32(c.getTestSetHash().toByteArray()),
          c.getLabelOffset(),
          c.getCorrect(),
          c.getTotal(),
          c.getAccuracyProof().isEmpty() ? null : c.getAccuracyProof().toByteArray(),
          c.getTestSetCommitment().isEmpty() ? null : c.getTestSetCommitment().toByteArray());
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      return next.hasSample();
    }

    @Override
    public Attester.AccuracySample next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      io.zkaudit.proto.v1.AccuracySample s = next.getSample();
      next = null;
      return new Attester.AccuracySample(
          s.getIndex(),
          s.getSalt().toByteArray(),
          io.zkaudit.protocols.Tensors.fromList(s.getInputList()),
          s.getLabel(),
          s.getProof().toByteArray());
    }
  }
}

package io.zkaudit.protocols.buyer;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.ContestResponse;
import io.zkaudit.proto.v1.GetModelRequest;
import io.zkaudit.proto.v1.ListModelsRequest;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.ModelRegistryGrpc;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A buyer talking to one seller. It trusts nothing the seller says: registry entries are checked
 * (the verifying key hashes to the model id, the seller signed them), every answer's signature and
 * hashes are checked, and every proof is verified with ModelVerifier against the registered key,
 * for the buyer's own input. Anything that fails is a BuyerException with reason INVALID_ANSWER.
 */
public final class BuyerClient implements AutoCloseable {
  /** Proofs are large (hundreds of KB for ResNet-8, MBs for MobileNet); bounded all the same. */
  public static final int MAX_RESPONSE_BYTES = 256 << 20;

  private final ManagedChannel channel;
  private final String target;
  private final boolean tls;
  private final PartyKey key;
  private final long deadlineSeconds;
  private final Map<ByteString, RegisteredModel> models = new HashMap<>();

  /** Rotation links verified, by "old id || new id": each once per client. */
  private final java.util.Set<ByteString> verifiedLinks = new java.util.HashSet<>();

  /** Entries whose lineage is being checked: a seller could list a cycle of rotations. */
  private final java.util.Set<ByteString> inLineage = new java.util.HashSet<>();

  /**
   * The longest lineage a buyer follows (a seller rotating every day for years stays far below).
   */
  static final int MAX_LINEAGE = 4096;

  public BuyerClient(String host, int port, PartyKey key, long deadlineSeconds) {
    this(host, port, key, deadlineSeconds, null);
  }

  /**
   * @param trustedCertificates null for plaintext; else TLS, trusting the seller's certificate only
   *     if it chains to one of these (PEM), and checking that it names {@code host}
   */
  public BuyerClient(
      String host,
      int port,
      PartyKey key,
      long deadlineSeconds,
      java.nio.file.Path trustedCertificates) {
    this(
        socket(host, port, trustedCertificates),
        host + ":" + port,
        trustedCertificates != null,
        key,
        deadlineSeconds);
  }

  /**
   * A buyer talking to the seller over {@code channel}, any gRPC transport (in-process, for tests);
   * the client owns it and shuts it down on {@link #close}.
   *
   * @param target where the channel goes, as error messages name it
   */
  public BuyerClient(ManagedChannel channel, String target, PartyKey key, long deadlineSeconds) {
    this(channel, target, false, key, deadlineSeconds);
  }

  private BuyerClient(
      ManagedChannel channel, String target, boolean tls, PartyKey key, long deadlineSeconds) {
    this.channel = channel;
    this.tls = tls;
    this.target = target;
    this.key = key;
    this.deadlineSeconds = deadlineSeconds;
  }

  /** A channel to a seller's socket, in plaintext or over TLS. */
  private static ManagedChannel socket(
      String host, int port, java.nio.file.Path trustedCertificates) {
    NettyChannelBuilder builder;
    if (trustedCertificates == null) {
      builder = NettyChannelBuilder.forAddress(host, port).usePlaintext();
    } else {
      try {
        builder =
            NettyChannelBuilder.forAddress(
                host,
                port,
                io.grpc.TlsChannelCredentials.newBuilder()
                    .trustManager(trustedCertificates.toFile())
                    .build());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(
            "cannot read the trusted certificates " + trustedCertificates + ": " + e.getMessage(),
            e);
      }
    }
    return builder.maxInboundMessageSize(MAX_RESPONSE_BYTES).build();
  }

  public PartyKey key() {
    return key;
  }

  /** Where the connection goes, for the other protocols' error messages. */
  String target() {
    return target;
  }

  public List<RegisteredModel> models() throws BuyerException {
    List<RegisteredModel> out = new ArrayList<>();
    for (ModelEntry e :
        call(() -> registry().list(ListModelsRequest.getDefaultInstance())).getModelsList()) {
      out.add(checked(e));
    }
    return out;
  }

  public RegisteredModel model(ByteString modelId) throws BuyerException {
    RegisteredModel known = models.get(modelId);
    if (known != null) {
      return known;
    }
    ModelEntry e =
        call(() -> registry().get(GetModelRequest.newBuilder().setModelId(modelId).build()));
    if (!e.getModelId().equals(modelId)) {
      throw invalid(
          "the registry answered with model " + Hex.of(e.getModelId()) + " for " + Hex.of(modelId));
    }
    return checked(e);
  }

  /** An answer with its proof, verified; the output returned is the verified one. */
  public VerifiedAnswer predict(RegisteredModel model, int[] input) throws BuyerException {
    ProvenAnswer a = call(() -> prediction().predict(request(model, input, 0)));
    RegisteredModel proven = checkStatement(model, a.getAnswer(), input);
    int[] verified = verify(proven, a, input);
    return new VerifiedAnswer(a.getAnswer(), verified, a.getProof().toByteArray());
  }

  /** A signed answer, no proof: its signature and hashes checked; keep it to contest later. */
  public SignedAnswer predictSigned(RegisteredModel model, int[] input) throws BuyerException {
    return predictSigned(model, input, 0);
  }

  /**
   * A signed answer kept with its input, as a contest needs it: {@link #predictSigned} and the
   * input, held together.
   */
  public HeldAnswer predictHeld(RegisteredModel model, int[] input) throws BuyerException {
    return new HeldAnswer(predictSigned(model, input), input);
  }

  /**
   * A signed answer for an order paid on-chain: the seller also signs it for the escrow ({@code
   * chain_answer}), which the caller checks and contests through {@code
   * io.zkaudit.protocols.chain.BuyerChain}.
   */
  public SignedAnswer predictSigned(RegisteredModel model, int[] input, long orderId)
      throws BuyerException {
    SignedAnswer a = call(() -> prediction().predictSigned(request(model, input, orderId)));
    checkStatement(model, a, input);
    if (orderId != 0 && (!a.hasChainAnswer() || a.getChainAnswer().getOrderId() != orderId)) {
      throw invalid(
          "answer "
              + a.getStatement().getAnswerId()
              + " is not signed for on-chain order "
              + orderId);
    }
    return a;
  }

  /**
   * Contests signed answers: the seller must return a proof for each before the deadline, and each
   * proof must verify against the kept input (whose hash is the signed one) and show exactly the
   * signed output.
   */
  public List<VerifiedAnswer> contest(List<HeldAnswer> answers) throws BuyerException {
    return contest(contestRequest(answers), answers);
  }

  /** A signed contest of these answers: keep it to send again if the seller fails mid-contest. */
  public ContestRequest contestRequest(List<HeldAnswer> answers) {
    ContestRequest.Builder b =
        ContestRequest.newBuilder()
            .setContestId(UUID.randomUUID().toString())
            .setRequestedAtMillis(System.currentTimeMillis());
    answers.forEach(a -> b.addAnswerIds(a.id()));
    return b.setBuyerSignature(key.sign(Statements.contest(b.build()))).build();
  }

  /** Sends a contest request (a new one, or one sent before: the seller resumes it). */
  public List<VerifiedAnswer> contest(ContestRequest request, List<HeldAnswer> answers)
      throws BuyerException {
    ContestResponse r = call(() -> prediction().contest(request));
    if (!r.getContestId().equals(request.getContestId()) || r.getProofsCount() != answers.size()) {
      throw invalid("the contest response is not about this contest");
    }
    if (r.getProvenAtMillis() > r.getDeadlineMillis()) {
      throw invalid("the seller proved contest " + r.getContestId() + " after its deadline");
    }
    List<VerifiedAnswer> out = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      HeldAnswer held = answers.get(i);
      ProvenAnswer p = r.getProofs(i);
      if (!p.getAnswer().getStatement().equals(held.answer().getStatement())) {
        throw invalid("contested answer " + held.id() + ": the seller proved another answer");
      }
      // Verified against the kept input: a proof is never taken on its own word about its input.
      ProvenAnswer asHeld = p.toBuilder().setAnswer(held.answer()).build();
      out.add(
          new VerifiedAnswer(
              held.answer(),
              verify(model(held.answer().getStatement().getModelId()), asHeld, held.input()),
              p.getProof().toByteArray()));
    }
    return out;
  }

  /**
   * A request signed by this buyer, single-use (fresh nonce, current time): nobody can ask in its
   * name or replay it.
   */
  public PredictRequest request(RegisteredModel model, int[] input, long orderId) {
    PredictRequest.Builder b =
        PredictRequest.newBuilder()
            .setModelId(model.id())
            .addAllInput(Tensors.toList(input))
            .setBuyer(key.publicKeyBytes())
            .setOrderId(orderId)
            .setRequestedAtMillis(System.currentTimeMillis())
            .setNonce(UUID.randomUUID().toString());
    return b.setBuyerSignature(key.sign(Statements.predict(b.build()))).build();
  }

  private RegisteredModel checked(ModelEntry e) throws BuyerException {
    VerifyingKey vk;
    ModelVerifier verifier;
    try {
      vk = VerifyingKey.decode(e.getVerifyingKey().toByteArray());
      verifier = new ModelVerifier(vk);
      // The key's range proof, checked once per key digest in this process.
      io.zkaudit.inference.WeightRanges.check(vk);
    } catch (InvalidProofException ex) {
      throw invalid(
          "model " + Hex.of(e.getModelId()) + ": its verifying key is invalid: " + ex.getMessage());
    }
    if (!Arrays.equals(vk.digest().bytes(), e.getModelId().toByteArray())) {
      throw invalid(
          "model " + Hex.of(e.getModelId()) + ": its verifying key hashes to " + vk.digest().hex());
    }
    if (!Arrays.equals(vk.description().digest(), e.getDescriptionDigest().toByteArray())) {
      throw invalid("model " + Hex.of(e.getModelId()) + ": wrong description digest");
    }
    RegisterModelRequest.Builder registration =
        RegisterModelRequest.newBuilder()
            .setName(e.getName())
            .setVerifyingKey(e.getVerifyingKey())
            .addAllMetrics(e.getMetricsList());
    if (e.hasInputNormalization()) {
      registration.setInputNormalization(e.getInputNormalization());
    }
    RegisterModelRequest signed = registration.build();
    try {
      io.zkaudit.protocols.ServedNormalization.of(
          e, vk.description().tensor(vk.description().inputs().get(0)).shape().getLast());
    } catch (IllegalArgumentException ex) {
      throw invalid("model " + Hex.of(e.getModelId()) + ": " + ex.getMessage());
    }
    if (!PartyKey.verify(e.getSellerSignature(), Statements.register(signed))) {
      throw invalid(
          "model "
              + Hex.of(e.getModelId())
              + ": the seller's signature on its registration is invalid");
    }
    RegisteredModel m = new RegisteredModel(e, vk, verifier, lineage(e, vk));
    models.put(m.id(), m);
    return m;
  }

  /**
   * The lineage of an entry, root first and the entry last: for a rotated key, its parent's
   * (fetched and checked in turn) and the rotation link from the parent verified once (cached by
   * the pair of ids). The parent must be the same seller's.
   */
  private List<ByteString> lineage(ModelEntry e, VerifyingKey vk) throws BuyerException {
    ByteString id = e.getModelId();
    if (e.getRotatedFrom().isEmpty()) {
      if (!e.getRotationLink().isEmpty()) {
        throw invalid(
            "model " + Hex.of(id) + ": a rotation link without the model it was rotated from");
      }
      return List.of(id);
    }
    if (!inLineage.add(id)) {
      throw invalid("model " + Hex.of(id) + ": its lineage of rotations is a cycle");
    }
    RegisteredModel parent;
    try {
      if (inLineage.size() > MAX_LINEAGE) {
        throw invalid(
            "model " + Hex.of(id) + ": a lineage of more than " + MAX_LINEAGE + " rotations");
      }
      parent = model(e.getRotatedFrom());
    } finally {
      inLineage.remove(id);
    }
    if (!parent.sellerKey().equals(e.getSellerSignature().getPublicKey())) {
      throw invalid(
          "model " + Hex.of(id) + " is rotated from another seller's model " + Hex.of(parent.id()));
    }
    ByteString pair = parent.id().concat(id);
    if (!verifiedLinks.contains(pair)) {
      try {
        io.zkaudit.inference.RotationLink.decode(e.getRotationLink().toByteArray())
            .verify(parent.vk(), vk);
      } catch (InvalidProofException ex) {
        throw invalid(
            "model "
                + Hex.of(id)
                + ": its rotation link from "
                + Hex.of(parent.id())
                + " is invalid: "
                + ex.getMessage());
      }
      verifiedLinks.add(pair);
    }
    List<ByteString> out = new ArrayList<>(parent.lineage());
    out.add(id);
    return List.copyOf(out);
  }

  /**
   * Checks a signed answer to a request for {@code model} and returns the model it is under: {@code
   * model} itself, or a key the seller rotated it to (its verified lineage includes {@code model}:
   * the same weights).
   */
  private RegisteredModel checkStatement(RegisteredModel model, SignedAnswer a, int[] input)
      throws BuyerException {
    AnswerStatement s = a.getStatement();
    RegisteredModel under = model;
    if (!s.getModelId().equals(model.id())) {
      under = s.getModelId().size() == Digest32.LENGTH ? model(s.getModelId()) : null;
      if (under == null || !under.lineage().contains(model.id())) {
        throw invalid(
            "answer "
                + s.getAnswerId()
                + " is about model "
                + Hex.of(s.getModelId())
                + ", not "
                + Hex.of(model.id()));
      }
    }
    if (!s.getBuyer().equals(key.publicKeyBytes())) {
      throw invalid("answer " + s.getAnswerId() + " is addressed to another buyer");
    }
    if (!Arrays.equals(s.getInputHash().toByteArray(), Statements.tensorHash(input))) {
      throw invalid("answer " + s.getAnswerId() + " is about another input");
    }
    if (!Arrays.equals(
        s.getOutputHash().toByteArray(),
        Statements.tensorHash(Tensors.fromList(a.getOutputList())))) {
      throw invalid(
          "answer " + s.getAnswerId() + ": its output does not match its signed output hash");
    }
    if (!a.getSellerSignature().getPublicKey().equals(model.sellerKey())
        || !PartyKey.verify(a.getSellerSignature(), Statements.answer(s))) {
      throw invalid(
          "answer " + s.getAnswerId() + ": not signed by the seller that registered the model");
    }
    return under;
  }

  /**
   * Verifies the proof for the registered key and returns its output, which must be the signed one.
   */
  private static int[] verify(RegisteredModel model, ProvenAnswer a, int[] input)
      throws BuyerException {
    String id = a.getAnswer().getStatement().getAnswerId();
    ModelProof proof;
    try {
      proof = ModelProof.decode(a.getProof().toByteArray());
    } catch (InvalidProofException e) {
      throw invalid("answer " + id + ": invalid proof: " + e.getMessage());
    }
    // The cheap check first, so the error names what is wrong.
    if (!proof.model().equals(new Digest32(model.id().toByteArray()))) {
      throw invalid("answer " + id + ": the proof is for another model");
    }
    int[] verified;
    try {
      verified = model.verifier().verify(proof, input);
    } catch (InvalidProofException e) {
      throw invalid("answer " + id + ": invalid proof: " + e.getMessage());
    }
    if (!Arrays.equals(verified, Tensors.fromList(a.getAnswer().getOutputList()))) {
      throw invalid("answer " + id + ": the proven output differs from the answered output");
    }
    return verified;
  }

  private ModelRegistryGrpc.ModelRegistryBlockingStub registry() {
    return ModelRegistryGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
  }

  private PredictionGrpc.PredictionBlockingStub prediction() {
    return PredictionGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
  }

  private <T> T call(Supplier<T> rpc) throws BuyerException {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  /** A failed call as the buyer reports it: refused by the seller, or no answer. */
  BuyerException failure(StatusRuntimeException e) {
    var code = e.getStatus().getCode();
    String what =
        e.getStatus().getDescription() == null ? code.name() : e.getStatus().getDescription();
    boolean unreachable =
        code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED;
    if (unreachable) {
      // A TLS/plaintext mismatch or an untrusted certificate shows up as a dropped connection: say
      // so.
      String hint =
          code != io.grpc.Status.Code.UNAVAILABLE
              ? ""
              : tls
                  ? " (over TLS: is the seller serving TLS, with a certificate for this host signed"
                      + " by the trusted CA?)"
                  : " (in plaintext: if the seller serves TLS, give its CA certificate with"
                      + " --tls-ca)";
      return new BuyerException(
          BuyerException.Reason.UNREACHABLE,
          "no answer from the seller at " + target + ": " + what + hint,
          e);
    }
    return new BuyerException(
        BuyerException.Reason.REFUSED, "the seller at " + target + " refused: " + what, e);
  }

  /**
   * For the other protocols' clients (RetrievalClient, AuditClient), which share this connection.
   */
  ManagedChannel channel() {
    return channel;
  }

  private static BuyerException invalid(String message) {
    return new BuyerException(BuyerException.Reason.INVALID_ANSWER, message);
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

package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.data.SharedData;
import io.zkaudit.inference.RotationLink;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.RequestRejected;
import io.zkaudit.protocols.seller.RotationPolicy;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commitment rotation over gRPC (ResNet-8, a budget of 6 proofs rotated at half): the seller
 * rotates by itself from its persisted proof count, registers the new key with its lineage and
 * answers requests for the old key under the new one; the buyer verifies each link once and sees
 * one lineage; a restarted seller recommits to the rotated key and rotates again. A registration
 * with a link that does not verify is refused by the seller, and an entry with a replayed link by
 * the buyer.
 */
class RotationProtocolTest {
  static final byte[] HIDING =
      "rotation test hiding key, 32 B!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  @TempDir Path tmp;

  static QuantizedModel resnet8() throws Exception {
    var file = SharedData.resolve("models/resnet8_cifar10_int8.tflite");
    Assumptions.assumeTrue(
        file.isPresent(), "skipped: ../shared/models/resnet8_cifar10_int8.tflite is not present");
    return TfliteImporter.loadQuantized(file.get());
  }

  /** A seller serving the keyed ResNet-8, rotating at 3 of a budget of 6 proofs. */
  static SellerServer start(PartyKey key, String url, CommittedModel model) {
    SellerServer server =
        SellerServer.start(key, SellerConfig.defaults(url, 0), AnswerProver.HONEST);
    server.seller().rotateAutomatically(new RotationPolicy(HIDING, 0.5, m -> 6));
    server.seller().serve(model, "resnet8-cifar10", SellerFixture.METRICS);
    return server;
  }

  @Test
  void theSellerRotatesBeforeItsBudgetRunsOutAcrossARestart() throws Exception {
    PartyKey sellerKey = PartyKey.generate();
    PartyKey buyerKey = PartyKey.generate();
    String url = SellerStore.h2FileUrl(tmp.resolve("seller"));
    CommittedModel gen0 = ModelProver.commit(resnet8(), HIDING);
    ByteString id0 = ByteString.copyFrom(gen0.vk().digest().bytes());
    ByteString id1;
    try (SellerServer server = start(sellerKey, url, gen0);
        BuyerClient buyer = new BuyerClient("localhost", server.port(), buyerKey, 120)) {
      RegisteredModel m0 = buyer.models().getFirst();
      assertEquals(id0, m0.id());
      assertEquals(List.of(id0), m0.lineage());
      for (int i = 1; i <= 3; i++) { // the third proof reaches 3 of 6: rotate
        assertEquals(
            id0,
            buyer.predict(m0, Resnet8.input(i)).answer().getStatement().getModelId(),
            "proven before the rotation");
      }
      List<RegisteredModel> listed = buyer.models();
      assertEquals(2, listed.size());
      RegisteredModel m1 = listed.get(1);
      id1 = m1.id();
      assertNotEquals(id0, id1);
      assertEquals(id0, m1.entry().getRotatedFrom());
      assertEquals(List.of(id0, id1), m1.lineage());
      assertTrue(m1.sameModelAs(m0));
      assertEquals(id0, m1.lineageRoot());
      VerifiedAnswer a4 = buyer.predict(m0, Resnet8.input(4));
      assertEquals(
          id1,
          a4.answer().getStatement().getModelId(),
          "a request for the old key is proven under the new");
      SellerStore store = server.seller().store();
      assertEquals(4, store.proofs(id0.toByteArray()), "three proofs and the link");
      assertEquals(2, store.proofs(id1.toByteArray()), "the link and one proof");
      assertEquals(1, store.generation(id1.toByteArray()));
    }
    try (SellerServer server = start(sellerKey, url, ModelProver.commit(resnet8(), HIDING));
        BuyerClient buyer = new BuyerClient("localhost", server.port(), buyerKey, 120)) {
      RegisteredModel m0 = buyer.model(id0);
      assertEquals(
          id1,
          ByteString.copyFrom(server.seller().current(gen0).vk().digest().bytes()),
          "a restarted seller recommits to the key it rotated to");
      assertEquals(2, buyer.models().size(), "no rotation at a restart");
      // The count survived the restart: this proof is the new key's third, 3 of 6: rotate again.
      VerifiedAnswer a5 = buyer.predict(m0, Resnet8.input(5));
      assertEquals(id1, a5.answer().getStatement().getModelId());
      List<RegisteredModel> listed = buyer.models();
      assertEquals(3, listed.size());
      RegisteredModel m2 = listed.get(2);
      assertEquals(List.of(id0, id1, m2.id()), m2.lineage());
      assertEquals(2, server.seller().store().generation(m2.id().toByteArray()));
      assertEquals(
          m2.id(), buyer.predict(m0, Resnet8.input(6)).answer().getStatement().getModelId());
    }
  }

  @Test
  void aRotationWhoseLinkDoesNotVerifyIsRefusedBySellerAndBuyer() throws Exception {
    PartyKey sellerKey = PartyKey.generate();
    String url = SellerStore.h2FileUrl(tmp.resolve("seller"));
    CommittedModel gen0 = ModelProver.commit(resnet8(), HIDING);
    CommittedModel gen1 = ModelProver.commit(resnet8(), HIDING, 1);
    RotationLink honest = io.zkaudit.prover.inference.RotationLinks.prove(gen0, gen1, 1);
    CommittedModel other = Resnet8.otherModel(); // one weight changed
    ByteString id0 = ByteString.copyFrom(gen0.vk().digest().bytes());
    try (SellerServer server = start(sellerKey, url, gen0);
        BuyerClient buyer = new BuyerClient("localhost", server.port(), PartyKey.generate(), 120)) {
      // The seller refuses a rotation to other weights with the honest link replayed.
      RegisterModelRequest.Builder r =
          RegisterModelRequest.newBuilder()
              .setName("cheat")
              // Certified (its weights are in range): what fails is the link alone.
              .setVerifyingKey(
                  ByteString.copyFrom(
                      io.zkaudit.prover.inference.WeightRangeProver.certify(other).encode()))
              .setRotatedFrom(id0)
              .setRotationLink(ByteString.copyFrom(honest.encode()));
      RegisterModelRequest signed =
          r.setSellerSignature(sellerKey.sign(Statements.register(r.build()))).build();
      RequestRejected refused =
          assertThrows(RequestRejected.class, () -> server.seller().register(signed));
      assertTrue(
          refused.getMessage().contains("rotation_link: the link is to model"),
          refused.getMessage());
      // A registry that lists it anyway (written past the checks) is caught by the buyer.
      ModelEntry forged =
          ModelEntry.newBuilder()
              .setModelId(ByteString.copyFrom(other.vk().digest().bytes()))
              .setName("cheat")
              .setDescriptionDigest(ByteString.copyFrom(other.vk().description().digest()))
              .setVerifyingKey(signed.getVerifyingKey())
              .setRegisteredAtMillis(System.currentTimeMillis())
              .setSellerSignature(signed.getSellerSignature())
              .setRotatedFrom(id0)
              .setRotationLink(signed.getRotationLink())
              .build();
      server.seller().store().putModel(forged);
      BuyerException e = assertThrows(BuyerException.class, () -> buyer.model(forged.getModelId()));
      assertEquals(BuyerException.Reason.INVALID_ANSWER, e.reason());
      assertTrue(e.getMessage().contains("rotation link from"), e.getMessage());
      assertThrows(BuyerException.class, buyer::models);
    }
  }

  /**
   * A registry that lists two keys each rotated from the other: the buyer stops, it does not loop.
   */
  @Test
  void aLineageCycleIsRejectedByTheBuyer() throws Exception {
    PartyKey sellerKey = PartyKey.generate();
    String url = SellerStore.h2FileUrl(tmp.resolve("seller"));
    CommittedModel gen0 = ModelProver.commit(resnet8(), HIDING);
    try (SellerServer server = start(sellerKey, url, gen0);
        BuyerClient buyer = new BuyerClient("localhost", server.port(), PartyKey.generate(), 120)) {
      ModelEntry first = server.seller().rotate(gen0); // gen1, rotated from gen0: a real lineage
      ByteString id0 = ByteString.copyFrom(gen0.vk().digest().bytes());
      // Written past the seller's checks: gen0 "rotated from" gen1, closing the loop.
      try (var db = java.sql.DriverManager.getConnection(url);
          var p =
              db.prepareStatement(
                  "INSERT INTO model_lineage (model_id, rotated_from, rotation_link, generation)"
                      + " VALUES (?, ?, ?, 1)")) {
        p.setBytes(1, id0.toByteArray());
        p.setBytes(2, first.getModelId().toByteArray());
        p.setBytes(3, first.getRotationLink().toByteArray());
        p.executeUpdate();
      }
      BuyerException e = assertThrows(BuyerException.class, () -> buyer.model(first.getModelId()));
      assertEquals(BuyerException.Reason.INVALID_ANSWER, e.reason());
      assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }
  }
}

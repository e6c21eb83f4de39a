package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightRanges;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.WeightRangeProver;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buyer checks a registry entry's weight range proof before it trusts the key: the seller's
 * certified key is accepted; an entry (correctly signed by the seller) whose key has no range
 * proof, or a range proof with one flipped bit, is refused with a reason.
 */
class BuyerKeyCheckTest {
  @TempDir Path tmp;

  @Test
  void theBuyerRefusesKeysWithoutAValidRangeProof() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      CommittedModel served = Resnet8.model();
      f.buyer.model(ByteString.copyFrom(served.vk().digest().bytes()));
      assertTrue(WeightRanges.verified(served.vk().digest()));

      // Two other commitments of the same weights (fresh hiding randomness: their own digests).
      CommittedModel bare = ModelProver.commit(served.model());
      ByteString bareId = put(f, "uncertified", bare.vk());
      BuyerException none = assertThrows(BuyerException.class, () -> f.buyer.model(bareId));
      assertTrue(none.getMessage().contains("no weight range proof"), none.getMessage());

      CommittedModel other = ModelProver.commit(served.model());
      assertNotEquals(other.vk().digest(), bare.vk().digest());
      byte[] bytes = WeightRangeProver.certify(other).encode();
      bytes[bytes.length - 40] ^= 8; // inside the range proof's shadow link
      ByteString badId = put(f, "bad-range-proof", VerifyingKey.decode(bytes));
      BuyerException bad = assertThrows(BuyerException.class, () -> f.buyer.model(badId));
      assertTrue(bad.getMessage().contains("weight range proof"), bad.getMessage());
      assertEquals(false, WeightRanges.verified(other.vk().digest()));
    }
  }

  /**
   * The input normalization a seller registers (issue 18: how buyers encode their images for the
   * model) is read back from the store and bound by the registration's signature: an entry whose
   * normalization differs from the signed one, or which adds one to a registration signed without,
   * is refused; one that does not fit the model's input (two channels for three) too.
   */
  @Test
  void theServedInputNormalizationIsBoundByTheSellersSignature() throws Exception {
    var meanStd =
        ServedNormalization.toProto(
            new io.zkaudit.data.InputNormalization.MeanStd(
                new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}));
    var range = ServedNormalization.toProto(new io.zkaudit.data.PixelRange(0, 1));
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      CommittedModel served = Resnet8.model();
      ByteString ok = put(f, "mean-std", certified(served), meanStd, meanStd);
      var entry = f.buyer.model(ok).entry();
      assertEquals(meanStd, entry.getInputNormalization());
      assertEquals(
          new io.zkaudit.data.InputNormalization.MeanStd(
              new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}),
          ServedNormalization.of(entry, 3).orElseThrow());

      ByteString swapped = put(f, "swapped", certified(served), meanStd, range);
      BuyerException s = assertThrows(BuyerException.class, () -> f.buyer.model(swapped));
      assertTrue(s.getMessage().contains("signature on its registration"), s.getMessage());
      ByteString added = put(f, "added", certified(served), null, meanStd);
      BuyerException a = assertThrows(BuyerException.class, () -> f.buyer.model(added));
      assertTrue(a.getMessage().contains("signature on its registration"), a.getMessage());

      var twoChannels =
          ServedNormalization.toProto(
              new io.zkaudit.data.InputNormalization.MeanStd(
                  new double[] {0.5, 0.5}, new double[] {0.25, 0.25}));
      ByteString misfit = put(f, "misfit", certified(served), twoChannels, twoChannels);
      BuyerException m = assertThrows(BuyerException.class, () -> f.buyer.model(misfit));
      assertTrue(
          m.getMessage().contains("input_normalization: input mean/std give 2 channels"),
          m.getMessage());
    }
  }

  /** Another commitment of the model's weights (its own digest), with a range proof. */
  private static VerifyingKey certified(CommittedModel served) {
    return WeightRangeProver.certify(ModelProver.commit(served.model()));
  }

  /** A registry entry for key, signed by the fixture's seller, put straight into its store. */
  private static ByteString put(SellerFixture f, String name, VerifyingKey vk) {
    return put(f, name, vk, null, null);
  }

  /**
   * The same, the registration signed with {@code signedNormalization} and the entry stored with
   * {@code storedNormalization} (each null for none).
   */
  private static ByteString put(
      SellerFixture f,
      String name,
      VerifyingKey vk,
      io.zkaudit.proto.v1.InputNormalization signedNormalization,
      io.zkaudit.proto.v1.InputNormalization storedNormalization) {
    RegisterModelRequest.Builder b =
        RegisterModelRequest.newBuilder()
            .setName(name)
            .setVerifyingKey(ByteString.copyFrom(vk.encode()))
            .addAllMetrics(SellerFixture.METRICS);
    if (signedNormalization != null) {
      b.setInputNormalization(signedNormalization);
    }
    RegisterModelRequest r = b.build();
    ByteString id = ByteString.copyFrom(vk.digest().bytes());
    ModelEntry.Builder e =
        ModelEntry.newBuilder()
            .setModelId(id)
            .setName(name)
            .setDescriptionDigest(ByteString.copyFrom(vk.description().digest()))
            .setVerifyingKey(r.getVerifyingKey())
            .addAllMetrics(r.getMetricsList())
            .setRegisteredAtMillis(System.currentTimeMillis())
            .setSellerSignature(f.sellerKey.sign(Statements.register(r)));
    if (storedNormalization != null) {
      e.setInputNormalization(storedNormalization);
    }
    f.server.seller().store().putModel(e.build());
    return id;
  }
}

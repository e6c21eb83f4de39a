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

  /** A registry entry for key, signed by the fixture's seller, put straight into its store. */
  private static ByteString put(SellerFixture f, String name, VerifyingKey vk) {
    RegisterModelRequest r =
        RegisterModelRequest.newBuilder()
            .setName(name)
            .setVerifyingKey(ByteString.copyFrom(vk.encode()))
            .addAllMetrics(SellerFixture.METRICS)
            .build();
    ByteString id = ByteString.copyFrom(vk.digest().bytes());
    f.server
        .seller()
        .store()
        .putModel(
            ModelEntry.newBuilder()
                .setModelId(id)
                .setName(name)
                .setDescriptionDigest(ByteString.copyFrom(vk.description().digest()))
                .setVerifyingKey(r.getVerifyingKey())
                .addAllMetrics(r.getMetricsList())
                .setRegisteredAtMillis(System.currentTimeMillis())
                .setSellerSignature(f.sellerKey.sign(Statements.register(r)))
                .build());
    return id;
  }
}

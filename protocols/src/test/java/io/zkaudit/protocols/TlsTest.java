package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seller over TLS: a buyer that trusts its certificate gets answers; plaintext and strangers
 * fail clearly.
 */
class TlsTest {
  @TempDir Path tmp;

  private SellerFixture tlsSeller(TestCertificates certs) throws Exception {
    return SellerFixture.start(
        PartyKey.generate(),
        SellerStore.h2FileUrl(tmp.resolve("seller")),
        AnswerProver.HONEST,
        PartyKey.generate(),
        c -> c,
        SellerServer.Options.NONE.withTls(
            new SellerServer.Tls(certs.certificate(), certs.privateKey())));
  }

  @Test
  void aBuyerThatTrustsTheSellersCertificateGetsVerifiedAnswersOverTls() throws Exception {
    TestCertificates certs = TestCertificates.localhost(tmp);
    try (SellerFixture f = tlsSeller(certs);
        BuyerClient buyer =
            new BuyerClient(
                "localhost", f.server.port(), PartyKey.generate(), 60, certs.certificate())) {
      RegisteredModel m = buyer.models().get(0);
      SignedAnswer a = buyer.predictSigned(m, Resnet8.input(60));
      assertEquals(buyer.key().publicKeyBytes(), a.getStatement().getBuyer());
    }
  }

  @Test
  void aPlaintextBuyerCannotTalkToATlsSeller() throws Exception {
    TestCertificates certs = TestCertificates.localhost(tmp);
    try (SellerFixture f = tlsSeller(certs)) {
      // SellerFixture's own buyer speaks plaintext.
      BuyerException e = assertThrows(BuyerException.class, f.buyer::models);
      assertEquals(BuyerException.Reason.UNREACHABLE, e.reason());
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }
  }

  @Test
  void aBuyerRefusesASellerCertificateItDoesNotTrust() throws Exception {
    TestCertificates certs = TestCertificates.localhost(tmp);
    Path otherDir = Files.createDirectory(tmp.resolve("other"));
    TestCertificates other = TestCertificates.localhost(otherDir);
    try (SellerFixture f = tlsSeller(certs);
        BuyerClient buyer =
            new BuyerClient(
                "localhost", f.server.port(), PartyKey.generate(), 60, other.certificate())) {
      BuyerException e = assertThrows(BuyerException.class, buyer::models);
      assertEquals(BuyerException.Reason.UNREACHABLE, e.reason());
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }
  }
}

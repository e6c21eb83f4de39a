package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.HeldAnswer;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.StoredAnswer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Verified prediction over real gRPC sockets and a real H2 file: both modes, honest and cheating
 * sellers.
 */
class PredictionProtocolTest {
  @TempDir Path tmp;

  private static int[] expected(int[] input) throws Exception {
    var m = Resnet8.model();
    return new IntegerEngine(m.model()).trace(input).tensor(m.circuit().outputTensor());
  }

  @Test
  void registryListsTheCommittedModelAndProvenAnswersVerify() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      List<RegisteredModel> models = f.buyer.models();
      assertEquals(1, models.size());
      RegisteredModel m = models.get(0);
      assertArrayEquals(Resnet8.model().vk().digest().bytes(), m.id().toByteArray());
      assertEquals("resnet8-cifar10", m.entry().getName());
      assertEquals(0.87, m.entry().getMetrics(0).getValue());
      assertEquals(f.sellerKey.publicKeyBytes(), m.sellerKey());

      int[] x = Resnet8.input(1);
      VerifiedAnswer a = f.buyer.predict(m, x);
      assertArrayEquals(expected(x), a.output());
      assertTrue(a.proof().length > 0);
      StoredAnswer stored = f.server.seller().store().answer(a.id()).orElseThrow();
      assertArrayEquals(x, stored.input());
      assertArrayEquals(a.proof(), stored.proof());
    }
  }

  @Test
  void contestedSignedAnswersAreProvenAndOthersCannotContestThem() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      RegisteredModel m = f.buyer.models().get(0);
      List<HeldAnswer> answers =
          List.of(
              f.buyer.predictHeld(m, Resnet8.input(2)),
              f.buyer.predictHeld(m, Resnet8.input(3)),
              f.buyer.predictHeld(m, Resnet8.input(4)));
      assertArrayEquals(
          expected(Resnet8.input(3)), Tensors.fromList(answers.get(1).answer().getOutputList()));
      assertEquals(
          null, f.server.seller().store().answer(answers.get(0).id()).orElseThrow().proof());

      List<VerifiedAnswer> proven = f.buyer.contest(List.of(answers.get(0), answers.get(2)));
      assertEquals(2, proven.size());
      assertArrayEquals(expected(Resnet8.input(2)), proven.get(0).output());
      assertArrayEquals(expected(Resnet8.input(4)), proven.get(1).output());

      try (var stranger =
          new io.zkaudit.protocols.buyer.BuyerClient(
              "localhost", f.server.port(), PartyKey.generate(), 60)) {
        BuyerException e =
            assertThrows(BuyerException.class, () -> stranger.contest(List.of(answers.get(1))));
        assertEquals(BuyerException.Reason.REFUSED, e.reason());
        assertTrue(e.getMessage().contains("no answer"), e.getMessage());
      }
    }
  }

  private static void assertCaught(BuyerException e, String reason) {
    assertEquals(BuyerException.Reason.INVALID_ANSWER, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void aProofWithATamperedOutputIsRejected() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, CheatingProvers.PROOF_WITH_TAMPERED_OUTPUT)) {
      RegisteredModel m = f.buyer.models().get(0);
      assertCaught(
          assertThrows(BuyerException.class, () -> f.buyer.predict(m, Resnet8.input(5))),
          "invalid proof");
    }
  }

  @Test
  void aSignedTamperedOutputIsCaughtWhenContested() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, CheatingProvers.SIGNS_TAMPERED_OUTPUT)) {
      RegisteredModel m = f.buyer.models().get(0);
      HeldAnswer a = f.buyer.predictHeld(m, Resnet8.input(6));
      assertCaught(
          assertThrows(BuyerException.class, () -> f.buyer.contest(List.of(a))),
          "the proven output differs from the answered output");
    }
  }

  @Test
  void aProofForAnotherInputIsRejected() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, CheatingProvers.PROVES_ANOTHER_INPUT)) {
      RegisteredModel m = f.buyer.models().get(0);
      assertCaught(
          assertThrows(BuyerException.class, () -> f.buyer.predict(m, Resnet8.input(7))),
          "another input");
    }
  }

  /**
   * Issue 13's forgery, through the buyer's contest: the seller answers x with model(x') for
   * another x', signs (H(x), H(model(x'))) and, contested, proves model(x'). The buyer verifies the
   * proof against the x it kept: caught. Before, the contest verified without the input.
   */
  @Test
  void aSignedAnswerProvenForAnotherInputIsCaughtWhenContested() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, CheatingProvers.PROVES_ANOTHER_INPUT)) {
      RegisteredModel m = f.buyer.models().get(0);
      int[] x = Resnet8.input(12);
      HeldAnswer a = f.buyer.predictHeld(m, x);
      // The signed hash is the buyer's input's, so the signature checks pass ...
      assertArrayEquals(
          Statements.tensorHash(x), a.answer().getStatement().getInputHash().toByteArray());
      // ... and the contest catches the proof about another input.
      assertCaught(
          assertThrows(BuyerException.class, () -> f.buyer.contest(List.of(a))), "another input");
      // A buyer cannot contest with an input other than the signed one either (it would verify the
      // wrong statement).
      int[] y = Resnet8.input(13);
      assertThrows(
          IllegalArgumentException.class,
          () -> f.buyer.contest(List.of(new HeldAnswer(a.answer(), y))));
    }
  }

  @Test
  void aProofByAnotherModelIsRejected() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, CheatingProvers.PROVES_ANOTHER_MODEL)) {
      RegisteredModel m = f.buyer.models().get(0);
      assertCaught(
          assertThrows(BuyerException.class, () -> f.buyer.predict(m, Resnet8.input(8))),
          "another model");
    }
  }

  @Test
  void aContestProvenAfterItsDeadlineIsRejected() throws Exception {
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            io.zkaudit.protocols.seller.SellerStore.h2FileUrl(tmp.resolve("s")),
            AnswerProver.HONEST,
            PartyKey.generate(),
            SellerFixture.contestWindow(Duration.ZERO))) {
      RegisteredModel m = f.buyer.models().get(0);
      HeldAnswer a = f.buyer.predictHeld(m, Resnet8.input(9));
      assertCaught(
          assertThrows(BuyerException.class, () -> f.buyer.contest(List.of(a))),
          "after its deadline");
    }
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aRestartedSellerKeepsItsRegistryAndAnswers(SellerDatabase kind) throws Exception {
    PartyKey seller = PartyKey.generate();
    PartyKey buyer = PartyKey.generate();
    String url = kind.newUrl(tmp, "seller");
    ModelEntry before;
    HeldAnswer answer;
    try (SellerFixture f = SellerFixture.start(seller, url, AnswerProver.HONEST, buyer, c -> c)) {
      before = f.buyer.models().get(0).entry();
      answer = f.buyer.predictHeld(f.buyer.models().get(0), Resnet8.input(10));
    }
    try (SellerFixture f = SellerFixture.start(seller, url, AnswerProver.HONEST, buyer, c -> c)) {
      List<RegisteredModel> models = f.buyer.models();
      assertEquals(1, models.size());
      assertEquals(before, models.get(0).entry());
      StoredAnswer kept = f.server.seller().store().answer(answer.id()).orElseThrow();
      assertEquals(answer.answer(), kept.signed());
      List<VerifiedAnswer> proven = f.buyer.contest(List.of(answer));
      assertArrayEquals(expected(Resnet8.input(10)), proven.get(0).output());
      // The contest's proof is counted against the weight commitment's hiding budget, in the
      // database.
      assertEquals(1, f.server.seller().hidingBudgetUsed(Resnet8.model()));
      f.buyer.predict(models.get(0), Resnet8.input(11));
      assertEquals(2, f.server.seller().hidingBudgetUsed(Resnet8.model()));
    }
    try (SellerFixture f = SellerFixture.start(seller, url, AnswerProver.HONEST, buyer, c -> c)) {
      assertEquals(
          2, f.server.seller().hidingBudgetUsed(Resnet8.model()), "the count survives a restart");
    }
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aContestCutShortBySellerFailureIsResumedAfterARestart(SellerDatabase kind) throws Exception {
    PartyKey seller = PartyKey.generate();
    PartyKey buyer = PartyKey.generate();
    String url = kind.newUrl(tmp, "seller");
    // Answers without proofs, then the seller dies while proving the contest (its prover fails).
    AnswerProver diesWhileProving =
        CheatingProvers.diesAfter(0, new java.util.concurrent.atomic.AtomicInteger());
    List<HeldAnswer> answers;
    io.zkaudit.proto.v1.ContestRequest request;
    try (SellerFixture f = SellerFixture.start(seller, url, diesWhileProving, buyer, c -> c)) {
      RegisteredModel m = f.buyer.models().get(0);
      answers = List.of(f.buyer.predictHeld(m, Resnet8.input(11)));
      request = f.buyer.contestRequest(answers);
      BuyerException e =
          assertThrows(BuyerException.class, () -> f.buyer.contest(request, answers));
      assertEquals(BuyerException.Reason.REFUSED, e.reason());
      assertEquals(
          io.zkaudit.protocols.seller.ContestRecord.Status.OPEN,
          f.server.seller().store().contest(request.getContestId()).orElseThrow().status());
    }
    try (SellerFixture f = SellerFixture.start(seller, url, AnswerProver.HONEST, buyer, c -> c)) {
      List<VerifiedAnswer> proven = f.buyer.contest(request, answers);
      assertArrayEquals(expected(Resnet8.input(11)), proven.get(0).output());
      assertEquals(
          io.zkaudit.protocols.seller.ContestRecord.Status.PROVEN,
          f.server.seller().store().contest(request.getContestId()).orElseThrow().status());
      // The same request once more: the same proofs, not a second contest.
      assertArrayEquals(proven.get(0).proof(), f.buyer.contest(request, answers).get(0).proof());
    }
  }
}

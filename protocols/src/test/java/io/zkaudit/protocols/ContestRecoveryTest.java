package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.HeldAnswer;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.ContestRecord;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A seller stopped mid-contest proves the open contest by itself when it starts again. */
class ContestRecoveryTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aRestartedSellerProvesOpenContestsWithoutTheBuyerResending(SellerDatabase kind)
      throws Exception {
    PartyKey seller = PartyKey.generate();
    PartyKey buyer = PartyKey.generate();
    String url = kind.newUrl(tmp, "seller");
    List<HeldAnswer> answers;
    ContestRequest request;
    // Answers honestly, then stops (its prover fails) as soon as it must prove.
    AnswerProver stopsWhileProving = CheatingProvers.diesAfter(0, new AtomicInteger());
    try (SellerFixture f = SellerFixture.start(seller, url, stopsWhileProving, buyer, c -> c)) {
      RegisteredModel m = f.buyer.models().get(0);
      answers =
          List.of(
              f.buyer.predictHeld(m, Resnet8.input(50)), f.buyer.predictHeld(m, Resnet8.input(51)));
      request = f.buyer.contestRequest(answers);
      assertThrows(BuyerException.class, () -> f.buyer.contest(request, answers));
      assertEquals(
          ContestRecord.Status.OPEN,
          f.server.seller().store().contest(request.getContestId()).orElseThrow().status());
    }
    try (SellerFixture f = SellerFixture.start(seller, url, AnswerProver.HONEST, buyer, c -> c)) {
      SellerStore store = f.server.seller().store();
      long end = System.nanoTime() + 60_000_000_000L;
      while (store.contest(request.getContestId()).orElseThrow().status()
          == ContestRecord.Status.OPEN) {
        if (System.nanoTime() > end) {
          throw new AssertionError("the restarted seller did not prove the open contest by itself");
        }
        Thread.sleep(100);
      }
      ContestRecord done = store.contest(request.getContestId()).orElseThrow();
      assertEquals(ContestRecord.Status.PROVEN, done.status());
      for (HeldAnswer a : answers) {
        assertNotNull(store.answer(a.id()).orElseThrow().proof());
      }
      // The buyer's next call finds the proofs ready: no proving happens, the same proofs come
      // back.
      List<VerifiedAnswer> proven = f.buyer.contest(request, answers);
      var m = Resnet8.model();
      assertArrayEquals(
          new IntegerEngine(m.model()).trace(Resnet8.input(51)).tensor(m.circuit().outputTensor()),
          proven.get(1).output());
      assertEquals(
          (long) done.provenAt(),
          (long) store.contest(request.getContestId()).orElseThrow().provenAt());
    }
  }
}

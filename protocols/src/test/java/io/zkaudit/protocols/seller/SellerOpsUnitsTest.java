package io.zkaudit.protocols.seller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The parts of the seller's monitoring that need no server: the at-risk estimate and the request
 * log's trace limit.
 */
class SellerOpsUnitsTest {
  @Test
  void owedProofsThatWillMissTheirDeadlineAtTheExpectedPaceAreAtRisk() throws Exception {
    try (ProofQueue q = new ProofQueue(AdmissionLimits.defaults())) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread.ofVirtual()
          .start(
              () ->
                  q.run(
                      ProofQueue.Priority.answer(null),
                      () -> {
                        started.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return 0;
                      }));
      assertTrue(started.await(10, TimeUnit.SECONDS));
      long now = 1_000_000;
      // Three contests waiting behind the answer under way, due in 25, 35 and 100 s.
      for (long due : new long[] {25_000, 35_000, 100_000}) {
        Thread.ofVirtual().start(() -> q.run(ProofQueue.Priority.contest(now + due), () -> 0));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (q.waiting() < 3) {
        assertTrue(System.nanoTime() < until);
        Thread.sleep(10);
      }
      assertEquals(1, q.inFlight());
      // 10 s a proof: the one under way ends at 10 s, the contests at 20, 30 and 40 s: all in time.
      assertEquals(0, q.owedAtRisk(now, 10_000));
      // 12 s a proof: 24, 36, 48 s: the one due at 35 s is late.
      assertEquals(1, q.owedAtRisk(now, 12_000));
      // 15 s a proof: 30, 45, 60 s: the first two are late.
      assertEquals(2, q.owedAtRisk(now, 15_000));
      // Before any proof was timed only what is already past its deadline counts.
      assertEquals(0, q.owedAtRisk(now, 0));
      assertEquals(3, q.owedAtRisk(now + 200_000, 0));
      release.countDown();
    }
  }

  @Test
  void theRequestLogWritesAStackTraceAtMostOnceAMinutePerFault() {
    Logger log = new LoggerContext().getLogger("requests");
    log.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    AtomicLong clock = new AtomicLong();
    RequestLog requestLog = new RequestLog(log, clock::get);
    IllegalStateException fault = new IllegalStateException("the disk is full");
    CallRecorder.Outcome failed =
        new CallRecorder.Outcome(
            "zkaudit.v1.Prediction/PredictSigned",
            "0011223344556677",
            Status.Code.INTERNAL,
            2_000_000,
            fault);
    for (int i = 0; i < 3; i++) {
      requestLog.accept(failed);
      clock.addAndGet(1_000_000_000L);
    }
    clock.addAndGet(RequestLog.TRACE_EVERY_NANOS);
    requestLog.accept(failed);
    requestLog.accept(
        new CallRecorder.Outcome("zkaudit.v1.Registry/List", "-", Status.Code.OK, 1_500_000, null));

    assertEquals(5, lines.list.size());
    assertNotNull(lines.list.get(0).getThrowableProxy());
    assertNull(lines.list.get(1).getThrowableProxy());
    assertNull(lines.list.get(2).getThrowableProxy());
    assertNotNull(
        lines.list.get(3).getThrowableProxy(), "a minute later the trace is logged again");
    assertTrue(
        lines
            .list
            .get(1)
            .getFormattedMessage()
            .contains("java.lang.IllegalStateException: the disk is full"),
        lines.list.get(1).getFormattedMessage());
    assertEquals(Level.ERROR, lines.list.get(0).getLevel());
    assertEquals(
        "Prediction/PredictSigned buyer=0011223344556677 status=INTERNAL 2.0 ms",
        lines.list.get(0).getFormattedMessage());
    assertEquals("Registry/List buyer=- status=OK 1.5 ms", lines.list.get(4).getFormattedMessage());
    assertEquals(Level.INFO, lines.list.get(4).getLevel());
  }
}

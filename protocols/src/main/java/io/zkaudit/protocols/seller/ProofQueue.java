package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The seller's one prover, shared by every protocol, with admission control in front of it. A proof
 * takes every core (and for MobileNet 7 GB of heap), so proofs run one at a time on one thread, in
 * this order: contest and audit proofs first, earliest deadline first (a late one is slashed); then
 * predict proofs, then retrieval proofs, each in arrival order.
 *
 * <p>Predict proofs are what a flood is made of, so only they are bounded: a full queue, or a buyer
 * key with too many waiting, is answered RESOURCE_EXHAUSTED at once; and a waiting proof whose gRPC
 * call is cancelled (the client gave up) is dropped before it starts. Contest and audit proofs are
 * owed, so they are never refused here nor dropped when their caller goes away.
 */
final class ProofQueue implements AutoCloseable {
  /**
   * What a proof is for; the declaration order is the priority (contests and audits share the first
   * rank).
   */
  enum Kind {
    CONTEST,
    AUDIT,
    ANSWER,
    RETRIEVAL;

    int rank() {
      return this == CONTEST || this == AUDIT ? 0 : ordinal() - 1;
    }
  }

  /**
   * @param deadline when the proof is due, epoch millis (Long.MAX_VALUE: none)
   * @param buyer the buyer key that asked, for its share of the queue (null: none)
   */
  record Priority(Kind kind, long deadline, ByteString buyer) {
    static Priority contest(long deadline) {
      return new Priority(Kind.CONTEST, deadline, null);
    }

    static Priority audit(long deadline) {
      return new Priority(Kind.AUDIT, deadline, null);
    }

    static Priority answer(ByteString buyer) {
      return new Priority(Kind.ANSWER, Long.MAX_VALUE, buyer);
    }

    static final Priority RETRIEVAL = new Priority(Kind.RETRIEVAL, Long.MAX_VALUE, null);
  }

  private static final class Job {
    final Priority priority;
    final long seq;
    final Supplier<?> work;
    final CompletableFuture<Object> done = new CompletableFuture<>();

    Job(Priority priority, long seq, Supplier<?> work) {
      this.priority = priority;
      this.seq = seq;
      this.work = work;
    }
  }

  private static final Comparator<Job> ORDER =
      Comparator.<Job>comparingInt(j -> j.priority.kind().rank())
          .thenComparingLong(j -> j.priority.deadline())
          .thenComparingLong(j -> j.seq);

  /** A proof the prover finished (or failed), and how long it ran: for the seller's metrics. */
  record Finished(Kind kind, long nanos) {}

  private final AdmissionLimits limits;
  private volatile java.util.function.Consumer<Finished> onFinished = f -> {};
  private final PriorityQueue<Job> queue = new PriorityQueue<>(ORDER);

  /** The job the prover runs now (null: none). */
  private Job running;

  private final Map<ByteString, Integer> waitingByBuyer = new HashMap<>();
  private final Thread worker;
  private int waitingAnswers;
  private long nextSeq;
  private long dropped;
  private boolean closed;

  ProofQueue(AdmissionLimits limits) {
    this.limits = limits;
    // A platform thread: proofs recurse deeply and get the process's -Xss, as before.
    this.worker = Thread.ofPlatform().daemon().name("seller-prover").start(this::work);
  }

  /**
   * Runs {@code work} on the prover thread in its turn and returns its result; blocks the caller
   * meanwhile. Refuses (RequestRejected) OVER_LIMIT if a predict proof finds the queue full,
   * CALLER_GONE if the caller goes away ({@link Caller}) before its proof starts, UNAVAILABLE if
   * the seller is stopping, and throws whatever {@code work} throws.
   */
  @SuppressWarnings("unchecked")
  <T> T run(Priority p, Supplier<T> work) {
    Job job = admit(p, work);
    boolean droppable = p.kind() == Kind.ANSWER || p.kind() == Kind.RETRIEVAL;
    // Runs at once if the caller is gone already.
    Caller.Registration onGone =
        droppable ? Caller.current().whenGone(() -> drop(job)) : Caller.NOBODY.whenGone(() -> {});
    try {
      return (T) job.done.get();
    } catch (InterruptedException e) {
      drop(job);
      Thread.currentThread().interrupt();
      throw new RequestRejected(RequestRejected.Reason.UNAVAILABLE, "the seller is stopping");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      onGone.close();
    }
  }

  private synchronized Job admit(Priority p, Supplier<?> work) {
    if (closed) {
      throw new RequestRejected(RequestRejected.Reason.UNAVAILABLE, "the seller is stopping");
    }
    if (p.kind() == Kind.ANSWER) {
      if (waitingAnswers >= limits.queuedAnswerProofs()) {
        throw new RequestRejected(
            RequestRejected.Reason.OVER_LIMIT,
            "the seller's proof queue is full ("
                + waitingAnswers
                + " proofs waiting); retry later");
      }
      if (p.buyer() != null
          && waitingByBuyer.getOrDefault(p.buyer(), 0) >= limits.queuedAnswerProofsPerBuyer()) {
        throw new RequestRejected(
            RequestRejected.Reason.OVER_LIMIT,
            "this buyer key has "
                + limits.queuedAnswerProofsPerBuyer()
                + " proofs waiting already; retry when one is done");
      }
      waitingAnswers++;
      if (p.buyer() != null) {
        waitingByBuyer.merge(p.buyer(), 1, Integer::sum);
      }
    }
    Job job = new Job(p, nextSeq++, work);
    queue.add(job);
    notifyAll();
    return job;
  }

  /** Takes a job out of the queue if it has not started (its caller went away). */
  private void drop(Job job) {
    synchronized (this) {
      if (!queue.remove(job)) {
        return; // started or finished: a proof under way is finished (it takes every core, but
        // stops soon)
      }
      leave(job);
      dropped++;
    }
    job.done.completeExceptionally(
        new RequestRejected(
            RequestRejected.Reason.CALLER_GONE, "the call was cancelled before its proof started"));
  }

  private void leave(Job job) {
    Priority p = job.priority;
    if (p.kind() == Kind.ANSWER) {
      waitingAnswers--;
      if (p.buyer() != null) {
        waitingByBuyer.computeIfPresent(p.buyer(), (k, n) -> n == 1 ? null : n - 1);
      }
    }
  }

  /** Proofs waiting now (all kinds). */
  synchronized int waiting() {
    return queue.size();
  }

  /** Waiting proofs dropped because their callers went away, since start. */
  synchronized long dropped() {
    return dropped;
  }

  private void work() {
    while (true) {
      Job job;
      synchronized (this) {
        while (queue.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            closed = true;
          }
        }
        if (closed) {
          return;
        }
        job = queue.poll();
        leave(job);
        running = job;
      }
      long start = System.nanoTime();
      try {
        job.done.complete(job.work.get());
      } catch (Throwable t) {
        job.done.completeExceptionally(t);
      } finally {
        synchronized (this) {
          running = null;
        }
        onFinished.accept(new Finished(job.priority.kind(), System.nanoTime() - start));
      }
    }
  }

  /** Where finished proofs are reported (one listener: the seller's metrics). */
  void onFinished(java.util.function.Consumer<Finished> listener) {
    onFinished = listener;
  }

  /** Proofs being made now: 0 or 1 (one prover). */
  synchronized int inFlight() {
    return running == null ? 0 : 1;
  }

  /**
   * Owed proofs (contests, audits) that will miss their deadline at the expected pace: walking the
   * queue in the prover's order, each proof is expected to take {@code perProofMillis} (the one
   * under way too), and a proof expected to end after its deadline is at risk. Before any proof has
   * been timed ({@code perProofMillis} 0) only those already past their deadline count.
   */
  synchronized int owedAtRisk(long nowMillis, long perProofMillis) {
    long end = nowMillis + (running != null ? perProofMillis : 0);
    int atRisk =
        running != null && running.priority.kind().rank() == 0 && end > running.priority.deadline()
            ? 1
            : 0;
    List<Job> ordered = new java.util.ArrayList<>(queue);
    ordered.sort(ORDER);
    for (Job j : ordered) {
      if (j.priority.kind().rank() != 0) {
        break; // owed proofs come first: the rest are not owed
      }
      end += perProofMillis;
      if (end > j.priority.deadline()) {
        atRisk++;
      }
    }
    return atRisk;
  }

  /** Refuses new proofs and fails the waiting ones (UNAVAILABLE); a proof under way finishes. */
  @Override
  public void close() {
    List<Job> failed;
    synchronized (this) {
      closed = true;
      failed = List.copyOf(queue);
      queue.clear();
      notifyAll();
    }
    for (Job j : failed) {
      j.done.completeExceptionally(
          new RequestRejected(RequestRejected.Reason.UNAVAILABLE, "the seller is stopping"));
    }
  }
}

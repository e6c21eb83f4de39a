package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.proto.v1.AuditProofKind;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.AuditClient.LabelledInput;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.chain.Attester;
import io.zkaudit.protocols.chain.ProofAttester;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditRecord;
import io.zkaudit.protocols.seller.StoredAccuracyProof;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accuracy audit proven by one accuracy proof about the buyer's test-set commitment T (issue
 * 16), the default kind: a seller and a buyer over a real gRPC socket, the seller on an H2 file,
 * ResNet-8 on four CIFAR-10 test images. The count is the integer engine's, the verdict is signed
 * by both; cheating sellers (a count one higher, a subset, a swapped sample, another T) are failed
 * by the buyer and refused by the designated verifier; a buyer that reveals a changed label is
 * refused by the seller; a seller restarted at every step finishes.
 */
class AccuracyAuditProtocolTest {
  private static final int N = 4;

  @TempDir Path tmp;

  private static AuditRecord.State sellerState(AuditFixture f, String id) {
    return f.server.audits().store().audit(id).orElseThrow().state();
  }

  @Test
  void oneAccuracyProofIsVerifiedAndTheResultSignedByBoth() throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(N);
    int expected = AuditFixture.engineCorrect(set);
    AtomicInteger made = new AtomicInteger();
    try (AuditFixture f =
        AuditFixture.start(AuditFixture.Parties.in(tmp), AccuracyCheats.counting(made))) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, set, 0);
      assertEquals(AuditProofKind.ACCURACY_PROOF, s.getCommitment().getProofKind());
      String id = s.getCommitment().getAuditId();
      List<String> phases = new CopyOnWriteArrayList<>();
      AuditClient.Outcome o =
          f.client.run(
              s,
              new AuditClient.Progress() {
                @Override
                public void verified(int index, int done, int total, boolean correct) {}

                @Override
                public void proving(String phase, long done, long total) {
                  phases.add(phase);
                }
              });
      assertEquals(expected, o.correct());
      assertEquals(N, o.verified());
      assertEquals(N, o.samples());
      assertTrue(o.accuracyProof());
      assertEquals(
          AuditStatements.verdict(expected, N, o.terms().getClaimedAccuracy()), o.verdict());
      assertTrue(o.countersigned(), "the seller countersigns the verified count");
      // The signed test set hash is T's digest, and T is what the seller stored and proved about.
      byte[] t = s.getCommitment().getTestSetCommitment().toByteArray();
      assertArrayEquals(
          TestSetCommitment.decode(t).digest().bytes(),
          s.getCommitment().getTestSetHash().toByteArray());
      assertEquals(0, s.getCommitment().getSampleHashesCount());
      assertArrayEquals(t, f.server.audits().store().testSet(id).orElseThrow().commitment());
      assertArrayEquals(
          s.getTestSetSeed().toByteArray(),
          f.server.audits().store().testSet(id).orElseThrow().seed());
      assertFalse(phases.isEmpty(), "the seller reports its prover's progress");
      // One proof for the whole set, stored by the seller with the state, kept by the buyer.
      assertEquals(1, made.get());
      assertEquals(AuditRecord.State.SETTLED, sellerState(f, id));
      StoredAccuracyProof stored = f.server.audits().store().accuracyProof(id).orElseThrow();
      assertEquals(expected, stored.correct());
      assertEquals(N, stored.samples());
      assertTrue(ModelProof.decode(stored.proof()).isAccuracy());
      assertTrue(f.server.audits().store().outline(id).stream().allMatch(x -> x.output() == null));
      Path proofFile = f.client.file(id).resolveSibling(id + ".proof");
      assertEquals(stored.proof().length, Files.size(proofFile));
      assertEquals(N, f.client.status(id).getProven());
      // Asking for per-sample proofs of an accuracy-proof audit is refused.
      RuntimeException refused =
          assertThrows(
              RuntimeException.class,
              () -> f.server.audits().prove(f.client.access(id, 0), x -> {}, () -> false));
      assertTrue(refused.getMessage().contains("ProveAccuracy"), refused.getMessage());
    }
  }

  private void caught(AnswerProver cheat, String reason) throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(N);
    assertTrue(AuditFixture.engineCorrect(set) < N, "the set needs a sample ResNet-8 gets wrong");
    try (AuditFixture f = AuditFixture.start(AuditFixture.Parties.in(tmp), cheat)) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, set, 0);
      String id = s.getCommitment().getAuditId();
      AuditClient.Outcome o = f.client.run(s, AuditClient.Progress.NONE);
      assertEquals(Verdict.PROOF_FAILED, o.verdict());
      assertEquals(0, o.verified());
      assertFalse(o.countersigned());
      String why = o.result().getStatement().getReason();
      assertTrue(why.contains(reason), why);
      // The seller's own check of its stored proof agrees: the failure is stored, not refused.
      AuditRecord a = f.server.audits().store().audit(id).orElseThrow();
      assertEquals(AuditRecord.State.FAILED, a.state());
      assertEquals("PROOF_FAILED", a.result().verdict());
      // The designated verifier, asked to attest the seller's stored proof and count on T (as
      // settleWithProof would), refuses too.
      StoredAccuracyProof p = f.server.audits().store().accuracyProof(id).orElseThrow();
      ProofAttester attester =
          new ProofAttester(
              org.web3j.crypto.Credentials.create(org.web3j.crypto.Keys.createEcKeyPair()),
              new EscrowDeployment(31337, ZERO, ZERO, ZERO, ZERO));
      var claim =
          new Attester.AccuracyClaim(
              m.entry().getVerifyingKey().toByteArray(),
              new Bytes32(m.id().toByteArray()),
              new Bytes32(s.getCommitment().getTestSetHash().toByteArray()),
              0,
              p.correct(),
              N,
              p.proof(),
              s.getCommitment().getTestSetCommitment().toByteArray());
      var refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> attester.attestAccuracy(claim, java.util.Collections.emptyIterator()));
      assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }
  }

  private static final String ZERO = "0x0000000000000000000000000000000000000000";

  @Test
  void aSellerClaimingOneMoreCorrectIsCaught() throws Exception {
    caught(AccuracyCheats.CLAIMS_ONE_MORE, "invalid accuracy proof");
  }

  @Test
  void aSellerProvingASubsetIsCaught() throws Exception {
    caught(AccuracyCheats.PROVES_A_SUBSET, "about 3 samples, the test-set commitment holds 4");
  }

  @Test
  void aSellerSwappingASampleIsCaught() throws Exception {
    caught(AccuracyCheats.SWAPS_A_SAMPLE, "invalid accuracy proof");
  }

  @Test
  void aSellerProvingOnAnotherTestSetCommitmentIsCaught() throws Exception {
    caught(AccuracyCheats.PROVES_ON_ANOTHER_T, "invalid accuracy proof");
  }

  /**
   * A buyer that reveals a label other than the one T holds: the seller refuses the reveal that
   * completes the set (it does not open T), the audit is REVEAL_REFUSED with the reason in its
   * status, nothing is proven, and no later reveal (the honest one included) is taken.
   */
  @Test
  void aBuyerRevealingAChangedLabelIsRefusedBeforeAnyProof() throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(2);
    AtomicInteger made = new AtomicInteger();
    try (AuditFixture f =
        AuditFixture.start(AuditFixture.Parties.in(tmp), AccuracyCheats.counting(made))) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.open(f.client.commit(m, set, 0), m);
      String id = s.getCommitment().getAuditId();
      // A state as older versions kept it, samples inside: the buyer reveals those, sample 0's
      // label changed after committing.
      BuyerAuditState.Builder altered = s.toBuilder();
      for (int i = 0; i < 2; i++) {
        var x = f.client.sample(s, i);
        altered.addSamples(i == 0 ? x.toBuilder().setLabel((x.getLabel() + 1) % 10).build() : x);
      }
      BuyerException e = assertThrows(BuyerException.class, () -> f.client.reveal(altered.build()));
      assertEquals(BuyerException.Reason.REFUSED, e.reason());
      assertTrue(
          e.getMessage().contains("the reveal does not open the test-set commitment"),
          e.getMessage());
      var status = f.client.status(id);
      assertEquals("REVEAL_REFUSED", status.getState());
      assertTrue(
          status.getReason().contains("an input or a label changed after committing"),
          status.getReason());
      assertEquals(AuditRecord.State.REVEAL_REFUSED, sellerState(f, id));
      assertTrue(f.server.audits().store().testSet(id).orElseThrow().seed() == null);
      BuyerException again = assertThrows(BuyerException.class, () -> f.client.reveal(s));
      assertTrue(again.getMessage().contains("REVEAL_REFUSED"), again.getMessage());
      BuyerException prove =
          assertThrows(
              BuyerException.class, () -> f.client.proveAndVerify(s, m, AuditClient.Progress.NONE));
      assertTrue(prove.getMessage().contains("REVEAL_REFUSED"), prove.getMessage());
      assertEquals(0, made.get());
      assertTrue(f.server.audits().store().accuracyProof(id).isEmpty());
    }
  }

  /**
   * A seller stopped at every step (after commit, terms, reveal, mid-proof and after proving) and
   * started again over the same H2 file: each audit completes with the honest count; a proof lost
   * mid-way is made again from the start, by the restarted seller itself.
   */
  @Test
  void aSellerRestartedAtEveryStepCompletes() throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(2);
    int expected = AuditFixture.engineCorrect(set);
    var p = AuditFixture.Parties.in(tmp);
    for (AuditRecord.State stopAt :
        List.of(
            AuditRecord.State.COMMITTED,
            AuditRecord.State.TERMS_SIGNED,
            AuditRecord.State.REVEALED,
            AuditRecord.State.PROVING,
            AuditRecord.State.PROVEN)) {
      String id;
      AtomicInteger started = new AtomicInteger();
      AnswerProver first =
          stopAt == AuditRecord.State.PROVING
              ? AccuracyCheats.diesMidProof(started)
              : AccuracyCheats.counting(started);
      try (AuditFixture f = AuditFixture.start(p, first)) {
        RegisteredModel m = f.client.buyer().models().get(0);
        BuyerAuditState s = f.client.commit(m, set, 0);
        id = s.getCommitment().getAuditId();
        switch (stopAt) {
          case COMMITTED -> f.server.audits().commit(s.getCommitment());
          case TERMS_SIGNED -> f.client.open(s, m);
          case REVEALED -> f.client.reveal(f.client.open(s, m));
          case PROVING ->
              assertThrows(BuyerException.class, () -> f.client.run(s, AuditClient.Progress.NONE));
          default ->
              f.client.proveAndVerify(
                  f.client.reveal(f.client.open(s, m)), m, AuditClient.Progress.NONE);
        }
        assertEquals(stopAt, sellerState(f, id));
        assertEquals(
            stopAt.ordinal() >= AuditRecord.State.PROVING.ordinal() ? 1 : 0,
            started.get(),
            stopAt.name());
        assertEquals(
            stopAt == AuditRecord.State.PROVEN,
            f.server.audits().store().accuracyProof(id).isPresent());
      }
      AtomicInteger after = new AtomicInteger();
      try (AuditFixture f = AuditFixture.start(p, AccuracyCheats.counting(after))) {
        if (stopAt == AuditRecord.State.PROVING) {
          // The restarted seller proves by itself, with no buyer connected.
          f.server.audits().resumeInBackground().join(120_000);
          assertEquals(AuditRecord.State.PROVEN, sellerState(f, id));
        }
        AuditClient.Outcome o = f.client.run(f.client.load(id), AuditClient.Progress.NONE);
        assertEquals(expected, o.correct(), stopAt.name());
        assertEquals(2, o.verified());
        assertTrue(o.countersigned(), stopAt.name());
        assertEquals(AuditRecord.State.SETTLED, sellerState(f, id));
        // A stored proof is never made again; a lost one is made once more.
        assertEquals(stopAt == AuditRecord.State.PROVEN ? 0 : 1, after.get(), stopAt.name());
      }
    }
  }

  /** The fallback: a buyer that asks for per-sample proofs gets them and counts their outputs. */
  @Test
  void perSampleProofsStayAvailable() throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(2);
    try (AuditFixture f = AuditFixture.start(AuditFixture.Parties.in(tmp), AnswerProver.HONEST)) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, set, 0, null, AuditProofKind.PER_SAMPLE_PROOFS);
      AuditClient.Outcome o = f.client.run(s, AuditClient.Progress.NONE);
      assertFalse(o.accuracyProof());
      assertEquals(AuditFixture.engineCorrect(set), o.correct());
      assertEquals(2, o.verified());
      assertTrue(o.countersigned());
      String id = o.auditId();
      assertTrue(f.server.audits().store().accuracyProof(id).isEmpty());
      assertTrue(f.server.audits().store().sample(id, 1).proof().length > 0);
    }
  }
}

package io.zkaudit.protocols;

import static io.zkaudit.proto.v1.AuditProofKind.PER_SAMPLE_PROOFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lying buyer cannot win, and malformed audit requests are refused with the field named: an
 * altered test set, replayed or transplanted messages, and bad fields, sent as raw gRPC requests.
 */
class AuditValidationTest {
  @TempDir Path tmp;

  private static void assertRefused(Status.Code code, String contains, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(
        String.valueOf(e.getStatus().getDescription()).contains(contains),
        e.getStatus().toString());
  }

  private static AuditCommitment resign(AuditCommitment c, PartyKey k) {
    AuditCommitment u = c.toBuilder().clearBuyerSignature().build();
    return u.toBuilder().setBuyerSignature(k.sign(AuditStatements.commitment(u))).build();
  }

  @Test
  void anAlteredTestSetAndReplayedMessagesAreRefused() throws Exception {
    var p = AuditFixture.Parties.in(tmp);
    try (AuditFixture f = AuditFixture.start(p, AnswerProver.HONEST);
        var raw = new RawAuditChannel(f.server.port())) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState a =
          f.client.open(f.client.commit(m, AuditFixture.cifar(2), 0, null, PER_SAMPLE_PROOFS), m);
      String id = a.getCommitment().getAuditId();

      // The same signed commitment again: the same terms, no second audit.
      AuditTerms again = raw.stub().open(a.getCommitment());
      assertEquals(a.getTerms(), again);
      // Another commitment under a used audit id.
      AuditCommitment other =
          resign(
              a.getCommitment().toBuilder()
                  .setRequestedAtMillis(System.currentTimeMillis() + 1)
                  .build(),
              p.buyer());
      assertRefused(Status.Code.ALREADY_EXISTS, "audit_id", () -> raw.stub().open(other));
      // An old commitment with a new id: stale.
      AuditCommitment stale =
          resign(
              a.getCommitment().toBuilder()
                  .setAuditId("stale-1")
                  .setRequestedAtMillis(System.currentTimeMillis() - 3_600_000)
                  .build(),
              p.buyer());
      assertRefused(
          Status.Code.INVALID_ARGUMENT, "requested_at_millis", () -> raw.stub().open(stale));

      // The test set altered after the commitment: another label, then another input.
      RevealedSample s0 = f.client.sample(a, 0);
      RevealedSample relabelled = s0.toBuilder().setLabel((s0.getLabel() + 1) % 10).build();
      // A state as older versions kept it, samples inside: the buyer reveals those.
      BuyerAuditState altered = a.toBuilder().addSamples(relabelled).build();
      for (int i = 1; i < a.getCommitment().getSampleCount(); i++) {
        altered = altered.toBuilder().addSamples(f.client.sample(a, i)).build();
      }
      BuyerAuditState alteredState = altered;
      var e = assertThrows(BuyerException.class, () -> f.client.reveal(alteredState));
      assertEquals(BuyerException.Reason.REFUSED, e.reason());
      assertTrue(
          e.getMessage().contains("samples[0]: sample 0 does not match the buyer's commitment"),
          e.getMessage());
      RevealedSample otherInput = s0.toBuilder().setInput(5, s0.getInput(5) == 0 ? 1 : 0).build();
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "altered",
          () ->
              raw.stub()
                  .reveal(
                      RevealRequest.newBuilder()
                          .setAccess(f.client.access(id, 0))
                          .addSamples(otherInput)
                          .build()));
      // Sample 1 revealed at index 0 (and 0 at 1): each sample hash binds its index, so a sample
      // moved to another place in the test set is not the committed one there.
      RevealedSample s1 = f.client.sample(a, 1);
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample 0 does not match the buyer's commitment",
          () ->
              raw.stub()
                  .reveal(
                      RevealRequest.newBuilder()
                          .setAccess(f.client.access(id, 0))
                          .addSamples(s1.toBuilder().setIndex(0))
                          .addSamples(s0.toBuilder().setIndex(1))
                          .build()));
      assertEquals(
          AuditRecord.State.TERMS_SIGNED,
          f.server.audits().store().audit(id).orElseThrow().state());

      // A signed access for this audit moved to another audit: the signature no longer holds.
      BuyerAuditState b =
          f.client.open(f.client.commit(m, AuditFixture.cifar(1), 0, null, PER_SAMPLE_PROOFS), m);
      String idB = b.getCommitment().getAuditId();
      AuditAccess moved = f.client.access(id, 0).toBuilder().setAuditId(idB).build();
      assertRefused(
          Status.Code.PERMISSION_DENIED, "access.buyer_signature", () -> raw.stub().status(moved));
      // An old signed access replayed.
      AuditAccess old =
          AuditAccess.newBuilder()
              .setAuditId(id)
              .setRequestedAtMillis(System.currentTimeMillis() - 3_600_000)
              .build();
      AuditAccess oldSigned =
          old.toBuilder().setBuyerSignature(p.buyer().sign(AuditStatements.access(old))).build();
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "access.requested_at_millis",
          () -> raw.stub().status(oldSigned));

      // Audit A to its end; its signed result sent again is answered the same, changing nothing.
      AuditClient.Outcome done = f.client.run(f.client.reveal(a), AuditClient.Progress.NONE);
      AuditResult mine = done.result().toBuilder().clearSellerSignature().build();
      assertEquals(done.result(), raw.stub().settle(mine));
      // A's result re-addressed to audit B (re-signed by the buyer): not B's terms.
      f.client.run(f.client.reveal(b), AuditClient.Progress.NONE);
      ResultStatement forB = mine.getStatement().toBuilder().setAuditId(idB).build();
      AuditResult transplanted =
          AuditResult.newBuilder()
              .setStatement(forB)
              .setBuyerSignature(p.buyer().sign(AuditStatements.result(forB)))
              .build();
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "statement.terms_hash",
          () -> raw.stub().settle(transplanted));
      // Another result for the settled audit A.
      ResultStatement changed =
          mine.getStatement().toBuilder()
              .setVerdict(Verdict.PROOF_FAILED)
              .setReason("I say so")
              .build();
      AuditResult second =
          AuditResult.newBuilder()
              .setStatement(changed)
              .setBuyerSignature(p.buyer().sign(AuditStatements.result(changed)))
              .build();
      assertRefused(Status.Code.ALREADY_EXISTS, "settled", () -> raw.stub().settle(second));
      assertEquals(
          AuditRecord.State.SETTLED, f.server.audits().store().audit(id).orElseThrow().state());
    }
  }

  @Test
  void malformedRequestsAreRefusedWithTheFieldNamed() throws Exception {
    var p = AuditFixture.Parties.in(tmp);
    try (AuditFixture f = AuditFixture.start(p, AnswerProver.HONEST);
        var raw = new RawAuditChannel(f.server.port())) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState a = f.client.commit(m, AuditFixture.cifar(2), 0, null, PER_SAMPLE_PROOFS);
      AuditCommitment c = a.getCommitment();
      var stub = raw.stub();

      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "audit_id",
          () -> stub.open(resign(c.toBuilder().setAuditId("a b").build(), p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "model_id",
          () ->
              stub.open(
                  resign(
                      c.toBuilder().setModelId(ByteString.copyFrom(new byte[5])).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.NOT_FOUND,
          "model_id",
          () ->
              stub.open(
                  resign(
                      c.toBuilder().setModelId(ByteString.copyFrom(new byte[32])).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample_count",
          () -> stub.open(resign(c.toBuilder().setSampleCount(0).build(), p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample_count",
          () -> stub.open(resign(c.toBuilder().setSampleCount(50_000).build(), p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample_hashes",
          () -> stub.open(resign(c.toBuilder().setSampleCount(3).build(), p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample_hashes[1]",
          () ->
              stub.open(
                  resign(
                      c.toBuilder().setSampleHashes(1, ByteString.copyFrom(new byte[31])).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "test_set_hash",
          () ->
              stub.open(
                  resign(
                      c.toBuilder().setSampleHashes(1, ByteString.copyFrom(new byte[32])).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "label_offset",
          () -> stub.open(resign(c.toBuilder().setLabelOffset(10).build(), p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "label_offset",
          () -> stub.open(resign(c.toBuilder().setLabelOffset(-1).build(), p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample_count",
          () ->
              stub.open(
                  resign(c.toBuilder().setSampleCount(Integer.MIN_VALUE).build(), p.buyer())));
      // One accuracy proof of 1024 ResNet-8 samples needs ~80 GB of heap (ProofMemory), more than
      // this machine has: refused at the commitment, naming what this seller can prove (before its
      // test-set commitment is even looked at).
      AuditCommitment.Builder big =
          c.toBuilder()
              .setProofKind(io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF)
              .setSampleCount(1024)
              .clearSampleHashes()
              .setTestSetHash(ByteString.copyFrom(new byte[32]));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples per accuracy proof here, or per-sample proofs",
          () -> stub.open(resign(big.build(), p.buyer())));
      // An accuracy-proof commitment stands on its test-set commitment T: no sample hashes, T
      // decodes, holds the audit's samples, is laid out for this model, and its digest is the
      // signed test set hash; a per-sample commitment has no T.
      BuyerAuditState acc = f.client.commit(m, AuditFixture.cifar(2), 0);
      AuditCommitment ac = acc.getCommitment();
      byte[] t = ac.getTestSetCommitment().toByteArray();
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "sample_hashes: none for an ACCURACY_PROOF audit",
          () ->
              stub.open(
                  resign(
                      ac.toBuilder().addSampleHashes(ByteString.copyFrom(new byte[32])).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "test_set_commitment: not a zkaudit test-set commitment",
          () ->
              stub.open(
                  resign(
                      ac.toBuilder()
                          .setTestSetCommitment(ByteString.copyFrom(new byte[41]))
                          .build(),
                      p.buyer())));
      byte[] three = t.clone();
      three[4] = 3; // u32 N, little-endian, after the magic: T's root restated as 3 samples
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "test_set_commitment: holds 3 samples, the audit 2",
          () ->
              stub.open(
                  resign(
                      ac.toBuilder().setTestSetCommitment(ByteString.copyFrom(three)).build(),
                      p.buyer())));
      byte[] vars = t.clone();
      vars[vars.length - 1]--;
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "variables, a test set of 2 samples for this model has",
          () ->
              stub.open(
                  resign(
                      ac.toBuilder().setTestSetCommitment(ByteString.copyFrom(vars)).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "test_set_hash: not the digest of test_set_commitment",
          () ->
              stub.open(
                  resign(
                      ac.toBuilder().setTestSetHash(ByteString.copyFrom(new byte[32])).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "test_set_commitment: only an ACCURACY_PROOF audit has one",
          () ->
              stub.open(
                  resign(
                      c.toBuilder().setTestSetCommitment(ByteString.copyFrom(t)).build(),
                      p.buyer())));
      assertRefused(
          Status.Code.PERMISSION_DENIED,
          "buyer_signature",
          () -> stub.open(c.toBuilder().clearBuyerSignature().build()));
      assertRefused(
          Status.Code.PERMISSION_DENIED,
          "buyer_signature",
          () -> stub.open(c.toBuilder().setSampleCount(2).setLabelOffset(1).build()));

      BuyerAuditState opened = f.client.open(a, m);
      String id = c.getAuditId();
      RevealedSample s = f.client.sample(a, 0);
      RevealRequest.Builder good =
          RevealRequest.newBuilder().setAccess(f.client.access(id, 0)).addSamples(s);
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples: 1 to 2",
          () -> stub.reveal(good.clone().clearSamples().build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[1].index",
          () -> stub.reveal(good.clone().addSamples(s).build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].index",
          () -> stub.reveal(good.clone().setSamples(0, s.toBuilder().setIndex(7)).build()));
      // uint32 fields at 2^31 and above: Java reads them as negative ints; refused, not an INTERNAL
      // error.
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].index",
          () ->
              stub.reveal(
                  good.clone().setSamples(0, s.toBuilder().setIndex(Integer.MIN_VALUE)).build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].label",
          () -> stub.reveal(good.clone().setSamples(0, s.toBuilder().setLabel(-1)).build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].salt",
          () ->
              stub.reveal(
                  good.clone()
                      .setSamples(0, s.toBuilder().setSalt(ByteString.copyFrom(new byte[3])))
                      .build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].input",
          () ->
              stub.reveal(
                  good.clone().setSamples(0, s.toBuilder().clearInput().addInput(1)).build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].input[4]",
          () -> stub.reveal(good.clone().setSamples(0, s.toBuilder().setInput(4, 1000)).build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "samples[0].label",
          () -> stub.reveal(good.clone().setSamples(0, s.toBuilder().setLabel(10)).build()));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "access.audit_id",
          () -> stub.status(AuditAccess.getDefaultInstance()));
      assertRefused(
          Status.Code.PERMISSION_DENIED,
          "access.buyer_signature",
          () -> stub.status(AuditAccess.newBuilder().setAuditId(id).build()));
      // Proving before the reveal, and past the last sample.
      assertRefused(
          Status.Code.FAILED_PRECONDITION,
          "TERMS_SIGNED",
          () -> stub.prove(f.client.access(id, 0)).hasNext());
      f.client.reveal(opened);
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "from_index",
          () -> stub.prove(f.client.access(id, 2)).hasNext());
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "from_index",
          () -> stub.prove(f.client.access(id, Integer.MIN_VALUE)).hasNext());
      // Settling before the proofs, and with no verdict.
      ResultStatement r =
          ResultStatement.newBuilder()
              .setAuditId(id)
              .setTermsHash(
                  ByteString.copyFrom(
                      AuditStatements.hash(AuditStatements.terms(opened.getTerms()))))
              .setSamples(2)
              .setVerified(2)
              .setCorrect(1)
              .setVerdict(Verdict.PASSED)
              .build();
      assertRefused(
          Status.Code.FAILED_PRECONDITION, "REVEALED", () -> stub.settle(signed(r, p.buyer())));
      ResultStatement noVerdict = r.toBuilder().setVerdict(Verdict.VERDICT_UNSPECIFIED).build();
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "statement.verdict",
          () -> stub.settle(signed(noVerdict, p.buyer())));
      assertRefused(
          Status.Code.INVALID_ARGUMENT,
          "statement.samples",
          () -> stub.settle(signed(r.toBuilder().setSamples(3).build(), p.buyer())));
      assertRefused(
          Status.Code.PERMISSION_DENIED,
          "buyer_signature",
          () -> stub.settle(AuditResult.newBuilder().setStatement(r).build()));
      assertRefused(
          Status.Code.NOT_FOUND, "no audit", () -> stub.settle(signed(r, PartyKey.generate())));
    }
  }

  @Test
  void aModelWithNoClaimedAccuracyCannotBeAudited() throws Exception {
    var p = AuditFixture.Parties.in(tmp);
    try (var server =
            io.zkaudit.protocols.seller.SellerServer.start(
                p.seller(),
                io.zkaudit.protocols.seller.SellerConfig.defaults(p.jdbcUrl(), 0),
                AnswerProver.HONEST);
        var client = new AuditClient("localhost", server.port(), p.buyer(), 60, p.buyerDir())) {
      server.seller().serve(Resnet8.model(), "no claims", List.of());
      RegisteredModel m = client.buyer().models().get(0);
      BuyerAuditState a = client.commit(m, AuditFixture.cifar(1), 0, null, PER_SAMPLE_PROOFS);
      BuyerException e = assertThrows(BuyerException.class, () -> client.open(a, m));
      assertEquals(BuyerException.Reason.REFUSED, e.reason());
      assertTrue(e.getMessage().contains("claims no top1_accuracy"), e.getMessage());
      assertTrue(server.audits().store().audit(a.getCommitment().getAuditId()).isEmpty());
    }
  }

  private static AuditResult signed(ResultStatement r, PartyKey k) {
    return AuditResult.newBuilder()
        .setStatement(r)
        .setBuyerSignature(k.sign(AuditStatements.result(r)))
        .build();
  }
}

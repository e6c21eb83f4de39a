package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.SharedData;
import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelProofOpenings;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * A plain ResNet-8 proof (int8, the first CIFAR-10 test image, zero knowledge off) verified
 * entirely on chain in one {@code ProofSession}: open, lookups, every proven layer's rounding and
 * reduction (convolutions, ADDs of two activations, the mean, the dense layer), each checkpoint
 * Java's state with Java's claims; {@code finish} over several transactions ({@code finishSteps}:
 * its claims exceed one), the checkpoint it stores Java's state and the chain of Java's own opening
 * statement; the staged opening, {@code opened}, {@code conclude}. Relayers that change, drop or
 * move claims between the parts, swap, replay or skip parts, finish with parts missing, forge the
 * state or continue someone else's finish are refused.
 */
@ExtendWith(AnvilExtension.class)
class ResNet8PlainSessionTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");
  private static final PcsParams PARAMS = PcsParams.provable100();
  private static final int STEP_OPENING = 1 << 30;
  private static final int UNOPENED = 2;

  /** Small parts in the tests, so that the mutations have several to move between. */
  private static final int TEST_PART = 24 * 1024;

  private static StatementBindingDifferentialTest.Fixture plain;

  /** The plain ResNet-8 proof, verified by Java first; skipped without ../shared. */
  static synchronized StatementBindingDifferentialTest.Fixture resnet8Plain() throws Exception {
    if (plain == null) {
      Optional<java.nio.file.Path> model = SharedData.resolve("models/resnet8_cifar10_int8.tflite");
      Optional<java.nio.file.Path> cifar = SharedData.resolve("data/cifar10/test_batch.bin");
      Assumptions.assumeTrue(
          model.isPresent() && cifar.isPresent(),
          "skipped: ../shared/models or ../shared/data/cifar10 is not present (it is in CI)");
      QuantizedModel m = TfliteImporter.loadQuantized(model.get());
      TensorSpec in = m.input();
      InputEncoder enc = new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in));
      int[] input = enc.quantized(Cifar10.testSet(cifar.get(), 1).getFirst().image(), in);
      CommittedModel cm = ModelProver.commit(m);
      ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, false);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      verifier.verify(proof, input); // the whole proof is valid in Java
      plain =
          new StatementBindingDifferentialTest.Fixture(
              "resnet8", cm.vk(), verifier, input, proof, StatementEncoding.plan(cm.vk()));
    }
    return plain;
  }

  @Test
  void thePlainResNet8VerifiesEndToEndWithItsFinishInParts(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain resnet8 session", FUNDS);
    Credentials other = node.namedAccount("onchain resnet8 other sender", FUNDS);
    OnChainProofSession session = ProofSessionTest.deploy(node, owner).session();
    OnChainProofSession stranger = OnChainProofSession.at(node.web3j(), other, session.address());
    OnChainBatchedVerifier verifier = OnChainBatchedVerifier.deploy(node.web3j(), owner, PARAMS);
    session.bindOpenings(verifier.address());
    StatementBindingDifferentialTest.Fixture f = resnet8Plain();
    ModelCircuit circuit = LinearLayerStepTest.circuit(f);
    int layers = circuit.layers().size();
    List<BigInteger> plan = FinishEncoding.plan(circuit);
    List<byte[]> stepPlans = FinishEncoding.stepPlans(circuit);
    byte[] bins = StatementEncoding.bins(f.proof());

    // The layers, each checkpoint Java's.
    LayerRoundingSessionTest.Opened o = LayerRoundingSessionTest.open(session, f);
    List<byte[]> steps = FinishSessionTest.stepItems(f, f.proof(), f.input(), circuit, o.items());
    Sessions.Run run = Sessions.layers(session, f, circuit, o, steps);
    StringBuilder rows = new StringBuilder(run.rows());
    long gas = run.gas();
    int transactions = run.transactions();
    OnChainProofSession.Checkpoint last = run.last();
    assertEquals(2 + 2 * layers, last.step());
    int claimBytes = steps.stream().mapToInt(s -> s.length).sum();
    assertTrue(claimBytes > 3 * TEST_PART, "claims: " + claimBytes + " bytes");

    // Java's opening: its statement, the transcript before it, the state after it.
    ModelProofOpenings.Opening op = ModelProofOpenings.batched(f.verifier(), f.proof(), f.input());
    BatchedOpeningDifferentialTest.Case c =
        new BatchedOpeningDifferentialTest.Case(
            "ResNet-8, plain",
            PARAMS,
            op.commitments(),
            op.claims(),
            op.before().fork(),
            BatchedOpeningProof.decode(
                op.proof(),
                PARAMS,
                op.commitments().stream().mapToInt(Commitment::numVars).toArray()));
    byte[] javaChain = BatchedOpeningEncoding.statementChain(c.polynomials());
    BatchedOpeningDifferentialTest.JavaVerdict javaOpening =
        BatchedOpeningDifferentialTest.javaVerdict(c, c.proof().encode());
    assertEquals(OpeningRejection.VALID, javaOpening.reason(), javaOpening.message());

    Finisher fin = new Finisher(session, o.id(), last, plan, f.plan(), bins, stepPlans);
    List<List<byte[]>> small = FinishEncoding.parts(steps, TEST_PART);
    assertTrue(small.size() >= 3, "parts: " + small.size());
    refusals(fin, stranger, small);

    // The honest parts as the relayer cuts them (OnChainModelVerifier): the checkpoint unchanged
    // until the last, which stores STEP_OPENING.
    List<List<byte[]>> parts = FinishEncoding.parts(steps, FinishEncoding.PART_BYTES);
    assertTrue(parts.size() >= 2, "parts: " + parts.size());
    byte[] state = new byte[0];
    OnChainProofSession.Outcome.Advanced finished = null;
    long finishGas = 0;
    int largest = 0;
    for (int i = 0; i < parts.size(); i++) {
      OnChainProofSession.FinishPart part = fin.send(state, parts.get(i));
      finished = assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, part.outcome());
      assertTrue(finished.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, "part " + i);
      assertTrue(
          finished.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, "part " + i);
      assertEquals(i + 1 == parts.size(), part.closed(), "part " + i);
      if (!part.closed()) {
        assertEquals(last, finished.checkpoint(), "the checkpoint waits for the close");
      }
      finishGas += finished.gasUsed();
      largest = Math.max(largest, finished.calldataBytes());
      state = part.state();
    }
    assertEquals(STEP_OPENING, finished.checkpoint().step());
    assertEquals(op.before().state(), finished.checkpoint().state(), "Java's state before it");
    assertEquals(
        new Digest32(javaChain),
        finished.checkpoint().claimsHash(),
        "the chain of Java's own opening statement, built part by part on chain");
    assertEquals(
        new Digest32(FinishSessionTest.deferredTables(o.items())),
        session.deferredTables(o.id()),
        "the deferred tables' chain: the lookups' kind-6 items in order");
    rows.append(
        String.format(
            "| finish (`finishSteps`, %d parts of at most %d KiB of claims; largest %,d bytes) |"
                + " %,d | %,d |%n",
            parts.size(), FinishEncoding.PART_BYTES / 1024, largest, claimBytes, finishGas));
    gas += finishGas;
    transactions += parts.size();
    // The closed finish cannot be continued or replayed.
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        fin.simulate(new byte[0], parts.getFirst()).outcome());

    // The opening, staged in its own transactions, then `opened` and `conclude`: valid, as Java.
    OnChainOpeningVerifier.Verified v =
        verifier.verifyStaged(
            c.start().state(),
            OnChainBatchedVerifier.staged(
                c.polynomials(),
                BatchedOpeningEncoding.sections(c.proof(), PARAMS, c.numVars()),
                64 * 1024));
    for (OnChainOpeningVerifier.Step s : v.steps()) {
      assertTrue(s.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, s.name());
      assertTrue(s.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, s.name());
    }
    OnChainProofSession.Outcome.Advanced opened =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.opened(o.id(), finished.checkpoint(), javaOpening.stateOut()));
    assertEquals(javaOpening.stateOut(), opened.checkpoint().state());
    rows.append(
        String.format(
            "| the batched opening (staged, %d transactions) | | %,d |%n",
            v.steps().size(), v.totalGas()));
    rows.append(row("opened", opened));
    // The lookups' deferred table values, checked on chain: ResNet-8's table plan (2^18 rows)
    // evaluated by RoundingTables at their point, then `tables`; no verdict before it.
    OnChainRoundingTables tables = OnChainRoundingTables.deploy(node.web3j(), owner);
    session.bindTables(tables.address());
    byte[] deferred = TableEncoding.deferredItems(o.items());
    List<BigInteger> tablePlan = TableEncoding.plan(circuit);
    assertInstanceOf(
        OnChainProofSession.Outcome.Rejected.class,
        session.conclude(o.id(), opened.checkpoint()),
        "no verdict before the tables are checked");
    OnChainRoundingTables.Evaluation evaluation =
        tables.evaluate(tablePlan, TableEncoding.pointOf(deferred));
    long tableGas = 0;
    long tableBytes = 0;
    for (OnChainOpeningVerifier.Step s : evaluation.steps()) {
      assertTrue(s.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, s.name());
      assertTrue(s.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, s.name());
      tableGas += s.gasUsed();
      tableBytes += s.calldataBytes();
    }
    OnChainProofSession.Outcome.Advanced checked =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.tables(o.id(), opened.checkpoint(), evaluation.planHash(), deferred));
    rows.append(
        String.format(
            "| the table plan's evaluation (RoundingTables, %d transactions) | %,d | %,d |%n",
            evaluation.steps().size(), tableBytes, tableGas));
    rows.append(row("tables (the deferred values against that fact)", checked));
    gas += tableGas + checked.gasUsed();
    transactions += evaluation.steps().size() + 1;
    OnChainProofSession.Outcome.Advanced concluded =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.conclude(o.id(), opened.checkpoint()));
    List<BigInteger> lookupPlan =
        ProofSessionTest.lookupCase(f, f.proof().lookups().toBytes()).plan();
    Digest32 fact =
        new Digest32(
            FinishEncoding.inferenceFact(
                TableEncoding.verifierPlans(
                    f.plan(),
                    lookupPlan,
                    LayerEncoding.layerPlanHashes(circuit, false),
                    plan,
                    tablePlan),
                StatementEncoding.outputHash(f.input()).bytes(),
                StatementEncoding.outputHash(f.proof().output()).bytes(),
                FinishSessionTest.deferredTables(o.items())));
    assertEquals(fact, concluded.checkpoint().claimsHash(), "the fact names Java's statement");
    assertTrue(session.isVerifiedInference(fact));
    rows.append(row("conclude (the inference fact)", concluded));
    gas += v.totalGas() + opened.gasUsed() + concluded.gasUsed();
    transactions += v.steps().size() + 2;
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.RESNET8,
        """
        ## The plain ResNet-8 proof end to end in one session (ProofSession.sol)

        Generated by `ResNet8PlainSessionTest` (escrow module) on a local Anvil node; do not edit.
        ResNet-8 (int8) on the first CIFAR-10 test image, zero knowledge off, in one
        `ProofSession`, one transaction per step: the statement, the lookups, every proven layer's
        rounding and reduction (convolutions, ADDs of two activations, the mean, the dense layer),
        `finish` in parts (`finishSteps`: the session's %,d bytes of claims, more than the relayer
        puts in one transaction beside the plans),
        the staged batched opening, `opened`, the table plan's evaluation and `tables` (the
        lookups' deferred table values checked on chain), `conclude`. Gas includes the 21,000, the calldata
        and the storage writes. Runtime bytecode: `ProofSession` %,d bytes.

        | step | calldata bytes | gas |
        |---|---:|---:|
        %s\
        | **the whole proof** | %d transactions | **%,d** |
        """
            .formatted(claimBytes, session.codeSize(), rows, transactions, gas));
  }

  /** The finish calls of one session, from its last reduction's checkpoint. */
  private record Finisher(
      OnChainProofSession session,
      Digest32 id,
      OnChainProofSession.Checkpoint last,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans) {
    OnChainProofSession.FinishPart send(byte[] state, List<byte[]> part) {
      return session.finishSteps(id, last, plan, statementPlan, bins, stepPlans, state, part);
    }

    OnChainProofSession.FinishPart simulate(byte[] state, List<byte[]> part) {
      return session.simulateFinishSteps(
          id, last, plan, statementPlan, bins, stepPlans, state, part);
    }

    /** Sends all but the last of {@code parts} (each must advance), simulates the last. */
    OnChainProofSession.Outcome run(List<List<byte[]>> parts) {
      byte[] state = new byte[0];
      for (int i = 0; i + 1 < parts.size(); i++) {
        OnChainProofSession.FinishPart p = send(state, parts.get(i));
        if (!(p.outcome() instanceof OnChainProofSession.Outcome.Advanced)) {
          return p.outcome();
        }
        state = p.state();
      }
      return simulate(state, parts.getLast()).outcome();
    }
  }

  /**
   * Relayers moving the session's claims between the parts, or the parts themselves, are refused;
   * each case starts the finish afresh (an empty state), which any later honest run does too.
   */
  private static void refusals(
      Finisher fin, OnChainProofSession stranger, List<List<byte[]>> parts) {
    int n = parts.size();
    List<String> names = new ArrayList<>();
    List<List<List<byte[]>>> forged = new ArrayList<>();
    // A claim's value changed, in the first part and in the last.
    for (int i : new int[] {0, n - 1}) {
      List<byte[]> part = new ArrayList<>(parts.get(i));
      byte[] step = part.getLast().clone();
      step[step.length - 1] ^= 1;
      part.set(part.size() - 1, step);
      names.add("a claim changed in part " + i);
      forged.add(with(parts, i, part));
    }
    // A claim dropped (the first part's last step's last item).
    {
      List<byte[]> part = new ArrayList<>(parts.getFirst());
      List<byte[]> items = FinishSessionTest.split(part.getLast());
      part.set(part.size() - 1, FinishSessionTest.join(items.subList(0, items.size() - 1)));
      names.add("a claim dropped");
      forged.add(with(parts, 0, part));
    }
    // A claim moved to the next part (part 0's last item into part 1's first step's front).
    {
      List<byte[]> first = new ArrayList<>(parts.get(0));
      List<byte[]> items = FinishSessionTest.split(first.getLast());
      first.set(first.size() - 1, FinishSessionTest.join(items.subList(0, items.size() - 1)));
      List<byte[]> second = new ArrayList<>(parts.get(1));
      List<byte[]> into = new ArrayList<>(FinishSessionTest.split(second.getFirst()));
      into.addFirst(items.getLast());
      second.set(0, FinishSessionTest.join(into));
      names.add("a claim moved between parts");
      forged.add(with(with(parts, 0, first), 1, second));
    }
    // Two parts swapped, a part replayed in the next's place, a part skipped (the last then
    // closing a finish one part short of the other's steps: it does not reach the last step and
    // returns unclosed; a part replayed in its place makes the count right and the chain wrong).
    {
      List<List<byte[]>> swapped = new ArrayList<>(parts);
      java.util.Collections.swap(swapped, 1, 2);
      names.add("parts 1 and 2 swapped");
      forged.add(swapped);
      List<List<byte[]>> replayed = new ArrayList<>(parts);
      replayed.set(2, parts.get(1));
      names.add("part 1 replayed as part 2");
      forged.add(replayed);
    }
    for (int i = 0; i < forged.size(); i++) {
      OnChainProofSession.Outcome out = fin.run(forged.get(i));
      if (out instanceof OnChainProofSession.Outcome.Advanced a) {
        // A replayed part with fewer steps than the one it replaces: the finish never closes.
        assertEquals(fin.last(), a.checkpoint(), names.get(i) + ": not closed");
        continue;
      }
      OnChainProofSession.Outcome.Rejected r =
          assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out, names.get(i));
      assertEquals(STEP_OPENING, r.step(), names.get(i));
      assertTrue(
          r.reason() == UNOPENED || r.reason() == 3,
          names.get(i) + ": unopened (or steps past the last), not " + r);
    }
    // A part skipped: the finish never closes; the session stays at its last reduction.
    List<List<byte[]>> skipped = new ArrayList<>(parts);
    skipped.remove(1);
    OnChainProofSession.Outcome unclosed = fin.run(skipped);
    OnChainProofSession.Outcome.Advanced a =
        assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, unclosed, "part skipped");
    assertEquals(fin.last(), a.checkpoint(), "a finish with a part missing does not close");
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        fin.session().conclude(fin.id(), fin.last()),
        "no verdict without the finish");
    // Finishing with parts missing: the last part sent right after the first.
    List<List<byte[]>> missing = List.of(parts.getFirst(), parts.getLast());
    OnChainProofSession.Outcome.Advanced early =
        assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, fin.run(missing));
    assertEquals(fin.last(), early.checkpoint(), "parts missing: not closed");
    // Steps past the last: refused as such.
    List<byte[]> all = new ArrayList<>();
    parts.forEach(all::addAll);
    all.add(all.getLast());
    assertRejected(fin.simulate(new byte[0], all).outcome(), 3);
    // A state not the stored one (a byte changed, the first part's replayed after the second),
    // another sender's continuation of this finish: unknown session.
    OnChainProofSession.FinishPart p0 = fin.send(new byte[0], parts.get(0));
    byte[] forgedState = p0.state();
    forgedState[forgedState.length - 1] ^= 1;
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        fin.simulate(forgedState, parts.get(1)).outcome(),
        "a forged state");
    // A part routed by another finish plan than the one the finish began with (a weight column's
    // offset changed: well formed, but the claims would be placed elsewhere): unopened.
    List<BigInteger> otherPlan = new ArrayList<>(fin.plan());
    otherPlan.set(otherPlan.size() - 1, otherPlan.getLast().xor(BigInteger.ONE));
    assertRejected(
        fin.session()
            .simulateFinishSteps(
                fin.id(),
                fin.last(),
                otherPlan,
                fin.statementPlan(),
                fin.bins(),
                fin.stepPlans(),
                p0.state(),
                parts.get(1))
            .outcome(),
        UNOPENED);
    OnChainProofSession.FinishPart p1 = fin.send(p0.state(), parts.get(1));
    assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, p1.outcome());
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        fin.simulate(p0.state(), parts.get(1)).outcome(),
        "a part replayed from its old state");
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        stranger
            .simulateFinishSteps(
                fin.id(),
                fin.last(),
                fin.plan(),
                fin.statementPlan(),
                fin.bins(),
                fin.stepPlans(),
                p1.state(),
                parts.get(2))
            .outcome(),
        "another sender");
  }

  private static List<List<byte[]>> with(List<List<byte[]>> parts, int i, List<byte[]> part) {
    List<List<byte[]>> out = new ArrayList<>(parts);
    out.set(i, part);
    return out;
  }

  private static void assertRejected(OnChainProofSession.Outcome out, int reason) {
    OnChainProofSession.Outcome.Rejected r =
        assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out);
    assertEquals(STEP_OPENING, r.step());
    assertEquals(reason, r.reason(), r.toString());
  }

  private static String row(String what, OnChainProofSession.Outcome.Advanced a) {
    return String.format("| %s | %,d | %,d |%n", what, a.calldataBytes(), a.gasUsed());
  }
}

package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelLookupSections;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelProofOpenings;
import io.zkaudit.inference.ModelStatementSections;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PcsParams;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/**
 * A real plain MNIST CNN proof verified end to end in ONE {@code ProofSession}: open, lookups,
 * every layer's rounding and reduction, {@code finish} (the session's claims routed into the
 * batched opening's statement, chained on chain), the staged batched opening in its own
 * transactions, {@code opened}. The checkpoint {@code finish} stores holds Java's transcript state
 * before the opening and the chain of Java's own opening statement ({@code
 * ModelVerifier.batchedOpening}); the session ends as Java's verifier does, valid. Relayers that
 * feed {@code finish} other claims (one changed, dropped, added, reordered, moved to another step,
 * another proof's), other plans or other commitments are refused; a finish plan that routes claims
 * elsewhere yields a statement no opening proves.
 */
@ExtendWith(AnvilExtension.class)
class FinishSessionTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");
  private static final PcsParams PARAMS = PcsParams.provable100();
  private static final int STEP_OPENING = 1 << 30;

  /** 64 KiB of statement per chunk: the plain MNIST CNN's 41 KB statement in one per pass. */
  private static final int CHUNK = 64 * 1024;

  /** What a relayer sends {@code finish}: per step the claims it chained, in item format. */
  static List<byte[]> stepItems(
      StatementBindingDifferentialTest.Fixture f,
      ModelProof proof,
      int[] input,
      ModelCircuit circuit,
      byte[] lookupItems)
      throws Exception {
    List<byte[]> steps = new ArrayList<>();
    ModelStatementSections.Bound b = ModelStatementSections.of(f.verifier(), f.vk(), proof, input);
    steps.add(FinishEncoding.inputItem(new ColumnClaim(b.inputColumn(), b.point(), b.value())));
    steps.add(lookupItems);
    for (int k = 0; k < circuit.layers().size(); k++) {
      ModelLookupSections.Rounding r = ModelLookupSections.rounding(f.verifier(), proof, input, k);
      steps.add(
          LayerEncoding.roundingItems(
              LayerEncoding.roundingPlan(circuit, k), r.claims(), r.accumulator()));
      ModelLookupSections.Reduced x = ModelLookupSections.layer(f.verifier(), proof, input, k);
      int n = r.claims().size();
      steps.add(
          FinishEncoding.reductionItems(
              LayerEncoding.reductionPlan(circuit, k, false),
              x.witness().subList(n, x.witness().size()),
              x.weight()));
    }
    return steps;
  }

  @Test
  void thePlainMnistCnnVerifiesEndToEndInOneSession(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain finish session", FUNDS);
    OnChainProofSession session = ProofSessionTest.deploy(node, owner).session();
    OnChainBatchedVerifier verifier = OnChainBatchedVerifier.deploy(node.web3j(), owner, PARAMS);
    session.bindOpenings(verifier.address());
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    ModelCircuit circuit = LinearLayerStepTest.circuit(f);
    int layers = circuit.layers().size();
    List<BigInteger> plan = FinishEncoding.plan(circuit);
    List<byte[]> stepPlans = FinishEncoding.stepPlans(circuit);
    byte[] bins = StatementEncoding.bins(f.proof());

    // The layers, as LinearLayerStepTest runs them.
    LayerRoundingSessionTest.Opened o = LayerRoundingSessionTest.open(session, f);
    List<byte[]> steps = stepItems(f, f.proof(), f.input(), circuit, o.items());
    Sessions.Run run = Sessions.layers(session, f, circuit, o);
    StringBuilder rows = new StringBuilder(run.rows());
    long gas = run.gas();
    OnChainProofSession.Checkpoint last = run.last();
    assertEquals(2 + 2 * layers, last.step());

    // Finishing early: at the last layer's rounding the session is at another step.
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        session.simulateFinish(o.id(), run.beforeLast(), plan, f.plan(), bins, stepPlans, steps));

    // The relayer's items chain, step by step, to the checkpoint's claims hash.
    byte[] acc = null;
    for (int i = 0; i < steps.size(); i++) {
      byte[] h = FinishEncoding.chain(i < 2 ? new byte[32] : stepPlans.get(i - 2), steps.get(i));
      acc =
          i == 0 ? h : OnChainProofSession.chainClaims(new Digest32(acc), new Digest32(h)).bytes();
    }
    assertArrayEquals(last.claimsHash().bytes(), acc, "the steps' items open the checkpoint");

    // Java's opening: its statement, the transcript before it, the state after it.
    ModelProofOpenings.Opening op = ModelProofOpenings.batched(f.verifier(), f.proof(), f.input());
    BatchedOpeningDifferentialTest.Case c =
        new BatchedOpeningDifferentialTest.Case(
            "MNIST CNN, plain",
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

    refusals(session, o.id(), last, plan, f, bins, stepPlans, steps, circuit, verifier, c);

    OnChainProofSession.Outcome.Advanced finished =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.finish(o.id(), last, plan, f.plan(), bins, stepPlans, steps));
    assertEquals(STEP_OPENING, finished.checkpoint().step());
    assertEquals(op.before().state(), finished.checkpoint().state(), "Java's state before it");
    assertEquals(
        new Digest32(javaChain),
        finished.checkpoint().claimsHash(),
        "the chain of Java's own opening statement, built claim by claim on chain");
    assertTrue(finished.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP);
    assertTrue(finished.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP);
    rows.append(row("finish", finished));
    gas += finished.gasUsed();
    assertEquals(new Digest32(deferredTables(o.items())), session.deferredTables(o.id()));
    List<BigInteger> lookupPlan =
        ProofSessionTest.lookupCase(f, f.proof().lookups().toBytes()).plan();
    assertEquals(
        new Digest32(
            FinishEncoding.verifierPlans(
                f.plan(), lookupPlan, LayerEncoding.layerPlanHashes(circuit, false), plan)),
        session.sessionPlans(o.id(), owner.getAddress(), finished.checkpoint()),
        "the session's plans are the model's, the finish plan's included");
    // Replayed: the session moved on.
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        session.simulateFinish(o.id(), last, plan, f.plan(), bins, stepPlans, steps));

    // The opening, staged in its own transactions, then `opened`: the session ends valid.
    OnChainOpeningVerifier.Verified v =
        verifier.verifyStaged(
            c.start().state(),
            OnChainBatchedVerifier.staged(
                c.polynomials(),
                BatchedOpeningEncoding.sections(c.proof(), PARAMS, c.numVars()),
                CHUNK));
    long openingGas = v.totalGas();
    OnChainProofSession.Outcome.Advanced opened =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.opened(o.id(), finished.checkpoint(), javaOpening.stateOut()));
    assertEquals(STEP_OPENING + 1, opened.checkpoint().step());
    assertEquals(javaOpening.stateOut(), opened.checkpoint().state());
    assertEquals(
        StatementEncoding.outputHash(f.proof().output()), opened.checkpoint().words().get(5));
    rows.append(
        String.format(
            "| the batched opening (staged, %d transactions) | | %,d |%n",
            v.steps().size(), openingGas));
    rows.append(row("opened", opened));
    gas += openingGas + opened.gasUsed();

    // The lookups' deferred table values, checked on chain (TableSessionChecks: the model's table
    // plan evaluated by RoundingTables, `tables`, cheating relayers refused); then the verdict.
    TableSessionChecks.Checked tables =
        TableSessionChecks.check(
            node,
            owner,
            session,
            session.address(),
            o.id(),
            opened.checkpoint(),
            circuit,
            o.items());
    List<BigInteger> tablePlan = tables.plan();
    rows.append(
        String.format(
            "| the table plan's evaluation (RoundingTables, %d transactions) | %,d | %,d |%n",
            tables.evaluation().steps().size(),
            tables.evaluation().steps().stream()
                .mapToLong(OnChainOpeningVerifier.Step::calldataBytes)
                .sum(),
            tables.evaluation().steps().stream()
                .mapToLong(OnChainOpeningVerifier.Step::gasUsed)
                .sum()));
    rows.append(row("tables (the deferred values against that fact)", tables.step()));
    gas +=
        tables.evaluation().steps().stream().mapToLong(OnChainOpeningVerifier.Step::gasUsed).sum()
            + tables.step().gasUsed();
    assertEquals(
        new Digest32(
            TableEncoding.verifierPlans(
                f.plan(),
                lookupPlan,
                LayerEncoding.layerPlanHashes(circuit, false),
                plan,
                tablePlan)),
        session.sessionPlans(o.id(), owner.getAddress(), opened.checkpoint()),
        "the session's plans are the model's, the table plan's included");

    // The verdict as a fact: model (its plans), input, output, the deferred tables' chain.
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        session.conclude(o.id(), finished.checkpoint()),
        "no verdict before the opening");
    OnChainProofSession.Outcome.Advanced concluded =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.conclude(o.id(), opened.checkpoint()));
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
                deferredTables(o.items())));
    assertEquals(fact, concluded.checkpoint().claimsHash(), "the fact names Java's statement");
    assertTrue(session.isVerifiedInference(fact));
    assertFalse(
        session.isVerifiedInference(
            new Digest32(
                FinishEncoding.inferenceFact(
                    TableEncoding.verifierPlans(
                        f.plan(),
                        lookupPlan,
                        LayerEncoding.layerPlanHashes(circuit, false),
                        plan,
                        tablePlan),
                    StatementEncoding.outputHash(f.input()).bytes(),
                    StatementEncoding.outputHash(new int[f.proof().output().length]).bytes(),
                    deferredTables(o.items())))),
        "no fact about another output");
    rows.append(row("conclude (the inference fact)", concluded));
    gas += concluded.gasUsed();
    int transactions =
        run.transactions() + 1 + v.steps().size() + 2 + tables.evaluation().steps().size() + 1;
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.FINISH,
        """
        ## The plain MNIST CNN proof end to end in one session (ProofSession.sol)

        Generated by `FinishSessionTest` (escrow module) on a local Anvil node; do not edit.
        One `ProofSession`, one transaction per step: the statement, the lookups, every proven
        layer's rounding and reduction, `finish` (every claim the steps chained, opened against
        the checkpoint, routed to the witness bins and the weight commitment, packed and chained
        into the batched opening's statement), the staged batched opening (its 41 KB statement
        in one chunk per pass), `opened`, the table plan's evaluation (RoundingTables, its own
        transactions) and `tables` (the lookups' deferred table values checked against it),
        `conclude` (the inference fact). Gas includes the 21,000, the calldata and the storage writes.
        Runtime bytecode: `ProofSession` %,d bytes.

        | step | calldata bytes | gas |
        |---|---:|---:|
        %s\
        | **the whole proof** | %d transactions | **%,d** |
        """
            .formatted(session.codeSize(), rows, transactions, gas));
  }

  /**
   * Relayers feeding {@code finish} anything but the session's own claims, plans and commitments
   * are refused; a plan that routes a claim elsewhere gives a statement that is not Java's, whose
   * fact no honest opening records.
   */
  private static void refusals(
      OnChainProofSession session,
      Digest32 id,
      OnChainProofSession.Checkpoint last,
      List<BigInteger> plan,
      StatementBindingDifferentialTest.Fixture f,
      byte[] bins,
      List<byte[]> stepPlans,
      List<byte[]> steps,
      ModelCircuit circuit,
      OnChainBatchedVerifier verifier,
      BatchedOpeningDifferentialTest.Case c)
      throws Exception {
    int rounding = 2 + 2 * 3; // layer 3's rounding step
    int reduction = rounding + 1;
    List<List<byte[]>> forged = new ArrayList<>();
    // A claim's value changed (its last word's low bit).
    byte[] changed = steps.get(reduction).clone();
    changed[changed.length - 1] ^= 1;
    forged.add(with(steps, reduction, changed));
    // A claim's point changed.
    byte[] moved = steps.get(rounding).clone();
    moved[32 * 4 + 31] ^= 1;
    forged.add(with(steps, rounding, moved));
    // A claim dropped (a reduction's last), and one added (the same again).
    List<byte[]> items = split(steps.get(reduction));
    forged.add(with(steps, reduction, join(items.subList(0, items.size() - 1))));
    List<byte[]> twice = new ArrayList<>(items);
    twice.add(items.getLast());
    forged.add(with(steps, reduction, join(twice)));
    // Two claims reordered within a step (the rounding's first two).
    List<byte[]> swapped = new ArrayList<>(split(steps.get(rounding)));
    java.util.Collections.swap(swapped, 0, 1);
    forged.add(with(steps, rounding, join(swapped)));
    // A claim moved to the next step (the rounding's last into the reduction's front).
    List<byte[]> r = split(steps.get(rounding));
    List<byte[]> x = new ArrayList<>(split(steps.get(reduction)));
    x.addFirst(r.getLast());
    List<byte[]> shifted = with(steps, rounding, join(r.subList(0, r.size() - 1)));
    forged.add(with(shifted, reduction, join(x)));
    // A step missing, two steps swapped.
    List<byte[]> fewer = new ArrayList<>(steps);
    fewer.remove(reduction);
    fewer.add(new byte[0]);
    forged.add(fewer);
    List<byte[]> order = new ArrayList<>(steps);
    java.util.Collections.swap(order, rounding, reduction);
    forged.add(order);
    // Another proof's claims: the same model on another input, every step its own.
    StatementBindingDifferentialTest.CommittedMnist m =
        StatementBindingDifferentialTest.committedMnist().orElseThrow();
    int[] other = m.input().clone();
    io.zkaudit.model.TensorSpec spec = f.inputSpec();
    for (int i = 200; i < 260; i++) {
      other[i] = other[i] == spec.type().max() ? spec.type().min() : spec.type().max();
    }
    ModelProof cheat =
        io.zkaudit.prover.inference.ModelProver.prove(
            m.model(), other, io.zkaudit.prover.inference.ProgressListener.NONE, false);
    LogUpVerifierDifferentialTest.Case otherLookups =
        LogUpVerifierDifferentialTest.Case.of(
            "other",
            ModelLookupSections.of(f.verifier(), cheat, other).statement(),
            false,
            ModelLookupSections.of(f.verifier(), cheat, other).before(),
            cheat.lookups().toBytes());
    List<byte[]> otherSteps =
        stepItems(f, cheat, other, circuit, LayerRoundingSessionTest.lookupItems(otherLookups));
    forged.add(otherSteps);
    // ... and one step of it in place of this one's (a layer's reduction, the lookups).
    forged.add(with(steps, reduction, otherSteps.get(reduction)));
    forged.add(with(steps, 1, otherSteps.get(1)));
    for (int i = 0; i < forged.size(); i++) {
      OnChainProofSession.Outcome.Rejected rejected =
          assertInstanceOf(
              OnChainProofSession.Outcome.Rejected.class,
              session.simulateFinish(id, last, plan, f.plan(), bins, stepPlans, forged.get(i)),
              "forged claims " + i);
      assertEquals(STEP_OPENING, rejected.step());
      assertTrue(
          rejected.reason() == 2 || rejected.reason() == 1,
          "forged claims " + i + ": unopened (or malformed), not " + rejected);
    }
    // Truncated items: malformed.
    byte[] cut = Arrays.copyOf(steps.get(reduction), steps.get(reduction).length - 8);
    assertRejected(
        session.simulateFinish(
            id, last, plan, f.plan(), bins, stepPlans, with(steps, reduction, cut)),
        1);
    // Other plans: the statement plan, the layers' plan hashes: unopened.
    List<BigInteger> otherStatement = new ArrayList<>(f.plan());
    otherStatement.set(1, otherStatement.get(1).xor(BigInteger.ONE));
    assertRejected(
        session.simulateFinish(id, last, plan, otherStatement, bins, stepPlans, steps), 2);
    List<byte[]> otherPlans = new ArrayList<>(stepPlans);
    java.util.Collections.swap(otherPlans, 0, 1);
    assertRejected(session.simulateFinish(id, last, plan, f.plan(), bins, otherPlans, steps), 2);
    // Other commitments: a root's bit flipped, the other proof's.
    byte[] otherBins = bins.clone();
    otherBins[0] ^= 1;
    assertRejected(
        session.simulateFinish(id, last, plan, f.plan(), otherBins, stepPlans, steps), 2);
    assertRejected(
        session.simulateFinish(
            id, last, plan, f.plan(), StatementEncoding.bins(cheat), stepPlans, steps),
        2);
    // Hostile finish plans: a word short, another layer count: bad plan.
    assertRejected(
        session.simulateFinish(
            id, last, plan.subList(0, plan.size() - 1), f.plan(), bins, stepPlans, steps),
        3);
    List<BigInteger> more = new ArrayList<>(plan);
    more.set(0, more.get(0).add(BigInteger.ONE));
    assertRejected(session.simulateFinish(id, last, more, f.plan(), bins, stepPlans, steps), 3);
    // A plan that places a column elsewhere (the input column's offset in its bin): finish builds
    // another statement, whose fact no opening of this proof records, and whose plans hash is not
    // the model's.
    List<BigInteger> elsewhere = new ArrayList<>(plan);
    int inputHigh =
        6
            + 2 * plan.get(5).intValueExact()
            + 3 * io.zkaudit.inference.InferenceStatement.inputColumn(circuit)
            + 2;
    elsewhere.set(inputHigh, elsewhere.get(inputHigh).xor(BigInteger.ONE));
    OnChainProofSession.Outcome.Advanced wrong =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.simulateFinish(id, last, elsewhere, f.plan(), bins, stepPlans, steps));
    assertNotEquals(
        new Digest32(BatchedOpeningEncoding.statementChain(c.polynomials())),
        wrong.checkpoint().claimsHash());
    assertFalse(
        verifier.isVerified(
            verifier.stagedFactOf(
                wrong.checkpoint().claimsHash().bytes(),
                c.start().state(),
                BatchedOpeningDifferentialTest.javaVerdict(c, c.proof().encode()).stateOut())));
  }

  private static void assertRejected(OnChainProofSession.Outcome out, int reason) {
    OnChainProofSession.Outcome.Rejected r =
        assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out);
    assertEquals(STEP_OPENING, r.step());
    assertEquals(reason, r.reason(), r.toString());
  }

  private static List<byte[]> with(List<byte[]> steps, int i, byte[] replacement) {
    List<byte[]> out = new ArrayList<>(steps);
    out.set(i, replacement);
    return out;
  }

  /** The items of one step, each its bytes. */
  static List<byte[]> split(byte[] items) {
    List<byte[]> out = new ArrayList<>();
    int at = 0;
    while (at < items.length) {
      int n = new BigInteger(1, Arrays.copyOfRange(items, at + 96, at + 128)).intValueExact();
      int m =
          new BigInteger(1, Arrays.copyOfRange(items, at + 32 * (4 + n), at + 32 * (5 + n)))
              .intValueExact();
      int size = 32 * (5 + n + m);
      out.add(Arrays.copyOfRange(items, at, at + size));
      at += size;
    }
    return out;
  }

  static byte[] join(List<byte[]> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    items.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** The lookups' deferred table values (kind 6) chained from 0, as {@code finish} stores them. */
  static byte[] deferredTables(byte[] lookupItems) {
    byte[] h = new byte[32];
    for (byte[] item : split(lookupItems)) {
      if (new BigInteger(1, Arrays.copyOfRange(item, 0, 32)).intValueExact() == 6) {
        byte[] joined = new byte[32 + item.length];
        System.arraycopy(h, 0, joined, 0, 32);
        System.arraycopy(item, 0, joined, 32, item.length);
        h = Hash.sha3(joined);
      }
    }
    return h;
  }

  private static String row(String what, OnChainProofSession.Outcome.Advanced a) {
    return String.format("| %s | %,d | %,d |%n", what, a.calldataBytes(), a.gasUsed());
  }
}

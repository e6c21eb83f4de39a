package io.zkaudit.escrow.onchain;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.SessionSections;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * A relayer of a whole model proof through one {@code ProofSession} (docs/onchain-verifier.md,
 * "Proof sessions", "The finish step"): it sends each step what the contracts read — the plans from
 * the key, the proof's pieces, the claims the previous steps chained (recomputed with the Java
 * verifier's own reduction, {@link SessionSections}) — and reports the chain's verdict, the number
 * of transactions and their gas. The contracts decide; the relayer only builds their inputs.
 *
 * <p>Plain single-sample proofs about a public input, of models whose every layer the contracts
 * verify (windowed linear layers and ADDs); anything else is refused before a transaction with the
 * typed {@link LayerEncoding.NotOnChain} reason. The lookups' deferred table values are computed
 * here (the lookup step needs them) and checked on chain: after the opening, RoundingTables.sol
 * evaluates the model's table plan ({@link TableEncoding}) at their point in its own transactions
 * and the session's {@code tables} step compares; {@code conclude} refuses a session whose values
 * were not checked. No check of the verdict is left to this client.
 */
public final class OnChainModelVerifier {
  private static final PcsParams PARAMS = PcsParams.provable100();

  /** The statement chunks of a staged opening: 64 KiB of items each. */
  private static final int CHUNK = 64 * 1024;

  private final OnChainProofSession session;
  private final OnChainBatchedVerifier openings;
  private final OnChainRoundingTables tables;

  private OnChainModelVerifier(
      OnChainProofSession session, OnChainBatchedVerifier openings, OnChainRoundingTables tables) {
    this.session = session;
    this.openings = openings;
    this.tables = tables;
  }

  /** Deploys the verifier contracts (once for every model) from {@code deployer}. */
  public static OnChainModelVerifier deploy(Web3j web3j, Credentials deployer) {
    OnChainProofSession session =
        OnChainProofSession.deploy(
            web3j,
            deployer,
            OnChainStatementBinding.deploy(web3j, deployer),
            OnChainLogUpVerifier.deploy(web3j, deployer));
    OnChainBatchedVerifier openings = OnChainBatchedVerifier.deploy(web3j, deployer, PARAMS);
    session.bindOpenings(openings.address());
    OnChainRoundingTables tables = OnChainRoundingTables.deploy(web3j, deployer);
    session.bindTables(tables.address());
    return new OnChainModelVerifier(session, openings, tables);
  }

  /** The chain's verdict on a proof. */
  public sealed interface Verdict {
    /**
     * The session reached STEP_VERIFIED: every step and the batched opening verified on chain, the
     * lookups' deferred table values checked against the model's table plan (RoundingTables, the
     * session's {@code tables} step), {@code fact} recorded ({@code
     * ProofSession.verifiedInferences}). {@code deferredTables}: the chain of those values, which
     * the fact names.
     */
    record Valid(int transactions, long gas, Digest32 deferredTables, Digest32 fact)
        implements Verdict {}

    /** A step refused the proof: which, and why (the contract's reason, or Java's message). */
    record Invalid(String step, String reason, int transactions, long gas) implements Verdict {}

    /** Nothing sent: the proof holds what the contracts do not verify yet. */
    record NotOnChain(LayerEncoding.NotOnChain reason, String message) implements Verdict {}
  }

  /** Runs a whole session for {@code proof} about {@code input} under {@code vk}. */
  public Verdict verify(VerifyingKey vk, ModelProof proof, int[] input) {
    if (proof.zeroKnowledge()) {
      return new Verdict.NotOnChain(
          LayerEncoding.NotOnChain.ZERO_KNOWLEDGE,
          "a zero-knowledge proof: its layers (masked, chained phases) and its weight shadow's link"
              + " are not verified on chain yet; verify it off chain (zkaudit verify)");
    }
    if (proof.privateInput() != null || proof.hasCommittedOutput() || proof.isAccuracy()) {
      return new Verdict.NotOnChain(
          LayerEncoding.NotOnChain.ZERO_KNOWLEDGE,
          "a proof about a committed input or output, or an accuracy proof: not verified on chain");
    }
    ModelVerifier verifier;
    try {
      verifier = new ModelVerifier(vk);
    } catch (InvalidProofException e) {
      throw new IllegalArgumentException("the verifying key: " + e.getMessage(), e);
    }
    ModelCircuit circuit = ModelCircuit.of(vk.description(), false);
    int layers = circuit.layers().size();
    List<BigInteger> finishPlan;
    List<List<BigInteger>> roundingPlans = new ArrayList<>();
    List<List<BigInteger>> reductionPlans = new ArrayList<>();
    List<BigInteger> statementPlan;
    List<BigInteger> tablePlan;
    try {
      finishPlan = FinishEncoding.plan(circuit);
      tablePlan = TableEncoding.plan(circuit);
      for (int k = 0; k < layers; k++) {
        roundingPlans.add(LayerEncoding.roundingPlan(circuit, k));
        reductionPlans.add(LayerEncoding.reductionPlan(circuit, k, false));
      }
      statementPlan = StatementEncoding.plan(vk);
    } catch (LayerEncoding.UnsupportedLayerException e) {
      return new Verdict.NotOnChain(e.reason(), e.getMessage());
    } catch (LimbRoundingNotOnChainException e) {
      return new Verdict.NotOnChain(LayerEncoding.NotOnChain.LIMB_ROUNDING, e.getMessage());
    } catch (InvalidProofException e) {
      throw new IllegalArgumentException("the verifying key: " + e.getMessage(), e);
    }
    Run run = new Run();
    try {
      return run.session(
          verifier,
          circuit,
          proof,
          input,
          statementPlan,
          finishPlan,
          tablePlan,
          roundingPlans,
          reductionPlans);
    } catch (InvalidProofException e) {
      // The relayer builds a step's inputs with Java's reduction up to it: a proof Java rejects
      // before the step the chain has reached (a difference the differential tests rule out).
      return new Verdict.Invalid(
          "relayer", "Java's reduction rejects the proof: " + e.getMessage(), run.sent, run.gas);
    }
  }

  /** The transactions and gas of one session so far. */
  private final class Run {
    int sent;
    long gas;

    private OnChainProofSession.Outcome.Advanced take(OnChainProofSession.Outcome out) {
      if (out instanceof OnChainProofSession.Outcome.Advanced a) {
        sent++;
        gas += a.gasUsed();
        return a;
      }
      return null;
    }

    private Verdict refused(String step, OnChainProofSession.Outcome out) {
      String why =
          switch (out) {
            case OnChainProofSession.Outcome.Rejected r ->
                "step "
                    + r.step()
                    + " refused it ("
                    + reasonName(step, r.reason())
                    + ", detail "
                    + r.detail()
                    + ")";
            case OnChainProofSession.Outcome.UnknownSession u -> "unknown session";
            case OnChainProofSession.Outcome.Advanced a -> "advanced";
          };
      return new Verdict.Invalid(step, why, sent, gas);
    }

    /**
     * The contract's reason by name: each kind of step reverts with its verifier's {@code Reason}
     * ordinal, whose Java mirror is named by the step (the differential tests hold the orders
     * equal); the bare number where no mirror applies (finish, opened, conclude).
     */
    private static String reasonName(String step, int ordinal) {
      Enum<?>[] reasons =
          step.equals("statement")
              ? StatementRejection.values()
              : step.equals("lookups")
                  ? LogUpRejection.values()
                  : step.endsWith(" rounding")
                      ? LayerStepRejection.values()
                      : step.endsWith(" reduction")
                          ? LinearStepRejection.values()
                          : step.equals("tables")
                              ? OnChainProofSession.TablesReason.values()
                              : null;
      return reasons != null && ordinal >= 0 && ordinal < reasons.length
          ? reasons[ordinal].name()
          : "reason " + ordinal;
    }

    Verdict session(
        ModelVerifier verifier,
        ModelCircuit circuit,
        ModelProof proof,
        int[] input,
        List<BigInteger> statementPlan,
        List<BigInteger> finishPlan,
        List<BigInteger> tablePlan,
        List<List<BigInteger>> roundingPlans,
        List<List<BigInteger>> reductionPlans)
        throws InvalidProofException {
      int layers = circuit.layers().size();
      // 1. The statement.
      OnChainProofSession.Outcome o =
          session.open(
              statementPlan, StatementEncoding.input(input), StatementEncoding.header(proof));
      OnChainProofSession.Outcome.Advanced a = take(o);
      if (a == null) {
        return refused("statement", o);
      }
      Digest32 id = a.id();
      ColumnClaim in = SessionSections.inputClaim(verifier, proof, input);
      byte[] inputItem = FinishEncoding.inputItem(in);
      Digest32 statementClaims = StatementEncoding.claimsHash(in.column(), in.point(), in.value());
      // 2. The lookups.
      SessionSections.Lookups ls = SessionSections.lookups(verifier, proof, input);
      byte[] lookupBytes = proof.lookups().toBytes();
      LookupClaims claims =
          LogUpVerifier.verify(
              ls.statement(), LogUpProof.fromBytes(lookupBytes), ls.before().fork(), null);
      o =
          session.lookups(
              id,
              a.checkpoint(),
              LogUpEncoding.plan(ls.statement(), false),
              LogUpEncoding.tables(ls.statement(), claims),
              lookupBytes);
      a = take(o);
      if (a == null) {
        return refused("lookups", o);
      }
      byte[] lookupItems = LayerEncoding.lookupItems(ls.statement(), claims, List.of());
      Digest32 lookupsHash = LogUpEncoding.claimsHash(ls.statement(), claims, List.of());
      List<byte[]> rowHashes = LayerEncoding.rowHashes(lookupItems);
      List<byte[]> planHashes = LayerEncoding.layerPlanHashes(circuit, false);
      List<byte[]> steps = new ArrayList<>();
      steps.add(inputItem);
      steps.add(lookupItems);
      // 3. The layers: rounding, then reduction.
      OnChainProofSession.Checkpoint beforeRounding = a.checkpoint();
      int linearIndex = 0;
      int addIndex = 0;
      for (int k = 0; k < layers; k++) {
        List<BigInteger> rp = roundingPlans.get(k);
        byte[] output =
            rp.get(4).equals(LayerEncoding.PUBLIC_OUTPUT)
                ? StatementEncoding.input(proof.output())
                : new byte[0];
        byte[] rangeEvals = LayerEncoding.rangeEvals(proof.rangeEvals(), k);
        o =
            k == 0
                ? session.rounding(
                    id,
                    beforeRounding,
                    rp,
                    statementClaims,
                    lookupsHash,
                    lookupItems,
                    rangeEvals,
                    output)
                : session.roundingAt(
                    id,
                    beforeRounding,
                    rp,
                    lookupsHash,
                    rowHashes,
                    LayerEncoding.rowItems(lookupItems, k),
                    rangeEvals,
                    output);
        OnChainProofSession.Outcome.Advanced rounded = take(o);
        if (rounded == null) {
          return refused("layer " + k + " rounding", o);
        }
        SessionSections.Rounding r = SessionSections.rounding(verifier, proof, input, k);
        byte[] roundingItems = LayerEncoding.roundingItems(rp, r.claims(), r.accumulator());
        steps.add(roundingItems);
        List<BigInteger> plan = reductionPlans.get(k);
        Digest32 previous = beforeRounding.claimsHash();
        if (circuit.layers().get(k) instanceof ModelCircuit.AddLayer) {
          o =
              session.addition(
                  id,
                  rounded.checkpoint(),
                  plan,
                  planHashes,
                  previous,
                  rp,
                  roundingItems,
                  OnChainLinearLayerStep.addEval(proof.addEvals()[addIndex++]),
                  lookupsHash,
                  rowHashes,
                  lookupItems);
        } else {
          ByteWriter w = new ByteWriter();
          proof.linear().get(linearIndex++).encode(w);
          o =
              session.linear(
                  id,
                  rounded.checkpoint(),
                  plan,
                  planHashes,
                  previous,
                  rp,
                  roundingItems,
                  w.toByteArray());
        }
        OnChainProofSession.Outcome.Advanced reduced = take(o);
        if (reduced == null) {
          return refused("layer " + k + " reduction", o);
        }
        SessionSections.Layer x = SessionSections.layer(verifier, proof, input, k);
        int n = r.claims().size();
        steps.add(
            FinishEncoding.reductionItems(
                plan, x.witness().subList(n, x.witness().size()), x.weight()));
        beforeRounding = reduced.checkpoint();
      }
      // 4. finish.
      o =
          session.finish(
              id,
              beforeRounding,
              finishPlan,
              statementPlan,
              StatementEncoding.bins(proof),
              FinishEncoding.stepPlans(circuit),
              steps);
      OnChainProofSession.Outcome.Advanced finished = take(o);
      if (finished == null) {
        return refused("finish", o);
      }
      // 5. The batched opening, staged, then `opened`.
      SessionSections.Opening op = SessionSections.opening(verifier, proof, input);
      int[] numVars = op.commitments().stream().mapToInt(Commitment::numVars).toArray();
      BatchedOpeningProof decoded;
      try {
        decoded = BatchedOpeningProof.decode(op.proof(), PARAMS, numVars);
      } catch (InvalidProofException e) {
        return new Verdict.Invalid("opening", "malformed: " + e.getMessage(), sent, gas);
      }
      byte[] polynomials = BatchedOpeningEncoding.polynomials(op.commitments(), op.claims());
      OnChainOpeningVerifier.Verified v;
      try {
        v =
            openings.verifyStaged(
                op.before().state(),
                OnChainBatchedVerifier.staged(
                    polynomials, BatchedOpeningEncoding.sections(decoded, PARAMS, numVars), CHUNK));
      } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
        return new Verdict.Invalid("opening", e.getMessage(), sent, gas);
      }
      for (OnChainOpeningVerifier.Step s : v.steps()) {
        sent++;
        gas += s.gasUsed();
      }
      Transcript t = op.before().fork();
      BatchedOpening.verify(PARAMS, op.commitments(), op.claims(), decoded, t);
      o = session.opened(id, finished.checkpoint(), t.state());
      OnChainProofSession.Outcome.Advanced opened = take(o);
      if (opened == null) {
        return refused("opened", o);
      }
      // 6. The lookups' deferred table values: the model's table plan evaluated at their point on
      // chain (its own transactions), then compared by the session.
      byte[] deferred = TableEncoding.deferredItems(lookupItems);
      if (deferred.length > 0) {
        OnChainRoundingTables.Evaluation e;
        try {
          e = tables.evaluate(tablePlan, TableEncoding.pointOf(deferred));
        } catch (OnChainRoundingTables.TableRejectedException ex) {
          return new Verdict.Invalid("tables", ex.getMessage(), sent, gas);
        }
        for (OnChainOpeningVerifier.Step s : e.steps()) {
          sent++;
          gas += s.gasUsed();
        }
        o = session.tables(id, opened.checkpoint(), e.planHash(), deferred);
        if (take(o) == null) {
          return refused("tables", o);
        }
      }
      o = session.conclude(id, opened.checkpoint());
      OnChainProofSession.Outcome.Advanced concluded = take(o);
      if (concluded == null) {
        return refused("conclude", o);
      }
      return new Verdict.Valid(
          sent, gas, session.deferredTables(id), concluded.checkpoint().claimsHash());
    }
  }
}

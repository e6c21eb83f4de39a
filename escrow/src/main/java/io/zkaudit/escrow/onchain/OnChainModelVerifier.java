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
import io.zkaudit.zk.MaskLedger;
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
 * typed {@link LayerEncoding.NotOnChain} reason. A zero-knowledge proof's session runs through its
 * layers ({@link #verifyLayers}) but not beyond ({@link LayerEncoding.NotOnChain#ZK_FINISH}). The
 * lookups' deferred table values are computed here (the lookup step needs them) and checked on
 * chain: after the opening, RoundingTables.sol evaluates the model's table plan ({@link
 * TableEncoding}) at their point in its own transactions and the session's {@code tables} step
 * compares; {@code conclude} refuses a session whose values were not checked. No check of the
 * verdict is left to this client.
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

  /**
   * A client of the verifier contracts already deployed around the {@code ProofSession} at {@code
   * proofSession} (the batched-opening verifier is the one the session reads, {@code openings}),
   * sending from {@code sender}: a seller proving its contested answers on the escrows' deployment.
   */
  public static OnChainModelVerifier at(Web3j web3j, Credentials sender, String proofSession) {
    OnChainProofSession session = OnChainProofSession.at(web3j, sender, proofSession);
    String openings = bound(session.openings(), proofSession, "batched-opening verifier");
    String tables = bound(session.tableFacts(), proofSession, "table evaluator");
    return new OnChainModelVerifier(
        session,
        OnChainBatchedVerifier.at(web3j, sender, PARAMS, openings),
        OnChainRoundingTables.at(web3j, sender, tables));
  }

  /** {@code address}, the session's bound {@code what}; the zero address: none was bound. */
  private static String bound(String address, String proofSession, String what) {
    if (new BigInteger(1, org.web3j.utils.Numeric.hexStringToByteArray(address)).signum() == 0) {
      throw io.zkaudit.escrow.EscrowException.invalidArgument(
          "the proof session at " + proofSession + " has no " + what + " bound");
    }
    return address;
  }

  /** The {@code ProofSession} contract: what a {@code SessionProofVerifier} reads facts of. */
  public OnChainProofSession session() {
    return session;
  }

  /**
   * What a model's proofs are verified against on chain, from its key alone: the statement plan
   * ({@link StatementEncoding#plan}), the lookup plan's keccak, the layer plans as a session holds
   * them after {@code finish} ({@link FinishEncoding#finishedLayerPlans}) and, when the lookups
   * defer their table's values, after {@code tables} (the table plan's hash folded in, {@link
   * TableEncoding#verifierPlans}), and their hash, {@link #hash} ({@code
   * ProofSession.sessionPlans}), which the seller records in {@code ModelRegistry.setVerifierPlans}
   * and anyone recomputes from the key to check it.
   */
  public record ModelPlans(
      List<BigInteger> statementPlan, Digest32 lookupPlanHash, Digest32 layerPlans) {
    public ModelPlans {
      statementPlan = List.copyOf(statementPlan);
    }

    /** keccak(keccak(statement plan), lookup plan hash, layer plans): the registry's word. */
    public Digest32 hash() {
      byte[] out = new byte[96];
      System.arraycopy(LayerEncoding.planHash(statementPlan), 0, out, 0, 32);
      System.arraycopy(lookupPlanHash.bytes(), 0, out, 32, 32);
      System.arraycopy(layerPlans.bytes(), 0, out, 64, 32);
      return new Digest32(org.web3j.crypto.Hash.sha3(out));
    }

    /**
     * The {@code proof} bytes {@code SessionProofVerifier.verifyPrediction} reads for a fact of a
     * session of these plans whose deferred table values chain to {@code tables}: tables, the
     * lookup plan's hash, the layer plans, the statement plan's words.
     */
    public byte[] contestProof(Digest32 tables) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.writeBytes(tables.bytes());
      out.writeBytes(lookupPlanHash.bytes());
      out.writeBytes(layerPlans.bytes());
      for (BigInteger w : statementPlan) {
        out.writeBytes(LogUpEncoding.word(w));
      }
      return out.toByteArray();
    }
  }

  /**
   * The plans of {@code vk}'s model (its plain proofs': the only ones a session concludes).
   *
   * @throws LayerEncoding.UnsupportedLayerException a layer the contracts do not verify yet
   * @throws LimbRoundingNotOnChainException a limb rounding (not on chain yet)
   * @throws InvalidProofException a key the Java verifier refuses
   */
  public static ModelPlans modelPlans(VerifyingKey vk) throws InvalidProofException {
    ModelVerifier verifier = new ModelVerifier(vk);
    ModelCircuit circuit = ModelCircuit.of(vk.description(), false);
    List<BigInteger> statementPlan = StatementEncoding.plan(vk);
    io.zkaudit.lookup.LookupStatement lookups =
        io.zkaudit.inference.InferenceStatement.lookups(verifier.circuit(false));
    List<BigInteger> lookupPlan = LogUpEncoding.plan(lookups, false);
    byte[] layerPlans =
        FinishEncoding.finishedLayerPlans(
            LayerEncoding.layerPlanHashes(circuit, false), FinishEncoding.plan(circuit));
    if (LogUpEncoding.defersTables(lookups)) {
      // The session's tables step folds the table plan's hash into its layer plans
      // (ProofSession.tables; TableEncoding.verifierPlans): a model whose table goes inline has
      // none.
      byte[] folded = new byte[64];
      System.arraycopy(layerPlans, 0, folded, 0, 32);
      System.arraycopy(TableEncoding.planHash(TableEncoding.plan(circuit)), 0, folded, 32, 32);
      layerPlans = org.web3j.crypto.Hash.sha3(folded);
    }
    return new ModelPlans(
        statementPlan, new Digest32(LogUpEncoding.planHash(lookupPlan)), new Digest32(layerPlans));
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

  /**
   * What a test looks at between {@code opened} and {@code conclude}: the session (its id) has
   * verified everything but has recorded no fact yet.
   */
  interface BeforeConclude {
    void at(Digest32 id, Digest32 deferredTables);
  }

  /**
   * What {@link #verifyLayers} did: the session's steps through the last layer's reduction, or the
   * verdict that stopped it ({@code refusal}, null when every layer step advanced), with the
   * transactions, their gas and each step's outcome in order (open, lookups, then per layer its
   * rounding and reduction).
   */
  public record LayerRun(
      Verdict refusal,
      int transactions,
      long gas,
      List<OnChainProofSession.Outcome.Advanced> steps) {
    public LayerRun {
      steps = List.copyOf(steps);
    }

    /** The checkpoint after the last layer's reduction (when every step advanced). */
    public OnChainProofSession.Checkpoint last() {
      return steps.getLast().checkpoint();
    }
  }

  /**
   * Runs a session for a zero-knowledge {@code proof} (or a plain one) through its last layer's
   * reduction and stops there: a zero-knowledge proof's {@code finish} (its blinding, mask and
   * weight-shadow claims into the batched opening), its shadow link and {@code conclude} are not on
   * chain yet ({@link LayerEncoding.NotOnChain#ZK_FINISH}), so this is not a verdict on the proof.
   */
  public LayerRun verifyLayers(VerifyingKey vk, ModelProof proof, int[] input) {
    Prepared p = prepare(vk, proof, false);
    if (p.refusal() != null) {
      return new LayerRun(p.refusal(), 0, 0, List.of());
    }
    Run run = new Run((id, tables) -> {});
    try {
      Verdict v = run.layers(p, proof, input);
      return new LayerRun(v, run.sent, run.gas, run.steps);
    } catch (InvalidProofException e) {
      return new LayerRun(
          new Verdict.Invalid(
              "relayer",
              "Java's reduction rejects the proof: " + e.getMessage(),
              run.sent,
              run.gas),
          run.sent,
          run.gas,
          run.steps);
    }
  }

  /** The key's plans for a session, or why the contracts do not verify such a proof. */
  private record Prepared(
      Verdict refusal,
      ModelVerifier verifier,
      ModelCircuit circuit,
      List<BigInteger> statementPlan,
      List<BigInteger> finishPlan,
      List<BigInteger> tablePlan,
      List<List<BigInteger>> roundingPlans,
      List<List<BigInteger>> reductionPlans) {
    static Prepared refused(Verdict v) {
      return new Prepared(v, null, null, null, null, null, null, null);
    }
  }

  private static Prepared prepare(VerifyingKey vk, ModelProof proof, boolean whole) {
    boolean zk = proof.zeroKnowledge();
    if (whole && zk) {
      return Prepared.refused(
          new Verdict.NotOnChain(
              LayerEncoding.NotOnChain.ZK_FINISH,
              "a zero-knowledge proof: its layers verify on chain, but its finish (the blinding,"
                  + " mask and weight-shadow claims into the batched opening), the weight shadow's"
                  + " link and conclude do not yet; verify it off chain (zkaudit verify)"));
    }
    if (proof.privateInput() != null || proof.hasCommittedOutput() || proof.isAccuracy()) {
      return Prepared.refused(
          new Verdict.NotOnChain(
              LayerEncoding.NotOnChain.ZERO_KNOWLEDGE,
              "a proof about a committed input or output, or an accuracy proof: not verified on"
                  + " chain"));
    }
    ModelVerifier verifier;
    try {
      verifier = new ModelVerifier(vk);
    } catch (InvalidProofException e) {
      throw new IllegalArgumentException("the verifying key: " + e.getMessage(), e);
    }
    ModelCircuit circuit = ModelCircuit.of(vk.description(), zk);
    int layers = circuit.layers().size();
    List<List<BigInteger>> roundingPlans = new ArrayList<>();
    List<List<BigInteger>> reductionPlans = new ArrayList<>();
    try {
      List<BigInteger> finishPlan = zk ? List.of() : FinishEncoding.plan(circuit);
      List<BigInteger> tablePlan = zk ? List.of() : TableEncoding.plan(circuit);
      for (int k = 0; k < layers; k++) {
        roundingPlans.add(LayerEncoding.roundingPlan(circuit, k));
        reductionPlans.add(LayerEncoding.reductionPlan(circuit, k, zk));
      }
      return new Prepared(
          null,
          verifier,
          circuit,
          StatementEncoding.plan(vk),
          finishPlan,
          tablePlan,
          roundingPlans,
          reductionPlans);
    } catch (LayerEncoding.UnsupportedLayerException e) {
      return Prepared.refused(new Verdict.NotOnChain(e.reason(), e.getMessage()));
    } catch (LimbRoundingNotOnChainException e) {
      return Prepared.refused(
          new Verdict.NotOnChain(LayerEncoding.NotOnChain.LIMB_ROUNDING, e.getMessage()));
    } catch (InvalidProofException e) {
      throw new IllegalArgumentException("the verifying key: " + e.getMessage(), e);
    }
  }

  /** Runs a whole session for {@code proof} about {@code input} under {@code vk}. */
  public Verdict verify(VerifyingKey vk, ModelProof proof, int[] input) {
    return verify(vk, proof, input, (id, tables) -> {});
  }

  Verdict verify(VerifyingKey vk, ModelProof proof, int[] input, BeforeConclude beforeConclude) {
    Prepared p = prepare(vk, proof, true);
    if (p.refusal() != null) {
      return p.refusal();
    }
    Run run = new Run(beforeConclude);
    try {
      return run.session(p, proof, input);
    } catch (InvalidProofException e) {
      // The relayer builds a step's inputs with Java's reduction up to it: a proof Java rejects
      // before the step the chain has reached (a difference the differential tests rule out).
      return new Verdict.Invalid(
          "relayer", "Java's reduction rejects the proof: " + e.getMessage(), run.sent, run.gas);
    }
  }

  /** The transactions and gas of one session so far. */
  private final class Run {
    final BeforeConclude beforeConclude;
    int sent;
    long gas;
    Digest32 id;

    /** Every session step that advanced, in order. */
    final List<OnChainProofSession.Outcome.Advanced> steps = new ArrayList<>();

    /** Each step's items (the statement's, the lookups', each layer's), what finish opens. */
    final List<byte[]> items = new ArrayList<>();

    /** The lookups' items (their claims and deferred table values), once the lookups advanced. */
    byte[] lookupItems = new byte[0];

    Run(BeforeConclude beforeConclude) {
      this.beforeConclude = beforeConclude;
    }

    private OnChainProofSession.Outcome.Advanced take(OnChainProofSession.Outcome out) {
      if (out instanceof OnChainProofSession.Outcome.Advanced a) {
        sent++;
        gas += a.gasUsed();
        steps.add(a);
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

    /**
     * The steps through the last layer's reduction (open, lookups, each layer's rounding and
     * reduction), each advanced step kept in {@link #steps} and each step's items in {@link
     * #items}; null when all advanced, else the refusal.
     */
    Verdict layers(Prepared p, ModelProof proof, int[] input) throws InvalidProofException {
      ModelVerifier verifier = p.verifier();
      ModelCircuit circuit = p.circuit();
      boolean zk = proof.zeroKnowledge();
      int layers = circuit.layers().size();
      // 1. The statement.
      OnChainProofSession.Outcome o =
          session.open(
              p.statementPlan(), StatementEncoding.input(input), StatementEncoding.header(proof));
      OnChainProofSession.Outcome.Advanced a = take(o);
      if (a == null) {
        return refused("statement", o);
      }
      id = a.id();
      ColumnClaim in = SessionSections.inputClaim(verifier, proof, input);
      byte[] inputItem = FinishEncoding.inputItem(in);
      Digest32 statementClaims = StatementEncoding.claimsHash(in.column(), in.point(), in.value());
      // 2. The lookups (in zero knowledge with their GKR masks' values, the ledger's first claims).
      SessionSections.Lookups ls = SessionSections.lookups(verifier, proof, input);
      byte[] lookupBytes = proof.lookups().toBytes();
      MaskLedger ledger = zk ? new MaskLedger(Integer.MAX_VALUE) : null;
      LookupClaims claims =
          LogUpVerifier.verify(
              ls.statement(), LogUpProof.fromBytes(lookupBytes), ls.before().fork(), ledger);
      List<LogUpEncoding.MaskValue> masks = new ArrayList<>();
      if (ledger != null) {
        for (MaskLedger.Entry e : ledger.entries()) {
          MaskLedger.MaskValue m = (MaskLedger.MaskValue) e.parts().getFirst();
          masks.add(new LogUpEncoding.MaskValue(m.point(), e.value()));
        }
      }
      o =
          session.lookups(
              id,
              a.checkpoint(),
              LogUpEncoding.plan(ls.statement(), zk),
              LogUpEncoding.tables(ls.statement(), claims),
              lookupBytes);
      a = take(o);
      if (a == null) {
        return refused("lookups", o);
      }
      lookupItems = LayerEncoding.lookupItems(ls.statement(), claims, masks);
      Digest32 lookupsHash = LogUpEncoding.claimsHash(ls.statement(), claims, masks);
      List<byte[]> rowHashes = LayerEncoding.rowHashes(lookupItems);
      List<byte[]> planHashes = LayerEncoding.layerPlanHashes(circuit, zk);
      items.add(inputItem);
      items.add(lookupItems);
      // 3. The layers: rounding, then reduction.
      OnChainProofSession.Checkpoint beforeRounding = a.checkpoint();
      int linearIndex = 0;
      int addIndex = 0;
      for (int k = 0; k < layers; k++) {
        List<BigInteger> rp = p.roundingPlans().get(k);
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
        items.add(roundingItems);
        List<BigInteger> plan = p.reductionPlans().get(k);
        Digest32 previous = beforeRounding.claimsHash();
        if (circuit.layers().get(k) instanceof ModelCircuit.AddLayer add) {
          byte[] addEval = OnChainLinearLayerStep.addEval(proof.addEvals()[addIndex++]);
          if (zk && (add.isConstant(0) || add.isConstant(1))) {
            // The constant addend's sumcheck is the proof's next layer proof (ConstantAddend).
            ByteWriter w = new ByteWriter();
            w.raw(addEval);
            proof.linear().get(linearIndex++).encode(w);
            addEval = w.toByteArray();
          }
          o =
              session.addition(
                  id,
                  rounded.checkpoint(),
                  plan,
                  planHashes,
                  previous,
                  rp,
                  roundingItems,
                  addEval,
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
        if (!zk) {
          items.add(
              FinishEncoding.reductionItems(
                  plan, x.witness().subList(n, x.witness().size()), x.weight()));
        }
        beforeRounding = reduced.checkpoint();
      }
      return null;
    }

    Verdict session(Prepared p, ModelProof proof, int[] input) throws InvalidProofException {
      Verdict refused = layers(p, proof, input);
      if (refused != null) {
        return refused;
      }
      ModelVerifier verifier = p.verifier();
      ModelCircuit circuit = p.circuit();
      List<BigInteger> statementPlan = p.statementPlan();
      List<BigInteger> finishPlan = p.finishPlan();
      OnChainProofSession.Checkpoint lastReduction = steps.getLast().checkpoint();
      // 4. finish: in one transaction when the claims fit one, else in parts of whole steps.
      OnChainProofSession.Outcome o;
      List<List<byte[]>> parts = FinishEncoding.parts(items, FinishEncoding.PART_BYTES);
      OnChainProofSession.Outcome.Advanced finished = null;
      if (parts.size() == 1) {
        o =
            session.finish(
                id,
                lastReduction,
                finishPlan,
                statementPlan,
                StatementEncoding.bins(proof),
                FinishEncoding.stepPlans(circuit),
                items);
        finished = take(o);
        if (finished == null) {
          return refused("finish", o);
        }
      } else {
        byte[] state = new byte[0];
        for (int i = 0; i < parts.size(); i++) {
          OnChainProofSession.FinishPart part =
              session.finishSteps(
                  id,
                  lastReduction,
                  finishPlan,
                  statementPlan,
                  StatementEncoding.bins(proof),
                  FinishEncoding.stepPlans(circuit),
                  state,
                  parts.get(i));
          finished = take(part.outcome());
          if (finished == null) {
            return refused("finish part " + i, part.outcome());
          }
          state = part.state();
        }
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
          e = tables.evaluate(p.tablePlan(), TableEncoding.pointOf(deferred));
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
      beforeConclude.at(id, session.deferredTables(id));
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

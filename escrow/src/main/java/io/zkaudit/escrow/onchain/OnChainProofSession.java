package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.LayerSteps;
import io.zkaudit.escrow.contracts.ProofSession;
import io.zkaudit.hash.Digest32;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray8;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * A client of ProofSession.sol: a model proof verified step by step in transactions, each step
 * simulated first (a rejection is reported with its step and reason, and nothing is sent), each
 * transaction under EIP-7825's gas cap and the 128 KiB size limit.
 */
public final class OnChainProofSession {
  private static final String STEP_REJECTED =
      Hash.sha3String("StepRejected(uint256,uint256,uint256)").substring(2, 10);
  private static final String UNKNOWN_SESSION =
      Hash.sha3String("UnknownSession(bytes32)").substring(2, 10);

  private final ContractCalls calls;

  private OnChainProofSession(ContractCalls calls) {
    this.calls = calls;
  }

  /**
   * Deploys a session contract over deployed statement and lookup verifiers, with LayerSteps,
   * SumcheckVerifier and LinearLayerStep contracts of its own.
   */
  public static OnChainProofSession deploy(
      Web3j web3j,
      Credentials deployer,
      OnChainStatementBinding statements,
      OnChainLogUpVerifier lookups) {
    long chainId = EscrowDeployer.chainId(web3j);
    LayerSteps layers =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "LayerSteps",
            (transactions, fees) -> LayerSteps.deploy(web3j, transactions, fees));
    io.zkaudit.escrow.contracts.SumcheckVerifier sumchecks =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "SumcheckVerifier",
            (transactions, fees) ->
                io.zkaudit.escrow.contracts.SumcheckVerifier.deploy(web3j, transactions, fees));
    OnChainLinearLayerStep linear =
        OnChainLinearLayerStep.deploy(
            web3j, deployer, sumchecks.getContractAddress(), layers.getContractAddress());
    ProofSession contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "ProofSession",
            (transactions, fees) ->
                ProofSession.deploy(
                    web3j,
                    transactions,
                    fees,
                    statements.address(),
                    lookups.address(),
                    layers.getContractAddress(),
                    linear.address()));
    return at(web3j, deployer, contract.getContractAddress());
  }

  /** A client of the session contract at {@code address}, sending from {@code sender}. */
  public static OnChainProofSession at(Web3j web3j, Credentials sender, String address) {
    return new OnChainProofSession(
        new ContractCalls(web3j, sender, EscrowDeployer.chainId(web3j), address));
  }

  public String address() {
    return calls.address();
  }

  public int codeSize() {
    return calls.codeSize();
  }

  /**
   * A session's checkpoint, the eight words the contract hashes: step, zero-knowledge flag, the
   * statement plan's and the lookup plan's keccak, the input's and output's SHA-256, the transcript
   * state, the claims hash.
   */
  public record Checkpoint(List<Digest32> words) {
    public Checkpoint {
      words = List.copyOf(words);
      if (words.size() != 8) {
        throw new IllegalArgumentException("a checkpoint has 8 words");
      }
    }

    public int step() {
      return new BigInteger(1, words.get(0).bytes()).intValueExact();
    }

    public Digest32 state() {
      return words.get(6);
    }

    public Digest32 claimsHash() {
      return words.get(7);
    }

    /** The same checkpoint with word {@code i} replaced (for tests of forged checkpoints). */
    public Checkpoint with(int i, Digest32 w) {
      List<Digest32> out = new ArrayList<>(words);
      out.set(i, w);
      return new Checkpoint(out);
    }

    StaticArray8<Bytes32> abi() {
      return new StaticArray8<>(
          Bytes32.class, words.stream().map(d -> new Bytes32(d.bytes())).toList());
    }
  }

  /** What a step did: advanced the session, or was refused. */
  public sealed interface Outcome {
    /** The step's transaction: the session's new checkpoint, its gas and calldata. */
    record Advanced(Digest32 id, Checkpoint checkpoint, long gasUsed, int calldataBytes)
        implements Outcome {}

    /** The step's verifier refused it: its reason (the verifier's enum ordinal) and detail. */
    record Rejected(int step, int reason, BigInteger detail) implements Outcome {}

    /** The checkpoint is not the one stored for this sender's session. */
    record UnknownSession() implements Outcome {}
  }

  /** Step 1: the statement and the input binding. */
  public Outcome open(List<BigInteger> plan, byte[] input, byte[] header) {
    Function f =
        new Function(
            "open",
            List.of(words(plan), new DynamicBytes(input), new DynamicBytes(header)),
            List.of(
                new TypeReference<Bytes32>() {}, new TypeReference<StaticArray8<Bytes32>>() {}));
    return step("open", f, true);
  }

  /** Step 2: the lookups from the transcript state of step 1. */
  public Outcome lookups(
      Digest32 id, Checkpoint c, List<BigInteger> plan, byte[] tables, byte[] proof) {
    Function f =
        new Function(
            "lookups",
            List.of(
                new Bytes32(id.bytes()),
                c.abi(),
                words(plan),
                new DynamicBytes(tables),
                new DynamicBytes(proof)),
            List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
    return ofSession(id, step("lookups", f, false));
  }

  /**
   * Step 3: proven layer 0's rounding ({@link LayerEncoding}): its plan, the statement's and the
   * lookups' claims hashes, all the lookups' claims as items, layer 0's range evaluations.
   */
  public Outcome rounding(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      Digest32 statementClaims,
      Digest32 lookupsHash,
      byte[] lookupItems,
      byte[] rangeEvals,
      byte[] output) {
    Function f =
        roundingCall(id, c, plan, statementClaims, lookupsHash, lookupItems, rangeEvals, output);
    return ofSession(id, step("rounding", f, false));
  }

  /**
   * The {@code rounding} call, sent by {@link #rounding} and simulated by {@link
   * #simulateRounding}.
   */
  private static Function roundingCall(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      Digest32 statementClaims,
      Digest32 lookupsHash,
      byte[] lookupItems,
      byte[] rangeEvals,
      byte[] output) {
    return new Function(
        "rounding",
        List.of(
            new Bytes32(id.bytes()),
            c.abi(),
            words(plan),
            new Bytes32(statementClaims.bytes()),
            new Bytes32(lookupsHash.bytes()),
            new DynamicBytes(lookupItems),
            new DynamicBytes(rangeEvals),
            new DynamicBytes(output)),
        List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
  }

  /** A later step's outcome, named by its session (only {@code open} returns the id). */
  private static Outcome ofSession(Digest32 id, Outcome o) {
    return o instanceof Outcome.Advanced a
        ? new Outcome.Advanced(id, a.checkpoint(), a.gasUsed(), a.calldataBytes())
        : o;
  }

  /**
   * {@link #rounding} simulated (eth_call), nothing sent: the checkpoint it would store (no gas),
   * or the refusal.
   */
  public Outcome simulateRounding(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      Digest32 statementClaims,
      Digest32 lookupsHash,
      byte[] lookupItems,
      byte[] rangeEvals,
      byte[] output) {
    return simulate(
        id,
        roundingCall(id, c, plan, statementClaims, lookupsHash, lookupItems, rangeEvals, output));
  }

  /** A step simulated (eth_call): the checkpoint it would store (no gas), or the refusal. */
  private Outcome simulate(Digest32 id, Function f) {
    String data = FunctionEncoder.encode(f);
    EthCall simulated = calls.ethCall(data);
    if (simulated.hasError()) {
      return refusal(simulated);
    }
    @SuppressWarnings("unchecked")
    List<Bytes32> words =
        ((StaticArray8<Bytes32>)
                org.web3j.abi.FunctionReturnDecoder.decode(
                        simulated.getValue(), f.getOutputParameters())
                    .getFirst())
            .getValue();
    return new Outcome.Advanced(
        id,
        new Checkpoint(words.stream().map(b -> new Digest32(b.getValue())).toList()),
        0,
        Numeric.hexStringToByteArray(data).length);
  }

  /**
   * Step 3 + 2k, k >= 1: proven layer k's rounding from its own rounding row and range pair ({@link
   * LayerEncoding#rowItems}), opened against what the first layer step stored: the lookups' claims
   * hash and every layer's row hash ({@link LayerEncoding#rowHashes}).
   */
  public Outcome roundingAt(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      Digest32 lookupsHash,
      List<byte[]> rowHashes,
      byte[] items,
      byte[] rangeEvals,
      byte[] output) {
    return ofSession(
        id,
        step(
            "roundingAt",
            roundingAtCall(id, c, plan, lookupsHash, rowHashes, items, rangeEvals, output),
            false));
  }

  /** {@link #roundingAt} simulated (eth_call), nothing sent. */
  public Outcome simulateRoundingAt(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      Digest32 lookupsHash,
      List<byte[]> rowHashes,
      byte[] items,
      byte[] rangeEvals,
      byte[] output) {
    return simulate(
        id, roundingAtCall(id, c, plan, lookupsHash, rowHashes, items, rangeEvals, output));
  }

  private static Function roundingAtCall(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      Digest32 lookupsHash,
      List<byte[]> rowHashes,
      byte[] items,
      byte[] rangeEvals,
      byte[] output) {
    return new Function(
        "roundingAt",
        List.of(
            new Bytes32(id.bytes()),
            c.abi(),
            words(plan),
            new Bytes32(lookupsHash.bytes()),
            new DynamicArray<>(Bytes32.class, rowHashes.stream().map(Bytes32::new).toList()),
            new DynamicBytes(items),
            new DynamicBytes(rangeEvals),
            new DynamicBytes(output)),
        List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
  }

  /**
   * Step 4 + 2k: proven layer k's reduction, a windowed linear layer ({@link
   * LayerEncoding#linearPlan}), its accumulator claim opened from the rounding's claims ({@link
   * LayerEncoding#roundingItems}, chained from {@code previous}, the claims hash before the
   * rounding), its plan checked against the session's layer plan hashes ({@link
   * LayerEncoding#layerPlanHashes}); {@code proof}: the layer's {@code WindowedLinearProof} bytes.
   */
  public Outcome linear(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<byte[]> planHashes,
      Digest32 previous,
      List<BigInteger> roundingPlan,
      byte[] roundingItems,
      byte[] proof) {
    return ofSession(
        id,
        step(
            "linear",
            linearCall(id, c, plan, planHashes, previous, roundingPlan, roundingItems, proof),
            false));
  }

  /** {@link #linear} simulated (eth_call), nothing sent. */
  public Outcome simulateLinear(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<byte[]> planHashes,
      Digest32 previous,
      List<BigInteger> roundingPlan,
      byte[] roundingItems,
      byte[] proof) {
    return simulate(
        id, linearCall(id, c, plan, planHashes, previous, roundingPlan, roundingItems, proof));
  }

  private static Function linearCall(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<byte[]> planHashes,
      Digest32 previous,
      List<BigInteger> roundingPlan,
      byte[] roundingItems,
      byte[] proof) {
    return new Function(
        "linear",
        List.of(
            new Bytes32(id.bytes()),
            c.abi(),
            words(plan),
            new DynamicArray<>(Bytes32.class, planHashes.stream().map(Bytes32::new).toList()),
            new Bytes32(previous.bytes()),
            words(roundingPlan),
            new DynamicBytes(roundingItems),
            new DynamicBytes(proof)),
        List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
  }

  /**
   * Step 4 + 2k for a quantized ADD: as {@link #linear}, with the proof's s for it ({@link
   * OnChainLinearLayerStep#addEval}) and the lookups' claims (their hash and every layer's row
   * hash, checked against what the first layer step stored) for its rescale rows.
   */
  public Outcome addition(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<byte[]> planHashes,
      Digest32 previous,
      List<BigInteger> roundingPlan,
      byte[] roundingItems,
      byte[] addEval,
      Digest32 lookupsHash,
      List<byte[]> rowHashes,
      byte[] lookupItems) {
    return ofSession(
        id,
        step(
            "addition",
            additionCall(
                id,
                c,
                plan,
                planHashes,
                previous,
                roundingPlan,
                roundingItems,
                addEval,
                lookupsHash,
                rowHashes,
                lookupItems),
            false));
  }

  /** {@link #addition} simulated (eth_call), nothing sent. */
  public Outcome simulateAddition(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<byte[]> planHashes,
      Digest32 previous,
      List<BigInteger> roundingPlan,
      byte[] roundingItems,
      byte[] addEval,
      Digest32 lookupsHash,
      List<byte[]> rowHashes,
      byte[] lookupItems) {
    return simulate(
        id,
        additionCall(
            id,
            c,
            plan,
            planHashes,
            previous,
            roundingPlan,
            roundingItems,
            addEval,
            lookupsHash,
            rowHashes,
            lookupItems));
  }

  private static Function additionCall(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<byte[]> planHashes,
      Digest32 previous,
      List<BigInteger> roundingPlan,
      byte[] roundingItems,
      byte[] addEval,
      Digest32 lookupsHash,
      List<byte[]> rowHashes,
      byte[] lookupItems) {
    return new Function(
        "addition",
        List.of(
            new Bytes32(id.bytes()),
            c.abi(),
            words(plan),
            new DynamicArray<>(Bytes32.class, planHashes.stream().map(Bytes32::new).toList()),
            new Bytes32(previous.bytes()),
            words(roundingPlan),
            new DynamicBytes(roundingItems),
            new DynamicBytes(addEval),
            new Bytes32(lookupsHash.bytes()),
            new DynamicArray<>(Bytes32.class, rowHashes.stream().map(Bytes32::new).toList()),
            new DynamicBytes(lookupItems)),
        List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
  }

  /**
   * The hash of the plans session {@code id} read ({@code ProofSession.sessionPlans}, {@link
   * LayerEncoding#verifierPlans}), from its stored checkpoint {@code c} of {@code opener}: what a
   * reader compares with the model's {@code ModelRegistry.verifierPlansOf}.
   */
  public Digest32 sessionPlans(Digest32 id, String opener, Checkpoint c) {
    return bytes32View(
        "sessionPlans",
        new Bytes32(id.bytes()),
        new org.web3j.abi.datatypes.Address(opener),
        c.abi());
  }

  /** The session's layer plans hash ({@link LayerEncoding#layerPlans}); zero before it is fixed. */
  public Digest32 layerPlans(Digest32 id) {
    return bytes32View("layerPlans", new Bytes32(id.bytes()));
  }

  /**
   * What the session's first layer step stored: keccak(lookups' claims hash, keccak of the row
   * hashes) ({@link LayerEncoding#layerClaims}); zero before it.
   */
  public Digest32 layerClaims(Digest32 id) {
    return bytes32View("layerClaims", new Bytes32(id.bytes()));
  }

  /**
   * A view of the session contract that returns one value of type {@code T}: the mappings, {@code
   * sessionPlans}, the bound contracts. A call the node fails (an unknown session, a node error) is
   * an EscrowException naming the view, never a zero word decoded from an error.
   */
  private <T extends Type<?>> T view(String name, TypeReference<T> out, Type<?>... args) {
    Function f = new Function(name, List.of(args), List.of(out));
    EthCall r = calls.ethCall(FunctionEncoder.encode(f));
    if (r.hasError()) {
      throw EscrowException.invalidArgument(name + ": " + r.getError().getMessage());
    }
    @SuppressWarnings("unchecked")
    T value =
        (T)
            org.web3j.abi.FunctionReturnDecoder.decode(r.getValue(), f.getOutputParameters())
                .getFirst();
    return value;
  }

  private Digest32 bytes32View(String name, Type<?>... args) {
    return new Digest32(view(name, new TypeReference<Bytes32>() {}, args).getValue());
  }

  private boolean boolView(String name, Type<?>... args) {
    return view(name, new TypeReference<org.web3j.abi.datatypes.Bool>() {}, args).getValue();
  }

  private String addressView(String name) {
    return view(name, new TypeReference<org.web3j.abi.datatypes.Address>() {}).getValue();
  }

  /** The batched-opening verifier whose facts {@code opened} reads ({@code bindOpenings}). */
  public String openings() {
    return addressView("openings");
  }

  /** The table evaluator whose facts the {@code tables} step reads ({@code bindTables}). */
  public String tableFacts() {
    return addressView("tableFacts");
  }

  /** The runtime size of the session's LayerSteps contract. */
  public int layerStepsCodeSize() {
    return calls.codeSizeAt(layerStepsAddress());
  }

  private String layerStepsAddress() {
    return addressView("layerSteps");
  }

  /**
   * What step 2 would use (eth_estimateGas), to know whether it fits EIP-7825's cap before it is
   * sent.
   */
  public long estimateLookups(
      Digest32 id, Checkpoint c, List<BigInteger> plan, byte[] tables, byte[] proof) {
    return calls.estimateGas(
        "ProofSession.lookups",
        FunctionEncoder.encode(
            new Function(
                "lookups",
                List.of(
                    new Bytes32(id.bytes()),
                    c.abi(),
                    words(plan),
                    new DynamicBytes(tables),
                    new DynamicBytes(proof)),
                List.of())));
  }

  /**
   * Step STEP_OPENING ({@code finish}), after the last proven layer's reduction: the session's
   * claims ({@code steps}: per step its items, {@link FinishEncoding}) opened against the
   * checkpoint, routed and packed into the batched opening's statement, whose chain the stored
   * checkpoint holds. {@code plan}: {@link FinishEncoding#plan}; {@code statementPlan}: the
   * session's ({@link StatementEncoding#plan}); {@code bins}: the header's witness commitments;
   * {@code stepPlans}: {@link FinishEncoding#stepPlans}.
   */
  public Outcome finish(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans,
      List<byte[]> steps) {
    return ofSession(
        id, step("finish", finishCall(id, c, plan, statementPlan, bins, stepPlans, steps), false));
  }

  /** {@link #finish} simulated (eth_call), nothing sent: the checkpoint it would store. */
  public Outcome simulateFinish(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans,
      List<byte[]> steps) {
    return simulate(id, finishCall(id, c, plan, statementPlan, bins, stepPlans, steps));
  }

  private static Function finishCall(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans,
      List<byte[]> steps) {
    return new Function(
        "finish",
        List.of(
            new Bytes32(id.bytes()),
            c.abi(),
            words(plan),
            words(statementPlan),
            new DynamicBytes(bins),
            new DynamicArray<>(Bytes32.class, stepPlans.stream().map(Bytes32::new).toList()),
            new DynamicArray<>(DynamicBytes.class, steps.stream().map(DynamicBytes::new).toList())),
        List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
  }

  /**
   * One transaction of a finish over several ({@code finishSteps}): the outcome (the checkpoint
   * unchanged until the part that closes the finish, then the STEP_OPENING checkpoint) and the
   * state the next part continues from (empty once closed).
   */
  public record FinishPart(Outcome outcome, byte[] state) {
    public FinishPart {
      state = state.clone();
    }

    @Override
    public byte[] state() {
      return state.clone();
    }

    /** Whether this part closed the finish (stored the STEP_OPENING checkpoint). */
    public boolean closed() {
      return outcome instanceof Outcome.Advanced a && a.checkpoint().step() == 1 << 30;
    }
  }

  /**
   * {@code finish} over several transactions: the claims of {@code steps} (whole steps, the next
   * ones in the session's order) from {@code state} (empty for the first part, else the previous
   * part's); the part whose steps reach the last step closes the finish as {@link #finish} does.
   */
  public FinishPart finishSteps(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans,
      byte[] state,
      List<byte[]> steps) {
    Function f = finishStepsCall(id, c, plan, statementPlan, bins, stepPlans, state, steps);
    FinishPart simulated = simulateFinishSteps(f, id);
    if (!(simulated.outcome() instanceof Outcome.Advanced)) {
      return simulated;
    }
    List<OnChainOpeningVerifier.Step> sent = new ArrayList<>();
    List<Type> out;
    try {
      out = calls.transact("finishSteps", f, sent);
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      throw EscrowException.invalidArgument("finishSteps: refused after its simulation passed");
    }
    OnChainOpeningVerifier.Step s = sent.getFirst();
    return new FinishPart(
        new Outcome.Advanced(id, checkpointOf(out.get(1)), s.gasUsed(), s.calldataBytes()),
        ((DynamicBytes) out.get(0)).getValue());
  }

  /** {@link #finishSteps} simulated (eth_call), nothing sent. */
  public FinishPart simulateFinishSteps(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans,
      byte[] state,
      List<byte[]> steps) {
    return simulateFinishSteps(
        finishStepsCall(id, c, plan, statementPlan, bins, stepPlans, state, steps), id);
  }

  private FinishPart simulateFinishSteps(Function f, Digest32 id) {
    String data = FunctionEncoder.encode(f);
    EthCall simulated = calls.ethCall(data);
    if (simulated.hasError()) {
      return new FinishPart(refusal(simulated), new byte[0]);
    }
    List<Type> out =
        org.web3j.abi.FunctionReturnDecoder.decode(simulated.getValue(), f.getOutputParameters());
    return new FinishPart(
        new Outcome.Advanced(
            id, checkpointOf(out.get(1)), 0, Numeric.hexStringToByteArray(data).length),
        ((DynamicBytes) out.get(0)).getValue());
  }

  private static Checkpoint checkpointOf(Type t) {
    @SuppressWarnings("unchecked")
    List<Bytes32> words = ((StaticArray8<Bytes32>) t).getValue();
    return new Checkpoint(words.stream().map(b -> new Digest32(b.getValue())).toList());
  }

  private static Function finishStepsCall(
      Digest32 id,
      Checkpoint c,
      List<BigInteger> plan,
      List<BigInteger> statementPlan,
      byte[] bins,
      List<byte[]> stepPlans,
      byte[] state,
      List<byte[]> steps) {
    return new Function(
        "finishSteps",
        List.of(
            new Bytes32(id.bytes()),
            c.abi(),
            words(plan),
            words(statementPlan),
            new DynamicBytes(bins),
            new DynamicArray<>(Bytes32.class, stepPlans.stream().map(Bytes32::new).toList()),
            new DynamicBytes(state),
            new DynamicArray<>(DynamicBytes.class, steps.stream().map(DynamicBytes::new).toList())),
        List.of(
            new TypeReference<DynamicBytes>() {}, new TypeReference<StaticArray8<Bytes32>>() {}));
  }

  /**
   * The session's deferred table values' chain (kind-6 items, from 0), stored by {@code finish}:
   * what the batched opening does not discharge.
   */
  public Digest32 deferredTables(Digest32 id) {
    return bytes32View("deferredTables", new Bytes32(id.bytes()));
  }

  /**
   * Step STEP_VERIFIED ({@code conclude}), after {@link #opened}: records the inference fact
   * ({@link FinishEncoding#inferenceFact}) the returned checkpoint holds in word 7.
   */
  public Outcome conclude(Digest32 id, Checkpoint c) {
    Function f =
        new Function(
            "conclude",
            List.of(new Bytes32(id.bytes()), c.abi()),
            List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
    return ofSession(id, step("conclude", f, false));
  }

  /** Whether {@code conclude} recorded this inference fact. */
  public boolean isVerifiedInference(Digest32 fact) {
    return boolView("verifiedInferences", new Bytes32(fact.bytes()));
  }

  /**
   * Binds the batched-opening verifier whose facts {@link #opened} reads (once, by the session
   * contract's deployer).
   */
  public void bindOpenings(String openingVerifier) {
    Function f =
        new Function(
            "bindOpenings",
            List.of(new org.web3j.abi.datatypes.Address(openingVerifier)),
            List.of());
    try {
      calls.transact("bindOpenings", f, new ArrayList<>());
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      throw EscrowException.invalidArgument("bindOpenings: " + e.getMessage());
    }
  }

  /** Binds the RoundingTables contract whose facts {@code tables} reads (once, by the deployer). */
  public void bindTables(String roundingTables) {
    Function f =
        new Function(
            "bindTables", List.of(new org.web3j.abi.datatypes.Address(roundingTables)), List.of());
    try {
      calls.transact("bindTables", f, new ArrayList<>());
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      throw EscrowException.invalidArgument("bindTables: " + e.getMessage());
    }
  }

  /** {@code tables}' reasons, in ProofSession.sol's numbering (TABLES_*). */
  public enum TablesReason {
    NONE,
    /** Not one table's four columns (kind 6, lookup 0, columns 0..3) at one point. */
    MALFORMED,
    /** Items whose chain is not the session's {@code deferredTables}, or checked already. */
    UNOPENED,
    /** No RoundingTables fact of the plan, the point and these values. */
    NOT_EVALUATED,
    /** {@code conclude} before {@code tables}. */
    UNCHECKED
  }

  /** {@code tables}' step number in its rejections (it stores no checkpoint of its own). */
  public static final int STEP_TABLES = (1 << 30) + 3;

  /**
   * The table step, after {@link #opened}: the lookups' deferred table values ({@code items}, the
   * kind-6 items {@code finish} chained into {@code deferredTables}) checked against
   * RoundingTables' fact for the plan {@code planHash} ({@link TableEncoding#planHash}) at their
   * point. The returned checkpoint is {@code c}: the step stores none.
   */
  public Outcome tables(Digest32 id, Checkpoint c, byte[] planHash, byte[] items) {
    Function f =
        new Function(
            "tables",
            List.of(
                new Bytes32(id.bytes()), c.abi(), new Bytes32(planHash), new DynamicBytes(items)),
            List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
    return ofSession(id, step("tables", f, false));
  }

  /** Whether {@code tables} checked the session's deferred table values. */
  public boolean tablesChecked(Digest32 id) {
    return boolView("tablesChecked", new Bytes32(id.bytes()));
  }

  /**
   * Step STEP_OPENED: the session's batched opening, verified beforehand in its own transactions
   * ({@link OnChainBatchedVerifier#verifyStaged}) of the statement the checkpoint (step
   * STEP_OPENING) names, from its state, ending in {@code stateOut}.
   */
  public Outcome opened(Digest32 id, Checkpoint c, Digest32 stateOut) {
    Function f =
        new Function(
            "opened",
            List.of(new Bytes32(id.bytes()), c.abi(), new Bytes32(stateOut.bytes())),
            List.of(new TypeReference<StaticArray8<Bytes32>>() {}));
    return step("opened", f, false);
  }

  private Outcome step(String name, Function f, boolean returnsId) {
    EthCall simulated = calls.ethCall(FunctionEncoder.encode(f));
    if (simulated.hasError()) {
      return refusal(simulated);
    }
    List<OnChainOpeningVerifier.Step> steps = new ArrayList<>();
    List<Type> out;
    try {
      out = calls.transact(name, f, steps);
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      throw EscrowException.invalidArgument(name + ": refused after its simulation passed");
    }
    Digest32 id = returnsId ? new Digest32(((Bytes32) out.get(0)).getValue()) : null;
    @SuppressWarnings("unchecked")
    List<Bytes32> words = ((StaticArray8<Bytes32>) out.get(returnsId ? 1 : 0)).getValue();
    OnChainOpeningVerifier.Step s = steps.getFirst();
    return new Outcome.Advanced(
        id,
        new Checkpoint(words.stream().map(b -> new Digest32(b.getValue())).toList()),
        s.gasUsed(),
        s.calldataBytes());
  }

  /** Decodes StepRejected or UnknownSession; anything else is not a verdict. */
  private static Outcome refusal(EthCall call) {
    Object data = call.getError().getData();
    String hex = data == null ? "" : Numeric.cleanHexPrefix(data.toString().replace("\"", ""));
    if (hex.startsWith(STEP_REJECTED) && hex.length() == 8 + 3 * 64) {
      return new Outcome.Rejected(
          new BigInteger(hex.substring(8, 72), 16).intValueExact(),
          new BigInteger(hex.substring(72, 136), 16).intValueExact(),
          new BigInteger(hex.substring(136), 16));
    }
    if (hex.startsWith(UNKNOWN_SESSION) && hex.length() == 8 + 64) {
      return new Outcome.UnknownSession();
    }
    throw EscrowException.invalidArgument(
        "the session failed without a verdict: "
            + call.getError().getMessage()
            + (hex.isEmpty() ? "" : " (data 0x" + hex + ")"));
  }

  /** The checkpoint the contract stores for a session of {@code opener}: keccak(opener, c). */
  public static Digest32 stored(String opener, Checkpoint c) {
    byte[] out = new byte[32 * 9];
    byte[] a = Numeric.hexStringToByteArray(opener);
    System.arraycopy(a, 0, out, 32 - a.length, a.length);
    for (int i = 0; i < 8; i++) {
      System.arraycopy(c.words().get(i).bytes(), 0, out, 32 * (i + 1), 32);
    }
    return new Digest32(Hash.sha3(out));
  }

  /** The lookup step's claims hash: keccak(the statement's, the lookups'). */
  public static Digest32 chainClaims(Digest32 before, Digest32 step) {
    byte[] out = new byte[64];
    System.arraycopy(before.bytes(), 0, out, 0, 32);
    System.arraycopy(step.bytes(), 0, out, 32, 32);
    return new Digest32(Hash.sha3(out));
  }

  private static DynamicArray<Uint256> words(List<BigInteger> plan) {
    return new DynamicArray<>(Uint256.class, plan.stream().map(Uint256::new).toList());
  }
}

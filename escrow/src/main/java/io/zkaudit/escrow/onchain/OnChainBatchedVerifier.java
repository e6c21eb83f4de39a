package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.BatchedOpeningVerifier;
import io.zkaudit.hash.Digest32;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.PcsParams;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * A client of one deployed BatchedOpeningVerifier.sol (with the BatchedClaimReduction.sol it
 * deploys): checks a batched opening in one call (eth_call, the verdict and its reason) or in
 * several transactions, and reports what each costs.
 */
public final class OnChainBatchedVerifier {
  /**
   * The verifier deploys its reduction contract in its constructor: both contracts' code deposits
   * (200 gas a byte) in one transaction, within EIP-7825's cap.
   */
  private static final BigInteger DEPLOY_GAS =
      BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP);

  private final Web3j web3j;
  private final PcsParams params;
  private final ContractCalls calls;
  private final Credentials sender;
  private final long chainId;

  private OnChainBatchedVerifier(
      Web3j web3j, PcsParams params, Credentials sender, long chainId, String address) {
    this.web3j = web3j;
    this.params = params;
    this.calls = new ContractCalls(web3j, sender, chainId, address);
    this.sender = sender;
    this.chainId = chainId;
  }

  /** Deploys a verifier of batched openings under {@code params}. */
  public static OnChainBatchedVerifier deploy(Web3j web3j, Credentials deployer, PcsParams params) {
    long chainId = EscrowDeployer.chainId(web3j);
    BatchedOpeningVerifier contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            DEPLOY_GAS,
            "BatchedOpeningVerifier",
            (transactions, fees) ->
                BatchedOpeningVerifier.deploy(
                    web3j,
                    transactions,
                    fees,
                    BigInteger.valueOf(params.logBlowup()),
                    BigInteger.valueOf(params.foldArityLog()),
                    BigInteger.valueOf(params.finalVarsMin()),
                    BigInteger.valueOf(params.queries()),
                    BigInteger.valueOf(params.powBits())));
    return new OnChainBatchedVerifier(
        web3j, params, deployer, chainId, contract.getContractAddress());
  }

  /**
   * A client of the verifier deployed at {@code address} (it must have been deployed under {@code
   * params}: openings made under others do not verify), sending from {@code sender}.
   */
  public static OnChainBatchedVerifier at(
      Web3j web3j, Credentials sender, PcsParams params, String address) {
    return new OnChainBatchedVerifier(
        web3j, params, sender, EscrowDeployer.chainId(web3j), address);
  }

  public String address() {
    return calls.address();
  }

  /** The deployed code sizes in bytes: this verifier's, and its reduction contract's. */
  public record CodeSizes(int verifier, int reduction) {}

  public CodeSizes codeSizes() {
    return new CodeSizes(calls.codeSize(), ContractCalls.codeSize(web3j, reducer()));
  }

  /** The address of the reduction contract this verifier deployed. */
  String reducerAddress() {
    return reducer();
  }

  private String reducer() {
    Function f = new Function("reducer", List.of(), List.of(new TypeReference<Address>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("reducer(): " + call.getError().getMessage());
    }
    return ((Address) FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters()).get(0))
        .getValue();
  }

  /**
   * What a transaction calling the reduction contract's {@code reduce} alone would use: the
   * statement's absorption and the claim reduction (eth_estimateGas).
   */
  public long reductionGas(Digest32 stateIn, byte[] polynomials, byte[] reduction) {
    Function f =
        new Function(
            "reduce",
            List.of(
                new Bytes32(stateIn.bytes()),
                new DynamicBytes(polynomials),
                new DynamicBytes(reduction)),
            List.of());
    return calls.estimateGas("reduce", reducer(), FunctionEncoder.encode(f));
  }

  /** Checks a batched opening in one eth_call of {@code verify} (any proof bytes). */
  public OnChainOpeningVerifier.Verdict verify(
      Digest32 stateIn, List<Commitment> commitments, List<List<EvalClaim>> claims, byte[] proof) {
    return verify(stateIn, BatchedOpeningEncoding.polynomials(commitments, claims), proof);
  }

  /** The same on raw statement bytes (for tests of hostile encodings). */
  public OnChainOpeningVerifier.Verdict verify(Digest32 stateIn, byte[] polynomials, byte[] proof) {
    Function f = verifyFunction(stateIn, polynomials, proof);
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      return ContractCalls.rejection(call);
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    return new OnChainOpeningVerifier.Verdict(
        OpeningRejection.VALID, BigInteger.ZERO, new Digest32(((Bytes32) out.get(0)).getValue()));
  }

  /** What a transaction calling {@code verify} on this opening would use (eth_estimateGas). */
  public long verifyGas(Digest32 stateIn, byte[] polynomials, byte[] proof) {
    return calls.estimateGas(
        "verify", FunctionEncoder.encode(verifyFunction(stateIn, polynomials, proof)));
  }

  /**
   * Checks a batched opening the way a proof too large for one transaction is checked: {@code
   * begin} with the reduction and the combined opening's header, then one {@code continueWith} per
   * oracle with the layers of the polynomials joining in its block, each a transaction under the
   * per-transaction gas and size caps, each simulated first.
   *
   * @throws OnChainOpeningVerifier.OpeningRejectedException if a step rejects the opening
   */
  public OnChainOpeningVerifier.Verified verifyInTransactions(
      Digest32 stateIn,
      List<Commitment> commitments,
      List<List<EvalClaim>> claims,
      BatchedOpeningProof proof)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    int[] numVars = commitments.stream().mapToInt(Commitment::numVars).toArray();
    return verifyInTransactions(
        stateIn,
        BatchedOpeningEncoding.polynomials(commitments, claims),
        BatchedOpeningEncoding.sections(proof, params, numVars));
  }

  /**
   * The same on raw bytes: the statement's encoding and the opening's pieces (for tests that mutate
   * them).
   */
  public OnChainOpeningVerifier.Verified verifyInTransactions(
      Digest32 stateIn, byte[] polynomials, BatchedOpeningEncoding.Sections sections)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    List<OnChainOpeningVerifier.Step> steps = new ArrayList<>();
    Function begin =
        new Function(
            "begin",
            List.of(
                new Bytes32(stateIn.bytes()),
                new DynamicBytes(polynomials),
                new DynamicBytes(sections.reduction()),
                new DynamicBytes(sections.header())),
            List.of(new TypeReference<Bytes32>() {}, new TypeReference<DynamicBytes>() {}));
    List<Type> out = calls.transact("begin", begin, steps);
    byte[] id = ((Bytes32) out.get(0)).getValue();
    byte[] state = ((DynamicBytes) out.get(1)).getValue();
    byte[] fact = null;
    List<byte[]> layers = sections.layers();
    List<byte[]> joining = sections.joining();
    for (int i = 0; i < layers.size(); i++) {
      Function next =
          new Function(
              "continueWith",
              List.of(
                  new Bytes32(id),
                  new DynamicBytes(state),
                  new DynamicBytes(layers.get(i)),
                  new DynamicBytes(joining.get(i))),
              List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {}));
      out = calls.transact("oracle " + i, next, steps);
      state = ((DynamicBytes) out.get(0)).getValue();
      fact = ((Bytes32) out.get(1)).getValue();
    }
    return new OnChainOpeningVerifier.Verified(new Digest32(fact), steps);
  }

  /**
   * A batched opening cut for the staged flow: the statement after its count in chunks for each of
   * its two passes (the same chunks, or others: the contract chains the items and requires both
   * passes to agree), the proof's sections.
   */
  public record StagedPieces(
      int polynomialCount,
      List<byte[]> absorb,
      List<byte[]> evaluate,
      BatchedOpeningEncoding.Sections sections) {
    public StagedPieces {
      absorb = absorb.stream().map(byte[]::clone).toList();
      evaluate = evaluate.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> absorb() {
      return absorb.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> evaluate() {
      return evaluate.stream().map(byte[]::clone).toList();
    }
  }

  /** The statement cut into chunks of at most chunkBytes, the same chunks for both passes. */
  public static StagedPieces staged(
      byte[] polynomials, BatchedOpeningEncoding.Sections sections, int chunkBytes) {
    List<byte[]> chunks = BatchedOpeningEncoding.statementChunks(polynomials, chunkBytes);
    return new StagedPieces(
        BatchedOpeningEncoding.polynomialCount(polynomials), chunks, chunks, sections);
  }

  /**
   * Checks a batched opening whose statement is larger than a transaction, every piece a
   * transaction of its own, each simulated first: the statement absorbed chunk by chunk ({@code
   * stageBegin}, {@code stageAbsorb} on the reduction contract), the claim reduction ({@code
   * stageReduce}), the statement again chunk by chunk ({@code stageEvaluate}, which records the
   * reduction's fact), then the combined opening ({@code beginStaged}, one {@code continueWith} per
   * oracle). The fact recorded is {@code factOf(stagedStatementHash(chain), stateIn, stateOut)}.
   *
   * @throws OnChainOpeningVerifier.OpeningRejectedException if a step rejects the opening
   */
  public OnChainOpeningVerifier.Verified verifyStaged(Digest32 stateIn, StagedPieces pieces)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    return verifyStaged(stateIn, pieces, false);
  }

  /**
   * The same; with {@code preJoinAlways}, every oracle with joining layers has them opened in a
   * transaction of their own ({@code preJoin}), not only an oracle too large for one transaction
   * with them (for tests of that path on openings that would fit).
   */
  OnChainOpeningVerifier.Verified verifyStaged(
      Digest32 stateIn, StagedPieces pieces, boolean preJoinAlways)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    List<OnChainOpeningVerifier.Step> steps = new ArrayList<>();
    ContractCalls reduction = new ContractCalls(web3j, sender, chainId, reducer());
    List<byte[]> absorb = pieces.absorb();
    if (absorb.isEmpty()) {
      throw new IllegalArgumentException("no statement chunk");
    }
    List<Type> out =
        reduction.transact(
            "statement 0",
            new Function(
                "stageBegin",
                List.of(
                    new Bytes32(stateIn.bytes()),
                    new org.web3j.abi.datatypes.generated.Uint256(pieces.polynomialCount()),
                    new DynamicBytes(absorb.get(0))),
                List.of(new TypeReference<Bytes32>() {}, new TypeReference<DynamicBytes>() {})),
            steps);
    byte[] id = ((Bytes32) out.get(0)).getValue();
    byte[] state = ((DynamicBytes) out.get(1)).getValue();
    for (int i = 1; i < absorb.size(); i++) {
      state = stage(reduction, "statement " + i, "stageAbsorb", id, state, absorb.get(i), steps);
    }
    state =
        stage(
            reduction, "reduction", "stageReduce", id, state, pieces.sections().reduction(), steps);
    List<byte[]> evaluate = pieces.evaluate();
    byte[] record = null;
    for (int i = 0; i < evaluate.size(); i++) {
      out =
          reduction.transact(
              "evaluation " + i,
              new Function(
                  "stageEvaluate",
                  List.of(
                      new Bytes32(id), new DynamicBytes(state), new DynamicBytes(evaluate.get(i))),
                  List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {})),
              steps);
      state = ((DynamicBytes) out.get(0)).getValue();
      record = state;
    }
    if (record == null) {
      throw new IllegalArgumentException("no evaluation chunk");
    }
    out =
        calls.transact(
            "header",
            new Function(
                "beginStaged",
                List.of(new DynamicBytes(record), new DynamicBytes(pieces.sections().header())),
                List.of(new TypeReference<Bytes32>() {}, new TypeReference<DynamicBytes>() {})),
            steps);
    return continueOracles(
        ((Bytes32) out.get(0)).getValue(),
        ((DynamicBytes) out.get(1)).getValue(),
        pieces.sections(),
        steps,
        preJoinAlways);
  }

  private static byte[] stage(
      ContractCalls reduction,
      String step,
      String function,
      byte[] id,
      byte[] state,
      byte[] data,
      List<OnChainOpeningVerifier.Step> steps)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    List<Type> out =
        reduction.transact(
            step,
            new Function(
                function,
                List.of(new Bytes32(id), new DynamicBytes(state), new DynamicBytes(data)),
                List.of(new TypeReference<DynamicBytes>() {})),
            steps);
    return ((DynamicBytes) out.get(0)).getValue();
  }

  private OnChainOpeningVerifier.Verified continueOracles(
      byte[] id,
      byte[] state,
      BatchedOpeningEncoding.Sections sections,
      List<OnChainOpeningVerifier.Step> steps,
      boolean preJoinAlways)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    byte[] fact = null;
    List<byte[]> layers = sections.layers();
    List<byte[]> joining = sections.joining();
    for (int i = 0; i < layers.size(); i++) {
      Function next =
          new Function(
              "continueWith",
              List.of(
                  new Bytes32(id),
                  new DynamicBytes(state),
                  new DynamicBytes(layers.get(i)),
                  new DynamicBytes(joining.get(i))),
              List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {}));
      if (joining.get(i).length > 0
          && (preJoinAlways
              || org.web3j.utils.Numeric.hexStringToByteArray(FunctionEncoder.encode(next)).length
                  > OnChainOpeningVerifier.TRANSACTION_SIZE_CAP)) {
        // Too large together: the joining layers' Merkle openings first, then the oracle's layer
        // with their rows only.
        List<Type> pre =
            calls.transact(
                "joining " + i,
                new Function(
                    "preJoin",
                    List.of(
                        new Bytes32(id), new DynamicBytes(state), new DynamicBytes(joining.get(i))),
                    List.of(new TypeReference<DynamicBytes>() {})),
                steps);
        state = ((DynamicBytes) pre.get(0)).getValue();
        next =
            new Function(
                "continueWith",
                List.of(
                    new Bytes32(id),
                    new DynamicBytes(state),
                    new DynamicBytes(layers.get(i)),
                    new DynamicBytes(rowsOnly(joining.get(i)))),
                List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {}));
      }
      List<Type> out = calls.transact("oracle " + i, next, steps);
      state = ((DynamicBytes) out.get(0)).getValue();
      fact = ((Bytes32) out.get(1)).getValue();
    }
    return new OnChainOpeningVerifier.Verified(new Digest32(fact), steps);
  }

  /**
   * Joining layers (each u32 rows, rows, u32 siblings, siblings) with their siblings left out: what
   * {@code continueWith} takes after {@code preJoin} opened them.
   */
  static byte[] rowsOnly(byte[] joining) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int off = 0;
    while (off < joining.length) {
      int rows = u32(joining, off);
      int siblingsAt = off + 4 + 8 * rows;
      out.write(joining, off, 4 + 8 * rows);
      out.writeBytes(new byte[4]);
      off = siblingsAt + 4 + 32 * u32(joining, siblingsAt);
    }
    return out.toByteArray();
  }

  private static int u32(byte[] b, int at) {
    if (at < 0 || at + 4 > b.length) {
      throw new IllegalArgumentException("joining layer truncated at byte " + at);
    }
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24;
  }

  /**
   * The fact a staged opening establishes (the contract's {@code factOf} of {@code
   * stagedStatementHash(chain)}): the statement whose items chain to {@code chain} holds, the
   * transcript going from stateIn to stateOut.
   */
  public Digest32 stagedFactOf(byte[] chain, Digest32 stateIn, Digest32 stateOut) {
    Function h =
        new Function(
            "stagedStatementHash",
            List.of(new Bytes32(chain)),
            List.of(new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(h));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("stagedStatementHash: " + call.getError().getMessage());
    }
    byte[] hash =
        ((Bytes32) FunctionReturnDecoder.decode(call.getValue(), h.getOutputParameters()).get(0))
            .getValue();
    Function f =
        new Function(
            "factOf",
            List.of(new Bytes32(hash), new Bytes32(stateIn.bytes()), new Bytes32(stateOut.bytes())),
            List.of(new TypeReference<Bytes32>() {}));
    call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("factOf: " + call.getError().getMessage());
    }
    return new Digest32(
        ((Bytes32) FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters()).get(0))
            .getValue());
  }

  /** Whether the contract holds this fact as verified. */
  public boolean isVerified(Digest32 fact) {
    Function f =
        new Function(
            "verified",
            List.of(new Bytes32(fact.bytes())),
            List.of(new TypeReference<org.web3j.abi.datatypes.Bool>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument(
          "verified(" + fact + "): " + call.getError().getMessage());
    }
    return (Boolean)
        FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters()).get(0).getValue();
  }

  /**
   * The fact a batched opening establishes (the contract's {@code factOf}): the polynomials and
   * claims encoded as {@code polynomials} hold, the transcript going from stateIn to stateOut.
   */
  public Digest32 factOf(byte[] polynomials, Digest32 stateIn, Digest32 stateOut) {
    Function f =
        new Function(
            "factOf",
            List.of(
                new Bytes32(org.web3j.crypto.Hash.sha3(polynomials)),
                new Bytes32(stateIn.bytes()),
                new Bytes32(stateOut.bytes())),
            List.of(new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("factOf: " + call.getError().getMessage());
    }
    return new Digest32(
        ((Bytes32) FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters()).get(0))
            .getValue());
  }

  /**
   * Simulates one continuation (eth_call): what the contract says to this state and these layers.
   */
  OnChainOpeningVerifier.Verdict simulateContinueWith(
      byte[] id, byte[] state, byte[] layer, byte[] joining) {
    Function f =
        new Function(
            "continueWith",
            List.of(
                new Bytes32(id),
                new DynamicBytes(state),
                new DynamicBytes(layer),
                new DynamicBytes(joining)),
            List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    return call.hasError()
        ? ContractCalls.rejection(call)
        : new OnChainOpeningVerifier.Verdict(OpeningRejection.VALID, BigInteger.ZERO, null);
  }

  private static Function verifyFunction(Digest32 stateIn, byte[] polynomials, byte[] proof) {
    return new Function(
        "verify",
        List.of(
            new Bytes32(stateIn.bytes()), new DynamicBytes(polynomials), new DynamicBytes(proof)),
        List.of(new TypeReference<Bytes32>() {}));
  }
}

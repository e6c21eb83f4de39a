package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.BasefoldVerifier;
import io.zkaudit.hash.Digest32;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * A client of one deployed BasefoldVerifier.sol: checks openings in one call (eth_call, the verdict
 * and its reason) or in several transactions (the flow a proof larger than one transaction takes),
 * and reports what each costs.
 */
public final class OnChainOpeningVerifier {
  /** EIP-7825: the most gas one transaction may use. */
  public static final long TRANSACTION_GAS_CAP = 16_777_216L;

  /** Nodes drop non-blob transactions larger than this (128 KiB). */
  public static final int TRANSACTION_SIZE_CAP = 128 * 1024;

  private static final BigInteger DEPLOY_GAS = BigInteger.valueOf(8_000_000);

  private final ContractCalls calls;

  private OnChainOpeningVerifier(Web3j web3j, Credentials sender, long chainId, String address) {
    this.calls = new ContractCalls(web3j, sender, chainId, address);
  }

  /**
   * Deploys a verifier for openings under {@code params} (the parameters are part of the
   * statement).
   */
  public static OnChainOpeningVerifier deploy(Web3j web3j, Credentials deployer, PcsParams params) {
    long chainId = EscrowDeployer.chainId(web3j);
    BasefoldVerifier contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            DEPLOY_GAS,
            "BasefoldVerifier",
            (transactions, fees) ->
                BasefoldVerifier.deploy(
                    web3j,
                    transactions,
                    fees,
                    BigInteger.valueOf(params.logBlowup()),
                    BigInteger.valueOf(params.foldArityLog()),
                    BigInteger.valueOf(params.finalVarsMin()),
                    BigInteger.valueOf(params.queries()),
                    BigInteger.valueOf(params.powBits())));
    return new OnChainOpeningVerifier(web3j, deployer, chainId, contract.getContractAddress());
  }

  public String address() {
    return calls.address();
  }

  /** The deployed contract's code size in bytes (EIP-170: at most 24,576). */
  public int codeSize() {
    return calls.codeSize();
  }

  /**
   * The contract's answer on one opening: VALID with the transcript's state after it, or why not.
   */
  public record Verdict(OpeningRejection reason, BigInteger detail, Digest32 stateOut) {
    public boolean valid() {
      return reason == OpeningRejection.VALID;
    }
  }

  /** Checks an opening in one eth_call of {@code verify} (any proof bytes, well formed or not). */
  public Verdict verify(
      Digest32 stateIn, Commitment commitment, List<EvalClaim> claims, byte[] proof) {
    return verify(
        stateIn, commitment.root(), commitment.numVars(), OpeningEncoding.claims(claims), proof);
  }

  /** The same on raw claim bytes (for tests of hostile claim encodings). */
  public Verdict verify(Digest32 stateIn, Digest32 root, int numVars, byte[] claims, byte[] proof) {
    Function f = verifyFunction(stateIn, root, numVars, claims, proof);
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      return ContractCalls.rejection(call);
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    return new Verdict(
        OpeningRejection.VALID, BigInteger.ZERO, new Digest32(((Bytes32) out.get(0)).getValue()));
  }

  /** What a transaction calling {@code verify} on this opening would use (eth_estimateGas). */
  public long verifyGas(
      Digest32 stateIn, Commitment commitment, List<EvalClaim> claims, byte[] proof) {
    String data =
        FunctionEncoder.encode(
            verifyFunction(
                stateIn,
                commitment.root(),
                commitment.numVars(),
                OpeningEncoding.claims(claims),
                proof));
    return calls.estimateGas("verify", data);
  }

  /** One transaction of the multi-transaction flow. */
  public record Step(String name, int calldataBytes, long gasUsed) {}

  /** A fact the contract now holds as verified, and the transactions that established it. */
  public record Verified(Digest32 fact, List<Step> steps) {
    public Verified {
      steps = List.copyOf(steps);
    }

    public long totalGas() {
      return steps.stream().mapToLong(Step::gasUsed).sum();
    }
  }

  /**
   * Checks an opening the way a proof too large for one transaction is checked: {@code begin} with
   * the header, then one {@code continueWith} per oracle, each a transaction under the
   * per-transaction gas and size caps. Each step is simulated first (eth_call), so a rejection is
   * reported with its reason before anything is sent.
   *
   * @throws OpeningRejectedException if a step rejects the opening
   */
  public Verified verifyInTransactions(
      Digest32 stateIn, Commitment commitment, List<EvalClaim> claims, OpeningProof proof)
      throws OpeningRejectedException {
    OpeningEncoding.Sections sections = OpeningEncoding.sections(proof);
    List<Step> steps = new ArrayList<>();
    Function begin =
        new Function(
            "begin",
            List.of(
                new Bytes32(stateIn.bytes()),
                new Bytes32(commitment.root().bytes()),
                new Uint256(commitment.numVars()),
                new DynamicBytes(OpeningEncoding.claims(claims)),
                new DynamicBytes(sections.header())),
            List.of(new TypeReference<Bytes32>() {}, new TypeReference<DynamicBytes>() {}));
    List<Type> out = calls.transact("begin", begin, steps);
    byte[] id = ((Bytes32) out.get(0)).getValue();
    byte[] state = ((DynamicBytes) out.get(1)).getValue();
    byte[] fact = null;
    List<byte[]> layers = sections.layers();
    for (int i = 0; i < layers.size(); i++) {
      Function next =
          new Function(
              "continueWith",
              List.of(new Bytes32(id), new DynamicBytes(state), new DynamicBytes(layers.get(i))),
              List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {}));
      out = calls.transact("oracle " + i, next, steps);
      state = ((DynamicBytes) out.get(0)).getValue();
      fact = ((Bytes32) out.get(1)).getValue();
    }
    return new Verified(new Digest32(fact), steps);
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
   * The fact an opening establishes when verified (the contract's {@code factOf}): the polynomial
   * committed by {@code commitment} satisfies the claims encoded as {@code claims}, the transcript
   * going from stateIn to stateOut.
   */
  public Digest32 factOf(
      Commitment commitment, byte[] claims, Digest32 stateIn, Digest32 stateOut) {
    Function f =
        new Function(
            "factOf",
            List.of(
                new Bytes32(commitment.root().bytes()),
                new Uint256(commitment.numVars()),
                new Bytes32(org.web3j.crypto.Hash.sha3(claims)),
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

  /** Simulates one continuation (eth_call): what the contract says to this state and layer. */
  Verdict simulateContinueWith(byte[] id, byte[] state, byte[] layer) {
    Function f =
        new Function(
            "continueWith",
            List.of(new Bytes32(id), new DynamicBytes(state), new DynamicBytes(layer)),
            List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    return call.hasError()
        ? ContractCalls.rejection(call)
        : new Verdict(OpeningRejection.VALID, BigInteger.ZERO, null);
  }

  /** A step of the multi-transaction flow was rejected. */
  public static final class OpeningRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Verdict verdict;

    OpeningRejectedException(String step, Verdict verdict) {
      super(step + " rejected: " + verdict.reason() + " (" + verdict.detail() + ")");
      this.verdict = verdict;
    }

    public Verdict verdict() {
      return verdict;
    }
  }

  private static Function verifyFunction(
      Digest32 stateIn, Digest32 root, int numVars, byte[] claims, byte[] proof) {
    return new Function(
        "verify",
        List.of(
            new Bytes32(stateIn.bytes()),
            new Bytes32(root.bytes()),
            new Uint256(numVars),
            new DynamicBytes(claims),
            new DynamicBytes(proof)),
        List.of(new TypeReference<Bytes32>() {}));
  }
}

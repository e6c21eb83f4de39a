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

  private OnChainBatchedVerifier(
      Web3j web3j, PcsParams params, Credentials sender, long chainId, String address) {
    this.web3j = web3j;
    this.params = params;
    this.calls = new ContractCalls(web3j, sender, chainId, address);
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

  public String address() {
    return calls.address();
  }

  /** The deployed code sizes in bytes: this verifier's, and its reduction contract's. */
  public record CodeSizes(int verifier, int reduction) {}

  public CodeSizes codeSizes() {
    return new CodeSizes(calls.codeSize(), ContractCalls.codeSize(web3j, reducer()));
  }

  /** The address of the reduction contract this verifier deployed. */
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

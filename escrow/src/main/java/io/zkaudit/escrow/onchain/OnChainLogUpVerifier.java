package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.LogUpVerifier;
import io.zkaudit.hash.Digest32;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A client of one deployed LogUpVerifier.sol: the verdict on a lookup proof (eth_call), what a
 * transaction recording its fact costs, and the fact itself.
 */
public final class OnChainLogUpVerifier {
  private final LogUpVerifier contract;
  private final ContractCalls calls;

  private OnChainLogUpVerifier(
      Web3j web3j, LogUpVerifier contract, Credentials sender, long chainId) {
    this.contract = contract;
    this.calls = new ContractCalls(web3j, sender, chainId, contract.getContractAddress());
  }

  public static OnChainLogUpVerifier deploy(Web3j web3j, Credentials deployer) {
    long chainId = EscrowDeployer.chainId(web3j);
    LogUpVerifier contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "LogUpVerifier",
            (transactions, fees) -> LogUpVerifier.deploy(web3j, transactions, fees));
    return new OnChainLogUpVerifier(web3j, contract, deployer, chainId);
  }

  /** The contract's address. */
  public String address() {
    return calls.address();
  }

  /** The deployed (runtime) bytecode's size in bytes, which EIP-170 caps at 24,576. */
  public int codeSize() {
    return calls.codeSize();
  }

  /**
   * The contract's answer: VALID with the transcript state after the lookups and the claims' hash,
   * or why not.
   */
  public record Verdict(
      LogUpRejection reason, BigInteger detail, Digest32 stateOut, Digest32 claimsHash) {
    public boolean valid() {
      return reason == LogUpRejection.VALID;
    }
  }

  /** Checks a proof in one eth_call of {@code verify}. */
  public Verdict verify(Digest32 stateIn, List<BigInteger> plan, byte[] tables, byte[] proof) {
    Function f = function("verify", stateIn, plan, tables, proof);
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      return rejection(call);
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    return new Verdict(
        LogUpRejection.VALID,
        BigInteger.ZERO,
        new Digest32(((Bytes32) out.get(0)).getValue()),
        new Digest32(((Bytes32) out.get(1)).getValue()));
  }

  /**
   * The same verdict through {@code check}, which returns the reason instead of reverting (for a
   * contract calling the verifier without a try/catch of its own).
   */
  public Verdict check(Digest32 stateIn, List<BigInteger> plan, byte[] tables, byte[] proof) {
    Function f =
        new Function(
            "check",
            function("verify", stateIn, plan, tables, proof).getInputParameters(),
            List.of(
                new TypeReference<org.web3j.abi.datatypes.generated.Uint8>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("check failed: " + call.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    LogUpRejection reason =
        LogUpRejection.ofOrdinal(((BigInteger) out.get(0).getValue()).intValueExact());
    return new Verdict(
        reason,
        (BigInteger) out.get(1).getValue(),
        reason == LogUpRejection.VALID ? new Digest32(((Bytes32) out.get(2)).getValue()) : null,
        reason == LogUpRejection.VALID ? new Digest32(((Bytes32) out.get(3)).getValue()) : null);
  }

  /** A transaction's gas and calldata: what recording one proof's fact cost. */
  public record Recorded(Digest32 fact, long gasUsed, int calldataBytes) {}

  /** Verifies in a transaction of {@code record}: the fact is stored if and only if it passes. */
  public Recorded record(Digest32 stateIn, List<BigInteger> plan, byte[] tables, byte[] proof) {
    Function f = function("record", stateIn, plan, tables, proof);
    String data = FunctionEncoder.encode(f);
    EthCall simulated = calls.ethCall(data);
    if (simulated.hasError()) {
      throw EscrowException.invalidArgument("record rejected: " + rejection(simulated));
    }
    try {
      TransactionReceipt receipt = contract.record(stateIn.bytes(), plan, tables, proof).send();
      if (!receipt.isStatusOK()) {
        throw EscrowException.invalidArgument("record failed after its simulation passed");
      }
      Digest32 fact =
          new Digest32(
              ((Bytes32)
                      FunctionReturnDecoder.decode(simulated.getValue(), f.getOutputParameters())
                          .get(0))
                  .getValue());
      return new Recorded(
          fact, receipt.getGasUsed().longValueExact(), Numeric.hexStringToByteArray(data).length);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      if (e instanceof EscrowException ee) throw ee;
      throw EscrowException.failed("record", e);
    }
  }

  public boolean isVerified(Digest32 fact) {
    try {
      return contract.verified(fact.bytes()).send();
    } catch (Exception e) {
      throw EscrowException.failed("verified", e);
    }
  }

  /** The contract's {@code factOf}. */
  public Digest32 factOf(
      byte[] planHash, Digest32 stateIn, Digest32 stateOut, Digest32 claimsHash) {
    try {
      return new Digest32(
          contract.factOf(planHash, stateIn.bytes(), stateOut.bytes(), claimsHash.bytes()).send());
    } catch (Exception e) {
      throw EscrowException.failed("factOf", e);
    }
  }

  private static Function function(
      String name, Digest32 stateIn, List<BigInteger> plan, byte[] tables, byte[] proof) {
    return new Function(
        name,
        List.of(
            new Bytes32(stateIn.bytes()),
            new DynamicArray<>(Uint256.class, plan.stream().map(Uint256::new).toList()),
            new DynamicBytes(tables),
            new DynamicBytes(proof)),
        name.equals("verify")
            ? List.of(new TypeReference<Bytes32>() {}, new TypeReference<Bytes32>() {})
            : List.of(new TypeReference<Bytes32>() {}));
  }

  /** Decodes {@code Rejected(reason, detail)}; anything else is not a verdict on the proof. */
  private static Verdict rejection(EthCall call) {
    ContractCalls.Rejected r = ContractCalls.rejected(call);
    return new Verdict(LogUpRejection.ofOrdinal(r.reason()), r.detail(), null, null);
  }
}

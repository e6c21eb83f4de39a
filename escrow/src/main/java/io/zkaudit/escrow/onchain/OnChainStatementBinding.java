package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.StatementBinding;
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
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * A client of one deployed StatementBinding.sol: the verdict on a proof's statement and input
 * binding (eth_call), a transaction recording its fact, and the fact itself.
 */
public final class OnChainStatementBinding {
  private final StatementBinding contract;
  private final ContractCalls calls;

  private OnChainStatementBinding(
      Web3j web3j, StatementBinding contract, Credentials sender, long chainId) {
    this.contract = contract;
    this.calls = new ContractCalls(web3j, sender, chainId, contract.getContractAddress());
  }

  public static OnChainStatementBinding deploy(Web3j web3j, Credentials deployer) {
    long chainId = EscrowDeployer.chainId(web3j);
    StatementBinding contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "StatementBinding",
            (transactions, fees) -> StatementBinding.deploy(web3j, transactions, fees));
    return new OnChainStatementBinding(web3j, contract, deployer, chainId);
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
   * The contract's answer: VALID with the transcript state after the input binding, the input's and
   * output's SHA-256 and the input claim's hash, or why not.
   */
  public record Verdict(
      StatementRejection reason,
      BigInteger detail,
      Digest32 stateOut,
      Digest32 inputHash,
      Digest32 outputHash,
      Digest32 claimsHash) {
    public boolean valid() {
      return reason == StatementRejection.VALID;
    }
  }

  /** Binds in one eth_call of {@code bind}. */
  public Verdict bind(List<BigInteger> plan, byte[] input, byte[] header) {
    Function f = function("bind", plan, input, header);
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      return rejection(call);
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    return new Verdict(
        StatementRejection.VALID,
        BigInteger.ZERO,
        digest(out.get(0)),
        digest(out.get(1)),
        digest(out.get(2)),
        digest(out.get(3)));
  }

  /** The same verdict through {@code check}, which returns the reason instead of reverting. */
  public Verdict check(List<BigInteger> plan, byte[] input, byte[] header) {
    Function f =
        new Function(
            "check",
            function("bind", plan, input, header).getInputParameters(),
            List.of(
                new TypeReference<Uint8>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("check failed: " + call.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    StatementRejection reason =
        StatementRejection.ofOrdinal(((BigInteger) out.get(0).getValue()).intValueExact());
    boolean valid = reason == StatementRejection.VALID;
    return new Verdict(
        reason,
        (BigInteger) out.get(1).getValue(),
        valid ? digest(out.get(2)) : null,
        valid ? digest(out.get(3)) : null,
        valid ? digest(out.get(4)) : null,
        valid ? digest(out.get(5)) : null);
  }

  /** What {@code bind} costs as a transaction's computation (eth_estimateGas of {@code record}). */
  public long estimateRecordGas(List<BigInteger> plan, byte[] input, byte[] header) {
    return calls.estimateGas(
        "StatementBinding.record", FunctionEncoder.encode(function("record", plan, input, header)));
  }

  /** A transaction's fact, gas and calldata. */
  public record Recorded(Digest32 fact, long gasUsed, int calldataBytes) {}

  /**
   * Binds in a transaction of {@code record} (simulated first: a refused statement is reported with
   * its reason and nothing is sent); the fact is stored if and only if it passes.
   */
  public Recorded record(List<BigInteger> plan, byte[] input, byte[] header) {
    Verdict v = bind(plan, input, header);
    if (!v.valid()) {
      throw EscrowException.invalidArgument(
          "record rejected: " + v.reason() + " (detail " + v.detail() + ")");
    }
    Function f = function("record", plan, input, header);
    List<OnChainOpeningVerifier.Step> steps = new java.util.ArrayList<>();
    List<Type> out;
    try {
      out = calls.transact("statement", f, steps);
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      throw EscrowException.invalidArgument("record rejected after bind passed: " + e.getMessage());
    }
    OnChainOpeningVerifier.Step step = steps.getFirst();
    return new Recorded(digest(out.get(0)), step.gasUsed(), step.calldataBytes());
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
      byte[] planHash,
      Digest32 inputHash,
      Digest32 outputHash,
      Digest32 stateOut,
      Digest32 claimsHash) {
    try {
      return new Digest32(
          contract
              .factOf(
                  planHash,
                  inputHash.bytes(),
                  outputHash.bytes(),
                  stateOut.bytes(),
                  claimsHash.bytes())
              .send());
    } catch (Exception e) {
      throw EscrowException.failed("factOf", e);
    }
  }

  private static Digest32 digest(Type t) {
    return new Digest32(((Bytes32) t).getValue());
  }

  private static Function function(
      String name, List<BigInteger> plan, byte[] input, byte[] header) {
    return new Function(
        name,
        List.of(
            new DynamicArray<>(Uint256.class, plan.stream().map(Uint256::new).toList()),
            new DynamicBytes(input),
            new DynamicBytes(header)),
        name.equals("bind")
            ? List.of(
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {})
            : List.of(new TypeReference<Bytes32>() {}));
  }

  private static Verdict rejection(EthCall call) {
    ContractCalls.Rejected r = ContractCalls.rejected(call);
    return new Verdict(
        StatementRejection.ofOrdinal(r.reason()), r.detail(), null, null, null, null);
  }
}

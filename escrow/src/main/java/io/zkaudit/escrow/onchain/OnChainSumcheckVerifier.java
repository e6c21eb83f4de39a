package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.SumcheckVerifier;
import io.zkaudit.field.Ext2;
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

/** A client of one deployed SumcheckVerifier.sol: the verdict on one sumcheck (eth_call). */
public final class OnChainSumcheckVerifier {
  private final ContractCalls calls;

  private OnChainSumcheckVerifier(ContractCalls calls) {
    this.calls = calls;
  }

  public static OnChainSumcheckVerifier deploy(Web3j web3j, Credentials deployer) {
    long chainId = EscrowDeployer.chainId(web3j);
    SumcheckVerifier contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "SumcheckVerifier",
            (transactions, fees) -> SumcheckVerifier.deploy(web3j, transactions, fees));
    return new OnChainSumcheckVerifier(
        new ContractCalls(web3j, deployer, chainId, contract.getContractAddress()));
  }

  public int codeSize() {
    return calls.codeSize();
  }

  public String address() {
    return calls.address();
  }

  /**
   * The contract's answer: VALID with the state after the sumcheck, its point and evaluations, the
   * mask weight and the final claim (an open end's), or why not.
   */
  public record Verdict(
      SumcheckRejection reason,
      BigInteger detail,
      Digest32 stateOut,
      Ext2[] point,
      Ext2[] evaluations,
      Ext2 maskWeight,
      Ext2 finalClaim) {
    public boolean valid() {
      return reason == SumcheckRejection.VALID;
    }
  }

  /** Checks one sumcheck in an eth_call of {@code verify}. */
  public Verdict verify(Digest32 stateIn, List<BigInteger> spec, byte[] proof) {
    Function f =
        new Function(
            "verify",
            inputs(stateIn, spec, proof),
            List.of(
                new TypeReference<Bytes32>() {},
                new TypeReference<DynamicArray<Uint256>>() {},
                new TypeReference<DynamicArray<Uint256>>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Uint256>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      ContractCalls.Rejected r = ContractCalls.rejected(call);
      return new Verdict(
          SumcheckRejection.ofOrdinal(r.reason()), r.detail(), null, null, null, null, null);
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    return new Verdict(
        SumcheckRejection.VALID,
        BigInteger.ZERO,
        new Digest32(((Bytes32) out.get(0)).getValue()),
        exts(out.get(1)),
        exts(out.get(2)),
        SumcheckEncoding.unpacked((BigInteger) out.get(3).getValue()),
        SumcheckEncoding.unpacked((BigInteger) out.get(4).getValue()));
  }

  /** The verdict through {@code check}, which returns the reason instead of reverting. */
  public SumcheckRejection check(Digest32 stateIn, List<BigInteger> spec, byte[] proof) {
    Function f =
        new Function(
            "check",
            inputs(stateIn, spec, proof),
            List.of(
                new TypeReference<Uint8>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Bytes32>() {}));
    EthCall call = calls.ethCall(FunctionEncoder.encode(f));
    if (call.hasError()) {
      throw EscrowException.invalidArgument("check failed: " + call.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
    return SumcheckRejection.ofOrdinal(((BigInteger) out.get(0).getValue()).intValueExact());
  }

  /**
   * What a transaction of {@code verify} would use (eth_estimateGas): its gas, calldata included.
   */
  public long estimateGas(Digest32 stateIn, List<BigInteger> spec, byte[] proof) {
    return calls.estimateGas(
        "SumcheckVerifier.verify",
        FunctionEncoder.encode(new Function("verify", inputs(stateIn, spec, proof), List.of())));
  }

  private static List<Type> inputs(Digest32 stateIn, List<BigInteger> spec, byte[] proof) {
    return List.of(
        new Bytes32(stateIn.bytes()),
        new DynamicArray<>(Uint256.class, spec.stream().map(Uint256::new).toList()),
        new DynamicBytes(proof));
  }

  @SuppressWarnings("unchecked")
  private static Ext2[] exts(Type t) {
    List<Uint256> words = ((DynamicArray<Uint256>) t).getValue();
    return words.stream().map(w -> SumcheckEncoding.unpacked(w.getValue())).toArray(Ext2[]::new);
  }
}

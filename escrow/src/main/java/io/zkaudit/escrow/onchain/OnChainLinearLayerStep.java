package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.LinearLayerStep;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import java.math.BigInteger;
import java.util.Arrays;
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
 * A client of LinearLayerStep.sol called on its own (the session calls it in its {@code linear}
 * step): a windowed linear layer's reduction from a given transcript state and accumulator claim.
 */
public final class OnChainLinearLayerStep {
  private final ContractCalls calls;

  private OnChainLinearLayerStep(ContractCalls calls) {
    this.calls = calls;
  }

  /** Deploys the step over a deployed SumcheckVerifier and LayerSteps (their addresses). */
  public static OnChainLinearLayerStep deploy(
      Web3j web3j, Credentials deployer, String sumchecks, String layerSteps) {
    long chainId = EscrowDeployer.chainId(web3j);
    LinearLayerStep contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "LinearLayerStep",
            (transactions, fees) ->
                LinearLayerStep.deploy(web3j, transactions, fees, sumchecks, layerSteps));
    return new OnChainLinearLayerStep(
        new ContractCalls(web3j, deployer, chainId, contract.getContractAddress()));
  }

  public String address() {
    return calls.address();
  }

  public int codeSize() {
    return calls.codeSize();
  }

  /**
   * The contract's answer: VALID with the state after the layer and its claims hash, or why not.
   */
  public record Answer(
      LinearStepRejection reason, BigInteger detail, Digest32 state, Digest32 claimsHash) {}

  /** The layer's reduction (eth_call of {@code reduce}). */
  public Answer reduce(
      Digest32 stateIn, List<BigInteger> plan, Ext2[] rho, Ext2 value, byte[] proof) {
    return reduce("reduce", stateIn, plan, rho, value, proof);
  }

  /**
   * A zero-knowledge layer's reduction (eth_call of {@code reduceZk}): the plan with the layer's
   * first mask block ({@link LayerEncoding#linearPlan} with zero knowledge).
   */
  public Answer reduceZk(
      Digest32 stateIn, List<BigInteger> plan, Ext2[] rho, Ext2 value, byte[] proof) {
    return reduce("reduceZk", stateIn, plan, rho, value, proof);
  }

  /** What a transaction calling {@code reduceZk} would use (eth_estimateGas). */
  public long reduceZkGas(
      Digest32 stateIn, List<BigInteger> plan, Ext2[] rho, Ext2 value, byte[] proof) {
    return calls.estimateGas(
        "LinearLayerStep.reduceZk",
        FunctionEncoder.encode(call("reduceZk", stateIn, plan, rho, value, proof)));
  }

  private Answer reduce(
      String name, Digest32 stateIn, List<BigInteger> plan, Ext2[] rho, Ext2 value, byte[] proof) {
    Function f = call(name, stateIn, plan, rho, value, proof);
    EthCall c = calls.ethCall(FunctionEncoder.encode(f));
    if (c.hasError()) {
      throw EscrowException.invalidArgument(name + " reverted: " + c.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(c.getValue(), f.getOutputParameters());
    return new Answer(
        LinearStepRejection.values()[((Uint8) out.get(0)).getValue().intValueExact()],
        ((Uint256) out.get(1)).getValue(),
        new Digest32(((Bytes32) out.get(2)).getValue()),
        new Digest32(((Bytes32) out.get(3)).getValue()));
  }

  /** What a transaction calling {@code reduce} would use (eth_estimateGas). */
  public long reduceGas(
      Digest32 stateIn, List<BigInteger> plan, Ext2[] rho, Ext2 value, byte[] proof) {
    return calls.estimateGas(
        "LinearLayerStep.reduce",
        FunctionEncoder.encode(call("reduce", stateIn, plan, rho, value, proof)));
  }

  /** An ADD's reduction (eth_call of {@code add}). */
  public Answer add(
      Digest32 stateIn,
      List<BigInteger> plan,
      Ext2[] rho,
      Ext2 value,
      byte[] addEval,
      Digest32 lookupsHash,
      byte[] lookupItems) {
    return add("add", stateIn, plan, rho, value, addEval, lookupsHash, lookupItems);
  }

  /**
   * An ADD's reduction in a zero-knowledge proof (eth_call of {@code addZk}): with a constant side,
   * {@code addEval} is s followed by the constant addend's {@code WindowedLinearProof} bytes.
   */
  public Answer addZk(
      Digest32 stateIn,
      List<BigInteger> plan,
      Ext2[] rho,
      Ext2 value,
      byte[] addEval,
      Digest32 lookupsHash,
      byte[] lookupItems) {
    return add("addZk", stateIn, plan, rho, value, addEval, lookupsHash, lookupItems);
  }

  /** What a transaction calling {@code addZk} would use (eth_estimateGas). */
  public long addZkGas(
      Digest32 stateIn,
      List<BigInteger> plan,
      Ext2[] rho,
      Ext2 value,
      byte[] addEval,
      Digest32 lookupsHash,
      byte[] lookupItems) {
    return calls.estimateGas(
        "LinearLayerStep.addZk",
        FunctionEncoder.encode(
            addCall("addZk", stateIn, plan, rho, value, addEval, lookupsHash, lookupItems)));
  }

  private Answer add(
      String name,
      Digest32 stateIn,
      List<BigInteger> plan,
      Ext2[] rho,
      Ext2 value,
      byte[] addEval,
      Digest32 lookupsHash,
      byte[] lookupItems) {
    Function f = addCall(name, stateIn, plan, rho, value, addEval, lookupsHash, lookupItems);
    EthCall c = calls.ethCall(FunctionEncoder.encode(f));
    if (c.hasError()) {
      throw EscrowException.invalidArgument(name + " reverted: " + c.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(c.getValue(), f.getOutputParameters());
    return new Answer(
        LinearStepRejection.values()[((Uint8) out.get(0)).getValue().intValueExact()],
        ((Uint256) out.get(1)).getValue(),
        new Digest32(((Bytes32) out.get(2)).getValue()),
        new Digest32(((Bytes32) out.get(3)).getValue()));
  }

  private static Function addCall(
      String name,
      Digest32 stateIn,
      List<BigInteger> plan,
      Ext2[] rho,
      Ext2 value,
      byte[] addEval,
      Digest32 lookupsHash,
      byte[] lookupItems) {
    return new Function(
        name,
        List.of(
            new Bytes32(stateIn.bytes()),
            new DynamicArray<>(Uint256.class, plan.stream().map(Uint256::new).toList()),
            new DynamicArray<>(
                Uint256.class,
                Arrays.stream(rho).map(x -> new Uint256(SumcheckEncoding.packed(x))).toList()),
            new Uint256(SumcheckEncoding.packed(value)),
            new DynamicBytes(addEval),
            new Bytes32(lookupsHash.bytes()),
            new DynamicBytes(lookupItems)),
        List.of(
            new TypeReference<Uint8>() {},
            new TypeReference<Uint256>() {},
            new TypeReference<Bytes32>() {},
            new TypeReference<Bytes32>() {}));
  }

  /** An ADD's evaluation s as the proof encodes it (16 bytes, little-endian limbs). */
  public static byte[] addEval(Ext2 s) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    return b.putLong(s.c0()).putLong(s.c1()).array();
  }

  private static Function call(
      String name, Digest32 stateIn, List<BigInteger> plan, Ext2[] rho, Ext2 value, byte[] proof) {
    return new Function(
        name,
        List.of(
            new Bytes32(stateIn.bytes()),
            new DynamicArray<>(Uint256.class, plan.stream().map(Uint256::new).toList()),
            new DynamicArray<>(
                Uint256.class,
                Arrays.stream(rho).map(x -> new Uint256(SumcheckEncoding.packed(x))).toList()),
            new Uint256(SumcheckEncoding.packed(value)),
            new DynamicBytes(proof)),
        List.of(
            new TypeReference<Uint8>() {},
            new TypeReference<Uint256>() {},
            new TypeReference<Bytes32>() {},
            new TypeReference<Bytes32>() {}));
  }
}

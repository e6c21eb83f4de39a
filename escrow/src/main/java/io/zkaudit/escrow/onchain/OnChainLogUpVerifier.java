package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.NodeFeeGasProvider;
import io.zkaudit.escrow.contracts.LogUpVerifier;
import io.zkaudit.hash.Digest32;
import java.io.IOException;
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
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * A client of one deployed LogUpVerifier.sol: the verdict on a lookup proof (eth_call), what a
 * transaction recording its fact costs, and the fact itself.
 */
public final class OnChainLogUpVerifier {
  private static final String REJECTED_SELECTOR =
      Numeric.cleanHexPrefix(
          org.web3j.crypto.Hash.sha3String("Rejected(uint8,uint256)").substring(0, 10));
  private static final BigInteger DEPLOY_GAS = BigInteger.valueOf(8_000_000);

  private final Web3j web3j;
  private final LogUpVerifier contract;
  private final String from;

  private OnChainLogUpVerifier(Web3j web3j, LogUpVerifier contract, String from) {
    this.web3j = web3j;
    this.contract = contract;
    this.from = from;
  }

  public static OnChainLogUpVerifier deploy(Web3j web3j, Credentials deployer) {
    long chainId = EscrowDeployer.chainId(web3j);
    RawTransactionManager tm =
        new RawTransactionManager(
            web3j, deployer, chainId, new PollingTransactionReceiptProcessor(web3j, 20, 3_000));
    try {
      LogUpVerifier c =
          LogUpVerifier.deploy(
                  web3j,
                  tm,
                  new NodeFeeGasProvider(
                      web3j,
                      chainId,
                      BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP)))
              .send();
      return new OnChainLogUpVerifier(web3j, c, deployer.getAddress());
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw EscrowException.failed("deploy LogUpVerifier", e);
    }
  }

  /** The deployed (runtime) bytecode's size in bytes, which EIP-170 caps at 24,576. */
  public int codeSize() {
    try {
      String code =
          web3j
              .ethGetCode(contract.getContractAddress(), DefaultBlockParameterName.LATEST)
              .send()
              .getCode();
      return Numeric.hexStringToByteArray(code).length;
    } catch (IOException e) {
      throw EscrowException.failed("eth_getCode", e);
    }
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
    EthCall call = ethCall(FunctionEncoder.encode(f));
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
    EthCall call = ethCall(FunctionEncoder.encode(f));
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
    EthCall simulated = ethCall(data);
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

  private EthCall ethCall(String data) {
    try {
      return web3j
          .ethCall(
              Transaction.createEthCallTransaction(from, contract.getContractAddress(), data),
              DefaultBlockParameterName.LATEST)
          .send();
    } catch (IOException e) {
      throw EscrowException.failed("eth_call", e);
    }
  }

  /** Decodes {@code Rejected(reason, detail)}; anything else is not a verdict on the proof. */
  private static Verdict rejection(EthCall call) {
    Object data = call.getError().getData();
    String hex = data == null ? "" : Numeric.cleanHexPrefix(data.toString().replace("\"", ""));
    if (!hex.startsWith(REJECTED_SELECTOR) || hex.length() != 8 + 128) {
      throw EscrowException.invalidArgument(
          "the verifier failed without a verdict: " + call.getError().getMessage());
    }
    return new Verdict(
        LogUpRejection.ofOrdinal(new BigInteger(hex.substring(8, 72), 16).intValueExact()),
        new BigInteger(hex.substring(72), 16),
        null,
        null);
  }
}

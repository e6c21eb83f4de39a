package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.NodeFeeGasProvider;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * What the clients of the on-chain verifiers share: calls (a verdict or {@code Rejected(reason,
 * detail)}), gas estimates, and transactions that are simulated first, so that a rejection is
 * reported with its reason before anything is sent, and that must fit EIP-7825's gas cap and the
 * 128 KiB transaction size.
 */
final class ContractCalls {
  private static final String REJECTED_SELECTOR =
      org.web3j.crypto.Hash.sha3String("Rejected(uint8,uint256)").substring(0, 10);

  private final Web3j web3j;
  private final String address;
  private final long chainId;
  private final RawTransactionManager transactions;
  private final NodeFeeGasProvider fees;
  private final PollingTransactionReceiptProcessor receipts;

  ContractCalls(Web3j web3j, Credentials sender, long chainId, String address) {
    this.web3j = web3j;
    this.address = address;
    this.chainId = chainId;
    this.receipts = receiptProcessor(web3j);
    this.transactions = new RawTransactionManager(web3j, sender, chainId, receipts);
    this.fees =
        new NodeFeeGasProvider(
            web3j, chainId, BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP));
  }

  String address() {
    return address;
  }

  EthCall ethCall(String data) {
    try {
      return web3j
          .ethCall(
              Transaction.createEthCallTransaction(transactions.getFromAddress(), address, data),
              DefaultBlockParameterName.LATEST)
          .send();
    } catch (IOException e) {
      throw EscrowException.failed("eth_call", e);
    }
  }

  /** What a transaction with this calldata would use (eth_estimateGas). */
  long estimateGas(String what, String data) {
    return estimateGas(what, address, data);
  }

  /** The same for a call to another contract. */
  long estimateGas(String what, String to, String data) {
    try {
      EthEstimateGas estimate =
          web3j
              .ethEstimateGas(
                  Transaction.createEthCallTransaction(transactions.getFromAddress(), to, data))
              .send();
      if (estimate.hasError()) {
        throw EscrowException.invalidArgument(
            "estimating " + what + ": " + estimate.getError().getMessage());
      }
      return estimate.getAmountUsed().longValueExact();
    } catch (IOException e) {
      throw EscrowException.failed("eth_estimateGas", e);
    }
  }

  /** The size of the contract's deployed code (EIP-170 caps it at 24,576 bytes). */
  int codeSize() {
    return codeSize(web3j, address);
  }

  /** The size of the code deployed at another address, on this client's node. */
  int codeSizeAt(String other) {
    return codeSize(web3j, other);
  }

  /** The size of the code deployed at {@code address}. */
  static int codeSize(Web3j web3j, String address) {
    try {
      String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
      return Numeric.hexStringToByteArray(code).length;
    } catch (IOException e) {
      throw EscrowException.failed("eth_getCode", e);
    }
  }

  /**
   * Simulates the call, then sends it as a transaction under the caps and records its gas in {@code
   * steps}; returns the simulated outputs.
   */
  List<Type> transact(String step, Function f, List<OnChainOpeningVerifier.Step> steps)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    String data = FunctionEncoder.encode(f);
    EthCall simulated = ethCall(data);
    if (simulated.hasError()) {
      throw new OnChainOpeningVerifier.OpeningRejectedException(step, rejection(simulated));
    }
    int calldataBytes = Numeric.hexStringToByteArray(data).length;
    if (calldataBytes > OnChainOpeningVerifier.TRANSACTION_SIZE_CAP) {
      throw EscrowException.invalidArgument(
          step
              + ": "
              + calldataBytes
              + " bytes of calldata, over the "
              + OnChainOpeningVerifier.TRANSACTION_SIZE_CAP
              + "-byte transaction limit");
    }
    try {
      EthSendTransaction sent =
          transactions.sendEIP1559Transaction(
              chainId,
              fees.getMaxPriorityFeePerGas(),
              fees.getMaxFeePerGas(),
              BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
              address,
              data,
              BigInteger.ZERO);
      if (sent.hasError()) {
        throw EscrowException.invalidArgument(step + ": " + sent.getError().getMessage());
      }
      TransactionReceipt receipt = receipts.waitForTransactionReceipt(sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw EscrowException.invalidArgument(
            step
                + ": transaction "
                + receipt.getTransactionHash()
                + " failed after its simulation passed");
      }
      steps.add(
          new OnChainOpeningVerifier.Step(
              step, calldataBytes, receipt.getGasUsed().longValueExact()));
    } catch (IOException | org.web3j.protocol.exceptions.TransactionException e) {
      throw EscrowException.failed(step, e);
    }
    return FunctionReturnDecoder.decode(simulated.getValue(), f.getOutputParameters());
  }

  /** A verifier's {@code Rejected(reason, detail)}: the reason's ordinal and its detail. */
  record Rejected(int reason, BigInteger detail) {}

  /**
   * Decodes {@code Rejected(reason, detail)} from a reverted call; anything else is not a verdict.
   */
  static Rejected rejected(EthCall call) {
    Object data = call.getError().getData();
    String hex = data == null ? "" : Numeric.cleanHexPrefix(data.toString().replace("\"", ""));
    if (!hex.startsWith(Numeric.cleanHexPrefix(REJECTED_SELECTOR)) || hex.length() != 8 + 128) {
      throw EscrowException.invalidArgument(
          "the verifier failed without a verdict: "
              + call.getError().getMessage()
              + (hex.isEmpty() ? "" : " (data 0x" + hex + ")"));
    }
    return new Rejected(
        new BigInteger(hex.substring(8, 72), 16).intValueExact(),
        new BigInteger(hex.substring(72), 16));
  }

  /** An opening verifier's rejection ({@link #rejected}) as its verdict. */
  static OnChainOpeningVerifier.Verdict rejection(EthCall call) {
    Rejected r = rejected(call);
    return new OnChainOpeningVerifier.Verdict(
        OpeningRejection.ofOrdinal(r.reason()), r.detail(), null);
  }

  /** A generated contract's {@code deploy}, given the transaction manager and the fees. */
  interface Deployment<C> {
    RemoteCall<C> deploy(TransactionManager transactions, ContractGasProvider fees);
  }

  /**
   * Deploys a contract from {@code deployer} with at most {@code gas}, waiting for its receipt as
   * the clients' transactions do; a failure is an {@link EscrowException} naming the contract.
   */
  static <C> C deploy(
      Web3j web3j,
      Credentials deployer,
      long chainId,
      BigInteger gas,
      String contract,
      Deployment<C> deployment) {
    try {
      return deployment
          .deploy(
              new RawTransactionManager(web3j, deployer, chainId, receiptProcessor(web3j)),
              new NodeFeeGasProvider(web3j, chainId, gas))
          .send();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw EscrowException.failed("deploy " + contract, e);
    }
  }

  private static PollingTransactionReceiptProcessor receiptProcessor(Web3j web3j) {
    return new PollingTransactionReceiptProcessor(web3j, 20, 3_000);
  }
}

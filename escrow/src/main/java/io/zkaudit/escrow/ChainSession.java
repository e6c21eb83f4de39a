package io.zkaudit.escrow;

import java.io.IOException;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * One party's connection: its key, a transaction manager signing for the node's chain id, and the
 * single place where web3j failures become {@link EscrowException}s and gas is reported.
 */
final class ChainSession {
  // Generous fixed limits: no gas estimation, so a reverting transaction is mined and its
  // revert reason can be read back, instead of failing in estimation with a vaguer error.
  private static final BigInteger TRANSACTION_GAS_LIMIT = BigInteger.valueOf(3_000_000);
  private static final BigInteger DEPLOY_GAS_LIMIT = BigInteger.valueOf(6_000_000);
  // Anvil mines on arrival; poll often so a test does not wait web3j's default 15 s.
  private static final long RECEIPT_POLL_MILLIS = 20;
  private static final int RECEIPT_POLL_ATTEMPTS = 1_500;

  final Web3j web3j;
  final Credentials credentials;
  final TransactionManager transactions;
  final ContractGasProvider gas;
  final ContractGasProvider deployGas;
  private final GasListener gasListener;

  ChainSession(Web3j web3j, Credentials credentials, long chainId, GasListener gasListener) {
    this.web3j = web3j;
    this.credentials = credentials;
    this.gasListener = gasListener;
    this.transactions =
        new RawTransactionManager(
            web3j,
            credentials,
            chainId,
            new PollingTransactionReceiptProcessor(
                web3j, RECEIPT_POLL_MILLIS, RECEIPT_POLL_ATTEMPTS));
    this.gas = new NodeFeeGasProvider(web3j, chainId, TRANSACTION_GAS_LIMIT);
    this.deployGas = new NodeFeeGasProvider(web3j, chainId, DEPLOY_GAS_LIMIT);
  }

  String address() {
    return credentials.getAddress();
  }

  /** Sends a transaction, reports its gas, and turns any failure into an EscrowException. */
  TransactionReceipt send(String operation, RemoteCall<TransactionReceipt> transaction) {
    TransactionReceipt receipt;
    try {
      receipt = transaction.send();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw EscrowException.failed(operation, e);
    }
    if (!receipt.isStatusOK()) {
      throw EscrowException.failed(
          operation,
          new IOException(
              "transaction "
                  + receipt.getTransactionHash()
                  + " failed with status "
                  + receipt.getStatus()));
    }
    gasListener.gasUsed(operation, receipt.getGasUsed());
    return receipt;
  }

  /** Runs a read-only call (or a deployment) and turns any failure into an EscrowException. */
  <T> T call(String operation, RemoteCall<T> call) {
    try {
      return call.send();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw EscrowException.failed(operation, e);
    }
  }

  void reportGas(String operation, BigInteger gasUsed) {
    gasListener.gasUsed(operation, gasUsed);
  }
}

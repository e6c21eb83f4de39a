package io.zkaudit.escrow;

import java.io.IOException;
import java.math.BigInteger;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.tx.gas.ContractEIP1559GasProvider;

/**
 * EIP-1559 fees from the latest block: max fee = 2 x base fee + a fixed tip, a fixed gas limit.
 *
 * <p>Why not eth_gasPrice: anvil derives it from the tips recently paid, so clients that pay "node
 * price x margin" as legacy transactions drive each other's price up without bound. Here the
 * effective price is base fee + tip, and the base fee only moves with block usage.
 */
public final class NodeFeeGasProvider implements ContractEIP1559GasProvider {
  private static final BigInteger TIP = Wei.gwei(1);

  private final Web3j web3j;
  private final long chainId;
  private final BigInteger gasLimit;

  public NodeFeeGasProvider(Web3j web3j, long chainId, BigInteger gasLimit) {
    this.web3j = web3j;
    this.chainId = chainId;
    this.gasLimit = gasLimit;
  }

  @Override
  public long getChainId() {
    return chainId;
  }

  @Override
  public BigInteger getMaxFeePerGas() {
    return latestBaseFee().shiftLeft(1).add(TIP);
  }

  @Override
  public BigInteger getMaxPriorityFeePerGas() {
    return TIP;
  }

  @Override
  public BigInteger getGasPrice() {
    return getMaxFeePerGas();
  }

  @Override
  public BigInteger getGasLimit(Transaction transaction) {
    return gasLimit;
  }

  @Override
  public BigInteger getGasLimit() {
    return gasLimit;
  }

  private BigInteger latestBaseFee() {
    try {
      BigInteger baseFee =
          web3j
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getBaseFeePerGas();
      return baseFee == null ? BigInteger.ZERO : baseFee; // a pre-London chain has none
    } catch (IOException | RuntimeException e) {
      throw EscrowException.failed("reading the base fee", e);
    }
  }
}

package io.zkaudit.escrow;

import io.zkaudit.escrow.chain.ChainNode;
import java.util.List;
import java.util.function.Function;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Reads a contract's emitted events of one kind from the node, decoded by the generated wrapper.
 */
final class ContractLogs {
  private ContractLogs() {}

  static <E> List<E> events(ChainNode node, String contract, Event event, Function<Log, E> decode) {
    EthFilter filter =
        new EthFilter(
                DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, contract)
            .addSingleTopic(EventEncoder.encode(event));
    try {
      return node.web3j().ethGetLogs(filter).send().getLogs().stream()
          .map(result -> decode.apply((Log) ((EthLog.LogObject) result).get()))
          .toList();
    } catch (java.io.IOException e) {
      throw EscrowException.failed("eth_getLogs", e);
    }
  }
}

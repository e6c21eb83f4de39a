package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.RoundingTables;
import io.zkaudit.field.Ext2;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray25;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * A client of RoundingTables.sol: a table plan ({@link TableEncoding}) evaluated at a point in as
 * many transactions as its segments need (each under the gas cap and 128 KiB), the last of which
 * records the fact {@link TableEncoding#tableFact}. Each transaction is simulated first; a
 * rejection is reported with its reason before anything is sent.
 */
public final class OnChainRoundingTables {
  /** Segment bytes a transaction carries at most (the transaction limit is 128 KiB). */
  static final int SLICE_BYTES = 96 * 1024;

  /**
   * Rows a transaction expands at most; a slice whose estimate is over {@link #GAS_BUDGET} is
   * halved (by segments) before it is sent.
   */
  static final long SLICE_ROWS = 32 * 1024;

  /** The gas a slice may use: EIP-7825's cap less a margin. */
  static final long GAS_BUDGET = 15_000_000L;

  private final ContractCalls calls;

  private OnChainRoundingTables(ContractCalls calls) {
    this.calls = calls;
  }

  public static OnChainRoundingTables deploy(Web3j web3j, Credentials deployer) {
    long chainId = EscrowDeployer.chainId(web3j);
    RoundingTables contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "RoundingTables",
            (transactions, fees) -> RoundingTables.deploy(web3j, transactions, fees));
    return new OnChainRoundingTables(
        new ContractCalls(web3j, deployer, chainId, contract.getContractAddress()));
  }

  /** The contract deployed at {@code address}, sent to from {@code sender}. */
  public static OnChainRoundingTables at(Web3j web3j, Credentials sender, String address) {
    return new OnChainRoundingTables(
        new ContractCalls(web3j, sender, EscrowDeployer.chainId(web3j), address));
  }

  /** The same contract through another sender. */
  public OnChainRoundingTables as(Web3j web3j, Credentials sender) {
    return new OnChainRoundingTables(
        new ContractCalls(web3j, sender, EscrowDeployer.chainId(web3j), calls.address()));
  }

  public String address() {
    return calls.address();
  }

  public int codeSize() {
    return calls.codeSize();
  }

  /** A refused transaction: its reason and detail, the transactions before it sent. */
  public static final class TableRejectedException extends Exception {
    private final TableRejection reason;
    private final BigInteger detail;

    TableRejectedException(String step, TableRejection reason, BigInteger detail) {
      super(step + ": " + reason + " (" + detail + ")");
      this.reason = reason;
      this.detail = detail;
    }

    public TableRejection reason() {
      return reason;
    }

    public BigInteger detail() {
      return detail;
    }
  }

  /** The evaluation's outcome: the fact recorded, the values, the transactions. */
  public record Evaluation(
      byte[] fact, byte[] planHash, Ext2[] values, List<OnChainOpeningVerifier.Step> steps) {}

  /**
   * Evaluates the plan at {@code point} on chain: {@code begin} with the header and the first
   * slice, {@code continueWith} each later slice; the last records the fact.
   */
  public Evaluation evaluate(List<BigInteger> plan, Ext2[] point) throws TableRejectedException {
    java.util.ArrayDeque<List<List<BigInteger>>> pending =
        new java.util.ArrayDeque<>(slices(TableEncoding.segments(plan)));
    List<BigInteger> coords = Arrays.stream(point).map(TableEncoding::packed).toList();
    List<OnChainOpeningVerifier.Step> steps = new ArrayList<>();
    List<BigInteger> stage = null;
    byte[] fact = null;
    while (!pending.isEmpty()) {
      List<List<BigInteger>> slice = pending.poll();
      List<BigInteger> words = slice.stream().flatMap(List::stream).toList();
      Function f =
          stage == null
              ? new Function(
                  "begin",
                  List.of(uints(plan.subList(0, 4)), uints(coords), uints(words)),
                  outputs())
              : new Function(
                  "continueWith",
                  List.of(
                      new StaticArray25<>(Uint256.class, stage.stream().map(Uint256::new).toList()),
                      uints(coords),
                      uints(words)),
                  outputs());
      String name = "RoundingTables." + f.getName() + " " + (steps.size() + 1);
      String data = FunctionEncoder.encode(f);
      EthCall simulated = calls.ethCall(data);
      if (simulated.hasError()) {
        ContractCalls.Rejected r = ContractCalls.rejected(simulated);
        throw new TableRejectedException(name, TableRejection.ofOrdinal(r.reason()), r.detail());
      }
      if (slice.size() > 1 && calls.estimateGas(name, data) > GAS_BUDGET) {
        pending.push(slice.subList(slice.size() / 2, slice.size()));
        pending.push(slice.subList(0, slice.size() / 2));
        continue;
      }
      List<Type> out;
      try {
        out = calls.transact(name, f, steps);
      } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
        throw EscrowException.invalidArgument(name + ": refused after its simulation passed");
      }
      @SuppressWarnings("unchecked")
      List<Uint256> next = ((StaticArray25<Uint256>) out.get(0)).getValue();
      stage = next.stream().map(Uint256::getValue).toList();
      fact = ((Bytes32) out.get(1)).getValue();
    }
    Ext2[] values = new Ext2[4];
    for (int c = 0; c < 4; c++) {
      values[c] = new Ext2(stage.get(16 + 2 * c).longValue(), stage.get(17 + 2 * c).longValue());
    }
    return new Evaluation(fact, TableEncoding.planHash(plan), values, steps);
  }

  /** Whether the contract holds a fact. */
  public boolean verified(byte[] fact) {
    Function f =
        new Function(
            "verified",
            List.of(new Bytes32(fact)),
            List.of(new TypeReference<org.web3j.abi.datatypes.Bool>() {}));
    EthCall c = calls.ethCall(FunctionEncoder.encode(f));
    if (c.hasError()) {
      throw EscrowException.invalidArgument("verified reverted: " + c.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(c.getValue(), f.getOutputParameters());
    return (Boolean) out.get(0).getValue();
  }

  /** Consecutive segments, each slice under {@link #SLICE_BYTES} and {@link #SLICE_ROWS}. */
  static List<List<List<BigInteger>>> slices(List<List<BigInteger>> segments) {
    List<List<List<BigInteger>>> out = new ArrayList<>();
    List<List<BigInteger>> current = new ArrayList<>();
    long rows = 0;
    long words = 0;
    for (List<BigInteger> s : segments) {
      long r = TableEncoding.rowsOf(s);
      if (!current.isEmpty() && (32L * (words + s.size()) > SLICE_BYTES || rows + r > SLICE_ROWS)) {
        out.add(current);
        current = new ArrayList<>();
        rows = 0;
        words = 0;
      }
      current.add(s);
      rows += r;
      words += s.size();
    }
    out.add(current);
    return out;
  }

  private static DynamicArray<Uint256> uints(List<BigInteger> words) {
    return new DynamicArray<>(Uint256.class, words.stream().map(Uint256::new).toList());
  }

  private static List<TypeReference<?>> outputs() {
    return List.of(new TypeReference<StaticArray25<Uint256>>() {}, new TypeReference<Bytes32>() {});
  }
}

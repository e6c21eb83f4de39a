package io.zkaudit.escrow.onchain;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.LayerSteps;
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
import org.web3j.abi.datatypes.generated.Int256;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * A client of LayerSteps.sol's pure functions called on their own (the session calls them in its
 * steps): a layer's rounding with all the lookups' claims ({@code rounding}) or with its own two
 * items ({@code roundingAt}) from a given transcript state, the window wiring of a windowed linear
 * layer ({@code window}, Java's {@code WindowPredicate}) and phase 1's public tables.
 */
public final class OnChainLayerSteps {
  private final ContractCalls calls;

  private OnChainLayerSteps(ContractCalls calls) {
    this.calls = calls;
  }

  public static OnChainLayerSteps deploy(Web3j web3j, Credentials deployer) {
    long chainId = EscrowDeployer.chainId(web3j);
    LayerSteps contract =
        ContractCalls.deploy(
            web3j,
            deployer,
            chainId,
            BigInteger.valueOf(OnChainOpeningVerifier.TRANSACTION_GAS_CAP),
            "LayerSteps",
            (transactions, fees) -> LayerSteps.deploy(web3j, transactions, fees));
    return new OnChainLayerSteps(
        new ContractCalls(web3j, deployer, chainId, contract.getContractAddress()));
  }

  public int codeSize() {
    return calls.codeSize();
  }

  public String address() {
    return calls.address();
  }

  /**
   * A rounding's outcome: VALID with the state after it, the claims hash it outputs and (from
   * {@code rounding}) the hash of the layers' row hashes; or why not.
   */
  public record RoundingAnswer(
      LayerStepRejection reason,
      BigInteger detail,
      Digest32 state,
      Digest32 claimsHash,
      Digest32 rowsHash) {}

  /** Layer plan[0]'s rounding from {@code stateIn} with all the lookups' claims as items. */
  public RoundingAnswer rounding(
      Digest32 stateIn,
      List<BigInteger> plan,
      Digest32 lookupsHash,
      byte[] lookupItems,
      byte[] rangeEvals,
      byte[] output) {
    List<Type> out =
        call(roundingCall(stateIn, plan, lookupsHash, lookupItems, rangeEvals, output));
    return answer(out, new Digest32(((Bytes32) out.get(4)).getValue()));
  }

  /**
   * Layer plan[0]'s rounding from {@code stateIn} with its two items and every layer's row hash.
   */
  public RoundingAnswer roundingAt(
      Digest32 stateIn,
      List<BigInteger> plan,
      List<byte[]> rowHashes,
      byte[] items,
      byte[] rangeEvals,
      byte[] output) {
    return answer(call(roundingAtCall(stateIn, plan, rowHashes, items, rangeEvals, output)), null);
  }

  /** What a transaction calling {@code rounding} would use (eth_estimateGas). */
  public long roundingGas(
      Digest32 stateIn,
      List<BigInteger> plan,
      Digest32 lookupsHash,
      byte[] lookupItems,
      byte[] rangeEvals,
      byte[] output) {
    return calls.estimateGas(
        "LayerSteps.rounding",
        FunctionEncoder.encode(
            roundingCall(stateIn, plan, lookupsHash, lookupItems, rangeEvals, output)));
  }

  /** What a transaction calling {@code roundingAt} would use (eth_estimateGas). */
  public long roundingAtGas(
      Digest32 stateIn,
      List<BigInteger> plan,
      List<byte[]> rowHashes,
      byte[] items,
      byte[] rangeEvals,
      byte[] output) {
    return calls.estimateGas(
        "LayerSteps.roundingAt",
        FunctionEncoder.encode(
            roundingAtCall(stateIn, plan, rowHashes, items, rangeEvals, output)));
  }

  private static RoundingAnswer answer(List<Type> out, Digest32 rowsHash) {
    return new RoundingAnswer(
        LayerStepRejection.values()[((Uint8) out.get(0)).getValue().intValueExact()],
        ((Uint256) out.get(1)).getValue(),
        new Digest32(((Bytes32) out.get(2)).getValue()),
        new Digest32(((Bytes32) out.get(3)).getValue()),
        rowsHash);
  }

  private static Function roundingCall(
      Digest32 stateIn,
      List<BigInteger> plan,
      Digest32 lookupsHash,
      byte[] lookupItems,
      byte[] rangeEvals,
      byte[] output) {
    return new Function(
        "rounding",
        List.of(
            new Bytes32(stateIn.bytes()),
            words(plan),
            new Bytes32(lookupsHash.bytes()),
            new DynamicBytes(lookupItems),
            new DynamicBytes(rangeEvals),
            new DynamicBytes(output)),
        List.of(
            new TypeReference<Uint8>() {},
            new TypeReference<Uint256>() {},
            new TypeReference<Bytes32>() {},
            new TypeReference<Bytes32>() {},
            new TypeReference<Bytes32>() {}));
  }

  private static Function roundingAtCall(
      Digest32 stateIn,
      List<BigInteger> plan,
      List<byte[]> rowHashes,
      byte[] items,
      byte[] rangeEvals,
      byte[] output) {
    return new Function(
        "roundingAt",
        List.of(
            new Bytes32(stateIn.bytes()),
            words(plan),
            new DynamicArray<>(Bytes32.class, rowHashes.stream().map(Bytes32::new).toList()),
            new DynamicBytes(items),
            new DynamicBytes(rangeEvals),
            new DynamicBytes(output)),
        List.of(
            new TypeReference<Uint8>() {},
            new TypeReference<Uint256>() {},
            new TypeReference<Bytes32>() {},
            new TypeReference<Bytes32>() {}));
  }

  /** The contract's answer: VALID with the value, or why not. */
  public record Answer(LayerStepRejection reason, Ext2 value) {}

  /**
   * WindowPredicate at a point: shape (kernel, stride, pad, outBits, tapBits, inBits, inSize); a
   * null tap or input point is summed over (mode bits 0 and 1).
   */
  public Answer window(int[] shape, Ext2[] r, Ext2[] tap, Ext2[] in) {
    return window(shape, packed(r), packed(tap), packed(in), mode(tap, in));
  }

  /** The same with packed words as they are sent (for tests of non-canonical points). */
  Answer window(
      int[] shape, List<BigInteger> r, List<BigInteger> tap, List<BigInteger> in, int mode) {
    Function f = windowCall(shape, r, tap, in, mode);
    EthCall c = calls.ethCall(FunctionEncoder.encode(f));
    if (c.hasError()) {
      throw EscrowException.invalidArgument("window reverted: " + c.getError().getMessage());
    }
    List<Type> out = FunctionReturnDecoder.decode(c.getValue(), f.getOutputParameters());
    int reason = ((Uint8) out.get(0)).getValue().intValueExact();
    BigInteger v = ((Uint256) out.get(1)).getValue();
    return new Answer(
        LayerStepRejection.values()[reason], new Ext2(v.longValue(), v.shiftRight(64).longValue()));
  }

  /** RangeMask at a point: the MLE of [x < n]. */
  public Answer rangeMask(int n, Ext2[] point) {
    Function f =
        new Function(
            "rangeMask",
            List.of(new Uint256(n), words(packed(point))),
            List.of(new TypeReference<Uint8>() {}, new TypeReference<Uint256>() {}));
    List<Type> out = call(f);
    return new Answer(
        LayerStepRejection.values()[((Uint8) out.get(0)).getValue().intValueExact()],
        unpacked(((Uint256) out.get(1)).getValue()));
  }

  /** The contract's eq(a, b) and the zero points' MLE at b, or why not. */
  public record EqAnswer(LayerStepRejection reason, Ext2 eq, Ext2 zeroPoint) {}

  /** eq(a, b) and the MLE of the per-channel zero points at b. */
  public EqAnswer eqAndZeroPoints(Ext2[] a, Ext2[] b, long[] zeroPoints) {
    Function f =
        new Function(
            "eqAndZeroPoints",
            List.of(
                words(packed(a)),
                words(packed(b)),
                new DynamicArray<>(
                    Int256.class,
                    Arrays.stream(zeroPoints)
                        .mapToObj(z -> new Int256(BigInteger.valueOf(z)))
                        .toList())),
            List.of(
                new TypeReference<Uint8>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Uint256>() {}));
    List<Type> out = call(f);
    return new EqAnswer(
        LayerStepRejection.values()[((Uint8) out.get(0)).getValue().intValueExact()],
        unpacked(((Uint256) out.get(1)).getValue()),
        unpacked(((Uint256) out.get(2)).getValue()));
  }

  private List<Type> call(Function f) {
    EthCall c = calls.ethCall(FunctionEncoder.encode(f));
    if (c.hasError()) {
      throw EscrowException.invalidArgument(
          f.getName() + " reverted: " + c.getError().getMessage());
    }
    return FunctionReturnDecoder.decode(c.getValue(), f.getOutputParameters());
  }

  private static Ext2 unpacked(BigInteger v) {
    return new Ext2(v.longValue(), v.shiftRight(64).longValue());
  }

  /** What a transaction calling {@code window} would use (eth_estimateGas). */
  public long windowGas(int[] shape, Ext2[] r, Ext2[] tap, Ext2[] in) {
    return calls.estimateGas(
        "LayerSteps.window",
        FunctionEncoder.encode(
            windowCall(shape, packed(r), packed(tap), packed(in), mode(tap, in))));
  }

  private static int mode(Ext2[] tap, Ext2[] in) {
    return (tap == null ? 0 : 1) | (in == null ? 0 : 2);
  }

  private static Function windowCall(
      int[] shape, List<BigInteger> r, List<BigInteger> tap, List<BigInteger> in, int mode) {
    return new Function(
        "window",
        List.of(
            new DynamicArray<>(
                Uint256.class,
                Arrays.stream(shape).mapToObj(v -> new Uint256(BigInteger.valueOf(v))).toList()),
            words(r),
            words(tap),
            words(in),
            new Uint256(mode)),
        List.of(new TypeReference<Uint8>() {}, new TypeReference<Uint256>() {}));
  }

  private static DynamicArray<Uint256> words(List<BigInteger> w) {
    return new DynamicArray<>(Uint256.class, w.stream().map(Uint256::new).toList());
  }

  /** Extension elements packed c0 + 2^64 c1; null is no point (empty). */
  static List<BigInteger> packed(Ext2[] p) {
    return p == null
        ? List.of()
        : Arrays.stream(p)
            .map(
                x ->
                    BigInteger.valueOf(x.c1())
                        .and(MASK64)
                        .shiftLeft(64)
                        .or(BigInteger.valueOf(x.c0()).and(MASK64)))
            .toList();
  }

  private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
}

package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ProofOpenings;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * What ProofSession.sol's {@code finish} step reads: the model's finish plan (where each column
 * claim goes in the batched opening's statement) and the session's claims as its steps chained them
 * (the item format of {@link LogUpEncoding#claimsHash}).
 *
 * <p>The plan, one word each: L (proven layers), W (witness columns), G (weight columns), the
 * rounding and range lookups' multiplicity columns, P (the batched polynomials), per polynomial in
 * the opening's order its source (a witness bin's index, or {@link #WEIGHTS}) and numVars, per
 * witness column its bin, variables and offset / 2^variables in its bin's packed layout, per weight
 * column its variables and offset / 2^variables in the weight commitment's. All of it follows from
 * the model's description (the circuit's column sizes, {@link ColumnBins}, {@link WeightLayout},
 * {@link ProofOpenings#plan}), as Java's verifier derives it.
 */
public final class FinishEncoding {
  private FinishEncoding() {}

  /** The source word of the weight commitment in a plan. */
  public static final long WEIGHTS = 1L << 32;

  /** The item kinds a plain session leaves (LogUpEncoding's and LayerEncoding's). */
  public static final int INPUT_CLAIM = 7;

  /**
   * The finish plan of a plain single-sample proof about a public input.
   *
   * @throws LayerEncoding.UnsupportedLayerException for a model whose proof holds relations the
   *     session does not verify on chain (max pools, concatenations, unary tables), or whose
   *     polynomials do not all join the batched opening
   */
  public static List<BigInteger> plan(ModelCircuit circuit) {
    if (!circuit.maxPools().isEmpty()) {
      throw new LayerEncoding.UnsupportedLayerException(
          LayerEncoding.NotOnChain.MAX_POOL, circuit.maxPools().getFirst().layer().name());
    }
    if (!circuit.concats().isEmpty()) {
      throw new LayerEncoding.UnsupportedLayerException(
          LayerEncoding.NotOnChain.CONCATENATION, circuit.concats().getFirst().layer().name());
    }
    if (!circuit.unaries().isEmpty()) {
      throw new LayerEncoding.UnsupportedLayerException(
          LayerEncoding.NotOnChain.UNARY_TABLE, circuit.unaries().getFirst().layer().name());
    }
    ColumnBins bins =
        InferenceStatement.witnessBins(circuit, InferenceStatement.lookups(circuit), false);
    WeightLayout weights = WeightLayout.of(circuit);
    PackedLayout weightLayout = new PackedLayout(weights.logSizes());
    boolean weightsRead = weights.holdsConstants();
    int entries = bins.bins() + (weightsRead ? 1 : 0);
    int[] numVars = new int[entries];
    List<PcsParams> params = new ArrayList<>();
    for (int b = 0; b < bins.bins(); b++) {
      numVars[b] = bins.layout(b).numVars();
      params.add(InferenceStatement.pcsParams());
    }
    if (weightsRead) {
      numVars[entries - 1] = weightLayout.numVars();
      params.add(InferenceStatement.longLivedPcsParams());
    }
    ProofOpenings.Plan order = ProofOpenings.plan(InferenceStatement.pcsParams(), numVars, params);
    if (order.alone().length != 0) {
      throw new LayerEncoding.UnsupportedLayerException(
          LayerEncoding.NotOnChain.OPENED_ALONE, "the openings");
    }
    int witnessColumns = 0;
    for (int b = 0; b < bins.bins(); b++) {
      witnessColumns += bins.columns(b).length;
    }
    List<BigInteger> w = new ArrayList<>();
    add(w, circuit.layers().size());
    add(w, witnessColumns);
    add(w, weightsRead ? weights.logSizes().length : 0);
    add(w, InferenceStatement.roundingMultiplicityColumn(circuit));
    add(w, InferenceStatement.rangeMultiplicityColumn(circuit));
    add(w, entries);
    for (int i : order.batched()) {
      add(w, i < bins.bins() ? i : WEIGHTS);
      add(w, numVars[i]);
    }
    for (int c = 0; c < witnessColumns; c++) {
      int b = bins.binOf(c);
      int index = indexOf(bins.columns(b), c);
      PackedLayout layout = bins.layout(b);
      int vars = layout.columnVars(index);
      add(w, b);
      add(w, vars);
      add(w, layout.offset(index) >>> vars);
    }
    if (weightsRead) {
      for (int c = 0; c < weights.logSizes().length; c++) {
        int vars = weightLayout.columnVars(c);
        add(w, vars);
        add(w, weightLayout.offset(c) >>> vars);
      }
    }
    return w;
  }

  /** keccak of the plan's words. */
  public static byte[] planHash(List<BigInteger> plan) {
    return LayerEncoding.planHash(plan);
  }

  /**
   * The per-layer words {@code finish} opens the layer steps' chains from: keccak(rounding plan),
   * keccak(reduction plan), per proven layer.
   */
  public static List<byte[]> stepPlans(ModelCircuit circuit) {
    List<byte[]> out = new ArrayList<>();
    for (int k = 0; k < circuit.layers().size(); k++) {
      out.add(LayerEncoding.planHash(LayerEncoding.roundingPlan(circuit, k)));
      out.add(LayerEncoding.planHash(LayerEncoding.reductionPlan(circuit, k, false)));
    }
    return out;
  }

  /** The statement step's claim (kind 7, the input column at the input point) as an item. */
  public static byte[] inputItem(ColumnClaim input) {
    return item(INPUT_CLAIM, input.column(), input.point(), input.value());
  }

  /**
   * A reduction step's claims as items, in the order its step chained them: a linear layer's by the
   * plan's routes (bias, weights, input: words 29 to 34 of {@link LayerEncoding#linearPlan}), an
   * ADD's by its sides ({@link LayerEncoding#addPlan}: a constant side's weight claim, an
   * activation side's three witness claims). {@code witness} and {@code weight}: the claims Java's
   * reduction of the layer added after its rounding's, in order.
   */
  public static byte[] reductionItems(
      List<BigInteger> plan, List<ColumnClaim> witness, List<ColumnClaim> weight) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int wi = 0;
    int gi = 0;
    if (plan.get(1).intValueExact() == 3) { // an ADD
      for (int side = 0; side < 2; side++) {
        if (plan.get(3 + 6 * side).signum() != 0) {
          ColumnClaim c = weight.get(gi++);
          out.writeBytes(item(LayerEncoding.TO_WEIGHT, c.column(), c.point(), c.value()));
          continue;
        }
        for (int i = 0; i < 3; i++) {
          ColumnClaim c = witness.get(wi++);
          out.writeBytes(item(LayerEncoding.TO_WITNESS, c.column(), c.point(), c.value()));
        }
      }
    } else {
      for (int j = 29; j < 35; j += 2) {
        int kind = plan.get(j).intValueExact();
        if (kind == 0) {
          continue;
        }
        ColumnClaim c = kind == LayerEncoding.TO_WEIGHT ? weight.get(gi++) : witness.get(wi++);
        out.writeBytes(item(kind, c.column(), c.point(), c.value()));
      }
    }
    if (wi != witness.size() || gi != weight.size()) {
      throw new IllegalArgumentException("the layer's claims are not its plan's");
    }
    return out.toByteArray();
  }

  /** The chain of one step's items from {@code start}, as the contract recomputes it. */
  public static byte[] chain(byte[] start, byte[] items) {
    byte[] h = start.clone();
    int at = 0;
    while (at < items.length) {
      int n = word(items, at + 96);
      int m = word(items, at + 32 * (4 + n));
      int size = 32 * (5 + n + m);
      byte[] joined = new byte[32 + size];
      System.arraycopy(h, 0, joined, 0, 32);
      System.arraycopy(items, at, joined, 32, size);
      h = Hash.sha3(joined);
      at += size;
    }
    return h;
  }

  /**
   * The registry's hash of a model's verifier plans once the session has finished: {@link
   * LayerEncoding#verifierPlans} with the layer plans hash folded with the finish plan's, as {@code
   * finish} folds it into the session's {@code layerPlans}.
   */
  public static byte[] verifierPlans(
      List<BigInteger> statementPlan,
      List<BigInteger> lookupPlan,
      List<byte[]> layerPlanHashes,
      List<BigInteger> finishPlan) {
    byte[] out = new byte[96];
    System.arraycopy(LayerEncoding.planHash(statementPlan), 0, out, 0, 32);
    System.arraycopy(LayerEncoding.planHash(lookupPlan), 0, out, 32, 32);
    System.arraycopy(finishedLayerPlans(layerPlanHashes, finishPlan), 0, out, 64, 32);
    return Hash.sha3(out);
  }

  /** The session's {@code layerPlans} after {@code finish}: keccak(layer plans, finish plan). */
  public static byte[] finishedLayerPlans(List<byte[]> layerPlanHashes, List<BigInteger> plan) {
    byte[] out = new byte[64];
    System.arraycopy(LayerEncoding.layerPlans(layerPlanHashes), 0, out, 0, 32);
    System.arraycopy(planHash(plan), 0, out, 32, 32);
    return Hash.sha3(out);
  }

  /**
   * The fact {@code ProofSession.conclude} records:
   * keccak(abi.encode("zkaudit/verified-inference/v1", plans, inputHash, outputHash, tables)),
   * plans being the session's {@code sessionPlans} ({@link #verifierPlans}), the hashes the
   * escrows' SHA-256 of the input and output, tables the deferred table values' chain.
   */
  public static byte[] inferenceFact(
      byte[] plans, byte[] inputHash, byte[] outputHash, byte[] tables) {
    String encoded =
        org.web3j.abi.FunctionEncoder.encodeConstructor(
            List.of(
                new org.web3j.abi.datatypes.Utf8String("zkaudit/verified-inference/v1"),
                new org.web3j.abi.datatypes.generated.Bytes32(plans),
                new org.web3j.abi.datatypes.generated.Bytes32(inputHash),
                new org.web3j.abi.datatypes.generated.Bytes32(outputHash),
                new org.web3j.abi.datatypes.generated.Bytes32(tables)));
    return Hash.sha3(org.web3j.utils.Numeric.hexStringToByteArray(encoded));
  }

  static byte[] item(int kind, int a, Ext2[] point, Ext2 value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long v : new long[] {kind, a, 0, point.length}) {
      out.writeBytes(LogUpEncoding.word(BigInteger.valueOf(v)));
    }
    for (Ext2 x : point) {
      out.writeBytes(LogUpEncoding.word(SumcheckEncoding.packed(x)));
    }
    out.writeBytes(LogUpEncoding.word(BigInteger.ONE));
    out.writeBytes(LogUpEncoding.word(SumcheckEncoding.packed(value)));
    return out.toByteArray();
  }

  private static int word(byte[] b, int at) {
    if (at + 32 > b.length) {
      throw new IllegalArgumentException("items truncated at byte " + at);
    }
    return new BigInteger(1, Arrays.copyOfRange(b, at, at + 32)).intValueExact();
  }

  private static int indexOf(int[] columns, int c) {
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] == c) {
        return i;
      }
    }
    throw new IllegalStateException("column " + c + " is not in its bin");
  }

  private static void add(List<BigInteger> w, long v) {
    w.add(BigInteger.valueOf(v));
  }

  /**
   * Calldata per part of a finish over several transactions ({@code ProofSession.finishSteps}): the
   * steps' items at most this many bytes per part (a step larger gets a part of its own), under the
   * 128 KiB a transaction may carry with the plans and the state beside them.
   */
  public static final int PART_BYTES = 96 * 1024;

  /**
   * The session's steps cut into parts of whole consecutive steps, each at most {@code maxBytes} of
   * items (a step larger than that alone): the relayer's choice, which the contract's checks do not
   * depend on. One part when everything fits.
   */
  public static List<List<byte[]>> parts(List<byte[]> steps, int maxBytes) {
    List<List<byte[]>> parts = new java.util.ArrayList<>();
    List<byte[]> part = new java.util.ArrayList<>();
    int bytes = 0;
    for (byte[] step : steps) {
      int size = step.length + 64;
      if (!part.isEmpty() && bytes + size > maxBytes) {
        parts.add(part);
        part = new java.util.ArrayList<>();
        bytes = 0;
      }
      part.add(step);
      bytes += size;
    }
    if (!part.isEmpty()) {
      parts.add(part);
    }
    return parts;
  }
}

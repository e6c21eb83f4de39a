package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.pcs.ColumnClaim;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * What LayerSteps.sol (and ProofSession.sol's layer steps) read and output, computed in Java:
 *
 * <ul>
 *   <li>{@link #roundingPlan}: a proven layer's rounding plan, seven words from the model's circuit
 *       (k, tag base, per-channel flag, channel bits, the output, c1 and c2 columns);
 *   <li>{@link #lookupItems}: the lookups' claims in the item format whose keccak chain is {@link
 *       LogUpEncoding#claimsHash} (the contract recomputes the chain to open them);
 *   <li>{@link #rangeEvals}: layer k's three range evaluations as the proof encodes them;
 *   <li>{@link #roundingClaimsHash}: the chain the step outputs over the claims Java's rounding
 *       adds.
 * </ul>
 */
public final class LayerEncoding {
  private LayerEncoding() {}

  /**
   * The plan's output column for the model's output layer, whose claim is checked against the
   * public output: its plan has the output's layout after the seven words (height, width, channels,
   * hBits, wBits, cBits).
   */
  public static final BigInteger PUBLIC_OUTPUT =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /**
   * Proven layer k's rounding plan.
   *
   * @throws LimbRoundingNotOnChainException if layer k is a limb rounding
   */
  public static List<BigInteger> roundingPlan(ModelCircuit circuit, int k) {
    ModelCircuit.ProvenLayer p = circuit.layers().get(k);
    if (p.rounding().limbs()) {
      // The contracts read c1, c2 at ρ itself; a limb rounding's claims are at (ρ, t*).
      throw new LimbRoundingNotOnChainException(p.layer().name());
    }
    ModelCircuit.RoundingColumns rc = p.columns();
    int out = circuit.outColumn(p.layer().output());
    List<BigInteger> w = new ArrayList<>();
    w.add(BigInteger.valueOf(k));
    w.add(BigInteger.valueOf(rc.tagBase()));
    w.add(rc.perChannel() ? BigInteger.ONE : BigInteger.ZERO);
    w.add(BigInteger.valueOf(p.outLayout().cBits()));
    boolean isOutput = circuit.resolve(p.layer().output()) == circuit.outputTensor() || out < 0;
    w.add(isOutput ? PUBLIC_OUTPUT : BigInteger.valueOf(out));
    w.add(BigInteger.valueOf(rc.c1()));
    w.add(BigInteger.valueOf(rc.c2()));
    if (isOutput) {
      io.zkaudit.layers.TensorLayout l =
          io.zkaudit.inference.InferenceStatement.outputLayout(circuit);
      for (int v :
          new int[] {l.height(), l.width(), l.channels(), l.hBits(), l.wBits(), l.cBits()}) {
        w.add(BigInteger.valueOf(v));
      }
    }
    return w;
  }

  /** Layer k's range evaluations c1(ρ), c2(ρ), c1 at the pair's point: 48 bytes. */
  public static byte[] rangeEvals(Ext2[] rangeEvals, int k) {
    ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    for (int j = 0; j < 3; j++) {
      b.putLong(rangeEvals[3 * k + j].c0()).putLong(rangeEvals[3 * k + j].c1());
    }
    return b.array();
  }

  /**
   * The keccak chain of a rounding step, from keccak(plan): Java's claims in its order (the output
   * column's, c1 and c2 at ρ, the pair's two, each kind 8 with a = the column) with the accumulator
   * a(ρ) (kind 9, a = k) after c2 at ρ. The output layer has no output column's claim (its value is
   * checked against the public output): four claims.
   */
  public static byte[] roundingClaimsHash(
      List<BigInteger> plan, List<ColumnClaim> claims, Ext2 accumulator) {
    int n = claims.size();
    if (n != 5 && n != 4) {
      throw new IllegalArgumentException("a rounding adds five claims (four), not " + n);
    }
    byte[] h = planHash(plan);
    for (int i = 0; i < n; i++) {
      ColumnClaim c = claims.get(i);
      h = LogUpEncoding.itemHash(h, 8, c.column(), 0, c.point(), new Ext2[] {c.value()});
      if (i == n - 3) {
        h =
            LogUpEncoding.itemHash(
                h, 9, plan.get(0).intValueExact(), 0, c.point(), new Ext2[] {accumulator});
      }
    }
    return h;
  }

  /**
   * The per-layer hashes the session's first layer step stores (through {@link #layerClaims}): for
   * each group g = 0, 1, ... of the lookup items with both a rounding row (kind 2, lookup 0, group
   * g, four values) and a range pair (kind 2, lookup 1, group g, one value at a non-empty point),
   * keccak of the two items' words, row first; the list stops at the first group missing either.
   * The last item of a group wins, as in the contract.
   */
  public static List<byte[]> rowHashes(byte[] lookupItems) {
    List<int[]> rows = new ArrayList<>();
    List<int[]> pairs = new ArrayList<>();
    java.util.Map<Long, int[]> rowOf = new java.util.HashMap<>();
    java.util.Map<Long, int[]> pairOf = new java.util.HashMap<>();
    for (int[] item : items(lookupItems)) {
      long g = wordLong(lookupItems, item[0] + 64);
      if (isRow(lookupItems, item)) {
        rows.add(item);
        rowOf.put(g, item);
      } else if (isPair(lookupItems, item)) {
        pairs.add(item);
        pairOf.put(g, item);
      }
    }
    List<byte[]> out = new ArrayList<>();
    for (long g = 0; g < rows.size() && g < pairs.size(); g++) {
      int[] r = rowOf.get(g);
      int[] p = pairOf.get(g);
      if (r == null || p == null) {
        break;
      }
      out.add(Hash.sha3(concat(slice(lookupItems, r), slice(lookupItems, p))));
    }
    return out;
  }

  /** Where a linear layer's claim goes: a witness column (kind 8) or a weight column (kind 10). */
  public static final int TO_WITNESS = 8;

  public static final int TO_WEIGHT = 10;

  /**
   * Why a proof or a proven layer is not verified on chain yet: LinearLayerStep.sol verifies the
   * windowed linear layers (convolutions, dense, depthwise, pools and means as sums) and the ADDs,
   * with or without zero knowledge; a product of activations, a requantization, the relations after
   * the layers and a zero-knowledge proof's finish are refused with this reason.
   */
  public enum NotOnChain {
    ADD,
    PRODUCT,
    REQUANTIZE,
    ZERO_KNOWLEDGE,
    /** After the layers (ProofReduction.verifyMaxPools): no session step yet. */
    MAX_POOL,
    /** After the max pools (verifyConcats): no session step yet. */
    CONCATENATION,
    /** After the concatenations (verifyUnaries): no session step yet. */
    UNARY_TABLE,
    /** A polynomial that does not join the batched opening: no session step opens it yet. */
    OPENED_ALONE,
    /** A rounding split into 16-bit limbs ({@link LimbRoundingNotOnChainException}). */
    LIMB_ROUNDING,
    /**
     * A zero-knowledge proof's steps after its layers: its {@code finish} (the blinding, mask and
     * weight-shadow claims into the batched opening), the shadow link and {@code conclude}; its
     * layers' reductions are on chain ({@code reduceZk}, {@code addZk}).
     */
    ZK_FINISH
  }

  /** A layer whose reduction the contracts do not verify yet, with the typed reason. */
  public static final class UnsupportedLayerException extends IllegalArgumentException {
    private final NotOnChain reason;

    public UnsupportedLayerException(NotOnChain reason, String layer) {
      super("layer " + layer + ": its reduction (" + reason + ") is not verified on chain yet");
      this.reason = reason;
    }

    public NotOnChain reason() {
      return reason;
    }
  }

  /**
   * Proven layer k's reduction plan for LinearLayerStep.sol (a windowed linear layer of a
   * single-sample proof about a public input): k, kind, the input's and output's layouts (height,
   * width, channels, hBits, wBits, cBits), the row and column windows (kernel, stride, pad,
   * outBits, tapBits, inBits, inSize), the input zero point, the bias, weight and input claims'
   * destinations (kind, column; 0, 0 for none), the number of weight zero points and one per output
   * channel; with zero knowledge one more word, the layer's first mask block ({@link
   * #firstMaskBlock}, read by {@code reduceZk}). Signed values are two's-complement words.
   */
  public static List<BigInteger> linearPlan(ModelCircuit circuit, int k, boolean zeroKnowledge) {
    ModelCircuit.ProvenLayer p = circuit.layers().get(k);
    String name = p.layer().name();
    io.zkaudit.layers.WindowedLinear l =
        switch (p) {
          case ModelCircuit.LinearLayer ll -> ll.linear();
          case ModelCircuit.AddLayer a -> throw new UnsupportedLayerException(NotOnChain.ADD, name);
          case ModelCircuit.ProductLayer m ->
              throw new UnsupportedLayerException(NotOnChain.PRODUCT, name);
          case ModelCircuit.RequantizeLayer q ->
              throw new UnsupportedLayerException(NotOnChain.REQUANTIZE, name);
        };
    io.zkaudit.inference.WeightLayout weights = io.zkaudit.inference.WeightLayout.of(circuit);
    List<BigInteger> w = new ArrayList<>();
    w.add(BigInteger.valueOf(k));
    w.add(BigInteger.valueOf(l.kind().ordinal()));
    for (io.zkaudit.layers.TensorLayout t : List.of(l.in(), l.out())) {
      for (int v :
          new int[] {t.height(), t.width(), t.channels(), t.hBits(), t.wBits(), t.cBits()}) {
        w.add(BigInteger.valueOf(v));
      }
    }
    for (io.zkaudit.layers.WindowPredicate win : List.of(l.rows(), l.cols())) {
      for (int v :
          new int[] {
            win.kernel(),
            win.stride(),
            win.pad(),
            win.outBits(),
            win.tapBits(),
            win.inBits(),
            win.inSize()
          }) {
        w.add(BigInteger.valueOf(v));
      }
    }
    w.add(signed(l.inputZeroPoint()));
    boolean sum = l.kind() == io.zkaudit.layers.WindowedLinear.Kind.SUM;
    addRoute(w, l.hasBias() ? route(circuit, weights, l.bias()) : new int[2]);
    addRoute(w, sum ? new int[2] : route(circuit, weights, l.weights()));
    addRoute(w, route(circuit, weights, l.input()));
    int zps = sum ? 0 : l.out().channels();
    w.add(BigInteger.valueOf(zps));
    for (int c = 0; c < zps; c++) {
      w.add(signed(l.weightZeroPoint(c)));
    }
    if (zeroKnowledge) {
      w.add(BigInteger.valueOf(firstMaskBlock(circuit, k)));
    }
    return w;
  }

  /**
   * The first block of the mask column proven layer k takes in a zero-knowledge proof about a
   * public input (its padding scalars, then its sumchecks' masks, {@code MaskSchedule}): after the
   * lookups' GKR masks and every earlier layer's. Fixed by the model, so it is a plan word.
   */
  public static int firstMaskBlock(ModelCircuit circuit, int k) {
    io.zkaudit.lookup.LookupStatement st =
        io.zkaudit.inference.InferenceStatement.lookups(circuit, false).withBlinding();
    List<io.zkaudit.inference.MaskSchedule.Entry> entries =
        io.zkaudit.inference.MaskSchedule.of(circuit, st).entries();
    int at = io.zkaudit.lookup.LogUpLayout.maxVars(io.zkaudit.lookup.LogUpLayout.trees(st));
    int block = 0;
    for (int e = 0; e < at; e++) {
      block += entries.get(e).blocks();
    }
    for (int j = 0; j < k; j++) {
      int n =
          switch (circuit.layers().get(j)) {
            case ModelCircuit.AddLayer a -> a.isConstant(0) || a.isConstant(1) ? 1 : 0;
            case ModelCircuit.ProductLayer m -> 2;
            case ModelCircuit.LinearLayer l ->
                l.linear().kind() == io.zkaudit.layers.WindowedLinear.Kind.SUM ? 2 : 3;
            case ModelCircuit.RequantizeLayer q -> 0;
          };
      for (int e = 0; e < n; e++) {
        block += entries.get(at++).blocks();
      }
    }
    return block;
  }

  /** The item kind of a layer's combined mask claim (LinearLayerStep.sol's MASK_CLAIM). */
  public static final int MASK_CLAIM = 11;

  /**
   * h' = keccak(h, MASK_CLAIM, k, parts, |point|, the mask values' points, |values|, values): the
   * values per mask value its first block and weight, then the padding scalars' block and weights,
   * then the claimed value (MaskLedger's entry, as the contract chains it).
   */
  public static byte[] maskItemHash(byte[] h, int k, io.zkaudit.zk.MaskLedger.Entry e) {
    List<Ext2> point = new ArrayList<>();
    List<Ext2> values = new ArrayList<>();
    int parts = 0;
    for (io.zkaudit.zk.MaskLedger.Part part : e.parts()) {
      switch (part) {
        case io.zkaudit.zk.MaskLedger.MaskValue m -> {
          parts++;
          point.addAll(List.of(m.point()));
          values.add(Ext2.of(m.first()));
          values.add(m.weight());
        }
        case io.zkaudit.zk.MaskLedger.Scalars sc -> {
          values.add(Ext2.of(sc.block()));
          values.add(sc.w1());
          values.add(sc.w2());
        }
      }
    }
    values.add(e.value());
    return LogUpEncoding.itemHash(
        h, MASK_CLAIM, k, parts, point.toArray(Ext2[]::new), values.toArray(Ext2[]::new));
  }

  /**
   * The keccak chain a zero-knowledge layer's reduction step outputs, from keccak(plan): the
   * layer's claims in Java's order, each an item of its destination's kind and column (taken in
   * order from Java's {@code witness} and {@code weight} lists by the destinations the plan gives),
   * then its mask claims. A convolution or depthwise layer: weights, bias (if any), input; a sum:
   * its input; an ADD with a constant side: the other side's rescaled column at sigma, the addend's
   * shadow, the activation side's input and rescaled column at its rescale row.
   */
  public static byte[] zkClaimsHash(
      List<BigInteger> plan,
      List<ColumnClaim> witness,
      List<ColumnClaim> weight,
      List<io.zkaudit.zk.MaskLedger.Entry> masks) {
    List<int[]> routes = new ArrayList<>();
    if (plan.get(1).intValueExact() == 3) {
      if (plan.size() == 15) {
        return addClaimsHash(plan, witness, weight);
      }
      int side = plan.get(3).signum() != 0 ? 1 : 0;
      int at = 3 + 6 * side;
      routes.add(new int[] {TO_WITNESS, plan.get(4 + 6 * side).intValueExact()});
      routes.add(new int[] {TO_WEIGHT, plan.get(4 + 6 * (1 - side)).intValueExact()});
      routes.add(new int[] {plan.get(at + 4).intValueExact(), plan.get(at + 5).intValueExact()});
      routes.add(new int[] {TO_WITNESS, plan.get(at + 1).intValueExact()});
    } else {
      for (int j : new int[] {31, 29, 33}) {
        if (plan.get(j).signum() != 0) {
          routes.add(new int[] {plan.get(j).intValueExact(), plan.get(j + 1).intValueExact()});
        }
      }
    }
    byte[] h = planHash(plan);
    int wi = 0;
    int gi = 0;
    for (int[] r : routes) {
      ColumnClaim c = r[0] == TO_WEIGHT ? weight.get(gi++) : witness.get(wi++);
      if (c.column() != r[1]) {
        throw new IllegalArgumentException(
            "a claim on column " + c.column() + " where the plan routes to " + r[1]);
      }
      h = LogUpEncoding.itemHash(h, r[0], r[1], 0, c.point(), new Ext2[] {c.value()});
    }
    if (wi != witness.size() || gi != weight.size()) {
      throw new IllegalArgumentException("the layer's claims are not the plan's");
    }
    int k = plan.get(0).intValueExact();
    for (io.zkaudit.zk.MaskLedger.Entry e : masks) {
      h = maskItemHash(h, k, e);
    }
    return h;
  }

  /**
   * Proven layer k's reduction plan when it is a quantized ADD, for LinearLayerStep.sol's {@code
   * add} (and {@code addZk}: with zero knowledge and a constant side, a 16th word, the constant
   * addend's first mask block): k, kind 3, the output's channel bits, then per side: constant (1)
   * or not, its column (a constant's weight column, an activation's rescaled column), its rescale
   * tag, its rescale row's group in the rounding lookup (after the layers' rows, one per activation
   * side in layer order, as ProofReduction's nextRescaleRow), and where the claim on its input goes
   * (kind, column; 0, 0 for a constant).
   */
  public static List<BigInteger> addPlan(ModelCircuit circuit, int k, boolean zeroKnowledge) {
    ModelCircuit.ProvenLayer p = circuit.layers().get(k);
    if (!(p instanceof ModelCircuit.AddLayer a)) {
      throw new IllegalArgumentException("layer " + k + " is not an ADD");
    }
    int group = circuit.layers().size();
    for (int j = 0; j < k; j++) {
      if (circuit.layers().get(j) instanceof ModelCircuit.AddLayer b) {
        group += (b.isConstant(0) ? 0 : 1) + (b.isConstant(1) ? 0 : 1);
      }
    }
    io.zkaudit.inference.WeightLayout weights = io.zkaudit.inference.WeightLayout.of(circuit);
    List<BigInteger> w = new ArrayList<>();
    w.add(BigInteger.valueOf(k));
    w.add(BigInteger.valueOf(3));
    w.add(BigInteger.valueOf(a.outLayout().cBits()));
    for (int side = 0; side < 2; side++) {
      if (a.isConstant(side)) {
        w.add(BigInteger.ONE);
        w.add(BigInteger.valueOf(weights.columnOf(a.input(side))));
        for (int i = 0; i < 4; i++) {
          w.add(BigInteger.ZERO);
        }
      } else {
        w.add(BigInteger.ZERO);
        w.add(BigInteger.valueOf(a.sColumn(side)));
        w.add(BigInteger.valueOf(a.tag(side)));
        w.add(BigInteger.valueOf(group++));
        addRoute(w, route(circuit, weights, a.input(side)));
      }
    }
    if (zeroKnowledge && (a.isConstant(0) || a.isConstant(1))) {
      // The constant addend's masked sumcheck (ConstantAddend): its first mask block.
      w.add(BigInteger.valueOf(firstMaskBlock(circuit, k)));
    }
    return w;
  }

  /** Proven layer k's reduction plan: {@link #linearPlan} or {@link #addPlan}, else refused. */
  public static List<BigInteger> reductionPlan(ModelCircuit circuit, int k, boolean zeroKnowledge) {
    return circuit.layers().get(k) instanceof ModelCircuit.AddLayer
        ? addPlan(circuit, k, zeroKnowledge)
        : linearPlan(circuit, k, zeroKnowledge);
  }

  /**
   * The keccak chain an ADD step outputs, from keccak(plan): per side, a constant's weight claim,
   * or an activation's claims (its rescaled column at rho, its input at the rescale row's point,
   * its rescaled column there): Java's witness and weight claims of the layer, interleaved by the
   * plan's sides.
   */
  public static byte[] addClaimsHash(
      List<BigInteger> plan, List<ColumnClaim> witness, List<ColumnClaim> weight) {
    byte[] h = planHash(plan);
    int wi = 0;
    int gi = 0;
    for (int side = 0; side < 2; side++) {
      int at = 3 + 6 * side;
      if (plan.get(at).signum() != 0) {
        ColumnClaim c = weight.get(gi++);
        h = LogUpEncoding.itemHash(h, TO_WEIGHT, c.column(), 0, c.point(), new Ext2[] {c.value()});
        continue;
      }
      for (int i = 0; i < 3; i++) {
        ColumnClaim c = witness.get(wi++);
        h = LogUpEncoding.itemHash(h, TO_WITNESS, c.column(), 0, c.point(), new Ext2[] {c.value()});
      }
    }
    if (wi != witness.size() || gi != weight.size()) {
      throw new IllegalArgumentException("the ADD's claims are not the plan's");
    }
    return h;
  }

  /**
   * Where ProofReduction's Claims.tensor puts a claim on {@code tensor} in a plain single-sample
   * proof about a public input: the input column, a weight column, or the tensor's own column.
   */
  private static int[] route(
      ModelCircuit circuit, io.zkaudit.inference.WeightLayout weights, int tensor) {
    int t = circuit.resolve(tensor);
    if (t == circuit.outputTensor()) {
      throw new IllegalArgumentException("a linear layer reads the model's output");
    }
    if (t == circuit.inputTensor()) {
      return new int[] {TO_WITNESS, io.zkaudit.inference.InferenceStatement.inputColumn(circuit)};
    }
    int column = weights.columnOf(t);
    if (column >= 0) {
      return new int[] {TO_WEIGHT, column};
    }
    return new int[] {TO_WITNESS, circuit.outColumn(t)};
  }

  private static void addRoute(List<BigInteger> w, int[] route) {
    w.add(BigInteger.valueOf(route[0]));
    w.add(BigInteger.valueOf(route[1]));
  }

  /** A signed value as a 256-bit two's-complement word. */
  public static BigInteger signed(long v) {
    return BigInteger.valueOf(v).mod(BigInteger.ONE.shiftLeft(256));
  }

  /**
   * The keccak chain a linear step outputs: from keccak(plan), the layer's claims in Java's order
   * (bias, weights, input), each an item of its destination's kind and column.
   */
  public static byte[] linearClaimsHash(
      List<BigInteger> plan, List<io.zkaudit.layers.TensorClaim> claims) {
    List<int[]> routes = new ArrayList<>();
    for (int j = 29; j < 35; j += 2) {
      if (plan.get(j).signum() != 0) {
        routes.add(new int[] {plan.get(j).intValueExact(), plan.get(j + 1).intValueExact()});
      }
    }
    if (routes.size() != claims.size()) {
      throw new IllegalArgumentException(
          "the plan routes " + routes.size() + " claims, the layer made " + claims.size());
    }
    byte[] h = planHash(plan);
    for (int i = 0; i < claims.size(); i++) {
      io.zkaudit.layers.TensorClaim c = claims.get(i);
      h =
          LogUpEncoding.itemHash(
              h, routes.get(i)[0], routes.get(i)[1], 0, c.point(), new Ext2[] {c.value()});
    }
    return h;
  }

  /**
   * A rounding's claims as the items whose chain (from keccak(plan)) is {@link
   * #roundingClaimsHash}: what the linear step opens its accumulator from.
   */
  public static byte[] roundingItems(
      List<BigInteger> plan, List<ColumnClaim> claims, Ext2 accumulator) {
    int n = claims.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      ColumnClaim c = claims.get(i);
      out.writeBytes(item(8, c.column(), c.point(), c.value()));
      if (i == n - 3) {
        out.writeBytes(item(9, plan.get(0).intValueExact(), c.point(), accumulator));
      }
    }
    return out.toByteArray();
  }

  private static byte[] item(int kind, int a, Ext2[] point, Ext2 value) {
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

  /**
   * Proven layer k's entry in the session's plan hashes: keccak(keccak(rounding plan), keccak(its
   * reduction plan)), the reduction's keccak being zero for a layer whose reduction is not on chain
   * yet.
   */
  public static byte[] layerPlanHash(ModelCircuit circuit, int k, boolean zeroKnowledge) {
    byte[] reduction;
    try {
      reduction = planHash(reductionPlan(circuit, k, zeroKnowledge));
    } catch (UnsupportedLayerException e) {
      reduction = new byte[32];
    }
    return Hash.sha3(concat(planHash(roundingPlan(circuit, k)), reduction));
  }

  /** Every proven layer's {@link #layerPlanHash}. */
  public static List<byte[]> layerPlanHashes(ModelCircuit circuit, boolean zeroKnowledge) {
    List<byte[]> out = new ArrayList<>();
    for (int k = 0; k < circuit.layers().size(); k++) {
      out.add(layerPlanHash(circuit, k, zeroKnowledge));
    }
    return out;
  }

  /**
   * keccak of the layer plan hashes: what the session's {@code layerPlans} holds and the registry
   * records per model ({@code ModelRegistry.verifierPlansOf}).
   */
  public static byte[] layerPlans(List<byte[]> planHashes) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    planHashes.forEach(all::writeBytes);
    return Hash.sha3(all.toByteArray());
  }

  /**
   * The hash a model's registry record holds for the on-chain verifier ({@code
   * ModelRegistry.verifierPlansOf}) and a session computes ({@code ProofSession.sessionPlans}):
   * keccak(keccak(statement plan), keccak(lookup plan), {@link #layerPlans}).
   */
  public static byte[] verifierPlans(
      List<BigInteger> statementPlan, List<BigInteger> lookupPlan, List<byte[]> layerPlanHashes) {
    byte[] out = new byte[96];
    System.arraycopy(planHash(statementPlan), 0, out, 0, 32);
    System.arraycopy(planHash(lookupPlan), 0, out, 32, 32);
    System.arraycopy(layerPlans(layerPlanHashes), 0, out, 64, 32);
    return Hash.sha3(out);
  }

  /**
   * Layer k's rounding row then its range pair, the items {@code rowHashes(items).get(k)} hashes.
   */
  public static byte[] rowItems(byte[] lookupItems, int k) {
    int[] row = null;
    int[] pair = null;
    for (int[] item : items(lookupItems)) {
      if (wordLong(lookupItems, item[0] + 64) != k) {
        continue;
      }
      if (isRow(lookupItems, item)) {
        row = item;
      } else if (isPair(lookupItems, item)) {
        pair = item;
      }
    }
    if (row == null || pair == null) {
      throw new IllegalArgumentException(
          "the lookups have no rounding row and pair for layer " + k);
    }
    return concat(slice(lookupItems, row), slice(lookupItems, pair));
  }

  /**
   * What the session stores after its first layer step: keccak(lookups' claims hash, keccak of the
   * row hashes).
   */
  public static byte[] layerClaims(byte[] lookupsHash, List<byte[]> rowHashes) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    rowHashes.forEach(all::writeBytes);
    return Hash.sha3(concat(lookupsHash, Hash.sha3(all.toByteArray())));
  }

  /** The items' (offset, size) in bytes; the items must be whole. */
  private static List<int[]> items(byte[] b) {
    List<int[]> out = new ArrayList<>();
    int at = 0;
    while (at < b.length) {
      int n = (int) wordLong(b, at + 96);
      int m = (int) wordLong(b, at + 32 * (4 + n));
      int size = 32 * (5 + n + m);
      out.add(new int[] {at, size});
      at += size;
    }
    return out;
  }

  private static boolean isRow(byte[] b, int[] item) {
    int n = (int) wordLong(b, item[0] + 96);
    return wordLong(b, item[0]) == 2
        && wordLong(b, item[0] + 32) == 0
        && wordLong(b, item[0] + 32 * (4 + n)) == 4;
  }

  private static boolean isPair(byte[] b, int[] item) {
    int n = (int) wordLong(b, item[0] + 96);
    return wordLong(b, item[0]) == 2
        && wordLong(b, item[0] + 32) == 1
        && n > 0
        && wordLong(b, item[0] + 32 * (4 + n)) == 1;
  }

  /** A word as a long, or -1 past 2^63 (a deferred table's digest in the place of an index). */
  private static long wordLong(byte[] b, int at) {
    BigInteger w = new BigInteger(1, java.util.Arrays.copyOfRange(b, at, at + 32));
    return w.bitLength() < 63 ? w.longValue() : -1;
  }

  private static byte[] slice(byte[] b, int[] item) {
    return java.util.Arrays.copyOfRange(b, item[0], item[0] + item[1]);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  public static byte[] planHash(List<BigInteger> plan) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BigInteger w : plan) {
      out.writeBytes(LogUpEncoding.word(w));
    }
    return Hash.sha3(out.toByteArray());
  }

  /**
   * The lookups' claims as the items whose chain is {@link LogUpEncoding#claimsHash}: the same
   * words in one byte string.
   */
  public static byte[] lookupItems(
      io.zkaudit.lookup.LookupStatement st,
      io.zkaudit.lookup.LookupClaims claims,
      List<LogUpEncoding.MaskValue> masks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogUpEncoding.claimsHash(st, claims, masks, out);
    return out.toByteArray();
  }
}

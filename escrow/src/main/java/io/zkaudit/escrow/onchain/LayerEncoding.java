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

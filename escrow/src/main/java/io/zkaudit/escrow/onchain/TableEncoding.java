package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.quant.StepTable;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * The table plan RoundingTables.sol reads: a model's rounding table ({@link
 * InferenceStatement#table}, columns tag, out, low, high; 2^16 rows for the MNIST CNN, 2^18 for
 * ResNet-8) in a form a contract expands row by row, so that it evaluates the columns' multilinear
 * extensions at the lookups' table point itself instead of trusting the relayer's deferred values.
 *
 * <p>Why not a closed form in the row index: the table is not a function of x indexed by x. Its
 * rows are the intervals of a step table ({@link StepTable}): per layer and channel, 64 rows of the
 * clamped low end (each 2^16 wide), one row per output level whose [low, high) is the level set of
 * the rounding map (its thresholds, a rounded linear function of the level with double rounding),
 * then 64 rows of the high end; then per ADD operand 256 rows (tag, x, rescale(x), 0). The tag and
 * out columns are sums of a few steps and ramps, but the low and high columns hold a threshold per
 * row, so any exact evaluation reads one number per level; the plan carries those as 32-bit
 * entries, the contract expands them.
 *
 * <p>Words (one uint256 each): table variables, lookup index, width (4), segment count, then per
 * segment:
 *
 * <ul>
 *   <li>{@link #STEP}: tag, first level k0, first low (both signed, two's complement), entry count
 *       n, then ceil(n / 8) words of 32-bit entries (entry j at bits 32j..32j+31): the level's
 *       increment over the previous level (8 high bits; 0 for the first entry and for the
 *       continuation of a level wider than 2^24) and its width (24 low bits, at least 1). A level
 *       [L, L + w) is rows (tag, k, s, min(s + 2^16, L + w)) for s = L, L + 2^16, ...; the next
 *       level starts at L + w, as {@link StepTable#covering} makes them.
 *   <li>{@link #RAMP}: tag, out0, low0, high (signed), row count n, then ceil(n / 8) words of
 *       signed 32-bit increments d_i (d_0 = 0): row i is (tag, out0 + i, low0 + d_0 + ... + d_i,
 *       high), as an ADD operand's rescale rows are.
 *   <li>{@link #LITERAL}: row count n, then n rows of four canonical field elements: any other row.
 * </ul>
 *
 * Then the last row is repeated up to 2^variables rows, as {@link
 * io.zkaudit.lookup.LookupTable#ofColumns} pads. The plan is public, derived from the model's
 * description (it is the circuit's table); its keccak joins the session's plans and the model's
 * {@code ModelRegistry.verifierPlansOf} ({@link #verifierPlans}).
 */
public final class TableEncoding {
  private TableEncoding() {}

  public static final int STEP = 1;
  public static final int RAMP = 2;
  public static final int LITERAL = 3;

  /** Rows of a step table's chunk at most (StepTable.MAX_WIDTH). */
  static final long CHUNK = StepTable.MAX_WIDTH;

  private static final long MAX_ENTRY_WIDTH = (1L << 24) - 1;

  /** The table plan of a circuit's rounding table (lookup 0). */
  public static List<BigInteger> plan(ModelCircuit circuit) {
    var table = InferenceStatement.table(circuit);
    return plan(circuit.tableRows(), table.numVars(), 0);
  }

  /** The plan of the table whose real rows (tag, out, low, high as field elements) are given. */
  public static List<BigInteger> plan(List<long[]> rows, int numVars, int lookup) {
    if (rows.isEmpty() || rows.size() > 1L << numVars) {
      throw new IllegalArgumentException(rows.size() + " rows for a table of 2^" + numVars);
    }
    List<BigInteger> w = new ArrayList<>();
    add(w, numVars);
    add(w, lookup);
    add(w, 4);
    add(w, 0); // segment count, set below
    int segments = 0;
    int start = 0;
    while (start < rows.size()) {
      int end = start + 1;
      while (end < rows.size() && rows.get(end)[0] == rows.get(start)[0]) {
        end++;
      }
      List<long[]> run = rows.subList(start, end);
      if (!step(w, run) && !ramp(w, run)) {
        literal(w, run);
      }
      segments++;
      start = end;
    }
    w.set(3, BigInteger.valueOf(segments));
    return w;
  }

  /** A run of rows as a step table's levels, if it is one; false (nothing written) if not. */
  private static boolean step(List<BigInteger> w, List<long[]> run) {
    long tag = run.getFirst()[0];
    List<Long> entries = new ArrayList<>();
    long prevK = Goldilocks.toSigned(run.getFirst()[1]);
    long first = Goldilocks.toSigned(run.getFirst()[2]);
    long low = first;
    int r = 0;
    while (r < run.size()) {
      long k = Goldilocks.toSigned(run.get(r)[1]);
      long dk = k - prevK;
      if (dk < 0 || dk > 255 || (r > 0 && dk == 0)) {
        return false;
      }
      // One level: chunks of CHUNK from its low end, the last one possibly shorter.
      long levelLow = low;
      while (r < run.size() && Goldilocks.toSigned(run.get(r)[1]) == k) {
        long[] row = run.get(r);
        long lo = Goldilocks.toSigned(row[2]);
        long hi = Goldilocks.toSigned(row[3]);
        if (row[0] != tag || lo != low || hi <= lo || hi - lo > CHUNK) {
          return false;
        }
        boolean last = r + 1 == run.size() || Goldilocks.toSigned(run.get(r + 1)[1]) != k;
        if (!last && hi - lo != CHUNK) {
          return false;
        }
        low = hi;
        r++;
      }
      long width = low - levelLow;
      // A level wider than 24 bits continues in entries of whole chunks (increment 0).
      long maxPart = MAX_ENTRY_WIDTH / CHUNK * CHUNK;
      while (width > MAX_ENTRY_WIDTH) {
        entries.add((dk << 24) | maxPart);
        width -= maxPart;
        dk = 0;
      }
      entries.add((dk << 24) | width);
      prevK = k;
    }
    add(w, STEP);
    add(w, tag);
    addSigned(w, Goldilocks.toSigned(run.getFirst()[1]));
    addSigned(w, first);
    add(w, entries.size());
    pack(w, entries);
    return true;
  }

  /** A run of rows (tag, out0 + i, low_i, high) with 32-bit increments of low, if it is one. */
  private static boolean ramp(List<BigInteger> w, List<long[]> run) {
    long tag = run.getFirst()[0];
    long out0 = Goldilocks.toSigned(run.getFirst()[1]);
    long high = run.getFirst()[3];
    List<Long> entries = new ArrayList<>();
    long prev = Goldilocks.toSigned(run.getFirst()[2]);
    for (int i = 0; i < run.size(); i++) {
      long[] row = run.get(i);
      long low = Goldilocks.toSigned(row[2]);
      long d = low - prev;
      if (row[0] != tag
          || Goldilocks.toSigned(row[1]) != out0 + i
          || row[3] != high
          || d < Integer.MIN_VALUE
          || d > Integer.MAX_VALUE) {
        return false;
      }
      entries.add(d & 0xFFFF_FFFFL);
      prev = low;
    }
    add(w, RAMP);
    add(w, tag);
    addSigned(w, out0);
    addSigned(w, Goldilocks.toSigned(run.getFirst()[2]));
    addSigned(w, Goldilocks.toSigned(high));
    add(w, run.size());
    pack(w, entries);
    return true;
  }

  private static void literal(List<BigInteger> w, List<long[]> run) {
    add(w, LITERAL);
    add(w, run.size());
    for (long[] row : run) {
      for (long v : row) {
        w.add(new BigInteger(Long.toUnsignedString(v)));
      }
    }
  }

  /** 32-bit entries, eight a word, entry j of a word at bits 32j. */
  private static void pack(List<BigInteger> w, List<Long> entries) {
    for (int i = 0; i < entries.size(); i += 8) {
      BigInteger word = BigInteger.ZERO;
      for (int j = 0; j < 8 && i + j < entries.size(); j++) {
        word = word.or(BigInteger.valueOf(entries.get(i + j)).shiftLeft(32 * j));
      }
      w.add(word);
    }
  }

  /** Every row the plan describes, padded to 2^variables: what the contract expands. */
  public static List<long[]> rows(List<BigInteger> plan) {
    List<long[]> rows = new ArrayList<>();
    expand(plan, rows::add);
    return rows;
  }

  /**
   * The multilinear extension of each of the plan's four columns at {@code point} (one coordinate
   * per table variable, low variable first), computed as the contract does: the rows expanded in
   * order, each value times eq of its low half of the index (a table of 2^ceil(v/2) entries),
   * summed per block of equal high half and the block's sum times eq of the high half. Independent
   * of {@link io.zkaudit.lookup.TableColumn#evaluate}: it never holds the columns.
   */
  public static Ext2[] evaluate(List<BigInteger> plan, Ext2[] point) {
    int vars = plan.get(0).intValueExact();
    if (point.length != vars) {
      throw new IllegalArgumentException(point.length + " coordinates for 2^" + vars + " rows");
    }
    int lowBits = (vars + 1) / 2;
    Ext2[] eqLo = eq(Arrays.copyOfRange(point, 0, lowBits));
    Ext2[] eqHi = eq(Arrays.copyOfRange(point, lowBits, vars));
    Ext2[] block = {Ext2.ZERO, Ext2.ZERO, Ext2.ZERO, Ext2.ZERO};
    Ext2[] sum = {Ext2.ZERO, Ext2.ZERO, Ext2.ZERO, Ext2.ZERO};
    int mask = (1 << lowBits) - 1;
    int[] index = {0};
    expand(
        plan,
        row -> {
          int r = index[0]++;
          Ext2 e = eqLo[r & mask];
          for (int c = 0; c < 4; c++) {
            block[c] = block[c].add(e.mul(row[c]));
          }
          if ((r & mask) == mask) {
            for (int c = 0; c < 4; c++) {
              sum[c] = sum[c].add(block[c].mul(eqHi[r >>> lowBits]));
              block[c] = Ext2.ZERO;
            }
          }
        });
    return sum;
  }

  /** eq(x, r) for every x of r.length bits, x's bit j against r[j]. */
  static Ext2[] eq(Ext2[] r) {
    Ext2[] t = {Ext2.ONE};
    for (int j = 0; j < r.length; j++) {
      Ext2[] next = new Ext2[t.length * 2];
      for (int x = 0; x < t.length; x++) {
        next[x + t.length] = t[x].mul(r[j]);
        next[x] = t[x].sub(next[x + t.length]);
      }
      t = next;
    }
    return t;
  }

  private static void expand(List<BigInteger> plan, java.util.function.Consumer<long[]> out) {
    int vars = plan.get(0).intValueExact();
    if (plan.get(2).intValueExact() != 4) {
      throw new IllegalArgumentException("a table plan has four columns");
    }
    int segments = plan.get(3).intValueExact();
    int at = 4;
    long count = 0;
    long[] last = null;
    for (int s = 0; s < segments; s++) {
      int kind = plan.get(at++).intValueExact();
      switch (kind) {
        case STEP -> {
          long tag = plan.get(at++).longValueExact();
          long k = signed(plan.get(at++));
          long low = signed(plan.get(at++));
          int n = plan.get(at++).intValueExact();
          for (int e = 0; e < n; e++) {
            long entry = plan.get(at + e / 8).shiftRight(32 * (e % 8)).longValue() & 0xFFFF_FFFFL;
            k += entry >>> 24;
            long end = low + (entry & 0xFF_FFFF);
            for (long x = low; x < end; x += CHUNK) {
              last =
                  new long[] {
                    tag,
                    Goldilocks.fromSigned(k),
                    Goldilocks.fromSigned(x),
                    Goldilocks.fromSigned(Math.min(end, x + CHUNK))
                  };
              out.accept(last);
              count++;
            }
            low = end;
          }
          at += (n + 7) / 8;
        }
        case RAMP -> {
          long tag = plan.get(at++).longValueExact();
          long out0 = signed(plan.get(at++));
          long low = signed(plan.get(at++));
          long high = signed(plan.get(at++));
          int n = plan.get(at++).intValueExact();
          for (int i = 0; i < n; i++) {
            low += (int) plan.get(at + i / 8).shiftRight(32 * (i % 8)).longValue();
            last =
                new long[] {
                  tag,
                  Goldilocks.fromSigned(out0 + i),
                  Goldilocks.fromSigned(low),
                  Goldilocks.fromSigned(high)
                };
            out.accept(last);
            count++;
          }
          at += (n + 7) / 8;
        }
        case LITERAL -> {
          int n = plan.get(at++).intValueExact();
          for (int i = 0; i < n; i++) {
            last = new long[4];
            for (int c = 0; c < 4; c++) {
              last[c] = plan.get(at++).longValue();
            }
            out.accept(last);
            count++;
          }
        }
        default -> throw new IllegalArgumentException("segment kind " + kind);
      }
    }
    if (at != plan.size() || last == null || count > 1L << vars) {
      throw new IllegalArgumentException("malformed table plan");
    }
    for (; count < 1L << vars; count++) {
      out.accept(last);
    }
  }

  /**
   * The plan's hash, as RoundingTables.sol chains it: h = keccak(header's four words), then h =
   * keccak(h, segment's words) per segment, so that it does not depend on how the segments are
   * split over transactions. What the session folds into its plans.
   */
  public static byte[] planHash(List<BigInteger> plan) {
    byte[] h = Hash.sha3(words(plan.subList(0, 4)));
    for (List<BigInteger> segment : segments(plan)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(h);
      out.writeBytes(words(segment));
      h = Hash.sha3(out.toByteArray());
    }
    return h;
  }

  /** The plan's segments, each its words (kind first). */
  public static List<List<BigInteger>> segments(List<BigInteger> plan) {
    List<List<BigInteger>> out = new ArrayList<>();
    int at = 4;
    for (int s = 0; s < plan.get(3).intValueExact(); s++) {
      int size =
          switch (plan.get(at).intValueExact()) {
            case STEP -> 5 + (plan.get(at + 4).intValueExact() + 7) / 8;
            case RAMP -> 6 + (plan.get(at + 5).intValueExact() + 7) / 8;
            case LITERAL -> 2 + 4 * plan.get(at + 1).intValueExact();
            default -> throw new IllegalArgumentException("segment kind " + plan.get(at));
          };
      out.add(List.copyOf(plan.subList(at, at + size)));
      at += size;
    }
    return out;
  }

  /** How many rows a segment expands to (the contract's work is about proportional to it). */
  public static long rowsOf(List<BigInteger> segment) {
    switch (segment.getFirst().intValueExact()) {
      case STEP -> {
        long rows = 0;
        int n = segment.get(4).intValueExact();
        for (int e = 0; e < n; e++) {
          long entry = segment.get(5 + e / 8).shiftRight(32 * (e % 8)).longValue() & 0xFFFF_FFFFL;
          rows += ((entry & 0xFF_FFFF) + CHUNK - 1) / CHUNK;
        }
        return rows;
      }
      case RAMP -> {
        return segment.get(5).longValueExact();
      }
      default -> {
        return segment.get(1).longValueExact();
      }
    }
  }

  /**
   * The deferred table values among a step's items ({@link LogUpEncoding#claimsHash}'s format:
   * kind, a, b, |point|, point, |values|, values, one word each): the kind-6 items, in order, as
   * {@code finish} chains them into {@code deferredTables} and {@code ProofSession.tables} reads
   * them.
   */
  public static byte[] deferredItems(byte[] items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < items.length) {
      int n = new BigInteger(1, Arrays.copyOfRange(items, at + 96, at + 128)).intValueExact();
      int m =
          new BigInteger(1, Arrays.copyOfRange(items, at + 32 * (4 + n), at + 32 * (5 + n)))
              .intValueExact();
      int size = 32 * (5 + n + m);
      if (new BigInteger(1, Arrays.copyOfRange(items, at, at + 32)).intValueExact() == 6) {
        out.write(items, at, size);
      }
      at += size;
    }
    return out.toByteArray();
  }

  /** The point of deferred items (the first item's; {@code tables} requires them equal). */
  public static Ext2[] pointOf(byte[] deferred) {
    int n = new BigInteger(1, Arrays.copyOfRange(deferred, 96, 128)).intValueExact();
    Ext2[] point = new Ext2[n];
    for (int j = 0; j < n; j++) {
      point[j] = unpacked(Arrays.copyOfRange(deferred, 128 + 32 * j, 160 + 32 * j));
    }
    return point;
  }

  private static Ext2 unpacked(byte[] word) {
    BigInteger w = new BigInteger(1, word);
    return new Ext2(w.longValue(), w.shiftRight(64).longValue());
  }

  /**
   * The registry's hash of a model's verifier plans once the session has checked its tables: {@link
   * FinishEncoding#verifierPlans} with the table plan's hash folded into the layer plans, as {@code
   * ProofSession.tables} folds it into the session's {@code layerPlans}.
   */
  public static byte[] verifierPlans(
      List<BigInteger> statementPlan,
      List<BigInteger> lookupPlan,
      List<byte[]> layerPlanHashes,
      List<BigInteger> finishPlan,
      List<BigInteger> tablePlan) {
    byte[] layers = new byte[64];
    System.arraycopy(
        FinishEncoding.finishedLayerPlans(layerPlanHashes, finishPlan), 0, layers, 0, 32);
    System.arraycopy(planHash(tablePlan), 0, layers, 32, 32);
    byte[] out = new byte[96];
    System.arraycopy(LayerEncoding.planHash(statementPlan), 0, out, 0, 32);
    System.arraycopy(LayerEncoding.planHash(lookupPlan), 0, out, 32, 32);
    System.arraycopy(Hash.sha3(layers), 0, out, 64, 32);
    return Hash.sha3(out);
  }

  /** Words as 32 bytes each, big endian (abi.encodePacked of uint256 values). */
  static byte[] words(List<BigInteger> words) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BigInteger v : words) {
      out.writeBytes(LogUpEncoding.word(v));
    }
    return out.toByteArray();
  }

  /** An extension element as the contracts pack it: c0 + 2^64 c1. */
  public static BigInteger packed(Ext2 e) {
    return new BigInteger(Long.toUnsignedString(e.c1()))
        .shiftLeft(64)
        .or(new BigInteger(Long.toUnsignedString(e.c0())));
  }

  /** keccak(abi.encode("zkaudit/table/v1", planHash, pointHash, values)): RoundingTables' fact. */
  public static byte[] tableFact(byte[] planHash, Ext2[] point, Ext2[] values) {
    List<BigInteger> coords = new ArrayList<>();
    for (Ext2 r : point) {
      coords.add(packed(r));
    }
    byte[] pointHash = Hash.sha3(words(coords));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // abi.encode(string, bytes32, bytes32, uint256[4]): the string's offset, then the head words.
    out.writeBytes(LogUpEncoding.word(BigInteger.valueOf(32 * 7)));
    out.writeBytes(planHash);
    out.writeBytes(pointHash);
    for (Ext2 v : values) {
      out.writeBytes(LogUpEncoding.word(packed(v)));
    }
    byte[] tag = "zkaudit/table/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(LogUpEncoding.word(BigInteger.valueOf(tag.length)));
    out.writeBytes(Arrays.copyOf(tag, 32));
    return Hash.sha3(out.toByteArray());
  }

  /** A two's complement word as a long (the plan's signed values are at most 2^40 or so). */
  private static long signed(BigInteger word) {
    return (word.testBit(255) ? word.subtract(BigInteger.ONE.shiftLeft(256)) : word)
        .longValueExact();
  }

  private static void add(List<BigInteger> w, long v) {
    w.add(BigInteger.valueOf(v));
  }

  /** A signed value as a two's complement word (what Solidity's int256 reads). */
  private static void addSigned(List<BigInteger> w, long v) {
    BigInteger b = BigInteger.valueOf(v);
    w.add(v < 0 ? b.add(BigInteger.ONE.shiftLeft(256)) : b);
  }
}

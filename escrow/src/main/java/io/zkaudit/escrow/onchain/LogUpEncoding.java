package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.TableColumn;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * What LogUpVerifier.sol reads besides the proof (whose bytes are Java's own {@code
 * LogUpProof.encode()}), and what it outputs, computed from the Java verifier's objects.
 *
 * <ul>
 *   <li>{@link #plan}: the statement as 256-bit words. Besides what the transcript absorbs (sizes,
 *       extents, table columns), it carries what Java derives from the statement with {@link
 *       LogUpLayout#trees} and {@link LogUpBlinding#of}: the witness trees, their groups'
 *       placements, and the groups' blinding rows. The contract does not re-derive these (they are
 *       the public, per-model part of the statement); it checks that they are well formed, and the
 *       fact it records includes the plan's keccak, which a reader of the fact compares with the
 *       plan of the statement it expects.
 *   <li>{@link #tables}: the values of the explicit table columns, which the contract hashes
 *       against the column's SHA-256 in the plan and evaluates.
 *   <li>{@link #claimsHash}: the keccak chain over the claims the verifier leaves to the rest of
 *       the proof, the contract's second output.
 * </ul>
 */
public final class LogUpEncoding {
  private LogUpEncoding() {}

  /**
   * The plan of a statement; {@code masked} for a zero-knowledge proof, whose GKR sumchecks are
   * masked (Java: {@code LogUpVerifier.verify} with a mask ledger).
   *
   * <p>Words: lookups, blinded, masked; per lookup: table variables, width, groups; per column
   * (kind, value) with kind 1 an identity column (value: its offset) and 2 an explicit one (value:
   * its SHA-256); per group: variables, extents, (bits, size) per extent and, blinded, its rows'
   * count and the rows; then its witness trees' count and per tree: variables, placements, (group,
   * leaf offset) per placement in group order.
   */
  public static List<BigInteger> plan(LookupStatement st, boolean masked) {
    return plan(st, masked, INLINE_TABLE_BYTES);
  }

  /**
   * The most bytes of explicit table values a lookup passes in calldata: larger tables (a model's
   * rounding table, 2^16 rows of 4 columns, is 2 MB) are deferred, their evaluations claimed.
   */
  public static final int INLINE_TABLE_BYTES = 32 * 1024;

  /** Whether the lookup's explicit columns go in calldata (else their evaluations are deferred). */
  static boolean inline(LookupStatement.Lookup lk, int inlineBytes) {
    long explicit =
        lk.table().columns().stream().filter(c -> c instanceof TableColumn.Explicit).count();
    return explicit * 8L * lk.table().size() <= inlineBytes;
  }

  /**
   * Whether some lookup's explicit table is too large to go inline: its values at the table's point
   * are deferred (kind 3 in the plan), and a session must check them (its {@code tables} step).
   */
  public static boolean defersTables(LookupStatement st) {
    return st.lookups().stream()
        .anyMatch(
            lk ->
                lk.table().columns().stream().anyMatch(c -> c instanceof TableColumn.Explicit)
                    && !inline(lk, INLINE_TABLE_BYTES));
  }

  /** The plan with explicit tables inline up to {@code inlineBytes} bytes of values a lookup. */
  public static List<BigInteger> plan(LookupStatement st, boolean masked, int inlineBytes) {
    List<BigInteger> w = new ArrayList<>();
    LogUpBlinding blinding = st.blinded() ? LogUpBlinding.of(st) : null;
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(st);
    add(w, st.lookups().size());
    add(w, st.blinded() ? 1 : 0);
    add(w, masked ? 1 : 0);
    for (int l = 0; l < st.lookups().size(); l++) {
      LookupStatement.Lookup lk = st.lookups().get(l);
      add(w, lk.table().numVars());
      add(w, lk.table().width());
      add(w, lk.groups().size());
      for (TableColumn c : lk.table().columns()) {
        switch (c) {
          case TableColumn.Identity id -> {
            add(w, 1);
            add(w, id.offset());
          }
          case TableColumn.Explicit e -> {
            add(w, inline(lk, inlineBytes) ? 2 : 3);
            w.add(new BigInteger(1, e.sha256()));
          }
        }
      }
      for (int g = 0; g < lk.groups().size(); g++) {
        LookupStatement.Group group = lk.groups().get(g);
        add(w, group.numVars());
        add(w, group.extents().size());
        for (LookupStatement.Group.Extent e : group.extents()) {
          add(w, e.bits());
          add(w, e.size());
        }
        if (blinding != null) {
          long[] rows = blinding.rows(l, g);
          add(w, rows.length);
          for (long r : rows) {
            add(w, r);
          }
        }
      }
      final int lookup = l;
      List<LogUpLayout.WitnessTree> witness =
          trees.stream()
              .filter(t -> t.lookup() == lookup && t instanceof LogUpLayout.WitnessTree)
              .map(t -> (LogUpLayout.WitnessTree) t)
              .toList();
      add(w, witness.size());
      for (LogUpLayout.WitnessTree t : witness) {
        add(w, t.numVars());
        add(w, t.placements().size());
        List<LogUpLayout.Placement> placements =
            t.placements().stream()
                .sorted(Comparator.comparingInt(LogUpLayout.Placement::group))
                .toList();
        for (LogUpLayout.Placement p : placements) {
          add(w, p.group());
          add(w, p.offset());
        }
      }
    }
    return w;
  }

  /** keccak256 of the plan's words (packed, 32 bytes each): the statement in the fact. */
  public static byte[] planHash(List<BigInteger> plan) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BigInteger v : plan) {
      out.writeBytes(word(v));
    }
    return Hash.sha3(out.toByteArray());
  }

  /**
   * Per explicit column, lookup by lookup, column by column: an inline column's values
   * (little-endian words), a deferred one's evaluation at its table's point in the claims (the
   * multiplicity claim's point without the blinding variable), as the relayer computes it. With
   * {@code claims} null (a proof the relayer's own verifier rejected) deferred values are zero: the
   * contract then rejects the proof at the latest at that table's leaf.
   */
  public static byte[] tables(LookupStatement st, LookupClaims claims) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int l = 0; l < st.lookups().size(); l++) {
      LookupStatement.Lookup lk = st.lookups().get(l);
      for (TableColumn c : lk.table().columns()) {
        if (c instanceof TableColumn.Explicit e && !inline(lk, INLINE_TABLE_BYTES)) {
          Ext2 v =
              claims == null
                  ? Ext2.ZERO
                  : e.evaluate(tablePoint(lk, claims.multiplicities().get(l)));
          out.writeBytes(
              ByteBuffer.allocate(16)
                  .order(ByteOrder.LITTLE_ENDIAN)
                  .putLong(v.c0())
                  .putLong(v.c1())
                  .array());
        } else if (c instanceof TableColumn.Explicit e) {
          long[] values = e.values();
          ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
          for (long v : values) {
            b.putLong(v);
          }
          out.writeBytes(b.array());
        }
      }
    }
    return out.toByteArray();
  }

  /** A masked GKR layer's mask value g(point) = value (one per layer with variables). */
  public record MaskValue(Ext2[] point, Ext2 value) {
    public MaskValue {
      point = point.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }
  }

  /**
   * The keccak chain the contract outputs: h = 0, then h = keccak(h, kind, a, b, |point|, point,
   * |values|, values) per claim, every item one 32-byte word and an extension element c0 + 2^64 c1.
   * In order: the multiplicity claims (kind 1, per lookup), the witness claims (2, per lookup and
   * group), the blinding sums (3, by lookup and group), the blinding tuples (4, per lookup), the
   * mask values (5, a = the GKR layer, in layer order), the deferred table columns' values (6, per
   * lookup and column, at the table's point without the blinding variable).
   */
  public static Digest32 claimsHash(
      LookupStatement st, LookupClaims claims, List<MaskValue> masks) {
    return claimsHash(st, claims, masks, null);
  }

  /** {@link #claimsHash}, writing each item's words to {@code items} too when it is not null. */
  static Digest32 claimsHash(
      LookupStatement st, LookupClaims claims, List<MaskValue> masks, ByteArrayOutputStream items) {
    byte[] h = new byte[32];
    for (int l = 0; l < claims.multiplicities().size(); l++) {
      LookupClaims.EvaluationClaim m = claims.multiplicities().get(l);
      h = item(items, h, 1, l, 0, m.point(), new Ext2[] {m.value()});
    }
    for (int l = 0; l < claims.witnesses().size(); l++) {
      for (int g = 0; g < claims.witnesses().get(l).size(); g++) {
        LookupClaims.WitnessClaim c = claims.witnesses().get(l).get(g);
        h = item(items, h, 2, l, g, c.point(), c.values());
      }
    }
    // Java lists the blinding sums in the order the GKR reaches their trees' leaves; the contract
    // hashes them by lookup and group.
    List<LookupClaims.BlindingClaim> sums =
        claims.blindingSums().stream()
            .sorted(
                Comparator.comparingInt(LookupClaims.BlindingClaim::lookup)
                    .thenComparingInt(LookupClaims.BlindingClaim::group))
            .toList();
    for (LookupClaims.BlindingClaim b : sums) {
      h = item(items, h, 3, b.lookup(), b.group(), b.point(), new Ext2[] {b.value()});
    }
    for (int l = 0; l < claims.blindingTuples().size(); l++) {
      LookupClaims.WitnessClaim u = claims.blindingTuples().get(l);
      h = item(items, h, 4, l, 0, u.point(), u.values());
    }
    // The first layer's sumcheck has no variables and records no mask value: layers 2, 3, ...
    for (int k = 0; k < masks.size(); k++) {
      MaskValue m = masks.get(k);
      h = item(items, h, 5, k + 2, 0, m.point(), new Ext2[] {m.value()});
    }
    for (int l = 0; l < st.lookups().size(); l++) {
      LookupStatement.Lookup lk = st.lookups().get(l);
      if (inline(lk, INLINE_TABLE_BYTES)) {
        continue;
      }
      Ext2[] point = tablePoint(lk, claims.multiplicities().get(l));
      for (int c = 0; c < lk.table().width(); c++) {
        if (lk.table().columns().get(c) instanceof TableColumn.Explicit e) {
          h = item(items, h, 6, l, c, point, new Ext2[] {e.evaluate(point)});
        }
      }
    }
    return new Digest32(h);
  }

  /** The table's point: the multiplicity claim's, without a blinded tree's top variable. */
  private static Ext2[] tablePoint(LookupStatement.Lookup lk, LookupClaims.EvaluationClaim m) {
    return java.util.Arrays.copyOf(m.point(), lk.table().numVars());
  }

  private static byte[] item(
      ByteArrayOutputStream items, byte[] h, int kind, int a, int b, Ext2[] point, Ext2[] values) {
    if (items != null) {
      byte[] withH = itemWords(h, kind, a, b, point, values);
      items.write(withH, 32, withH.length - 32);
      return Hash.sha3(withH);
    }
    return itemHash(h, kind, a, b, point, values);
  }

  /** keccak(h, kind, a, b, |point|, point, |values|, values), one word each. */
  static byte[] itemHash(byte[] h, int kind, int a, int b, Ext2[] point, Ext2[] values) {
    return Hash.sha3(itemWords(h, kind, a, b, point, values));
  }

  private static byte[] itemWords(byte[] h, int kind, int a, int b, Ext2[] point, Ext2[] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h);
    for (long v : new long[] {kind, a, b, point.length}) {
      out.writeBytes(word(BigInteger.valueOf(v)));
    }
    for (Ext2 x : point) {
      out.writeBytes(packed(x));
    }
    out.writeBytes(word(BigInteger.valueOf(values.length)));
    for (Ext2 x : values) {
      out.writeBytes(packed(x));
    }
    return out.toByteArray();
  }

  /** c0 + 2^64 c1 as a 32-byte word, the contract's packed extension element. */
  private static byte[] packed(Ext2 x) {
    return word(
        BigInteger.valueOf(x.c1())
            .and(MASK64)
            .shiftLeft(64)
            .or(BigInteger.valueOf(x.c0()).and(MASK64)));
  }

  private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  static byte[] word(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static void add(List<BigInteger> w, long v) {
    // Offsets and field elements are canonical (below 2^64), read unsigned.
    w.add(BigInteger.valueOf(v).and(MASK64));
  }
}

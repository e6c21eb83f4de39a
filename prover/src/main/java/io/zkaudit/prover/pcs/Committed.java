package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.merkle.MerkleTree;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.poly.Mle;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The prover's side of a commitment: the polynomial's evaluations, its codeword and Merkle tree.
 * Holds large arrays (at 2^24 evaluations and rate 1/4: 128 MB + 512 MB + 128 MB); drop it after
 * the last opening.
 *
 * <p>The codeword is the largest of them and is read only to commit and to open. A commitment made
 * with its encoder can {@link #releaseCodeword release} it in between: the Merkle tree keeps its
 * hashes, and the first read after that re-encodes the evaluations (encoding is deterministic, and
 * {@link MerkleTree#over} checks the re-derived rows against the kept hashes). So a proof's witness
 * codewords need not stay in memory while its lookups and layers are proven, at the price of one
 * more encoding each ({@link CodewordRetention}).
 */
public final class Committed {
  private final Commitment commitment;
  private final PackedLayout layout;

  /**
   * The evaluations; null while released ({@link #releaseEvals}), then {@link #repack} has them.
   */
  long[] evals;

  private java.util.function.Supplier<long[]> repack;
  private final UnaryOperator<long[]> encoder;
  private long[] codeword;
  private MerkleTree tree;

  /** A commitment whose codeword stays in memory (also a cheater's, not the encoding of evals). */
  Committed(
      Commitment commitment, PackedLayout layout, long[] evals, long[] codeword, MerkleTree tree) {
    this(commitment, layout, evals, codeword, tree, null);
  }

  /** A commitment whose codeword {@code encoder} re-derives from the evaluations when released. */
  Committed(
      Commitment commitment,
      PackedLayout layout,
      long[] evals,
      long[] codeword,
      MerkleTree tree,
      UnaryOperator<long[]> encoder) {
    this.commitment = commitment;
    this.layout = layout;
    this.evals = evals;
    this.codeword = codeword;
    this.tree = tree;
    this.encoder = encoder;
  }

  /** The codeword, re-encoded from the evaluations if it was released. */
  synchronized long[] codeword() {
    if (codeword == null) {
      codeword = encoder.apply(evals());
      tree = tree.over(List.of(codeword));
    }
    return codeword;
  }

  /** The Merkle tree, with its rows (the codeword re-derived if it was released). */
  synchronized MerkleTree tree() {
    codeword();
    return tree;
  }

  /**
   * Drops the codeword until the next opening needs it; does nothing for a commitment that cannot
   * re-derive it. Returns whether it was dropped.
   */
  public synchronized boolean releaseCodeword() {
    if (encoder == null || codeword == null) {
      return false;
    }
    codeword = null;
    tree = tree.withoutRows();
    return true;
  }

  /** The evaluations, re-packed from their columns if they were released. */
  synchronized long[] evals() {
    if (evals == null) {
      evals = repack.get();
      repack = null;
    }
    return evals;
  }

  /**
   * Drops the packed evaluations, keeping only the tail past the packed columns (a zero-knowledge
   * commitment's random entries), until the next read re-packs {@code columns}, which must be the
   * very columns packed into this commitment and unchanged until then (a proof's witness columns,
   * which its rounds hold anyway): the packing is their second copy (MobileNet v2: 320 MB) through
   * the lookups and layers. Only with the codeword released too, so that re-encoding the re-packed
   * evaluations is checked against the Merkle tree's hashes ({@link MerkleTree#over}). Returns
   * whether they were dropped.
   */
  public synchronized boolean releaseEvals(List<long[]> columns) {
    if (layout == null || evals == null || codeword != null) {
      return false;
    }
    int used = layout.usedEntries();
    long[] tail = java.util.Arrays.copyOfRange(evals, used, evals.length);
    List<long[]> held = List.copyOf(columns);
    PackedLayout packing = layout;
    repack =
        () -> {
          long[] packed = packing.pack(held);
          System.arraycopy(tail, 0, packed, used, tail.length);
          return packed;
        };
    evals = null;
    return true;
  }

  /** Whether the evaluations are in memory now. */
  public synchronized boolean holdsEvals() {
    return evals != null;
  }

  /** The codeword's size in memory when held: its tree's rows. */
  public synchronized long codewordBytes() {
    return 8L * tree.numLeaves() * tree.rowLongs();
  }

  /** Whether the codeword is in memory now. */
  public synchronized boolean holdsCodeword() {
    return codeword != null;
  }

  /** What the verifier gets: the Merkle root and the number of variables. */
  public Commitment commitment() {
    return commitment;
  }

  /** The column layout when several columns were committed together, else null. */
  public PackedLayout layout() {
    return layout;
  }

  public int numVars() {
    return commitment.numVars();
  }

  /** The committed polynomial at a point (to produce claim values). */
  public Ext2 evaluate(Ext2[] point) {
    return Mle.evaluate(evals(), point);
  }

  /** A copy of column c's evaluations (a packed commitment). */
  public long[] column(int c) {
    if (layout == null) {
      throw new IllegalStateException("this commitment holds one polynomial, not columns");
    }
    int from = Math.toIntExact(layout.offset(c));
    return java.util.Arrays.copyOfRange(evals(), from, from + (1 << layout.columnVars(c)));
  }

  /**
   * The mask half of column c of a shadow ({@link BasefoldProver#commitShadow}: the shadow variable
   * t is each column's lowest, t = 0 the committed column, t = 1 its mask): entries 2i + 1.
   */
  public long[] shadowMaskHalf(int c) {
    if (layout == null) {
      throw new IllegalStateException("this commitment holds one polynomial, not columns");
    }
    int from = Math.toIntExact(layout.offset(c));
    long[] m = new long[1 << (layout.columnVars(c) - 1)];
    long[] evals = evals();
    for (int i = 0; i < m.length; i++) {
      m[i] = evals[from + 2 * i + 1];
    }
    return m;
  }

  /** Column c of a packed commitment at a point of its own dimension. */
  public Ext2 evaluateColumn(int column, Ext2[] point) {
    if (layout == null) {
      throw new IllegalStateException("this commitment holds one polynomial, not columns");
    }
    int m = layout.columnVars(column);
    if (point.length != m) {
      throw new IllegalArgumentException("column " + column + " has " + m + " variables");
    }
    long[] col =
        java.util.Arrays.copyOfRange(
            evals(), layout.offset(column), layout.offset(column) + (1 << m));
    return Mle.evaluate(col, point);
  }
}

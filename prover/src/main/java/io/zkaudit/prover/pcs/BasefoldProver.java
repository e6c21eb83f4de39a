package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.merkle.MerkleTree;
import io.zkaudit.merkle.MerkleVerifier;
import io.zkaudit.ntt.ReedSolomon;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.transcript.Transcript;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Basefold prover: commits to multilinear polynomials (one, or several columns packed into one,
 * see {@link PackedLayout}) and proves batches of evaluation claims on them with one opening. The
 * verifier is {@link io.zkaudit.pcs.BasefoldVerifier}; docs/pcs.md describes the protocol.
 */
public final class BasefoldProver {
  private final PcsParams params;

  /** Records the phase that started at {@code since} ({@link PcsPhaseEvent}); returns now. */
  private static long lap(String what, int numVars, long since) {
    long now = System.nanoTime();
    PcsPhaseEvent.record(what, numVars, now - since);
    return now;
  }

  public BasefoldProver(PcsParams params) {
    this.params = params;
  }

  public PcsParams params() {
    return params;
  }

  /**
   * Commits to the multilinear polynomial with these 2^n hypercube evaluations (not copied: do not
   * modify it).
   */
  public Committed commit(long[] evals) {
    return commit(evals, null);
  }

  /** Commits to several columns (power-of-two lengths) packed into one polynomial. */
  public Committed commit(List<long[]> columns) {
    return commit(columns, null);
  }

  /**
   * The same, with the packed polynomial's unused tail filled by {@code tail} (uniform field
   * elements in a zero-knowledge proof) instead of zeros: no claim reads it, and a random block at
   * the top of the polynomial masks the commitment's query answers (docs/zero-knowledge.md).
   */
  public Committed commit(List<long[]> columns, java.util.function.LongSupplier tail) {
    return commit(columns, PackedLayout.of(columns), tail);
  }

  /** The same in a given layout of these columns (e.g. one whose tail was grown to hide them). */
  public Committed commit(
      List<long[]> columns, PackedLayout layout, java.util.function.LongSupplier tail) {
    long[] packed = layout.pack(columns);
    if (tail != null) {
      for (int i = layout.usedEntries(); i < packed.length; i++) {
        packed[i] = tail.getAsLong();
      }
    }
    return commit(packed, layout);
  }

  /**
   * Commits to the shadow of a committed polynomial W (n variables): Q(t, x) in n + 1 variables, t
   * = variable 0, with Q(0, x) = W(x) (its whole table, packed tail included) and Q(1, x) a fresh
   * mask drawn from {@code random} (canonical field elements, uniform in a zero-knowledge proof).
   * So the table interleaves: Q[2i] = W[i], Q[2i + 1] = random. Claims on W are then opened on Q
   * and {@link ShadowLinks#prove} shows Q's even half is W without opening W (docs/pcs.md, "Shadow
   * link"). A packed W gives a packed Q whose column j (2^(m_j + 1) entries, at twice W's offset)
   * is interleave(W_j, M_j): column j at (t, z) is (1 - t) W_j(z) + t M_j(z).
   */
  public Committed commitShadow(Committed weights, java.util.function.LongSupplier random) {
    long[] w = weights.evals();
    long[] q = new long[2 * w.length];
    for (int i = 0; i < w.length; i++) {
      q[2 * i] = w[i];
      q[2 * i + 1] = random.getAsLong();
    }
    PackedLayout layout = weights.layout() == null ? null : weights.layout().withShadowVariable();
    return commit(q, layout, evals -> shadowCodeword(codewordOnce(weights), evals));
  }

  /**
   * W's codeword for one re-encoding of its shadow: held, or re-encoded for this once and released
   * again, so that re-encoding a shadow whose weights released their codeword (CodewordRetention)
   * does not bring the weights' codeword back for the rest of the proof.
   */
  private static long[] codewordOnce(Committed weights) {
    boolean held = weights.holdsCodeword();
    long[] cw = weights.codeword();
    if (!held) {
      weights.releaseCodeword();
    }
    return cw;
  }

  /**
   * Commits to the shadow of the difference of two committed polynomials A and B of the same layout
   * (a {@link io.zkaudit.pcs.DifferenceLink}): Q(0, x) = A(x) - B(x), Q(1, x) a fresh mask from
   * {@code random}. Encoding is linear, so A - B's codeword is cw_A - cw_B and, as for {@link
   * #commitShadow}, only the mask difference is encoded.
   */
  public Committed commitDifferenceShadow(
      Committed a, Committed b, java.util.function.LongSupplier random) {
    if (a.evals.length != b.evals.length
        || a.codeword().length != b.codeword().length
        || a.codeword().length != (long) a.evals.length << params.logBlowup()) {
      throw new IllegalArgumentException(
          "the two commitments differ in size or were made at another rate");
    }
    long[] q = new long[2 * a.evals.length];
    for (int i = 0; i < a.evals.length; i++) {
      q[2 * i] = Goldilocks.sub(a.evals[i], b.evals[i]);
      q[2 * i + 1] = random.getAsLong();
    }
    PackedLayout layout = a.layout() == null ? null : a.layout().withShadowVariable();
    return commit(
        q, layout, evals -> shadowCodeword(difference(a.codeword(), b.codeword()), evals));
  }

  private static long[] difference(long[] x, long[] y) {
    long[] d = new long[x.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = Goldilocks.sub(x[i], y[i]);
    }
    return d;
  }

  /**
   * The shadow's codeword from W's, encoding only half: Q = W + t D with D = M - W, so as
   * univariates Q(X) = W(X^2) + X D(X^2), and entries 2m, 2m+1 (at x and -x, x^2 being W's point m)
   * are cwW[m] +- x cwD[m]. One encoding of 2^n entries instead of 2^(n+1): the shadow costs its
   * Merkle tree and half an encoding (docs/pcs.md, "Shadow link").
   */
  private long[] shadowCodeword(long[] cwW, long[] q) {
    int half = q.length / 2;
    long[] d = new long[half];
    for (int i = 0; i < half; i++) {
      d[i] = Goldilocks.sub(q[2 * i + 1], q[2 * i]);
    }
    long[] cwD = ReedSolomon.encodeEvaluations(d, params.logBlowup());
    int logW = Integer.numberOfTrailingZeros(cwW.length);
    // x_m = w^bitrev_L(m) with w a primitive 2^(L+1)-th root: from two tables of 2^ceil(L/2)
    // powers.
    long root = Goldilocks.rootOfUnity(logW + 1);
    int lowBits = (logW + 1) / 2;
    long[] low = new long[1 << lowBits];
    long[] high = new long[1 << (logW - lowBits)];
    low[0] = 1;
    for (int k = 1; k < low.length; k++) {
      low[k] = Goldilocks.mul(low[k - 1], root);
    }
    long step = Goldilocks.pow(root, 1L << lowBits);
    high[0] = 1;
    for (int k = 1; k < high.length; k++) {
      high[k] = Goldilocks.mul(high[k - 1], step);
    }
    long[] cw = new long[2 * cwW.length];
    int lowMask = (1 << lowBits) - 1;
    io.zkaudit.parallel.Parallel.forRange(
        cwW.length,
        1 << 14,
        (from, to) -> {
          for (int m = from; m < to; m++) {
            int k = Basefold.bitReverse(m, logW);
            long x = Goldilocks.mul(low[k & lowMask], high[k >>> lowBits]);
            long xd = Goldilocks.mul(x, cwD[m]);
            cw[2 * m] = Goldilocks.add(cwW[m], xd);
            cw[2 * m + 1] = Goldilocks.sub(cwW[m], xd);
          }
        });
    return cw;
  }

  private Committed commit(long[] evals, PackedLayout layout) {
    return commit(evals, layout, e -> ReedSolomon.encodeEvaluations(e, params.logBlowup()));
  }

  /** Checks the evaluations, encodes them with {@code encoder} and builds the Merkle tree. */
  private Committed commit(
      long[] evals, PackedLayout layout, java.util.function.UnaryOperator<long[]> encoder) {
    int n = io.zkaudit.pcs.Recommit.checkedNumVars(params, evals);
    long t = System.nanoTime();
    long[] codeword = encoder.apply(evals);
    t = lap("commit: encode", n, t);
    MerkleTree tree = MerkleTree.build(codeword, OpeningProof.rowLongs(params, n, 0));
    lap("commit: merkle", n, t);
    return new Committed(new Commitment(tree.root(), n), layout, evals, codeword, tree, encoder);
  }

  /** Proves claims on columns of a packed commitment. */
  public OpeningProof openColumns(Committed committed, List<ColumnClaim> claims, Transcript t) {
    return openColumnsWithLeaves(committed, claims, t).proof();
  }

  /** {@link #openColumns}, also returning the commitment leaves the queries opened. */
  public Opened openColumnsWithLeaves(Committed committed, List<ColumnClaim> claims, Transcript t) {
    if (committed.layout() == null) {
      throw new IllegalArgumentException("this commitment holds one polynomial, not columns");
    }
    return openWithLeaves(committed, committed.layout().toPacked(claims), t);
  }

  /**
   * Proves every claim (points with numVars coordinates) with one opening. The claimed values are
   * taken as given: a wrong value yields a proof that does not verify.
   */
  public OpeningProof open(Committed committed, List<EvalClaim> claims, Transcript t) {
    return openWithLeaves(committed, claims, t).proof();
  }

  /** {@link #open}, also returning the commitment leaves the queries opened (for a shadow link). */
  public Opened openWithLeaves(Committed committed, List<EvalClaim> claims, Transcript t) {
    int n = committed.numVars();
    if (claims.isEmpty() || claims.size() > PcsParams.MAX_CLAIMS) {
      throw new IllegalArgumentException(
          "an opening needs 1 to " + PcsParams.MAX_CLAIMS + " claims");
    }
    for (EvalClaim c : claims) {
      if (c.numVars() != n) {
        throw new IllegalArgumentException(
            "claim point has " + c.numVars() + " coordinates, the polynomial " + n + " variables");
      }
    }
    long time = System.nanoTime();
    Ext2 rho = Basefold.absorbHeader(t, params, committed.commitment(), claims);
    long[] g = buildG(n, claims, rho, Ext2.ONE);
    lap("open: g", n, time);
    Folded folded = foldAndQuery(committed, g, t, List.of());
    return new Opened(folded.proof(), folded.commitmentLeaves());
  }

  /**
   * A polynomial joining the folding at {@code round} ({@link BatchedBasefoldProver}): there a
   * coefficient theta is drawn, and theta times its evaluations join the sumcheck's table, theta
   * times its codeword the folded codeword.
   */
  record Join(int round, Committed committed) {}

  /**
   * The combined opening and the leaves its queries opened: the folded commitment's, then each
   * join's.
   */
  record Folded(
      OpeningProof proof,
      int[] commitmentLeaves,
      List<int[]> joinedLeaves,
      List<OpeningProof.QueryLayer> joinedLayers) {}

  /**
   * Everything of an opening after its header: the sumcheck of sum_x f(x) g(x) interleaved with
   * folding (polynomials joining at their rounds), the final polynomial, grinding and the queries.
   * The verifier's side is {@code BasefoldVerifier.foldAndQuery}.
   */
  Folded foldAndQuery(Committed committed, long[] g, Transcript t, List<Join> joins) {
    int n = committed.numVars();
    int[] arities = params.arities(n);
    int folds = params.foldRounds(n);
    int logBlowup = params.logBlowup();
    long time;
    long sumcheckNanos = 0;
    long foldNanos = 0;
    long merkleNanos = 0;

    // Sumcheck of sum_x f(x) g(x), folding the codeword with the same challenges.
    long[] fBase = committed.evals();
    long[] fExt = null;
    // A codeword released after the commitment (CodewordRetention) is re-encoded where it is read
    // and released again right after: at its fold (the main one after the first block of sumcheck
    // rounds, when g and f have shrunk; a join's at its join) and at the queries, one at a time.
    // Holding each from its fold to the queries would put every codeword of the opening (MobileNet
    // v2: 1.8 GB) on top of the sumcheck's tables; this costs one more encoding of each instead.
    boolean reRelease = !committed.holdsCodeword();
    boolean[] joinReRelease = new boolean[joins.size()];
    for (int j = 0; j < joins.size(); j++) {
      joinReRelease[j] = !joins.get(j).committed().holdsCodeword();
    }
    long[] cw = null; // the committed codeword until the first fold, then the folded one
    int cwLog = n + logBlowup;
    Ext2[] challenges = new Ext2[folds];
    List<MerkleTree> trees = new ArrayList<>();
    trees.add(null); // the commitment's own tree, read (rows re-derived if released) at the queries
    List<Ext2[]> rounds = new ArrayList<>();
    List<Digest32> roots = new ArrayList<>();
    int round = 0;
    Ext2[] theta = new Ext2[joins.size()];
    Ext2[] h = folds > 0 ? SumcheckFG.roundBase(fBase, g) : null;
    for (int i = 0; i < arities.length; i++) {
      int from = round;
      for (int s = 0; s < arities[i] && round < folds; s++) {
        long t0 = System.nanoTime();
        if (joinsAt(joins, round)) {
          fExt = fExt == null ? ExtTables.lift(fBase) : fExt;
          for (int j = 0; j < joins.size(); j++) {
            if (joins.get(j).round() == round) {
              theta[j] = t.challengeExt("pcs/join");
              ExtTables.addScaled(fExt, theta[j], joins.get(j).committed().evals());
            }
          }
          h = SumcheckFG.roundExt(fExt, g);
        }
        rounds.add(h);
        t.absorbExt("pcs/round", h);
        Ext2 r = t.challengeExt("pcs/fold");
        // bind the variable and compute the next round's message in one pass
        SumcheckFG.Folded next =
            SumcheckFG.foldAndRound(fExt == null ? fBase : fExt, fExt == null, g, r);
        fExt = next.f();
        g = next.g();
        h = next.next();
        challenges[round] = r;
        round++;
        sumcheckNanos += System.nanoTime() - t0;
      }
      long t1 = System.nanoTime();
      // Fold the codeword once per oracle, arity rounds at a time, the polynomials joining in this
      // block added on the way (one pass over the cosets either way).
      List<Folding.Join> joining = new ArrayList<>();
      if (arities[i] > 0 && reRelease) {
        cw =
            foldReleasing(committed, cw, i == 0, cwLog, arities[i], challenges, from, joins, theta);
        cwLog -= arities[i];
      } else if (arities[i] > 0) {
        joining.clear();
        for (int j = 0; j < joins.size(); j++) {
          int steps = joins.get(j).round() - from;
          if (steps >= 0 && steps < arities[i]) {
            joining.add(new Folding.Join(steps, theta[j], joins.get(j).committed().codeword()));
          }
        }
        long[] source = cw == null ? committed.codeword() : cw;
        cw = Folding.foldCosets(source, i == 0, cwLog, arities[i], challenges, from, joining);
        cwLog -= arities[i];
      }
      long t2 = System.nanoTime();
      foldNanos += t2 - t1;
      if (i < arities.length - 1) {
        MerkleTree tree = MerkleTree.build(cw, OpeningProof.rowLongs(params, n, i + 1));
        merkleNanos += System.nanoTime() - t2;
        trees.add(tree);
        roots.add(tree.root());
        t.absorbDigest("pcs/oracle", tree.root());
      }
    }

    PcsPhaseEvent.record("open: sumcheck", n, sumcheckNanos);
    PcsPhaseEvent.record("open: codeword folds", n, foldNanos);
    PcsPhaseEvent.record("open: oracle trees", n, merkleNanos);
    time = System.nanoTime();
    // The polynomial left after folding, in coefficient form.
    Ext2[] fin = new Ext2[1 << params.finalVars(n)];
    for (int x = 0; x < fin.length; x++) {
      fin[x] = fExt == null ? Ext2.of(fBase[x]) : new Ext2(fExt[2 * x], fExt[2 * x + 1]);
    }
    Basefold.evalsToCoeffs(fin);
    t.absorbExt("pcs/final", fin);

    long nonce = grind(t.state(), params.powBits());
    time = lap("open: final + grinding", n, time);
    t.absorbLong("pcs/pow", nonce);
    int[] pos = t.challengeIndices("pcs/queries", params.queries(), params.commitmentLeaves(n));

    List<OpeningProof.QueryLayer> layers = new ArrayList<>();
    List<int[]> joinedLeaves = new ArrayList<>();
    List<OpeningProof.QueryLayer> joinedLayers = new ArrayList<>();
    int[] commitmentLeaves = null;
    int from = 0;
    for (int i = 0; i < arities.length; i++) {
      int a = arities[i];
      int[] leaf = new int[pos.length];
      for (int k = 0; k < pos.length; k++) {
        leaf[k] = i == 0 ? pos[k] : pos[k] >>> a;
      }
      int[] distinct = MerkleVerifier.sortedDistinct(leaf);
      if (i == 0) {
        commitmentLeaves = distinct;
      }
      MerkleTree tree = i == 0 ? committed.tree() : trees.get(i);
      layers.add(new OpeningProof.QueryLayer(tree.rows(distinct), tree.prove(distinct)));
      tree = null;
      if (i == 0 && reRelease) {
        committed.releaseCodeword();
      }
      for (int j = 0; j < joins.size(); j++) {
        Join join = joins.get(j);
        if (join.round() >= from && join.round() < from + a) {
          int[] opened =
              BatchedOpening.joiningLeaves(
                  params, join.committed().numVars(), leaf, a - (join.round() - from));
          MerkleTree joined = join.committed().tree();
          joinedLayers.add(new OpeningProof.QueryLayer(joined.rows(opened), joined.prove(opened)));
          joinedLeaves.add(opened);
          if (joinReRelease[j]) {
            join.committed().releaseCodeword();
          }
        }
      }
      pos = leaf;
      from += a;
    }
    lap("open: queries", n, time);
    return new Folded(
        new OpeningProof(rounds, roots, fin, nonce, layers),
        commitmentLeaves,
        joinedLeaves,
        joinedLayers);
  }

  /**
   * One block of {@code a} fold steps, as {@link Folding#foldCosets} with its joins, but holding
   * one codeword at a time: the commitment's (re-encoded if released) folded alone and released,
   * then each joining codeword (re-encoded) folded alone from its step and added times its theta,
   * and released again if it was. Folding is linear in the codeword and each join's steps use the
   * very twiddles and challenges the combined pass uses from that step, so the sum is the combined
   * fold's, entry for entry (the proof's bytes do not change); what changes is the peak: the
   * combined pass reads every codeword joining in the block at once (MobileNet v2's first block:
   * the witness bin's, the weight shadow's and the second bin's, 1.8 GB).
   *
   * @param cw the codeword folded so far, or null before the first block (the commitment's)
   */
  private static long[] foldReleasing(
      Committed committed,
      long[] cw,
      boolean base,
      int logLength,
      int a,
      Ext2[] challenges,
      int from,
      List<Join> joins,
      Ext2[] theta) {
    long[] out;
    if (cw == null) {
      boolean held = committed.holdsCodeword();
      out = Folding.foldCosets(committed.codeword(), base, logLength, a, challenges, from);
      if (!held) {
        committed.releaseCodeword();
      }
    } else {
      out = Folding.foldCosets(cw, base, logLength, a, challenges, from);
    }
    for (int j = 0; j < joins.size(); j++) {
      int steps = joins.get(j).round() - from;
      if (steps < 0 || steps >= a) {
        continue;
      }
      Committed joining = joins.get(j).committed();
      boolean held = joining.holdsCodeword();
      long[] part =
          Folding.foldCosets(
              joining.codeword(), true, logLength - steps, a - steps, challenges, from + steps);
      if (!held) {
        joining.releaseCodeword();
      }
      ExtTables.addScaledExt(out, theta[j], part);
    }
    return out;
  }

  private static boolean joinsAt(List<Join> joins, int round) {
    for (Join join : joins) {
      if (join.round() == round) {
        return true;
      }
    }
    return false;
  }

  /** g = sum_k rho^k eq(z_k, .), exploiting 0/1 high coordinates (packed column claims). */
  static long[] buildG(int n, List<EvalClaim> claims, Ext2 rho, Ext2 first) {
    long[] g = new long[2 << n];
    // group claims by their non-Boolean low part, so each eq table is built once
    Map<List<Ext2>, List<int[]>> groups = new LinkedHashMap<>();
    List<Ext2[]> points = new ArrayList<>();
    List<Ext2> weights = new ArrayList<>();
    Ext2 rho_k = first;
    for (EvalClaim claim : claims) {
      for (EvalClaim.Term term : claim.terms()) {
        points.add(term.point());
        weights.add(rho_k.mul(term.weight()));
      }
      rho_k = rho_k.mul(rho);
    }
    Ext2[] coeff = weights.toArray(new Ext2[0]);
    for (int k = 0; k < points.size(); k++) {
      Ext2[] z = points.get(k);
      int m = n;
      while (m > 0 && (z[m - 1].equals(Ext2.ZERO) || z[m - 1].equals(Ext2.ONE))) {
        m--;
      }
      int offset = 0;
      for (int j = m; j < n; j++) {
        if (z[j].equals(Ext2.ONE)) {
          offset |= 1 << j;
        }
      }
      groups
          .computeIfAbsent(Arrays.asList(Arrays.copyOf(z, m)), key -> new ArrayList<>())
          .add(new int[] {k, offset});
    }
    boolean untouched = true;
    for (Map.Entry<List<Ext2>, List<int[]>> e : groups.entrySet()) {
      if (untouched && e.getValue().size() == 1) {
        // the first table is built in place, scaled (saves a 2^m temporary, 256 MB at m = 24)
        int[] member = e.getValue().get(0);
        SumcheckFG.eqTableInto(g, member[1], e.getKey().toArray(new Ext2[0]), coeff[member[0]]);
        untouched = false;
        continue;
      }
      untouched = false;
      long[] eq = SumcheckFG.eqTable(e.getKey().toArray(new Ext2[0]));
      int size = eq.length >>> 1;
      for (int[] member : e.getValue()) {
        Ext2 c = coeff[member[0]];
        int off = member[1];
        long c0 = c.c0();
        long c1 = c.c1();
        Parallel.forRange(
            size,
            1 << 14,
            (from, to) -> {
              for (int x = from; x < to; x++) {
                long e0 = eq[2 * x];
                long e1 = eq[2 * x + 1];
                int at = 2 * (off + x);
                long p0 =
                    Goldilocks.add(
                        Goldilocks.mul(e0, c0), Goldilocks.mul(Ext2.W, Goldilocks.mul(e1, c1)));
                long p1 = Goldilocks.add(Goldilocks.mul(e0, c1), Goldilocks.mul(e1, c0));
                g[at] = Goldilocks.add(g[at], p0);
                g[at + 1] = Goldilocks.add(g[at + 1], p1);
              }
            });
      }
    }
    return g;
  }

  /** The smallest nonce that satisfies {@link Basefold#powOk} (searched in parallel batches). */
  static long grind(Digest32 state, int bits) {
    if (bits == 0) {
      return 0;
    }
    byte[] st = state.bytes();
    int batch = 1 << 12;
    for (long start = 0; ; start += batch) {
      long base = start;
      long[] found = {Long.MAX_VALUE};
      Parallel.forRange(
          batch,
          1 << 10,
          (from, to) -> {
            MessageDigest md = Sha256.create();
            for (int i = from; i < to; i++) {
              if (Basefold.powOk(md, st, base + i, bits)) {
                synchronized (found) {
                  found[0] = Math.min(found[0], base + i);
                }
                return;
              }
            }
          });
      if (found[0] != Long.MAX_VALUE) {
        return found[0];
      }
    }
  }
}

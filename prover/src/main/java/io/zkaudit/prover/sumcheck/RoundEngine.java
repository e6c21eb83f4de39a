package io.zkaudit.prover.sumcheck;

import static io.zkaudit.field.Goldilocks.add;
import static io.zkaudit.field.Goldilocks.mul;
import static io.zkaudit.field.Goldilocks.sub;

import io.zkaudit.field.Ext2;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.prover.field.FastField;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.sumcheck.RoundPolynomial;
import io.zkaudit.sumcheck.Term;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain sumcheck's work on one {@link VirtualPolynomial}: round i's polynomial of f ({@link
 * #roundPolynomial}) and the binding of variable i ({@link #bind}: the tables fold, the eq part
 * moves into alpha). {@link SumcheckProver} drives it; masking wraps what it sends ({@link
 * SumcheckMasking}).
 *
 * <p>Optimisations: tables stay in the base field until variable 0 is bound (round 0 multiplies in
 * the base field, then the fold by the extension challenge turns them into extension tables); the
 * eq factor is never folded as a table: with z split at the bound variable, eq(z, (r, X, x')) =
 * eq(z_<i, r) * eq(z_i, X) * eq(z_>i, x'), so the prover sums only the degree-d part q(X) = sum_x'
 * eq(z_>i, x') C(r, X, x') at d points and multiplies by the linear eq(z_i, X) afterwards, deriving
 * q(1) from the running claim (Gruen's trick, eprint 2024/108); eq(z_>i, .) is kept as two tables
 * of about 2^(n/2) entries (low and high variables, as in Dao-Thaler, eprint 2024/1210: a block of
 * pairs shares its high factor), halved every round by summing pairs, and materialised as one small
 * table once the low part is under a block. Terms with equal coefficients are summed before they
 * are weighted. Rounds and folds run over the workers in chunks, and folds ping-pong between two
 * buffers per table, so memory stays within the inputs plus 3/4 of their size in the extension.
 */
final class RoundEngine {
  /** Below this many pairs a round runs on one thread. */
  private static final int PARALLEL_THRESHOLD = 1 << 12;

  final int n;
  final int numTables;
  final Composition composition;
  final int d; // composition degree
  final int roundDegree;
  final Ext2[] z;
  // Term groups: terms with the same coefficient share an accumulator.
  final Ext2[] groupCoeff;
  final int[][][] groupTerms; // group -> term -> factor indices
  // Tables: before the first fold, base or ext arrays of the caller; afterwards engine-owned ext.
  long[][] cur;
  boolean[] curExt;
  long[][][] spare; // per table: ping-pong buffers
  int len; // current number of entries per table
  // eq(z_>i, .) over the pairs of round i: either one table (eq), or split (Dao-Thaler) as
  // eqLo (the low loBits variables) times eqHi (the others), so that no table of 2^(n-1)
  // entries is built: a block of 64 pairs then shares one eqHi factor.
  long[] eq;
  long[] eqLo;
  long[] eqHi;
  int loBits;

  RoundEngine(VirtualPolynomial vp) {
    n = vp.numVars();
    numTables = vp.numTables();
    composition = vp.composition();
    d = composition.degree();
    z = vp.eqPoint();
    roundDegree = composition.roundDegree(z != null);
    Map<Ext2, List<int[]>> groups = new LinkedHashMap<>();
    for (Term t : composition.terms()) {
      if (!t.coefficient().isZero()) {
        groups.computeIfAbsent(t.coefficient(), k -> new ArrayList<>()).add(t.factors());
      }
    }
    groupCoeff = groups.keySet().toArray(new Ext2[0]);
    groupTerms = new int[groupCoeff.length][][];
    int g = 0;
    for (List<int[]> ts : groups.values()) {
      groupTerms[g++] = ts.toArray(new int[0][]);
    }
    cur = new long[numTables][];
    curExt = new boolean[numTables];
    spare = new long[numTables][2][];
    for (int j = 0; j < numTables; j++) {
      cur[j] = vp.table(j);
      curExt[j] = vp.isExt(j);
    }
    len = 1 << n;
    if (z != null && n > 0) {
      int m = n - 1;
      if (m >= SPLIT_EQ_MIN_VARS) {
        loBits = m / 2;
        eqLo = eqTable(Arrays.copyOfRange(z, 1, 1 + loBits));
        eqHi = eqTable(Arrays.copyOfRange(z, 1 + loBits, n));
      } else {
        eq = eqTable(Arrays.copyOfRange(z, 1, n));
      }
    }
  }

  /** An engine for vp with a mask that must have its variables and round degree. */
  static RoundEngine masked(VirtualPolynomial vp, MaskPolynomial mask) {
    RoundEngine e = new RoundEngine(vp);
    if (mask.numVars() != e.n || (e.n > 0 && mask.degree() != e.roundDegree)) {
      throw new IllegalArgumentException(
          "mask has "
              + mask.numVars()
              + " variables of degree "
              + mask.degree()
              + ", the sumcheck "
              + e.n
              + " of degree "
              + e.roundDegree);
    }
    return e;
  }

  /** eq(z_<i, r_<i): the factor the bound variables left on the eq part. */
  private Ext2 alpha = Ext2.ONE;

  /**
   * Round i's polynomial of f alone at 0, 2, ..., D (g(1) follows from {@code current}, the claim
   * on f's sum left by the rounds before): without an eq factor, the sums at those points; with
   * one, q(X) = sum_x' eq(z_>i, x') C(r, X, x') at d points (q(1) derived from the claim, Gruen)
   * times alpha eq(z_i, X).
   */
  Ext2[] roundPolynomial(int i, Ext2 current) {
    if (z == null) {
      return sums(messagePoints(roundDegree));
    }
    Ext2 zi = z[i];
    Ext2 oneMinusZ = Ext2.ONE.sub(zi);
    boolean derive = d >= 1 && !zi.isZero() && !alpha.isZero();
    int[] pts = qPoints(d, derive);
    Ext2[] qs = sums(pts);
    Ext2[] q = new Ext2[d + 1];
    for (int p = 0; p < pts.length; p++) {
      q[pts[p]] = qs[p];
    }
    if (derive) {
      q[1] = current.mul(alpha.inv()).sub(oneMinusZ.mul(q[0])).mul(zi.inv());
    }
    // g(X) = alpha * eq(z_i, X) * q(X) at X = 0, 2, ..., d + 1 (or just 0 when d = 0)
    Ext2[] qExt = RoundPolynomial.extendByOne(q);
    Ext2[] message = new Ext2[roundDegree];
    for (int m = 0; m < roundDegree; m++) {
      int x = m == 0 ? 0 : m + 1;
      Ext2 eqX = oneMinusZ.add(zi.sub(oneMinusZ).mul(Ext2.of(x))); // (1-z)(1-X) + zX
      message[m] = alpha.mul(eqX).mul(qExt[x]);
    }
    return message;
  }

  /** Binds variable i to r: the tables fold, the eq part moves r into alpha. */
  void bind(int i, Ext2 r) {
    fold(r);
    if (z != null) {
      Ext2 zi = z[i];
      alpha = alpha.mul(Ext2.ONE.sub(zi).sub(r).add(zi.mul(r)).add(zi.mul(r)));
      if (i + 1 < n) {
        halveEq();
      }
    }
  }

  /** The tables' values at the bound point (after n binds). */
  Ext2[] evaluations() {
    Ext2[] evals = new Ext2[numTables];
    for (int j = 0; j < numTables; j++) {
      evals[j] = curExt[j] ? new Ext2(cur[j][0], cur[j][1]) : Ext2.of(cur[j][0]);
    }
    return evals;
  }

  static long[] eqTable(Ext2[] r) {
    return io.zkaudit.prover.poly.EqTables.table(r);
  }

  /** Points 0, 2, 3, ..., D of a round message. */
  static int[] messagePoints(int degree) {
    int[] pts = new int[degree];
    for (int m = 0; m < degree; m++) {
      pts[m] = m == 0 ? 0 : m + 1;
    }
    return pts;
  }

  /** Points 0..d where q is computed directly; 1 is skipped when it can be derived. */
  static int[] qPoints(int d, boolean derive) {
    int[] pts = new int[derive ? d : d + 1];
    int k = 0;
    for (int x = 0; x <= d; x++) {
      if (x != 1 || !derive) {
        pts[k++] = x;
      }
    }
    return pts;
  }

  /** Called after the fold: eq(z_>i, .) (len entries) becomes eq(z_>i+1, .), len/2. */
  void halveEq() {
    if (eqLo != null) {
      int h = 1 << (loBits - 1);
      for (int k = 0; k < h; k++) {
        eqLo[2 * k] = add(eqLo[4 * k], eqLo[4 * k + 2]);
        eqLo[2 * k + 1] = add(eqLo[4 * k + 1], eqLo[4 * k + 3]);
      }
      loBits--;
      if ((1 << loBits) < BLOCK) { // materialise the (now small) product table
        int lo = 1 << loBits;
        int size = lo * (eqHi.length >>> 1);
        eq = new long[2 * size];
        for (int k = 0; k < size; k++) {
          int a = k & (lo - 1);
          int b = k >>> loBits;
          long x0 = eqLo[2 * a];
          long x1 = eqLo[2 * a + 1];
          long y0 = eqHi[2 * b];
          long y1 = eqHi[2 * b + 1];
          eq[2 * k] = FastField.dot2(x0, y0, x1, FastField.mulW(y1), 0);
          eq[2 * k + 1] = FastField.dot2(x0, y1, x1, y0, 0);
        }
        eqLo = null;
        eqHi = null;
      }
      return;
    }
    int half = len >>> 1;
    for (int k = 0; k < half; k++) {
      eq[2 * k] = add(eq[4 * k], eq[4 * k + 2]);
      eq[2 * k + 1] = add(eq[4 * k + 1], eq[4 * k + 3]);
    }
  }

  // ----------------------------------------------------------------------------------------
  // Round sums

  /** For each point X: sum over pairs k of [eq(k)] * sum_g c_g sum_{t in g} prod f_j(X, k). */
  Ext2[] sums(int[] pts) {
    int pairs = len >>> 1;
    int groups = groupCoeff.length;
    long[] acc;
    if (pairs < PARALLEL_THRESHOLD) {
      acc = kernel(pts, 0, pairs);
    } else {
      int chunks = Math.min(pairs / (PARALLEL_THRESHOLD / 2), 64);
      int per = pairs / chunks;
      acc =
          Parallel.mapReduce(
              chunks,
              c -> kernel(pts, c * per, c == chunks - 1 ? pairs : (c + 1) * per),
              RoundEngine::addVectors);
    }
    Ext2[] out = new Ext2[pts.length];
    for (int p = 0; p < pts.length; p++) {
      Ext2 s = Ext2.ZERO;
      for (int g = 0; g < groups; g++) {
        int o = 2 * (g * pts.length + p);
        s = s.add(groupCoeff[g].mul(new Ext2(acc[o], acc[o + 1])));
      }
      out[p] = s;
    }
    return out;
  }

  static long[] addVectors(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] = add(a[i], b[i]);
    }
    return a;
  }

  /** Pairs per block of the columnar kernel (a power of two; chunks are aligned to it). */
  private static final int BLOCK = 64;

  /** From this many eq variables on, eq(z_>i, .) is kept as two half-size tables. */
  static final int SPLIT_EQ_MIN_VARS = 14;

  /**
   * Accumulators acc[2 (g * P + p) + {0,1}] over pairs [k0, k1). Columnar: for a block of pairs,
   * every table's values at every point are laid out in arrays, then each term multiplies whole
   * arrays (tight loops, base x base / base x ext / ext x ext as the operands require).
   */
  long[] kernel(int[] pts, int k0, int k1) {
    int np = pts.length;
    int maxPt = 0;
    for (int p : pts) {
      maxPt = Math.max(maxPt, p);
    }
    int[] slotOf = new int[maxPt + 1]; // point value -> slot, or -1
    Arrays.fill(slotOf, -1);
    for (int p = 0; p < np; p++) {
      slotOf[pts[p]] = p;
    }
    int groups = groupCoeff.length;
    long[] acc = new long[2 * groups * np];
    long[][][] v0 = new long[numTables][np][BLOCK];
    long[][][] v1 = new long[numTables][np][];
    for (int j = 0; j < numTables; j++) {
      if (curExt[j]) {
        for (int p = 0; p < np; p++) {
          v1[j][p] = new long[BLOCK];
        }
      }
    }
    long[] lo0 = new long[BLOCK];
    long[] lo1 = new long[BLOCK];
    long[] d0 = new long[BLOCK];
    long[] d1 = new long[BLOCK];
    long[] pr0 = new long[BLOCK];
    long[] pr1 = new long[BLOCK];
    long[] g0 = new long[BLOCK];
    long[] g1 = new long[BLOCK];
    for (int kb = k0; kb < k1; kb += BLOCK) {
      int nb = Math.min(BLOCK, k1 - kb);
      // 1. table values at the points
      for (int j = 0; j < numTables; j++) {
        long[] t = cur[j];
        if (curExt[j]) {
          for (int b = 0; b < nb; b++) {
            int k = kb + b;
            long a0 = t[4 * k];
            long a1 = t[4 * k + 1];
            lo0[b] = a0;
            lo1[b] = a1;
            d0[b] = sub(t[4 * k + 2], a0);
            d1[b] = sub(t[4 * k + 3], a1);
          }
          for (int pt = 0; pt <= maxPt; pt++) {
            int slot = slotOf[pt];
            if (slot >= 0) {
              System.arraycopy(lo0, 0, v0[j][slot], 0, nb);
              System.arraycopy(lo1, 0, v1[j][slot], 0, nb);
            }
            if (pt < maxPt) {
              for (int b = 0; b < nb; b++) {
                lo0[b] = add(lo0[b], d0[b]);
                lo1[b] = add(lo1[b], d1[b]);
              }
            }
          }
        } else {
          for (int b = 0; b < nb; b++) {
            int k = kb + b;
            long a0 = t[2 * k];
            lo0[b] = a0;
            d0[b] = sub(t[2 * k + 1], a0);
          }
          for (int pt = 0; pt <= maxPt; pt++) {
            int slot = slotOf[pt];
            if (slot >= 0) {
              System.arraycopy(lo0, 0, v0[j][slot], 0, nb);
            }
            if (pt < maxPt) {
              for (int b = 0; b < nb; b++) {
                lo0[b] = add(lo0[b], d0[b]);
              }
            }
          }
        }
      }
      // 2. per group and point: sum of the term products, weighted by eq, accumulated
      for (int g = 0; g < groups; g++) {
        int[][] ts = groupTerms[g];
        for (int p = 0; p < np; p++) {
          boolean gExt = false;
          Arrays.fill(g0, 0, nb, 0);
          for (int[] f : ts) {
            boolean e;
            if (f.length == 0) {
              Arrays.fill(pr0, 0, nb, 1);
              e = false;
            } else {
              e = curExt[f[0]];
              System.arraycopy(v0[f[0]][p], 0, pr0, 0, nb);
              if (e) {
                System.arraycopy(v1[f[0]][p], 0, pr1, 0, nb);
              }
              for (int q = 1; q < f.length; q++) {
                int j = f[q];
                if (curExt[j]) {
                  if (e) {
                    mulExtExt(pr0, pr1, v0[j][p], v1[j][p], nb);
                  } else {
                    mulBaseExt(pr0, pr1, v0[j][p], v1[j][p], nb);
                    e = true;
                  }
                } else if (e) {
                  mulExtBase(pr0, pr1, v0[j][p], nb);
                } else {
                  mulBaseBase(pr0, v0[j][p], nb);
                }
              }
            }
            for (int b = 0; b < nb; b++) {
              g0[b] = add(g0[b], pr0[b]);
            }
            if (e) {
              if (!gExt) {
                System.arraycopy(pr1, 0, g1, 0, nb);
                gExt = true;
              } else {
                for (int b = 0; b < nb; b++) {
                  g1[b] = add(g1[b], pr1[b]);
                }
              }
            }
          }
          int o = 2 * (g * np + p);
          if (z == null) {
            acc[o] = add(acc[o], sumArray(g0, nb));
            if (gExt) {
              acc[o + 1] = add(acc[o + 1], sumArray(g1, nb));
            }
          } else {
            long s0;
            long s1;
            long[] e = eqLo != null ? eqLo : eq;
            int off = eqLo != null ? kb & ((1 << loBits) - 1) : kb;
            if (gExt) {
              s0 = dotExtC0(e, off, g0, g1, nb);
              s1 = dotExtC1(e, off, g0, g1, nb);
            } else {
              s0 = dotBase(e, off, 0, g0, nb);
              s1 = dotBase(e, off, 1, g0, nb);
            }
            if (eqLo != null) { // the block's common high factor
              int h = kb >>> loBits;
              long y0 = eqHi[2 * h];
              long y1 = eqHi[2 * h + 1];
              long t0 = FastField.dot2(s0, y0, s1, FastField.mulW(y1), 0);
              s1 = FastField.dot2(s0, y1, s1, y0, 0);
              s0 = t0;
            }
            acc[o] = add(acc[o], s0);
            acc[o + 1] = add(acc[o + 1], s1);
          }
        }
      }
    }
    return acc;
  }

  private static void mulBaseBase(long[] a, long[] b, int nb) {
    for (int i = 0; i < nb; i++) {
      a[i] = mul(a[i], b[i]);
    }
  }

  private static void mulExtBase(long[] a0, long[] a1, long[] b, int nb) {
    for (int i = 0; i < nb; i++) {
      a0[i] = mul(a0[i], b[i]);
      a1[i] = mul(a1[i], b[i]);
    }
  }

  private static void mulBaseExt(long[] a0, long[] a1, long[] b0, long[] b1, int nb) {
    for (int i = 0; i < nb; i++) {
      long a = a0[i];
      a0[i] = mul(a, b0[i]);
      a1[i] = mul(a, b1[i]);
    }
  }

  private static void mulExtExt(long[] a0, long[] a1, long[] b0, long[] b1, int nb) {
    for (int i = 0; i < nb; i++) {
      long x0 = a0[i];
      long x1 = a1[i];
      long y0 = b0[i];
      long y1 = b1[i];
      a0[i] = FastField.dot2(x0, y0, x1, FastField.mulW(y1), 0);
      a1[i] = FastField.dot2(x0, y1, x1, y0, 0);
    }
  }

  /** Sum of nb canonical values with one reduction (carries are counted, then folded in). */
  private static long sumArray(long[] a, int nb) {
    long lo = 0;
    long hi = 0;
    for (int i = 0; i < nb; i++) {
      long s = lo + a[i];
      hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
      lo = s;
    }
    return io.zkaudit.field.Goldilocks.reduce128(hi, lo);
  }

  /** Coordinate c of sum_b eq[kb + b] * g[b] for a base vector g (two products per reduction). */
  private static long dotBase(long[] e, int kb, int c, long[] g, int nb) {
    long s = 0;
    int b = 0;
    for (; b + 1 < nb; b += 2) {
      s = FastField.dot2(e[2 * (kb + b) + c], g[b], e[2 * (kb + b + 1) + c], g[b + 1], s);
    }
    if (b < nb) {
      s = FastField.dot2(e[2 * (kb + b) + c], g[b], 0, 0, s);
    }
    return s;
  }

  /** Coordinate 0 of sum_b eq[kb + b] * (g0[b] + g1[b] u): sum e0 g0 + 7 sum e1 g1. */
  private static long dotExtC0(long[] e, int kb, long[] g0, long[] g1, int nb) {
    long s = 0;
    long t = 0;
    int b = 0;
    for (; b + 1 < nb; b += 2) {
      int k = 2 * (kb + b);
      s = FastField.dot2(e[k], g0[b], e[k + 2], g0[b + 1], s);
      t = FastField.dot2(e[k + 1], g1[b], e[k + 3], g1[b + 1], t);
    }
    if (b < nb) {
      int k = 2 * (kb + b);
      s = FastField.dot2(e[k], g0[b], 0, 0, s);
      t = FastField.dot2(e[k + 1], g1[b], 0, 0, t);
    }
    return add(s, FastField.mulW(t));
  }

  /** Coordinate 1: sum e0 g1 + e1 g0. */
  private static long dotExtC1(long[] e, int kb, long[] g0, long[] g1, int nb) {
    long s = 0;
    for (int b = 0; b < nb; b++) {
      int k = 2 * (kb + b);
      s = FastField.dot2(e[k], g1[b], e[k + 1], g0[b], s);
    }
    return s;
  }

  // ----------------------------------------------------------------------------------------
  // Folding

  void fold(Ext2 r) {
    int half = len >>> 1;
    long r0 = r.c0();
    long r1 = r.c1();
    for (int j = 0; j < numTables; j++) {
      long[] src = cur[j];
      boolean srcExt = curExt[j];
      long[] dst = buffer(j, half);
      if (half < PARALLEL_THRESHOLD) {
        foldRange(src, srcExt, dst, r0, r1, 0, half);
      } else {
        int chunks = Math.min(half / (PARALLEL_THRESHOLD / 2), 64);
        int per = half / chunks;
        Parallel.forEach(
            chunks,
            c ->
                foldRange(
                    src, srcExt, dst, r0, r1, c * per, c == chunks - 1 ? half : (c + 1) * per));
      }
      cur[j] = dst;
      curExt[j] = true;
    }
    len = half;
  }

  /**
   * A destination for table j with at least {@code entries} extension entries, never the source.
   */
  private long[] buffer(int j, int entries) {
    long[][] s = spare[j];
    for (int b = 0; b < 2; b++) {
      if (s[b] != null && s[b] != cur[j] && s[b].length >= 2 * entries) {
        return s[b];
      }
    }
    long[] fresh = new long[2 * entries];
    if (s[0] == null || s[0] == cur[j]) {
      if (s[0] == null) {
        s[0] = fresh;
      } else {
        s[1] = fresh;
      }
    } else {
      s[1] = fresh;
    }
    return fresh;
  }

  private static void foldRange(
      long[] src, boolean srcExt, long[] dst, long r0, long r1, int k0, int k1) {
    if (!srcExt) {
      for (int k = k0; k < k1; k++) {
        long lo = src[2 * k];
        long diff = sub(src[2 * k + 1], lo);
        dst[2 * k] = add(lo, mul(r0, diff));
        dst[2 * k + 1] = mul(r1, diff);
      }
    } else {
      long r1w = FastField.mulW(r1);
      for (int k = k0; k < k1; k++) {
        long lo0 = src[4 * k];
        long lo1 = src[4 * k + 1];
        long d0 = sub(src[4 * k + 2], lo0);
        long d1 = sub(src[4 * k + 3], lo1);
        dst[2 * k] = FastField.dot2(r0, d0, r1w, d1, lo0);
        dst[2 * k + 1] = FastField.dot2(r0, d1, r1, d0, lo1);
      }
    }
  }
}

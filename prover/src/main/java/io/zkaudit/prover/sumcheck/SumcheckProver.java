package io.zkaudit.prover.sumcheck;

import static io.zkaudit.field.Goldilocks.add;
import static io.zkaudit.field.Goldilocks.mul;
import static io.zkaudit.field.Goldilocks.sub;

import io.zkaudit.field.Ext2;
import io.zkaudit.poly.Mle;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.RoundPolynomial;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.sumcheck.Term;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The sumcheck prover for a {@link VirtualPolynomial}; the transcript protocol is the one
 * {@link SumcheckVerifier} documents.
 *
 * <p>Optimisations: tables stay in the base field until variable 0 is bound (round 0 multiplies in
 * the base field, then the fold by the extension challenge turns them into extension tables);
 * g(1) is never sent; the eq factor is never folded as a table: with z split at the bound variable,
 * eq(z, (r, X, x')) = eq(z_<i, r) * eq(z_i, X) * eq(z_>i, x'), so the prover sums only the
 * degree-d part q(X) = sum_x' eq(z_>i, x') C(r, X, x') at d points and multiplies by the linear
 * eq(z_i, X) afterwards, deriving q(1) from the running claim (Gruen's trick, eprint 2024/108);
 * eq(z_>i, .) is one table, halved in place every round by summing pairs. Terms with equal
 * coefficients are summed before they are weighted. Rounds and folds run over 2 threads in chunks
 * (parallel streams), and folds ping-pong between two buffers per table, so memory stays within
 * the inputs plus 3/4 of their size in the extension.
 */
public final class SumcheckProver {
  private SumcheckProver() {}

  /** Below this many pairs a round runs on one thread. */
  private static final int PARALLEL_THRESHOLD = 1 << 12;

  /** The proof and what it reduces to: point r and the evaluations f_j(r) (already absorbed). */
  public record Output(SumcheckProof proof, Ext2[] point, Ext2[] evaluations) {
    public Output {
      point = point.clone();
      evaluations = evaluations.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }

    @Override
    public Ext2[] evaluations() {
      return evaluations.clone();
    }

    public Ext2 evaluation(int table) {
      return evaluations[table];
    }
  }

  /** Proves {@code sum_x [eq(z,x)] C(f(x)) = claim}; the claim must be the true sum. */
  public static Output prove(VirtualPolynomial vp, Ext2 claim, Transcript transcript) {
    return new Engine(vp).run(claim, transcript);
  }

  private static final class Engine {
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
    long[] eq; // eq(z_>i, .) as interleaved ext, length 2*len/2 entries used

    Engine(VirtualPolynomial vp) {
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
    }

    Output run(Ext2 claim, Transcript transcript) {
      transcript.absorbField(SumcheckVerifier.SHAPE, n, roundDegree);
      transcript.absorbExt(SumcheckVerifier.CLAIM, claim);
      if (z != null && n > 0) {
        eq = Mle.eqTable(Arrays.copyOfRange(z, 1, n));
      }
      Ext2 alpha = Ext2.ONE; // eq(z_<i, r_<i)
      Ext2 current = claim;
      Ext2[][] rounds = new Ext2[n][];
      Ext2[] point = new Ext2[n];
      for (int i = 0; i < n; i++) {
        Ext2[] message;
        if (z == null) {
          int[] pts = messagePoints(roundDegree);
          Ext2[] g = sums(pts);
          message = g;
        } else {
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
          message = new Ext2[roundDegree];
          for (int m = 0; m < roundDegree; m++) {
            int x = m == 0 ? 0 : m + 1;
            Ext2 eqX = oneMinusZ.add(zi.sub(oneMinusZ).mul(Ext2.of(x))); // (1-z)(1-X) + zX
            message[m] = alpha.mul(eqX).mul(qExt[x]);
          }
        }
        rounds[i] = message;
        transcript.absorbExt(SumcheckVerifier.ROUND, message);
        Ext2 r = transcript.challengeExt(SumcheckVerifier.CHALLENGE);
        point[i] = r;
        current = RoundPolynomial.evaluate(RoundPolynomial.withDerivedOne(message, current), r);
        fold(r);
        if (z != null) {
          Ext2 zi = z[i];
          alpha = alpha.mul(Ext2.ONE.sub(zi).sub(r).add(zi.mul(r)).add(zi.mul(r)));
          if (i + 1 < n) {
            halveEq();
          }
        }
      }
      Ext2[] evals = new Ext2[numTables];
      for (int j = 0; j < numTables; j++) {
        evals[j] = curExt[j] ? new Ext2(cur[j][0], cur[j][1]) : Ext2.of(cur[j][0]);
      }
      transcript.absorbExt(SumcheckVerifier.EVALUATIONS, evals);
      return new Output(new SumcheckProof(rounds, evals), point, evals);
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

    /** Called after the fold: eq has len entries (eq(z_>i, .)); it becomes eq(z_>i+1, .), len/2. */
    void halveEq() {
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
        acc = IntStream.range(0, chunks).parallel()
            .mapToObj(c -> kernel(pts, c * per, c == chunks - 1 ? pairs : (c + 1) * per))
            .reduce(Engine::addVectors).orElseThrow();
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

    /** Accumulators acc[2 (g * P + p) + {0,1}] over pairs [k0, k1). */
    long[] kernel(int[] pts, int k0, int k1) {
      int np = pts.length;
      int maxPt = 0;
      for (int p : pts) {
        maxPt = Math.max(maxPt, p);
      }
      boolean allBase = true;
      for (boolean e : curExt) {
        allBase &= !e;
      }
      long[] acc = new long[2 * groupCoeff.length * np];
      if (allBase && eq == null) {
        kernelBase(pts, maxPt, k0, k1, acc);
      } else {
        kernelExt(pts, maxPt, k0, k1, acc);
      }
      return acc;
    }

    /** All tables in the base field and no eq: products stay in the base field. */
    private void kernelBase(int[] pts, int maxPt, int k0, int k1, long[] acc) {
      int np = pts.length;
      int groups = groupCoeff.length;
      long[] v = new long[numTables * np];
      long[] sum = new long[groups * np];
      long[][] tabs = cur;
      for (int k = k0; k < k1; k++) {
        for (int j = 0; j < numTables; j++) {
          long lo = tabs[j][2 * k];
          long hi = tabs[j][2 * k + 1];
          long diff = sub(hi, lo);
          long x = lo;
          int p = 0;
          for (int pt = 0; pt <= maxPt && p < np; pt++) {
            if (pts[p] == pt) {
              v[j * np + p] = x;
              p++;
            }
            x = add(x, diff);
          }
        }
        for (int g = 0; g < groups; g++) {
          int[][] ts = groupTerms[g];
          for (int p = 0; p < np; p++) {
            long s = 0;
            for (int[] f : ts) {
              long prod = 1;
              if (f.length > 0) {
                prod = v[f[0] * np + p];
                for (int q = 1; q < f.length; q++) {
                  prod = mul(prod, v[f[q] * np + p]);
                }
              }
              s = add(s, prod);
            }
            sum[g * np + p] = add(sum[g * np + p], s);
          }
        }
      }
      for (int i = 0; i < sum.length; i++) {
        acc[2 * i] = sum[i];
      }
    }

    /** The general case: extension arithmetic (base tables read with a zero second coordinate). */
    private void kernelExt(int[] pts, int maxPt, int k0, int k1, long[] acc) {
      int np = pts.length;
      int groups = groupCoeff.length;
      long[] v0 = new long[numTables * np];
      long[] v1 = new long[numTables * np];
      long[][] tabs = cur;
      boolean[] ext = curExt;
      long[] e = eq;
      for (int k = k0; k < k1; k++) {
        for (int j = 0; j < numTables; j++) {
          long[] t = tabs[j];
          long lo0;
          long lo1;
          long d0;
          long d1;
          if (ext[j]) {
            lo0 = t[4 * k];
            lo1 = t[4 * k + 1];
            d0 = sub(t[4 * k + 2], lo0);
            d1 = sub(t[4 * k + 3], lo1);
          } else {
            lo0 = t[2 * k];
            lo1 = 0;
            d0 = sub(t[2 * k + 1], lo0);
            d1 = 0;
          }
          int p = 0;
          for (int pt = 0; pt <= maxPt && p < np; pt++) {
            if (pts[p] == pt) {
              v0[j * np + p] = lo0;
              v1[j * np + p] = lo1;
              p++;
            }
            lo0 = add(lo0, d0);
            lo1 = add(lo1, d1);
          }
        }
        long e0 = 1;
        long e1 = 0;
        if (e != null) {
          e0 = e[2 * k];
          e1 = e[2 * k + 1];
        }
        for (int g = 0; g < groups; g++) {
          int[][] ts = groupTerms[g];
          for (int p = 0; p < np; p++) {
            long s0 = 0;
            long s1 = 0;
            for (int[] f : ts) {
              long a0 = 1;
              long a1 = 0;
              if (f.length > 0) {
                a0 = v0[f[0] * np + p];
                a1 = v1[f[0] * np + p];
                for (int q = 1; q < f.length; q++) {
                  long b0 = v0[f[q] * np + p];
                  long b1 = v1[f[q] * np + p];
                  long c0 = add(mul(a0, b0), mul(7, mul(a1, b1)));
                  long c1 = add(mul(a0, b1), mul(a1, b0));
                  a0 = c0;
                  a1 = c1;
                }
              }
              s0 = add(s0, a0);
              s1 = add(s1, a1);
            }
            if (e != null) {
              long c0 = add(mul(s0, e0), mul(7, mul(s1, e1)));
              long c1 = add(mul(s0, e1), mul(s1, e0));
              s0 = c0;
              s1 = c1;
            }
            int o = 2 * (g * np + p);
            acc[o] = add(acc[o], s0);
            acc[o + 1] = add(acc[o + 1], s1);
          }
        }
      }
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
          IntStream.range(0, chunks).parallel().forEach(c ->
              foldRange(src, srcExt, dst, r0, r1, c * per, c == chunks - 1 ? half : (c + 1) * per));
        }
        cur[j] = dst;
        curExt[j] = true;
      }
      len = half;
    }

    /** A destination for table j with at least {@code entries} extension entries, never the source. */
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

    private static void foldRange(long[] src, boolean srcExt, long[] dst, long r0, long r1, int k0, int k1) {
      if (!srcExt) {
        for (int k = k0; k < k1; k++) {
          long lo = src[2 * k];
          long diff = sub(src[2 * k + 1], lo);
          dst[2 * k] = add(lo, mul(r0, diff));
          dst[2 * k + 1] = mul(r1, diff);
        }
      } else {
        for (int k = k0; k < k1; k++) {
          long lo0 = src[4 * k];
          long lo1 = src[4 * k + 1];
          long d0 = sub(src[4 * k + 2], lo0);
          long d1 = sub(src[4 * k + 3], lo1);
          dst[2 * k] = add(lo0, add(mul(r0, d0), mul(7, mul(r1, d1))));
          dst[2 * k + 1] = add(lo1, add(mul(r0, d1), mul(r1, d0)));
        }
      }
    }
  }
}

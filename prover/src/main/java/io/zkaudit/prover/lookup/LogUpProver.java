package io.zkaudit.prover.lookup;

import static io.zkaudit.field.Goldilocks.add;
import static io.zkaudit.field.Goldilocks.mul;
import static io.zkaudit.field.Goldilocks.sub;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.field.FastField;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The logUp-GKR prover: the protocol {@link io.zkaudit.lookup.LogUpVerifier} documents.
 *
 * <pre>{@code
 * LookupStatement st = LookupStatement.of(Lookup.of(LookupTable.range(16), Group.full(23)));
 * LookupWitness w = LookupWitness.compute(st.lookups().get(0), List.of(new long[][] {values}));
 * // commit values and w.multiplicities(), absorb the commitments into the transcript, then:
 * LogUpProver.Output out = LogUpProver.prove(st, List.of(w), transcript);
 * // out.claims(): m(r_m) and w(r_w) evaluation claims to open against the commitments.
 * }</pre>
 */
public final class LogUpProver {
  private LogUpProver() {}

  private static final int PARALLEL_THRESHOLD = 1 << 12;

  public record Output(LogUpProof proof, LookupClaims claims) {}

  /** One layer of a fraction tree, split by its top variable: p (null = all ones; base or ext), q (ext). */
  private static final class Layer {
    long[] pLo;
    long[] pHi;
    boolean pExt;
    long[] qLo;
    long[] qHi;
  }

  public static Output prove(LookupStatement statement, List<LookupWitness> witnesses, Transcript transcript) {
    return prove(statement, witnesses, transcript, null);
  }

  /** Proves in zero knowledge when masks is not null: one Libra mask per GKR layer, in order. */
  public static Output prove(LookupStatement statement, List<LookupWitness> witnesses, Transcript transcript,
      io.zkaudit.prover.zk.MaskSupply masks) {
    if (witnesses.size() != statement.lookups().size()) {
      throw new IllegalArgumentException(witnesses.size() + " witnesses for " + statement.lookups().size() + " lookups");
    }
    List<LogUpLayout.Instance> inst = LogUpLayout.instances(statement);
    int maxN = LogUpLayout.maxVars(inst);
    LogUpLayout.absorbShape(statement, transcript);
    Ext2 beta = transcript.challengeExt(LogUpLayout.BETA);
    Ext2 alpha = transcript.challengeExt(LogUpLayout.ALPHA);

    LogUpBlinding plan = statement.blinded() ? LogUpBlinding.of(statement) : null;
    Ext2 tagWeight = Ext2.ZERO;
    // Leaves and every layer of every tree (layers[i][l] for l = 1..n_i; the root separately).
    Layer[][] layers = new Layer[inst.size()][];
    Ext2[] p = new Ext2[inst.size()];
    Ext2[] q = new Ext2[inst.size()];
    long[][][] witnessColumns = new long[inst.size()][][];
    for (int i = 0; i < inst.size(); i++) {
      LogUpLayout.Instance in = inst.get(i);
      LookupStatement.Lookup lk = statement.lookups().get(in.lookup());
      LookupWitness w = witnesses.get(in.lookup());
      if (plan != null && w.blinding() == null) {
        throw new IllegalArgumentException("a blinded statement needs blinded witnesses");
      }
      tagWeight = beta.pow(lk.table().width());
      long[] pLeaf;
      long[][] cols;
      long[] tagged = new long[0];
      if (in.isTable()) {
        if (w.multiplicities().length != lk.table().size()) {
          throw new IllegalArgumentException("multiplicity column of " + w.multiplicities().length + " entries");
        }
        pLeaf = w.committedMultiplicities();
        cols = tableColumns(lk.table());
        if (plan != null) {
          cols = concat(cols, w.blinding().tableTuples());
          tagged = new long[lk.table().size()];
          for (int y = 0; y < tagged.length; y++) {
            tagged[y] = lk.table().size() + y;
          }
        }
      } else {
        cols = w.groups().get(in.group());
        LookupWitness.checkShape(cols, lk.groups().get(in.group()), lk.table().width());
        witnessColumns[i] = cols;
        pLeaf = in.leafNumeratorIsOne() ? null : in.shape().selectorTable();
        if (plan != null) {
          tagged = plan.rows(in.lookup(), in.group());
          long[] b = w.blinding().numerators()[in.group()];
          for (int k = 0; k < tagged.length; k++) {
            pLeaf[(int) tagged[k]] = b[k];
          }
        }
      }
      layers[i] = buildTree(in.numVars(), pLeaf, cols, alpha, beta, p, q, i, tagged, tagWeight);
    }
    Ext2[] roots = new Ext2[2 * inst.size()];
    for (int i = 0; i < inst.size(); i++) {
      roots[2 * i] = p[i];
      roots[2 * i + 1] = q[i];
    }
    transcript.absorbExt(LogUpLayout.ROOTS, roots);
    Ext2[] rootP = p.clone();
    Ext2[] rootQ = q.clone();

    int groups = (int) inst.stream().filter(x -> !x.isTable()).count();
    Ext2[][] witnessEvals = new Ext2[groups][];
    int[] ordinal = new int[inst.size()];
    int g = 0;
    for (int i = 0; i < inst.size(); i++) {
      ordinal[i] = inst.get(i).isTable() ? -1 : g++;
    }
    Ext2[][] finalPoint = new Ext2[inst.size()][];
    Blinded blinded = plan == null ? null : new Blinded(plan, witnesses, groups, statement.lookups().size());
    Ext2[] point = new Ext2[0];
    for (int i = 0; i < inst.size(); i++) {
      if (inst.get(i).numVars() == 0) {
        finish(inst.get(i), i, point, witnessColumns, witnessEvals, ordinal, finalPoint, blinded, transcript);
      }
    }
    List<SumcheckProof> layerProofs = new ArrayList<>();
    List<Ext2> maskValues = new ArrayList<>();
    for (int layer = 1; layer <= maxN; layer++) {
      List<Integer> active = new ArrayList<>();
      for (int i = 0; i < inst.size(); i++) {
        if (inst.get(i).numVars() >= layer) {
          active.add(i);
        }
      }
      List<LogUpLayout.Instance> activeInst = active.stream().map(inst::get).toList();
      Ext2 lambda = transcript.challengeExt(LogUpLayout.LAMBDA);
      Composition comp = LogUpLayout.layerComposition(activeInst, layer, lambda);
      VirtualPolynomial vp = new VirtualPolynomial(layer - 1);
      for (int i : active) {
        Layer lay = layers[i][layer];
        if (!inst.get(i).omitsP(layer)) {
          if (lay.pExt) {
            vp.addExt(lay.pLo);
            vp.addExt(lay.pHi);
          } else {
            vp.addBase(lay.pLo);
            vp.addBase(lay.pHi);
          }
        }
        vp.addExt(lay.qLo);
        vp.addExt(lay.qHi);
        layers[i][layer] = null; // released once the sumcheck has folded it
      }
      vp.addTerms(comp);
      vp.setEq(point);
      Ext2[] ap = active.stream().map(i -> p[i]).toArray(Ext2[]::new);
      Ext2[] aq = active.stream().map(i -> q[i]).toArray(Ext2[]::new);
      Ext2 claim = LogUpLayout.layerClaim(ap, aq, lambda);
      SumcheckProver.Output out = masks == null ? SumcheckProver.prove(vp, claim, transcript)
          : masks.prove(vp, claim, maskValues, transcript);
      layerProofs.add(out.proof());
      Ext2[] outPoint = out.point();
      Ext2[] e = out.evaluations();
      Ext2 rho = transcript.challengeExt(LogUpLayout.RHO);
      LogUpLayout.bindSibling(active, activeInst, layer, e, rho, p, q);
      point = Arrays.copyOf(outPoint, layer);
      point[layer - 1] = rho;
      for (int i : active) {
        if (inst.get(i).numVars() == layer) {
          finish(inst.get(i), i, point, witnessColumns, witnessEvals, ordinal, finalPoint, blinded, transcript);
        }
      }
    }

    List<LookupClaims.EvaluationClaim> ms = new ArrayList<>();
    List<List<LookupClaims.WitnessClaim>> ws = new ArrayList<>();
    for (int l = 0; l < statement.lookups().size(); l++) {
      ws.add(new ArrayList<>());
    }
    for (int i = 0; i < inst.size(); i++) {
      if (inst.get(i).isTable()) {
        ms.add(new LookupClaims.EvaluationClaim(finalPoint[i], p[i]));
      } else {
        ws.get(inst.get(i).lookup()).add(new LookupClaims.WitnessClaim(finalPoint[i], witnessEvals[ordinal[i]]));
      }
    }
    LogUpProof proof = blinded == null
        ? new LogUpProof(rootP, rootQ, layerProofs, witnessEvals, maskValues.toArray(Ext2[]::new))
        : new LogUpProof(rootP, rootQ, layerProofs, witnessEvals, maskValues.toArray(Ext2[]::new), blinded.sums,
            blinded.tuples);
    return new Output(proof, new LookupClaims(ms, ws));
  }

  /** What a blinded proof sends at the leaves: per group its blinding sum, per lookup its table's u' values. */
  private static final class Blinded {
    final LogUpBlinding plan;
    final List<LookupWitness> witnesses;
    final Ext2[] sums;
    final Ext2[][] tuples;

    Blinded(LogUpBlinding plan, List<LookupWitness> witnesses, int groups, int lookups) {
      this.plan = plan;
      this.witnesses = witnesses;
      sums = new Ext2[groups];
      tuples = new Ext2[lookups][];
    }
  }

  private static void finish(LogUpLayout.Instance in, int i, Ext2[] point, long[][][] witnessColumns,
      Ext2[][] witnessEvals, int[] ordinal, Ext2[][] finalPoint, Blinded blinded, Transcript transcript) {
    finalPoint[i] = point.clone();
    if (!in.isTable()) {
      long[][] cols = witnessColumns[i];
      Ext2[] values = new Ext2[cols.length];
      for (int c = 0; c < cols.length; c++) {
        values[c] = evaluate(cols[c], point);
      }
      witnessEvals[ordinal[i]] = values;
      transcript.absorbExt(LogUpLayout.WITNESS, values);
      if (blinded != null) {
        long[] rows = blinded.plan.rows(in.lookup(), in.group());
        long[] b = blinded.witnesses.get(in.lookup()).blinding().numerators()[in.group()];
        Ext2 sum = Ext2.ZERO;
        for (int k = 0; k < rows.length; k++) {
          sum = sum.add(LogUpBlinding.eqBoolean(point, rows[k]).mul(Ext2.of(b[k])));
        }
        blinded.sums[ordinal[i]] = sum;
        transcript.absorbExt(LogUpLayout.BLINDING_SUM, sum);
      }
    } else if (blinded != null) {
      Ext2[] rest = Arrays.copyOf(point, blinded.plan.tupleVars(in.lookup()));
      long[][] u = blinded.witnesses.get(in.lookup()).blinding().tableTuples();
      Ext2[] values = new Ext2[u.length];
      for (int c = 0; c < u.length; c++) {
        values[c] = evaluate(u[c], rest);
      }
      blinded.tuples[in.lookup()] = values;
      transcript.absorbExt(LogUpLayout.BLINDING_TUPLE, values);
    }
  }

  /** Columns of twice a's rows: a[c], then b[c] zero-extended to a[c]'s length. */
  static long[][] concat(long[][] a, long[][] b) {
    long[][] out = new long[a.length][];
    for (int c = 0; c < a.length; c++) {
      out[c] = Arrays.copyOf(a[c], 2 * a[c].length);
      System.arraycopy(b[c], 0, out[c], a[c].length, b[c].length);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Leaves

  /** The table's columns as arrays (the leaves' q is then computed like a witness group's). */
  static long[][] tableColumns(LookupTable table) {
    int size = table.size();
    long[][] cols = new long[table.width()][size];
    for (int c = 0; c < cols.length; c++) {
      for (int y = 0; y < size; y++) {
        cols[c][y] = table.valueAt(c, y);
      }
    }
    return cols;
  }

  /** q(x) = alpha - sum_c beta^c cols[c][x] for x in [from, to), interleaved extension. */
  static long[] denominators(long[][] cols, int from, int to, Ext2 alpha, Ext2 beta) {
    long[] out = new long[2 * (to - from)];
    combine(cols, from, to, alpha, beta, out);
    return out;
  }

  /** out[x - from] = alpha - (cols[0][x] + beta cols[1][x] + beta^2 cols[2][x] + ...). */
  private static void combine(long[][] cols, int from, int to, Ext2 alpha, Ext2 beta, long[] out) {
    Ext2[] pows = new Ext2[cols.length];
    pows[0] = Ext2.ONE;
    for (int c = 1; c < cols.length; c++) {
      pows[c] = pows[c - 1].mul(beta);
    }
    long a0 = alpha.c0();
    long a1 = alpha.c1();
    forChunks(to - from, (y0, y1) -> {
      for (int y = y0; y < y1; y++) {
        int x = from + y;
        long s0 = cols[0][x];
        long s1 = 0;
        for (int c = 1; c < cols.length; c++) {
          long v = cols[c][x];
          s0 = add(s0, mul(pows[c].c0(), v));
          s1 = add(s1, mul(pows[c].c1(), v));
        }
        out[2 * y] = sub(a0, s0);
        out[2 * y + 1] = sub(a1, s1);
      }
    });
  }

  // ------------------------------------------------------------------------------------------
  // Trees

  /**
   * Builds layers n..1 of one tree (index = layer) split by the top variable, and writes the root
   * into p[i], q[i]. pLeaf is null (all ones) or a base table; the leaves' q = alpha - compressed(cols).
   */
  private static Layer[] buildTree(int n, long[] pLeaf, long[][] cols, Ext2 alpha, Ext2 beta, Ext2[] p, Ext2[] q,
      int i, long[] tagged, Ext2 tagWeight) {
    Layer[] out = new Layer[n + 1];
    if (n == 0) {
      long[] qLeaf = denominators(cols, 0, 1, alpha, beta);
      subtractTags(qLeaf, null, 1, tagged, tagWeight);
      p[i] = pLeaf == null ? Ext2.ONE : Ext2.of(pLeaf[0]);
      q[i] = new Ext2(qLeaf[0], qLeaf[1]);
      return out;
    }
    int half = 1 << (n - 1);
    Layer leaf = new Layer();
    if (pLeaf != null) {
      leaf.pLo = Arrays.copyOfRange(pLeaf, 0, half);
      leaf.pHi = Arrays.copyOfRange(pLeaf, half, 2 * half);
    }
    leaf.pExt = false;
    leaf.qLo = denominators(cols, 0, half, alpha, beta);
    leaf.qHi = denominators(cols, half, 2 * half, alpha, beta);
    subtractTags(leaf.qLo, leaf.qHi, half, tagged, tagWeight);
    out[n] = leaf;
    for (int l = n; l >= 2; l--) {
      out[l - 1] = parent(out[l], 1 << (l - 1));
    }
    // The root from layer 1 (entries 0 and 1).
    Layer one = out[1];
    Ext2 q0 = new Ext2(one.qLo[0], one.qLo[1]);
    Ext2 q1 = new Ext2(one.qHi[0], one.qHi[1]);
    Ext2 p0 = pValue(one, 0);
    Ext2 p1 = pValue(one, 1);
    p[i] = p0.mul(q1).add(p1.mul(q0));
    q[i] = q0.mul(q1);
    return out;
  }

  /** Tagged leaves (blinding rows) have q = alpha - (compress(w) + beta^width): subtract the tag's term. */
  private static void subtractTags(long[] lo, long[] hi, int half, long[] tagged, Ext2 tagWeight) {
    for (long x : tagged) {
      long[] q = x < half ? lo : hi;
      int k = (int) (x < half ? x : x - half);
      Ext2 v = new Ext2(q[2 * k], q[2 * k + 1]).sub(tagWeight);
      q[2 * k] = v.c0();
      q[2 * k + 1] = v.c1();
    }
  }

  private static Ext2 pValue(Layer l, int hi) {
    if (l.pLo == null) {
      return Ext2.ONE;
    }
    long[] a = hi == 0 ? l.pLo : l.pHi;
    return l.pExt ? new Ext2(a[0], a[1]) : Ext2.of(a[0]);
  }

  /** The layer above a layer whose halves have h entries each: h entries, split into h/2 + h/2. */
  private static Layer parent(Layer c, int h) {
    int hh = h >>> 1;
    Layer out = new Layer();
    out.pExt = true;
    out.pLo = new long[2 * hh];
    out.pHi = new long[2 * hh];
    out.qLo = new long[2 * hh];
    out.qHi = new long[2 * hh];
    forChunks(h, (k0, k1) -> {
      for (int k = k0; k < k1; k++) {
        long a0 = c.qLo[2 * k];
        long a1 = c.qLo[2 * k + 1];
        long b0 = c.qHi[2 * k];
        long b1 = c.qHi[2 * k + 1];
        long pp0;
        long pp1;
        if (c.pLo == null) {
          pp0 = add(a0, b0);
          pp1 = add(a1, b1);
        } else if (!c.pExt) {
          long x = c.pLo[k];
          long y = c.pHi[k];
          // x * qHi + y * qLo
          pp0 = FastField.dot2(x, b0, y, a0, 0);
          pp1 = FastField.dot2(x, b1, y, a1, 0);
        } else {
          long x0 = c.pLo[2 * k];
          long x1 = c.pLo[2 * k + 1];
          long y0 = c.pHi[2 * k];
          long y1 = c.pHi[2 * k + 1];
          pp0 = FastField.dot2(x0, b0, y0, a0, FastField.mulW(FastField.dot2(x1, b1, y1, a1, 0)));
          pp1 = FastField.dot2(x0, b1, x1, b0, FastField.dot2(y0, a1, y1, a0, 0));
        }
        long qq0 = FastField.dot2(a0, b0, a1, FastField.mulW(b1), 0);
        long qq1 = FastField.dot2(a0, b1, a1, b0, 0);
        long[] pd = k < hh ? out.pLo : out.pHi;
        long[] qd = k < hh ? out.qLo : out.qHi;
        int kk = k < hh ? k : k - hh;
        pd[2 * kk] = pp0;
        pd[2 * kk + 1] = pp1;
        qd[2 * kk] = qq0;
        qd[2 * kk + 1] = qq1;
      }
    });
    return out;
  }

  /** The MLE of a base table at a point, folding variable 0 first, in parallel chunks. */
  static Ext2 evaluate(long[] base, Ext2[] r) {
    if (base.length < 2 * PARALLEL_THRESHOLD || r.length == 0) {
      return Mle.evaluate(base, r);
    }
    int half = base.length >>> 1;
    long[] first = new long[2 * half];
    long r0 = r[0].c0();
    long r1 = r[0].c1();
    forChunks(half, (k0, k1) -> {
      for (int k = k0; k < k1; k++) {
        long lo = base[2 * k];
        long d = sub(base[2 * k + 1], lo);
        first[2 * k] = add(lo, mul(r0, d));
        first[2 * k + 1] = mul(r1, d);
      }
    });
    long[] t = first;
    int len = half;
    for (int j = 1; j < r.length; j++) {
      int h = len >>> 1;
      long c0 = r[j].c0();
      long c1 = r[j].c1();
      long c1w = FastField.mulW(c1);
      long[] src = t;
      long[] dst = new long[2 * h];
      forChunks(h, (k0, k1) -> {
        for (int k = k0; k < k1; k++) {
          long a0 = src[4 * k];
          long a1 = src[4 * k + 1];
          long d0 = sub(src[4 * k + 2], a0);
          long d1 = sub(src[4 * k + 3], a1);
          dst[2 * k] = FastField.dot2(c0, d0, c1w, d1, a0);
          dst[2 * k + 1] = FastField.dot2(c0, d1, c1, d0, a1);
        }
      });
      t = dst;
      len = h;
    }
    return new Ext2(t[0], t[1]);
  }

  interface Range {
    void run(int from, int to);
  }

  static void forChunks(int size, Range body) {
    if (size < PARALLEL_THRESHOLD) {
      body.run(0, size);
      return;
    }
    int chunks = Math.min(size / (PARALLEL_THRESHOLD / 2), 64);
    int per = size / chunks;
    Parallel.forEach(chunks, c -> body.run(c * per, c == chunks - 1 ? size : (c + 1) * per));
  }
}

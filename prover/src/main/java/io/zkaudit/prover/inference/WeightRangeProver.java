package io.zkaudit.prover.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightRangeProof;
import io.zkaudit.inference.WeightRanges;
import io.zkaudit.layers.Points;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.pcs.ShadowLinks;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves a committed model's weight ranges ({@link WeightRanges}): made once by {@code zkaudit
 * commit} and shipped in the verifying key. Decomposes every committed column into limbs (W - lo in
 * base 2^b), puts each limb column beside a uniform half whose weighted sum is the weight shadow's
 * mask (so that the limb identity holds on the whole shadow), commits, proves the blinded lookups
 * with masked GKR sumchecks and opens the claims that {@link WeightRanges#reduce} derives from the
 * proof.
 */
public final class WeightRangeProver {
  private WeightRangeProver() {}

  /**
   * How a test-only cheating seller fills its limb columns for a column holding an out-of-range
   * value: {@link #HONEST} refuses such a column; {@link #WRAP} keeps each limb in its table by
   * dropping the high bits (the lookups pass, the limb identity fails); {@link #RAW} writes the
   * whole offset value into limb 0 (the identity holds, the lookup fails: its multiplicities count
   * only the rows that are in the table).
   */
  enum Limbs {
    HONEST,
    WRAP,
    RAW
  }

  /**
   * The key of a committed model with its range proof attached; a model that commits no constant
   * (only pools, reshapes, ...) has nothing to range-check, and its key stays without one ({@link
   * WeightRanges#empty()}).
   */
  public static VerifyingKey certify(CommittedModel cm) {
    if (WeightRanges.of(cm.vk().description(), cm.zkCircuit()).empty()) {
      return cm.vk();
    }
    return cm.vk().withRangeProof(prove(cm));
  }

  /**
   * The same committed model with the range proof in its key (its digest unchanged): what a seller
   * that registers the model again and again (tests, restarts on a fresh store) proves once.
   */
  public static CommittedModel certified(CommittedModel cm) {
    if (cm.vk().rangeProof() != null) {
      return cm;
    }
    return new CommittedModel(
        cm.model(),
        cm.circuit(),
        cm.layout(),
        cm.weightTables(),
        cm.weights(),
        certify(cm),
        cm.zkCircuit());
  }

  public static WeightRangeProof prove(CommittedModel cm) {
    return prove(cm, Limbs.HONEST);
  }

  static WeightRangeProof prove(CommittedModel cm, Limbs limbs) {
    VerifyingKey vk = cm.vk();
    WeightRanges st = WeightRanges.of(vk.description(), cm.zkCircuit());
    if (st.empty()) {
      throw new IllegalStateException("the model commits no constant: there is no range to prove");
    }
    if (!st.weights().equals(cm.layout())) {
      throw new IllegalStateException(
          "the range statement lays the weights out differently from the commitment");
    }
    ZkRandom random = ZkRandom.fresh();
    BasefoldProver pcs = new BasefoldProver(WeightRanges.pcsParams());
    Committed shadow = pcs.commitShadow(cm.weights(), random::nextField);

    LookupStatement statement = st.statement();
    List<List<long[][]>> groups = new ArrayList<>();
    for (int l = 0; l < statement.lookups().size(); l++) {
      groups.add(new ArrayList<>());
      for (int g = 0; g < statement.lookups().get(l).groups().size(); g++) {
        groups.get(l).add(null);
      }
    }
    List<long[]> columns = new ArrayList<>();
    List<long[]> limbTables = new ArrayList<>();
    for (int i = 0; i < st.ranges().size(); i++) {
      WeightRanges.Range r = st.ranges().get(i);
      long[][] limbColumns =
          limbColumns(
              r,
              cm.weightTables().get(r.column()),
              shadow.shadowMaskHalf(r.column()),
              random,
              limbs);
      for (int j = 0; j < r.limbs(); j++) {
        limbTables.add(limbColumns[j]);
        groups.get(st.limbLookup(i, j)).set(st.limbGroup(i, j), new long[][] {limbColumns[j]});
      }
    }
    columns.addAll(limbTables);
    LogUpBlinding plan = LogUpBlinding.of(statement);
    List<LookupWitness> lookups = new ArrayList<>();
    for (int l = 0; l < statement.lookups().size(); l++) {
      LookupStatement.Lookup lk = statement.lookups().get(l);
      LookupWitness w =
          limbs == Limbs.RAW
              ? inTableOnly(lk, groups.get(l))
              : LookupWitness.compute(lk, groups.get(l));
      lookups.add(w.blind(lk, plan, l, random::nextField));
    }
    for (LookupWitness w : lookups) {
      columns.add(w.committedMultiplicities());
    }
    MaskSupply masks = MaskSupply.draw(st.masks(), random);
    long[] maskColumn = MaskColumn.place(masks.all(), MaskColumn.numVars(st.masks().blocks()));
    int used = st.masks().blocks() << MaskColumn.BLOCK_VARS;
    random.fill(maskColumn, x -> x >= used); // read by no claim
    columns.add(maskColumn);
    long[] numerators = new long[1 << plan.numeratorVars()];
    for (int l = 0; l < lookups.size(); l++) {
      long[][] b = lookups.get(l).blinding().numerators();
      for (int g = 0; g < b.length; g++) {
        System.arraycopy(b[g], 0, numerators, plan.offset(l, g), b[g].length);
      }
    }
    int usedNumerators = plan.numerators();
    random.fill(numerators, x -> x >= usedNumerators);
    columns.add(numerators);
    for (LookupWitness w : lookups) {
      columns.add(w.blinding().tableTuples()[0]);
    }
    long[] hiding = new long[1 << WeightRanges.HIDING_VARS];
    random.fill(hiding, x -> true);
    columns.add(hiding);

    Committed witness = pcs.commit(columns, random::nextField);
    Transcript t = WeightRanges.transcript(vk);
    witness.commitment().absorb(t);
    shadow.commitment().absorb(t);
    LogUpProver.Output lookupProof = LogUpProver.prove(statement, lookups, t, masks);
    List<Ext2> limbEvals = new ArrayList<>();
    int k = 0;
    for (WeightRanges.Range r : st.ranges()) {
      Ext2[] z = t.challengeExts("weight-range/point", r.numVars());
      Ext2 s = t.challengeExt("weight-range/half");
      Ext2[] point = Points.concat(z, new Ext2[] {s});
      for (int j = 0; j < r.limbs(); j++) {
        Ext2 l = Mle.evaluate(limbTables.get(k++), point);
        t.absorbExt("weight-range/limb", l);
        limbEvals.add(l);
      }
    }
    WeightRangeProof partial =
        new WeightRangeProof(
            witness.commitment(),
            shadow.commitment(),
            lookupProof.proof(),
            limbEvals.toArray(Ext2[]::new),
            new byte[0],
            new byte[0],
            new byte[0]);
    WeightRanges.Reduction reduction;
    try {
      reduction = st.reduce(vk, partial);
    } catch (InvalidProofException e) {
      if (limbs != Limbs.HONEST) {
        return partial; // a cheater gets no further than its reduction
      }
      throw new IllegalStateException(
          "the prover's own range proof does not reduce: " + e.getMessage(), e);
    }
    byte[] witnessOpening =
        pcs.openColumns(witness, reduction.witnessClaims(), reduction.transcript()).encode();
    ShadowLinks.Opening o =
        ShadowLinks.open(
            pcs, shadow, cm.weights(), reduction.shadowClaims(), reduction.transcript());
    return new WeightRangeProof(
        witness.commitment(),
        shadow.commitment(),
        lookupProof.proof(),
        limbEvals.toArray(Ext2[]::new),
        witnessOpening,
        o.opening(),
        o.link());
  }

  /**
   * The limb columns of one committed column: entries x < 2^m hold limb j of W(x) - lo, entries 2^m
   * + x uniform R_j(x) with sum_j 2^(b j) R_j = M (the shadow's mask half of this column).
   */
  static long[][] limbColumns(
      WeightRanges.Range r, long[] w, long[] mask, ZkRandom random, Limbs cheat) {
    int n = w.length;
    long[][] out = new long[r.limbs()][2 * n];
    long bound = 1L << (r.limbs() * r.limbBits());
    long limbMask = (1L << r.limbBits()) - 1;
    long lo = Goldilocks.fromSigned(r.lo());
    for (int x = 0; x < n; x++) {
      long a = Goldilocks.sub(w[x], lo);
      if (Long.compareUnsigned(a, bound) >= 0) {
        if (cheat == Limbs.HONEST) {
          throw new ProverException(
              "the "
                  + r.what()
                  + " holds "
                  + Goldilocks.toSigned(w[x])
                  + " at entry "
                  + x
                  + ", outside ["
                  + r.lo()
                  + ", "
                  + r.hi()
                  + "]: no range proof exists for this commitment");
        }
        if (cheat == Limbs.RAW) {
          out[0][x] = a;
          continue;
        }
      }
      for (int j = 0; j < r.limbs(); j++) {
        out[j][x] = (a >>> (j * r.limbBits())) & limbMask;
      }
    }
    for (int x = 0; x < n; x++) {
      long rest = mask[x];
      for (int j = 1; j < r.limbs(); j++) {
        long v = random.nextField();
        out[j][n + x] = v;
        rest = Goldilocks.sub(rest, Goldilocks.mul(v, 1L << (j * r.limbBits())));
      }
      out[0][n + x] = rest;
    }
    return out;
  }

  /**
   * Multiplicities counting only the active rows that are in the table (a cheater's, for {@link
   * Limbs#RAW}).
   */
  static LookupWitness inTableOnly(LookupStatement.Lookup lk, List<long[][]> groups) {
    long[] m = new long[lk.table().size()];
    for (int g = 0; g < groups.size(); g++) {
      LookupStatement.Group shape = lk.groups().get(g);
      long[] col = groups.get(g)[0];
      for (int x = 0; x < col.length; x++) {
        if (shape.isActive(x) && Long.compareUnsigned(col[x], m.length) < 0) {
          m[(int) col[x]]++;
        }
      }
    }
    return new LookupWitness(groups, m);
  }
}

package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies a logUp-GKR proof (Haböck, eprint 2022/1530; Papini and Haböck, eprint 2023/1284):
 * for every lookup, {@code sum_g sum_{x < N_g} 1/(alpha - W_g(x)) = sum_y m(y)/(alpha - T(y))},
 * with W = w_0 + beta w_1 + ... and T likewise, which (for alpha random after the commitments and
 * the field characteristic above the number of rows) holds only if every looked-up tuple is a
 * table row and m counts them.
 *
 * <p>The caller must have absorbed the commitments (or the public values) of the witness columns
 * and of the multiplicity columns into the transcript <b>before</b> calling this: alpha and beta
 * are drawn here, first.
 *
 * <p>Transcript: {@code logup/shape}, {@code logup/table-column} per table column; beta, alpha; {@code logup/roots} (P_i, Q_i for every
 * instance); then for each GKR layer l = 1..maxVars: lambda, the layer's sumcheck (its own
 * labels), rho; after the layer where a witness tree reaches its leaves, {@code
 * logup/witness-evaluations} for that group.
 */
public final class LogUpVerifier {
  private LogUpVerifier() {}

  public static LookupClaims verify(LookupStatement statement, LogUpProof proof, Transcript transcript)
      throws InvalidProofException {
    return verify(statement, proof, transcript, null);
  }

  /**
   * Verifies a zero-knowledge proof when {@code masks} is not null: every GKR layer's sumcheck is
   * masked, and its mask value is recorded in the ledger (to be opened by the caller).
   */
  public static LookupClaims verify(LookupStatement statement, LogUpProof proof, Transcript transcript,
      io.zkaudit.zk.MaskLedger masks) throws InvalidProofException {
    List<LogUpLayout.Instance> inst = LogUpLayout.instances(statement);
    int maxN = LogUpLayout.maxVars(inst);
    Ext2[] maskValues = proof.masks();
    InvalidProofException.check(maskValues.length == (masks == null ? 0 : 2 * maxN),
        "logup: " + maskValues.length + " mask values, expected " + (masks == null ? 0 : 2 * maxN));
    Ext2[] rootP = proof.rootP();
    Ext2[] rootQ = proof.rootQ();
    Ext2[][] witnessValues = proof.witnessEvaluations();
    InvalidProofException.check(rootP.length == inst.size(),
        "logup: " + rootP.length + " roots, expected " + inst.size());
    InvalidProofException.check(proof.layers().size() == maxN,
        "logup: " + proof.layers().size() + " GKR layers, expected " + maxN);
    int groups = (int) inst.stream().filter(i -> !i.isTable()).count();
    InvalidProofException.check(witnessValues.length == groups,
        "logup: " + witnessValues.length + " witness evaluation lists, expected " + groups);

    LogUpLayout.absorbShape(statement, transcript);
    Ext2 beta = transcript.challengeExt(LogUpLayout.BETA);
    Ext2 alpha = transcript.challengeExt(LogUpLayout.ALPHA);
    Ext2[] roots = new Ext2[2 * inst.size()];
    for (int i = 0; i < inst.size(); i++) {
      roots[2 * i] = rootP[i];
      roots[2 * i + 1] = rootQ[i];
    }
    transcript.absorbExt(LogUpLayout.ROOTS, roots);

    // The fraction sums balance, lookup by lookup.
    int i0 = 0;
    for (int l = 0; l < statement.lookups().size(); l++) {
      int count = 1 + statement.lookups().get(l).groups().size();
      Ext2 sum = Ext2.ZERO;
      for (int i = i0; i < i0 + count; i++) {
        InvalidProofException.check(!rootQ[i].isZero(), "logup: lookup " + l + " has a zero denominator");
        Ext2 f = rootP[i].mul(rootQ[i].inv());
        sum = inst.get(i).isTable() ? sum.sub(f) : sum.add(f);
      }
      InvalidProofException.check(sum.isZero(),
          "logup: lookup " + l + ": the witness fractions do not sum to the table fractions");
      i0 += count;
    }

    Ext2[] p = rootP.clone();
    Ext2[] q = rootQ.clone();
    Ext2[] point = new Ext2[0];
    Ext2[][] mPoints = new Ext2[statement.lookups().size()][];
    Ext2[] mValues = new Ext2[statement.lookups().size()];
    Ext2[][] wPoints = new Ext2[inst.size()][];
    Ext2[][] wValues = new Ext2[inst.size()][];
    int[] groupOrdinal = new int[inst.size()];
    int g = 0;
    for (int i = 0; i < inst.size(); i++) {
      groupOrdinal[i] = inst.get(i).isTable() ? -1 : g++;
    }
    for (int i = 0; i < inst.size(); i++) {
      if (inst.get(i).numVars() == 0) {
        leaf(statement, inst.get(i), point, p[i], q[i], alpha, beta, witnessValues, groupOrdinal[i], transcript,
            mPoints, mValues, wPoints, wValues, i);
      }
    }
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
      Ext2[] ap = active.stream().map(i -> p[i]).toArray(Ext2[]::new);
      Ext2[] aq = active.stream().map(i -> q[i]).toArray(Ext2[]::new);
      Ext2 claim = LogUpLayout.layerClaim(ap, aq, lambda);
      SumcheckResult res;
      try {
        SumcheckProof layerProof = proof.layers().get(layer - 1);
        res = masks == null ? SumcheckVerifier.verify(comp, point, layer - 1, claim, layerProof, transcript)
            : masks.verify(comp, point, layer - 1, claim, layerProof, maskValues[2 * (layer - 1)],
                maskValues[2 * (layer - 1) + 1], transcript);
      } catch (InvalidProofException e) {
        throw new InvalidProofException("logup GKR layer " + layer + ": " + e.getMessage());
      }
      Ext2 rho = transcript.challengeExt(LogUpLayout.RHO);
      Ext2[] e = res.evaluations();
      LogUpLayout.bindSibling(active, activeInst, layer, e, rho, p, q);
      point = Arrays.copyOf(res.point(), layer);
      point[layer - 1] = rho;
      for (int i : active) {
        if (inst.get(i).numVars() == layer) {
          leaf(statement, inst.get(i), point, p[i], q[i], alpha, beta, witnessValues, groupOrdinal[i], transcript,
              mPoints, mValues, wPoints, wValues, i);
        }
      }
    }
    List<LookupClaims.EvaluationClaim> ms = new ArrayList<>();
    List<List<LookupClaims.WitnessClaim>> ws = new ArrayList<>();
    for (int l = 0; l < statement.lookups().size(); l++) {
      ms.add(new LookupClaims.EvaluationClaim(mPoints[l], mValues[l]));
      ws.add(new ArrayList<>());
    }
    for (int i = 0; i < inst.size(); i++) {
      if (!inst.get(i).isTable()) {
        ws.get(inst.get(i).lookup()).add(new LookupClaims.WitnessClaim(wPoints[i], wValues[i]));
      }
    }
    return new LookupClaims(ms, ws);
  }

  private static void leaf(LookupStatement st, LogUpLayout.Instance in, Ext2[] point, Ext2 p, Ext2 q, Ext2 alpha,
      Ext2 beta, Ext2[][] witnessValues, int ordinal, Transcript transcript, Ext2[][] mPoints, Ext2[] mValues,
      Ext2[][] wPoints, Ext2[][] wValues, int index) throws InvalidProofException {
    if (in.isTable()) {
      LookupTable table = st.lookups().get(in.lookup()).table();
      Ext2 expected = alpha.sub(table.evaluateCompressed(beta, point));
      InvalidProofException.check(q.equals(expected),
          "logup: lookup " + in.lookup() + ": the table's leaf denominator does not match the table");
      mPoints[in.lookup()] = point.clone();
      mValues[in.lookup()] = p;
    } else {
      Ext2[] values = witnessValues[ordinal];
      InvalidProofException.check(values.length == in.width(),
          "logup: witness group " + ordinal + " has " + values.length + " evaluations, expected " + in.width());
      transcript.absorbExt(LogUpLayout.WITNESS, values);
      InvalidProofException.check(p.equals(in.shape().selector(point)),
          "logup: witness group " + ordinal + ": leaf numerators are not the active-row selector");
      InvalidProofException.check(q.equals(alpha.sub(LogUpLayout.compress(beta, values))),
          "logup: witness group " + ordinal + ": leaf denominator does not match the witness evaluations");
      wPoints[index] = point.clone();
      wValues[index] = values;
    }
  }
}

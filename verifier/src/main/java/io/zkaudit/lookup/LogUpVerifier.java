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
    LogUpBlinding blinding = statement.blinded() ? LogUpBlinding.of(statement) : null;
    InvalidProofException.check(proof.blindingSums().length == (blinding == null ? 0 : groups),
        "logup: " + proof.blindingSums().length + " blinding sums, expected " + (blinding == null ? 0 : groups));
    InvalidProofException.check(proof.blindingTuples().length == (blinding == null ? 0 : statement.lookups().size()),
        "logup: " + proof.blindingTuples().length + " blinding tuples, expected "
            + (blinding == null ? 0 : statement.lookups().size()));

    LogUpLayout.absorbShape(statement, transcript);
    Ext2 beta = transcript.challengeExt(LogUpLayout.BETA);
    Ext2 alpha = transcript.challengeExt(LogUpLayout.ALPHA);
    Leaves leaves = new Leaves(statement, blinding, proof, alpha, beta, transcript);
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
    int[] groupOrdinal = new int[inst.size()];
    int g = 0;
    for (int i = 0; i < inst.size(); i++) {
      groupOrdinal[i] = inst.get(i).isTable() ? -1 : g++;
    }
    for (int i = 0; i < inst.size(); i++) {
      if (inst.get(i).numVars() == 0) {
        leaves.check(inst.get(i), point, p[i], q[i], groupOrdinal[i], i);
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
          leaves.check(inst.get(i), point, p[i], q[i], groupOrdinal[i], i);
        }
      }
    }
    return leaves.claims(inst);
  }

  /** The leaf checks of every tree, and the claims they leave (the caller's obligations). */
  private static final class Leaves {
    private final LookupStatement st;
    private final LogUpBlinding blinding;
    // The proof's per-leaf lists, copied once (the accessors copy on every call).
    private final Ext2[][] witnessEvaluations;
    private final Ext2[] blindingSumValues;
    private final Ext2[][] blindingTupleValues;
    private final Ext2 alpha;
    private final Ext2 beta;
    private final Transcript transcript;
    private final Ext2[][] mPoints;
    private final Ext2[] mValues;
    private final Ext2[][] wPoints;
    private final Ext2[][] wValues;
    private final List<LookupClaims.BlindingClaim> blindingSums = new ArrayList<>();
    private final LookupClaims.WitnessClaim[] blindingTuples;

    Leaves(LookupStatement st, LogUpBlinding blinding, LogUpProof proof, Ext2 alpha, Ext2 beta, Transcript transcript) {
      this.st = st;
      this.blinding = blinding;
      this.witnessEvaluations = proof.witnessEvaluations();
      this.blindingSumValues = proof.blindingSums();
      this.blindingTupleValues = proof.blindingTuples();
      this.alpha = alpha;
      this.beta = beta;
      this.transcript = transcript;
      int instances = LogUpLayout.instances(st).size();
      mPoints = new Ext2[st.lookups().size()][];
      mValues = new Ext2[st.lookups().size()];
      wPoints = new Ext2[instances][];
      wValues = new Ext2[instances][];
      blindingTuples = new LookupClaims.WitnessClaim[st.lookups().size()];
    }

    void check(LogUpLayout.Instance in, Ext2[] point, Ext2 p, Ext2 q, int ordinal, int index)
        throws InvalidProofException {
      if (in.isTable()) {
        table(in, point, p, q);
      } else {
        group(in, point, p, q, ordinal, index);
      }
    }

    private void table(LogUpLayout.Instance in, Ext2[] point, Ext2 p, Ext2 q) throws InvalidProofException {
      LookupTable table = st.lookups().get(in.lookup()).table();
      Ext2 expected;
      if (blinding == null) {
        expected = alpha.sub(table.evaluateCompressed(beta, point));
      } else {
        // Top variable b: the table at b = 0, the blinding half (u', tagged) at b = 1.
        Ext2 b = point[point.length - 1];
        Ext2[] rest = java.util.Arrays.copyOf(point, point.length - 1);
        Ext2[] u = blindingTupleValues[in.lookup()];
        InvalidProofException.check(u.length == table.width(),
            "logup: lookup " + in.lookup() + " has " + u.length + " blinding tuple values, expected " + table.width());
        transcript.absorbExt(LogUpLayout.BLINDING_TUPLE, u);
        // u' is committed over its used slots only and read zero-extended to the table's size.
        int tupleVars = blinding.tupleVars(in.lookup());
        Ext2 tagged = LogUpLayout.compress(beta, u).mul(blinding.tupleExtension(in.lookup(), rest))
            .add(beta.pow(table.width()));
        expected = Ext2.ONE.sub(b).mul(alpha.sub(table.evaluateCompressed(beta, rest))).add(b.mul(alpha.sub(tagged)));
        blindingTuples[in.lookup()] = new LookupClaims.WitnessClaim(java.util.Arrays.copyOf(rest, tupleVars), u);
      }
      InvalidProofException.check(q.equals(expected),
          "logup: lookup " + in.lookup() + ": the table's leaf denominator does not match the table");
      mPoints[in.lookup()] = point.clone();
      mValues[in.lookup()] = p;
    }

    private void group(LogUpLayout.Instance in, Ext2[] point, Ext2 p, Ext2 q, int ordinal, int index)
        throws InvalidProofException {
      Ext2[] values = witnessEvaluations[ordinal];
      InvalidProofException.check(values.length == in.width(),
          "logup: witness group " + ordinal + " has " + values.length + " evaluations, expected " + in.width());
      transcript.absorbExt(LogUpLayout.WITNESS, values);
      Ext2 numerator = in.shape().selector(point);
      Ext2 denominator = alpha.sub(LogUpLayout.compress(beta, values));
      if (blinding != null) {
        Ext2 sum = blindingSumValues[ordinal];
        transcript.absorbExt(LogUpLayout.BLINDING_SUM, sum);
        if (blinding.rows(in.lookup(), in.group()).length == 0) {
          InvalidProofException.check(sum.isZero(), "logup: witness group " + ordinal + " has no blinding rows");
        } else {
          numerator = numerator.add(sum);
          denominator = denominator.sub(blinding.tag(in.lookup(), in.group(), point).mul(beta.pow(in.width())));
          blindingSums.add(new LookupClaims.BlindingClaim(in.lookup(), in.group(), point, sum));
        }
      }
      InvalidProofException.check(p.equals(numerator),
          "logup: witness group " + ordinal + ": leaf numerators are not the active-row selector");
      InvalidProofException.check(q.equals(denominator),
          "logup: witness group " + ordinal + ": leaf denominator does not match the witness evaluations");
      wPoints[index] = point.clone();
      wValues[index] = values;
    }

    LookupClaims claims(List<LogUpLayout.Instance> inst) {
      List<LookupClaims.EvaluationClaim> ms = new ArrayList<>();
      List<List<LookupClaims.WitnessClaim>> ws = new ArrayList<>();
      for (int l = 0; l < st.lookups().size(); l++) {
        ms.add(new LookupClaims.EvaluationClaim(mPoints[l], mValues[l]));
        ws.add(new ArrayList<>());
      }
      for (int i = 0; i < inst.size(); i++) {
        if (!inst.get(i).isTable()) {
          ws.get(inst.get(i).lookup()).add(new LookupClaims.WitnessClaim(wPoints[i], wValues[i]));
        }
      }
      return new LookupClaims(ms, ws, blindingSums, blinding == null ? List.of() : List.of(blindingTuples));
    }
  }
}

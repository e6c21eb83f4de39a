package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.Points;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.lookup.TableColumn;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.pcs.ShadowLink;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statement of a verifying key's weight range proof ({@link WeightRangeProof}), its
 * verification, and the per-process cache of keys whose range proof has been checked.
 *
 * <p>What it shows: every entry (real or padding) of every committed constant column W_c (weights,
 * biases, rescaled ADD addends; not the hiding tail or HIDING column) is an integer in [lo_c, lo_c
 * + 2^(b k) - 1], where int8 and uint8 columns have one 8-bit limb (exactly their declared range)
 * and int32 columns two 16-bit limbs (exactly [-2^31, 2^31)).
 *
 * <p>How, in zero knowledge (docs/model-proofs.md, "What the weight commitment binds"):
 *
 * <ul>
 *   <li>A fresh shadow Q of the weight commitment (Q_c(0, x) = W_c(x), Q_c(1, x) = M_c(x) uniform;
 *       {@link ShadowLink}), committed and linked with {@link
 *       InferenceStatement#longLivedPcsParams()}.
 *   <li>A witness commitment with, per column c and limb j, L_cj of m_c + 1 variables: L_cj(x, 0)
 *       is limb j of W_c(x) - lo_c, L_cj(x, 1) = R_cj uniform with sum_j 2^(b j) R_cj = M_c (the
 *       prover draws R_cj for j >= 1 and solves for R_c0). The top variable is the blinding half.
 *   <li>A blinded logUp: each L_cj is a group with active rows x (top bit 0) into [0, 2^b).
 *   <li>At a random (z, s) per column, the proof sends l_cj = L_cj(z, s); the verifier derives
 *       Q_c(s, z) = sum_j 2^(b j) l_cj + lo_c (1 - s) and opens all of them. As multilinear
 *       polynomials both sides agree iff W_c(x) = sum_j 2^(b j) L_cj(x, 0) + lo_c on every x (and
 *       the masks match), so a random point catches a mismatch except with probability (m_c +
 *       1)/|F|. Every revealed value carries a uniform mask: (1 - s) W_c(z) + s M_c(z).
 * </ul>
 *
 * Fiat–Shamir binds it to the key: the transcript starts with the key's digest and the weight
 * commitment, so a proof made for one key does not verify for another.
 */
public final class WeightRanges {
  public static final String DOMAIN = "zkaudit/weight-range/v1";

  /**
   * Uniform entries added to the witness commitment so its opening stays hiding however small the
   * model.
   */
  public static final int HIDING_VARS = 13;

  /** How one committed column is ranged: lowest value, limb count and limb width. */
  public record Range(int column, int numVars, long lo, int limbs, int limbBits, String what) {
    /** The largest value the range admits. */
    public long hi() {
      return lo + (1L << (limbs * limbBits)) - 1;
    }
  }

  private final ModelDescription description;
  private final WeightLayout weights;
  private final PackedLayout weightLayout;
  private final PackedLayout shadowLayout;
  private final List<Range> ranges;

  /**
   * Per range, per limb: its witness column; and which lookup (bytes or words) and group reads it.
   */
  private final int[][] limbColumn;

  private final int[][] limbLookup;
  private final int[][] limbGroup;
  private final LookupStatement statement;
  private final int byteLookup;
  private final int wordLookup;
  private final int multiplicityStart;
  private final int maskColumnIndex;
  private final int numeratorColumn;
  private final int tupleStart;
  private final int hidingColumn;
  private final MaskSchedule masks;
  private final PackedLayout witnessLayout;

  private WeightRanges(ModelDescription description, ModelCircuit circuit) {
    this.description = description;
    this.weights = WeightLayout.of(circuit);
    this.weightLayout = new PackedLayout(weights.logSizes());
    this.shadowLayout = weightLayout.withShadowVariable();
    List<Range> rs = new ArrayList<>();
    for (int c = 0; c < weights.entries().size(); c++) {
      WeightLayout.Entry e = weights.entries().get(c);
      if (e.kind() == WeightLayout.Kind.HIDING) {
        continue;
      }
      // A rescaled addend is the int32 sum TFLite's ADD computes from the int8 constant: ranged as
      // int32.
      ElementType type =
          e.kind() == WeightLayout.Kind.ADDEND
              ? ElementType.INT32
              : description.tensor(e.tensor()).type();
      long width = (long) type.max() - type.min() + 1;
      String what =
          e.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " of tensor "
              + e.tensor()
              + " ("
              + description.tensor(e.tensor()).name()
              + ", "
              + type
              + ")";
      if (width == 1L << 8) {
        rs.add(new Range(c, e.numVars(), type.min(), 1, 8, what));
      } else if (width == 1L << 32) {
        rs.add(new Range(c, e.numVars(), type.min(), 2, 16, what));
      } else {
        throw new IllegalStateException("no range check for element type " + type);
      }
    }
    this.ranges = List.copyOf(rs);
    List<Group> bytes = new ArrayList<>();
    List<Group> words = new ArrayList<>();
    List<Integer> logs = new ArrayList<>();
    limbColumn = new int[ranges.size()][];
    limbLookup = new int[ranges.size()][];
    limbGroup = new int[ranges.size()][];
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      limbColumn[i] = new int[r.limbs()];
      limbLookup[i] = new int[r.limbs()];
      limbGroup[i] = new int[r.limbs()];
      for (int j = 0; j < r.limbs(); j++) {
        limbColumn[i][j] = logs.size();
        logs.add(r.numVars() + 1);
        // Active rows: the limb half (top variable 0); the top half is uniform, so every residue
        // class of the low bits holds inactive rows for the blinding (LogUpBlinding).
        Group g =
            new Group(
                r.numVars() + 1,
                List.of(new Group.Extent(r.numVars(), 1L << r.numVars()), new Group.Extent(1, 1)));
        List<Group> target = r.limbBits() == 8 ? bytes : words;
        limbGroup[i][j] = target.size();
        target.add(g);
        limbLookup[i][j] = r.limbBits() == 8 ? 0 : 1;
      }
    }
    List<LookupStatement.Lookup> lookups = new ArrayList<>();
    byteLookup = bytes.isEmpty() ? -1 : lookups.size();
    if (!bytes.isEmpty()) {
      lookups.add(
          new LookupStatement.Lookup(
              new LookupTable(8, List.of(new TableColumn.Identity(0))), bytes));
    }
    wordLookup = words.isEmpty() ? -1 : lookups.size();
    if (!words.isEmpty()) {
      lookups.add(new LookupStatement.Lookup(LookupTable.range(16), words));
    }
    for (int i = 0; i < ranges.size(); i++) {
      for (int j = 0; j < ranges.get(i).limbs(); j++) {
        limbLookup[i][j] = limbLookup[i][j] == 0 ? byteLookup : wordLookup;
      }
    }
    if (lookups.isEmpty()) {
      // A model without weights, biases or addends (only pools, reshapes, requantizations, ...):
      // its weight commitment holds hiding randomness only, which no proof ever claims, so there
      // is nothing to range-check and the statement is empty. Its key carries no range proof
      // (check and verify refuse one), derived from the description alone as the ranges are.
      this.statement = null;
      this.multiplicityStart = -1;
      this.masks = null;
      this.maskColumnIndex = -1;
      this.numeratorColumn = -1;
      this.tupleStart = -1;
      this.hidingColumn = -1;
      this.witnessLayout = null;
      return;
    }
    // One witness tree per lookup: the layout range proofs in keys were made with (format 7); the
    // split of format 8 would invalidate every committed key for a one-time proof's speed.
    this.statement = new LookupStatement(lookups, true, 1);
    multiplicityStart = logs.size();
    for (LookupStatement.Lookup lk : lookups) {
      logs.add(lk.table().numVars() + 1); // blinded: M2 = [m | b']
    }
    this.masks = gkrMasks(statement);
    maskColumnIndex = logs.size();
    logs.add(MaskColumn.numVars(masks.blocks()));
    LogUpBlinding plan = LogUpBlinding.of(statement);
    numeratorColumn = logs.size();
    logs.add(plan.numeratorVars());
    tupleStart = logs.size();
    for (int l = 0; l < lookups.size(); l++) {
      logs.add(plan.tupleVars(l)); // every table here has width 1
    }
    hidingColumn = logs.size();
    logs.add(HIDING_VARS);
    this.witnessLayout = new PackedLayout(logs.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The statement for a key's model (compiled with the zero-knowledge circuit, whose weight layout
   * both circuits share).
   */
  public static WeightRanges of(VerifyingKey vk) throws InvalidProofException {
    ModelCircuit circuit;
    try {
      circuit = ModelCircuit.of(vk.description(), true);
    } catch (RuntimeException e) {
      throw new InvalidProofException("the model cannot be proven: " + e.getMessage());
    }
    return of(vk.description(), circuit);
  }

  public static WeightRanges of(ModelDescription description, ModelCircuit circuit) {
    return new WeightRanges(description, circuit);
  }

  /** The masked sumchecks of the range proof: its GKR layers only. */
  private static MaskSchedule gkrMasks(LookupStatement st) {
    List<MaskSchedule.Entry> out = new ArrayList<>();
    List<LogUpLayout.Tree> inst = LogUpLayout.trees(st);
    for (int layer = 1; layer <= LogUpLayout.maxVars(inst); layer++) {
      int l = layer;
      List<LogUpLayout.Tree> active = inst.stream().filter(i -> i.numVars() >= l).toList();
      out.add(
          new MaskSchedule.Sumcheck(
              layer - 1, LogUpLayout.layerComposition(active, layer, Ext2.ONE).roundDegree(true)));
    }
    return new MaskSchedule(out);
  }

  public static PcsParams pcsParams() {
    return InferenceStatement.longLivedPcsParams();
  }

  public List<Range> ranges() {
    return ranges;
  }

  /**
   * Whether the model commits no constant to range-check (a model without weights): then there is
   * no range proof, and {@link #statement()}, {@link #masks()} and {@link #witnessLayout()} are
   * null.
   */
  public boolean empty() {
    return ranges.isEmpty();
  }

  public LookupStatement statement() {
    return statement;
  }

  public MaskSchedule masks() {
    return masks;
  }

  public PackedLayout witnessLayout() {
    return witnessLayout;
  }

  public PackedLayout shadowLayout() {
    return shadowLayout;
  }

  public WeightLayout weights() {
    return weights;
  }

  public int limbColumn(int range, int limb) {
    return limbColumn[range][limb];
  }

  /** The lookup and group that read a limb column. */
  public int limbLookup(int range, int limb) {
    return limbLookup[range][limb];
  }

  public int limbGroup(int range, int limb) {
    return limbGroup[range][limb];
  }

  public int multiplicityColumn(int lookup) {
    return multiplicityStart + lookup;
  }

  public int maskColumn() {
    return maskColumnIndex;
  }

  public int numeratorColumn() {
    return numeratorColumn;
  }

  public int tupleColumn(int lookup) {
    return tupleStart + lookup;
  }

  public int hidingColumn() {
    return hidingColumn;
  }

  /**
   * A fresh transcript holding the key: its digest (description and weight commitment) and the
   * commitment itself.
   */
  public static Transcript transcript(VerifyingKey vk) {
    Transcript t = new Transcript(DOMAIN);
    t.absorbBytes("model", vk.digest().bytes());
    vk.weights().absorb(t);
    return t;
  }

  /**
   * What a range proof reduces to before its two openings, as {@link ModelVerifier.Reduction} for
   * inference proofs.
   */
  public record Reduction(
      Transcript transcript, List<ColumnClaim> witnessClaims, List<ColumnClaim> shadowClaims) {}

  /**
   * Checks the proof's shape and everything but the openings, returning the opening claims. The
   * prover calls this on its own proof without openings, so that it opens exactly what is checked.
   */
  public Reduction reduce(VerifyingKey vk, WeightRangeProof proof) throws InvalidProofException {
    InvalidProofException.check(
        !empty(), "weight range proof: the model commits no constant, so there is none to reduce");
    InvalidProofException.check(
        vk.weights().numVars() == weightLayout.numVars(),
        "weight range proof: the weight commitment has "
            + vk.weights().numVars()
            + " variables, the model needs "
            + weightLayout.numVars());
    InvalidProofException.check(
        proof.witness().numVars() == witnessLayout.numVars(),
        "weight range proof: the witness commitment has "
            + proof.witness().numVars()
            + " variables, expected "
            + witnessLayout.numVars());
    InvalidProofException.check(
        proof.shadow().numVars() == shadowLayout.numVars(),
        "weight range proof: the weight shadow has "
            + proof.shadow().numVars()
            + " variables, expected "
            + shadowLayout.numVars());
    Transcript t = transcript(vk);
    proof.witness().absorb(t);
    proof.shadow().absorb(t);
    MaskLedger ledger = new MaskLedger(masks.blocks());
    LookupClaims lookups;
    try {
      lookups = LogUpVerifier.verify(statement, proof.lookups(), t, ledger);
    } catch (InvalidProofException e) {
      throw new InvalidProofException("weight range proof: " + e.getMessage());
    }
    List<ColumnClaim> witness = new ArrayList<>();
    List<ColumnClaim> shadow = new ArrayList<>();
    for (int l = 0; l < statement.lookups().size(); l++) {
      LookupClaims.EvaluationClaim m = lookups.multiplicities().get(l);
      witness.add(new ColumnClaim(multiplicityColumn(l), m.point(), m.value()));
    }
    LogUpBlinding plan = LogUpBlinding.of(statement);
    for (LookupClaims.BlindingClaim b : lookups.blindingSums()) {
      witness.add(
          new ColumnClaim(
              numeratorColumn, plan.numeratorTerms(b.lookup(), b.group(), b.point()), b.value()));
    }
    for (int l = 0; l < lookups.blindingTuples().size(); l++) {
      LookupClaims.WitnessClaim u = lookups.blindingTuples().get(l);
      witness.add(new ColumnClaim(tupleColumn(l), u.point(), u.values()[0]));
    }
    Ext2[] limbEvals = proof.limbEvals();
    int expected = ranges.stream().mapToInt(Range::limbs).sum();
    InvalidProofException.check(
        limbEvals.length == expected,
        "weight range proof: " + limbEvals.length + " limb evaluations, expected " + expected);
    int k = 0;
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      for (int j = 0; j < r.limbs(); j++) {
        LookupClaims.WitnessClaim w =
            lookups.witnesses().get(limbLookup[i][j]).get(limbGroup[i][j]);
        witness.add(new ColumnClaim(limbColumn[i][j], w.point(), w.values()[0]));
      }
      // The limb identity at a random point: sum_j 2^(b j) L_j(z, s) + lo (1 - s) = Q_c(s, z).
      Ext2[] z = t.challengeExts("weight-range/point", r.numVars());
      Ext2 s = t.challengeExt("weight-range/half");
      Ext2[] limbPoint = Points.concat(z, new Ext2[] {s});
      Ext2 q = Ext2.ONE.sub(s).mul(Goldilocks.fromSigned(r.lo()));
      for (int j = 0; j < r.limbs(); j++) {
        Ext2 l = limbEvals[k++];
        t.absorbExt("weight-range/limb", l);
        witness.add(new ColumnClaim(limbColumn[i][j], limbPoint, l));
        q = q.add(l.mul(1L << (j * r.limbBits())));
      }
      shadow.add(new ColumnClaim(r.column(), Points.concat(new Ext2[] {s}, z), q));
    }
    witness.addAll(ledger.claims(maskColumnIndex, MaskColumn.numVars(masks.blocks())));
    return new Reduction(t, witness, shadow);
  }

  /** Verifies a key's range proof: reduction, witness opening, shadow opening and link. */
  public void verify(VerifyingKey vk, WeightRangeProof proof) throws InvalidProofException {
    if (empty()) {
      // Every public field is bound: a weightless model's key has no range proof to carry, so one
      // that comes with something claiming to be one is not a key this statement made.
      InvalidProofException.check(
          proof == null,
          "weight range proof: the model commits no constant, so its key carries no range proof,"
              + " but this one does");
      InvalidProofException.check(
          vk.weights().numVars() == weightLayout.numVars(),
          "weight range proof: the weight commitment has "
              + vk.weights().numVars()
              + " variables, the model needs "
              + weightLayout.numVars());
      return;
    }
    InvalidProofException.check(
        proof != null, "weight range proof: the key carries none, and the model commits constants");
    Reduction r = reduce(vk, proof);
    BasefoldVerifier pcs = new BasefoldVerifier(pcsParams());
    try {
      pcs.verifyColumns(
          proof.witness(),
          witnessLayout,
          r.witnessClaims(),
          OpeningProof.decode(proof.witnessOpening(), pcs.params(), witnessLayout.numVars()),
          r.transcript());
    } catch (InvalidProofException e) {
      throw new InvalidProofException("weight range proof: witness opening: " + e.getMessage());
    }
    try {
      ShadowLink.verifyOpening(
          pcs,
          vk.weights(),
          proof.shadow(),
          shadowLayout,
          r.shadowClaims(),
          proof.shadowOpening(),
          proof.shadowLink(),
          r.transcript());
    } catch (InvalidProofException e) {
      throw new InvalidProofException("weight range proof: weight shadow: " + e.getMessage());
    }
  }

  /** Digests of keys whose range proofs this process has verified: each key is checked once. */
  private static final Set<Digest32> VERIFIED = ConcurrentHashMap.newKeySet();

  /**
   * Checks that a key's committed constants are in their declared ranges, once per key digest in
   * this process. The digest covers the description and the weight commitment, which are what the
   * range proof is about: another copy of the key with another (even bogus) range proof is the same
   * verified model. A key without a range proof (version 1, made before range proofs) is refused,
   * unless its model commits no constant ({@link #empty()}): then there is nothing to prove.
   */
  public static void check(VerifyingKey vk) throws InvalidProofException {
    Digest32 d = vk.digest();
    if (VERIFIED.contains(d)) {
      return;
    }
    WeightRanges statement = of(vk);
    InvalidProofException.check(
        vk.rangeProof() != null || statement.empty(),
        "verifying key "
            + d.hex()
            + " has no weight range proof (a version-1 key): nothing shows its committed weights"
            + " are an int8 model; commit the model again with this version of zkaudit");
    statement.verify(vk, vk.rangeProof());
    VERIFIED.add(d);
  }

  /** Whether this process has verified the key's range proof (tests). */
  public static boolean verified(Digest32 key) {
    return VERIFIED.contains(key);
  }
}

package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelLookupSections;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.RangeMask;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/**
 * The zero-knowledge layer reductions on chain (LinearLayerStep.sol's {@code reduceZk} and {@code
 * addZk}, ProofSession.sol's {@code linear} and {@code addition} in a zero-knowledge session)
 * against Java's {@code WindowedLinearVerifier} with its mask ledger ({@code ChainedPhases}, {@code
 * ShadowPhase1}, {@code VirtualPadding}, the padded sums) and {@code ProofReduction.add} ({@code
 * ConstantAddend}), on the real zero-knowledge proof of the MNIST CNN (real Anvil node): every
 * layer in a session with Java's state and claims (the mask claims included) at each checkpoint;
 * systematic mutations with Java's verdict and reason; cheating provers.
 */
@ExtendWith(AnvilExtension.class)
class ZkLayerStepTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** Proven layer k of the zero-knowledge proof as its reduction step sees it. */
  record ZkLayer(
      int k,
      ModelCircuit.ProvenLayer layer,
      List<BigInteger> plan,
      ModelLookupSections.Rounding rounding,
      Ext2[] rho,
      byte[] proof,
      int linearIndex,
      int addIndex) {
    boolean isAdd() {
      return layer instanceof ModelCircuit.AddLayer;
    }

    boolean constantAddend() {
      return layer instanceof ModelCircuit.AddLayer a && (a.isConstant(0) || a.isConstant(1));
    }

    Transcript before() {
      return rounding.transcript();
    }

    Ext2 value() {
      return rounding.accumulator();
    }

    String name() {
      return "layer " + k + " (" + layer.layer().name() + ")";
    }
  }

  static ModelCircuit circuit(StatementBindingDifferentialTest.Fixture f) {
    return ModelCircuit.of(f.vk().description(), true);
  }

  /** Every proven layer of {@code f}'s zero-knowledge proof, after Java's rounding. */
  static List<ZkLayer> layers(StatementBindingDifferentialTest.Fixture f, ModelProof proof)
      throws Exception {
    ModelCircuit circuit = circuit(f);
    List<ZkLayer> out = new ArrayList<>();
    int linear = 0;
    int adds = 0;
    for (int k = 0; k < circuit.layers().size(); k++) {
      ModelCircuit.ProvenLayer p = circuit.layers().get(k);
      List<BigInteger> plan = LayerEncoding.reductionPlan(circuit, k, true);
      ModelLookupSections.Rounding r =
          ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k);
      Ext2[] rho = r.claims().get(r.claims().size() - 4).point(); // c1 at rho
      ByteWriter w = new ByteWriter();
      int li = -1;
      int ai = -1;
      if (p instanceof ModelCircuit.AddLayer a) {
        ai = adds++;
        w.raw(OnChainLinearLayerStep.addEval(proof.addEvals()[ai]));
        if (a.isConstant(0) || a.isConstant(1)) {
          li = linear++;
          proof.linear().get(li).encode(w);
        }
      } else {
        li = linear++;
        proof.linear().get(li).encode(w);
      }
      out.add(new ZkLayer(k, p, plan, r, rho, w.toByteArray(), li, ai));
    }
    return out;
  }

  /** Java's verdict by the contract's categories, with the state and claims of a valid one. */
  record Verdict(LinearStepRejection reason, Digest32 state, Digest32 claimsHash, String message) {}

  static Verdict rejected(String message) {
    LinearStepRejection reason = LinearStepRejection.ofJavaMessage(message);
    assertNotNull(reason, "no category for the Java rejection: " + message);
    return new Verdict(reason, null, null, message);
  }

  /**
   * Java's verdict on layer l's reduction with these bytes, this plan (its mask block) and this
   * accumulator value: a linear layer through {@code WindowedLinearVerifier.verify} with a mask
   * ledger at the plan's block; an ADD through the whole reduction of the proof with its s and
   * constant addend's sumcheck replaced ({@code ProofReduction.throughLayer}).
   */
  static Verdict java(
      StatementBindingDifferentialTest.Fixture f,
      ZkLayer l,
      List<BigInteger> plan,
      Ext2 value,
      byte[] bytes)
      throws Exception {
    return l.isAdd() ? javaAdd(f, l, bytes) : javaLinear(l, plan, value, bytes);
  }

  static Verdict javaLinear(ZkLayer l, List<BigInteger> plan, Ext2 value, byte[] bytes)
      throws Exception {
    WindowedLinearProof proof;
    try {
      ByteReader r = new ByteReader(bytes);
      proof = WindowedLinearProof.decode(r);
      if (r.remaining() != 0) {
        return new Verdict(LinearStepRejection.MALFORMED, null, null, "trailing bytes");
      }
    } catch (InvalidProofException e) {
      return new Verdict(LinearStepRejection.MALFORMED, null, null, e.getMessage());
    }
    WindowedLinear spec = ((ModelCircuit.LinearLayer) l.layer()).linear();
    MaskLedger ledger = new MaskLedger(Integer.MAX_VALUE);
    ledger.reserve(plan.getLast().intValueExact());
    Transcript t = l.before().fork();
    try {
      List<TensorClaim> claims =
          WindowedLinearVerifier.verify(spec, l.rho(), value, proof, t, ledger);
      return new Verdict(
          LinearStepRejection.VALID,
          t.state(),
          tensorClaimsHash(plan, claims, ledger.entries()),
          "valid");
    } catch (InvalidProofException e) {
      return rejected(e.getMessage());
    }
  }

  /**
   * The chain a zero-knowledge linear step outputs over Java's claims (weights, bias, input; a
   * sum's input) and its mask claims.
   */
  static Digest32 tensorClaimsHash(
      List<BigInteger> plan, List<TensorClaim> claims, List<MaskLedger.Entry> masks) {
    byte[] h = LayerEncoding.planHash(plan);
    int i = 0;
    for (int j : new int[] {31, 29, 33}) {
      if (plan.get(j).signum() == 0) {
        continue;
      }
      TensorClaim c = claims.get(i++);
      h =
          LogUpEncoding.itemHash(
              h,
              plan.get(j).intValueExact(),
              plan.get(j + 1).intValueExact(),
              0,
              c.point(),
              new Ext2[] {c.value()});
    }
    assertEquals(claims.size(), i, "the plan routes every claim");
    for (MaskLedger.Entry e : masks) {
      h = LayerEncoding.maskItemHash(h, plan.getFirst().intValueExact(), e);
    }
    return new Digest32(h);
  }

  static Verdict javaAdd(StatementBindingDifferentialTest.Fixture f, ZkLayer l, byte[] bytes)
      throws Exception {
    ModelProof.Edit e = f.proof().edit();
    try {
      ByteReader r = new ByteReader(bytes);
      Ext2 s = r.ext("add eval");
      Ext2[] evals = f.proof().addEvals();
      evals[l.addIndex()] = s;
      e.addEvals(evals);
      if (l.constantAddend()) {
        List<WindowedLinearProof> linear = new ArrayList<>(f.proof().linear());
        linear.set(l.linearIndex(), WindowedLinearProof.decode(r));
        e.linear(linear);
      }
      if (r.remaining() != 0) {
        return new Verdict(LinearStepRejection.MALFORMED, null, null, "trailing bytes");
      }
    } catch (InvalidProofException x) {
      return new Verdict(LinearStepRejection.MALFORMED, null, null, x.getMessage());
    }
    try {
      ModelLookupSections.ZkReduced x =
          ModelLookupSections.zkLayer(f.verifier(), e.build(), f.input(), l.k());
      int n = l.rounding().claims().size();
      return new Verdict(
          LinearStepRejection.VALID,
          x.transcript().state(),
          new Digest32(
              LayerEncoding.zkClaimsHash(
                  l.plan(), x.witness().subList(n, x.witness().size()), x.weight(), x.masks())),
          "valid");
    } catch (InvalidProofException x) {
      return rejected(x.getMessage());
    }
  }

  /**
   * Java's constant addend ({@code ProofReduction.constantAddend}'s masked sumcheck through the
   * ledger) from another accumulator value than the rounding's: what the whole reduction cannot be
   * asked (its accumulator comes from the proof).
   */
  static Verdict addendFrom(StatementBindingDifferentialTest.Fixture f, ZkLayer l, Ext2 value) {
    Transcript t = l.before().fork();
    t.absorbExt("add-eval", f.proof().addEvals()[l.addIndex()]);
    WindowedLinearProof c = f.proof().linear().get(l.linearIndex());
    try {
      new MaskLedger(Integer.MAX_VALUE)
          .verify(
              io.zkaudit.layers.ConstantAddend.composition(),
              null,
              l.rho().length + 1,
              value,
              c.phase2(),
              c.masks()[0],
              c.masks()[1],
              t);
      return new Verdict(LinearStepRejection.VALID, t.state(), null, "valid");
    } catch (InvalidProofException e) {
      return rejected("constant addend: " + e.getMessage());
    }
  }

  static OnChainLinearLayerStep.Answer chain(
      OnChainLinearLayerStep step,
      LayerRoundingRowsTest.Items it,
      ZkLayer l,
      List<BigInteger> plan,
      Ext2 value,
      byte[] bytes) {
    return l.isAdd()
        ? step.addZk(l.before().state(), plan, l.rho(), value, bytes, it.lookupsHash(), it.items())
        : step.reduceZk(l.before().state(), plan, l.rho(), value, bytes);
  }

  /** The contract's answer is Java's verdict: the same state and claims, or the same reason. */
  static void assertJavas(Verdict j, OnChainLinearLayerStep.Answer a, String where) {
    if (j.reason() == LinearStepRejection.VALID) {
      assertEquals(LinearStepRejection.VALID, a.reason(), where);
      assertEquals(j.state(), a.state(), where);
      assertEquals(j.claimsHash(), a.claimsHash(), where);
    } else if (j.reason().isSumcheck()) {
      // Java's sumcheck messages do not name the phase; the contract's reason does.
      assertTrue(a.reason().isSumcheck(), where + ": " + a.reason() + ", Java: " + j.message());
    } else {
      assertEquals(j.reason(), a.reason(), where + ", Java: " + j.message());
    }
  }

  private static String row(String what, OnChainProofSession.Outcome.Advanced a) {
    return String.format("| %s | %,d | %,d |%n", what, a.calldataBytes(), a.gasUsed());
  }

  /** A zero-knowledge proof's layers through a session: its gas table and the step count. */
  record SessionRows(
      String name, String rows, int layers, int transactions, long gas, long reductions) {}

  /**
   * {@code f}'s session through its last layer ({@code OnChainModelVerifier.verifyLayers}): each
   * reduction's checkpoint holds Java's transcript state and Java's claims chained onto the
   * rounding's (the mask ledger's combined claims and the first mask block the plan names
   * included), each transaction under EIP-7825's cap; the whole proof is still refused by {@code
   * verify} with {@code ZK_FINISH}.
   */
  static SessionRows session(OnChainModelVerifier v, StatementBindingDifferentialTest.Fixture f)
      throws Exception {
    ModelCircuit circuit = circuit(f);
    int layers = circuit.layers().size();
    OnChainModelVerifier.LayerRun run = v.verifyLayers(f.vk(), f.proof(), f.input());
    assertNull(run.refusal(), () -> f.name() + ": " + run.refusal());
    assertEquals(2 + 2 * layers, run.steps().size());
    assertEquals(run.steps().size(), run.transactions());
    StringBuilder rows = new StringBuilder();
    rows.append(row("statement and input", run.steps().get(0)));
    rows.append(row("lookups", run.steps().get(1)));
    long reductions = 0;
    int masked = 0;
    for (int k = 0; k < layers; k++) {
      ModelCircuit.ProvenLayer p = circuit.layers().get(k);
      String where = f.name() + " layer " + k + " (" + p.layer().name() + ")";
      OnChainProofSession.Outcome.Advanced rounded = run.steps().get(2 + 2 * k);
      OnChainProofSession.Outcome.Advanced reduced = run.steps().get(3 + 2 * k);
      ModelLookupSections.ZkReduced x =
          ModelLookupSections.zkLayer(f.verifier(), f.proof(), f.input(), k);
      assertEquals(x.transcript().state(), reduced.checkpoint().state(), where);
      List<BigInteger> plan = LayerEncoding.reductionPlan(circuit, k, true);
      int n = ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k).claims().size();
      byte[] mine =
          LayerEncoding.zkClaimsHash(
              plan, x.witness().subList(n, x.witness().size()), x.weight(), x.masks());
      assertEquals(
          new Digest32(Hash.sha3(concat(rounded.checkpoint().claimsHash().bytes(), mine))),
          reduced.checkpoint().claimsHash(),
          where + ": Java's claims chained");
      String kind;
      if (p instanceof ModelCircuit.AddLayer a) {
        boolean constant = a.isConstant(0) || a.isConstant(1);
        kind = constant ? "ADD, constant addend" : "ADD of two activations";
        assertEquals(constant ? 16 : 15, plan.size(), where);
        assertEquals(constant ? 1 : 0, x.masks().size(), where);
        if (constant) {
          assertEquals(x.firstMaskBlock(), plan.getLast().intValueExact(), where);
          masked++;
        }
      } else {
        WindowedLinear spec = ((ModelCircuit.LinearLayer) p).linear();
        kind = spec.kind() + ", " + spec.phase1Vars() + " + " + spec.phase2Vars() + " variables";
        assertEquals(x.firstMaskBlock(), plan.getLast().intValueExact(), where + ": mask block");
        assertEquals(1, x.masks().size(), where + ": one combined mask claim");
        masked++;
      }
      assertTrue(reduced.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, where);
      reductions += reduced.gasUsed();
      rows.append(row("layer " + k + ": rounding", rounded));
      rows.append(row("layer " + k + ": reduction (" + kind + ")", reduced));
    }
    assertTrue(masked > 0, "the zero-knowledge layers leave mask claims");
    OnChainModelVerifier.Verdict whole = v.verify(f.vk(), f.proof(), f.input());
    OnChainModelVerifier.Verdict.NotOnChain no =
        assertInstanceOf(OnChainModelVerifier.Verdict.NotOnChain.class, whole);
    assertEquals(LayerEncoding.NotOnChain.ZK_FINISH, no.reason());
    return new SessionRows(
        f.name(), rows.toString(), layers, run.transactions(), run.gas(), reductions);
  }

  /**
   * Every proven layer of the zero-knowledge MNIST CNN and ResNet-8 proofs through a session (open,
   * lookups, then each layer's rounding and reduction), each checkpoint Java's ({@link #session});
   * the gas per step into docs/onchain-verifier-gas.md.
   */
  @Test
  void everyZkLayerVerifiesInASessionWithJavasCheckpoints(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain zk layers gas table", FUNDS);
    OnChainModelVerifier v = OnChainModelVerifier.deploy(node.web3j(), owner);
    OnChainLinearLayerStep alone = LinearLayerStepTest.deployStep(node, owner);
    assertTrue(alone.codeSize() <= 24_576, "EIP-170: " + alone.codeSize());
    StringBuilder tables = new StringBuilder();
    int proofs = 0;
    for (StatementBindingDifferentialTest.Fixture f : StatementBindingDifferentialTest.fixtures()) {
      if (!f.proof().zeroKnowledge()) {
        continue;
      }
      SessionRows r = session(v, f);
      proofs++;
      tables.append(
          String.format(
              """

              ### %s

              | step | calldata bytes | gas |
              |---|---:|---:|
              %s| all %d transactions | | %,d |
              | of which the %d reductions | | %,d |
              """,
              r.name(), r.rows(), r.transactions(), r.gas(), r.layers(), r.reductions()));
    }
    assertTrue(proofs > 0, "a zero-knowledge proof");
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.ZK_LAYERS,
        String.format(
            """
            ## Zero-knowledge proofs' layers in one session

            Generated by `ZkLayerStepTest` (escrow module) on a local Anvil node; do not edit.
            Each zero-knowledge proof (the MNIST CNN on docs/examples/mnist-test-0.json, ResNet-8
            on the first CIFAR-10 test image) through a `ProofSession`
            (`OnChainModelVerifier.verifyLayers`): the statement, the lookups, then every proven
            layer's rounding and its zero-knowledge reduction (`LinearLayerStep.reduceZk`: chained
            phases over the weight shadow, or a padded sum; `addZk`: the constant addend, or an
            ADD of two activations as `add`), each a transaction with the session's checkpoint;
            gas includes the 21,000 and the calldata. The session stops after the last layer: a
            zero-knowledge proof's `finish`, shadow link and `conclude` are not on chain yet.
            `LinearLayerStep` (plain and zero-knowledge reductions) is %,d bytes at runtime.
            %s\
            """,
            alone.codeSize(), tables));
  }

  /**
   * In the session: a zero-knowledge proof with one layer proof's phase-1 mask sum changed (a bit
   * of it flipped) is refused by the chain at that layer's reduction with the reason of Java's
   * rejection, after the steps before it advanced; a constant ADD's mask value changed, likewise.
   */
  @Test
  void aSessionRefusesAMutatedZkLayerWithJavasReason(ChainNode node) throws Exception {
    OnChainModelVerifier v = OnChainModelVerifier.deploy(node.web3j(), node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.zkMnist();
    boolean convDone = false;
    boolean addDone = false;
    for (ZkLayer l : layers(f, f.proof())) {
      boolean conv =
          l.layer() instanceof ModelCircuit.LinearLayer ll
              && ll.linear().kind() == WindowedLinear.Kind.CONV
              && l.k() > 0;
      if (conv ? convDone : !l.constantAddend() || addDone) {
        continue;
      }
      convDone |= conv;
      addDone |= l.constantAddend();
      WindowedLinearProof p = f.proof().linear().get(l.linearIndex());
      Ext2[] masks = p.masks();
      masks[l.isAdd() ? 1 : 0] = masks[l.isAdd() ? 1 : 0].add(Ext2.ONE);
      List<WindowedLinearProof> linear = new ArrayList<>(f.proof().linear());
      linear.set(l.linearIndex(), new WindowedLinearProof(p.bias(), p.phase1(), p.phase2(), masks));
      ModelProof q = f.proof().edit().linear(linear).build();
      InvalidProofException java =
          assertThrows(InvalidProofException.class, () -> f.verifier().verify(q, f.input()));
      LinearStepRejection expected = LinearStepRejection.ofJavaMessage(java.getMessage());
      assertNotNull(expected, java.getMessage());
      OnChainModelVerifier.LayerRun run = v.verifyLayers(f.vk(), q, f.input());
      OnChainModelVerifier.Verdict.Invalid bad =
          assertInstanceOf(OnChainModelVerifier.Verdict.Invalid.class, run.refusal());
      String where = l.name() + ": " + bad + ", Java: " + java.getMessage();
      assertEquals("layer " + l.k() + " reduction", bad.step(), where);
      assertTrue(
          expected.isSumcheck()
              ? bad.reason().contains("SUMCHECK")
              : bad.reason().contains("(" + expected.name() + ","),
          where);
      assertEquals(3 + 2 * l.k(), run.transactions(), where + ": the steps before it advanced");
    }
    assertTrue(convDone && addDone, "a convolution after the first layer and a constant ADD");
  }

  /** The 16-byte extension elements of a WindowedLinearProof encoding, by offset. */
  static List<Integer> elements(byte[] p) {
    List<Integer> out = new ArrayList<>();
    out.add(0); // the bias
    int at = 17;
    int sumchecks = p[16] == 1 ? 2 : 1;
    for (int s = 0; s < sumchecks; s++) {
      int rounds = u32(p, at);
      at += 4;
      for (int i = 0; i <= rounds; i++) {
        int m = u32(p, at);
        at += 4;
        for (int j = 0; j < m; j++) {
          out.add(at);
          at += 16;
        }
      }
    }
    int masks = u32(p, at);
    at += 4;
    for (int j = 0; j < masks; j++) {
      out.add(at);
      at += 16;
    }
    return out;
  }

  /** The offsets of the encoding's u32 counts (rounds, values per round, evaluations, masks). */
  static List<Integer> counts(byte[] p) {
    List<Integer> out = new ArrayList<>();
    int at = 17;
    int sumchecks = p[16] == 1 ? 2 : 1;
    for (int s = 0; s < sumchecks; s++) {
      out.add(at);
      int rounds = u32(p, at);
      at += 4;
      for (int i = 0; i <= rounds; i++) {
        out.add(at);
        at += 4 + 16 * u32(p, at);
      }
    }
    out.add(at);
    return out;
  }

  /** Per sumcheck the counts of its first round and of its final evaluations. */
  static List<Integer> shortenable(byte[] p) {
    List<Integer> out = new ArrayList<>();
    int at = 17;
    int sumchecks = p[16] == 1 ? 2 : 1;
    for (int s = 0; s < sumchecks; s++) {
      int rounds = u32(p, at);
      at += 4;
      for (int i = 0; i <= rounds; i++) {
        if ((i == 0 || i == rounds) && u32(p, at) > 0) {
          out.add(at);
        }
        at += 4 + 16 * u32(p, at);
      }
    }
    return out;
  }

  private static int u32(byte[] p, int at) {
    return (p[at] & 0xFF)
        | (p[at + 1] & 0xFF) << 8
        | (p[at + 2] & 0xFF) << 16
        | (p[at + 3] & 0xFF) << 24;
  }

  private static byte[] flip(byte[] b, int at, int bit) {
    byte[] c = b.clone();
    c[at] ^= (byte) (1 << bit);
    return c;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Systematic mutations of every zero-knowledge layer of the MNIST CNN proof, each step from
   * Java's state after the layer's rounding, each with Java's verdict and reason, never a revert:
   * every extension element of the layer proof (every sumcheck word of both phases, the shadow's
   * weight and bias evaluations and the public tables' at phase 1's end, the wiring and input
   * values at phase 2's, the two masked sums, the constant addend's mask sum and value) with one
   * bit flipped, one bit of its high limb (some non-canonical), every u32 count plus one, a
   * truncation and a trailing byte, a round's and the final evaluations' list one value short in
   * each sumcheck, a bias sent, a mask sum dropped, the accumulator changed; per linear layer the
   * plan's mask block moved (Java's claims with the ledger there: the mask claim names other
   * blocks) and the mask block out of range.
   */
  @Test
  void mutationsOfEveryZkSectionGetJavasVerdict(ChainNode node) throws Exception {
    OnChainLinearLayerStep step = LinearLayerStepTest.deployStep(node, node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.zkMnist();
    LayerRoundingRowsTest.Items it = LayerRoundingRowsTest.items(f);
    Set<LinearStepRejection> reached = EnumSet.noneOf(LinearStepRejection.class);
    int cases = 0;
    for (ZkLayer l : layers(f, f.proof())) {
      // An ADD without a constant side has no zero-knowledge part (its plain `add`, tested there).
      if (l.isAdd() && !l.constantAddend()) {
        Verdict j = java(f, l, l.plan(), l.value(), l.proof());
        assertJavas(j, chain(step, it, l, l.plan(), l.value(), l.proof()), l.name());
        continue;
      }
      int head = l.isAdd() ? 16 : 0; // an ADD's bytes: s, then the addend's proof
      byte[] honest = l.proof();
      byte[] body = Arrays.copyOfRange(honest, head, honest.length);
      List<byte[]> mutants = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<Integer> els = elements(body);
      // The ADDs' Java verdict reruns the reduction up to the layer: fewer high-limb flips there.
      for (int e = 0; e < els.size(); e++) {
        int at = head + els.get(e);
        mutants.add(flip(honest, at + (e % 8), (e * 3) % 8));
        names.add("element " + e + " low limb");
        if (!l.isAdd() || e % 4 == 0) {
          mutants.add(flip(honest, at + 15, 7 - e % 3));
          names.add("element " + e + " high limb");
        }
      }
      for (int c : counts(body)) {
        byte[] m = honest.clone();
        m[head + c]++;
        mutants.add(m);
        names.add("count at " + c);
      }
      mutants.add(Arrays.copyOf(honest, honest.length - 1));
      names.add("truncated");
      mutants.add(Arrays.copyOf(honest, honest.length + 1));
      names.add("trailing byte");
      mutants.add(flip(honest, head, 0));
      names.add("a bias sent");
      if (l.isAdd()) {
        mutants.add(flip(honest, 0, 0));
        names.add("an ADD evaluation sent");
      }
      for (int c : shortenable(body)) {
        // A round (or the final evaluations) one value short, re-encoded: the sumcheck's shape.
        int n = u32(body, c);
        byte[] m = new byte[honest.length - 16];
        int end = head + c + 4 + 16 * n;
        System.arraycopy(honest, 0, m, 0, end - 16);
        System.arraycopy(honest, end, m, end - 16, honest.length - end);
        m[head + c]--;
        mutants.add(m);
        names.add("one value short at " + c);
      }
      {
        // A mask sum dropped: the count one less, the last 16 bytes gone.
        byte[] m = Arrays.copyOf(honest, honest.length - 16);
        m[head + counts(body).getLast()]--;
        mutants.add(m);
        names.add("a mask value dropped");
      }
      for (int i = 0; i < mutants.size(); i++) {
        String where = l.name() + " " + names.get(i);
        Verdict j = java(f, l, l.plan(), l.value(), mutants.get(i));
        OnChainLinearLayerStep.Answer a = chain(step, it, l, l.plan(), l.value(), mutants.get(i));
        assertJavas(j, a, where);
        reached.add(a.reason());
        cases++;
      }
      Ext2 other = l.value().add(Ext2.ONE);
      Verdict j = l.isAdd() ? addendFrom(f, l, other) : java(f, l, l.plan(), other, honest);
      assertJavas(j, chain(step, it, l, l.plan(), other, honest), l.name() + " accumulator + 1");
      cases++;
      if (!l.isAdd()) {
        List<BigInteger> moved = new ArrayList<>(l.plan());
        moved.set(moved.size() - 1, moved.getLast().add(BigInteger.ONE));
        Verdict jm = java(f, l, moved, l.value(), honest);
        assertEquals(LinearStepRejection.VALID, jm.reason(), l.name());
        OnChainLinearLayerStep.Answer am = chain(step, it, l, moved, l.value(), honest);
        assertJavas(jm, am, l.name() + " mask block moved");
        assertNotEquals(java(f, l, l.plan(), l.value(), honest).claimsHash(), am.claimsHash());
        moved.set(moved.size() - 1, BigInteger.ONE.shiftLeft(32));
        assertEquals(
            LinearStepRejection.BAD_STATEMENT,
            chain(step, it, l, moved, l.value(), honest).reason(),
            l.name() + " mask block out of range");
        cases += 2;
      }
    }
    System.out.printf("zero-knowledge layer mutations: %d cases, reached %s%n", cases, reached);
    assertTrue(cases > 1000, "cases: " + cases);
    for (LinearStepRejection r :
        List.of(
            LinearStepRejection.VALID,
            LinearStepRejection.MALFORMED,
            LinearStepRejection.PHASE1_SUMCHECK,
            LinearStepRejection.PHASE2_SUMCHECK,
            LinearStepRejection.PUBLIC_TABLE,
            LinearStepRejection.WINDOW_WIRING,
            LinearStepRejection.MASK_VALUES,
            LinearStepRejection.SENT_IN_ZERO_KNOWLEDGE,
            LinearStepRejection.BIAS_SELECTOR,
            LinearStepRejection.ADDEND_SHAPE)) {
      assertTrue(reached.contains(r), r + " reached; reached: " + reached);
    }
  }

  /**
   * Cheating provers. (1) Valid zero-knowledge layer proofs of another statement, the same model
   * proven on another input: each layer's proof (and constant addend's) given from this proof's
   * transcript and claim is rejected by both verifiers for the same reason. (2) A sum layer's
   * masked sum shifted by one, the rounds kept (each round's g(1) is derived from the running
   * claim, so they stay consistent) and the wiring value recomputed at the new end point: the layer
   * step accepts it in both verifiers, with the same state and the same mask claim, whose value the
   * shift moved (it differs from the honest one): the claim the batched opening of the mask column
   * refuses. Java's whole verification rejects the proof; on chain that opening is the zero
   * knowledge finish still to come.
   */
  @Test
  void cheatingProversAreRejectedAsInJava(ChainNode node) throws Exception {
    OnChainLinearLayerStep step = LinearLayerStepTest.deployStep(node, node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.zkMnist();
    LayerRoundingRowsTest.Items it = LayerRoundingRowsTest.items(f);
    StatementBindingDifferentialTest.CommittedMnist m =
        StatementBindingDifferentialTest.committedMnist().orElseThrow();
    int[] other = m.input().clone();
    io.zkaudit.model.TensorSpec spec = f.inputSpec();
    for (int i = 200; i < 260; i++) {
      other[i] = other[i] == spec.type().max() ? spec.type().min() : spec.type().max();
    }
    ModelProof cheat =
        io.zkaudit.prover.inference.ModelProver.prove(
            m.model(), other, io.zkaudit.prover.inference.ProgressListener.NONE, true);
    List<ZkLayer> mine = layers(f, f.proof());
    List<ZkLayer> theirs = layers(f, cheat);
    int rejected = 0;
    for (int k = 0; k < mine.size(); k++) {
      ZkLayer l = mine.get(k);
      if (l.isAdd() && !l.constantAddend()) {
        continue;
      }
      byte[] forged = theirs.get(k).proof();
      Verdict j = java(f, l, l.plan(), l.value(), forged);
      assertNotEquals(LinearStepRejection.VALID, j.reason(), l.name());
      assertJavas(
          j,
          chain(step, it, l, l.plan(), l.value(), forged),
          l.name() + " from another input's proof");
      rejected++;
    }
    assertTrue(rejected > 0, "another input's layer proofs");

    // (2) The first sum layer's mask sum shifted consistently.
    ZkLayer sum =
        mine.stream()
            .filter(
                l ->
                    l.layer() instanceof ModelCircuit.LinearLayer ll
                        && ll.linear().kind() == WindowedLinear.Kind.SUM)
            .findFirst()
            .orElseThrow();
    WindowedLinear s = ((ModelCircuit.LinearLayer) sum.layer()).linear();
    WindowedLinearProof honest = f.proof().linear().get(sum.linearIndex());
    Ext2 shifted = honest.masks()[0].add(Ext2.ONE);
    WindowedLinear.OutputPoint op = s.outputPoint(sum.rho());
    Ext2 zeroPart =
        s.rows()
            .windowCount(op.y())
            .mul(s.cols().windowCount(op.x()))
            .mul(RangeMask.evaluate(s.in().channels(), op.c()))
            .mul(io.zkaudit.field.Goldilocks.fromSigned(s.inputZeroPoint()));
    // The end point the shifted sum leads to (the evaluations are absorbed after it).
    SumcheckVerifier.OpenEnd end =
        SumcheckVerifier.verifyMaskedOpenEnd(
            s.phase2Vars(),
            2,
            sum.value().add(zeroPart),
            honest.phase2(),
            shifted,
            2,
            sum.before().fork());
    Ext2[] sigma = end.point();
    Ext2[] sx = Arrays.copyOfRange(sigma, 0, s.in().wBits());
    Ext2[] sy = Arrays.copyOfRange(sigma, s.in().wBits(), sigma.length);
    Ext2 wiring =
        s.rows().evaluateSummedTaps(op.y(), sy).mul(s.cols().evaluateSummedTaps(op.x(), sx));
    Ext2[] evals = honest.phase2().evaluations();
    evals[0] = wiring;
    WindowedLinearProof forged =
        new WindowedLinearProof(
            honest.bias(),
            null,
            new SumcheckProof(honest.phase2().rounds(), evals),
            new Ext2[] {shifted});
    ByteWriter w = new ByteWriter();
    forged.encode(w);
    byte[] bytes = w.toByteArray();
    Verdict j = java(f, sum, sum.plan(), sum.value(), bytes);
    assertEquals(LinearStepRejection.VALID, j.reason(), "the layer alone cannot tell");
    OnChainLinearLayerStep.Answer a = chain(step, it, sum, sum.plan(), sum.value(), bytes);
    assertJavas(j, a, sum.name() + " mask sum shifted");
    Verdict h = java(f, sum, sum.plan(), sum.value(), sum.proof());
    assertNotEquals(h.claimsHash(), a.claimsHash(), "the mask claim moved with the shift");
    List<WindowedLinearProof> linear = new ArrayList<>(f.proof().linear());
    linear.set(sum.linearIndex(), forged);
    ModelProof q = f.proof().edit().linear(linear).build();
    assertThrows(InvalidProofException.class, () -> f.verifier().verify(q, f.input()));
  }
}

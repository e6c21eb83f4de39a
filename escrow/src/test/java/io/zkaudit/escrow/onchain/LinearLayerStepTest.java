package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelLookupSections;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.WindowPredicate;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * LinearLayerStep.sol and ProofSession.sol's {@code linear} step against Java's {@code
 * WindowedLinearVerifier} on the real plain proof of the MNIST CNN (real Anvil node): every proven
 * layer's reduction from Java's transcript after its rounding, with Java's state and claims;
 * systematic mutations of each layer's proof bytes, claims and plans with Java's verdict; the whole
 * session, layer after layer, with Java's state at every checkpoint.
 */
@ExtendWith(AnvilExtension.class)
class LinearLayerStepTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** Proven layer k of a plain proof as its reduction step sees it, after Java's rounding. */
  record Layer(
      int k,
      List<BigInteger> plan,
      WindowedLinear spec,
      List<BigInteger> roundingPlan,
      ModelLookupSections.Rounding rounding,
      Ext2[] rho,
      byte[] proof) {
    Transcript before() {
      return rounding.transcript();
    }

    Ext2 value() {
      return rounding.accumulator();
    }

    byte[] roundingItems() {
      return LayerEncoding.roundingItems(roundingPlan, rounding.claims(), rounding.accumulator());
    }
  }

  static ModelCircuit circuit(StatementBindingDifferentialTest.Fixture f) {
    return ModelCircuit.of(f.vk().description(), f.proof().zeroKnowledge());
  }

  /** Layer k, or null when its reduction is not on chain (the reason then listed by the caller). */
  static Layer layer(StatementBindingDifferentialTest.Fixture f, ModelCircuit circuit, int k)
      throws Exception {
    List<BigInteger> plan;
    try {
      plan = LayerEncoding.linearPlan(circuit, k, f.proof().zeroKnowledge());
    } catch (LayerEncoding.UnsupportedLayerException e) {
      return null;
    }
    WindowedLinear spec = ((ModelCircuit.LinearLayer) circuit.layers().get(k)).linear();
    ModelLookupSections.Rounding r =
        ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k);
    int n = r.claims().size();
    Ext2[] rho = r.claims().get(n - 4).point(); // c1 at rho
    int index = 0;
    for (int j = 0; j < k; j++) {
      ModelCircuit.ProvenLayer p = circuit.layers().get(j);
      if (p instanceof ModelCircuit.LinearLayer || p instanceof ModelCircuit.ProductLayer) {
        index++;
      }
    }
    ByteWriter w = new ByteWriter();
    f.proof().linear().get(index).encode(w);
    return new Layer(
        k, plan, spec, LayerEncoding.roundingPlan(circuit, k), r, rho, w.toByteArray());
  }

  /** Java's verdict on a layer's reduction: decoding the bytes, then WindowedLinearVerifier. */
  record JavaVerdict(
      LinearStepRejection reason, Digest32 state, Digest32 claimsHash, String message) {}

  static JavaVerdict java(
      WindowedLinear spec,
      List<BigInteger> plan,
      Transcript before,
      Ext2[] rho,
      Ext2 value,
      byte[] bytes) {
    WindowedLinearProof proof;
    try {
      ByteReader r = new ByteReader(bytes);
      proof = WindowedLinearProof.decode(r);
      if (r.remaining() != 0) {
        return new JavaVerdict(LinearStepRejection.MALFORMED, null, null, "trailing bytes");
      }
    } catch (InvalidProofException e) {
      return new JavaVerdict(LinearStepRejection.MALFORMED, null, null, e.getMessage());
    }
    Transcript t = before.fork();
    try {
      List<TensorClaim> claims = WindowedLinearVerifier.verify(spec, rho, value, proof, t);
      return new JavaVerdict(
          LinearStepRejection.VALID,
          t.state(),
          new Digest32(LayerEncoding.linearClaimsHash(plan, claims)),
          "valid");
    } catch (InvalidProofException e) {
      LinearStepRejection reason = LinearStepRejection.ofJavaMessage(e.getMessage());
      assertNotNull(reason, "no category for the Java rejection: " + e.getMessage());
      return new JavaVerdict(reason, null, null, e.getMessage());
    }
  }

  /** The contract's answer is Java's verdict: the same state and claims, or the same reason. */
  static void assertJavas(JavaVerdict j, OnChainLinearLayerStep.Answer a, String where) {
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

  static OnChainLinearLayerStep deployStep(ChainNode node, Credentials owner) {
    OnChainSumcheckVerifier sumchecks = OnChainSumcheckVerifier.deploy(node.web3j(), owner);
    OnChainLayerSteps steps = OnChainLayerSteps.deploy(node.web3j(), owner);
    return OnChainLinearLayerStep.deploy(node.web3j(), owner, sumchecks.address(), steps.address());
  }

  /**
   * Every proven layer of the plain MNIST CNN: the linear ones' reductions end in Java's state with
   * Java's claims, each under EIP-7825's cap; the others are listed with why they are not on chain.
   * The gas per layer into docs/onchain-verifier-gas.md.
   */
  @Test
  void everyLinearLayerOfThePlainMnistCnnIsJavas(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain linear layers gas table", FUNDS);
    OnChainLinearLayerStep step = deployStep(node, owner);
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    ModelCircuit circuit = circuit(f);
    StringBuilder rows = new StringBuilder();
    int linear = 0;
    long total = 0;
    for (int k = 0; k < circuit.layers().size(); k++) {
      ModelCircuit.ProvenLayer p = circuit.layers().get(k);
      Layer l = layer(f, circuit, k);
      if (l == null) {
        int at = k;
        LayerEncoding.UnsupportedLayerException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                LayerEncoding.UnsupportedLayerException.class,
                () -> LayerEncoding.linearPlan(circuit, at, false));
        rows.append(
            String.format(
                "| %d | %s | %s | %s | | |%n",
                k,
                p.layer().name(),
                e.reason(),
                e.reason() == LayerEncoding.NotOnChain.ADD
                    ? "`add`: in the session, below"
                    : "not on chain yet"));
        continue;
      }
      String where = "layer " + k + " (" + p.layer().name() + ")";
      JavaVerdict java = java(l.spec(), l.plan(), l.before(), l.rho(), l.value(), l.proof());
      assertEquals(LinearStepRejection.VALID, java.reason(), where + ": " + java.message());
      OnChainLinearLayerStep.Answer a =
          step.reduce(l.before().state(), l.plan(), l.rho(), l.value(), l.proof());
      assertJavas(java, a, where);
      long gas = step.reduceGas(l.before().state(), l.plan(), l.rho(), l.value(), l.proof());
      assertTrue(gas <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, where + ": " + gas);
      total += gas;
      linear++;
      rows.append(
          String.format(
              "| %d | %s | %s | %d + %d | %,d | %,d |%n",
              k,
              p.layer().name(),
              l.spec().kind(),
              l.spec().phase1Vars(),
              l.spec().phase2Vars(),
              l.proof().length,
              gas));
    }
    assertTrue(linear > 0, "the MNIST CNN has linear layers");
    rows.append(String.format("| all | | %d linear layers | | | %,d |%n", linear, total));
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.LINEAR,
        """
        ## Layer steps: the windowed linear layers (LinearLayerStep.sol)

        Generated by `LinearLayerStepTest` (escrow module) on a local Anvil node; do not edit.
        Each proven layer of the plain MNIST CNN proof: a windowed linear layer's reduction
        (`LinearLayerStep.reduce`: bias, phase 1 over taps and channels, phase 2 over input
        positions; a sum, pools and means, phase 2 only) as a transaction of its own from Java's
        transcript state after the layer's rounding; gas includes the 21,000 and the calldata
        (the plan, the point and the proof's bytes). In a session (`ProofSession.linear`) the step
        adds the rounding's claims (~5 items) opened against the checkpoint, the plan hashes and
        the checkpoint's read and write (below, "whole session"). Variables: phase 1 + phase 2.
        Runtime bytecode: `LinearLayerStep` %,d bytes.

        | layer | name | kind | variables | proof bytes | gas |
        |---:|---|---|---:|---:|---:|
        %s\
        """
            .formatted(step.codeSize(), rows));
  }

  /**
   * Every linear layer of the plain MNIST CNN, mutated: bit flips spread over its proof's bytes,
   * each limb of the bias and of sampled elements made non-canonical, truncations and a trailing
   * byte, a wrong accumulator value and point, a bias on a layer without one, a mask value; each
   * gets Java's verdict and reason.
   */
  @Test
  void mutatedLayerProofsGetJavasVerdict(ChainNode node) throws Exception {
    OnChainLinearLayerStep step = deployStep(node, node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    ModelCircuit circuit = circuit(f);
    Random rng = new Random(1515);
    Set<LinearStepRejection> reached = EnumSet.noneOf(LinearStepRejection.class);
    int cases = 0;
    for (int k = 0; k < circuit.layers().size(); k++) {
      Layer l = layer(f, circuit, k);
      if (l == null) {
        continue;
      }
      List<byte[]> mutants = new ArrayList<>();
      byte[] b = l.proof();
      // Bit flips: every byte of the first 96 (bias, flag, counts, first round), then spread.
      for (int i = 0; i < Math.min(96, b.length); i++) {
        mutants.add(flip(b, i, rng.nextInt(8)));
      }
      for (int i = 0; i < 120; i++) {
        mutants.add(flip(b, rng.nextInt(b.length), rng.nextInt(8)));
      }
      for (int cut : new int[] {0, 1, 16, 17, 21, b.length / 2, b.length - 4, b.length - 1}) {
        mutants.add(Arrays.copyOf(b, cut));
      }
      mutants.add(Arrays.copyOf(b, b.length + 1));
      // Non-canonical limbs: the bias's and the last evaluation's (p added keeps it small).
      for (int at : new int[] {0, 8, b.length - 4 - 16, b.length - 4 - 8}) {
        mutants.add(nonCanonical(b, at));
      }
      // A mask value (one more element and count 1), a bias on a bias-less layer.
      byte[] masked = Arrays.copyOf(b, b.length + 16);
      masked[b.length - 4] = 1;
      mutants.add(masked);
      byte[] biased = b.clone();
      biased[0] ^= 1;
      mutants.add(biased);
      // Well-formed proofs of the other shape: a convolution without phase 1, a sum with one.
      WindowedLinearProof honest = WindowedLinearProof.decode(new ByteReader(b));
      ByteWriter other = new ByteWriter();
      new WindowedLinearProof(
              honest.bias(), honest.phase1() == null ? honest.phase2() : null, honest.phase2())
          .encode(other);
      mutants.add(other.toByteArray());
      for (byte[] m : mutants) {
        JavaVerdict java = java(l.spec(), l.plan(), l.before(), l.rho(), l.value(), m);
        OnChainLinearLayerStep.Answer a =
            step.reduce(l.before().state(), l.plan(), l.rho(), l.value(), m);
        assertJavas(java, a, "layer " + l.k() + " mutant " + cases);
        reached.add(a.reason());
        cases++;
      }
      // Wrong claims: the accumulator's value and one coordinate of its point.
      Ext2 wrong = l.value().add(Ext2.ONE);
      JavaVerdict jv = java(l.spec(), l.plan(), l.before(), l.rho(), wrong, b);
      assertNotEquals(LinearStepRejection.VALID, jv.reason());
      OnChainLinearLayerStep.Answer av =
          step.reduce(l.before().state(), l.plan(), l.rho(), wrong, b);
      assertJavas(jv, av, "value");
      reached.add(av.reason());
      Ext2[] rho = l.rho().clone();
      rho[rho.length - 1] = rho[rho.length - 1].add(Ext2.ONE);
      // (Valid in both when the coordinate is a channel bit only the bias and weight claims
      // read: the claims then differ, Java's and the contract's alike.)
      JavaVerdict jr = java(l.spec(), l.plan(), l.before(), rho, l.value(), b);
      OnChainLinearLayerStep.Answer ar =
          step.reduce(l.before().state(), l.plan(), rho, l.value(), b);
      assertJavas(jr, ar, "point");
      reached.add(ar.reason());
      // The honest proof itself.
      OnChainLinearLayerStep.Answer ah =
          step.reduce(l.before().state(), l.plan(), l.rho(), l.value(), b);
      assertJavas(java(l.spec(), l.plan(), l.before(), l.rho(), l.value(), b), ah, "honest");
      reached.add(ah.reason());
      cases += 2;
    }
    assertTrue(cases >= 1000, "cases: " + cases);
    for (LinearStepRejection r :
        List.of(
            LinearStepRejection.VALID,
            LinearStepRejection.MALFORMED,
            LinearStepRejection.MASK_VALUES,
            LinearStepRejection.PHASE1_PRESENCE)) {
      assertTrue(reached.contains(r), "reached " + reached + ", not " + r);
    }
    assertTrue(
        reached.contains(LinearStepRejection.PHASE1_SUMCHECK)
            && reached.contains(LinearStepRejection.PHASE2_SUMCHECK),
        "reached " + reached);
  }

  /**
   * Plans: another model's (a zero point, a pad or a stride changed, as another model description
   * would have them) gets Java's verdict on that description; a plan the contract cannot read
   * (truncated, a word more, an unknown kind, a window that is not the layouts', routes missing) is
   * a bad statement.
   */
  @Test
  void anotherModelsPlanGetsJavasVerdictAndHostilePlansAreBadStatements(ChainNode node)
      throws Exception {
    OnChainLinearLayerStep step = deployStep(node, node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    ModelCircuit circuit = circuit(f);
    int tested = 0;
    for (int k = 0; k < circuit.layers().size(); k++) {
      Layer l = layer(f, circuit, k);
      if (l == null) {
        continue;
      }
      WindowedLinear s = l.spec();
      List<WindowedLinear> others = new ArrayList<>();
      others.add(
          new WindowedLinear(
              s.kind(),
              s.input(),
              s.weights(),
              s.bias(),
              s.in(),
              s.out(),
              s.rows(),
              s.cols(),
              s.inputZeroPoint() + 1,
              s.weightZeroPoints()));
      WindowPredicate c = s.cols();
      if (c.kernel() > 1) {
        others.add(
            new WindowedLinear(
                s.kind(),
                s.input(),
                s.weights(),
                s.bias(),
                s.in(),
                s.out(),
                s.rows(),
                new WindowPredicate(
                    c.kernel(),
                    c.stride(),
                    c.pad() + 1,
                    c.outBits(),
                    c.tapBits(),
                    c.inBits(),
                    c.inSize()),
                s.inputZeroPoint(),
                s.weightZeroPoints()));
      }
      if (s.kind() == WindowedLinear.Kind.CONV) {
        List<Integer> zw = new ArrayList<>(s.weightZeroPoints());
        zw.set(0, zw.getFirst() + 1);
        others.add(
            new WindowedLinear(
                s.kind(),
                s.input(),
                s.weights(),
                s.bias(),
                s.in(),
                s.out(),
                s.rows(),
                s.cols(),
                s.inputZeroPoint(),
                zw));
      }
      for (WindowedLinear other : others) {
        List<BigInteger> plan = planOf(l.plan(), other);
        JavaVerdict java = java(other, plan, l.before(), l.rho(), l.value(), l.proof());
        OnChainLinearLayerStep.Answer a =
            step.reduce(l.before().state(), plan, l.rho(), l.value(), l.proof());
        assertJavas(java, a, "layer " + k + " other model");
        tested++;
      }
      List<BigInteger> p = l.plan();
      for (List<BigInteger> bad :
          List.of(
              p.subList(0, p.size() - 1),
              append(p, BigInteger.ZERO),
              with(p, 1, 3),
              with(p, 17, p.get(17).longValue() + 1), // rows' outBits against the output's
              with(p, 33, 0), // no destination for the input claim
              with(p, 33, 9),
              List.<BigInteger>of())) {
        OnChainLinearLayerStep.Answer a =
            step.reduce(l.before().state(), bad, l.rho(), l.value(), l.proof());
        assertEquals(LinearStepRejection.BAD_STATEMENT, a.reason(), "layer " + k);
      }
      // A point of another length than the output layout's.
      OnChainLinearLayerStep.Answer a =
          step.reduce(
              l.before().state(),
              p,
              Arrays.copyOf(l.rho(), l.rho().length - 1),
              l.value(),
              l.proof());
      assertEquals(LinearStepRejection.BAD_STATEMENT, a.reason());
    }
    assertTrue(tested > 0);
  }

  /**
   * The plain MNIST CNN proof's layers in a session: open, lookups, layer 0's rounding, then per
   * proven layer its reduction ({@code linear}) and the next layer's rounding ({@code roundingAt}),
   * every checkpoint Java's state with Java's claims chained, every transaction under the caps. On
   * the way, at one layer: a mutated proof refused with Java's reason, another layer's plan, a plan
   * not in the session's hashes, another model's plan hashes, rounding claims that do not open, a
   * wrong previous hash and a forged checkpoint refused. The session's gas into
   * docs/onchain-verifier-gas.md.
   */
  @Test
  void thePlainMnistCnnsLayersVerifyStepByStepInASession(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain linear session gas table", FUNDS);
    OnChainProofSession session = ProofSessionTest.deploy(node, owner).session();
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    ModelCircuit circuit = circuit(f);
    int layers = circuit.layers().size();
    LayerRoundingSessionTest.Opened o = LayerRoundingSessionTest.open(session, f);
    LayerRoundingRowsTest.Items it = LayerRoundingRowsTest.items(f);
    List<byte[]> planHashes = LayerEncoding.layerPlanHashes(circuit, false);
    StringBuilder rows = new StringBuilder();
    rows.append(row("statement and input", o.open()));
    rows.append(row("lookups", o.lookups()));
    OnChainProofSession.Outcome.Advanced step =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.rounding(
                o.id(),
                o.checkpoint(),
                o.plan(),
                o.statementClaims(),
                o.lookupsHash(),
                o.items(),
                LayerEncoding.rangeEvals(f.proof().rangeEvals(), 0),
                output(f, o.plan())));
    checkRounding(f, circuit, 0, o.checkpoint(), step);
    rows.append(row("layer 0: rounding", step));
    long layerGas = step.gasUsed();
    OnChainProofSession.Checkpoint beforeRounding = o.checkpoint();
    int verified = 0;
    for (int k = 0; k < layers; k++) {
      OnChainProofSession.Checkpoint c = step.checkpoint();
      Layer l = layer(f, circuit, k);
      String where = "layer " + k;
      Digest32 previous = beforeRounding.claimsHash();
      if (l == null && circuit.layers().get(k) instanceof ModelCircuit.AddLayer) {
        AddCase a = addCase(f, circuit, k);
        if (verified > 0 && k < 8) {
          addRefusals(session, o.id(), c, a, planHashes, previous, it);
        }
        step =
            assertInstanceOf(
                OnChainProofSession.Outcome.Advanced.class,
                session.addition(
                    o.id(),
                    c,
                    a.plan(),
                    planHashes,
                    previous,
                    a.roundingPlan(),
                    a.roundingItems(),
                    OnChainLinearLayerStep.addEval(a.s()),
                    it.lookupsHash(),
                    it.rowHashes(),
                    it.items()),
                where);
        JavaAdd java = javaAdd(f, a, a.s());
        assertEquals(4 + 2 * k, step.checkpoint().step(), where);
        assertEquals(java.state(), step.checkpoint().state(), where);
        assertEquals(
            OnChainProofSession.chainClaims(c.claimsHash(), java.claimsHash()),
            step.checkpoint().claimsHash(),
            where);
        assertTrue(step.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, where);
        assertTrue(step.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, where);
        rows.append(row("layer " + k + ": reduction (ADD)", step));
        layerGas += step.gasUsed();
        verified++;
      } else if (l == null) {
        rows.append(
            String.format(
                "| layer %d: reduction | not on chain yet (%s) | | |%n",
                k, circuit.layers().get(k).getClass().getSimpleName()));
        break;
      } else {
        if (k == 1) {
          refusals(session, o.id(), c, l, planHashes, previous, circuit);
        }
        step =
            assertInstanceOf(
                OnChainProofSession.Outcome.Advanced.class,
                session.linear(
                    o.id(),
                    c,
                    l.plan(),
                    planHashes,
                    previous,
                    l.roundingPlan(),
                    l.roundingItems(),
                    l.proof()),
                where);
        JavaVerdict java = java(l.spec(), l.plan(), l.before(), l.rho(), l.value(), l.proof());
        assertEquals(4 + 2 * k, step.checkpoint().step(), where);
        assertEquals(java.state(), step.checkpoint().state(), where);
        assertEquals(
            OnChainProofSession.chainClaims(c.claimsHash(), java.claimsHash()),
            step.checkpoint().claimsHash(),
            where);
        assertTrue(step.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, where);
        assertTrue(step.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, where);
        rows.append(row("layer " + k + ": reduction (" + l.spec().kind() + ")", step));
        layerGas += step.gasUsed();
        verified++;
      }
      if (k + 1 == layers) {
        break;
      }
      beforeRounding = step.checkpoint();
      List<BigInteger> plan = LayerEncoding.roundingPlan(circuit, k + 1);
      step =
          assertInstanceOf(
              OnChainProofSession.Outcome.Advanced.class,
              session.roundingAt(
                  o.id(),
                  beforeRounding,
                  plan,
                  it.lookupsHash(),
                  it.rowHashes(),
                  LayerEncoding.rowItems(it.items(), k + 1),
                  LayerEncoding.rangeEvals(f.proof().rangeEvals(), k + 1),
                  output(f, plan)),
              "layer " + (k + 1) + " rounding");
      checkRounding(f, circuit, k + 1, beforeRounding, step);
      rows.append(row("layer " + (k + 1) + ": rounding", step));
      layerGas += step.gasUsed();
    }
    assertEquals(
        new Digest32(LayerEncoding.layerPlans(planHashes)),
        session.layerPlans(o.id()),
        "the session holds the model's layer plans");
    // What a reader compares with the registry's record of the model.
    List<BigInteger> lookupPlan =
        ProofSessionTest.lookupCase(f, f.proof().lookups().toBytes()).plan();
    assertEquals(
        new Digest32(LayerEncoding.verifierPlans(f.plan(), lookupPlan, planHashes)),
        session.sessionPlans(o.id(), owner.getAddress(), step.checkpoint()));
    rows.append(
        String.format(
            "| the layers (%d reductions on chain of %d) | | %,d |%n", verified, layers, layerGas));
    assertTrue(verified > 0);
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.LINEAR_SESSION,
        """
        ## Layer steps: the plain MNIST CNN's layers in a session (ProofSession.sol)

        Generated by `LinearLayerStepTest` (escrow module) on a local Anvil node; do not edit.
        The plain MNIST CNN proof in one `ProofSession`, one transaction per step: the
        statement, the lookups, then per proven layer its rounding (`rounding` for layer 0,
        `roundingAt` after it) and its reduction (`linear`, step 4 + 2k: the accumulator claim
        opened from the rounding's claims against the checkpoint, the layer's plans against the
        session's plan hashes, `LinearLayerStep.reduce`). Every checkpoint is Java's transcript
        state with Java's claims chained. Gas includes the 21,000, the calldata and the storage
        writes. Runtime bytecode: `ProofSession` %,d bytes.

        | step | calldata bytes | gas |
        |---|---:|---:|
        %s\
        """
            .formatted(session.codeSize(), rows));
  }

  private static String row(String what, OnChainProofSession.Outcome.Advanced a) {
    return String.format("| %s | %,d | %,d |%n", what, a.calldataBytes(), a.gasUsed());
  }

  static byte[] output(StatementBindingDifferentialTest.Fixture f, List<BigInteger> plan) {
    return plan.get(4).equals(LayerEncoding.PUBLIC_OUTPUT)
        ? StatementEncoding.input(f.proof().output())
        : new byte[0];
  }

  /** Layer k's rounding step ended in Java's state with Java's claims chained. */
  private static void checkRounding(
      StatementBindingDifferentialTest.Fixture f,
      ModelCircuit circuit,
      int k,
      OnChainProofSession.Checkpoint before,
      OnChainProofSession.Outcome.Advanced step)
      throws Exception {
    ModelLookupSections.Rounding r =
        ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k);
    byte[] h =
        LayerEncoding.roundingClaimsHash(
            LayerEncoding.roundingPlan(circuit, k), r.claims(), r.accumulator());
    assertEquals(3 + 2 * k, step.checkpoint().step());
    assertEquals(r.transcript().state(), step.checkpoint().state(), "layer " + k + " rounding");
    assertEquals(
        OnChainProofSession.chainClaims(before.claimsHash(), new Digest32(h)),
        step.checkpoint().claimsHash(),
        "layer " + k + " rounding");
    assertTrue(step.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP);
  }

  /** The refusals of a layer's reduction step in a session (simulated; nothing is sent). */
  private static void refusals(
      OnChainProofSession session,
      Digest32 id,
      OnChainProofSession.Checkpoint c,
      Layer l,
      List<byte[]> planHashes,
      Digest32 previous,
      ModelCircuit circuit) {
    int step = 4 + 2 * l.k();
    // A mutated proof: Java's reason.
    Random rng = new Random(44);
    for (int i = 0; i < 24; i++) {
      byte[] m = flip(l.proof(), rng.nextInt(l.proof().length), rng.nextInt(8));
      JavaVerdict java = java(l.spec(), l.plan(), l.before(), l.rho(), l.value(), m);
      OnChainProofSession.Outcome out =
          session.simulateLinear(
              id, c, l.plan(), planHashes, previous, l.roundingPlan(), l.roundingItems(), m);
      if (java.reason() == LinearStepRejection.VALID) {
        assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, out);
        continue;
      }
      OnChainProofSession.Outcome.Rejected r =
          assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out);
      assertEquals(step, r.step());
      LinearStepRejection got = LinearStepRejection.values()[r.reason()];
      assertTrue(
          java.reason().isSumcheck() ? got.isSumcheck() : got == java.reason(),
          got + ", Java: " + java.message());
    }
    // Another layer's plans: another step.
    List<BigInteger> next = new ArrayList<>(l.plan());
    next.set(0, BigInteger.valueOf(l.k() + 2));
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        session.simulateLinear(
            id, c, next, planHashes, previous, l.roundingPlan(), l.roundingItems(), l.proof()));
    // A plan not the session's (another zero point): its hash is not layer k's.
    List<BigInteger> other = with(l.plan(), 28, 5);
    assertRejected(
        session.simulateLinear(
            id, c, other, planHashes, previous, l.roundingPlan(), l.roundingItems(), l.proof()),
        step,
        LinearStepRejection.BAD_STATEMENT);
    // Another model's plan hashes, with that plan in them: not the hashes the session fixed.
    List<byte[]> otherHashes = new ArrayList<>(planHashes);
    otherHashes.set(
        l.k(),
        org.web3j.crypto.Hash.sha3(
            concat(LayerEncoding.planHash(l.roundingPlan()), LayerEncoding.planHash(other))));
    assertRejected(
        session.simulateLinear(
            id, c, other, otherHashes, previous, l.roundingPlan(), l.roundingItems(), l.proof()),
        step,
        LinearStepRejection.BAD_STATEMENT);
    // Rounding claims that do not open the checkpoint, a wrong previous hash.
    byte[] items = l.roundingItems();
    for (int i = 0; i < 16; i++) {
      byte[] m = flip(items, rng.nextInt(items.length), rng.nextInt(8));
      OnChainProofSession.Outcome.Rejected r =
          assertInstanceOf(
              OnChainProofSession.Outcome.Rejected.class,
              session.simulateLinear(
                  id, c, l.plan(), planHashes, previous, l.roundingPlan(), m, l.proof()));
      assertTrue(
          r.reason() == LinearStepRejection.UNOPENED_CLAIMS.ordinal()
              || r.reason() == LinearStepRejection.MALFORMED.ordinal(),
          "reason " + r.reason());
    }
    assertRejected(
        session.simulateLinear(
            id,
            c,
            l.plan(),
            planHashes,
            new Digest32(new byte[32]),
            l.roundingPlan(),
            items,
            l.proof()),
        step,
        LinearStepRejection.UNOPENED_CLAIMS);
    assertRejected(
        session.simulateLinear(
            id,
            c,
            l.plan(),
            planHashes,
            previous,
            l.roundingPlan(),
            Arrays.copyOf(items, items.length - 32),
            l.proof()),
        step,
        LinearStepRejection.MALFORMED);
    // A forged checkpoint.
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        session.simulateLinear(
            id,
            c.with(6, new Digest32(new byte[32])),
            l.plan(),
            planHashes,
            previous,
            l.roundingPlan(),
            items,
            l.proof()));
  }

  private static void assertRejected(
      OnChainProofSession.Outcome out, int step, LinearStepRejection reason) {
    OnChainProofSession.Outcome.Rejected r =
        assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out);
    assertEquals(step, r.step());
    assertEquals(reason, LinearStepRejection.values()[r.reason()], "detail " + r.detail());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * A cheating prover that answers with valid layer proofs of another statement: the same model
   * proven on another input (a pixel block changed), each of its linear layers' proofs given in
   * place of this proof's, from this proof's transcript and claim. Both verifiers reject each with
   * the same reason; none is accepted.
   */
  @Test
  void anotherInputsLayerProofsAreRejectedAsInJava(ChainNode node) throws Exception {
    OnChainLinearLayerStep step = deployStep(node, node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    StatementBindingDifferentialTest.CommittedMnist m =
        StatementBindingDifferentialTest.committedMnist().orElseThrow();
    int[] other = m.input().clone();
    io.zkaudit.model.TensorSpec spec = f.inputSpec();
    for (int i = 200; i < 260; i++) {
      other[i] = other[i] == spec.type().max() ? spec.type().min() : spec.type().max();
    }
    io.zkaudit.inference.ModelProof cheat =
        io.zkaudit.prover.inference.ModelProver.prove(
            m.model(), other, io.zkaudit.prover.inference.ProgressListener.NONE, false);
    ModelCircuit circuit = circuit(f);
    int rejected = 0;
    int index = 0;
    for (int k = 0; k < circuit.layers().size(); k++) {
      ModelCircuit.ProvenLayer p = circuit.layers().get(k);
      if (!(p instanceof ModelCircuit.LinearLayer)) {
        continue;
      }
      Layer l = layer(f, circuit, k);
      ByteWriter w = new ByteWriter();
      cheat.linear().get(index++).encode(w);
      byte[] forged = w.toByteArray();
      if (Arrays.equals(forged, l.proof())) {
        continue;
      }
      JavaVerdict java = java(l.spec(), l.plan(), l.before(), l.rho(), l.value(), forged);
      assertNotEquals(LinearStepRejection.VALID, java.reason(), "layer " + k);
      assertJavas(
          java,
          step.reduce(l.before().state(), l.plan(), l.rho(), l.value(), forged),
          "layer " + k + " from another input's proof");
      rejected++;
    }
    assertTrue(rejected > 0, "another input's layer proofs differ");
  }

  /** Proven layer k, an ADD of a plain proof, after Java's rounding. */
  record AddCase(
      int k,
      List<BigInteger> plan,
      List<BigInteger> roundingPlan,
      ModelLookupSections.Rounding rounding,
      Ext2[] rho,
      Ext2 s,
      int evalIndex) {
    Ext2 value() {
      return rounding.accumulator();
    }

    Transcript before() {
      return rounding.transcript();
    }

    byte[] roundingItems() {
      return LayerEncoding.roundingItems(roundingPlan, rounding.claims(), rounding.accumulator());
    }
  }

  static AddCase addCase(StatementBindingDifferentialTest.Fixture f, ModelCircuit circuit, int k)
      throws Exception {
    ModelLookupSections.Rounding r =
        ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k);
    int index = 0;
    for (int j = 0; j < k; j++) {
      if (circuit.layers().get(j) instanceof ModelCircuit.AddLayer) {
        index++;
      }
    }
    int n = r.claims().size();
    return new AddCase(
        k,
        LayerEncoding.addPlan(circuit, k, false),
        LayerEncoding.roundingPlan(circuit, k),
        r,
        r.claims().get(n - 4).point(),
        f.proof().addEvals()[index],
        index);
  }

  /** Java's ADD with the proof's s replaced: the state after the layer and its claims' chain. */
  record JavaAdd(Digest32 state, Digest32 claimsHash) {}

  static JavaAdd javaAdd(StatementBindingDifferentialTest.Fixture f, AddCase a, Ext2 s)
      throws Exception {
    Ext2[] evals = f.proof().addEvals();
    evals[a.evalIndex()] = s;
    io.zkaudit.inference.ModelProof q = f.proof().edit().addEvals(evals).build();
    ModelLookupSections.Reduced r = ModelLookupSections.layer(f.verifier(), q, f.input(), a.k());
    int n = a.rounding().claims().size();
    return new JavaAdd(
        r.transcript().state(),
        new Digest32(
            LayerEncoding.addClaimsHash(
                a.plan(), r.witness().subList(n, r.witness().size()), r.weight())));
  }

  /**
   * Every ADD of the plain MNIST CNN on its own ({@code LinearLayerStep.add}, from Java's state
   * after its rounding): the proof's s, each of its 128 bits flipped, gets Java's state and claims
   * (an ADD checks nothing of s: a false s is a false claim for the openings); a non-canonical or
   * short s is malformed; a wrong rescale tag in the plan is Java's "wrong rescale tag", another
   * group's row too or a bad statement; lookup claims that do not open are unopened; hostile plans
   * are bad statements.
   */
  @Test
  void everyAddOfThePlainMnistCnnIsJavas(ChainNode node) throws Exception {
    OnChainLinearLayerStep step = deployStep(node, node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    ModelCircuit circuit = circuit(f);
    LayerRoundingRowsTest.Items it = LayerRoundingRowsTest.items(f);
    int adds = 0;
    int cases = 0;
    for (int k = 0; k < circuit.layers().size(); k++) {
      if (!(circuit.layers().get(k) instanceof ModelCircuit.AddLayer)) {
        continue;
      }
      AddCase a = addCase(f, circuit, k);
      byte[] honest = OnChainLinearLayerStep.addEval(a.s());
      for (int bit = -1; bit < 128; bit++) {
        byte[] m = bit < 0 ? honest : flip(honest, bit / 8, bit % 8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long c0 = b.getLong();
        long c1 = b.getLong();
        OnChainLinearLayerStep.Answer got =
            step.add(
                a.before().state(), a.plan(), a.rho(), a.value(), m, it.lookupsHash(), it.items());
        String where = "ADD " + k + " bit " + bit;
        if (Long.compareUnsigned(c0, io.zkaudit.field.Goldilocks.P) >= 0
            || Long.compareUnsigned(c1, io.zkaudit.field.Goldilocks.P) >= 0) {
          assertEquals(LinearStepRejection.MALFORMED, got.reason(), where);
        } else {
          JavaAdd java = javaAdd(f, a, new Ext2(c0, c1));
          assertEquals(LinearStepRejection.VALID, got.reason(), where);
          assertEquals(java.state(), got.state(), where);
          assertEquals(java.claimsHash(), got.claimsHash(), where);
        }
        cases++;
      }
      for (byte[] m :
          List.of(
              Arrays.copyOf(honest, 15),
              Arrays.copyOf(honest, 17),
              nonCanonical(honest, 0),
              nonCanonical(honest, 8))) {
        assertEquals(
            LinearStepRejection.MALFORMED,
            step.add(
                    a.before().state(),
                    a.plan(),
                    a.rho(),
                    a.value(),
                    m,
                    it.lookupsHash(),
                    it.items())
                .reason());
      }
      int side = a.plan().get(3).signum() == 0 ? 0 : 1;
      int at = 3 + 6 * side;
      List<BigInteger> p = a.plan();
      assertEquals(
          LinearStepRejection.WRONG_RESCALE_TAG,
          step.add(
                  a.before().state(),
                  with(p, at + 2, p.get(at + 2).longValue() + 1),
                  a.rho(),
                  a.value(),
                  honest,
                  it.lookupsHash(),
                  it.items())
              .reason());
      LinearStepRejection otherRow =
          step.add(
                  a.before().state(),
                  with(p, at + 3, p.get(at + 3).longValue() + 1),
                  a.rho(),
                  a.value(),
                  honest,
                  it.lookupsHash(),
                  it.items())
              .reason();
      assertTrue(
          otherRow == LinearStepRejection.WRONG_RESCALE_TAG
              || otherRow == LinearStepRejection.BAD_STATEMENT
              || otherRow == LinearStepRejection.VALID,
          "another group's row: " + otherRow);
      Random rng = new Random(k);
      for (int i = 0; i < 8; i++) {
        byte[] items = flip(it.items(), rng.nextInt(it.items().length), rng.nextInt(8));
        assertEquals(
            LinearStepRejection.UNOPENED_CLAIMS,
            step.add(a.before().state(), p, a.rho(), a.value(), honest, it.lookupsHash(), items)
                .reason());
      }
      for (List<BigInteger> bad :
          List.of(
              p.subList(0, p.size() - 1),
              append(p, BigInteger.ZERO),
              with(p, 1, 0),
              with(p, 3, 2),
              with(p, 3 + 4, 10),
              with(with(p, 3, 1), 9, 1))) {
        assertEquals(
            LinearStepRejection.BAD_STATEMENT,
            step.add(
                    a.before().state(),
                    bad,
                    a.rho(),
                    a.value(),
                    honest,
                    it.lookupsHash(),
                    it.items())
                .reason());
      }
      adds++;
    }
    assertTrue(adds > 0, "the MNIST CNN has ADDs");
    assertTrue(cases >= 129 * adds);
  }

  /** The refusals of an ADD's step in a session (simulated): its lookups opened, its plans. */
  private static void addRefusals(
      OnChainProofSession session,
      Digest32 id,
      OnChainProofSession.Checkpoint c,
      AddCase a,
      List<byte[]> planHashes,
      Digest32 previous,
      LayerRoundingRowsTest.Items it) {
    int step = 4 + 2 * a.k();
    byte[] s = OnChainLinearLayerStep.addEval(a.s());
    List<byte[]> fewer = it.rowHashes().subList(0, it.rowHashes().size() - 1);
    assertRejected(
        session.simulateAddition(
            id,
            c,
            a.plan(),
            planHashes,
            previous,
            a.roundingPlan(),
            a.roundingItems(),
            s,
            it.lookupsHash(),
            fewer,
            it.items()),
        step,
        LinearStepRejection.UNOPENED_CLAIMS);
    assertRejected(
        session.simulateAddition(
            id,
            c,
            with(a.plan(), 5, 1),
            planHashes,
            previous,
            a.roundingPlan(),
            a.roundingItems(),
            s,
            it.lookupsHash(),
            it.rowHashes(),
            it.items()),
        step,
        LinearStepRejection.BAD_STATEMENT);
    byte[] items = it.items().clone();
    items[items.length - 1] ^= 1;
    assertRejected(
        session.simulateAddition(
            id,
            c,
            a.plan(),
            planHashes,
            previous,
            a.roundingPlan(),
            a.roundingItems(),
            s,
            it.lookupsHash(),
            it.rowHashes(),
            items),
        step,
        LinearStepRejection.UNOPENED_CLAIMS);
  }

  /** The plan words of {@code spec} in place of the ones in {@code plan} (same routes and k). */
  static List<BigInteger> planOf(List<BigInteger> plan, WindowedLinear spec) {
    List<BigInteger> w = new ArrayList<>(plan.subList(0, 14));
    for (WindowPredicate win : List.of(spec.rows(), spec.cols())) {
      for (int v :
          new int[] {
            win.kernel(),
            win.stride(),
            win.pad(),
            win.outBits(),
            win.tapBits(),
            win.inBits(),
            win.inSize()
          }) {
        w.add(BigInteger.valueOf(v));
      }
    }
    w.add(LayerEncoding.signed(spec.inputZeroPoint()));
    w.addAll(plan.subList(29, 36));
    int zps = plan.get(35).intValueExact();
    for (int c = 0; c < zps; c++) {
      w.add(LayerEncoding.signed(spec.weightZeroPoint(c)));
    }
    return w;
  }

  static byte[] flip(byte[] b, int i, int bit) {
    byte[] m = b.clone();
    m[i] ^= (byte) (1 << bit);
    return m;
  }

  /** The little-endian limb at {@code at} replaced by itself + p when that fits 64 bits. */
  static byte[] nonCanonical(byte[] b, int at) {
    byte[] m = b.clone();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long v = buf.getLong(at);
    long p = io.zkaudit.field.Goldilocks.P;
    buf.putLong(at, Long.compareUnsigned(v, -1L - p) <= 0 ? v + p : p);
    return m;
  }

  static List<BigInteger> with(List<BigInteger> plan, int i, long v) {
    List<BigInteger> out = new ArrayList<>(plan);
    out.set(i, BigInteger.valueOf(v));
    return out;
  }

  static List<BigInteger> append(List<BigInteger> plan, BigInteger w) {
    List<BigInteger> out = new ArrayList<>(plan);
    out.add(w);
    return out;
  }
}

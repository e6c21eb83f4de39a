package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelLookupSections;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/**
 * ProofSession.sol's first layer step (LayerSteps.sol): proven layer 0's rounding of real proofs,
 * after the statement and the lookups, with the lookups' claims sent as items and opened against
 * the checkpoint's hash. The checkpoint after it is Java's (ModelVerifier's transcript after the
 * layer's range evaluations, word for word; the claims Java's rounding adds, chained); mutations of
 * the range evaluations get Java's verdict and reason; claims that do not open, hostile plans and
 * foreign checkpoints are refused as such.
 */
@ExtendWith(AnvilExtension.class)
class LayerRoundingSessionTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** A session advanced through its lookups, and what the rounding step needs. */
  record Opened(
      StatementBindingDifferentialTest.Fixture fixture,
      Digest32 id,
      OnChainProofSession.Checkpoint checkpoint,
      Digest32 statementClaims,
      Digest32 lookupsHash,
      byte[] items,
      List<BigInteger> plan,
      OnChainProofSession.Outcome.Advanced open,
      OnChainProofSession.Outcome.Advanced lookups) {}

  static Opened open(OnChainProofSession session, StatementBindingDifferentialTest.Fixture f)
      throws Exception {
    StatementBindingDifferentialTest.JavaVerdict java =
        StatementBindingDifferentialTest.java(f, f.bytes(), f.input());
    OnChainProofSession.Outcome.Advanced a =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.open(f.plan(), StatementEncoding.input(f.input()), f.header()),
            f.name());
    LogUpVerifierDifferentialTest.Case lc =
        ProofSessionTest.lookupCase(f, f.proof().lookups().toBytes());
    OnChainProofSession.Outcome.Advanced b =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.lookups(a.id(), a.checkpoint(), lc.plan(), lc.tables(), lc.proof()),
            f.name());
    byte[] items = lookupItems(lc);
    Digest32 lookupsHash = LogUpVerifierDifferentialTest.java(lc, lc.proof()).claimsHash();
    assertEquals(lookupsHash, chain(items), f.name() + ": the items chain to the lookups' hash");
    ModelCircuit circuit = ModelCircuit.of(f.vk().description(), f.proof().zeroKnowledge());
    return new Opened(
        f,
        a.id(),
        b.checkpoint(),
        java.claimsHash(),
        lookupsHash,
        items,
        LayerEncoding.roundingPlan(circuit, 0),
        a,
        b);
  }

  /** The lookups' claims as Java's verifier leaves them, in LogUpVerifier's item format. */
  static byte[] lookupItems(LogUpVerifierDifferentialTest.Case c) throws InvalidProofException {
    LogUpProof proof = LogUpProof.fromBytes(c.proof());
    int blocks = LogUpVerifierDifferentialTest.schedule(c.statement()).blocks();
    MaskLedger ledger = c.masked() ? new MaskLedger(blocks) : null;
    LookupClaims claims = LogUpVerifier.verify(c.statement(), proof, c.before().fork(), ledger);
    List<LogUpEncoding.MaskValue> masks =
        ledger == null
            ? List.of()
            : LogUpVerifierDifferentialTest.maskValues(
                ledger.claims(0, MaskColumn.numVars(blocks)));
    return LayerEncoding.lookupItems(c.statement(), claims, masks);
  }

  /** The keccak chain over items (each: kind, a, b, n, point, m, values), from zero. */
  static Digest32 chain(byte[] items) {
    byte[] h = new byte[32];
    int at = 0;
    while (at < items.length) {
      int n = new BigInteger(1, java.util.Arrays.copyOfRange(items, at + 96, at + 128)).intValue();
      int m =
          new BigInteger(
                  1, java.util.Arrays.copyOfRange(items, at + 32 * (4 + n), at + 32 * (5 + n)))
              .intValue();
      int size = 32 * (5 + n + m);
      byte[] buf = new byte[32 + size];
      System.arraycopy(h, 0, buf, 0, 32);
      System.arraycopy(items, at, buf, 32, size);
      h = Hash.sha3(buf);
      at += size;
    }
    return new Digest32(h);
  }

  /** Java's verdict on layer 0's rounding with these range evaluations (48 bytes). */
  record JavaVerdict(
      LayerStepRejection reason, Digest32 state, Digest32 stepClaims, String message) {}

  static JavaVerdict java(StatementBindingDifferentialTest.Fixture f, byte[] rangeEvals, int k) {
    ByteBuffer b = ByteBuffer.wrap(rangeEvals).order(ByteOrder.LITTLE_ENDIAN);
    Ext2[] e = f.proof().rangeEvals();
    for (int j = 0; j < 3; j++) {
      long c0 = b.getLong();
      long c1 = b.getLong();
      if (Long.compareUnsigned(c0, Goldilocks.P) >= 0
          || Long.compareUnsigned(c1, Goldilocks.P) >= 0) {
        return new JavaVerdict(LayerStepRejection.MALFORMED, null, null, "not canonical");
      }
      e[3 * k + j] = new Ext2(c0, c1);
    }
    ModelProof p = f.proof();
    ModelProof q = p.edit().rangeEvals(e).build();
    try {
      ModelLookupSections.Rounding r = ModelLookupSections.rounding(f.verifier(), q, f.input(), k);
      ModelCircuit circuit = ModelCircuit.of(f.vk().description(), p.zeroKnowledge());
      byte[] h =
          LayerEncoding.roundingClaimsHash(
              LayerEncoding.roundingPlan(circuit, k), r.claims(), r.accumulator());
      return new JavaVerdict(
          LayerStepRejection.VALID, r.transcript().state(), new Digest32(h), "valid");
    } catch (InvalidProofException ex) {
      LayerStepRejection reason = LayerStepRejection.ofJavaMessage(ex.getMessage());
      assertNotNull(reason, "no category for the Java rejection: " + ex.getMessage());
      return new JavaVerdict(reason, null, null, ex.getMessage());
    }
  }

  /**
   * Every real proof: open, lookups, then layer 0's rounding, its checkpoint Java's; the gas of the
   * rounding step into docs/onchain-verifier-gas.md.
   */
  @Test
  void layerZerosRoundingFollowsTheLookupsWithJavasStateAndClaims(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain layer steps gas table", FUNDS);
    OnChainProofSession session = ProofSessionTest.deploy(node, owner).session();
    StringBuilder rows = new StringBuilder();
    for (StatementBindingDifferentialTest.Fixture f : StatementBindingDifferentialTest.fixtures()) {
      Opened o = open(session, f);
      byte[] evals = LayerEncoding.rangeEvals(f.proof().rangeEvals(), 0);
      JavaVerdict java = java(f, evals, 0);
      assertEquals(LayerStepRejection.VALID, java.reason(), java.message());
      OnChainProofSession.Outcome.Advanced r =
          assertInstanceOf(
              OnChainProofSession.Outcome.Advanced.class,
              session.rounding(
                  o.id(),
                  o.checkpoint(),
                  o.plan(),
                  o.statementClaims(),
                  o.lookupsHash(),
                  o.items(),
                  evals,
                  new byte[0]),
              f.name());
      OnChainProofSession.Checkpoint c = r.checkpoint();
      assertEquals(3, c.step());
      assertEquals(java.state(), c.state(), f.name());
      assertEquals(
          OnChainProofSession.chainClaims(o.checkpoint().claimsHash(), java.stepClaims()),
          c.claimsHash(),
          f.name());
      for (int w : new int[] {1, 2, 3, 4, 5}) {
        assertEquals(o.checkpoint().words().get(w), c.words().get(w), f.name() + " word " + w);
      }
      assertTrue(r.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP);
      assertTrue(r.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP);
      rows.append(
          String.format(
              "| %s | %,d | %,d | %,d |%n",
              f.name(), o.items().length / 32, r.calldataBytes(), r.gasUsed()));
    }
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.LAYER,
        LAYER_HEADING
            + "\n\n"
            + """
            Generated by `LayerRoundingSessionTest` (escrow module) on a local Anvil node; do not
            edit. A real proof's third step through `ProofSession.rounding`: proven layer 0's
            rounding (`LayerSteps.rounding`) from the state the lookups left, the lookups' claims
            sent as items (32-byte words) and opened against the checkpoint's hash, the first
            layer step storing the lookups' own hash for the layer steps after it. Each
            transaction's gas includes the 21,000, the calldata and the storage writes. Runtime
            bytecode: `LayerSteps` %,d bytes, `ProofSession` %,d bytes.

            | proof | claim words | calldata bytes | gas |
            |---|---:|---:|---:|
            %s\
            """
                .formatted(session.layerStepsCodeSize(), session.codeSize(), rows));
  }

  static final String LAYER_HEADING = "## Layer steps: a layer's rounding (LayerSteps.sol)";

  /**
   * Every bit of layer 0's range evaluations flipped, and non-canonical limbs: Java's verdict and
   * reason (a flip of c1 or c2 breaks the rounding tuple; one of c1 at the pair's point is valid
   * with other claims, as in Java); a wrong length is malformed.
   */
  @Test
  void mutatedRangeEvaluationsGetJavasVerdict(ChainNode node) throws Exception {
    OnChainProofSession session = ProofSessionTest.deploy(node, node.newAccount(FUNDS)).session();
    int cases = 0;
    for (StatementBindingDifferentialTest.Fixture f :
        StatementBindingDifferentialTest.fixtures().subList(0, 2)) {
      Opened o = open(session, f);
      byte[] good = LayerEncoding.rangeEvals(f.proof().rangeEvals(), 0);
      List<byte[]> bad = new ArrayList<>();
      for (int bit = 0; bit < 8 * good.length; bit++) {
        byte[] b = good.clone();
        b[bit / 8] ^= (byte) (1 << (bit % 8));
        bad.add(b);
      }
      for (int limb = 0; limb < 6; limb++) {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(8 * limb, Goldilocks.P + limb);
        bad.add(b);
      }
      java.util.Set<LayerStepRejection> seen = java.util.EnumSet.noneOf(LayerStepRejection.class);
      for (byte[] b : bad) {
        JavaVerdict java = java(f, b, 0);
        OnChainProofSession.Outcome out = sim(session, o, b);
        seen.add(java.reason());
        if (java.reason() == LayerStepRejection.VALID) {
          OnChainProofSession.Checkpoint c =
              assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, out).checkpoint();
          assertEquals(java.state(), c.state());
          assertEquals(
              OnChainProofSession.chainClaims(o.checkpoint().claimsHash(), java.stepClaims()),
              c.claimsHash());
        } else {
          OnChainProofSession.Outcome.Rejected r =
              assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out, java.message());
          assertEquals(3, r.step());
          assertEquals(java.reason().ordinal(), r.reason(), java.message());
        }
        cases++;
      }
      assertTrue(
          seen.containsAll(
              List.of(
                  LayerStepRejection.VALID,
                  LayerStepRejection.MALFORMED,
                  LayerStepRejection.ROUNDING_TUPLE)),
          seen.toString());
      for (byte[] b :
          List.of(
              java.util.Arrays.copyOf(good, 47), java.util.Arrays.copyOf(good, 49), new byte[0])) {
        assertRejected(sim(session, o, b), LayerStepRejection.MALFORMED);
      }
    }
    assertTrue(cases >= 2 * 390, "cases: " + cases);
  }

  /**
   * The lookups' claims must open: a flipped bit anywhere in the items, a truncation, an item more,
   * a wrong statement or lookups hash are refused as unopened or malformed claims; hostile plans as
   * bad statements (the output layer's plan without its layout among them), a public output that is
   * not the statement's as unopened, one given to another layer as malformed; a wrong tag base or
   * channel rule fails the tag as Java's "wrong table tag" would.
   */
  @Test
  void claimsThatDoNotOpenAndHostilePlansAreRefused(ChainNode node) throws Exception {
    OnChainProofSession session = ProofSessionTest.deploy(node, node.newAccount(FUNDS)).session();
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.fixtures().get(0);
    Opened o = open(session, f);
    byte[] evals = LayerEncoding.rangeEvals(f.proof().rangeEvals(), 0);
    Random rng = new Random(15);
    for (int k = 0; k < 64; k++) {
      byte[] items = o.items().clone();
      items[rng.nextInt(items.length)] ^= (byte) (1 << rng.nextInt(8));
      OnChainProofSession.Outcome.Rejected r =
          assertInstanceOf(
              OnChainProofSession.Outcome.Rejected.class,
              sim(session, o, o.plan(), o.statementClaims(), o.lookupsHash(), items, evals));
      assertTrue(
          r.reason() == LayerStepRejection.UNOPENED_CLAIMS.ordinal()
              || r.reason() == LayerStepRejection.MALFORMED.ordinal(),
          "reason " + r.reason());
    }
    byte[] items = o.items();
    byte[] longer = java.util.Arrays.copyOf(items, items.length + 32 * 6);
    longer[items.length + 32 * 3 + 31] = 1; // an item (0, 0, 0, n = 1, 0, m = 0)
    for (byte[] b :
        List.of(
            java.util.Arrays.copyOf(items, items.length - 32),
            java.util.Arrays.copyOf(items, items.length - 1),
            java.util.Arrays.copyOf(items, 160),
            longer,
            new byte[0])) {
      OnChainProofSession.Outcome.Rejected r =
          assertInstanceOf(
              OnChainProofSession.Outcome.Rejected.class,
              sim(session, o, o.plan(), o.statementClaims(), o.lookupsHash(), b, evals));
      assertTrue(
          r.reason() == LayerStepRejection.UNOPENED_CLAIMS.ordinal()
              || r.reason() == LayerStepRejection.MALFORMED.ordinal(),
          "reason " + r.reason());
    }
    Digest32 zero = new Digest32(new byte[32]);
    assertRejected(
        sim(session, o, o.plan(), zero, o.lookupsHash(), items, evals),
        LayerStepRejection.UNOPENED_CLAIMS);
    assertRejected(
        sim(session, o, o.plan(), o.statementClaims(), zero, items, evals),
        LayerStepRejection.UNOPENED_CLAIMS);

    // Hostile plans.
    List<BigInteger> plan = o.plan();
    assertRejected(
        sim(session, o, plan.subList(0, 6), o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    List<BigInteger> eight = new ArrayList<>(plan);
    eight.add(BigInteger.ZERO);
    assertRejected(
        sim(session, o, eight, o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    assertRejected(
        sim(session, o, with(plan, 2, 2), o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    assertRejected(
        sim(session, o, with(plan, 3, 33), o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    assertRejected(
        sim(
            session,
            o,
            with(plan, 5, 1L << 32),
            o.statementClaims(),
            o.lookupsHash(),
            items,
            evals),
        LayerStepRejection.BAD_STATEMENT);
    // Per-channel tags over more channel bits than the row's point has.
    List<BigInteger> wide = with(plan, 2, 1);
    wide.set(3, BigInteger.valueOf(32));
    assertRejected(
        sim(session, o, wide, o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    List<BigInteger> publicOut = new ArrayList<>(plan);
    publicOut.set(4, LayerEncoding.PUBLIC_OUTPUT);
    // The output layer's plan without its layout.
    assertRejected(
        sim(session, o, publicOut, o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    // A public output other than the statement's; the statement's given to a layer whose output
    // goes to a column.
    byte[] output = StatementEncoding.input(f.proof().output());
    byte[] otherOutput = output.clone();
    otherOutput[0] ^= 1;
    OnChainProofSession.Outcome.Rejected notTheStatements =
        assertInstanceOf(
            OnChainProofSession.Outcome.Rejected.class,
            session.simulateRounding(
                o.id(),
                o.checkpoint(),
                plan,
                o.statementClaims(),
                o.lookupsHash(),
                items,
                evals,
                otherOutput));
    assertEquals(LayerStepRejection.UNOPENED_CLAIMS.ordinal(), notTheStatements.reason());
    assertEquals(BigInteger.valueOf(3), notTheStatements.detail());
    assertRejected(
        session.simulateRounding(
            o.id(),
            o.checkpoint(),
            plan,
            o.statementClaims(),
            o.lookupsHash(),
            items,
            evals,
            output),
        LayerStepRejection.MALFORMED);
    assertRejected(
        sim(
            session,
            o,
            with(plan, 1, plan.get(1).longValueExact() + 1),
            o.statementClaims(),
            o.lookupsHash(),
            items,
            evals),
        LayerStepRejection.WRONG_TAG);
    assertRejected(
        sim(
            session,
            o,
            with(plan, 2, 1 - plan.get(2).intValueExact()),
            o.statementClaims(),
            o.lookupsHash(),
            items,
            evals),
        LayerStepRejection.WRONG_TAG);
    // The step with all the claims is layer 0's: another layer's plan is refused.
    assertRejected(
        sim(session, o, with(plan, 0, 1), o.statementClaims(), o.lookupsHash(), items, evals),
        LayerStepRejection.BAD_STATEMENT);
    assertRejected(
        sim(
            session,
            o,
            with(plan, 0, 1L << 20),
            o.statementClaims(),
            o.lookupsHash(),
            items,
            evals),
        LayerStepRejection.BAD_STATEMENT);
  }

  /**
   * The step continues only the stored checkpoint of its sender: a forged checkpoint, another
   * sender, and the step replayed from the lookups' checkpoint once it advanced are unknown
   * sessions; the step stores the lookups' hash with every layer's row hash ({@link
   * LayerEncoding#layerClaims}), and a later layer's rounding waits for layer 0's reduction.
   */
  @Test
  void theStepContinuesOnlyTheStoredCheckpoint(ChainNode node) throws Exception {
    Credentials owner = node.newAccount(FUNDS);
    ProofSessionTest.Deployed d = ProofSessionTest.deploy(node, owner);
    OnChainProofSession session = d.session();
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.fixtures().get(0);
    Opened o = open(session, f);
    byte[] evals = LayerEncoding.rangeEvals(f.proof().rangeEvals(), 0);
    Opened forged =
        new Opened(
            f,
            o.id(),
            o.checkpoint().with(6, new Digest32(new byte[32])),
            o.statementClaims(),
            o.lookupsHash(),
            o.items(),
            o.plan(),
            o.open(),
            o.lookups());
    assertInstanceOf(OnChainProofSession.Outcome.UnknownSession.class, sim(session, forged, evals));
    OnChainProofSession other =
        OnChainProofSession.at(node.web3j(), node.newAccount(FUNDS), session.address());
    assertInstanceOf(OnChainProofSession.Outcome.UnknownSession.class, sim(other, o, evals));
    OnChainProofSession.Checkpoint three =
        assertInstanceOf(
                OnChainProofSession.Outcome.Advanced.class,
                session.rounding(
                    o.id(),
                    o.checkpoint(),
                    o.plan(),
                    o.statementClaims(),
                    o.lookupsHash(),
                    o.items(),
                    evals,
                    new byte[0]))
            .checkpoint();
    assertEquals(
        new Digest32(
            LayerEncoding.layerClaims(o.lookupsHash().bytes(), LayerEncoding.rowHashes(o.items()))),
        session.layerClaims(o.id()));
    assertInstanceOf(OnChainProofSession.Outcome.UnknownSession.class, sim(session, o, evals));
    // Layer 1's rounding (step 5) continues layer 0's reduction (step 4), which is not built yet:
    // from the checkpoint of step 3 it is an unknown session, as is layer 0 through roundingAt.
    List<byte[]> rows = LayerEncoding.rowHashes(o.items());
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class,
        session.simulateRoundingAt(
            o.id(),
            three,
            with(o.plan(), 0, 1),
            o.lookupsHash(),
            rows,
            LayerEncoding.rowItems(o.items(), 1),
            LayerEncoding.rangeEvals(f.proof().rangeEvals(), 1),
            new byte[0]));
    assertRejected(
        session.simulateRoundingAt(
            o.id(),
            three,
            o.plan(),
            o.lookupsHash(),
            rows,
            LayerEncoding.rowItems(o.items(), 0),
            evals,
            new byte[0]),
        LayerStepRejection.BAD_STATEMENT);
  }

  /** The rounding step simulated (eth_call), nothing sent. */
  private static OnChainProofSession.Outcome sim(OnChainProofSession s, Opened o, byte[] evals) {
    return sim(s, o, o.plan(), o.statementClaims(), o.lookupsHash(), o.items(), evals);
  }

  private static OnChainProofSession.Outcome sim(
      OnChainProofSession s,
      Opened o,
      List<BigInteger> plan,
      Digest32 statementClaims,
      Digest32 lookupsHash,
      byte[] items,
      byte[] evals) {
    return s.simulateRounding(
        o.id(), o.checkpoint(), plan, statementClaims, lookupsHash, items, evals, new byte[0]);
  }

  private static List<BigInteger> with(List<BigInteger> plan, int i, long v) {
    List<BigInteger> out = new ArrayList<>(plan);
    out.set(i, BigInteger.valueOf(v));
    return out;
  }

  private static void assertRejected(OnChainProofSession.Outcome out, LayerStepRejection reason) {
    OnChainProofSession.Outcome.Rejected r =
        assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, out, reason.toString());
    assertEquals(reason.ordinal(), r.reason(), reason.toString());
  }
}

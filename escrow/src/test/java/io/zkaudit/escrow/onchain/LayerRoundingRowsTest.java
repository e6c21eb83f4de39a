package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelLookupSections;
import io.zkaudit.layers.ModelCircuit;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/**
 * The lookup claims opened once: LayerSteps.sol's {@code roundingAt}, a later layer's rounding from
 * its own rounding row and range pair opened against the per-layer row hashes the first layer step
 * stores, on every proven layer of the real proofs, from Java's transcript before that layer's
 * rounding (a package-visible view of ModelVerifier); against {@code rounding} with all the
 * lookups' claims (what every rounding step would send otherwise), whose gas it replaces.
 */
@ExtendWith(AnvilExtension.class)
class LayerRoundingRowsTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");
  private static final byte[] NONE = new byte[0];

  /** A fixture's lookup items and their hashes. */
  record Items(byte[] items, Digest32 lookupsHash, List<byte[]> rowHashes) {}

  static Items items(StatementBindingDifferentialTest.Fixture f) throws Exception {
    LogUpVerifierDifferentialTest.Case lc =
        ProofSessionTest.lookupCase(f, f.proof().lookups().toBytes());
    byte[] items = LayerRoundingSessionTest.lookupItems(lc);
    Digest32 h = LogUpVerifierDifferentialTest.java(lc, lc.proof()).claimsHash();
    return new Items(items, h, LayerEncoding.rowHashes(items));
  }

  /**
   * Every proven layer of every real proof: {@code roundingAt} with the layer's two items ends in
   * Java's state with Java's claims, as {@code rounding} with all the claims does (and that one's
   * rows hash is keccak of the row hashes); the model's output layer with the public output too.
   * The gas of both per layer into docs/onchain-verifier-gas.md.
   */
  @Test
  void everyLayersRoundingFromItsOwnItemsIsJavas(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("onchain layer rows gas table", FUNDS);
    OnChainLayerSteps steps = OnChainLayerSteps.deploy(node.web3j(), owner);
    StringBuilder rows = new StringBuilder();
    for (StatementBindingDifferentialTest.Fixture f : StatementBindingDifferentialTest.fixtures()) {
      Items it = items(f);
      ModelCircuit circuit = ModelCircuit.of(f.vk().description(), f.proof().zeroKnowledge());
      int layers = circuit.layers().size();
      assertTrue(it.rowHashes().size() >= layers, f.name() + ": a row hash per proven layer");
      Digest32 rowsHash = new Digest32(Hash.sha3(concat(it.rowHashes())));
      long allGas = 0;
      long ownGas = 0;
      for (int k = 0; k < layers; k++) {
        List<BigInteger> plan = LayerEncoding.roundingPlan(circuit, k);
        byte[] evals = LayerEncoding.rangeEvals(f.proof().rangeEvals(), k);
        ModelLookupSections.Rounding java =
            ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k);
        Digest32 before = java.before().state();
        byte[] own = LayerEncoding.rowItems(it.items(), k);
        boolean isOutput = plan.get(4).equals(LayerEncoding.PUBLIC_OUTPUT);
        byte[] out = isOutput ? StatementEncoding.input(f.proof().output()) : NONE;
        OnChainLayerSteps.RoundingAnswer all =
            steps.rounding(before, plan, it.lookupsHash(), it.items(), evals, out);
        OnChainLayerSteps.RoundingAnswer at =
            steps.roundingAt(before, plan, it.rowHashes(), own, evals, out);
        String where = f.name() + " layer " + k;
        Digest32 claims =
            new Digest32(LayerEncoding.roundingClaimsHash(plan, java.claims(), java.accumulator()));
        for (OnChainLayerSteps.RoundingAnswer a : List.of(all, at)) {
          assertEquals(LayerStepRejection.VALID, a.reason(), where);
          assertEquals(java.transcript().state(), a.state(), where);
          assertEquals(claims, a.claimsHash(), where);
        }
        assertEquals(rowsHash, all.rowsHash(), where);
        long g0 = steps.roundingGas(before, plan, it.lookupsHash(), it.items(), evals, out);
        long g1 = steps.roundingAtGas(before, plan, it.rowHashes(), own, evals, out);
        assertTrue(g1 < g0, where);
        allGas += g0;
        ownGas += g1;
        rows.append(
            String.format(
                "| %s | %s | %,d | %,d | %,d | %,d |%n",
                f.name(),
                isOutput ? k + " (output)" : String.valueOf(k),
                it.items().length + out.length,
                g0,
                own.length + 32 * it.rowHashes().size() + out.length,
                g1));
      }
      rows.append(
          String.format("| %s | all proven layers | | %,d | | %,d |%n", f.name(), allGas, ownGas));
    }
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.LAYER_ROWS,
        """
        ## Layer steps: the lookup claims opened once (LayerSteps.sol)

        Generated by `LayerRoundingRowsTest` (escrow module) on a local Anvil node; do not
        edit. Each proven layer's rounding of the real proofs as a transaction to
        `LayerSteps` on its own, from Java's transcript state before it: with all the
        lookups' claims (`rounding`, what every rounding step would send without the
        stored row hashes) and with the layer's own rounding row and range pair and the
        row hashes (`roundingAt`, what `ProofSession.roundingAt` forwards for k >= 1).
        The session step adds its checkpoint's read and write and the stored hash's read
        (~15k gas). Gas includes the 21,000 and the calldata. The output layer's step
        also takes the public output (its SHA-256 checked by the session) and evaluates
        its extension at the row's point. Runtime bytecode: `LayerSteps` %,d bytes.

        | proof | layer | all claims: bytes | gas | own items and row hashes: bytes | gas |
        |---|---:|---:|---:|---:|---:|
        %s\
        """
            .formatted(steps.codeSize(), rows));
  }

  /**
   * A later layer (layer 1 of the plain MNIST CNN): every bit of its range evaluations flipped and
   * each limb made non-canonical gets Java's verdict and reason; its items flipped, truncated,
   * lengthened, another layer's items, another layer's row hash in its place, or fewer row hashes
   * than layers are refused as unopened claims, malformed or a bad statement; a wrong tag base is
   * Java's wrong tag.
   */
  @Test
  void aLaterLayersRoundingGetsJavasVerdictAndItsItemsMustOpen(ChainNode node) throws Exception {
    OnChainLayerSteps steps = OnChainLayerSteps.deploy(node.web3j(), node.newAccount(FUNDS));
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.fixtures().get(0);
    Items it = items(f);
    ModelCircuit circuit = ModelCircuit.of(f.vk().description(), f.proof().zeroKnowledge());
    int k = 1;
    List<BigInteger> plan = LayerEncoding.roundingPlan(circuit, k);
    assertTrue(!plan.get(4).equals(LayerEncoding.PUBLIC_OUTPUT), "layer 1 is not the output's");
    Digest32 before =
        ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k).before().state();
    byte[] own = LayerEncoding.rowItems(it.items(), k);
    byte[] good = LayerEncoding.rangeEvals(f.proof().rangeEvals(), k);
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
    Set<LayerStepRejection> seen = EnumSet.noneOf(LayerStepRejection.class);
    for (byte[] b : bad) {
      LayerRoundingSessionTest.JavaVerdict java = LayerRoundingSessionTest.java(f, b, k);
      OnChainLayerSteps.RoundingAnswer a =
          steps.roundingAt(before, plan, it.rowHashes(), own, b, NONE);
      seen.add(java.reason());
      assertEquals(java.reason(), a.reason(), java.message());
      if (java.reason() == LayerStepRejection.VALID) {
        assertEquals(java.state(), a.state());
        assertEquals(java.stepClaims(), a.claimsHash());
      }
    }
    assertTrue(
        seen.containsAll(
            List.of(
                LayerStepRejection.VALID,
                LayerStepRejection.MALFORMED,
                LayerStepRejection.ROUNDING_TUPLE)),
        seen.toString());

    Random rng = new Random(15);
    for (int i = 0; i < 64; i++) {
      byte[] b = own.clone();
      b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
      LayerStepRejection r = steps.roundingAt(before, plan, it.rowHashes(), b, good, NONE).reason();
      assertTrue(
          r == LayerStepRejection.UNOPENED_CLAIMS || r == LayerStepRejection.MALFORMED,
          "reason " + r);
    }
    byte[] longer = Arrays.copyOf(own, own.length + 32 * 6);
    longer[own.length + 32 * 3 + 31] = 1; // an item (0, 0, 0, n = 1, 0, m = 0)
    for (byte[] b :
        List.of(
            Arrays.copyOf(own, own.length - 32),
            Arrays.copyOf(own, own.length - 1),
            Arrays.copyOf(own, 160),
            longer,
            new byte[0])) {
      assertEquals(
          LayerStepRejection.MALFORMED,
          steps.roundingAt(before, plan, it.rowHashes(), b, good, NONE).reason());
    }
    // Another layer's items under this layer's plan: not its group.
    assertEquals(
        LayerStepRejection.UNOPENED_CLAIMS,
        steps
            .roundingAt(
                before, plan, it.rowHashes(), LayerEncoding.rowItems(it.items(), 2), good, NONE)
            .reason());
    // Layer 2's items with its own hash put in layer 1's place: the session's stored hash of the
    // list catches the list; here the contract sees items of group 2 under plan 1.
    List<byte[]> swapped = new ArrayList<>(it.rowHashes());
    swapped.set(1, it.rowHashes().get(2));
    assertEquals(
        LayerStepRejection.UNOPENED_CLAIMS,
        steps
            .roundingAt(before, plan, swapped, LayerEncoding.rowItems(it.items(), 2), good, NONE)
            .reason());
    // This layer's items against another layer's hash.
    assertEquals(
        LayerStepRejection.UNOPENED_CLAIMS,
        steps.roundingAt(before, plan, swapped, own, good, NONE).reason());
    assertEquals(
        LayerStepRejection.BAD_STATEMENT,
        steps.roundingAt(before, plan, it.rowHashes().subList(0, 1), own, good, NONE).reason());
    List<BigInteger> tag = new ArrayList<>(plan);
    tag.set(1, plan.get(1).add(BigInteger.ONE));
    assertEquals(
        LayerStepRejection.WRONG_TAG,
        steps.roundingAt(before, tag, it.rowHashes(), own, good, NONE).reason());
  }

  /**
   * The output layer of every real proof: the public output's extension at the row's point is the
   * row's output value; an output with one value changed (a cheating prover claiming another output
   * from the same proof) is Java's "the claimed output does not match the proof"; an output a value
   * short, or none, is malformed; a plan whose layout does not match the row's point, or without
   * its layout, a bad statement.
   */
  @Test
  void theOutputLayersRowMustBeThePublicOutput(ChainNode node) throws Exception {
    OnChainLayerSteps steps = OnChainLayerSteps.deploy(node.web3j(), node.newAccount(FUNDS));
    for (StatementBindingDifferentialTest.Fixture f : StatementBindingDifferentialTest.fixtures()) {
      Items it = items(f);
      ModelCircuit circuit = ModelCircuit.of(f.vk().description(), f.proof().zeroKnowledge());
      int k = circuit.layers().size() - 1;
      List<BigInteger> plan = LayerEncoding.roundingPlan(circuit, k);
      assertEquals(
          LayerEncoding.PUBLIC_OUTPUT, plan.get(4), f.name() + ": the last is the output's");
      Digest32 before =
          ModelLookupSections.rounding(f.verifier(), f.proof(), f.input(), k).before().state();
      byte[] own = LayerEncoding.rowItems(it.items(), k);
      byte[] evals = LayerEncoding.rangeEvals(f.proof().rangeEvals(), k);
      int[] values = f.proof().output();
      assertEquals(
          LayerStepRejection.VALID,
          steps
              .roundingAt(before, plan, it.rowHashes(), own, evals, StatementEncoding.input(values))
              .reason());
      for (int i = 0; i < values.length; i++) {
        int[] other = values.clone();
        other[i] += 1;
        assertEquals(
            LayerStepRejection.OUTPUT_MISMATCH,
            steps
                .roundingAt(
                    before, plan, it.rowHashes(), own, evals, StatementEncoding.input(other))
                .reason(),
            f.name() + " value " + i);
      }
      byte[] good = StatementEncoding.input(values);
      assertEquals(
          LayerStepRejection.MALFORMED,
          steps
              .roundingAt(
                  before, plan, it.rowHashes(), own, evals, Arrays.copyOf(good, good.length - 4))
              .reason());
      assertEquals(
          LayerStepRejection.MALFORMED,
          steps.roundingAt(before, plan, it.rowHashes(), own, evals, NONE).reason());
      List<BigInteger> taller = new ArrayList<>(plan);
      taller.set(10, plan.get(10).add(BigInteger.ONE)); // one more height bit than the row's point
      assertEquals(
          LayerStepRejection.BAD_STATEMENT,
          steps.roundingAt(before, taller, it.rowHashes(), own, evals, good).reason());
      List<BigInteger> shortPlan = new ArrayList<>(plan.subList(0, 12));
      assertEquals(
          LayerStepRejection.BAD_STATEMENT,
          steps.roundingAt(before, shortPlan, it.rowHashes(), own, evals, good).reason());
    }
    assertEquals(
        LayerStepRejection.OUTPUT_MISMATCH,
        LayerStepRejection.ofJavaMessage("the claimed output does not match the proof"));
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}

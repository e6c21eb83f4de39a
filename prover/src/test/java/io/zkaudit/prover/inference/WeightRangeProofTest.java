package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.inference.WeightRangeProof;
import io.zkaudit.inference.WeightRanges;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The weight range proof (ResNet-8): an honest key verifies and survives its file format; a seller
 * that committed a weight or a bias outside its declared type cannot make one however its prover
 * fills the limbs; a proof is bound to its key; any altered byte is rejected; a key without one is
 * refused with a reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WeightRangeProofTest {
  QuantizedModel model;
  CommittedModel committed;
  VerifyingKey certified;

  @BeforeAll
  void setUp() throws Exception {
    model = ResNet8.model();
    committed = ModelProver.commit(model);
    certified = WeightRangeProver.certify(committed);
  }

  @Test
  void anHonestKeyVerifiesAfterItsFileRoundTrip() throws Exception {
    VerifyingKey decoded = VerifyingKey.decode(certified.encode());
    assertEquals(
        committed.vk().digest(),
        decoded.digest(),
        "the range proof is not part of the model's identity");
    assertEquals(certified.rangeProof(), decoded.rangeProof());
    WeightRanges.of(decoded).verify(decoded, decoded.rangeProof());
    WeightRanges.check(decoded);
    assertTrue(WeightRanges.verified(decoded.digest()));
    // Every committed constant but the hiding column is ranged: ResNet-8 has int8 weights and int32
    // biases.
    WeightRanges st = WeightRanges.of(decoded);
    long ranged =
        committed.layout().entries().stream()
            .filter(e -> e.kind() != WeightLayout.Kind.HIDING)
            .count();
    assertEquals(ranged, st.ranges().size());
    assertTrue(
        st.ranges().stream().anyMatch(r -> r.limbs() == 1 && r.lo() == -128 && r.hi() == 127));
    assertTrue(
        st.ranges().stream()
            .anyMatch(
                r -> r.limbs() == 2 && r.lo() == Integer.MIN_VALUE && r.hi() == Integer.MAX_VALUE));
  }

  @Test
  void aKeyWithoutARangeProofIsRefusedWithAReason() throws Exception {
    VerifyingKey old = VerifyingKey.decode(ModelProver.commit(model).vk().encode());
    assertNull(old.rangeProof());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> WeightRanges.check(old));
    assertTrue(e.getMessage().contains("no weight range proof"), e.getMessage());
  }

  @Test
  void aProofDoesNotVerifyForAnotherKey() throws Exception {
    CommittedModel other = ModelProver.commit(model); // same weights, fresh hiding randomness
    assertNotEquals(other.vk().digest(), committed.vk().digest());
    VerifyingKey replayed = other.vk().withRangeProof(certified.rangeProof());
    assertThrows(
        InvalidProofException.class,
        () -> WeightRanges.of(replayed).verify(replayed, replayed.rangeProof()));
  }

  /**
   * A weight of 300 in an int8 slot: the honest prover refuses, both cheating limb fillings are
   * rejected.
   */
  @Test
  void anInt8WeightOf300IsRejected() throws Exception {
    rejected(cheating(WeightLayout.Kind.WEIGHTS, Goldilocks.fromSigned(300)));
  }

  /** A field element that is no small integer ((p + 1) / 2, the inverse of 2) in a weight slot. */
  @Test
  void aFieldElementInAWeightSlotIsRejected() throws Exception {
    rejected(cheating(WeightLayout.Kind.WEIGHTS, Long.divideUnsigned(Goldilocks.P + 1, 2)));
  }

  /** A bias of 2^33, outside int32. */
  @Test
  void aBiasOutsideInt32IsRejected() throws Exception {
    rejected(cheating(WeightLayout.Kind.BIAS, 1L << 33));
  }

  /** The edges of the ranges are in range: -128 in an int8 slot, -2^31 in a bias. */
  @Test
  void extremeInRangeValuesProve() throws Exception {
    CommittedModel w = cheating(WeightLayout.Kind.WEIGHTS, Goldilocks.fromSigned(-128));
    WeightRanges.of(w.vk()).verify(w.vk(), WeightRangeProver.prove(w));
    CommittedModel b = cheating(WeightLayout.Kind.BIAS, Goldilocks.fromSigned(Integer.MIN_VALUE));
    WeightRanges.of(b.vk()).verify(b.vk(), WeightRangeProver.prove(b));
  }

  @Test
  void everyAlteredByteIsRejected() throws Exception {
    byte[] good = certified.rangeProof().encode();
    Random rnd = new Random(13);
    List<Integer> positions = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      positions.add(rnd.nextInt(good.length));
    }
    for (int k = 0; k < 24; k++) {
      positions.add(k); // the header and the commitments
    }
    for (int pos : positions) {
      byte[] bad = good.clone();
      bad[pos] ^= (byte) (1 << rnd.nextInt(8));
      assertThrows(
          InvalidProofException.class,
          () -> {
            WeightRangeProof p = WeightRangeProof.decode(bad);
            WeightRanges.of(certified).verify(certified, p);
          },
          "flipped byte " + pos);
    }
    // Truncated or extended.
    assertThrows(
        InvalidProofException.class,
        () -> WeightRangeProof.decode(java.util.Arrays.copyOf(good, good.length - 1)));
    assertThrows(
        InvalidProofException.class,
        () -> WeightRangeProof.decode(java.util.Arrays.copyOf(good, good.length + 1)));
    byte[] vk = certified.encode();
    vk[vk.length - 5] ^= 1;
    assertThrows(
        InvalidProofException.class,
        () -> {
          VerifyingKey k = VerifyingKey.decode(vk);
          WeightRanges.of(k).verify(k, k.rangeProof());
        });
  }

  private void rejected(CommittedModel cheat) throws Exception {
    ProverException refused =
        assertThrows(ProverException.class, () -> WeightRangeProver.prove(cheat));
    assertTrue(refused.getMessage().contains("outside"), refused.getMessage());
    WeightRanges st = WeightRanges.of(cheat.vk());
    for (WeightRangeProver.Limbs limbs :
        List.of(WeightRangeProver.Limbs.WRAP, WeightRangeProver.Limbs.RAW)) {
      WeightRangeProof p = WeightRangeProver.prove(cheat, limbs);
      InvalidProofException e =
          assertThrows(InvalidProofException.class, () -> st.verify(cheat.vk(), p), limbs.name());
      assertTrue(e.getMessage().startsWith("weight range proof"), e.getMessage());
      assertThrows(
          InvalidProofException.class, () -> WeightRanges.check(cheat.vk().withRangeProof(p)));
    }
  }

  /**
   * The honest commitment with entry 0 of the first column of this kind replaced by value,
   * committed again.
   */
  private CommittedModel cheating(WeightLayout.Kind kind, long value) {
    WeightLayout layout = committed.layout();
    int column = -1;
    for (int c = 0; c < layout.entries().size() && column < 0; c++) {
      if (layout.entries().get(c).kind() == kind) {
        column = c;
      }
    }
    List<long[]> tables = new ArrayList<>();
    for (long[] t : committed.weightTables()) {
      tables.add(t.clone());
    }
    assertNotEquals(value, tables.get(column)[0]);
    tables.get(column)[0] = value;
    ZkRandom random = ZkRandom.fresh();
    Committed c =
        new BasefoldProver(InferenceStatement.pcsParams()).commit(tables, random::nextField);
    VerifyingKey vk = new VerifyingKey(model.description(), c.commitment());
    return new CommittedModel(
        model, committed.circuit(), layout, tables, c, vk, committed.zkCircuit());
  }

  @Test
  void limbColumnsSumToTheShadowMaskOnTheirUniformHalf() {
    WeightRanges.Range r = new WeightRanges.Range(0, 2, Integer.MIN_VALUE, 2, 16, "test");
    long[] w = {
      Goldilocks.fromSigned(-1),
      5,
      Goldilocks.fromSigned(Integer.MAX_VALUE),
      Goldilocks.fromSigned(Integer.MIN_VALUE)
    };
    long[] m = {11, 22, 33, Goldilocks.P - 1};
    long[][] limbs =
        WeightRangeProver.limbColumns(r, w, m, ZkRandom.seeded(3), WeightRangeProver.Limbs.HONEST);
    for (int x = 0; x < 4; x++) {
      assertEquals(
          Goldilocks.add(Goldilocks.sub(w[x], Goldilocks.fromSigned(Integer.MIN_VALUE)), 0),
          Goldilocks.add(limbs[0][x], Goldilocks.mul(limbs[1][x], 1 << 16)));
      assertTrue(limbs[0][x] < 1 << 16 && limbs[1][x] < 1 << 16);
      assertEquals(m[x], Goldilocks.add(limbs[0][4 + x], Goldilocks.mul(limbs[1][4 + x], 1 << 16)));
    }
    assertArrayEquals(new long[] {0xFFFF, 0x7FFF}, new long[] {limbs[0][0], limbs[1][0]});
  }
}

package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.SharedData;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.tflite.TfliteImporter;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The on-chain verifier's refusal of limb roundings (docs/model-proofs.md, "Limb roundings"): typed
 * ({@link LimbRoundingNotOnChainException}, naming the layer) and at the first layer that has one,
 * while the other layers of the same circuit still get their plans. ResNet-8 int8 with its second
 * proven layer named a limb rounding (any rounding layer may be named: the description binds the
 * choice, and it is sound whatever it names).
 */
class LimbRoundingOnChainTest {
  @Test
  void aLimbRoundingIsRefusedByNameAndTheOtherLayersArePlanned() throws Exception {
    var p = SharedData.resolve("models/resnet8_cifar10_int8.tflite");
    Assumptions.assumeTrue(p.isPresent(), "skipped: ../shared/models is not present (it is in CI)");
    ModelDescription d = TfliteImporter.loadQuantized(p.get()).description();
    for (boolean zk : new boolean[] {false, true}) {
      ModelCircuit plain = ModelCircuit.of(d, zk);
      String limb = plain.layers().get(1).layer().name();
      ModelCircuit limbed = ModelCircuit.of(d.withLimbRoundings(List.of(limb)), zk);
      assertTrue(limbed.layers().get(1).rounding().limbs());
      assertEquals(
          LayerEncoding.roundingPlan(plain, 0), LayerEncoding.roundingPlan(limbed, 0), "layer 0");
      LimbRoundingNotOnChainException e =
          assertThrows(
              LimbRoundingNotOnChainException.class, () -> LayerEncoding.roundingPlan(limbed, 1));
      assertEquals(limb, e.layer());
      assertTrue(
          e.getMessage().startsWith("layer " + limb + ": limb roundings are not verified on chain"),
          e.getMessage());
    }
  }
}

package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.InferenceTrace;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The witness commitment's opening is hidden by the uniform entries of each bin ({@link
 * InferenceStatement#randomEntriesPerBin}): the public count is what a real zero-knowledge witness
 * randomizes, every shipped model is well above the minimum, and a prover below it refuses.
 */
class WitnessHidingTest {

  /**
   * Two zero-knowledge witnesses of the same ResNet-8 inference, with different randomness, differ
   * in at least as many entries of each circuit column as the public count says are random (and
   * agree everywhere in the plain witness's columns that hold no randomness: the output, say).
   */
  @Test
  void thePublicCountIsWhatTheWitnessRandomizes() throws Exception {
    QuantizedModel model = ResNet8.model();
    int[] input = ResNet8.inputs(model, 1).getFirst();
    ModelCircuit circuit = ModelCircuit.of(model.description(), true);
    LookupStatement blinded = InferenceStatement.lookups(circuit).withBlinding();
    InferenceTrace trace = new IntegerEngine(model).trace(input);
    List<long[]> a =
        new InferenceWitness(circuit, model, trace, blinded, ZkRandom.seeded(1)).committedColumns();
    List<long[]> b =
        new InferenceWitness(circuit, model, trace, blinded, ZkRandom.seeded(2)).committedColumns();
    long[] claimed = InferenceStatement.randomEntriesPerColumn(circuit, blinded);
    long total = 0;
    for (int col = 0; col < circuit.columns().size(); col++) {
      long differing = 0;
      for (int i = 0; i < a.get(col).length; i++) {
        if (a.get(col)[i] != b.get(col)[i]) {
          differing++;
        }
      }
      assertTrue(
          differing >= claimed[col],
          "column "
              + circuit.columns().get(col).name()
              + ": "
              + differing
              + " random entries, the count says "
              + claimed[col]);
      total += claimed[col];
    }
    assertTrue(total > 100_000, "ResNet-8's zero-knowledge columns hold padding: " + total);
  }

  @Test
  void everyShippedModelIsWellAboveTheMinimumAndThinBinsAreRefused() throws Exception {
    for (String name :
        new String[] {"resnet8_cifar10_int8.tflite", "mobilenet_v2_1.0_224_quant.tflite"}) {
      QuantizedModel model = TfliteImporter.loadQuantized(Shared.require("models/" + name));
      ModelCircuit circuit = ModelCircuit.of(model.description(), true);
      LookupStatement blinded = InferenceStatement.lookups(circuit).withBlinding();
      long[] perBin = InferenceStatement.randomEntriesPerBin(circuit, blinded);
      for (int bin = 0; bin < perBin.length; bin++) {
        assertTrue(
            perBin[bin] >= 16 * InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN,
            name + " bin " + bin + ": " + perBin[bin] + " uniform entries");
      }
      ModelProver.refuseThinBins(circuit, blinded);
      long fewest = java.util.Arrays.stream(perBin).min().orElseThrow();
      ProverException e =
          assertThrows(
              ProverException.class,
              () -> ModelProver.refuseThinBins(circuit, blinded, fewest + 1));
      assertTrue(
          e.getMessage().contains("uniform entries") && e.getMessage().contains("--no-zk"),
          e.getMessage());
    }
    assertEquals(1L << 15, InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN);
  }
}

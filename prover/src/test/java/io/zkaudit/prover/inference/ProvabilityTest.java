package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.Shared;
import io.zkaudit.testutil.TinyModels;
import io.zkaudit.tflite.TfliteImporter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The up-front provability check: one hand-built model per kind of problem, each refused with its
 * own one-line message before anything is committed, and the shipped models accepted.
 */
class ProvabilityTest {

  private static Provability.Problem onlyProblem(QuantizedModel m) {
    Provability p = Provability.of(m);
    assertEquals(1, p.problems().size(), p.messages().toString());
    String message = p.problems().getFirst().message();
    assertEquals(1, message.lines().count(), message);
    return p.problems().getFirst();
  }

  @Test
  void shippedModelsAreProvable() throws Exception {
    for (String m :
        new String[] {
          "models/resnet8_cifar10_int8.tflite", "models/mobilenet_v2_1.0_224_quant.tflite"
        }) {
      Provability p = Provability.of(TfliteImporter.loadQuantized(Shared.require(m)));
      assertTrue(p.provable(), m + ": " + p.messages());
      // No limb rounding: their descriptions, keys and proofs are what they were (issue 18).
      assertTrue(p.limbRoundings().isEmpty(), m + ": " + p.limbRoundings());
    }
  }

  @Test
  void anOpTheProofLacksIsNamedWithItsLayer() {
    // Every layer kind is proven in some form since MaxPool and Concat (issue 18): what is left are
    // forms.
    var problem =
        assertInstanceOf(
            Provability.UnsupportedForm.class, onlyProblem(TinyModels.withHeightConcat()));
    assertEquals(
        "layer cat: the proof does not support a concatenation along axis 1 (the channel axis is)",
        problem.message());
    // The circuit compiler's own refusal reads plainly too (it was "... does not support MaxPool
    // has no rounding step").
    var e =
        assertThrows(
            RuntimeException.class, () -> ModelProver.commit(TinyModels.withHeightConcat()));
    assertTrue(e.getMessage().endsWith(problem.message()), e.getMessage());
  }

  /**
   * A max pool is proven since issue 18: the check and the circuit accept it, and so does commit.
   */
  @Test
  void aMaxPoolIsProvable() {
    Provability p = Provability.of(TinyModels.withMaxPool());
    assertTrue(p.provable(), p.messages().toString());
    assertEquals(1, ModelProver.commit(TinyModels.withMaxPool()).circuit(true).maxPools().size());
  }

  /** Every problem, not the first: a seller fixes them in one round. */
  @Test
  void everyProblemIsReported() {
    Provability p = Provability.of(TinyModels.withHeightConcatAndFlatten());
    assertEquals(2, p.problems().size(), p.messages().toString());
    assertInstanceOf(Provability.UnsupportedForm.class, p.problems().get(0));
    assertEquals(
        "layer flatten: the proof does not support a reshape that moves data ([1, 2, 2, 2] to [1,"
            + " 8]) read by Requantize q (only a dense layer over the whole map folds it)",
        p.problems().get(1).message());
  }

  @Test
  void aSupportedOpInAnUnsupportedFormIsRefused() {
    var problem =
        assertInstanceOf(
            Provability.UnsupportedForm.class, onlyProblem(TinyModels.withDepthMultiplier()));
    assertTrue(
        problem.message().contains("layer dw") && problem.message().contains("depth multiplier 2"),
        problem.message());
  }

  /**
   * Data movement is proven only where the layer that reads it folds it (FoldedInput): otherwise
   * one problem naming the movement and its reader, which the circuit compiler (so commit) gives
   * too.
   */
  @Test
  void movementThatNoReaderFoldsIsRefusedWithItsReader() {
    var padding = new io.zkaudit.model.Padding(1, 1, 1, 1);
    java.util.Map<QuantizedModel, String> refused = new java.util.LinkedHashMap<>();
    refused.put(
        new TinyModels.Chain("pad-value", java.util.List.of(1, 5, 5, 3))
            .pad("pad", 1, 1, 1, 1, 3)
            .conv("conv", 3, 1, io.zkaudit.model.Padding.NONE, 2, 6, 1)
            .build(),
        "layer pad: the proof does not support a pad with value 3 in front of a layer whose input"
            + " zero point is 0, read by Conv2D conv");
    refused.put(
        new TinyModels.Chain("pad-requantize", java.util.List.of(1, 5, 5, 3))
            .pad("pad", 0, 1, 1, 0, 0)
            .requantize("q")
            .build(),
        "layer pad: the proof does not support a pad ([1, 5, 5, 3] to [1, 6, 6, 3]) read by"
            + " Requantize q (only a convolution or a pool folds a pad into its window)");
    refused.put(
        new TinyModels.Chain("flatten-output", java.util.List.of(1, 5, 5, 3))
            .conv("conv", 3, 1, padding, 2, 6, 1)
            .flatten("flatten")
            .build(),
        "layer flatten: the proof does not support a reshape that moves data ([1, 5, 5, 2] to [1,"
            + " 50]) at the model's output");
    refused.put(
        new TinyModels.Chain("pad-then-pad", java.util.List.of(1, 5, 5, 3))
            .pad("pad1", 1, 0, 0, 0, 0)
            .pad("pad2", 0, 1, 0, 0, 0)
            .conv("conv", 3, 1, padding, 2, 6, 1)
            .build(),
        "layer pad1: the proof does not support a pad ([1, 5, 5, 3] to [1, 6, 5, 3]) read by Pad"
            + " pad2 (only a convolution or a pool folds a pad into its window)");
    refused.put(
        new TinyModels.Chain("pad-then-padded-max-pool", java.util.List.of(1, 5, 5, 3))
            .pad("pad", 1, 1, 1, 1, 3)
            .maxPool("pool", 3, 2, padding, -128, 127)
            .build(),
        "layer pad: the proof does not support a pad with value 3 in front of a max pool with"
            + " padding of its own, read by MaxPool pool");
    refused.forEach(
        (m, message) -> {
          var problem = assertInstanceOf(Provability.UnsupportedForm.class, onlyProblem(m));
          assertEquals(message, problem.message());
          var e =
              assertThrows(
                  io.zkaudit.model.ModelFormatException.class,
                  () -> io.zkaudit.layers.ModelCircuit.of(m.description(), true));
          assertEquals(message, e.getMessage());
        });
  }

  /**
   * Refused although most inputs would prove: with a left shift of 8 before the multiplication the
   * map's domain is |acc| < 2^23 (the shift would wrap int32 beyond it), and an all -128 input's
   * accumulators (1024 * -128 * 127) leave it. Limbs cover a map's whole domain, not beyond it.
   */
  @Test
  void accumulatorsThatSomeInputDrivesOutOfTheMapsDomainAreRefused() {
    QuantizedModel m = TinyModels.withAccumulatorsBeyondTheDomain();
    var problem = assertInstanceOf(Provability.AccumulatorOutOfRange.class, onlyProblem(m));
    assertEquals(1024L * -128 * 127, problem.min());
    assertEquals(1024L * 127 * 127, problem.max());
    assertEquals(4, problem.channels());
    assertEquals(-(1L << 23), problem.coveredMin());
    assertEquals(1L << 23, problem.coveredEnd());
    assertTrue(
        problem
            .message()
            .startsWith(
                "layer fc: accumulators can reach [-16646144, 16516096] over the input's full"
                    + " range (channel 0, and 3 more of 4 channels), outside the proof's window"
                    + " [-8388608, 8388607]"),
        problem.message());
    // What the check predicts is what the prover meets: a zero input proves, an all -128 one
    // cannot.
    CommittedModel cm = ModelProver.commit(m);
    assertEquals(java.util.List.of("fc"), cm.vk().description().limbRoundings());
    ModelProver.prove(cm, new int[1024], ProgressListener.NONE, false);
    int[] extreme = new int[1024];
    Arrays.fill(extreme, -128);
    new IntegerEngine(m).infer(extreme); // the engine computes it
    ProverException e =
        assertThrows(
            ProverException.class,
            () -> ModelProver.prove(cm, extreme, ProgressListener.NONE, false));
    assertTrue(e.getMessage().contains("outside the provable range"), e.getMessage());
  }

  /**
   * Accumulators beyond the window of 16-bit remainders (2^22 past the outermost thresholds, about
   * +-256) but inside int32 are provable since issue 18: the layer is a limb rounding.
   */
  @Test
  void accumulatorsBeyondTheNarrowWindowMakeALimbRounding() {
    Provability p = Provability.of(TinyModels.withWideAccumulators());
    assertTrue(p.provable(), p.messages().toString());
    assertEquals(java.util.List.of("fc"), p.limbRoundings());
  }

  /**
   * Counted, not built: the check answers at once where building the table took gigabytes. 1,024
   * channels of 2^21-wide steps (8.5M rows of 2^16) take limbs (256 rows each); 17,000 channels
   * exceed 2^22 rows even then.
   */
  @Test
  void aRoundingTableBeyondTheLargestLookupTableIsRefused() {
    Provability limbed = Provability.of(TinyModels.withHugeTable());
    assertTrue(limbed.provable(), limbed.messages().toString());
    assertEquals(java.util.List.of("fc"), limbed.limbRoundings());
    // 16 such channels fit 2^22 rows (133,120 of 2^16), but a layer of more than 2^16 rows takes
    // limbs when they make its table smaller (4,096 rows).
    assertEquals(
        java.util.List.of("fc"), Provability.of(TinyModels.withHugeTable(16)).limbRoundings());
    long t0 = System.nanoTime();
    var problem =
        assertInstanceOf(
            Provability.TableTooLarge.class, onlyProblem(TinyModels.withHugeTable(17_000)));
    assertTrue((System.nanoTime() - t0) / 1e9 < 20, "the check builds no table");
    assertEquals(17_000L * 256, problem.rows()); // one row per output value and channel
    assertTrue(problem.message().contains("more than the 2^22"), problem.message());
  }

  @Test
  void aCircuitBeyondTheLookupStatementsLimitsIsRefused() {
    var problem =
        assertInstanceOf(
            Provability.CircuitLimit.class, onlyProblem(TinyModels.withTooManyLayers()));
    assertTrue(problem.message().contains("groups"), problem.message());
  }

  /**
   * A tensor of 2^27 values: the check reads layouts only (nothing that size is allocated) and
   * refuses it.
   */
  @Test
  void aWitnessBeyondTheLargestCommitmentIsRefused() {
    var m =
        new TinyModels.Chain("tiny-huge-tensor", java.util.List.of(1, 16384, 8192, 1))
            .requantize("q1")
            .requantize("q2")
            .build();
    Provability p = Provability.of(m);
    assertTrue(
        !p.provable() && p.problems().stream().allMatch(x -> x instanceof Provability.CircuitLimit),
        p.messages().toString());
    assertTrue(
        p.messages()
            .getFirst()
            .startsWith(
                "the proof's circuit exceeds a limit: q1/out would hold 2^28 entries,"
                    + " more than the 2^27 a commitment may"),
        p.messages().toString());
  }

  /**
   * The zero-knowledge bound is ModelProver's: a witness commitment with fewer uniform entries than
   * the bound is refused for zero-knowledge proofs only. Small models hold about 2^17 (their bins'
   * tails), so the test raises the bound past what this one holds, as WitnessHidingTest does.
   */
  @Test
  void aWitnessTooThinToHideIsRefusedForZeroKnowledgeOnly() {
    QuantizedModel m = TinyModels.smallDense();
    assertTrue(Provability.of(m).provable(), Provability.of(m).messages().toString());
    var circuit = io.zkaudit.layers.ModelCircuit.of(m.description(), true);
    var blinded = io.zkaudit.inference.InferenceStatement.lookups(circuit).withBlinding();
    long held =
        Arrays.stream(io.zkaudit.inference.InferenceStatement.randomEntriesPerBin(circuit, blinded))
            .min()
            .orElseThrow();
    Provability p = Provability.of(m, held + 1);
    var problem = assertInstanceOf(Provability.ThinZeroKnowledge.class, p.problems().getFirst());
    assertEquals(held, problem.entries());
    assertTrue(
        problem.message().contains("uniform entries") && problem.message().contains("--no-zk"),
        problem.message());
    assertTrue(p.withoutZeroKnowledge().provable());
    // The prover refuses at the same bound.
    assertThrows(
        ProverException.class, () -> ModelProver.refuseThinBins(circuit, blinded, held + 1));
    ModelProver.refuseThinBins(circuit, blinded, held);
  }
}

package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A model whose witness would hold too few uniform entries to hide (its tensors are powers of two,
 * so nothing is padded, and its columns nearly fill a power of two, so the packed tail is small)
 * gets a zero-knowledge proof anyway: the thin bin's table is widened and the extra tail filled
 * with uniform values (InferenceStatement.witnessBins). Before, such a model was refused with
 * "prove with --no-zk".
 */
class ThinWitnessPaddingTest {

  /**
   * The uniform entries each bin would hold without widening: the same count, on the natural bins.
   */
  static long[] naturalRandomEntries(ModelCircuit c, LookupStatement st) {
    int[] logs = InferenceStatement.witnessLogSizes(c, st, true);
    long total = 0;
    for (int l : logs) {
      total += 1L << l;
    }
    ColumnBins natural =
        new ColumnBins(
            logs,
            total > 1L << InferenceStatement.SPLIT_FROM_VARS ? InferenceStatement.WITNESS_BINS : 1);
    return InferenceStatement.randomEntriesPerBin(c, st, natural);
  }

  /**
   * The first chain of 1x1 convolutions on a 32x32x64 map whose natural witness is too thin to
   * hide. Thin bins are rare (a search over 8 to 32 wide maps of 8 to 64 channels, 1 to 40 layers,
   * finds this family only): the witness splits into two bins, and the second, which takes what the
   * first power of two leaves, holds a few thousand uniform entries (21 layers: 8,904).
   */
  static QuantizedModel thinModel() {
    for (int layers = 1; layers <= 30; layers++) {
      TinyModels.Chain chain = new TinyModels.Chain("thin-" + layers, List.of(1, 32, 32, 64));
      for (int l = 0; l < layers; l++) {
        chain.conv1x1("c" + l);
      }
      QuantizedModel m = chain.build();
      ModelCircuit c = ModelCircuit.of(m.description(), true);
      LookupStatement st = InferenceStatement.lookups(c).withBlinding();
      for (long r : naturalRandomEntries(c, st)) {
        if (r < InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN) {
          return m;
        }
      }
    }
    throw new AssertionError(
        "no chain of 1x1 convolutions up to 30 layers is thin: the witness layout changed");
  }

  @Test
  void aThinWitnessIsWidenedAndProvenWithZeroKnowledge() throws InvalidProofException {
    QuantizedModel m = thinModel();
    ModelCircuit c = ModelCircuit.of(m.description(), true);
    LookupStatement st = InferenceStatement.lookups(c).withBlinding();
    long[] natural = naturalRandomEntries(c, st);
    long[] widened = InferenceStatement.randomEntriesPerBin(c, st);
    boolean grew = false;
    for (int b = 0; b < widened.length; b++) {
      assertTrue(
          widened[b] >= InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN,
          "bin " + b + ": " + widened[b]);
      grew |= widened[b] > natural[b];
    }
    assertTrue(grew, "the thin bin was not widened");
    assertTrue(Provability.of(m).provable(), Provability.of(m).messages().toString());

    CommittedModel cm = ModelProver.commit(m);
    Random rng = new Random(5);
    int[] input = new int[32 * 32 * 64];
    for (int i = 0; i < input.length; i++) {
      input[i] = rng.nextInt(256) - 128;
    }
    ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, true);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] output = verifier.verify(proof, input);
    assertArrayEquals(
        new IntegerEngine(m).trace(input).tensor(verifier.circuit().outputTensor()), output);
    // Prover and verifier widened the same bin: the proof verifies, and only for its own input.
    int[] other = input.clone();
    other[0] ^= 1;
    assertThrows(InvalidProofException.class, () -> verifier.verify(proof, other));
  }
}

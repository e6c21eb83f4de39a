package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ConcatLayer;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.Padding;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels.Chain;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Channel concatenation proven as an identity lookup between the committed output and a virtual
 * shifted copy of the inputs, tied to them by one sumcheck (docs/model-proofs.md, "Concatenation"):
 * two branches of 3 and 2 channels read by a dense layer, the model input with a convolution of it
 * (the output), and a map with itself prove and verify, zero-knowledge and plain, with the engine's
 * outputs; cheating provers and tampered sumchecks are rejected.
 */
class ConcatProofTest {

  /**
   * Conv to 3 channels, a second conv of it to 2, their concatenation (5 channels), flatten, dense.
   */
  static QuantizedModel twoBranches() {
    Chain c =
        new Chain("concat-branches", List.of(1, 5, 5, 2))
            .conv("a", 3, 1, new Padding(1, 1, 1, 1), 3, 4, 13);
    int a = c.mark();
    return c.conv("b", 3, 1, new Padding(1, 1, 1, 1), 2, 4, 17)
        .concat("cat", a)
        .flatten("flatten")
        .denseRandom("fc", 4, 5, 19)
        .build();
  }

  /**
   * The model input (3 channels) beside a 1x1 convolution of it (4 channels): the concatenation is
   * the output.
   */
  static QuantizedModel inputAndConv() {
    Chain c = new Chain("concat-input", List.of(1, 4, 3, 3));
    int in = c.mark();
    return c.conv("conv", 1, 1, Padding.NONE, 4, 3, 23).concat("cat", in).build();
  }

  /**
   * A max pool then the pooled map beside itself, then a convolution (a concatenation read by a
   * layer).
   */
  static QuantizedModel poolThenItself() {
    return new Chain("concat-pool", List.of(1, 6, 6, 2))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 2, 4, 29)
        .maxPool("pool", 2, 2, Padding.NONE, -128, 127)
        .concatWithItself("cat")
        .conv("out", 1, 1, Padding.NONE, 3, 3, 31)
        .build();
  }

  @Test
  void concatenationsProveAndVerifyWithTheEnginesOutputs() throws Exception {
    for (QuantizedModel m : List.of(twoBranches(), inputAndConv(), poolThenItself())) {
      String name = m.description().name();
      Provability p = Provability.of(m);
      assertTrue(p.provable(), name + ": " + p.messages());
      CommittedModel cm = ModelProver.commit(m);
      assertEquals(1, cm.circuit(true).concats().size(), name);
      MaxPoolProofTest.provesTheEnginesOutputs(m, cm);
    }
  }

  /**
   * A prover that states another value at one position of the concatenation (the public output):
   * one that also puts it in the virtual copy its lookup reads (the lookup holds, multiplicities
   * recounted) is caught by the sumcheck, whose rejection names the layer; one that changes only
   * the output fails the lookup.
   */
  @Test
  void aProverCannotStateAnotherValueThanItsInputs() throws Exception {
    QuantizedModel m = inputAndConv();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] x = MaxPoolProofTest.inputs(m, 1, 5).getFirst();
    int[] honest = new IntegerEngine(m).infer(x);
    for (boolean zk : new boolean[] {true, false}) {
      assertArrayEquals(
          honest, verifier.verify(ModelProver.prove(cm, x, ProgressListener.NONE, zk), x));
      // A channel of the input block (1) and one of the convolution's (5), at position (2, 1).
      for (int channel : new int[] {1, 5}) {
        ModelProof consistent =
            CheatingProver.alteringWitness(cm, x, zk, forge(cm, zk, 2, 1, channel, true));
        String message =
            rejection(verifier, consistent, x, "a copied value changed, channel " + channel);
        assertTrue(message.contains("cat (concatenation)"), message);
        rejection(
            verifier,
            CheatingProver.alteringWitness(cm, x, zk, forge(cm, zk, 2, 1, channel, false)),
            x,
            "an output changed alone, channel " + channel);
      }
    }
  }

  /**
   * Adds 1 (or subtracts it at 127) at (y, x, c) of the output, and with {@code consistent} of the
   * virtual copy too.
   */
  private static Consumer<InferenceWitness> forge(
      CommittedModel cm, boolean zk, int y, int x, int c, boolean consistent) {
    ModelCircuit circuit = cm.circuit(zk);
    ConcatLayer cat = circuit.concats().getFirst();
    int z = cat.out().index(y, x, c);
    int group = InferenceStatement.firstConcatGroup(circuit);
    return w -> {
      long[][] cols = w.lookups.get(0).groups().get(group);
      int v = (int) Goldilocks.toSigned(cols[1][z]);
      int forged = v == 127 ? v - 1 : v + 1;
      cols[1][z] = Goldilocks.fromSigned(forged);
      if (consistent) {
        cols[2][z] = Goldilocks.fromSigned(forged);
        w.lookups =
            List.of(
                LookupWitness.compute(
                    InferenceStatement.lookups(circuit).lookups().get(0),
                    w.lookups.get(0).groups()),
                w.lookups.get(1));
      }
      w.output[(y * cat.out().width() + x) * cat.out().channels() + c] = forged;
    };
  }

  private static String rejection(ModelVerifier verifier, ModelProof p, int[] x, String what) {
    return MaxPoolProofTest.rejection(verifier, p, x, what);
  }

  /**
   * Bit flips over the concatenation's sumcheck in a plain proof are rejected, naming the layer
   * when the proof decodes.
   */
  @Test
  void tamperedConcatenationSumchecksAreRejected() throws Exception {
    QuantizedModel m = twoBranches();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] x = MaxPoolProofTest.inputs(m, 1, 6).getFirst();
    ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, false);
    byte[] bytes = proof.encode();
    ByteWriter section = new ByteWriter();
    proof.linear().getLast().encode(section);
    byte[] cat = section.toByteArray();
    int at = -1;
    for (int i = bytes.length - cat.length; i >= 0 && at < 0; i--) {
      if (java.util.Arrays.equals(bytes, i, i + cat.length, cat, 0, cat.length)) {
        at = i;
      }
    }
    assertTrue(at > 0, "the concatenation's sumcheck is in the proof");
    Random r = new Random(3);
    int decoded = 0;
    for (int k = 0; k < 30; k++) {
      byte[] t = bytes.clone();
      t[at + r.nextInt(cat.length)] ^= (byte) (1 << r.nextInt(8));
      ModelProof tampered;
      try {
        tampered = ModelProof.decode(t);
      } catch (InvalidProofException refused) {
        continue;
      }
      decoded++;
      String message = rejection(verifier, tampered, x, "a flip in the concatenation's sumcheck");
      assertTrue(message.contains("cat (concatenation)"), message);
    }
    assertTrue(decoded >= 15, decoded + " decoded");
  }
}

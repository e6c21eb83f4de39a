package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.inference.Provability;
import io.zkaudit.prover.model.QuantizedModel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A QDQ-quantized ONNX CNN (Conv+Relu, residual Add+Relu, MaxPool, Flatten, Gemm; uint8
 * activations, int8 per-channel weights), imported without calibration, is provable; committed,
 * proven with zero knowledge and verified, the verified output is the integer engine's, for two
 * inputs whose outputs differ. A proof does not verify for another input. The other two fixtures
 * (QOperator; int8 QDQ with a depthwise convolution, a Concat and a final Softmax) prove as well.
 */
class OnnxQdqProofTest {

  @Test
  void anImportedQdqModelProvesWithZeroKnowledge() throws Exception {
    QuantizedModel q =
        OnnxImporter.lowerQuantized(
            OnnxImporter.parse(new QuantizedOnnxModels.Qdq(7).model()), "qdq_cnn");
    Provability p = Provability.of(q);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(q);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    Random r = new Random(5);
    int[][] outputs = new int[2][];
    int[] first = null;
    ModelProof firstProof = null;
    for (int k = 0; k < 2; k++) {
      int[] x = QuantizedOnnxModels.ints(r, q.input().size(), 0, 255);
      ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, true);
      int[] out = verifier.verify(ModelProof.decode(proof.encode()), x);
      assertArrayEquals(new IntegerEngine(q).infer(x), out, "input " + k);
      outputs[k] = out;
      if (k == 0) {
        first = x;
        firstProof = proof;
      }
    }
    assertFalse(
        Arrays.equals(outputs[0], outputs[1]),
        "the two inputs have the same output: the comparison would show little");
    int[] other = first.clone();
    other[0] = other[0] == 0 ? 1 : 0;
    ModelProof proofOfFirst = firstProof;
    assertThrows(
        io.zkaudit.proof.InvalidProofException.class,
        () -> verifier.verify(ModelProof.decode(proofOfFirst.encode()), other));
  }

  /**
   * The other two fixtures prove too: the QOperator CNN (int8, per-channel weight zero points,
   * QLinearAdd, QLinearGlobalAveragePool, QLinearMatMul) and the int8 QDQ graph (depthwise, Concat
   * with requantizations, a padded count_include_pad AveragePool, Mean, MatMul, final Softmax):
   * provable, and a zero-knowledge proof verifies with the engine's output (the logits, the
   * Softmax's input).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"qoperator", "branches"})
  void theOtherFixturesProve(String name) throws Exception {
    byte[] model =
        name.equals("qoperator")
            ? new QuantizedOnnxModels.QOperator(11).model()
            : new QuantizedOnnxModels.QdqBranches(3).model();
    QuantizedModel q = OnnxImporter.lowerQuantized(OnnxImporter.parse(model), name);
    Provability p = Provability.of(q);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(q);
    int[] x = QuantizedOnnxModels.ints(new Random(8), q.input().size(), -128, 127);
    int[] out =
        new ModelVerifier(cm.vk())
            .verify(
                ModelProof.decode(ModelProver.prove(cm, x, ProgressListener.NONE, true).encode()),
                x);
    assertArrayEquals(new IntegerEngine(q).values(x)[q.logitsTensor()], out, name);
  }
}

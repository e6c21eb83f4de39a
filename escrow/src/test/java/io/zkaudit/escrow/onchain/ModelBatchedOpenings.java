package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelProofOpenings;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The batched openings of real zero-knowledge model proofs, each proof verified by the Java
 * verifier first and its batched opening taken out with the transcript just before it; built once
 * per test run.
 *
 * <ul>
 *   <li>the MNIST CNN on docs/examples/mnist-test-0.json, the model quantized after calibration on
 *       MNIST test images 1..20 (as ZeroKnowledgePaddingTest does);
 *   <li>ResNet-8 (int8) on the first CIFAR-10 test image.
 * </ul>
 */
final class ModelBatchedOpenings {
  private ModelBatchedOpenings() {}

  private static ModelProofOpenings.Opening mnist;
  private static ModelProofOpenings.Opening mnistPlain;
  private static ModelProofOpenings.Opening resnet8;

  static synchronized ModelProofOpenings.Opening mnist() throws Exception {
    if (mnist == null) {
      mnist = buildMnist();
    }
    return mnist;
  }

  /** The same MNIST CNN proof without zero knowledge. */
  static synchronized ModelProofOpenings.Opening mnistPlain() throws Exception {
    if (mnistPlain == null) {
      QuantizedModel m = mnistModel();
      mnistPlain =
          opening(
              m,
              quantized(Path.of(System.getProperty("zkaudit.docs", "../docs")), m.input()),
              false);
    }
    return mnistPlain;
  }

  static synchronized ModelProofOpenings.Opening resnet8() throws Exception {
    if (resnet8 == null) {
      QuantizedModel m = TfliteImporter.loadQuantized(shared("models/resnet8_cifar10_int8.tflite"));
      TensorSpec in = m.input();
      InputEncoder enc = new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in));
      int[] input =
          enc.quantized(
              Cifar10.testSet(shared("data/cifar10/test_batch.bin"), 1).getFirst().image(), in);
      resnet8 = opening(m, input);
    }
    return resnet8;
  }

  private static Path shared(String relative) {
    var p = SharedData.resolve(relative);
    Assumptions.assumeTrue(
        p.isPresent(), "skipped: ../shared/" + relative + " is not present (it is in CI)");
    return p.get();
  }

  private static ModelProofOpenings.Opening buildMnist() throws Exception {
    QuantizedModel m = mnistModel();
    int[] input = quantized(Path.of(System.getProperty("zkaudit.docs", "../docs")), m.input());
    return opening(m, input);
  }

  private static QuantizedModel mnistModel() throws Exception {
    FloatModel f = TfliteImporter.loadFloat(shared("models/mnist_cnn_float.tflite"));
    List<Sample> samples = Mnist.testSet(shared("data/mnist"), 21);
    InputEncoder enc = new InputEncoder(f.input().shape(), 1.0, PixelRange.UNIT);
    List<float[]> calibration = new ArrayList<>();
    for (int i = 1; i < samples.size(); i++) {
      calibration.add(enc.real(samples.get(i).image()));
    }
    return Quantizer.quantize(f, calibration, PixelRange.UNIT);
  }

  private static ModelProofOpenings.Opening opening(QuantizedModel m, int[] input)
      throws Exception {
    return opening(m, input, true);
  }

  private static ModelProofOpenings.Opening opening(
      QuantizedModel m, int[] input, boolean zeroKnowledge) throws Exception {
    CommittedModel cm = ModelProver.commit(m);
    ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, zeroKnowledge);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] expected = new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor());
    // The Java verifier accepts the whole proof: the opening is one of a valid proof.
    assertArrayEquals(expected, verifier.verify(proof, input));
    return ModelProofOpenings.batched(verifier, proof, input);
  }

  /** The example input's real values, quantized to the model's input (as `zkaudit prove` does). */
  private static int[] quantized(Path docs, TensorSpec spec) {
    TensorFiles.Tensor t =
        TensorFiles.toNhwc(
            TensorFiles.read(docs.resolve("examples/mnist-test-0.json")), spec.shapeArray());
    int[] q = new int[t.size()];
    for (int i = 0; i < q.length; i++) {
      q[i] =
          (int)
              Math.clamp(
                  Math.round(t.real()[i] / spec.scale()) + spec.zeroPoint(),
                  spec.type().min(),
                  spec.type().max());
    }
    return q;
  }
}

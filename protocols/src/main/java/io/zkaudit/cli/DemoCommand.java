package io.zkaudit.cli;

import io.zkaudit.data.SharedData;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * zkaudit demo: the proof system's primitives at realistic sizes, then a seller committing to real
 * models and proving real predictions, and a buyer verifying them without the weights.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Prove and verify the core primitives, then real predictions of ResNet-8 (CIFAR-10) and MobileNet v2 (ImageNet).")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--log-size", defaultValue = "20", description = "log2 size of the primitive demos (default ${DEFAULT-VALUE})")
  int logSize;

  @Option(names = "--skip-mobilenet", description = "leave out the ImageNet model (about a minute or two on 2 cores)")
  boolean skipMobilenet;

  @Override
  public Integer call() throws Exception {
    if (logSize < 10 || logSize > 24) {
      throw CliException.usage("--log-size must be between 10 and 24");
    }
    System.out.println("== zkaudit demo: the proof system's primitives ==");
    CoreTour.run(logSize);
    System.out.println();
    System.out.println("== A seller commits to a model, proves a prediction; a buyer verifies it without the weights ==");
    prediction("models/resnet8_cifar10_int8.tflite", "data/images/cat.bmp");
    if (!skipMobilenet) {
      prediction("models/mobilenet_v2_1.0_224_quant.tflite", "data/images/grace_hopper.bmp");
    }
    return Main.EXIT_OK;
  }

  private static void prediction(String modelPath, String imagePath) throws Exception {
    Path model = shared(modelPath);
    Path image = shared(imagePath);
    System.out.printf("%n-- %s on %s --%n", model.getFileName(), image.getFileName());
    long t0 = System.nanoTime();
    CommittedModel cm = ProverModels.commit(model);
    byte[] vkBytes = cm.vk().encode();
    System.out.printf(Locale.ROOT, "seller: committed to %,d weights in %.1f s; model commitment %s%n",
        cm.model().parameterCount(), (System.nanoTime() - t0) / 1e9, cm.vk().digest().hex());
    TensorSpec in = cm.model().description().tensor(cm.circuit().inputTensor());
    int[] x = ProofInputs.read(image, in);
    long t1 = System.nanoTime();
    ModelProof proof;
    try (PhaseBar bar = new PhaseBar(System.err, "seller: proving")) {
      proof = ModelProver.prove(cm, x, bar);
    }
    byte[] proofBytes = proof.encode();
    System.out.printf(Locale.ROOT, "seller: proved the prediction in %.1f s (%d layers); proof %d KB%n",
        (System.nanoTime() - t1) / 1e9, cm.circuit().layers().size(), proofBytes.length / 1024);

    // The buyer has only the verifying key, the proof and its own input.
    VerifyingKey vk = VerifyingKey.decode(vkBytes);
    ModelVerifier verifier = new ModelVerifier(vk);
    long t2 = System.nanoTime();
    int[] output = verifier.verify(ModelProof.decode(proofBytes), x);
    double ms = (System.nanoTime() - t2) / 1e6;
    TensorSpec outSpec = vk.description().tensor(verifier.circuit().outputTensor());
    List<String> names = Labels.forOutput(outSpec.size(), null, model.getFileName().toString());
    System.out.printf(Locale.ROOT, "buyer: proof valid (%.1f ms, no weights needed); verified top-3:%n", ms);
    ProofInputs.printTopK(output, outSpec, names, 3);
    byte[] tampered = proofBytes.clone();
    tampered[tampered.length / 2] ^= 1;
    String verdict;
    try {
      verifier.verify(ModelProof.decode(tampered), x);
      verdict = "ACCEPTED (bug)";
    } catch (InvalidProofException e) {
      verdict = "rejected (" + e.getMessage() + ")";
    }
    System.out.println("buyer: the same proof with one bit flipped: " + verdict);
  }

  private static Path shared(String relative) {
    return SharedData.resolve(relative).orElseThrow(() -> CliException.usage(
        "the demo needs ../shared/" + relative + " (the project's shared models and data)"));
  }
}

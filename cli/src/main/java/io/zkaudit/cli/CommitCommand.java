package io.zkaudit.cli;

import io.zkaudit.prover.inference.CommittedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** zkaudit commit: the model commitment (verifying key) that every protocol checks proofs against. */
@Command(name = "commit", mixinStandardHelpOptions = true,
    description = "Commit to a model's weights; write its public verifying key and print its digest.")
final class CommitCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "the model (.tflite; a float .tflite or .onnx is quantized first)")
  Path model;

  @Option(names = "--out", required = true, description = "where to write the verifying key (.vk)")
  Path out;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    CommittedModel cm = ProverModels.commit(model);
    Files.write(out, cm.vk().encode());
    System.out.printf("model commitment %s%n", cm.vk().digest().hex());
    long tensors = cm.layout().entries().stream().filter(e -> e.kind() != io.zkaudit.inference.WeightLayout.Kind.HIDING)
        .count();
    System.out.printf("  %s: %d layers proven, %d weight tensors committed (%.1f s)%n", model.getFileName(),
        cm.circuit().layers().size(), tensors, (System.nanoTime() - t0) / 1e9);
    System.out.printf("  verifying key written to %s (%d bytes)%n", out, Files.size(out));
    System.out.printf("  the commitment hides the weights for about %,d zero-knowledge proofs (%s); commit again"
        + " under a new hiding key after that (docs/zero-knowledge.md)%n",
        cm.layout().hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams()), HidingKeys.location());
    return Main.EXIT_OK;
  }
}

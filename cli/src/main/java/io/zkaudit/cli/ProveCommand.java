package io.zkaudit.cli;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.inference.CommittedInput;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** zkaudit prove: one inference with its proof. */
@Command(
    name = "prove",
    mixinStandardHelpOptions = true,
    description =
        "Run the model on an input and prove that the output came from the committed model.")
final class ProveCommand implements Callable<Integer> {
  @Mixin ModelFileOption.Committed model;

  @Option(
      names = "--input",
      required = true,
      description = "image (.jpg/.png/.bmp) or tensor (.npy/.json)")
  Path input;

  @Option(names = "--out", required = true, description = "where to write the proof")
  Path out;

  @Option(
      names = "--private-input",
      description =
          "keep the input private: commit to it apart (written to --input-commitment-out) and prove"
              + " about the commitment; the verifier then needs only that file")
  boolean privateInput;

  @Option(
      names = "--input-commitment-out",
      description =
          "where to write the input commitment (default: the proof's" + " path with .cin)")
  Path inputCommitmentOut;

  @Option(
      names = "--top",
      defaultValue = "5",
      description = "classes to print (default ${DEFAULT-VALUE})")
  int top;

  @Mixin LabelsOption labels;

  @Option(
      names = "--no-zk",
      description =
          "prove without zero knowledge (for benchmarking only: the proof then"
              + " reveals evaluations of the weights and activations)")
  boolean noZk;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    // A --no-zk proof needs no zero-knowledge padding: the model is checked for what it will be
    // asked.
    CommittedModel cm = model.commit(!noZk);
    long t1 = System.nanoTime();
    TensorSpec inSpec = cm.model().description().tensor(cm.circuit().inputTensor());
    int[] x = ProofInputs.read(input, inSpec);
    if (privateInput && noZk) {
      throw CliException.usage("--private-input needs a zero-knowledge proof: drop --no-zk");
    }
    ModelProof proof;
    CommittedInput committedInput = null;
    try (PhaseBar bar = new PhaseBar(System.err, "proving")) {
      if (privateInput) {
        committedInput = ModelProver.commitInput(cm, x, HidingKeys.loadOrCreate());
        proof = ModelProver.prove(cm, committedInput, bar);
      } else {
        proof = ModelProver.prove(cm, x, bar, !noZk);
      }
    } catch (ProverException e) {
      throw CliException.usage("cannot prove: " + e.getMessage());
    }
    long t2 = System.nanoTime();
    byte[] bytes = proof.encode();
    Files.write(out, bytes);
    TensorSpec outSpec = cm.model().description().tensor(cm.circuit().outputTensor());
    List<String> names = labels.forOutput(outSpec.size(), model.fileName());
    System.out.printf(
        "%s on %s: proven output (%s)%n",
        model.fileName(), input.getFileName(), noZk ? "no zero knowledge" : "zero-knowledge proof");
    ProofInputs.printTopK(proof.output(), outSpec, names, top);
    if (committedInput != null) {
      Path cin =
          inputCommitmentOut != null
              ? inputCommitmentOut
              : out.resolveSibling(
                  out.getFileName().toString().replaceFirst("\\.proof$", "") + ".cin");
      Files.write(cin, committedInput.commitment().encode());
      System.out.printf(
          "input commitment %s written to %s (the proof does not reveal the input)%n",
          committedInput.commitment().digest().hex(), cin);
    }
    System.out.printf(Locale.ROOT, "model commitment %s%n", cm.vk().digest().hex());
    System.out.printf(
        Locale.ROOT,
        "weights committed in %.2f s (once per model); proof in %.2f s; %d bytes written to %s%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        bytes.length,
        out);
    return Main.EXIT_OK;
  }
}

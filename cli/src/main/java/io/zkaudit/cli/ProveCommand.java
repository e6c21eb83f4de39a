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

  @Option(names = "--input", description = "image (.jpg/.png/.bmp) or tensor (.npy/.json)")
  Path input;

  @Option(
      names = "--batch",
      arity = "1..*",
      description =
          "instead of --input: one proof for several inputs (files, or directories whose files"
              + " are taken in name order); 'zkaudit verify --batch' with the same files in the"
              + " same order checks it")
  List<Path> batch;

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

  @Mixin InputNormalizationOption normalization;

  @Option(
      names = "--no-zk",
      description =
          "prove without zero knowledge (for benchmarking only: the proof then"
              + " reveals evaluations of the weights and activations)")
  boolean noZk;

  @Option(
      names = "--chain-at",
      paramLabel = "LAYER",
      description =
          "prove the model split before layer index LAYER (or after the layer so named) as a"
              + " chained proof: OUT's name with .body.proof, .head.proof and .link.cin (the"
              + " commitment to the hidden intermediate activation); keys from 'zkaudit commit"
              + " --chain-at', checked with 'zkaudit verify --chain'")
  String chainAt;

  @Override
  public Integer call() throws Exception {
    if ((input == null) == (batch == null)) {
      throw CliException.usage("give --input X (one input) or --batch FILES (several), not both");
    }
    if (chainAt != null) {
      if (noZk) {
        // Refused before anything is read: a plain body proof would reveal the activation its
        // output commitment exists to hide (docs/model-proofs.md, "Chained proofs").
        throw CliException.usage(
            "a chained proof is zero-knowledge only: the commitment C between body and head"
                + " exists to hide the intermediate activation, and a proof without zero"
                + " knowledge reveals evaluations of it; drop --no-zk (or prove the whole model"
                + " with --no-zk)");
      }
      if (batch != null || privateInput) {
        throw CliException.usage(
            "a chained proof is one proof per part about one public input: drop --batch and"
                + " --private-input");
      }
      var norm = normalization.forModel(model.file());
      io.zkaudit.prover.model.ModelSplit split = ChainedProofs.split(model.file(), chainAt, norm);
      TensorSpec spec = split.body().input();
      return ChainedProofs.prove(
          model.file(), split, input, ProofInputs.read(input, spec, norm), out, labels, top);
    }
    if (batch != null) {
      if (privateInput) {
        throw CliException.usage("a batch proof is about public inputs: drop --private-input");
      }
      return proveBatch();
    }
    long t0 = System.nanoTime();
    var norm = normalization.forModel(model.file());
    // A --no-zk proof needs no zero-knowledge padding: the model is checked for what it will be
    // asked.
    CommittedModel cm = ProverModels.commit(model.file(), !noZk, norm);
    long t1 = System.nanoTime();
    TensorSpec inSpec = cm.model().description().tensor(cm.circuit().inputTensor());
    int[] x = ProofInputs.read(input, inSpec, norm);
    if (privateInput && noZk) {
      throw CliException.usage("--private-input needs a zero-knowledge proof: drop --no-zk");
    }
    ModelProof proof;
    CommittedInput committedInput = null;
    HeapNeed.expect(
        "proving one input of " + model.fileName(),
        io.zkaudit.prover.inference.ProofMemory.of(cm.circuit(!noZk)).singleProofHeapBytes());
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

  /** One proof about every input of --batch (io.zkaudit.inference.Batch). */
  private int proveBatch() throws Exception {
    List<Path> files = ProofInputs.batchFiles(batch);
    long t0 = System.nanoTime();
    var norm = normalization.forModel(model.file());
    CommittedModel cm = ProverModels.commit(model.file(), !noZk, norm);
    long t1 = System.nanoTime();
    TensorSpec inSpec = cm.model().description().tensor(cm.circuit().inputTensor());
    List<int[]> inputs = files.stream().map(f -> ProofInputs.read(f, inSpec, norm)).toList();
    if (inputs.size() > 1) {
      AccuracyAuditCommand.requireHeap(cm, inputs.size());
    }
    ModelProof proof;
    try (PhaseBar bar = new PhaseBar(System.err, "proving " + files.size() + " samples")) {
      proof = ModelProver.proveBatch(cm, inputs, bar, !noZk);
    } catch (ProverException e) {
      throw CliException.usage("cannot prove: " + e.getMessage());
    }
    long t2 = System.nanoTime();
    byte[] bytes = proof.encode();
    Files.write(out, bytes);
    TensorSpec outSpec = cm.model().description().tensor(cm.circuit().outputTensor());
    List<String> names = labels.forOutput(outSpec.size(), model.fileName());
    System.out.printf(
        "%s on %d inputs: proven outputs in one batch proof (%s)%n",
        model.fileName(), files.size(), noZk ? "no zero knowledge" : "zero-knowledge proof");
    int[] all = proof.output();
    for (int b = 0; b < files.size(); b++) {
      System.out.printf("sample %d (%s):%n", b, files.get(b).getFileName());
      int[] logits =
          java.util.Arrays.copyOfRange(all, b * outSpec.size(), (b + 1) * outSpec.size());
      ProofInputs.printTopK(logits, outSpec, names, Math.min(top, 3));
    }
    System.out.printf(Locale.ROOT, "model commitment %s%n", cm.vk().digest().hex());
    System.out.printf(
        Locale.ROOT,
        "weights committed in %.2f s (once per model); batch proof in %.2f s (%.3f s per sample);"
            + " %d bytes written to %s%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        (t2 - t1) / 1e9 / files.size(),
        bytes.length,
        out);
    return Main.EXIT_OK;
  }
}

package io.zkaudit.cli;

import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.ProofChain;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.prover.model.ModelSplit;
import io.zkaudit.prover.model.QuantizedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The command line's chained proofs (docs/model-proofs.md, "Chained proofs"): {@code commit
 * --chain-at K} writes the body's and head's verifying keys, {@code prove --chain-at K} the two
 * proofs and the output commitment C between them, {@code verify --chain} checks the pair against
 * one C. The model is split in memory ({@link ModelSplit}); the body's opening of C never leaves
 * the prover's process.
 *
 * <p>File names follow the one the user gives: {@code --out M.vk} gives {@code M.body.vk} and
 * {@code M.head.vk}; {@code --out P.proof} gives {@code P.body.proof}, {@code P.head.proof} and
 * {@code P.link.cin} (C, in an input commitment's format: it is the head's input commitment).
 */
final class ChainedProofs {
  private ChainedProofs() {}

  /** The part files beside {@code out}: its name without the extension, then ".part.ext". */
  static Path part(Path out, String part, String extension) {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return out.resolveSibling(stem + "." + part + "." + extension);
  }

  /**
   * The model split at {@code at}: a layer index (the head starts there, 1..layers−1) or a layer
   * name (the body ends with it). A float model is quantized with {@code normalization} (the
   * options' or the metadata's, as {@code commit} and {@code prove} without a chain quantize it),
   * so that the parts are the whole model's layers and the proven input its input.
   */
  static ModelSplit split(
      Path file, String at, java.util.Optional<InputNormalizationOption.Chosen> normalization) {
    QuantizedModel model;
    try {
      model = ProverModels.quantized(file, normalization);
    } catch (IOException e) {
      throw CliException.usage("cannot read model " + file + ": " + e.getMessage());
    } catch (ModelFormatException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    }
    try {
      return at.matches("\\d+")
          ? ModelSplit.at(model, Integer.parseInt(at))
          : ModelSplit.after(model, at);
    } catch (ModelFormatException | NumberFormatException e) {
      throw CliException.usage(file + ": --chain-at " + at + ": " + e.getMessage());
    }
  }

  /** The two parts committed (zero-knowledge circuits), refused if either cannot be proven. */
  static CommittedModel[] commit(Path file, ModelSplit split) {
    CommittedModel[] parts = new CommittedModel[2];
    QuantizedModel[] models = {split.body(), split.head()};
    for (int i = 0; i < 2; i++) {
      requireWeights(file, models[i], i == 0 ? "body" : "head");
    }
    for (int i = 0; i < 2; i++) {
      try {
        ProverModels.requireProvable(file, models[i], true);
        parts[i] = ModelProver.commit(models[i], HidingKeys.loadOrCreate());
      } catch (ModelFormatException | ProverException | IllegalArgumentException e) {
        throw CliException.usage(file + " (" + (i == 0 ? "body" : "head") + "): " + e.getMessage());
      }
    }
    try {
      io.zkaudit.inference.CommittedOutput.checkBoundary(
          parts[0].circuit(true), parts[1].circuit(true));
    } catch (InvalidProofException e) {
      throw CliException.usage(file + ": cannot chain at this layer: " + e.getMessage());
    }
    return parts;
  }

  /**
   * Each part is committed as a model of its own, whose key carries a weight range proof; a part
   * without any committed constant (a head of a mean and a reshape, say) has nothing to range-check
   * and no key. Refused by name before any commitment work, instead of the range prover's internal
   * error.
   */
  private static void requireWeights(Path file, QuantizedModel part, String name) {
    io.zkaudit.layers.ModelCircuit c;
    try {
      c = io.zkaudit.layers.ModelCircuit.of(part.description(), true);
    } catch (ModelFormatException | IllegalArgumentException e) {
      return; // requireProvable names what is wrong with it
    }
    boolean weightless =
        io.zkaudit.inference.WeightLayout.of(c).entries().stream()
            .allMatch(e -> e.kind() == io.zkaudit.inference.WeightLayout.Kind.HIDING);
    if (weightless) {
      throw CliException.usage(
          file
              + ": cannot chain at this layer: the "
              + name
              + " has no weights (its layers are "
              + String.join(", ", part.description().layers().stream().map(l -> l.name()).toList())
              + "), and each part's key needs committed weights; cut so that both parts have a"
              + " convolution, dense layer or constant operand");
    }
  }

  /** zkaudit commit --chain-at K: both keys, each with its weight range proof. */
  static int commitKeys(
      Path file,
      String at,
      java.util.Optional<InputNormalizationOption.Chosen> normalization,
      Path out)
      throws IOException {
    ModelSplit split = split(file, at, normalization);
    CommittedModel[] parts = commit(file, split);
    String[] names = {"body", "head"};
    for (int i = 0; i < 2; i++) {
      VerifyingKey vk = io.zkaudit.prover.inference.WeightRangeProver.certify(parts[i]);
      Path p = part(out, names[i], "vk");
      Files.write(p, vk.encode());
      System.out.printf(
          "%s: model commitment %s, %d layers, verifying key written to %s%n",
          names[i], vk.digest().hex(), parts[i].circuit().layers().size(), p);
    }
    System.out.printf(
        "split before layer %d; the boundary tensor %s is the body's output and the head's"
            + " input%n",
        split.body().description().layers().size(),
        split.body().description().tensor(split.boundary()).name());
    return Main.EXIT_OK;
  }

  /** zkaudit prove --chain-at K: the body's proof, C, the head's proof. */
  static int prove(
      Path file,
      ModelSplit split,
      Path inputFile,
      int[] input,
      Path out,
      LabelsOption labels,
      int top)
      throws IOException {
    long t0 = System.nanoTime();
    CommittedModel[] parts = commit(file, split);
    long t1 = System.nanoTime();
    ModelProver.BodyProof body;
    ModelProof head;
    try (PhaseBar bar = new PhaseBar(System.err, "proving the chain")) {
      body = ModelProver.proveCommittedOutput(parts[0], input, bar);
      head = ModelProver.prove(parts[1], body.output().committed(), bar);
    } catch (ProverException e) {
      throw CliException.usage("cannot prove: " + e.getMessage());
    }
    long t2 = System.nanoTime();
    Path bodyFile = part(out, "body", "proof");
    Path headFile = part(out, "head", "proof");
    Path link = part(out, "link", "cin");
    Files.write(bodyFile, body.proof().encode());
    Files.write(headFile, head.encode());
    Files.write(link, body.output().commitment().encode());
    TensorSpec outSpec = parts[1].model().description().tensor(parts[1].circuit().outputTensor());
    System.out.printf(
        "%s on %s: proven output of a chained proof (zero-knowledge)%n",
        file.getFileName(), inputFile.getFileName());
    ProofInputs.printTopK(
        head.output(),
        outSpec,
        labels.forOutput(outSpec.size(), file.getFileName().toString()),
        top);
    System.out.printf(
        Locale.ROOT,
        "body proof %s (%d bytes), head proof %s (%d bytes), output commitment %s written to %s"
            + " (it hides the intermediate activation)%n",
        bodyFile,
        Files.size(bodyFile),
        headFile,
        Files.size(headFile),
        body.output().commitment().digest().hex(),
        link);
    System.out.printf(
        Locale.ROOT,
        "weights committed in %.2f s; proofs in %.2f s%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);
    return Main.EXIT_OK;
  }

  /** zkaudit verify --chain: exit 0 with the head's verified output, 1 for an invalid chain. */
  static int verify(
      Path bodyVk,
      Path headVk,
      Path bodyProof,
      Path headProof,
      Path link,
      Path input,
      java.util.Optional<InputNormalizationOption.Chosen> normalization,
      LabelsOption labels,
      int top,
      boolean showSoundness)
      throws IOException {
    VerifyingKey[] keys = new VerifyingKey[2];
    ModelVerifier[] verifiers = new ModelVerifier[2];
    Path[] files = {bodyVk, headVk};
    for (int i = 0; i < 2; i++) {
      try {
        keys[i] = VerifyingKey.decode(read(files[i], "verifying key"));
        verifiers[i] = new ModelVerifier(keys[i]);
      } catch (InvalidProofException e) {
        throw CliException.usage(files[i] + " is not a valid verifying key: " + e.getMessage());
      }
      try {
        io.zkaudit.inference.WeightRanges.check(keys[i]);
      } catch (InvalidProofException e) {
        System.out.println(
            "invalid verifying key " + files[i].getFileName() + ": " + e.getMessage());
        return Main.EXIT_INVALID;
      }
    }
    InputCommitment c;
    try {
      c = InputCommitment.decode(read(link, "output commitment"));
    } catch (InvalidProofException e) {
      throw CliException.usage(link + " is not a valid output commitment: " + e.getMessage());
    }
    int[] x =
        ProofInputs.read(
            input,
            keys[0].description().tensor(verifiers[0].circuit().inputTensor()),
            normalization);
    long t0 = System.nanoTime();
    int[] output;
    try {
      output =
          ProofChain.verify(
              verifiers[0],
              ModelProof.decode(read(bodyProof, "body proof")),
              x,
              c,
              verifiers[1],
              ModelProof.decode(read(headProof, "head proof")));
    } catch (InvalidProofException e) {
      System.out.println("invalid chain: " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "valid chained proof (%.1f ms): body %s on input %s, head %s, joined at the output"
            + " commitment %s, which hides the intermediate activation%n",
        ms,
        keys[0].digest().hex(),
        input.getFileName(),
        keys[1].digest().hex(),
        c.digest().hex());
    TensorSpec outSpec = keys[1].description().tensor(verifiers[1].circuit().outputTensor());
    ProofInputs.printTopK(
        output, outSpec, labels.forOutput(outSpec.size(), keys[1].description().name()), top);
    // The chain is as sound as its weaker proof: the body's includes its output shadow and the
    // link to C, the head's its input shadow and the link to the same C.
    try {
      VerifyCommand.printSoundness(
          "body ", verifiers[0].committedOutputSoundness(false), showSoundness);
      VerifyCommand.printSoundness("head ", verifiers[1].soundness(true, true), showSoundness);
    } catch (InvalidProofException e) {
      throw CliException.usage(e.getMessage());
    }
    return Main.EXIT_OK;
  }

  private static byte[] read(Path p, String what) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + what + " " + p);
    }
  }
}

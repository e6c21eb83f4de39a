package io.zkaudit.cli;

import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * zkaudit verify: needs the verifying key, the proof and the input it is about (or a private
 * input's commitment), never the weights. Exit 0 and the verified output; exit 1 with "invalid
 * proof: reason"; exit 2 for usage errors and unreadable files.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Verify a proof against a model's verifying key; print the verified output.")
final class VerifyCommand implements Callable<Integer> {
  @Option(
      names = "--vk",
      required = true,
      description = "the model's verifying key (from 'zkaudit commit')")
  Path vkFile;

  @Option(names = "--proof", required = true, description = "the proof (from 'zkaudit prove')")
  Path proofFile;

  @Option(
      names = "--input",
      description =
          "the input the proof is about (image or tensor file); required unless"
              + " --input-commitment")
  Path input;

  @Option(
      names = "--batch",
      arity = "1..*",
      description =
          "the inputs a batch proof is about, in its order (files, or directories whose files are"
              + " taken in name order); instead of --input")
  List<Path> batch;

  @Option(
      names = "--input-commitment",
      description =
          "the input commitment a proof about a private input is about"
              + " (from 'zkaudit prove --private-input')")
  Path inputCommitment;

  @Option(
      names = "--top",
      defaultValue = "5",
      description = "classes to print (default ${DEFAULT-VALUE})")
  int top;

  @Mixin LabelsOption labels;

  /**
   * How images given as inputs are encoded: the prover's normalization, which the verifying key
   * does not carry (its default is the input quantization's range, as for a quantized model).
   */
  @Mixin InputNormalizationOption normalization;

  @Option(
      names = "--soundness",
      description = "print the provable soundness of every kind of round in the proof")
  boolean showSoundness;

  @Option(
      names = "--chain",
      description =
          "verify a chained proof (from 'zkaudit prove --chain-at'): --vk and --proof are the"
              + " body's, --head-vk and --head-proof the head's, --output-commitment the .link.cin"
              + " both are about, --input the body's input")
  boolean chain;

  @Option(names = "--head-vk", description = "with --chain: the head's verifying key")
  Path headVk;

  @Option(names = "--head-proof", description = "with --chain: the head's proof")
  Path headProof;

  @Option(
      names = "--output-commitment",
      description = "with --chain: the commitment C joining the body's output to the head's input")
  Path outputCommitment;

  @Override
  public Integer call() throws Exception {
    var norm = normalization.given(); // bad options are refused before any file is read
    if (chain) {
      if (headVk == null || headProof == null || outputCommitment == null || input == null) {
        throw CliException.usage(
            "--chain needs --head-vk, --head-proof, --output-commitment and --input");
      }
      if (batch != null || inputCommitment != null) {
        throw CliException.usage(
            "a chain's body is about a public --input: drop --batch and" + " --input-commitment");
      }
      return ChainedProofs.verify(
          vkFile,
          headVk,
          proofFile,
          headProof,
          outputCommitment,
          input,
          norm,
          labels,
          top,
          showSoundness);
    }
    if (headVk != null || headProof != null || outputCommitment != null) {
      throw CliException.usage(
          "--head-vk, --head-proof and --output-commitment are for a chained proof: add --chain");
    }
    // Usage first: nothing is read or verified for a command that cannot succeed.
    if (batch != null && (input != null || inputCommitment != null)) {
      throw CliException.usage("give --batch FILES (a batch proof) or --input, not both");
    }
    if (batch != null) {
      return verifyBatch();
    }
    if (input != null && inputCommitment != null) {
      throw CliException.usage(
          "give --input (a proof about a public input) or --input-commitment (a private one), not"
              + " both");
    }
    if (input == null && inputCommitment == null) {
      // A proof verified without its input would say nothing about which input it is about.
      throw CliException.usage(
          "a proof is verified against its input: pass --input X (the image or tensor it is"
              + " about) or, for a proof about a private input, --input-commitment P.cin");
    }
    byte[] vkBytes = readFile(vkFile, "verifying key");
    byte[] proofBytes = readFile(proofFile, "proof");
    VerifyingKey vk;
    try {
      vk = VerifyingKey.decode(vkBytes);
    } catch (InvalidProofException e) {
      throw CliException.usage(vkFile + " is not a valid verifying key: " + e.getMessage());
    }
    long t0 = System.nanoTime();
    int[] output;
    ModelVerifier verifier;
    try {
      verifier = new ModelVerifier(vk);
    } catch (InvalidProofException e) {
      throw CliException.usage(vkFile + ": " + e.getMessage());
    }
    try {
      // Once per key and process: the committed constants are an int8 model (docs/model-proofs.md).
      io.zkaudit.inference.WeightRanges.check(vk);
    } catch (InvalidProofException e) {
      System.out.println("invalid verifying key " + vkFile.getFileName() + ": " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    int[] x =
        input == null
            ? null
            : ProofInputs.read(
                input,
                vk.description().tensor(verifier.circuit().inputTensor()),
                normalization.given());
    InputCommitment committed = null;
    if (inputCommitment != null) {
      try {
        committed = InputCommitment.decode(readFile(inputCommitment, "input commitment"));
      } catch (InvalidProofException e) {
        throw CliException.usage(
            inputCommitment + " is not a valid input commitment: " + e.getMessage());
      }
    }
    boolean zeroKnowledge;
    try {
      ModelProof proof = ModelProof.decode(proofBytes);
      zeroKnowledge = proof.zeroKnowledge();
      if (proof.privateInput() != null && committed == null) {
        throw CliException.usage(
            "the proof is about a private input: pass --input-commitment (the .cin file written"
                + " beside the proof)");
      }
      output =
          committed != null
              ? verifier.verifyCommitted(proof, committed)
              : verifier.verify(proof, x);
    } catch (InvalidProofException e) {
      System.out.println("invalid proof: " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    TensorSpec outSpec = vk.description().tensor(verifier.circuit().outputTensor());
    List<String> names = labels.forOutput(outSpec.size(), vk.description().name());
    System.out.printf(Locale.ROOT, "valid proof (%.1f ms) for model %s%n", ms, vk.digest().hex());
    System.out.println(
        zeroKnowledge
            ? "  zero-knowledge proof (weights hidden behind a fresh shadow; what it still reveals:"
                + " docs/zero-knowledge.md)"
            : "  proof without zero knowledge (made with --no-zk: it reveals evaluations of the"
                + " witness)");
    System.out.println(
        committed != null
            ? "  about the private input committed in "
                + inputCommitment.getFileName()
                + " ("
                + committed.digest().hex()
                + "), which the proof does not reveal"
            : "  about input " + input.getFileName());
    printSoundness(verifier.soundness(zeroKnowledge, committed != null));
    ProofInputs.printTopK(output, outSpec, names, top);
    return Main.EXIT_OK;
  }

  /**
   * A batch proof against its inputs: exit 0 with every sample's verified output, 1 for an invalid
   * proof (a single-sample proof, another number of samples, other inputs), 2 for usage.
   */
  private int verifyBatch() throws Exception {
    List<Path> files = ProofInputs.batchFiles(batch);
    byte[] vkBytes = readFile(vkFile, "verifying key");
    byte[] proofBytes = readFile(proofFile, "proof");
    VerifyingKey vk;
    ModelVerifier verifier;
    try {
      vk = VerifyingKey.decode(vkBytes);
      verifier = new ModelVerifier(vk);
    } catch (InvalidProofException e) {
      throw CliException.usage(vkFile + " is not a valid verifying key: " + e.getMessage());
    }
    try {
      io.zkaudit.inference.WeightRanges.check(vk);
    } catch (InvalidProofException e) {
      System.out.println("invalid verifying key " + vkFile.getFileName() + ": " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    TensorSpec inSpec = vk.description().tensor(verifier.circuit().inputTensor());
    var norm = normalization.given();
    List<int[]> inputs = files.stream().map(f -> ProofInputs.read(f, inSpec, norm)).toList();
    long t0 = System.nanoTime();
    List<int[]> outputs;
    boolean zeroKnowledge;
    try {
      ModelProof proof = ModelProof.decode(proofBytes);
      zeroKnowledge = proof.zeroKnowledge();
      outputs = verifier.verifyBatch(proof, inputs);
    } catch (InvalidProofException e) {
      System.out.println("invalid proof: " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    TensorSpec outSpec = vk.description().tensor(verifier.circuit().outputTensor());
    List<String> names = labels.forOutput(outSpec.size(), vk.description().name());
    System.out.printf(
        Locale.ROOT,
        "valid batch proof (%.1f ms) of %d samples for model %s%n",
        ms,
        files.size(),
        vk.digest().hex());
    System.out.println(zeroKnowledge ? "  zero-knowledge proof" : "  proof without zero knowledge");
    printSoundness(verifier.batchSoundness(zeroKnowledge, files.size()));
    for (int b = 0; b < outputs.size(); b++) {
      System.out.printf("sample %d (%s):%n", b, files.get(b).getFileName());
      ProofInputs.printTopK(outputs.get(b), outSpec, names, Math.min(top, 3));
    }
    return Main.EXIT_OK;
  }

  /** The provable soundness line (and with --soundness every round's). */
  private void printSoundness(io.zkaudit.soundness.SoundnessReport s) {
    printSoundness("", s, showSoundness);
  }

  /** The same for one proof of several ({@code part}: "body " or "head " of a chain). */
  static void printSoundness(
      String part, io.zkaudit.soundness.SoundnessReport s, boolean showSoundness) {
    System.out.printf(
        Locale.ROOT,
        "  %ssoundness, provable (no conjecture): %.1f bits, weakest round: %s, %s"
            + " (docs/soundness.md%s)%n",
        part,
        s.bits(),
        s.weakest().protocol(),
        s.weakest().round(),
        showSoundness ? "" : "; --soundness prints every round");
    if (showSoundness) {
      System.out.print(s.table());
    }
  }

  private static byte[] readFile(Path p, String what) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + what + " " + p);
    }
  }
}

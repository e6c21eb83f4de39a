package io.zkaudit.cli;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code zkaudit audit prove|verify}: one-shot accuracy audits offline, one proof that the
 * committed model predicts the label of exactly {@code correct} of N labelled samples
 * (docs/accuracy-proof.md, "The accuracy proof as built"). The samples are public in this step; the
 * test-set commitment ({@code audit commit-test-set}) is not built.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Accuracy proofs: one proof that a committed model gets exactly 'correct' of N labelled"
            + " samples right.",
    subcommands = {AccuracyAuditCommand.Prove.class, AccuracyAuditCommand.Verify.class})
final class AccuracyAuditCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage("audit needs a subcommand: prove or verify");
  }

  /** Exit 0 with the proof written; 2 for usage errors and samples the model cannot prove. */
  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Run the model on labelled samples and prove, in one proof, how many it gets right (the"
              + " logits stay private).")
  static final class Prove implements Callable<Integer> {
    @Mixin ModelFileOption.Committed model;

    @Mixin LabelledSamplesOption samples;

    @Option(names = "--out", required = true, description = "where to write the proof")
    Path out;

    @Option(
        names = "--no-zk",
        description =
            "prove without zero knowledge (for benchmarking only: the proof then reveals"
                + " evaluations of the logits and activations)")
    boolean noZk;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      CommittedModel cm = model.commit(!noZk);
      long t1 = System.nanoTime();
      TensorSpec in = cm.model().description().tensor(cm.circuit().inputTensor());
      int classes = classes(cm.circuit());
      LabelledSamplesOption.Labelled set = samples.load(in, classes);
      ModelProof proof;
      try (PhaseBar bar =
          new PhaseBar(System.err, "proving accuracy on " + set.inputs().size() + " samples")) {
        proof = ModelProver.proveAccuracy(cm, set.inputs(), set.classes(), bar, !noZk);
      } catch (ProverException e) {
        throw CliException.usage("cannot prove: " + e.getMessage());
      }
      long t2 = System.nanoTime();
      byte[] bytes = proof.encode();
      Files.write(out, bytes);
      int n = set.inputs().size();
      System.out.printf(
          Locale.ROOT,
          "%s on %s: %d/%d correct, proven in one accuracy proof (%s)%n",
          model.fileName(),
          set.source(),
          proof.accuracy().correct(),
          n,
          noZk ? "no zero knowledge" : "zero-knowledge proof: the logits stay private");
      System.out.printf(Locale.ROOT, "model commitment %s%n", cm.vk().digest().hex());
      System.out.printf(
          Locale.ROOT,
          "weights committed in %.2f s (once per model); accuracy proof in %.2f s (%.3f s per"
              + " sample); %d bytes written to %s%n",
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t2 - t1) / 1e9 / n,
          bytes.length,
          out);
      return Main.EXIT_OK;
    }
  }

  /**
   * Exit 0 and "correct/N" for a valid proof; 1 with "invalid proof: reason" (another kind of
   * proof, other samples or labels, a false count); 2 for usage errors and unreadable files.
   */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Verify an accuracy proof against the model's verifying key and the labelled samples;"
              + " print correct/N.")
  static final class Verify implements Callable<Integer> {
    @Option(
        names = "--vk",
        required = true,
        description = "the model's verifying key (from 'zkaudit commit')")
    Path vkFile;

    @Option(
        names = "--proof",
        required = true,
        description = "the accuracy proof (from 'zkaudit audit prove')")
    Path proofFile;

    @Mixin LabelledSamplesOption samples;

    @Override
    public Integer call() throws Exception {
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
      TensorSpec in = vk.description().tensor(verifier.circuit().inputTensor());
      int classes = classes(verifier.circuit());
      LabelledSamplesOption.Labelled set = samples.load(in, classes);
      long t0 = System.nanoTime();
      ModelVerifier.VerifiedAccuracy result;
      ModelProof proof;
      try {
        proof = ModelProof.decode(proofBytes);
        result = verifier.verifyAccuracy(proof, set.inputs(), set.classes());
      } catch (InvalidProofException e) {
        System.out.println("invalid proof: " + e.getMessage());
        return Main.EXIT_INVALID;
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      System.out.println(result);
      System.out.printf(
          Locale.ROOT,
          "valid accuracy proof (%.1f ms, %d bytes) for model %s on %s: %d of %d samples"
              + " predicted as labelled%n",
          ms,
          proofBytes.length,
          vk.digest().hex(),
          set.source(),
          result.correct(),
          result.samples());
      System.out.println(
          proof.zeroKnowledge()
              ? "  zero-knowledge proof: no logit or prediction is revealed, only the count"
              : "  proof without zero knowledge (made with --no-zk)");
      io.zkaudit.soundness.SoundnessReport s =
          verifier.accuracySoundness(proof.zeroKnowledge(), result.samples());
      System.out.printf(
          Locale.ROOT,
          "  soundness, provable (no conjecture): %.1f bits, weakest round: %s, %s"
              + " (docs/soundness.md)%n",
          s.bits(),
          s.weakest().protocol(),
          s.weakest().round());
      for (Map.Entry<String, Integer> e : proof.sectionSizes().entrySet()) {
        System.out.printf(Locale.ROOT, "  %-30s %,10d bytes%n", e.getKey(), e.getValue());
      }
      return Main.EXIT_OK;
    }

    private static byte[] readFile(Path p, String what) {
      try {
        return Files.readAllBytes(p);
      } catch (IOException e) {
        throw CliException.usage("cannot read " + what + " " + p);
      }
    }
  }

  /** K, the classes a label names: the output's channels; a usage error unless one vector. */
  static int classes(io.zkaudit.layers.ModelCircuit circuit) {
    try {
      return io.zkaudit.inference.AccuracyLayout.classes(circuit);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("cannot audit this model: " + e.getMessage());
    }
  }
}

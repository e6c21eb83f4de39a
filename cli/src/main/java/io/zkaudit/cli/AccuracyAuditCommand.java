package io.zkaudit.cli;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.CommittedTestSet;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.prover.inference.TestSets;
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
 * {@code zkaudit audit commit-test-set|prove|verify}: one-shot accuracy audits offline, one proof
 * that the committed model predicts the label of exactly {@code correct} of N labelled samples
 * (docs/accuracy-proof.md, "The accuracy proof as built"). The samples are public (given to both
 * commands), or committed by the buyer in a test-set commitment T ({@code commit-test-set}, "The
 * test-set commitment as built"): the seller proves from T and the buyer's reveal, and the verifier
 * needs T alone.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Accuracy proofs: one proof that a committed model gets exactly 'correct' of N labelled"
            + " samples right.",
    subcommands = {
      AccuracyAuditCommand.CommitTestSet.class,
      AccuracyAuditCommand.Prove.class,
      AccuracyAuditCommand.Verify.class
    })
final class AccuracyAuditCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage("audit needs a subcommand: commit-test-set, prove or verify");
  }

  /**
   * The buyer's commitment to its labelled samples under the audited model's key: T (public: what
   * the escrow stores, its hash printed) and the reveal (secret until handed to the seller: the
   * samples, labels and T's randomness). Exit 0 with both written; 2 for usage errors and samples
   * the model does not take.
   */
  @Command(
      name = "commit-test-set",
      mixinStandardHelpOptions = true,
      description =
          "Commit labelled samples for an accuracy audit: writes the test-set commitment T (public)"
              + " and the reveal that opens it (give it to the seller only).")
  static final class CommitTestSet implements Callable<Integer> {
    @Option(
        names = "--vk",
        required = true,
        description =
            "the audited model's verifying key (T is laid out for its inputs and classes)")
    Path vkFile;

    @Mixin LabelledSamplesOption samples;

    @Mixin InputNormalizationOption normalization;

    @Option(names = "--out", required = true, description = "where to write T")
    Path out;

    @Option(
        names = "--reveal",
        required = true,
        description = "where to write the reveal (the samples, labels and T's secret randomness)")
    Path reveal;

    @Override
    public Integer call() throws Exception {
      // Bad options before any file is read; a key has no metadata: the options or the range.
      var norm = normalization.given();
      VerifyingKey vk = readKey(vkFile);
      ModelVerifier verifier = verifierOf(vk, vkFile);
      TensorSpec in = vk.description().tensor(verifier.circuit().inputTensor());
      int classes = classes(verifier.circuit());
      norm.ifPresent(c -> System.out.println(c.line()));
      LabelledSamplesOption.Labelled set = samples.load(in, classes, norm);
      CommittedTestSet committed;
      try {
        committed = TestSets.commit(vk, set.inputs(), set.classes());
      } catch (ProverException e) {
        throw CliException.usage(e.getMessage());
      }
      write(out, committed.commitment().encode());
      write(reveal, committed.reveal().encode());
      System.out.printf(
          Locale.ROOT,
          "test set of %d samples from %s committed for model %s%n",
          set.inputs().size(),
          set.source(),
          vk.digest().hex());
      System.out.printf(Locale.ROOT, "test-set hash %s%n", committed.commitment().digest().hex());
      System.out.printf(
          Locale.ROOT,
          "T written to %s (public); reveal written to %s (secret: give it to the seller only)%n",
          out,
          reveal);
      return Main.EXIT_OK;
    }
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

    @Mixin InputNormalizationOption normalization;

    @Option(
        names = "--test-set",
        description =
            "instead of samples: the buyer's test-set commitment T (from 'audit commit-test-set');"
                + " needs --reveal")
    Path testSet;

    @Option(
        names = "--reveal",
        description = "with --test-set: the buyer's reveal, checked against T before proving")
    Path reveal;

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
      if (testSet != null || reveal != null) {
        return proveTestSet();
      }
      long t0 = System.nanoTime();
      // A float model is quantized, and its samples encoded, with the same normalization.
      var norm = normalization.forModel(model.file());
      CommittedModel cm = ProverModels.commit(model.file(), !noZk, norm);
      long t1 = System.nanoTime();
      TensorSpec in = cm.model().description().tensor(cm.circuit().inputTensor());
      int classes = classes(cm.circuit());
      LabelledSamplesOption.Labelled set = samples.load(in, classes, norm);
      requireHeap(cm, set.inputs().size());
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

    /** The seller's proof about the buyer's T, from the reveal (checked against T first). */
    private Integer proveTestSet() throws Exception {
      if (testSet == null || reveal == null) {
        throw CliException.usage("--test-set T and --reveal R go together");
      }
      if (samples.given()) {
        throw CliException.usage(
            "--test-set proves about the samples in T: give no --dataset, --inputs,"
                + " --sample-labels or --label-offset");
      }
      if (noZk) {
        throw CliException.usage(
            "a proof about a test-set commitment is zero-knowledge: drop --no-zk");
      }
      TestSetCommitment t;
      TestSetReveal r;
      try {
        t = TestSetCommitment.decode(readFile(testSet, "test-set commitment"));
      } catch (InvalidProofException e) {
        throw CliException.usage(testSet + ": " + e.getMessage());
      }
      try {
        r = TestSetReveal.decode(readFile(reveal, "reveal"));
      } catch (InvalidProofException | IllegalArgumentException e) {
        throw CliException.usage(reveal + ": " + e.getMessage());
      }
      long t0 = System.nanoTime();
      // T's inputs are encoded already; the normalization makes the same quantized float model
      // (and key) that T was committed for.
      CommittedModel cm =
          ProverModels.commit(model.file(), true, normalization.forModel(model.file()));
      long t1 = System.nanoTime();
      ModelProof proof;
      requireHeap(cm, t.samples());
      try {
        CommittedTestSet opened = TestSets.open(cm.vk(), t, r);
        try (PhaseBar bar =
            new PhaseBar(
                System.err, "proving accuracy on test set of " + t.samples() + " samples")) {
          proof = ModelProver.proveAccuracy(cm, opened, bar);
        }
      } catch (ProverException e) {
        throw CliException.usage("cannot prove: " + e.getMessage());
      }
      long t2 = System.nanoTime();
      byte[] bytes = proof.encode();
      Files.write(out, bytes);
      System.out.printf(
          Locale.ROOT,
          "%s on test set %s: %d/%d correct, proven in one accuracy proof (zero-knowledge: the"
              + " samples, labels and logits stay private)%n",
          model.fileName(),
          t.digest().hex(),
          proof.accuracy().correct(),
          t.samples());
      System.out.printf(Locale.ROOT, "model commitment %s%n", cm.vk().digest().hex());
      System.out.printf(
          Locale.ROOT,
          "weights committed in %.2f s (once per model); accuracy proof in %.2f s (%.3f s per"
              + " sample); %d bytes written to %s%n",
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t2 - t1) / 1e9 / t.samples(),
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

    @Mixin InputNormalizationOption normalization;

    @Option(
        names = "--test-set",
        description =
            "instead of samples: the test-set commitment T the proof is about (from 'audit"
                + " commit-test-set')")
    Path testSet;

    @Override
    public Integer call() throws Exception {
      var norm = normalization.given(); // bad options before any file is read
      VerifyingKey vk = readKey(vkFile);
      byte[] proofBytes = readFile(proofFile, "proof");
      ModelVerifier verifier = verifierOf(vk, vkFile);
      TestSetCommitment t = null;
      if (testSet != null) {
        if (samples.given() || norm.isPresent()) {
          throw CliException.usage(
              "--test-set verifies against T alone: give no --dataset, --inputs, --sample-labels,"
                  + " --label-offset or --input-range/--input-mean/--input-std");
        }
        try {
          t = TestSetCommitment.decode(readFile(testSet, "test-set commitment"));
        } catch (InvalidProofException e) {
          throw CliException.usage(testSet + ": " + e.getMessage());
        }
      }
      try {
        io.zkaudit.inference.WeightRanges.check(vk);
      } catch (InvalidProofException e) {
        System.out.println("invalid verifying key " + vkFile.getFileName() + ": " + e.getMessage());
        return Main.EXIT_INVALID;
      }
      LabelledSamplesOption.Labelled set = null;
      if (t == null) {
        TensorSpec in = vk.description().tensor(verifier.circuit().inputTensor());
        norm.ifPresent(c -> System.out.println(c.line()));
        set = samples.load(in, classes(verifier.circuit()), norm);
      }
      long t0 = System.nanoTime();
      ModelVerifier.VerifiedAccuracy result;
      ModelProof proof;
      try {
        proof = ModelProof.decode(proofBytes);
        result =
            t == null
                ? verifier.verifyAccuracy(proof, set.inputs(), set.classes())
                : verifier.verifyAccuracy(proof, t);
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
          t == null ? set.source() : "test set " + t.digest().hex(),
          result.correct(),
          result.samples());
      System.out.println(
          !proof.zeroKnowledge()
              ? "  proof without zero knowledge (made with --no-zk)"
              : t == null
                  ? "  zero-knowledge proof: no logit or prediction is revealed, only the count"
                  : "  zero-knowledge proof: no sample, label, logit or prediction is revealed,"
                      + " only the count");
      io.zkaudit.soundness.SoundnessReport s =
          t == null
              ? verifier.accuracySoundness(proof.zeroKnowledge(), result.samples())
              : verifier.testSetSoundness(result.samples());
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
  }

  private static byte[] readFile(Path p, String what) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + what + " " + p);
    }
  }

  private static void write(Path p, byte[] bytes) {
    try {
      Files.write(p, bytes);
    } catch (IOException e) {
      throw CliException.usage("cannot write " + p + ": " + e.getMessage());
    }
  }

  private static VerifyingKey readKey(Path vkFile) {
    try {
      return VerifyingKey.decode(readFile(vkFile, "verifying key"));
    } catch (InvalidProofException e) {
      throw CliException.usage(vkFile + " is not a valid verifying key: " + e.getMessage());
    }
  }

  private static ModelVerifier verifierOf(VerifyingKey vk, Path vkFile) {
    try {
      return new ModelVerifier(vk);
    } catch (InvalidProofException e) {
      throw CliException.usage(vkFile + " is not a valid verifying key: " + e.getMessage());
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

  /**
   * Refuses, before any inference, a batch this JVM's heap cannot prove (ProofMemory's estimate):
   * the alternative is running out of memory minutes later.
   */
  static void requireHeap(CommittedModel cm, int samples) {
    var memory = io.zkaudit.prover.inference.ProofMemory.of(cm.circuit(true));
    long heap = Runtime.getRuntime().maxMemory();
    var shortfall = memory.shortfall(samples, heap, "this JVM");
    if (shortfall.isPresent()) {
      throw CliException.usage(
          shortfall.get()
              + ": prove at most "
              + memory.largestBatch(heap)
              + " samples per proof, or give more heap (ZKAUDIT_HEAP="
              + ((memory.heapBytes(samples) + (1L << 30) - 1) >> 30)
              + "g ./zkaudit ...)");
    }
    HeapNeed.expect("proving " + samples + " samples in one proof", memory.heapBytes(samples));
  }
}

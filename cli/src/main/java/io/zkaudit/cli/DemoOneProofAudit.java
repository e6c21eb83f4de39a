package io.zkaudit.cli;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProofMemory;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's last step: an accuracy audit in one proof (docs/accuracy-proof.md, "The accuracy proof
 * as built"). The seller's prover proves, in one zero-knowledge proof, how many of N CIFAR-10 test
 * images ResNet-8 classifies correctly (the logits stay private); the buyer verifies it with the
 * verifying key alone and gets "correct/N". The images are the ones {@code zkaudit eval --model
 * resnet8 --dataset cifar10 --limit N} scores (evenly spaced over the test set, the same encoding),
 * and the step checks the verified count against that evaluation's (the integer engine's top-1 on
 * each image): a proof that verified a different count would fail the demo.
 *
 * <p>This runs in the demo's process, not over the seller's socket (the demo's protocol steps ask
 * for per-sample proofs, to show each output; {@code buyer audit} uses one accuracy proof by
 * default). The batch's witness is held in memory (docs/benchmarks.md, "Batch proof memory"), so N
 * is checked against the heap before any work, with {@code ProofMemory}'s estimate.
 *
 * @param model ResNet-8's file (CIFAR-10), whatever model the rest of the demo runs
 * @param quantized the model as imported from it, once: the heap estimates and the commitment use
 *     this one import
 * @param memory ProofMemory's estimate for its zero-knowledge circuit
 * @param dataset the CIFAR-10 test batch
 */
record DemoOneProofAudit(Path model, QuantizedModel quantized, ProofMemory memory, Path dataset) {

  static DemoOneProofAudit of(Path shared) {
    Path model = required(shared, "models/resnet8_cifar10_int8.tflite");
    Path dataset = required(shared, "data/cifar10/test_batch.bin");
    QuantizedModel m;
    try {
      m = TfliteImporter.loadQuantized(model);
    } catch (IOException | ModelFormatException e) {
      throw CliException.usage("cannot read " + model + ": " + e.getMessage());
    }
    return new DemoOneProofAudit(
        model, m, ProofMemory.of(ModelCircuit.of(m.description(), true)), dataset);
  }

  private static Path required(Path shared, String relative) {
    Path p = shared.resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw CliException.usage(
          "the demo's one-proof audit needs "
              + p
              + " (the project's shared models and data) and it is missing; --one-proof-samples 0"
              + " skips that step");
    }
    return p;
  }

  /**
   * The heap (MiB of -Xmx) an accuracy proof of n samples needs: ProofMemory's estimate for
   * ResNet-8's zero-knowledge circuit (n padded to a power of two), the one the seller's admission
   * and {@code zkaudit audit prove} use.
   */
  long heapMiBFor(int n) {
    return memory.heapBytes(n) >> 20;
  }

  /**
   * The demo's sample count when none is asked for: at least the 100 that issue 16 asks of a
   * ResNet-8 audit, and what 100 cost anyway (they pad to 128), which the launcher's 12 GB heap
   * holds (docs/benchmarks.md, "Batch proof memory").
   */
  static final int DEFAULT_SAMPLES = 128;

  /**
   * Refuses, before the demo starts, a sample count that this heap cannot prove; returns it
   * otherwise.
   */
  int checkHeap(int n) {
    long have = Runtime.getRuntime().maxMemory() >> 20;
    long need = heapMiBFor(n);
    if (n > 0 && have < need) {
      throw CliException.usage(
          String.format(
              Locale.ROOT,
              "--one-proof-samples %d needs about %.1f GB of heap and this one has %.1f GB: fewer"
                  + " samples, or a larger ZKAUDIT_HEAP (e.g. ZKAUDIT_HEAP=%dg ./zkaudit demo)",
              n,
              need / 1024.0,
              have / 1024.0,
              (need + 1023) / 1024));
    }
    return n;
  }

  /** n, or the largest power of two below it that this heap proves (0 if not even one sample). */
  int fitting(int n) {
    long have = Runtime.getRuntime().maxMemory();
    int k = n;
    while (k > 0 && memory.heapBytes(k) > have) {
      k = k == 1 ? 0 : Integer.highestOneBit(k - 1);
    }
    return k;
  }

  /** The step: prove, verify, compare with the evaluation's count; {@code note} if not null. */
  void run(DemoTranscript t, int n, String note) {
    t.begin(
        "one-proof audit",
        "seller: one zero-knowledge proof of ResNet-8's accuracy on "
            + n
            + " CIFAR-10 test images; buyer: verify it (correct/N, the logits private)");
    if (note != null) {
      t.line("%s", note);
    }
    CommittedModel cm = ProverModels.commit(model, quantized, true);
    TensorSpec in = cm.model().description().tensor(cm.circuit().inputTensor());
    List<int[]> inputs = new ArrayList<>();
    int[] labels = new int[n];
    List<Sample> samples;
    try {
      samples = Cifar10.testSet(dataset, n);
    } catch (IOException | ModelFormatException e) {
      throw CliException.usage("cannot read " + dataset + ": " + e.getMessage());
    }
    if (samples.size() < n) {
      throw CliException.usage(
          "the CIFAR-10 test set has " + samples.size() + " images; the demo asked for " + n);
    }
    // As `zkaudit eval` feeds CIFAR-10: the whole image, the model's pixel range.
    InputEncoder enc = new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in));
    for (int i = 0; i < n; i++) {
      inputs.add(enc.quantized(samples.get(i).image(), in));
      labels[i] = samples.get(i).label();
    }
    int evaluated = evaluate(cm, inputs, labels);
    t.line(
        "images cifar-%s .. cifar-%s (%d, evenly spaced: zkaudit eval --model resnet8 --dataset"
            + " cifar10 --limit %d scores the same ones)",
        samples.get(0).id().substring("cifar-".length()),
        samples.get(n - 1).id().substring("cifar-".length()),
        n,
        n);

    long p0 = System.nanoTime();
    ModelProof proof;
    HeapNeed.expect(
        "proving the accuracy of ResNet-8 on " + n + " samples in one proof", heapMiBFor(n) << 20);
    try (PhaseBar bar = new PhaseBar(System.err, "proving accuracy on " + n + " samples")) {
      proof = ModelProver.proveAccuracy(cm, inputs, labels, bar);
    } catch (ProverException e) {
      throw CliException.usage("cannot prove the one-proof audit: " + e.getMessage());
    }
    double prove = (System.nanoTime() - p0) / 1e9;
    byte[] bytes = proof.encode();
    t.line(
        "seller: proved in %.1f s (%.2f s per sample), proof %,d bytes (%.0f KB)",
        prove, prove / n, bytes.length, bytes.length / 1024.0);

    // The buyer: the proof's bytes, the verifying key's, the images and labels; nothing else.
    ModelVerifier verifier;
    try {
      verifier = new ModelVerifier(VerifyingKey.decode(cm.vk().encode()));
    } catch (InvalidProofException e) {
      throw CliException.invalid("the demo's verifying key did not decode: " + e.getMessage());
    }
    ModelVerifier.VerifiedAccuracy verified = null;
    double[] ms = new double[3];
    for (int r = 0; r < ms.length; r++) {
      long v0 = System.nanoTime();
      try {
        verified = verifier.verifyAccuracy(ModelProof.decode(bytes), inputs, labels);
      } catch (InvalidProofException | IllegalArgumentException e) {
        throw CliException.invalid("the one-proof audit did not verify: " + e.getMessage());
      }
      ms[r] = (System.nanoTime() - v0) / 1e6;
    }
    java.util.Arrays.sort(ms);
    t.line(
        "buyer: verified in %.1f ms (decode included, median of %d): %s correct (%.1f%%)",
        ms[ms.length / 2], ms.length, verified, 100.0 * verified.correct() / n);
    t.line("zkaudit eval on the same images (integer engine, top-1): %d/%d", evaluated, n);
    if (verified.correct() != evaluated || verified.samples() != n) {
      throw CliException.invalid(
          "the one-proof audit verified " + verified + " but the evaluation counts " + evaluated);
    }
    t.ok(
        String.format(
            Locale.ROOT,
            "one proof: %s correct, %.0f KB, proved in %.1f s, verified in %.1f ms; matches eval",
            verified,
            bytes.length / 1024.0,
            prove,
            ms[ms.length / 2]));
  }

  /** The count `zkaudit eval` reports on these inputs: the integer engine's top-1 = the label. */
  private static int evaluate(CommittedModel cm, List<int[]> inputs, int[] labels) {
    IntegerEngine engine = new IntegerEngine(cm.model());
    int correct = 0;
    for (int i = 0; i < inputs.size(); i++) {
      int[] logits = engine.values(inputs.get(i))[cm.model().logitsTensor()];
      if (Predictions.topK(logits, 1)[0] == labels[i]) {
        correct++;
      }
    }
    return correct;
  }
}

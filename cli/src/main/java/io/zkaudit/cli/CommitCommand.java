package io.zkaudit.cli;

import io.zkaudit.prover.inference.CommittedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * zkaudit commit: the model commitment (verifying key) that every protocol checks proofs against.
 */
@Command(
    name = "commit",
    mixinStandardHelpOptions = true,
    description =
        "Commit to a model's weights; write its public verifying key and print its digest.")
final class CommitCommand implements Callable<Integer> {
  @Mixin ModelFileOption.Committed model;

  @Mixin InputNormalizationOption normalization;

  @Option(names = "--out", required = true, description = "where to write the verifying key (.vk)")
  Path out;

  @Option(
      names = "--rotate",
      paramLabel = "OLD.vk",
      description =
          "rotate this key of the same model: a fresh commitment to the same weights, with a"
              + " zero-knowledge link written to OUT.link (docs/zero-knowledge.md, Rotation)")
  Path rotate;

  @Option(
      names = "--chain-at",
      paramLabel = "LAYER",
      description =
          "split the model for chained proofs before layer index LAYER (or after the layer so"
              + " named) and write two keys, OUT's name with .body.vk and .head.vk"
              + " (docs/model-proofs.md, Chained proofs)")
  String chainAt;

  @Override
  public Integer call() throws Exception {
    if (chainAt != null) {
      if (rotate != null) {
        throw CliException.usage("--chain-at commits two new keys: drop --rotate");
      }
      return ChainedProofs.commitKeys(
          model.file(), chainAt, normalization.forModel(model.file()), out);
    }
    if (rotate != null) {
      return Rotations.rotate(model.file(), rotate, out);
    }
    long t0 = System.nanoTime();
    CommittedModel cm =
        ProverModels.commit(model.file(), true, normalization.forModel(model.file()));
    double commitSeconds = (System.nanoTime() - t0) / 1e9;
    // The one-time range proof ships in the key: verifiers check it once per key
    // (WeightRanges.check).
    long t1 = System.nanoTime();
    io.zkaudit.inference.VerifyingKey vk =
        io.zkaudit.prover.inference.WeightRangeProver.certify(cm);
    double rangeSeconds = (System.nanoTime() - t1) / 1e9;
    // What a verifier does once per key: checked here so that a key that would be refused is never
    // written.
    long t2 = System.nanoTime();
    try {
      io.zkaudit.inference.WeightRanges.of(vk).verify(vk, vk.rangeProof());
    } catch (io.zkaudit.proof.InvalidProofException e) {
      throw new IllegalStateException(
          "the weight range proof just made does not verify: " + e.getMessage(), e);
    }
    double rangeVerifyMs = (System.nanoTime() - t2) / 1e6;
    Files.write(out, vk.encode());
    System.out.printf("model commitment %s%n", cm.vk().digest().hex());
    long tensors =
        cm.layout().entries().stream()
            .filter(e -> e.kind() != io.zkaudit.inference.WeightLayout.Kind.HIDING)
            .count();
    System.out.printf(
        "  %s: %d layers proven, %d weight tensors committed (%.1f s)%n",
        model.fileName(), cm.circuit().layers().size(), tensors, commitSeconds);
    if (vk.rangeProof() == null) {
      // A model of pools, reshapes and requantizations only (WeightRanges.empty()).
      System.out.println("  weight range proof: none needed (the model commits no weight)");
    } else {
      System.out.printf(
          "  weight range proof: every committed weight, bias and addend is in its declared type"
              + " (%,d bytes, proven in %.1f s, verified in %.0f ms)%n",
          vk.rangeProof().encode().length, rangeSeconds, rangeVerifyMs);
    }
    System.out.printf("  verifying key written to %s (%d bytes)%n", out, Files.size(out));
    if (!cm.layout().holdsConstants()) {
      return Main.EXIT_OK; // no weight to hide, no proof opens the commitment: nothing to rotate
    }
    System.out.printf(
        "  the commitment hides the weights for about %,d zero-knowledge proofs (%s); then rotate"
            + " it: zkaudit commit --rotate %s (docs/zero-knowledge.md)%n",
        cm.layout().hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams()),
        HidingKeys.location(),
        out.getFileName());
    return Main.EXIT_OK;
  }
}

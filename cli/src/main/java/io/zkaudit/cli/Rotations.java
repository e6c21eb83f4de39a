package io.zkaudit.cli;

import io.zkaudit.inference.RotationLink;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.prover.inference.RotationLinks;
import io.zkaudit.prover.model.QuantizedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code zkaudit commit --rotate OLD.vk}: commits the model afresh (the next generation of the
 * hiding key's derivation, docs/zero-knowledge.md "Rotation") and writes the new key with its
 * {@link RotationLink} beside it, {@code NEW.vk.link}. The link file records the generation, so a
 * key rotated from is found again from its own link file (a key without one is generation 0).
 */
final class Rotations {
  private Rotations() {}

  /**
   * Where the link of a verifying key file is written and looked for: beside it, ".link" appended.
   */
  static Path linkOf(Path vkFile) {
    return vkFile.resolveSibling(vkFile.getFileName() + ".link");
  }

  /** The generation of a key file: its link file's, or 0 for a key that was never rotated to. */
  static int generationOf(Path vkFile, VerifyingKey vk) {
    Path link = linkOf(vkFile);
    if (!Files.exists(link)) {
      return 0;
    }
    RotationLink l = readLink(link);
    if (!l.newModel().equals(vk.digest())) {
      throw CliException.usage(
          link + " is the link to another key (" + l.newModel().hex() + "), not to " + vkFile);
    }
    return l.generation();
  }

  static RotationLink readLink(Path file) {
    try {
      return RotationLink.decode(Files.readAllBytes(file));
    } catch (IOException e) {
      throw CliException.usage("cannot read rotation link " + file);
    } catch (InvalidProofException e) {
      throw CliException.usage(file + " is not a valid rotation link: " + e.getMessage());
    }
  }

  static VerifyingKey readKey(Path file) {
    try {
      return VerifyingKey.decode(Files.readAllBytes(file));
    } catch (IOException e) {
      throw CliException.usage("cannot read verifying key " + file);
    } catch (InvalidProofException e) {
      throw CliException.usage(file + " is not a valid verifying key: " + e.getMessage());
    }
  }

  /** Rotates: prints the new commitment, writes out and out.link. */
  static int rotate(Path modelFile, Path oldFile, Path out) throws IOException {
    long t0 = System.nanoTime();
    VerifyingKey oldKey = readKey(oldFile);
    int generation = generationOf(oldFile, oldKey);
    if (!Files.isReadable(modelFile)) {
      throw CliException.usage("cannot read model " + modelFile);
    }
    byte[] hidingKey = HidingKeys.loadOrCreate();
    RotationLinks.Rotation r;
    try {
      QuantizedModel model = ProverModels.quantized(modelFile);
      CommittedModel old = ModelProver.commit(model, hidingKey, generation);
      if (!old.vk().digest().equals(oldKey.digest())) {
        throw CliException.usage(
            oldFile
                + " is not the commitment of "
                + modelFile.getFileName()
                + " under the hiding key "
                + HidingKeys.location()
                + " (generation "
                + generation
                + "): only its owner can rotate it");
      }
      r = RotationLinks.rotate(old, hidingKey, generation + 1);
    } catch (ModelFormatException | ProverException e) {
      throw CliException.usage(modelFile + ": " + e.getMessage());
    }
    // The new key carries its own weight range proof, as every key zkaudit commit writes.
    Files.write(out, io.zkaudit.prover.inference.WeightRangeProver.certify(r.committed()).encode());
    Path link = linkOf(out);
    Files.write(link, r.link().encode());
    System.out.printf("model commitment %s%n", r.committed().vk().digest().hex());
    System.out.printf(
        "  rotated from %s (generation %d -> %d, same weights, fresh hiding randomness; %.1f s)%n",
        oldKey.digest().hex(), generation, generation + 1, (System.nanoTime() - t0) / 1e9);
    System.out.printf(
        "  verifying key written to %s (%d bytes), rotation link to %s (%d bytes)%n",
        out, Files.size(out), link, Files.size(link));
    System.out.printf(
        "  the commitment hides the weights for about %,d zero-knowledge proofs (%s); the link"
            + " spent one of the old key's%n",
        r.committed().layout().hiddenProofs(RotationLink.params()), HidingKeys.location());
    return Main.EXIT_OK;
  }
}

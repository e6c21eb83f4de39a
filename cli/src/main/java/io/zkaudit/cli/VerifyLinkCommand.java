package io.zkaudit.cli;

import io.zkaudit.inference.RotationLink;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * zkaudit verify-link: checks a rotation link (docs/zero-knowledge.md, "Rotation"), that two
 * verifying keys commit to the same weights. Exit 0 "valid rotation link"; exit 1 "invalid rotation
 * link: reason"; exit 2 for usage errors and unreadable files.
 */
@Command(
    name = "verify-link",
    mixinStandardHelpOptions = true,
    description =
        "Verify that a rotated verifying key commits to the same weights as the key it replaces.")
final class VerifyLinkCommand implements Callable<Integer> {
  @Option(names = "--old", required = true, description = "the key rotated from")
  Path oldFile;

  @Option(names = "--new", required = true, description = "the key rotated to")
  Path newFile;

  @Option(
      names = "--link",
      description = "the rotation link (default: the new key's file with .link appended)")
  Path linkFile;

  @Override
  public Integer call() {
    VerifyingKey oldKey = Rotations.readKey(oldFile);
    VerifyingKey newKey = Rotations.readKey(newFile);
    Path file = linkFile != null ? linkFile : Rotations.linkOf(newFile);
    byte[] bytes;
    try {
      bytes = java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw CliException.usage("cannot read rotation link " + file);
    }
    long t0 = System.nanoTime();
    RotationLink link;
    try {
      // A malformed link is a checked, invalid proof (exit 1), as a malformed proof is for verify.
      link = RotationLink.decode(bytes);
      link.verify(oldKey, newKey);
    } catch (InvalidProofException e) {
      System.out.println("invalid rotation link: " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    System.out.printf(
        Locale.ROOT,
        "valid rotation link (%.1f ms): model %s is model %s rotated (generation %d),"
            + " the same weights%n",
        (System.nanoTime() - t0) / 1e6,
        newKey.digest().hex(),
        oldKey.digest().hex(),
        link.generation());
    return Main.EXIT_OK;
  }
}

package io.zkaudit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The seller's weight-hiding key: the secret from which a model commitment's hiding entries are
 * derived (docs/zero-knowledge.md, "Weights"). Kept in {@code $ZKAUDIT_HIDING_KEY} or {@code
 * ~/.zkaudit/hiding.key}, created on first use, so that committing to the same model again (a
 * restart, {@code zkaudit commit} then {@code zkaudit prove}) gives the same model commitment,
 * while nobody without the key can recompute it from a candidate set of weights.
 */
final class HidingKeys {
  private HidingKeys() {}

  static final String ENV = "ZKAUDIT_HIDING_KEY";

  /** A system property that takes precedence over the environment (tests, embedding). */
  static final String PROPERTY = "zkaudit.hidingKey";

  static Path location() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String env = System.getenv(ENV);
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".zkaudit", "hiding.key");
  }

  static byte[] loadOrCreate() {
    Path file = location();
    try {
      if (Files.exists(file)) {
        byte[] key = HexFormat.of().parseHex(Files.readString(file).strip());
        if (key.length < 16) {
          throw CliException.usage(
              file + " is not a hiding key (it needs at least 16 bytes in hex)");
        }
        return key;
      }
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      KeyFiles.writeSecret(file, HexFormat.of().formatHex(key));
      System.err.println(
          "created the weight-hiding key "
              + file
              + " (secret: model commitments depend on it; keep it with your models)");
      return key;
    } catch (IOException e) {
      throw CliException.usage(
          "cannot read or create the hiding key " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CliException.usage(file + " is not a hiding key: " + e.getMessage());
    }
  }
}

package io.zkaudit.cli;

import io.zkaudit.protocols.PartyKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A party's secp256k1 key in a file (64 hex digits): read if it exists, else created, readable by
 * its owner only, so that a party keeps its identity across runs.
 */
final class KeyFiles {
  private KeyFiles() {}

  /** An existing key file (a usage error if it is missing). */
  static PartyKey load(Path file) {
    if (!Files.exists(file)) {
      throw CliException.usage("no key file " + file);
    }
    return loadOrCreate(file);
  }

  /**
   * Writes a secret (one line) to a new file readable by its owner only, creating its directory.
   */
  static void writeSecret(Path file, String line) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, line + "\n");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the file keeps its directory's permissions.
    }
  }

  static PartyKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return PartyKey.fromHex(Files.readString(file));
      }
      PartyKey key = PartyKey.generate();
      writeSecret(file, key.privateHex());
      return key;
    } catch (IOException e) {
      throw CliException.usage("cannot read or create key file " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CliException.usage(file + " is not a key file: " + e.getMessage());
    }
  }
}

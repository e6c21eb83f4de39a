package io.zkaudit.escrow.chain;

import io.zkaudit.escrow.EscrowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the anvil executable that the escrow module's {@code npm ci} installed. Looked up in order:
 * the system property {@code zkaudit.anvil} (set by the Maven test run), the environment variable
 * {@code ZKAUDIT_ANVIL}, then {@code escrow/node_modules/...} in the working directory or any
 * parent (so the demo finds it when run from the repository).
 */
public final class AnvilBinary {
  public static final String PROPERTY = "zkaudit.anvil";
  public static final String ENVIRONMENT = "ZKAUDIT_ANVIL";
  static final String NPM_PATH = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

  private AnvilBinary() {}

  public static Path locate() {
    List<Path> tried = new ArrayList<>();
    String configured = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (Files.isExecutable(path)) return path;
      tried.add(path);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate :
          List.of(dir.resolve(NPM_PATH), dir.resolve("escrow").resolve(NPM_PATH))) {
        if (Files.isExecutable(candidate)) return candidate;
        tried.add(candidate);
      }
    }
    throw EscrowException.invalidArgument(
        "anvil not found (run the escrow module's build, which runs"
            + " npm ci, or set -D"
            + PROPERTY
            + "); tried "
            + tried);
  }
}

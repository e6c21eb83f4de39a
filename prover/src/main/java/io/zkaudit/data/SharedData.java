package io.zkaudit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project's read-only shared material ({@code ../shared} relative to the project root) by
 * walking up from the working directory, so it works from the root and from a module dir.
 * ZKAUDIT_SHARED overrides.
 */
public final class SharedData {
  private SharedData() {}

  public static Optional<Path> root() {
    String env = System.getenv("ZKAUDIT_SHARED");
    if (env != null && Files.isDirectory(Path.of(env))) return Optional.of(Path.of(env));
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("models"))
          && Files.isDirectory(candidate.resolve("data"))) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  public static Optional<Path> resolve(String relative) {
    return root().map(r -> r.resolve(relative)).filter(Files::exists);
  }
}

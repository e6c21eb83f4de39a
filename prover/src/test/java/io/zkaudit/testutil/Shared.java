package io.zkaudit.testutil;

import io.zkaudit.data.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Test access to ../shared: skips (with the reason) when it is absent; CI has it. */
public final class Shared {
  private Shared() {}

  public static Path require(String relative) {
    var p = SharedData.resolve(relative);
    Assumptions.assumeTrue(
        p.isPresent(), "skipped: ../shared/" + relative + " is not present (it is in CI)");
    return p.get();
  }
}

package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two writers of docs/onchain-verifier-gas.md keep each other's part, in either order. */
class GasDocTest {
  private static final String HEADING = "## lookups";

  @Test
  void eachWriterKeepsTheOthersPart(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("gas.md");
    GasDoc.writeHead(doc, "# head\n\nv1\n", HEADING);
    assertEquals("# head\n\nv1\n", Files.readString(doc));
    GasDoc.writeSection(doc, HEADING, "table 1\n");
    assertEquals("# head\n\nv1\n\n## lookups\n\ntable 1\n", Files.readString(doc));
    GasDoc.writeHead(doc, "# head\n\nv2\n", HEADING);
    assertEquals("# head\n\nv2\n\n## lookups\n\ntable 1\n", Files.readString(doc));
    GasDoc.writeSection(doc, HEADING, "table 2\n");
    assertEquals("# head\n\nv2\n\n## lookups\n\ntable 2\n", Files.readString(doc));
  }

  @Test
  void aSectionAloneStartsTheFile(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("gas.md");
    GasDoc.writeSection(doc, HEADING, "rows");
    assertEquals("## lookups\n\nrows\n", Files.readString(doc));
  }
}

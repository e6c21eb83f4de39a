package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four writers of docs/onchain-verifier-gas.md keep each other's parts, in either order. */
class GasDocTest {
  @Test
  void eachWriterKeepsTheOthersPartsInAFixedOrder(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("gas.md");
    GasDoc.writeSection(doc, GasDoc.STATEMENT, "## statement\n\ns1\n");
    GasDoc.writeSection(doc, GasDoc.LOGUP, "## lookups\n\ntable 1\n");
    GasDoc.writeSection(doc, GasDoc.SINGLE, "# head\n\nv1\n");
    GasDoc.writeSection(doc, GasDoc.BATCHED, "## batched\n\nb1\n");
    String text = Files.readString(doc);
    assertTrue(
        text.indexOf("v1") < text.indexOf("b1")
            && text.indexOf("b1") < text.indexOf("table 1")
            && text.indexOf("table 1") < text.indexOf("s1"),
        text);
    GasDoc.writeSection(doc, GasDoc.SINGLE, "# head\n\nv2\n");
    GasDoc.writeSection(doc, GasDoc.LOGUP, "## lookups\n\ntable 2\n");
    text = Files.readString(doc);
    assertTrue(
        text.contains("v2")
            && text.contains("b1")
            && text.contains("table 2")
            && text.contains("s1"),
        text);
    assertTrue(!text.contains("v1") && !text.contains("table 1"), text);
  }

  @Test
  void aFileFromBeforeTheSectionsIsTheSingleOpeningsPart(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("gas.md");
    Files.writeString(doc, "# old table\n");
    GasDoc.writeSection(doc, GasDoc.LOGUP, "rows\n");
    String text = Files.readString(doc);
    assertTrue(text.indexOf("# old table") < text.indexOf("rows"), text);
    GasDoc.writeSection(doc, GasDoc.SINGLE, "# new table\n");
    assertEquals(-1, Files.readString(doc).indexOf("# old table"));
    assertThrows(IllegalArgumentException.class, () -> GasDoc.writeSection(doc, "x", "y"));
  }
}

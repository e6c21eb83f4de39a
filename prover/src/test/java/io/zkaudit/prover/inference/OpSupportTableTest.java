package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.Layer;
import io.zkaudit.onnx.OnnxImporter;
import io.zkaudit.tflite.TfliteImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/models.md's op-support table says what the code does: its layers are the model description's
 * layer kinds, its TFLite and ONNX columns the importers' operator sets (and "quantized only" the
 * TFLite ops the float importer lacks), its proof column {@link Provability#PROVEN_LAYERS}.
 */
class OpSupportTableTest {
  private static final Path DOC = Path.of("../docs/models.md");
  private static final String MARKER = "<!-- op-support-table";

  private record Row(String layer, String tflite, String onnx, String engine, String proof) {}

  private static List<Row> table() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    int at = 0;
    while (at < lines.size() && !lines.get(at).startsWith(MARKER)) at++;
    assertTrue(at < lines.size(), "no op-support table marker in " + DOC);
    List<Row> rows = new ArrayList<>();
    for (int i = at + 3;
        i < lines.size() && lines.get(i).startsWith("|");
        i++) { // after the header and its rule
      String[] cells = lines.get(i).split("\\|", -1);
      assertEquals(7, cells.length, "a row of five cells: " + lines.get(i));
      rows.add(
          new Row(
              cells[1].strip(),
              cells[2].strip(),
              cells[3].strip(),
              cells[4].strip(),
              cells[5].strip()));
    }
    return rows;
  }

  /**
   * The operator names of a cell: comma-separated items, each's first word, parenthesized remarks
   * dropped.
   */
  private static List<String> ops(String cell) {
    String plain = cell.replaceAll("\\([^)]*\\)", "");
    List<String> out = new ArrayList<>();
    for (String item : plain.split(",")) {
      String name = item.strip().split("\\s+")[0];
      if (!name.isEmpty() && !name.equals("—")) out.add(name);
    }
    return out;
  }

  private static Set<String> union(
      List<Row> rows, java.util.function.Function<Row, String> column) {
    return rows.stream()
        .flatMap(r -> ops(column.apply(r)).stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void layersAreTheDescriptionsLayerKindsAndTheEngineRunsEach() throws Exception {
    List<Row> rows = table();
    Set<String> kinds =
        Arrays.stream(Layer.class.getPermittedSubclasses())
            .map(Class::getSimpleName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> listed =
        rows.stream()
            .map(Row::layer)
            .filter(l -> !l.equals("—"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(kinds, listed);
    // IntegerEngine's kernel switch is exhaustive over the sealed Layer: it runs every kind.
    for (Row r : rows) {
      assertTrue(
          r.layer().equals("—") ? r.engine().startsWith("—") : r.engine().startsWith("yes"),
          r.toString());
    }
  }

  @Test
  void proofColumnIsProvabilitysSet() throws Exception {
    for (Row r : table()) {
      if (r.layer().equals("—")) continue;
      boolean proven =
          Provability.PROVEN_LAYERS.stream().anyMatch(c -> c.getSimpleName().equals(r.layer()));
      assertEquals(proven, r.proof().startsWith("yes"), r.toString());
      assertEquals(!proven, r.proof().equals("no"), r.toString());
    }
  }

  @Test
  void importColumnsAreTheImportersOperatorSets() throws Exception {
    List<Row> rows = table();
    assertEquals(new TreeSet<>(TfliteImporter.quantizedOps()), union(rows, Row::tflite));
    assertEquals(new TreeSet<>(OnnxImporter.ops()), union(rows, Row::onnx));
    Set<String> quantizedOnly = new TreeSet<>();
    for (Row r : rows) {
      for (String item : r.tflite().split(",(?![^(]*\\))")) {
        if (item.contains("quantized only")) quantizedOnly.add(ops(item).getFirst());
      }
    }
    Set<String> expected = new HashSet<>(TfliteImporter.quantizedOps());
    expected.removeAll(TfliteImporter.floatOps());
    assertEquals(new TreeSet<>(expected), quantizedOnly);
    assertTrue(TfliteImporter.quantizedOps().containsAll(TfliteImporter.floatOps()));
  }
}

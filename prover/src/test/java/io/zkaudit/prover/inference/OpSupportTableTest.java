package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.Layer;
import io.zkaudit.onnx.OnnxImporter;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.testutil.TinyModels;
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

  /**
   * One small chain holding every proven layer kind the {@link TinyModels.Chain} builder makes: a
   * pad read by a convolution, a depthwise convolution, a product of two activations, a unary
   * table, a concatenation, a max pool, an average pool, a requantization, a flatten read by a
   * dense layer.
   */
  static io.zkaudit.prover.model.QuantizedModel everyChainKind() {
    TinyModels.Chain c =
        new TinyModels.Chain("op-coverage", List.of(1, 8, 8, 4))
            .pad("pad", 1, 1, 1, 1, 0)
            .conv("conv", 3, 1, new io.zkaudit.model.Padding(0, 0, 0, 0), 4, 4, 1);
    int a = c.mark();
    return c.depthwise("dw", 3, 1, new io.zkaudit.model.Padding(1, 1, 1, 1), 3, 2)
        .multiply("mul", a)
        .unary("sig", io.zkaudit.model.UnaryFunction.SIGMOID, 1f / 256, -128)
        .concat("cat", a)
        .maxPool("pool", 2, 2, new io.zkaudit.model.Padding(0, 0, 0, 0), -128, 127)
        .averagePool("avg", 2, 2, new io.zkaudit.model.Padding(0, 0, 0, 0))
        .requantize("rq")
        .mean("mean")
        .flatten("flat")
        .denseRandom("fc", 4, 5, 9)
        .build();
  }

  /**
   * The proof column covers the proofs of several samples too (docs/accuracy-proof.md): every layer
   * kind the table marks as proven proves in a batch proof (plain and zero-knowledge) and an
   * accuracy proof with the engine's outputs, here or, for the two kinds the chain builder does not
   * make (Add, Softmax: ResNet-8's), in BatchProofTest's ResNet-8 batches. A kind marked proven
   * that neither covers fails this test.
   */
  @Test
  void everyProvenKindProvesInBatchAndAccuracyProofs() throws Exception {
    Set<String> provenInTable =
        table().stream()
            .filter(r -> !r.layer().equals("—") && r.proof().startsWith("yes"))
            .map(Row::layer)
            .collect(Collectors.toCollection(TreeSet::new));
    io.zkaudit.prover.model.QuantizedModel m = everyChainKind();
    Set<String> covered =
        m.description().layers().stream()
            .map(l -> l.getClass().getSimpleName())
            .collect(Collectors.toCollection(TreeSet::new));
    // BatchProofTest proves batches of ResNet-8, which holds the other two.
    Set<String> resnet8 =
        ResNet8.model().description().layers().stream()
            .map(l -> l.getClass().getSimpleName())
            .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(resnet8.containsAll(List.of("Add", "Softmax")), resnet8.toString());
    covered.addAll(List.of("Add", "Softmax"));
    assertEquals(provenInTable, covered);
    Provability p = Provability.of(m);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(m);
    io.zkaudit.engine.IntegerEngine engine = new io.zkaudit.engine.IntegerEngine(cm.model());
    java.util.Random r = new java.util.Random(4);
    List<int[]> inputs = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      int[] x = new int[8 * 8 * 4];
      for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256) - 128;
      inputs.add(x);
    }
    io.zkaudit.inference.ModelVerifier v = new io.zkaudit.inference.ModelVerifier(cm.vk());
    for (boolean zk : new boolean[] {false, true}) {
      List<int[]> out =
          v.verifyBatch(ModelProver.proveBatch(cm, inputs, ProgressListener.NONE, zk), inputs);
      for (int b = 0; b < inputs.size(); b++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            engine.infer(inputs.get(b)), out.get(b), "zk " + zk + " sample " + b);
      }
    }
    int[] labels = new int[inputs.size()];
    int correct = 0;
    for (int b = 0; b < labels.length; b++) {
      int predicted = io.zkaudit.engine.Predictions.topK(engine.infer(inputs.get(b)), 1)[0];
      labels[b] = b == 0 ? predicted : (predicted + b) % 4;
      correct += labels[b] == predicted ? 1 : 0;
    }
    var accuracy =
        v.verifyAccuracy(
            ModelProver.proveAccuracy(cm, inputs, labels, ProgressListener.NONE, true),
            inputs,
            labels);
    assertEquals(correct, accuracy.correct());
  }
}

package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static io.zkaudit.testutil.OnnxWriter.attrInt;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.floats;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.OnnxWriter;
import io.zkaudit.testutil.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zkaudit commit and infer --check-provable refuse, before any commitment work and writing nothing,
 * a model some input of which cannot be proven: exit 2, one line per problem.
 */
class ProvabilityCommandsTest {
  @TempDir Path tmp;

  /**
   * Every kind of problem the check knows reaches the command line as one line naming the model
   * (exit 2).
   */
  @Test
  void everyRefusalKindIsOneLineNamingTheModel() {
    List<QuantizedModel> refused =
        List.of(
            TinyModels.withHeightConcat(),
            TinyModels.withDepthMultiplier(),
            TinyModels.withAccumulatorsBeyondTheDomain(),
            TinyModels.withHugeTable(17_000),
            TinyModels.withTooManyLayers());
    List<String> expected =
        List.of(
            "a concatenation along axis 1 (the channel axis is)",
            "depth multiplier 2",
            "accumulators can reach",
            "rounding lookup table would have",
            "exceeds a limit");
    for (int i = 0; i < refused.size(); i++) {
      try {
        ProverModels.requireProvable(Path.of("/models/m.tflite"), refused.get(i), true);
        throw new AssertionError("accepted " + refused.get(i).description().name());
      } catch (CliException e) {
        assertEquals(Main.EXIT_USAGE, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(
            e.getMessage().startsWith("m.tflite: not provable: ")
                && e.getMessage().contains(expected.get(i)),
            e.getMessage());
      }
    }
    ProverModels.requireProvable(Path.of("m.tflite"), TinyModels.smallDense(), true);
    // Accumulators past the 16-bit window and 2^22 rows of 16-bit steps: limb roundings (issue 18).
    ProverModels.requireProvable(Path.of("m.tflite"), TinyModels.withWideAccumulators(), true);
    ProverModels.requireProvable(Path.of("m.tflite"), TinyModels.withHugeTable(), true);
    // Several problems: one line each, every one prefixed as the error handler prints the first.
    try {
      ProverModels.requireProvable(
          Path.of("m.tflite"), TinyModels.withHeightConcatAndFlatten(), true);
      throw new AssertionError("accepted");
    } catch (CliException e) {
      List<String> lines = ("zkaudit: " + e.getMessage()).lines().toList();
      assertEquals(2, lines.size(), e.getMessage());
      assertTrue(
          lines.stream().allMatch(l -> l.startsWith("zkaudit: m.tflite: not provable: layer ")),
          e.getMessage());
    }
  }

  /**
   * input [1,1,28,28] (MNIST) → Conv 3x3/2 → Relu → [MaxPool 2x2 →] GlobalAveragePool → Flatten →
   * Gemm → 10.
   */
  static byte[] mnistOnnx(boolean maxPool) {
    float[] w1 = new float[8 * 9];
    for (int i = 0; i < w1.length; i++) w1[i] = ((i * 37) % 17 - 8) / 16f;
    float[] w2 = new float[10 * 8];
    for (int i = 0; i < w2.length; i++) w2[i] = ((i * 29) % 13 - 6) / 6f;
    var g =
        new OnnxWriter.Graph(valueInfo("input", 1, 1, 28, 28), valueInfo("logits", 1, 10))
            .initializer(floats("w1", new int[] {8, 1, 3, 3}, w1))
            .initializer(floats("b1", new int[] {8}, new float[8]))
            .initializer(floats("w2", new int[] {10, 8}, w2))
            .initializer(floats("b2", new int[] {10}, new float[10]))
            .node(
                node(
                    "Conv",
                    "conv",
                    List.of("input", "w1", "b1"),
                    List.of("c"),
                    attrInts("kernel_shape", 3, 3),
                    attrInts("strides", 2, 2),
                    attrInts("pads", 1, 1, 1, 1)))
            .node(node("Relu", "relu", List.of("c"), List.of("r")));
    String pooled = "r";
    if (maxPool) {
      g.node(
          node(
              "MaxPool",
              "maxpool",
              List.of("r"),
              List.of("m"),
              attrInts("kernel_shape", 2, 2),
              attrInts("strides", 2, 2)));
      pooled = "m";
    }
    g.node(node("GlobalAveragePool", "gap", List.of(pooled), List.of("p")))
        .node(node("Flatten", "flatten", List.of("p"), List.of("f"), attrInt("axis", 1)))
        .node(
            node("Gemm", "fc", List.of("f", "w2", "b2"), List.of("logits"), attrInt("transB", 1)));
    return g.model(13);
  }

  /**
   * PyTorch's usual ending, flatten then Linear, on the whole map: input [1,1,28,28] → Conv 3x3/4 →
   * Relu → Flatten of the [1,8,7,7] map → Gemm → 10.
   */
  static byte[] flattenedMapOnnx() {
    float[] w1 = new float[8 * 9];
    for (int i = 0; i < w1.length; i++) w1[i] = ((i * 37) % 17 - 8) / 16f;
    float[] w2 = new float[10 * 392];
    for (int i = 0; i < w2.length; i++) w2[i] = ((i * 29) % 13 - 6) / 24f;
    return new OnnxWriter.Graph(valueInfo("input", 1, 1, 28, 28), valueInfo("logits", 1, 10))
        .initializer(floats("w1", new int[] {8, 1, 3, 3}, w1))
        .initializer(floats("b1", new int[] {8}, new float[8]))
        .initializer(floats("w2", new int[] {10, 392}, w2))
        .initializer(floats("b2", new int[] {10}, new float[10]))
        .node(
            node(
                "Conv",
                "conv",
                List.of("input", "w1", "b1"),
                List.of("c"),
                attrInts("kernel_shape", 3, 3),
                attrInts("strides", 4, 4),
                attrInts("pads", 1, 1, 1, 1)))
        .node(node("Relu", "relu", List.of("c"), List.of("r")))
        .node(node("Flatten", "flatten", List.of("r"), List.of("f"), attrInt("axis", 1)))
        .node(node("Gemm", "fc", List.of("f", "w2", "b2"), List.of("logits"), attrInt("transB", 1)))
        .model(13);
  }

  /**
   * The flatten → Linear ending passes the check, commits, proves and verifies from the command
   * line.
   */
  @Test
  void aFlattenedMapEndingIsProvableAndProves() throws Exception {
    shared("data/mnist");
    Path model = Files.write(tmp.resolve("flatten.onnx"), flattenedMapOnnx());
    checksCommitsProvesAndVerifies(model);
  }

  private record Printed(int code, String out, String err) {}

  private static Printed runPrinting(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out));
    try {
      CliRuns.Run r = run(args);
      return new Printed(r.code(), out + r.out(), r.err());
    } finally {
      System.setOut(old);
    }
  }

  /**
   * input [1,1,28,28] → Conv 3x3/2 → Relu → Concat of the map with itself along the height →
   * GlobalAveragePool → Flatten → Gemm → 10.
   */
  static byte[] concatOnnx() {
    float[] w1 = new float[8 * 9];
    for (int i = 0; i < w1.length; i++) w1[i] = ((i * 37) % 17 - 8) / 16f;
    float[] w2 = new float[10 * 8];
    for (int i = 0; i < w2.length; i++) w2[i] = ((i * 29) % 13 - 6) / 6f;
    return new OnnxWriter.Graph(valueInfo("input", 1, 1, 28, 28), valueInfo("logits", 1, 10))
        .initializer(floats("w1", new int[] {8, 1, 3, 3}, w1))
        .initializer(floats("b1", new int[] {8}, new float[8]))
        .initializer(floats("w2", new int[] {10, 8}, w2))
        .initializer(floats("b2", new int[] {10}, new float[10]))
        .node(
            node(
                "Conv",
                "conv",
                List.of("input", "w1", "b1"),
                List.of("c"),
                attrInts("kernel_shape", 3, 3),
                attrInts("strides", 2, 2),
                attrInts("pads", 1, 1, 1, 1)))
        .node(node("Relu", "relu", List.of("c"), List.of("r")))
        .node(node("Concat", "concat", List.of("r", "r"), List.of("k"), attrInt("axis", 2)))
        .node(node("GlobalAveragePool", "gap", List.of("k"), List.of("p")))
        .node(node("Flatten", "flatten", List.of("p"), List.of("f"), attrInt("axis", 1)))
        .node(node("Gemm", "fc", List.of("f", "w2", "b2"), List.of("logits"), attrInt("transB", 1)))
        .model(13);
  }

  /**
   * An ONNX export with a MaxPool (proven since issue 18) passes the check, commits, proves and
   * verifies.
   */
  @Test
  void aMaxPoolExportIsProvableAndProves() throws Exception {
    shared("data/mnist"); // calibration images for quantizing the float model
    Path model = Files.write(tmp.resolve("maxpool.onnx"), mnistOnnx(true));
    checksCommitsProvesAndVerifies(model);
  }

  /**
   * An MNIST-shaped ONNX model from the command line: the provability check says every input can be
   * proven, then commit, prove (a fixed 784-pixel input) and verify all exit 0 with a valid proof.
   */
  private void checksCommitsProvesAndVerifies(Path model) throws Exception {
    Printed check = runPrinting("infer", "--model", model.toString(), "--check-provable");
    assertEquals(0, check.code(), check.err());
    assertTrue(
        check.out().contains(model.getFileName() + ": provable: every input can be proven"),
        check.out());
    Path vk = tmp.resolve("m.vk");
    Path proof = tmp.resolve("m.proof");
    Path input = tmp.resolve("x.json");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 784; i++) json.append(i == 0 ? "" : ", ").append((i * 7919 % 256) / 255.0);
    Files.writeString(input, json.append("]").toString());
    CliRuns.Run c = run("commit", "--model", model.toString(), "--out", vk.toString());
    assertEquals(0, c.code(), c.err());
    CliRuns.Run p =
        run(
            "prove",
            "--model",
            model.toString(),
            "--input",
            input.toString(),
            "--out",
            proof.toString());
    assertEquals(0, p.code(), p.err());
    Printed v =
        runPrinting(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            input.toString());
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().contains("valid proof"), v.out());
  }

  /**
   * An ONNX export with a Concat along the height: infer runs it, commit refuses it before
   * committing (no key written).
   */
  @Test
  void commitRefusesAHeightConcatModelAndWritesNothing() throws Exception {
    shared("data/mnist"); // calibration images for quantizing the float model
    Path model = Files.write(tmp.resolve("concat.onnx"), concatOnnx());
    Path vk = tmp.resolve("m.vk");
    Printed c = runPrinting("commit", "--model", model.toString(), "--out", vk.toString());
    assertEquals(2, c.code(), c.err());
    assertEquals(
        "zkaudit: concat.onnx: not provable: layer concat: the proof does not support a"
            + " concatenation along axis 1 (the channel axis is)",
        c.err().strip());
    assertFalse(Files.exists(vk));
    Printed check = runPrinting("infer", "--model", model.toString(), "--check-provable");
    assertEquals(2, check.code(), check.err());
    assertEquals(c.err(), check.err());
    assertFalse(check.err().contains("\tat "));
  }

  /**
   * The shared float models, quantized as commit quantizes them, pass the check (it does not refuse
   * what proves).
   */
  @Test
  void sharedFloatModelsAsQuantizedForCommitAreProvable() {
    for (String m :
        new String[] {"models/mnist_cnn_float.tflite", "models/resnet8_cifar10_float.tflite"}) {
      Path model = shared(m);
      Printed check = runPrinting("infer", "--model", model.toString(), "--check-provable");
      assertEquals(0, check.code(), m + ": " + check.err());
      assertTrue(check.out().contains(model.getFileName() + ": provable"), check.out());
    }
  }

  @Test
  void inferChecksAProvableModel() throws Exception {
    shared("data/mnist");
    Path model = Files.write(tmp.resolve("small.onnx"), mnistOnnx(false));
    Printed check = runPrinting("infer", "--model", model.toString(), "--check-provable");
    assertEquals(0, check.code(), check.err());
    assertTrue(
        check.out().contains("small.onnx: provable: every input can be proven"), check.out());
    Printed none = runPrinting("infer", "--model", model.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("--input"), none.err());
  }
}

package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** infer/eval on bad input: one line, exit code 2, no stack trace. */
class ModelCommandsTest {
  @TempDir Path tmp;

  private record Run(int code, String err) {}

  private Run run(String... args) {
    var cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  private static void assertOneLine(Run r, String contains) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(contains), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void truncatedModel() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Path cut = tmp.resolve("cut.tflite");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(model), 4000));
    assertOneLine(
        run(
            "infer",
            "--model",
            cut.toString(),
            "--input",
            shared("data/images/cat.bmp").toString()),
        "TFLite");
  }

  @Test
  void unreadableImageAndWrongShape() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Path bad = tmp.resolve("bad.jpg");
    Files.writeString(bad, "not an image");
    assertOneLine(
        run("infer", "--model", model.toString(), "--input", bad.toString()), "cannot read image");
    Path json = tmp.resolve("x.json");
    Files.writeString(json, "[1, 2, 3]");
    assertOneLine(
        run("infer", "--model", model.toString(), "--input", json.toString()), "wrong input shape");
  }

  @Test
  void inferPrintsTopK() {
    Path model = shared("models/mobilenet_v2_1.0_224_quant.tflite");
    var cli = Main.commandLine();
    var out = new java.io.ByteArrayOutputStream();
    var old = System.out;
    System.setOut(new java.io.PrintStream(out));
    int code;
    try {
      code =
          cli.execute(
              "infer",
              "--model",
              model.toString(),
              "--input",
              shared("data/images/grace_hopper.bmp").toString(),
              "--top",
              "3");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, code);
    assertTrue(out.toString().contains("military uniform"), out.toString());
  }

  /** The ONNX fixtures of the prover module (made by its make_onnx_fixtures.py). */
  private static final Path ONNX = Path.of("../prover/src/test/resources/onnx");

  @Test
  void onnxModelsOpenAndTakeNchwTensors() throws Exception {
    // a PyTorch input [1,3,12,12] (NCHW) is transposed to the engine's NHWC; top-1 is PyTorch's
    var inputs = io.zkaudit.data.TensorFiles.read(ONNX.resolve("depthwise_residual_inputs.npy"));
    var outputs = io.zkaudit.data.TensorFiles.read(ONNX.resolve("depthwise_residual_outputs.npy"));
    Path first = tmp.resolve("x.npy");
    Files.write(first, npy(Arrays.copyOf(inputs.real(), 3 * 12 * 12), "(1, 3, 12, 12)"));
    int expected = io.zkaudit.engine.Predictions.topK(Arrays.copyOf(outputs.real(), 10), 1)[0];
    var out = new java.io.ByteArrayOutputStream();
    var old = System.out;
    System.setOut(new java.io.PrintStream(out));
    int code;
    try {
      code =
          Main.commandLine()
              .execute(
                  "infer",
                  "--model",
                  ONNX.resolve("depthwise_residual.onnx").toString(),
                  "--input",
                  first.toString(),
                  "--top",
                  "1");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, code, out.toString());
    assertTrue(
        out.toString().lines().skip(1).findFirst().orElse("").strip().startsWith(expected + " "),
        out.toString());
  }

  @Test
  void onnxErrorsAreOneLine() throws Exception {
    Path input = tmp.resolve("x.json");
    Files.writeString(input, "[1, 2, 3]");
    assertOneLine(
        run(
            "infer",
            "--model",
            ONNX.resolve("unsupported_sigmoid.onnx").toString(),
            "--input",
            input.toString()),
        "unsupported ONNX operator Sigmoid at node '/Sigmoid'");
    Path cut = tmp.resolve("cut.onnx");
    Files.write(
        cut, Arrays.copyOf(Files.readAllBytes(ONNX.resolve("depthwise_residual.onnx")), 3000));
    assertOneLine(
        run("infer", "--model", cut.toString(), "--input", input.toString()),
        "corrupt or truncated ONNX file");
  }

  /**
   * A graph with a cycle (nodes reading each other's outputs): refused in one line by every command
   * that reads it.
   */
  @Test
  void onnxCyclesAreOneLine() throws Exception {
    var g =
        new io.zkaudit.testutil.OnnxWriter.Graph(
                io.zkaudit.testutil.OnnxWriter.valueInfo("input", 1, 1, 28, 28),
                io.zkaudit.testutil.OnnxWriter.valueInfo("out", 1, 1, 28, 28))
            .node(
                io.zkaudit.testutil.OnnxWriter.node(
                    "Add", "a", java.util.List.of("input", "b_out"), java.util.List.of("out")))
            .node(
                io.zkaudit.testutil.OnnxWriter.node(
                    "Relu", "b", java.util.List.of("out"), java.util.List.of("b_out")));
    Path model = g.write(tmp.resolve("cycle.onnx"), 13);
    Path input = tmp.resolve("x.json");
    Files.writeString(input, "[1, 2, 3]");
    String expected = "ONNX graph has a cycle: 'a' <- 'b' <- 'a'";
    assertOneLine(run("infer", "--model", model.toString(), "--input", input.toString()), expected);
    assertOneLine(
        run("commit", "--model", model.toString(), "--out", tmp.resolve("m.vk").toString()),
        expected);
  }

  /** A float32 .npy file (format 1.0). */
  private static byte[] npy(float[] v, String shape) {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + header.length() + 1;
    header += " ".repeat((64 - total % 64) % 64) + "\n";
    var b =
        java.nio.ByteBuffer.allocate(10 + header.length() + 4 * v.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93)
        .put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) 0);
    b.putShort((short) header.length())
        .put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (float f : v) b.putFloat(f);
    return b.array();
  }
}

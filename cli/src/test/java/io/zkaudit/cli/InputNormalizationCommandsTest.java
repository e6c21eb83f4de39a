package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.floats;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.testutil.OnnxWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --input-range / --input-mean / --input-std and the ONNX metadata keys on a small float CIFAR-
 * shaped model (1x1 conv, global average pool): the normalization changes the logits, is printed
 * where it was assumed or taken from, and prove/verify agree only with the same one.
 */
class InputNormalizationCommandsTest {
  @TempDir Path tmp;

  static final String[] IMAGENET = {
    "--input-mean", "0.485,0.456,0.406", "--input-std", "0.229,0.224,0.225"
  };

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    var cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = cli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  /**
   * x [1,3,32,32] -> Conv 1x1 (3 -> 4 channels, each output a different mix of R, G, B) ->
   * GlobalAveragePool -> Flatten: four logits, each an average of a channel mix.
   */
  private Path model(String file, String... metadata) throws Exception {
    return model(tmp, file, metadata);
  }

  /** The same model written into {@code dir} (for the audit and chain commands' tests too). */
  static Path model(Path dir, String file, String... metadata) throws Exception {
    var g =
        new OnnxWriter.Graph(valueInfo("x", 1, 3, 32, 32), valueInfo("y", 1, 4))
            .initializer(
                floats("w", new int[] {4, 3, 1, 1}, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, -1, 0.5f))
            .initializer(floats("b", new int[] {4}, 0.1f, -0.1f, 0.2f, 0f))
            .node(
                node(
                    "Conv",
                    "conv",
                    List.of("x", "w", "b"),
                    List.of("c"),
                    attrInts("kernel_shape", 1, 1)))
            .node(node("GlobalAveragePool", "gap", List.of("c"), List.of("p")))
            .node(node("Flatten", "flat", List.of("p"), List.of("y")));
    for (int i = 0; i < metadata.length; i += 2) g.metadata(metadata[i], metadata[i + 1]);
    return g.write(dir.resolve(file), 13);
  }

  /** The logit lines of infer's output, in class order. */
  private static String logits(Run r) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith("  "))
        .sorted()
        .collect(Collectors.joining("\n"));
  }

  @Test
  void meanStdChangesTheLogitsAndTheAssumedDefaultIsSaid() throws Exception {
    Path m = model("plain.onnx");
    String cat = shared("data/images/cat.bmp").toString();
    String[] infer = {"infer", "--model", m.toString(), "--input", cat};
    Run plain = run(infer);
    assertEquals(0, plain.code(), plain.err());
    // A CIFAR-shaped float model: infer assumes what commit and prove calibrate with, [0, 255]
    // (it assumed [0, 1], so infer and prove encoded the same image differently).
    assertTrue(
        plain
            .out()
            .contains(
                "input normalization: [0, 255] (assumed: no --input-range/--input-mean in the"
                    + " options or the model's metadata)"),
        plain.out());
    Run imagenet = run(concat(infer, IMAGENET));
    assertEquals(0, imagenet.code(), imagenet.err());
    assertTrue(
        imagenet
            .out()
            .contains(
                "input normalization: mean 0.485,0.456,0.406 std 0.229,0.224,0.225 (from"
                    + " --input-mean/--input-std)"),
        imagenet.out());
    assertNotEquals(logits(plain), logits(imagenet));
    assertFalse(imagenet.out().contains("assumed"), imagenet.out());
    Run range = run(concat(infer, "--input-range", "0,255"));
    assertEquals(logits(plain), logits(range), "an explicit [0, 255] is this float default");
    assertTrue(range.out().contains("input normalization: [0, 255] (from --input-range)"));
    Run unit = run(concat(infer, "--input-range", "0,1"));
    assertNotEquals(logits(plain), logits(unit), "[0, 1] is another encoding");

    // the same normalization named in the file's metadata; an option overrides it
    Path tagged =
        model(
            "tagged.onnx",
            "zkaudit.input_mean",
            "0.485,0.456,0.406",
            "zkaudit.input_std",
            "0.229,0.224,0.225");
    String[] inferTagged = {"infer", "--model", tagged.toString(), "--input", cat};
    Run fromMetadata = run(inferTagged);
    assertEquals(0, fromMetadata.code(), fromMetadata.err());
    assertTrue(fromMetadata.out().contains("(from the model's metadata)"), fromMetadata.out());
    assertEquals(logits(imagenet), logits(fromMetadata));
    Run overridden = run(concat(inferTagged, "--input-range", "0,255"));
    assertTrue(overridden.out().contains("(from --input-range)"), overridden.out());
    assertEquals(logits(plain), logits(overridden));
  }

  /** eval: the dataset's convention is printed as assumed; mean/std changes the float scores. */
  @Test
  void evalSaysItsNormalization() throws Exception {
    shared("data/cifar10/test_batch.bin");
    Path m = model("plain.onnx");
    String[] eval = {
      "eval",
      "--model",
      m.toString(),
      "--dataset",
      "cifar10",
      "--limit",
      "40",
      "--calibration",
      "20"
    };
    Run plain = run(eval);
    assertEquals(0, plain.code(), plain.err());
    assertTrue(plain.out().contains("input normalization: [0, 255] (assumed: no"), plain.out());
    Run imagenet = run(concat(eval, IMAGENET));
    assertEquals(0, imagenet.code(), imagenet.err());
    assertTrue(imagenet.out().contains("(from --input-mean/--input-std)"), imagenet.out());
    assertFalse(imagenet.out().contains("assumed"), imagenet.out());
  }

  @Test
  void badOptionsAndMetadataAreOneLineUsageErrors() throws Exception {
    Path m = model("plain.onnx");
    String cat = shared("data/images/cat.bmp").toString();
    String[] infer = {"infer", "--model", m.toString(), "--input", cat};
    String[][] bad = {
      {"--input-range", "0,1", "--input-mean", "0,0,0", "--input-std", "1,1,1"},
      {"--input-mean", "0.5,0.5,0.5"},
      {"--input-std", "1,1,1"},
      {"--input-mean", "0,0,0", "--input-std", "1,0,1"},
      {"--input-mean", "0,0", "--input-std", "1,1"},
      {"--input-mean", "a,b,c", "--input-std", "1,1,1"},
      {"--input-range", "1,0"},
    };
    String[] expected = {
      "give --input-range or --input-mean/--input-std, not both",
      "--input-mean and --input-std go together",
      "--input-mean and --input-std go together",
      "input std must be positive, got 0",
      "input mean/std give 2 channels, the model's input has 3",
      "--input-mean must be numbers separated by commas, got a,b,c",
      "--input-range must be lo,hi with lo < hi",
    };
    for (int i = 0; i < bad.length; i++) {
      for (String cmd : List.of("infer", "commit", "verify")) {
        String[] args =
            switch (cmd) {
              case "infer" -> concat(infer, bad[i]);
              case "commit" ->
                  concat(
                      new String[] {
                        "commit", "--model", m.toString(), "--out", tmp.resolve("x.vk").toString()
                      },
                      bad[i]);
              default ->
                  concat(
                      new String[] {
                        "verify", "--vk", "nowhere.vk", "--proof", "nowhere.proof", "--input", cat
                      },
                      bad[i]);
            };
        if (cmd.equals("verify") && i == 4) continue; // the channel count needs the model
        Run r = run(args);
        assertEquals(2, r.code(), cmd + " " + String.join(" ", bad[i]) + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected[i]), cmd + ": " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
      }
    }
    Path malformed = model("bad.onnx", "zkaudit.input_mean", "0.5,0.5,0.5");
    Run r = run("infer", "--model", malformed.toString(), "--input", cat);
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("input normalization metadata is malformed"), r.err());
  }

  /**
   * Commit and prove with the ImageNet mean/std; the verifier given the same options accepts, one
   * given none (the input quantization's range) encodes the image to other integers and rejects.
   */
  @Test
  void proveAndVerifyAgreeOnlyWithTheSameNormalization() throws Exception {
    Path m = model("plain.onnx");
    String cat = shared("data/images/cat.bmp").toString();
    Path vk = tmp.resolve("m.vk"), proof = tmp.resolve("cat.proof");
    Run c =
        run(
            concat(
                new String[] {"commit", "--model", m.toString(), "--out", vk.toString()},
                IMAGENET));
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("(from --input-mean/--input-std)"), c.out());
    Run p =
        run(
            concat(
                new String[] {
                  "prove", "--model", m.toString(), "--input", cat, "--out", proof.toString()
                },
                IMAGENET));
    assertEquals(0, p.code(), p.err());
    String[] verify = {
      "verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", cat
    };
    Run ok = run(concat(verify, IMAGENET));
    assertEquals(0, ok.code(), ok.out() + ok.err());
    Run other = run(verify);
    assertEquals(Main.EXIT_INVALID, other.code(), other.out() + other.err());

    // without options the commitment differs: the float model is quantized over another range
    Run plain = run("commit", "--model", m.toString(), "--out", tmp.resolve("plain.vk").toString());
    assertEquals(0, plain.code(), plain.err());
    assertTrue(plain.out().contains("input normalization: [0, 255] (assumed"), plain.out());
    assertNotEquals(commitment(c), commitment(plain));
  }

  private static String commitment(Run r) {
    return r.out().lines().filter(l -> l.startsWith("model commitment ")).findFirst().orElseThrow();
  }
}

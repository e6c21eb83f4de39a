package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.onnx.QuantizedOnnxModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QDQ-quantized ONNX model (input [1,2,6,6], for which no calibration data is known) goes through
 * the command line as a quantized TFLite model does, with its own quantization: infer checks it
 * provable, commit, prove and verify succeed, and no calibration is asked for.
 */
class QuantizedOnnxCommandsTest {
  @TempDir Path tmp;

  @Test
  void aQdqModelCommitsProvesAndVerifiesWithoutCalibration() throws Exception {
    Path model = Files.write(tmp.resolve("qdq.onnx"), new QuantizedOnnxModels.Qdq(7).model());
    Path input = tmp.resolve("x.json");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 72; i++)
      json.append(i == 0 ? "" : ", ").append(((i * 37) % 50 - 25) / 10.0);
    Files.writeString(input, json.append("]").toString());
    String[] check = printed("infer", "--model", model.toString(), "--check-provable");
    assertEquals("0", check[0], check[2]);
    assertTrue(check[1].contains("qdq.onnx: provable: every input can be proven"), check[1]);
    Path vk = tmp.resolve("m.vk");
    Path proof = tmp.resolve("m.proof");
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
    String[] v =
        printed(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            input.toString());
    assertEquals("0", v[0], v[2]);
    assertTrue(v[1].contains("valid proof"), v[1]);
  }

  /** Exit code, everything printed (picocli's writer and System.out), and the error output. */
  private static String[] printed(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out));
    try {
      CliRuns.Run r = run(args);
      return new String[] {String.valueOf(r.code()), out + r.out(), r.err()};
    } finally {
      System.setOut(old);
    }
  }
}

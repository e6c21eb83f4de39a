package io.zkaudit.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.Add;
import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.Shared;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TfliteImporterTest {

  @Test
  void mobilenetStructureAndParameters() throws Exception {
    QuantizedModel m =
        TfliteImporter.loadQuantized(Shared.require("models/mobilenet_v2_1.0_224_quant.tflite"));
    ModelDescription d = m.description();
    assertEquals(36, d.layers().stream().filter(l -> l instanceof Conv2D).count());
    assertEquals(17, d.layers().stream().filter(l -> l instanceof DepthwiseConv2D).count());
    assertEquals(10, d.layers().stream().filter(l -> l instanceof Add).count());
    assertEquals(1, d.layers().stream().filter(l -> l instanceof AveragePool).count());
    assertEquals(1, d.layers().stream().filter(l -> l instanceof Reshape).count());
    assertEquals(1, d.layers().stream().filter(l -> l instanceof Softmax).count());
    assertEquals(
        3_489_097,
        m.parameterCount(),
        "weights plus biases: the 3.49M parameters of MobileNet v2 1.0");
    assertEquals(java.util.List.of(1, 224, 224, 3), m.input().shape());
    assertEquals(128, m.input().zeroPoint());
    // the first conv: 3x3 stride 2, SAME on 224 -> total padding 1, all of it after (TFLite puts
    // the odd one after)
    Conv2D first = (Conv2D) d.layers().getFirst();
    assertEquals(2, first.window().strideH());
    assertEquals(0, first.window().padding().top());
    assertEquals(1, first.window().padding().bottom());
    // RELU6 clamp in the output's uint8 domain: [zp, zp + round(6/scale)]
    assertEquals(0, first.requantization().clampMin());
    assertEquals(255, first.requantization().clampMax());
    // the description is hashable and round-trips
    assertEquals(d, ModelDescription.decode(d.encode()));
  }

  @Test
  void resnet8IsPerChannelInt8() throws Exception {
    QuantizedModel m =
        TfliteImporter.loadQuantized(Shared.require("models/resnet8_cifar10_int8.tflite"));
    Conv2D first = (Conv2D) m.description().layers().getFirst();
    assertEquals(16, first.requantization().multipliers().size());
    assertEquals(-128, m.input().zeroPoint());
    FullyConnected fc =
        (FullyConnected)
            m.description().layers().stream()
                .filter(l -> l instanceof FullyConnected)
                .findFirst()
                .orElseThrow();
    assertEquals(1, fc.requantization().multipliers().size());
  }

  @Test
  void truncatedModelsAreRejectedCleanly() throws Exception {
    byte[] bytes = Files.readAllBytes(Shared.require("models/resnet8_cifar10_int8.tflite"));
    for (int n : new int[] {0, 4, 7, 8, 100, 1000, bytes.length / 2, bytes.length - 1000}) {
      byte[] cut = Arrays.copyOf(bytes, n);
      var e =
          assertThrows(
              ModelFormatException.class,
              () -> TfliteImporter.lowerQuantizedForTest(TfliteModel.parse(cut)));
      assertTrue(e.getMessage().length() < 200, e.getMessage());
    }
  }

  @Test
  void randomCorruptionNeverEscapesAsAnotherException() throws Exception {
    byte[] bytes = Files.readAllBytes(Shared.require("models/resnet8_cifar10_int8.tflite"));
    Random rnd = new Random(7);
    int rejected = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] c = bytes.clone();
      // corrupt the flatbuffer metadata region (the end of the file holds tables and vtables)
      for (int k = 0; k < 4; k++)
        c[c.length - 1 - rnd.nextInt(Math.min(c.length, 20_000))] ^= (byte) (1 + rnd.nextInt(255));
      try {
        TfliteImporter.lowerQuantizedForTest(TfliteModel.parse(c));
      } catch (ModelFormatException e) {
        rejected++;
      }
    }
    assertTrue(rejected > 0, "some corruptions must be detected");
  }

  /**
   * ResNet8's final SOFTMAX made a LOGISTIC, TANH or HARD_SWISH (int8 logits to int8 at 1/256, zero
   * point −128): the importer lowers it to a Unary layer of TFLite's kernel for that function over
   * the logits, and the engine's output is the function of the engine's logits rounded once into
   * the output's quantization (an independent formula) but for HARD_SWISH, whose fixed-point kernel
   * may land one step away (TFLite's exact tables: TfliteUnaryReferenceTest).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "14,TFLITE_LOGISTIC",
    "28,TFLITE_TANH",
    "117,TFLITE_HARD_SWISH"
  })
  void elementwiseActivationsBecomeUnaryTables(int opCode, String function) throws Exception {
    byte[] bytes = Files.readAllBytes(Shared.require("models/resnet8_cifar10_int8.tflite"));
    setSoftmaxCode(bytes, opCode);
    QuantizedModel q = TfliteImporter.lowerQuantizedForTest(TfliteModel.parse(bytes));
    ModelDescription d = q.description();
    var u = (io.zkaudit.model.Unary) d.layers().getLast();
    assertEquals(function, u.function().name());
    var in = d.tensor(u.input());
    var out = d.tensor(u.output());
    assertEquals(d.outputs().getFirst(), u.output());
    Random r = new Random(5);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int k = 0; k < 20; k++) {
      int[] x = new int[q.input().size()];
      for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256) - 128;
      int[][] v = new io.zkaudit.engine.IntegerEngine(q).values(x);
      for (int i = 0; i < v[u.output()].length; i++) {
        double real = (double) in.scale() * (v[u.input()][i] - in.zeroPoint());
        double f =
            switch (function) {
              case "TFLITE_LOGISTIC" -> 0.5 * (1 + Math.tanh(real / 2));
              case "TFLITE_TANH" -> Math.tanh(real);
              default -> real * Math.clamp(real + 3, 0.0, 6.0) / 6;
            };
        double scaled = f / (double) out.scale();
        assertTrue(Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-4, "a near tie");
        long expected = Math.clamp(Math.round(scaled) + out.zeroPoint(), -128, 127);
        if (function.equals("TFLITE_HARD_SWISH"))
          assertTrue(Math.abs(expected - v[u.output()][i]) <= 1, function + " output " + i);
        else assertEquals(expected, v[u.output()][i], function + " output " + i);
        seen.add(v[u.output()][i]);
      }
    }
    assertTrue(seen.size() > 5, "outputs " + seen);
  }

  /** Rewrites the operator code of ResNet8's SOFTMAX (both code fields) in place. */
  private static void setSoftmaxCode(byte[] bytes, int opCode) {
    FlatTable model = FlatTable.root(bytes);
    int softmaxCode = -1;
    for (int i = 0; i < model.vectorLength(1); i++) {
      if (model.tableAt(1, i).intField(3, 0) == TfliteOps.SOFTMAX
          || model.tableAt(1, i).byteField(0, 0) == TfliteOps.SOFTMAX) softmaxCode = i;
    }
    FlatTable code = model.tableAt(1, softmaxCode);
    if (code.fieldPosition(3) != 0)
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(code.fieldPosition(3), opCode);
    if (code.fieldPosition(0) != 0) bytes[code.fieldPosition(0)] = (byte) opCode;
  }

  @Test
  void unsupportedOperatorIsNamedWithItsNode() throws Exception {
    byte[] bytes = Files.readAllBytes(Shared.require("models/resnet8_cifar10_int8.tflite"));
    FlatTable model = FlatTable.root(bytes);
    int softmaxCode = -1;
    for (int i = 0; i < model.vectorLength(1); i++) {
      if (model.tableAt(1, i).intField(3, 0) == TfliteOps.SOFTMAX
          || model.tableAt(1, i).byteField(0, 0) == TfliteOps.SOFTMAX) softmaxCode = i;
    }
    FlatTable code = model.tableAt(1, softmaxCode);
    // make SOFTMAX a LEAKY_RELU (98), which the importer does not support (TANH, the operator this
    // test used before, is now a unary table)
    if (code.fieldPosition(3) != 0)
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(code.fieldPosition(3), 98);
    if (code.fieldPosition(0) != 0) bytes[code.fieldPosition(0)] = 98;
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> TfliteImporter.lowerQuantizedForTest(TfliteModel.parse(bytes)));
    assertTrue(
        e.getMessage().contains("LEAKY_RELU") && e.getMessage().contains("#15"), e.getMessage());
  }

  /**
   * Issue 18 (docs/models.md, "Bit-exactness with TensorFlow Lite itself"): a uint8 convolution's
   * and a per-tensor FULLY_CONNECTED's multiplier come from the float32 product of the input and
   * weight scales, as TFLite's GetQuantizedConvolutionMultipler computes them; per-channel int8
   * convolutions stay in double. The first two values are those TFLite computes (the double product
   * gives 1624188629 and 1552512760).
   */
  @Test
  void multipliersAreComputedAsTfliteComputesThem() throws Exception {
    ModelDescription mobilenet =
        TfliteImporter.loadQuantized(Shared.require("models/mobilenet_v2_1.0_224_quant.tflite"))
            .description();
    Conv2D expand =
        mobilenet.layers().stream()
            .filter(l -> l instanceof Conv2D)
            .map(l -> (Conv2D) l)
            .filter(c -> c.name().contains("expanded_conv_8/expand"))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(1624188583), expand.requantization().multipliers());
    assertEquals(List.of(-6), expand.requantization().shifts());
    ModelDescription resnet =
        TfliteImporter.loadQuantized(Shared.require("models/resnet8_cifar10_int8.tflite"))
            .description();
    FullyConnected fc =
        resnet.layers().stream()
            .filter(l -> l instanceof FullyConnected)
            .map(l -> (FullyConnected) l)
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(1552512742), fc.requantization().multipliers());
    // an int8 per-channel convolution: every channel from the double-precision product
    Conv2D first =
        resnet.layers().stream()
            .filter(l -> l instanceof Conv2D)
            .map(l -> (Conv2D) l)
            .findFirst()
            .orElseThrow();
    float in = resnet.tensor(first.input()).scale(), out = resnet.tensor(first.output()).scale();
    List<Float> ws = resnet.tensor(first.weights()).scales();
    for (int c = 0; c < ws.size(); c++) {
      var q = io.zkaudit.model.FixedPoint.quantizeMultiplier((double) in * ws.get(c) / out);
      assertEquals(q.multiplier(), first.requantization().multipliers().get(c), "channel " + c);
    }
  }
}

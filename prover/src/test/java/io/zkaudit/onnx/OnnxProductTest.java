package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Mul;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.inference.Provability;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.SqueezeExciteOnnx;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18's product of two activations: a squeeze-and-excitation block exported as QDQ ONNX
 * ({@link SqueezeExciteOnnx}: conv, GlobalAveragePool, 1×1 conv + Relu as the gate, Mul of the map
 * by the per-channel gate, in either operand order) imports as one MUL of two activations, the
 * engine's product is an independent computation's bit for bit, and it proves, plain and with zero
 * knowledge.
 */
class OnnxProductTest {

  private static QuantizedModel lower(boolean gateFirst) {
    return OnnxImporter.lowerQuantized(
        OnnxImporter.parse(new SqueezeExciteOnnx(5, gateFirst).model()), "se");
  }

  /**
   * The MUL's operands are the conv's [1, 5, 5, 4] map and the gate, [1, 1, 1, 4] (ONNX's [1, 4, 1,
   * 1] stored NHWC). On 20 random inputs, every value of the product equals an independent NCHW
   * computation from the engine's map and gate: (c − z1)(g − zg) scaled by the layer's Q31
   * multiplier in exact decimal arithmetic, rounded half away from zero at 2^-31 and again at the
   * right shift (TFLite's MUL), plus zy and clamped; and it is within one step of the ONNX spec's
   * real product rounded once.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theEngineProductIsAnIndependentComputations(boolean gateFirst) {
    SqueezeExciteOnnx f = new SqueezeExciteOnnx(5, gateFirst);
    QuantizedModel q = lower(gateFirst);
    ModelDescription d = q.description();
    assertEquals(
        "Mul", OnnxQdqImportTest.kinds(d).getLast(), OnnxQdqImportTest.kinds(d).toString());
    Mul mul = (Mul) d.layers().getLast();
    int map = OnnxQdqImportTest.tensorId(d, "c_q");
    int gate = OnnxQdqImportTest.tensorId(d, "g_q");
    assertEquals(gateFirst ? List.of(gate, map) : List.of(map, gate), mul.inputs());
    assertEquals(List.of(1, 1, 1, 4), d.tensor(gate).shape());
    assertEquals(List.of(1, 5, 5, 4), d.tensor(map).shape());
    IntegerEngine engine = new IntegerEngine(q);
    Random r = new Random(11);
    int offByOne = 0, values = 0, distinct = 0;
    for (int k = 0; k < 20; k++) {
      int[] x = QuantizedOnnxModels.ints(r, 3 * 25, 0, 255);
      int[][] v = engine.values(OnnxQdqImportTest.toNhwc(x, new int[] {1, 3, 5, 5}));
      int[] c = OnnxQdqImportTest.toNchw(v[map], new int[] {1, 4, 5, 5});
      int[] g = v[gate];
      int[] y = OnnxQdqImportTest.toNchw(v[mul.output()], new int[] {1, 4, 5, 5});
      for (int ch = 0; ch < 4; ch++) {
        for (int i = 0; i < 25; i++) {
          int at = ch * 25 + i;
          long product = (long) (c[at] - f.z1) * (g[ch] - f.zg);
          assertEquals(
              reference(product, mul.outMultiplier(), mul.outShift(), f.zy), y[at], "value " + at);
          double real = (double) f.s1 * (c[at] - f.z1) * f.sg * (g[ch] - f.zg) / f.sy;
          long spec = Math.clamp(Math.round(real) + f.zy, 0, 255);
          assertTrue(Math.abs(spec - y[at]) <= 1, "the spec's " + spec + ", engine's " + y[at]);
          offByOne += spec != y[at] ? 1 : 0;
          values++;
          distinct += y[at] != f.zy ? 1 : 0;
        }
      }
    }
    assertTrue(offByOne * 20 < values, offByOne + " of " + values + " off by one from the spec");
    System.out.println(
        "SE product: "
            + distinct
            + " of "
            + values
            + " values nonzero, "
            + offByOne
            + " off by one from the spec");
    assertTrue(distinct * 2 > values, "the product is mostly zero: a weak fixture");
  }

  /**
   * TFLite's MUL requantization, written from its definition rather than from {@link
   * io.zkaudit.model.FixedPoint}: p·2^left·m / 2^31 rounded half away from zero, divided by 2^right
   * rounded half away from zero, plus the zero point, clamped to uint8.
   */
  private static long reference(long product, int multiplier, int shift, int zeroPoint) {
    BigDecimal scaled =
        BigDecimal.valueOf(product)
            .multiply(BigDecimal.valueOf(2).pow(Math.max(shift, 0)))
            .multiply(BigDecimal.valueOf(multiplier))
            .divide(BigDecimal.valueOf(2).pow(31))
            .setScale(0, RoundingMode.HALF_UP);
    BigDecimal shifted =
        new BigDecimal(scaled.toBigInteger())
            .divide(BigDecimal.valueOf(2).pow(Math.max(-shift, 0)))
            .setScale(0, RoundingMode.HALF_UP);
    return Math.clamp(shifted.longValueExact() + zeroPoint, 0, 255);
  }

  /**
   * The block is provable; committed, it proves plain and with zero knowledge, each proof verifies
   * with the engine's output (which differs between the inputs), and a proof does not verify for
   * the other input.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theBlockProvesPlainAndWithZeroKnowledge(boolean gateFirst) throws Exception {
    QuantizedModel q = lower(gateFirst);
    Provability p = Provability.of(q);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(q);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    Random r = new Random(17);
    int[][] inputs = {
      QuantizedOnnxModels.ints(r, q.input().size(), 0, 255),
      QuantizedOnnxModels.ints(r, q.input().size(), 0, 255)
    };
    for (boolean zk : new boolean[] {false, true}) {
      int[][] outputs = new int[2][];
      ModelProof first = null;
      for (int k = 0; k < 2; k++) {
        ModelProof proof = ModelProver.prove(cm, inputs[k], ProgressListener.NONE, zk);
        assertEquals(zk, proof.zeroKnowledge());
        outputs[k] = verifier.verify(ModelProof.decode(proof.encode()), inputs[k]);
        assertArrayEquals(new IntegerEngine(q).infer(inputs[k]), outputs[k], "zk " + zk);
        if (k == 0) first = proof;
      }
      assertFalse(Arrays.equals(outputs[0], outputs[1]), "the outputs do not depend on the input");
      ModelProof proofOfFirst = first;
      assertThrows(InvalidProofException.class, () -> verifier.verify(proofOfFirst, inputs[1]));
    }
  }
}

package io.zkaudit.onnx;

import static io.zkaudit.testutil.OnnxWriter.attrFloat;
import static io.zkaudit.testutil.OnnxWriter.attrInt;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.testutil.OnnxWriter.Proto;
import org.junit.jupiter.api.Test;

/**
 * ONNX files written byte by byte, for the encodings PyTorch's exporter does not use: weights in
 * float_data (packed and unpacked), dims unpacked, Gemm with transB 0 and alpha/beta, Clip with
 * attributes (opset 6), a symbolic batch dimension.
 */
class HandBuiltOnnxTest {
  /**
   * x [batch, 3] → Gemm(alpha 2, beta 0.5, B [3,2] not transposed, C [2]) → Clip(min 0, max 5)
   * (opset 6 attributes).
   */
  static byte[] gemmClipModel() {
    // B = [[1,2],[3,4],[5,6]] in float_data, unpacked: one fixed32 field per value; dims unpacked
    Proto b = new Proto().varint(1, 3).varint(1, 2).varint(2, 1).string(8, "B");
    for (float f : new float[] {1, 2, 3, 4, 5, 6}) b.fixed32(4, f);
    Proto c = new Proto().varint(1, 2).varint(2, 1).string(8, "C").packedFloats(4, 1f, -20f);
    Proto gemm =
        new Proto()
            .string(1, "x")
            .string(1, "B")
            .string(1, "C")
            .string(2, "y")
            .string(3, "fc")
            .string(4, "Gemm")
            .message(5, attrFloat("alpha", 2f))
            .message(5, attrFloat("beta", 0.5f))
            .message(5, attrInt("transB", 0));
    Proto clip =
        new Proto()
            .string(1, "y")
            .string(2, "z")
            .string(3, "clip")
            .string(4, "Clip")
            .message(5, attrFloat("min", 0f))
            .message(5, attrFloat("max", 5f));
    Proto graph =
        new Proto()
            .message(1, gemm)
            .message(1, clip)
            .string(2, "g")
            .message(5, b)
            .message(5, c)
            .message(11, valueInfo("x", "batch", 3))
            .message(12, valueInfo("z", "batch", 2));
    return new Proto()
        .varint(1, 3)
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 6))
        .bytes();
  }

  @Test
  void readsFloatDataUnpackedDimsAndOpset6Clip() {
    FloatModel m = OnnxImporter.lower(OnnxImporter.parse(gemmClipModel()), "hand");
    assertArrayEquals(new int[] {1, 3}, m.input().shape()); // symbolic batch -> 1
    assertEquals(1, m.ops().size(), "the Clip fuses into the Gemm");
    float[] y = new FloatEngine(m).values(new float[] {1, 0, 1})[m.outputs().getFirst()];
    // x·B = [6, 8]; 2·[6, 8] + 0.5·[1, -20] = [12.5, 6]; clipped to [0, 5]
    assertArrayEquals(new float[] {5f, 5f}, y);
    float[] z = new FloatEngine(m).values(new float[] {0, 0, 0.25f})[m.outputs().getFirst()];
    // x·B = [1.25, 1.5]; 2·x·B + [0.5, -10] = [3, -7] -> [3, 0]
    assertArrayEquals(new float[] {3f, 0f}, z);
  }

  @Test
  void missingWeightsAndUnknownInputsAreNamed() {
    Proto relu = new Proto().string(1, "nowhere").string(2, "y").string(3, "r").string(4, "Relu");
    Proto graph =
        new Proto()
            .message(1, relu)
            .message(11, valueInfo("x", 1, 4))
            .message(12, valueInfo("y", 1, 4));
    byte[] model = new Proto().message(7, graph).message(8, new Proto().varint(2, 13)).bytes();
    var e =
        assertThrows(
            ModelFormatException.class, () -> OnnxImporter.lower(OnnxImporter.parse(model), "t"));
    assertTrue(
        e.getMessage().contains("'r'") && e.getMessage().contains("nowhere"), e.getMessage());
    var noGraph =
        assertThrows(
            ModelFormatException.class, () -> OnnxImporter.parse(new Proto().varint(1, 7).bytes()));
    assertTrue(noGraph.getMessage().contains("no graph"), noGraph.getMessage());
  }
}

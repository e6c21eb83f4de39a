package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.onnx.OnnxModel.Attribute;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import io.zkaudit.onnx.OnnxShapes.Bounds;
import io.zkaudit.onnx.OnnxShapes.Layout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces both ONNX importers share: Clip's bounds by opset, and the activation layouts. */
class OnnxShapesTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  private static Node clip(List<String> inputs, Map<String, Attribute> attributes) {
    return new Node("clip", "Clip", "", inputs, List.of("y"), attributes);
  }

  private static Attribute floatAttr(String name, float f) {
    return new Attribute(name, 1, f, 0, null, null, null, null);
  }

  private static final Map<String, Tensor> CONSTANTS =
      Map.of(
          "lo", new Tensor("lo", new long[0], Tensor.FLOAT, new double[] {-1.5}),
          "hi", new Tensor("hi", new long[0], Tensor.FLOAT, new double[] {6}),
          "two", new Tensor("two", new long[] {2}, Tensor.FLOAT, new double[] {0, 1}));

  private static Tensor constant(Node n, int i) {
    return CONSTANTS.get(n.inputs().get(i));
  }

  @Test
  void opsetsBefore11TakeClipBoundsFromAttributes() {
    Node n = clip(List.of("x"), Map.of("min", floatAttr("min", 0), "max", floatAttr("max", 6)));
    assertEquals(new Bounds(0, 6), OnnxShapes.clipBounds(n, 6, OnnxShapesTest::constant));
    // Without attributes: the float range (opset 6's defaults), not infinity.
    assertEquals(
        new Bounds(-Float.MAX_VALUE, Float.MAX_VALUE),
        OnnxShapes.clipBounds(clip(List.of("x"), Map.of()), 6, OnnxShapesTest::constant));
  }

  @Test
  void opset11AndLaterTakeClipBoundsFromOptionalInputs() {
    assertEquals(
        new Bounds(-1.5f, 6),
        OnnxShapes.clipBounds(
            clip(List.of("x", "lo", "hi"), Map.of()), 13, OnnxShapesTest::constant));
    assertEquals(
        new Bounds(-INF, 6),
        OnnxShapes.clipBounds(
            clip(List.of("x", "", "hi"), Map.of()), 13, OnnxShapesTest::constant));
    assertEquals(
        new Bounds(-1.5f, INF),
        OnnxShapes.clipBounds(clip(List.of("x", "lo"), Map.of()), 11, OnnxShapesTest::constant));
    // Attributes are not read from opset 11 on.
    Node withAttributes =
        clip(List.of("x"), Map.of("min", floatAttr("min", 0), "max", floatAttr("max", 6)));
    assertEquals(
        new Bounds(-INF, INF), OnnxShapes.clipBounds(withAttributes, 11, OnnxShapesTest::constant));
    ModelFormatException e =
        assertThrows(
            ModelFormatException.class,
            () ->
                OnnxShapes.clipBounds(
                    clip(List.of("x", "two"), Map.of()), 13, OnnxShapesTest::constant));
    assertEquals("unsupported ONNX Clip with a non-scalar input 1 at node 'clip'", e.getMessage());
  }

  @Test
  void rank4ActivationsAreStoredNhwc() {
    int[] nchw = {1, 3, 8, 5};
    assertEquals(Layout.NHWC, Layout.of(nchw));
    assertEquals(Layout.PLAIN, Layout.of(new int[] {1, 10}));
    assertArrayEquals(new int[] {1, 8, 5, 3}, Layout.NHWC.storedShape(nchw));
    assertArrayEquals(nchw, Layout.PLAIN.storedShape(nchw));
    assertEquals(3, OnnxShapes.storedAxis(1, Layout.NHWC));
    assertEquals(1, OnnxShapes.storedAxis(2, Layout.NHWC));
    assertEquals(1, OnnxShapes.storedAxis(1, Layout.PLAIN));
  }
}

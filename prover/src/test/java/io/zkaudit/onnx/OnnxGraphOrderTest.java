package io.zkaudit.onnx;

import static io.zkaudit.testutil.OnnxWriter.attrInt;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.floats;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.testutil.OnnxWriter;
import io.zkaudit.testutil.OnnxWriter.Proto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Graphs as editors leave them: nodes out of order, Identity nodes, cycles and unknown operators.
 */
class OnnxGraphOrderTest {
  private static final float[] W1 = {0.5f, -1f, 0.25f, 1f, -0.5f, 0.75f};
  private static final float[] W2 = {1f, -1f, 0.5f, 0.25f, 2f, -0.75f};

  /**
   * input [1,2,4,4] → Conv 1x1 (3) → Relu → GlobalAveragePool → Flatten → Gemm (2); the output name
   * given.
   */
  private static OnnxWriter.Graph graph(String output) {
    return new OnnxWriter.Graph(valueInfo("input", 1, 2, 4, 4), valueInfo(output, 1, 2))
        .initializer(floats("w1", new int[] {3, 2, 1, 1}, W1))
        .initializer(floats("b1", new int[] {3}, 0.1f, -0.2f, 0.3f))
        .initializer(floats("w2", new int[] {2, 3}, W2))
        .initializer(floats("b2", new int[] {2}, 0.5f, -0.5f))
        .node(
            node(
                "Conv",
                "conv",
                List.of("input", "w1", "b1"),
                List.of("c"),
                attrInts("kernel_shape", 1, 1)))
        .node(node("Relu", "relu", List.of("c"), List.of("r")))
        .node(node("GlobalAveragePool", "gap", List.of("r"), List.of("p")))
        .node(node("Flatten", "flatten", List.of("p"), List.of("f"), attrInt("axis", 1)));
  }

  private static OnnxWriter.Graph model() {
    return graph("logits")
        .node(
            node("Gemm", "fc", List.of("f", "w2", "b2"), List.of("logits"), attrInt("transB", 1)));
  }

  private static FloatModel lower(byte[] bytes) {
    return OnnxImporter.lower(OnnxImporter.parse(bytes), "t");
  }

  private static float[] run(FloatModel m) {
    float[] x = new float[32];
    for (int i = 0; i < x.length; i++) x[i] = (i * 7 % 11 - 5) / 5f;
    return new FloatEngine(m).values(x)[m.outputs().getFirst()];
  }

  @Test
  void nodesInAnyOrderImportAsSorted() {
    OnnxWriter.Graph g = model();
    FloatModel sorted = lower(g.model(13));
    List<Proto> reversed = new ArrayList<>(g.nodes());
    Collections.reverse(reversed);
    FloatModel fromReversed = lower(g.model(13, reversed));
    List<Proto> shuffled =
        List.of(
            g.nodes().get(2),
            g.nodes().get(4),
            g.nodes().get(0),
            g.nodes().get(3),
            g.nodes().get(1));
    FloatModel fromShuffled = lower(g.model(13, shuffled));
    assertEquals(sorted.ops().size(), fromReversed.ops().size());
    assertArrayEquals(run(sorted), run(fromReversed));
    assertArrayEquals(run(sorted), run(fromShuffled));
  }

  /**
   * Identity between layers, on the graph output, and of a weight (PyTorch's shared weights)
   * changes nothing.
   */
  @Test
  void identityNodesPassValuesThrough() {
    FloatModel plain = lower(model().model(13));
    OnnxWriter.Graph g =
        new OnnxWriter.Graph(valueInfo("input", 1, 2, 4, 4), valueInfo("out", 1, 2))
            .initializer(floats("w1", new int[] {3, 2, 1, 1}, W1))
            .initializer(floats("b1", new int[] {3}, 0.1f, -0.2f, 0.3f))
            .initializer(floats("w2", new int[] {2, 3}, W2))
            .initializer(floats("b2", new int[] {2}, 0.5f, -0.5f))
            .node(node("Identity", "id_out", List.of("logits"), List.of("out")))
            .node(node("Identity", "id_w", List.of("w1"), List.of("w1_shared")))
            .node(
                node(
                    "Conv",
                    "conv",
                    List.of("input", "w1_shared", "b1"),
                    List.of("c"),
                    attrInts("kernel_shape", 1, 1)))
            .node(node("Identity", "id_c", List.of("c"), List.of("c2")))
            .node(node("Relu", "relu", List.of("c2"), List.of("r")))
            .node(node("GlobalAveragePool", "gap", List.of("r"), List.of("p")))
            .node(node("Flatten", "flatten", List.of("p"), List.of("f"), attrInt("axis", 1)))
            .node(
                node(
                    "Gemm",
                    "fc",
                    List.of("f", "w2", "b2"),
                    List.of("logits"),
                    attrInt("transB", 1)));
    FloatModel withIdentities = lower(g.model(13));
    assertEquals(plain.ops().size(), withIdentities.ops().size(), "an Identity adds no op");
    assertArrayEquals(run(plain), run(withIdentities));
  }

  @Test
  void aCycleIsRefusedNamingItsNodes() {
    OnnxWriter.Graph g =
        graph("logits")
            .node(node("Add", "loop_a", List.of("f", "loop_b_out"), List.of("loop_a_out")))
            .node(node("Relu", "loop_b", List.of("loop_a_out"), List.of("loop_b_out")))
            .node(
                node(
                    "Gemm",
                    "fc",
                    List.of("loop_b_out", "w2", "b2"),
                    List.of("logits"),
                    attrInt("transB", 1)));
    var e = assertThrows(ModelFormatException.class, () -> lower(g.model(13)));
    assertEquals(
        "ONNX graph has a cycle: 'loop_a' <- 'loop_b' <- 'loop_a' (each reads the next one's"
            + " output)",
        e.getMessage());
    OnnxWriter.Graph self =
        graph("logits").node(node("Relu", "self", List.of("logits"), List.of("logits")));
    var s = assertThrows(ModelFormatException.class, () -> lower(self.model(13)));
    assertEquals(
        "ONNX graph has a cycle: 'self' <- 'self' (each reads the next one's output)",
        s.getMessage());
  }

  @Test
  void unsupportedOperatorsAndDuplicateOutputsAreOneLineNamingTheNode() {
    OnnxWriter.Graph g =
        graph("logits").node(node("Sigmoid", "squash", List.of("f"), List.of("logits")));
    var e = assertThrows(ModelFormatException.class, () -> lower(g.model(13)));
    assertEquals("unsupported ONNX operator Sigmoid at node 'squash'", e.getMessage());
    OnnxWriter.Graph twice = model().node(node("Relu", "again", List.of("f"), List.of("r")));
    var d = assertThrows(ModelFormatException.class, () -> lower(twice.model(13)));
    assertEquals("ONNX value r is computed by two nodes, 'relu' and 'again'", d.getMessage());
  }
}

package io.zkaudit.onnx;

import static io.zkaudit.testutil.OnnxWriter.attrInt;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.floats;
import static io.zkaudit.testutil.OnnxWriter.integers;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.OnnxWriter.Graph;
import io.zkaudit.testutil.OnnxWriter.Proto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX's own conformance cases for QLinearConv and QLinearMatMul (Debian's libonnx-testdata; the
 * expected outputs are the ONNX reference implementation's): each case's single node, with its
 * integer input made the output of a QuantizeLinear of a float model input (the only form a
 * quantized model's input takes here) and its other inputs made initializers, imports, and the
 * integer engine's output equals ONNX's expected output exactly. Skipped when the package is
 * absent.
 */
class OnnxQdqConformanceTest {
  private static final Path NODE = Path.of("/usr/share/libonnx-testdata/data/node");

  @ParameterizedTest
  @ValueSource(strings = {"test_qlinearconv", "test_qlinearmatmul_2D"})
  void theEngineComputesOnnxsExpectedOutput(String name) throws Exception {
    Path dir = NODE.resolve(name);
    Assumptions.assumeTrue(
        Files.isDirectory(dir),
        "skipped: install Debian's libonnx-testdata for ONNX's conformance cases");
    OnnxModel m = OnnxImporter.parse(Files.readAllBytes(dir.resolve("model.onnx")));
    assertEquals(1, m.graph().nodes().size());
    Node op = m.graph().nodes().getFirst();
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < m.graph().inputs().size(); i++) {
      inputs.add(
          OnnxModel.parseTensor(
              Files.readAllBytes(dir.resolve("test_data_set_0/input_" + i + ".pb"))));
    }
    Tensor expected =
        OnnxModel.parseTensor(Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb")));
    Tensor x = inputs.getFirst();
    String xName = m.graph().inputs().getFirst().name(), yName = op.outputs().getFirst();
    // inputs 1 and 2 of both operators are the first operand's scale and zero point; the last two
    // the output's
    int n = op.inputs().size();
    Object[] xDims = java.util.Arrays.stream(x.dims()).mapToObj(d -> (Object) (int) d).toArray();
    Object[] yDims =
        java.util.Arrays.stream(expected.dims()).mapToObj(d -> (Object) (int) d).toArray();
    Graph g = new Graph(valueInfo("real input", xDims), valueInfo("real output", yDims));
    for (int i = 1; i < inputs.size(); i++)
      g.initializer(initializer(m.graph().inputs().get(i).name(), inputs.get(i)));
    g.node(
        node(
            "QuantizeLinear",
            "quantize",
            List.of("real input", op.inputs().get(1), op.inputs().get(2)),
            List.of(xName)));
    Proto[] attributes =
        op.attributes().values().stream()
            .map(a -> a.type() == 7 ? attrInts(a.name(), a.ints()) : attrInt(a.name(), a.i()))
            .toArray(Proto[]::new);
    g.node(node(op.opType(), op.name(), op.inputs(), op.outputs(), attributes));
    g.node(
        node(
            "DequantizeLinear",
            "dequantize",
            List.of(yName, op.inputs().get(n - 2), op.inputs().get(n - 1)),
            List.of("real output")));
    QuantizedModel q = OnnxImporter.lowerQuantized(OnnxImporter.parse(g.model(13)), name);
    int[] in = ints(x), want = ints(expected);
    if (x.dims().length == 4) {
      int[] nchw = java.util.Arrays.stream(x.dims()).mapToInt(d -> (int) d).toArray();
      in = OnnxQdqImportTest.toNhwc(in, nchw);
    }
    int[] got = new IntegerEngine(q).infer(in);
    if (expected.dims().length == 4)
      got =
          OnnxQdqImportTest.toNchw(
              got, java.util.Arrays.stream(expected.dims()).mapToInt(d -> (int) d).toArray());
    assertArrayEquals(want, got, name);
  }

  private static Proto initializer(String name, Tensor t) {
    int[] dims = java.util.Arrays.stream(t.dims()).mapToInt(d -> (int) d).toArray();
    return t.dataType() == Tensor.FLOAT
        ? floats(name, dims, t.floats())
        : integers(name, t.dataType(), dims, ints(t));
  }

  private static int[] ints(Tensor t) {
    return java.util.Arrays.stream(t.values()).mapToInt(v -> (int) v).toArray();
  }
}

package io.zkaudit.onnx;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.onnx.OnnxModel.Graph;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import io.zkaudit.onnx.OnnxModel.ValueInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What both ONNX importers (float and quantized) read off a graph before lowering its nodes: the
 * initializers by name (the importers add the constants they fold), how many nodes and graph
 * outputs read each value (a value read once can be fused into its reader), and the graph's data
 * inputs with fixed shapes.
 */
final class GraphIndex {
  final Map<String, Tensor> constants = new HashMap<>();
  final Map<String, Integer> uses = new HashMap<>();
  final Set<String> graphOutputs = new HashSet<>();
  private final Graph graph;

  GraphIndex(Graph graph) {
    this.graph = graph;
    for (Tensor t : graph.initializers()) constants.put(t.name(), t);
    for (Node n : graph.nodes()) for (String in : n.inputs()) uses.merge(in, 1, Integer::sum);
    for (var o : graph.outputs()) {
      graphOutputs.add(o.name());
      uses.merge(o.name(), 1, Integer::sum);
    }
  }

  /**
   * The graph inputs that are data, not initializers (old exporters list initializers as inputs
   * too).
   */
  List<ValueInfo> dataInputs() {
    return graph.inputs().stream().filter(in -> !constants.containsKey(in.name())).toList();
  }

  /** Whether exactly one node reads the value and it is not a graph output. */
  boolean readOnce(String name) {
    return uses.getOrDefault(name, 0) == 1 && !graphOutputs.contains(name);
  }

  /**
   * A data input's shape, a symbolic (batch) dimension taken as 1; an input without a shape is
   * refused.
   */
  static int[] fixedShape(ValueInfo in) {
    if (in.shape().length == 0) {
      throw new ModelFormatException(
          "ONNX input " + in.name() + " has no shape; export the model with a fixed input shape");
    }
    int[] shape = new int[in.shape().length];
    for (int i = 0; i < shape.length; i++) shape[i] = in.shape()[i] > 0 ? (int) in.shape()[i] : 1;
    return shape;
  }
}

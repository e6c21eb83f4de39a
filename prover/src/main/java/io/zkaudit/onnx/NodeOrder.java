package io.zkaudit.onnx;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.onnx.OnnxModel.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The nodes of an ONNX graph in an order where each comes after the nodes whose outputs it reads.
 * ONNX requires files to be sorted so, but not every exporter or graph editor keeps to it; the
 * importer lowers nodes one by one and needs it. Among the nodes ready at a time the file's order
 * is kept, so a sorted file is lowered exactly as written. A cycle is refused, naming its nodes.
 */
final class NodeOrder {
  private NodeOrder() {}

  static List<Node> topological(List<Node> nodes) {
    int n = nodes.size();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (String out : nodes.get(i).outputs()) {
        if (out.isEmpty()) continue; // an omitted optional output
        Integer other = producer.putIfAbsent(out, i);
        if (other != null) {
          throw new ModelFormatException(
              "ONNX value "
                  + out
                  + " is computed by two nodes, "
                  + nodes.get(other).label()
                  + " and "
                  + nodes.get(i).label());
        }
      }
    }
    // Inputs no node computes (graph inputs, initializers, or missing: the importer names those)
    // wait for nothing.
    int[] waiting = new int[n];
    List<List<Integer>> readers = new ArrayList<>();
    for (int i = 0; i < n; i++) readers.add(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      for (String in : new LinkedHashSet<>(nodes.get(i).inputs())) {
        Integer p = producer.get(in);
        if (p != null) {
          waiting[i]++;
          readers.get(p).add(i);
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (waiting[i] == 0) ready.add(i);
    }
    List<Node> order = new ArrayList<>(n);
    boolean[] placed = new boolean[n];
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      placed[i] = true;
      for (int r : readers.get(i)) {
        if (--waiting[r] == 0) ready.add(r);
      }
    }
    if (order.size() < n) {
      throw new ModelFormatException("ONNX graph has a cycle: " + cycle(nodes, producer, placed));
    }
    return order;
  }

  /**
   * One cycle among the unplaced nodes, as "'a' <- 'b' <- 'a' (each reads the next one's output)".
   */
  private static String cycle(List<Node> nodes, Map<String, Integer> producer, boolean[] placed) {
    int start = 0;
    while (placed[start]) start++;
    List<Integer> path = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    int at = start;
    // Every unplaced node reads an output of another unplaced node: walking back along such reads
    // must come round to a node already on the path.
    while (seen.add(at)) {
      path.add(at);
      int next = -1;
      for (String in : nodes.get(at).inputs()) {
        Integer p = producer.get(in);
        if (p != null && !placed[p]) {
          next = p;
          break;
        }
      }
      at = next;
    }
    List<String> labels = new ArrayList<>();
    for (int k = path.indexOf(at); k < path.size(); k++) labels.add(nodes.get(path.get(k)).label());
    labels.add(nodes.get(at).label());
    return String.join(" <- ", labels) + " (each reads the next one's output)";
  }
}

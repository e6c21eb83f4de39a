package io.zkaudit.layers;

import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which layer writes and which layers read each tensor of a model description. Computed once per
 * circuit, so that looking through data movement ({@link FoldedInput}) stays linear in the size of
 * a description, which may be hostile.
 */
public record Dataflow(Map<Integer, Layer> producers, Map<Integer, List<Layer>> readers) {

  /** No producers and no readers: for layers that look through nothing (pools, means). */
  public static final Dataflow NONE = new Dataflow(Map.of(), Map.of());

  public Dataflow {
    producers = Map.copyOf(producers);
    readers = Map.copyOf(readers);
  }

  public static Dataflow of(ModelDescription model) {
    Map<Integer, Layer> producers = new HashMap<>();
    Map<Integer, List<Layer>> readers = new HashMap<>();
    for (Layer l : model.layers()) {
      producers.put(l.output(), l);
      for (int in : l.inputs().stream().distinct().toList()) {
        readers.computeIfAbsent(in, k -> new ArrayList<>()).add(l);
      }
    }
    readers.replaceAll((k, v) -> List.copyOf(v));
    return new Dataflow(producers, readers);
  }

  /** The layer that writes {@code tensor}, or null for a model input or a constant. */
  public Layer producer(int tensor) {
    return producers.get(tensor);
  }

  /** The layers that read {@code tensor}, in execution order. */
  public List<Layer> readers(int tensor) {
    return readers.getOrDefault(tensor, List.of());
  }
}

package io.zkaudit.cli;

import io.zkaudit.data.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Class names for printing: a given file, else the shared ImageNet/CIFAR-10/MNIST names by output
 * size.
 */
final class Labels {
  private Labels() {}

  static List<String> forOutput(int classes, Path file, String modelName) throws IOException {
    if (file != null) return Files.readAllLines(file);
    if (classes == 1001) {
      var p = SharedData.resolve("data/imagenet-sample/imagenet_labels_1001.txt");
      if (p.isPresent()) return Files.readAllLines(p.get());
    }
    if (classes == 10 && modelName.toLowerCase(java.util.Locale.ROOT).contains("cifar")) {
      var p = SharedData.resolve("data/cifar10/batches.meta.txt");
      if (p.isPresent())
        return Files.readAllLines(p.get()).stream().filter(s -> !s.isBlank()).toList();
    }
    if (classes == 10) return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    return List.of();
  }

  static String name(List<String> labels, int index) {
    return index < labels.size() ? labels.get(index) : "class " + index;
  }
}

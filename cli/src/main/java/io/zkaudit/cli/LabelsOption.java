package io.zkaudit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --labels FILE}: the class names a command prints its top classes with. */
final class LabelsOption {
  @Option(names = "--labels", paramLabel = "<labels>", description = "class names, one per line")
  Path file;

  /** The names of a model's {@code classes} outputs (see {@link Labels#forOutput}). */
  List<String> forOutput(int classes, String modelName) throws IOException {
    return Labels.forOutput(classes, file, modelName);
  }
}

package io.zkaudit.cli;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.AuditDatasets;
import io.zkaudit.protocols.buyer.AuditClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The labelled samples an accuracy proof is about, shared by {@code zkaudit audit prove} and {@code
 * audit verify} so that both read them alike: a test set by name or folder ({@code --dataset},
 * {@code --samples}, as {@code buyer audit} takes it, {@link AuditDatasets}), or input files in the
 * order of {@code --inputs} (as {@code prove --batch}) with {@code --sample-labels} FILE holding
 * one label per input. A label is the dataset's; the class the proof compares it with is label +
 * offset ({@code --label-offset}: 1 for ImageNet labels on a 1001-class model).
 */
final class LabelledSamplesOption {
  @Option(
      names = "--dataset",
      description =
          "cifar10, mnist, imagenet or a directory <dir>/<class index>/<image>; instead of"
              + " --inputs")
  String dataset;

  @Option(
      names = "--samples",
      defaultValue = "16",
      description =
          "with --dataset: test samples (CIFAR-10: evenly spaced over its classes; others: the"
              + " first N) (default ${DEFAULT-VALUE})")
  int samples;

  @Option(
      names = "--inputs",
      arity = "1..*",
      description =
          "instead of --dataset: the inputs (image or tensor files, or directories whose files"
              + " are taken in name order)")
  List<Path> inputs;

  @Option(
      names = "--sample-labels",
      description =
          "with --inputs: a text file of one integer label per input, in order (whitespace or"
              + " comma separated)")
  Path labels;

  @Option(
      names = "--label-offset",
      description =
          "predicted class = argmax - offset (default: 1 for ImageNet on a 1001-class model, else"
              + " 0)")
  Integer labelOffset;

  /** The samples as model inputs and the class index each must be predicted as. */
  record Labelled(String source, List<int[]> inputs, int[] classes) {}

  /** Whether any sample option was given (a test-set proof takes none: its samples are in T). */
  boolean given() {
    return dataset != null || inputs != null || labels != null || labelOffset != null;
  }

  Labelled load(TensorSpec input, int classes) {
    return load(input, classes, java.util.Optional.empty());
  }

  /**
   * The samples with images encoded by {@code normalization} (the options' or the model's
   * metadata's, as the model was committed with; empty: the input quantization's range), as {@code
   * prove}, {@code verify} and {@code eval} encode them.
   */
  Labelled load(
      TensorSpec input,
      int classes,
      java.util.Optional<InputNormalizationOption.Chosen> normalization) {
    if ((dataset == null) == (inputs == null)) {
      throw CliException.usage(
          "give --dataset NAME|DIR or --inputs FILES with --sample-labels, not both");
    }
    if (labelOffset != null && labelOffset < 0) {
      throw CliException.usage("--label-offset must be 0 or more");
    }
    List<int[]> xs = new ArrayList<>();
    int[] ys;
    int offset;
    String source;
    if (dataset != null) {
      if (labels != null) {
        throw CliException.usage(
            "--sample-labels goes with --inputs; a --dataset has its own labels");
      }
      AuditDatasets.TestSet set;
      try {
        set =
            AuditDatasets.load(
                dataset,
                samples,
                input,
                classes,
                normalization
                    .<io.zkaudit.data.InputNormalization>map(InputNormalizationOption.Chosen::value)
                    .orElse(io.zkaudit.data.PixelRange.of(input)));
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
      ys = new int[set.samples().size()];
      for (int b = 0; b < ys.length; b++) {
        AuditClient.LabelledInput s = set.samples().get(b);
        xs.add(s.input());
        ys[b] = s.label();
      }
      offset = labelOffset != null ? labelOffset : set.labelOffset();
      source = set.name();
    } else {
      if (labels == null) {
        throw CliException.usage("--inputs needs --sample-labels FILE (one label per input)");
      }
      List<Path> files = ProofInputs.batchFiles(inputs);
      for (Path f : files) {
        xs.add(ProofInputs.read(f, input, normalization));
      }
      ys = readLabels(labels);
      if (ys.length != files.size()) {
        throw CliException.usage(
            labels + " has " + ys.length + " labels for " + files.size() + " inputs");
      }
      offset = labelOffset != null ? labelOffset : 0;
      source = files.size() + " input files";
    }
    int[] cls = new int[ys.length];
    for (int b = 0; b < ys.length; b++) {
      cls[b] = ys[b] + offset;
      if (cls[b] < 0 || cls[b] >= classes) {
        throw CliException.usage(
            "sample "
                + b
                + ": label "
                + ys[b]
                + " + offset "
                + offset
                + " is not one of the model's "
                + classes
                + " classes");
      }
    }
    return new Labelled(source, xs, cls);
  }

  private static int[] readLabels(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw CliException.usage("cannot read labels " + file);
    }
    String[] parts = text.trim().split("[\\s,]+");
    if (parts.length == 1 && parts[0].isEmpty()) {
      return new int[0];
    }
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw CliException.usage(
            file + ": label " + (i + 1) + " '" + parts[i] + "' is not a number");
      }
    }
    return out;
  }
}

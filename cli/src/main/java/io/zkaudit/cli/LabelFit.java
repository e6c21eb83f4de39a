package io.zkaudit.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a model's outputs can match a labelled dataset's labels under a label offset (predicted
 * class = argmax - offset), checked before an evaluation or an audit scores anything: a 1001-class
 * model (background at output 0) on 1000 labels without offset 1 is one class off on every sample,
 * a 2-class model on 1000 labels cannot be right on most; both would otherwise score quietly near
 * zero (and an audit would end in a FAILED verdict both parties sign).
 *
 * @param outputs the model's class scores (its logits' size)
 * @param labelClasses the dataset's number of classes, or its largest label + 1 where the set of
 *     classes is not known (a directory of class folders)
 * @param exact whether labelClasses is the dataset's class count (not a bound from the labels seen)
 * @param offset the label offset in use
 */
record LabelFit(int outputs, int labelClasses, boolean exact, int offset) {

  /** The warnings, one line each; none when outputs and labels fit. */
  List<String> warnings() {
    List<String> w = new ArrayList<>();
    String labels = exact ? labelClasses + " classes" : "labels up to " + (labelClasses - 1);
    if (labelClasses + offset > outputs) {
      int reachable = Math.max(0, outputs - offset);
      w.add(
          "the model has "
              + outputs
              + " outputs but the dataset has "
              + labels
              + (offset > 0 ? " (label offset " + offset + ")" : "")
              + ": samples of class "
              + reachable
              + " and above can never be predicted right; is this the model for this dataset?");
    } else if (outputs == labelClasses + 1 && offset == 0) {
      w.add(
          "the model has "
              + outputs
              + " outputs and the dataset "
              + labels
              + ": if output 0 is a background class (as in 1001-class ImageNet models), pass"
              + " --label-offset 1, or every prediction is one class off");
    } else if (!exact && outputs == 1001 && offset == 0) {
      // A few labels from a folder do not tell 1000 ImageNet classes: the 1001-output convention
      // does.
      w.add(
          "the model has 1001 outputs: if output 0 is a background class and the labels are"
              + " ImageNet's 1000 classes, pass --label-offset 1, or every prediction is one class"
              + " off");
    } else if (exact && outputs > labelClasses + offset + 1) {
      w.add(
          "the model has "
              + outputs
              + " outputs but the dataset only "
              + labels
              + ": predictions outside them are always wrong; is this the model for this dataset?");
    }
    return w;
  }

  /**
   * Classes of the named test sets (CIFAR-10, MNIST, the ImageNet sample's 1000), or -1 for a
   * directory.
   */
  static int knownClasses(String dataset) {
    return switch (dataset.toLowerCase(java.util.Locale.ROOT)) {
      case "cifar10", "mnist" -> 10;
      case "imagenet", "imagenet-sample" -> 1000;
      default -> -1;
    };
  }

  /**
   * The offset a dataset implies when the user gives none: 1 for 1000 ImageNet labels on 1001
   * outputs.
   */
  static int defaultOffset(boolean imagenet, int outputs) {
    return imagenet && outputs == 1001 ? 1 : 0;
  }
}

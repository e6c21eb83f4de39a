package io.zkaudit.onnx;

import io.zkaudit.data.InputNormalization;
import io.zkaudit.data.PixelRange;
import io.zkaudit.model.ModelFormatException;
import java.util.Map;
import java.util.Optional;

/**
 * The input normalization an ONNX file names in its metadata_props, so that a model exported from
 * PyTorch carries its preprocessing with it. ONNX has no standard key for this (torchvision keeps
 * mean/std in Python, not in the export), so zkaudit defines its own, written e.g. by {@code
 * onnx.helper.set_model_props(model, {"zkaudit.input_mean": "0.485,0.456,0.406",
 * "zkaudit.input_std": "0.229,0.224,0.225"})}:
 *
 * <ul>
 *   <li>{@value #RANGE} = "lo,hi": pixel p is lo + p·(hi − lo)/255 in every channel;
 *   <li>{@value #MEAN} and {@value #STD} = one number per channel, both: pixel p of channel c is
 *       (p/255 − mean_c)/std_c.
 * </ul>
 *
 * A range together with mean/std, a mean without a std, or malformed numbers are refused: a model
 * file that names its preprocessing wrongly must not be run with a guessed one.
 */
public final class InputMetadata {
  private InputMetadata() {}

  public static final String RANGE = "zkaudit.input_range";
  public static final String MEAN = "zkaudit.input_mean";
  public static final String STD = "zkaudit.input_std";

  /** The normalization the metadata names; empty when it names none. */
  public static Optional<InputNormalization> normalization(Map<String, String> metadata) {
    String range = metadata.get(RANGE), mean = metadata.get(MEAN), std = metadata.get(STD);
    try {
      if (range != null) {
        if (mean != null || std != null)
          throw new IllegalArgumentException(
              "it names both " + RANGE + " and " + MEAN + "/" + STD + "; name one");
        return Optional.of(PixelRange.parse(range));
      }
      if (mean == null && std == null) return Optional.empty();
      if (mean == null || std == null)
        throw new IllegalArgumentException(MEAN + " and " + STD + " go together; one is missing");
      return Optional.of(
          new InputNormalization.MeanStd(
              InputNormalization.parseList(mean), InputNormalization.parseList(std)));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(
          "the model's input normalization metadata is malformed: " + e.getMessage());
    }
  }
}

package io.zkaudit.protocols;

import io.zkaudit.data.InputNormalization;
import io.zkaudit.data.PixelRange;
import java.util.Optional;

/**
 * The input normalization a seller registers with a model ({@code ModelEntry.input_normalization},
 * signed with the registration) and its value: how a buyer's images become the integers the
 * seller's model reads. Without one the input quantization's representable range applies (a
 * quantized model's own input, or a float model quantized over an interval); a float model served
 * with a per-channel mean/std needs it, or a buyer's audit set would be other integers than the
 * seller's encoding of the same pictures.
 */
public final class ServedNormalization {
  private ServedNormalization() {}

  /** The registration's field for a normalization. */
  public static io.zkaudit.proto.v1.InputNormalization toProto(InputNormalization n) {
    var b = io.zkaudit.proto.v1.InputNormalization.newBuilder();
    switch (n) {
      case PixelRange r -> b.setLo(r.lo()).setHi(r.hi());
      case InputNormalization.MeanStd m -> {
        for (double v : m.mean()) {
          b.addMean(v);
        }
        for (double v : m.std()) {
          b.addStd(v);
        }
      }
    }
    return b.build();
  }

  /**
   * The normalization a registration's field states, checked for a model input of {@code channels}
   * channels (IllegalArgumentException naming the field otherwise).
   */
  public static InputNormalization fromProto(
      io.zkaudit.proto.v1.InputNormalization p, int channels) {
    InputNormalization n;
    try {
      if (p.getMeanCount() > 0 || p.getStdCount() > 0) {
        if (p.getLo() != 0 || p.getHi() != 0) {
          throw new IllegalArgumentException("a range and a mean/std both given");
        }
        n =
            new InputNormalization.MeanStd(
                p.getMeanList().stream().mapToDouble(Double::doubleValue).toArray(),
                p.getStdList().stream().mapToDouble(Double::doubleValue).toArray());
      } else {
        if (!(p.getLo() < p.getHi())
            || !Double.isFinite(p.getLo())
            || !Double.isFinite(p.getHi())) {
          throw new IllegalArgumentException(
              "a range needs finite lo < hi, got " + p.getLo() + "," + p.getHi());
        }
        n = new PixelRange(p.getLo(), p.getHi());
      }
      n.requireChannels(channels);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("input_normalization: " + e.getMessage());
    }
    return n;
  }

  /** The normalization a model entry names, if any (checked against its input's channels). */
  public static Optional<InputNormalization> of(
      io.zkaudit.proto.v1.ModelEntry e, int inputChannels) {
    return e.hasInputNormalization()
        ? Optional.of(fromProto(e.getInputNormalization(), inputChannels))
        : Optional.empty();
  }
}

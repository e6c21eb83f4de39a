package io.zkaudit.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * How an 8-bit pixel p of channel c becomes the real value a model takes: an affine map per
 * channel. Either one interval for every channel ({@link PixelRange}: lo + p·(hi − lo)/255) or
 * torchvision's per-channel standardisation ({@link MeanStd}: (p/255 − mean_c)/std_c, e.g. ImageNet
 * mean 0.485,0.456,0.406 std 0.229,0.224,0.225). The quantized model input is what a proof states;
 * this is how an image becomes that input, so prover and verifier must use the same one.
 */
public sealed interface InputNormalization permits PixelRange, InputNormalization.MeanStd {

  /** The real value of pixel p (0..255) in channel c. */
  double real(int pixel, int channel);

  /**
   * The smallest interval holding every channel's image of 0..255: what a float model's input is
   * quantized over.
   */
  PixelRange bounds();

  /** How the CLI prints it: "[0, 1]" or "mean 0.485,0.456,0.406 std 0.229,0.224,0.225". */
  String describe();

  /** Refuses (IllegalArgumentException) a normalization that does not fit a C-channel input. */
  default void requireChannels(int channels) {}

  /** (p/255 − mean_c)/std_c per channel c; every std positive, as many means as stds. */
  record MeanStd(double[] mean, double[] std) implements InputNormalization {
    public MeanStd {
      if (mean.length == 0 || mean.length != std.length)
        throw new IllegalArgumentException(
            "input mean and std need one value per channel each, got "
                + mean.length
                + " means and "
                + std.length
                + " stds");
      for (double s : std)
        if (!(s > 0) || !Double.isFinite(s))
          throw new IllegalArgumentException("input std must be positive, got " + s);
      for (double m : mean)
        if (!Double.isFinite(m)) throw new IllegalArgumentException("input mean must be finite");
      mean = mean.clone();
      std = std.clone();
    }

    @Override
    public double[] mean() {
      return mean.clone();
    }

    @Override
    public double[] std() {
      return std.clone();
    }

    @Override
    public double real(int pixel, int channel) {
      return (pixel / 255.0 - mean[channel]) / std[channel];
    }

    @Override
    public PixelRange bounds() {
      double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < mean.length; c++) {
        lo = Math.min(lo, real(0, c));
        hi = Math.max(hi, real(255, c));
      }
      return new PixelRange(lo, hi);
    }

    @Override
    public void requireChannels(int channels) {
      if (mean.length != channels)
        throw new IllegalArgumentException(
            "input mean/std give "
                + mean.length
                + " channel"
                + (mean.length == 1 ? "" : "s")
                + ", the model's input has "
                + channels);
    }

    @Override
    public String describe() {
      return "mean " + list(mean) + " std " + list(std);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MeanStd m && Arrays.equals(mean, m.mean) && Arrays.equals(std, m.std);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** Comma-separated numbers, e.g. "0.485, 0.456,0.406"; IllegalArgumentException if malformed. */
  static double[] parseList(String text) {
    String[] parts = text.split(",", -1);
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number list: " + text);
      }
      if (!Double.isFinite(v[i])) throw new IllegalArgumentException("not finite: " + text);
    }
    return v;
  }

  static String list(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double x : v) {
      if (!b.isEmpty()) b.append(',');
      b.append(number(x));
    }
    return b.toString();
  }

  /** A number as written: 1 rather than 1.0, 0.485 as such. */
  static String number(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15
        ? Long.toString((long) x)
        : String.format(Locale.ROOT, "%s", x);
  }
}

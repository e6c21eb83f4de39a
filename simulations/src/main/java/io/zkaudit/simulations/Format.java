package io.zkaudit.simulations;

import java.util.Locale;

/** Number formats of the tables (Locale.ROOT: a report reads the same on every machine). */
public final class Format {
  private Format() {}

  public static String f(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  public static String percent(double p) {
    return f("%.2f%%", 100 * p);
  }

  /** A probability, with enough digits to tell 0.9751 from 0.9747. */
  public static String prob(double p) {
    return p != 0 && p < 1e-4 ? f("%.2e", p) : f("%.4f", p);
  }

  public static String dollars(double d) {
    return Math.abs(d) >= 100
        ? f("$%,.2f", d)
        : Math.abs(d) >= 0.01 ? f("$%.2f", d) : f("$%.5f", d);
  }

  public static String integer(long n) {
    return f("%,d", n);
  }
}

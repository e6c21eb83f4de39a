package io.zkaudit.cli;

/** A failure the user can act on: printed as one line, with the given exit code. */
public final class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public static CliException usage(String message) {
    return new CliException(Main.EXIT_USAGE, message);
  }

  public static CliException invalid(String message) {
    return new CliException(Main.EXIT_INVALID, message);
  }

  public int exitCode() {
    return exitCode;
  }
}

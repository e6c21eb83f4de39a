package io.zkaudit.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The command line's error boundary: users see one clear line and an exit code, never a stack
 * trace. Set ZKAUDIT_DEBUG=1 to see the trace of an unexpected failure.
 */
final class UserErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
    var err = cli.getErr();
    if (ex instanceof CliException user) {
      err.println("zkaudit: " + user.getMessage());
      return user.exitCode();
    }
    if (ex instanceof java.io.IOException io) {
      err.println("zkaudit: cannot read or write: " + io.getMessage());
      return Main.EXIT_USAGE;
    }
    err.println("zkaudit: internal error: " + ex);
    if (System.getenv("ZKAUDIT_DEBUG") != null) {
      ex.printStackTrace(err);
    } else {
      err.println("zkaudit: set ZKAUDIT_DEBUG=1 for details");
    }
    return 3;
  }
}

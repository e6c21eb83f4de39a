package io.zkaudit.cli;

import io.zkaudit.data.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What the command-line tests share: running a command as a user does, shared data, a free port.
 */
final class CliRuns {
  private CliRuns() {}

  /** A command's exit code and what it printed. */
  record Run(int code, String out, String err) {}

  /** Runs {@code zkaudit args...} in this JVM, capturing picocli's out and err writers. */
  static Run run(String... args) {
    var cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A file of ../shared, or the test is skipped where it is absent (it is present in CI). */
  static Path shared(String rel) {
    var p = SharedData.resolve(rel);
    Assumptions.assumeTrue(
        p.isPresent(), "skipped: ../shared/" + rel + " is not present (it is in CI)");
    return p.get();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

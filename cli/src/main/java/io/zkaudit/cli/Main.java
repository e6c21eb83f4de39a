package io.zkaudit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command-line entry point. Exit codes are part of the interface: 0 success, 1 a proof or
 * claim was checked and is invalid, 2 usage error or unreadable input, 3 out of memory (the heap
 * the work needs is printed).
 */
@Command(
    name = "zkaudit",
    mixinStandardHelpOptions = true,
    version = "zkaudit 0.1.0",
    description = "Zero-knowledge proofs of ML inference for trustless ML-as-a-service.",
    subcommands = {
      DemoCommand.class,
      InferCommand.class,
      EvalCommand.class,
      CommitCommand.class,
      ProveCommand.class,
      VerifyCommand.class,
      VerifyLinkCommand.class,
      AccuracyAuditCommand.class,
      BenchCommand.class,
      SellerCommand.class,
      BuyerCommand.class,
      ChainCommand.class,
      AttesterCommand.class,
      SimulateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_USAGE = 2;

  /** The heap ran out: one line says what the work needs and how to give it (HeapNeed). */
  public static final int EXIT_MEMORY = 3;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new UserErrorHandler());
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("zkaudit: " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println(
                  "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_USAGE;
        });
    return cli;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands errors (not exceptions) back to the caller: the one a user meets is memory.
      // What the command was doing and what it needs come from HeapNeed; the stack trace only with
      // ZKAUDIT_DEBUG.
      System.err.println(
          HeapNeed.outOfMemoryMessage(
              HeapNeed.current(), Runtime.getRuntime().maxMemory(), e.getMessage()));
      if (System.getenv("ZKAUDIT_DEBUG") != null) {
        e.printStackTrace();
      }
      code = EXIT_MEMORY;
    }
    System.exit(code);
  }
}

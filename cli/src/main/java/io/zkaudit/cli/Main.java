package io.zkaudit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command-line entry point. Exit codes are part of the interface: 0 success, 1 a proof or
 * claim was checked and is invalid, 2 usage error or unreadable input.
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
      System.err.println(
          "zkaudit: out of memory ("
              + e.getMessage()
              + ", "
              + Runtime.getRuntime().maxMemory() / (1 << 20)
              + " MB heap): a MobileNet v2 proof needs about 5 GB, a batch or accuracy proof"
              + " about 130 MB per ResNet-8 sample (docs/benchmarks.md); ./zkaudit gives 12 GB"
              + " unless ZKAUDIT_HEAP says otherwise (e.g. ZKAUDIT_HEAP=16g), or prove fewer"
              + " samples");
      if (System.getenv("ZKAUDIT_DEBUG") != null) {
        e.printStackTrace();
      }
      code = EXIT_USAGE;
    }
    System.exit(code);
  }
}

package io.zkaudit.cli;

import io.zkaudit.prover.bench.BenchRow;
import io.zkaudit.prover.bench.FieldBench;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkaudit bench ...}: benchmarks that print a Markdown table of medians. */
@Command(name = "bench", description = "Benchmarks (medians of several runs, printed as a table).",
    mixinStandardHelpOptions = true, subcommands = {BenchCommand.Core.class, BenchInferCommand.class})
final class BenchCommand implements Runnable {

  @Override
  public void run() {
    throw CliException.usage("bench needs a subcommand: core, infer or prove");
  }

  @Command(name = "core", mixinStandardHelpOptions = true,
      description = "The proof-system core: field, commitment, sumcheck, lookups.")
  static final class Core implements Runnable {
    @Option(names = "--runs", defaultValue = "3", description = "Measured runs per figure (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--log-size", defaultValue = "24",
        description = "log2 of the commitment and sumcheck sizes (default ${DEFAULT-VALUE}).")
    int logSize;

    @Override
    public void run() {
      if (runs < 1 || runs > 50) {
        throw CliException.usage("--runs must be between 1 and 50");
      }
      if (logSize < 10 || logSize > 26) {
        throw CliException.usage("--log-size must be between 10 and 26");
      }
      System.out.printf("zkaudit bench core: %d runs per figure, %d cores, max heap %d MB%n%n",
          runs, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
      List<BenchRow> rows = new ArrayList<>(FieldBench.run(runs));
      TablePrinter.print(System.out, rows);
    }
  }
}

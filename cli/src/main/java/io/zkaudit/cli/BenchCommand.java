package io.zkaudit.cli;

import io.zkaudit.pcs.PcsParams;
import io.zkaudit.prover.bench.HashBench;
import io.zkaudit.prover.bench.LookupBench;
import io.zkaudit.prover.bench.PcsBench;
import io.zkaudit.prover.bench.SumcheckBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkaudit bench ...}: benchmarks that print tables of medians. */
@Command(
    name = "bench",
    description = "Benchmarks (medians of several runs, printed as tables).",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchCommand.Core.class,
      BenchCommand.Batched.class,
      BenchInferCommand.class,
      BenchProveCommand.class,
      BenchRotationCommand.class,
      BenchServeCommand.class
    })
final class BenchCommand implements Runnable {

  @Override
  public void run() {
    throw CliException.usage(
        "bench needs a subcommand: core, batched, infer, prove, rotation or serve");
  }

  @Command(
      name = "core",
      mixinStandardHelpOptions = true,
      description = "The proof-system core: field, hashing, commitment, sumcheck, lookups.")
  static final class Core implements java.util.concurrent.Callable<Integer> {
    @Option(
        names = "--runs",
        defaultValue = "3",
        description = "Measured runs per figure (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--log-size",
        defaultValue = "24",
        description = "log2 of the commitment and sumcheck sizes (default ${DEFAULT-VALUE}).")
    int logSize;

    @Override
    public Integer call() throws Exception {
      if (runs < 1 || runs > 50) {
        throw CliException.usage("--runs must be between 1 and 50");
      }
      if (logSize < 10 || logSize > 25) {
        throw CliException.usage("--log-size must be between 10 and 25");
      }
      System.out.println(SumcheckBench.machine());
      System.out.println();
      System.out.println("Hashing (1 thread)");
      for (HashBench.Row r : HashBench.run()) {
        System.out.printf(
            "  %-10s %6d B  %8.1f ns/hash  %8.1f MB/s%n",
            r.hash(), r.messageBytes(), r.nsPerHash(), r.mbPerSecond());
      }
      System.out.println();
      System.out.println("Field, sumcheck and lookups");
      System.out.println(SumcheckBench.header());
      SumcheckBench.field(runs).forEach(System.out::println);
      SumcheckBench.sumcheck(Math.min(16, logSize), 2); // JIT warm-up
      SumcheckBench.sumcheck(logSize, runs).forEach(System.out::println);
      LookupBench.lookups(16, 12, 2); // JIT warm-up
      LookupBench.lookups(logSize - 1, 16, runs).forEach(System.out::println);
      System.out.println();
      System.out.println("Polynomial commitment (Basefold)");
      PcsBench.run(PcsParams.conjectured100(), "conject100", 1, 16); // JIT warm-up
      var rows =
          new java.util.ArrayList<>(
              PcsBench.run(PcsParams.conjectured100(), "conject100", runs, logSize - 4, logSize));
      rows.addAll(PcsBench.run(PcsParams.provable100(), "provable100", runs, logSize));
      System.out.print(PcsBench.format(rows));
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "batched",
      mixinStandardHelpOptions = true,
      description =
          "One batched opening of several commitments against one opening each: proof bytes and"
              + " times.")
  static final class Batched implements java.util.concurrent.Callable<Integer> {
    @Option(
        names = "--runs",
        defaultValue = "3",
        description = "Measured runs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--sizes",
        defaultValue = "22,21,19",
        split = ",",
        description =
            "log2 sizes of the polynomials, largest first (default ${DEFAULT-VALUE}; a MobileNet v2"
                + " proof: 25,24,22).")
    int[] sizes;

    @Override
    public Integer call() throws Exception {
      if (runs < 1 || runs > 50) {
        throw CliException.usage("--runs must be between 1 and 50");
      }
      for (int s : sizes) {
        if (s < 8 || s > 25) {
          throw CliException.usage("--sizes must be between 8 and 25");
        }
      }
      if (!io.zkaudit.pcs.BatchedOpening.canBatch(PcsParams.provable100(), sizes)) {
        throw CliException.usage(
            "--sizes must come largest first, each within the largest's folding rounds");
      }
      System.out.println(SumcheckBench.machine());
      io.zkaudit.prover.bench.BatchedPcsBench.run(
          PcsParams.provable100(), 1, 14, 13); // JIT warm-up
      var rows = io.zkaudit.prover.bench.BatchedPcsBench.run(PcsParams.provable100(), runs, sizes);
      System.out.print(io.zkaudit.prover.bench.BatchedPcsBench.format(sizes, rows));
      return Main.EXIT_OK;
    }
  }
}

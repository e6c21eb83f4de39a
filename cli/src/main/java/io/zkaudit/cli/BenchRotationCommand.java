package io.zkaudit.cli;

import io.zkaudit.inference.RotationLink;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.RotationLinks;
import io.zkaudit.prover.model.QuantizedModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * zkaudit bench rotation: what a commitment rotation costs for one model (docs/zero-knowledge.md,
 * "Rotation"): the fresh commitment, the link's prove and verify times (medians) and its size, and
 * the hiding budget a key has under the long-lived opening parameters.
 */
@Command(
    name = "rotation",
    mixinStandardHelpOptions = true,
    description =
        "Rotate a model's commitment several times; print the link's median prove/verify time and"
            + " size.")
final class BenchRotationCommand implements Callable<Integer> {
  @Mixin ModelFileOption.Committed model;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "timed links (default ${DEFAULT-VALUE})")
  int runs;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || runs > 20) {
      throw CliException.usage("--runs must be between 1 and 20");
    }
    QuantizedModel q = ProverModels.quantized(model.file());
    // A throwaway hiding key: the figures do not depend on it, and the user's key is not touched.
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    long t0 = System.nanoTime();
    CommittedModel old = ModelProver.commit(q, key, 0);
    double commitS = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    CommittedModel fresh = ModelProver.commit(q, key, 1);
    double recommitS = (System.nanoTime() - t0) / 1e9;
    RotationLink warm = RotationLinks.prove(old, fresh, 1); // JIT warm-up
    verify(warm, old, fresh);
    double[] prove = new double[runs];
    double[] verify = new double[runs];
    int size = 0;
    for (int i = 0; i < runs; i++) {
      long a = System.nanoTime();
      RotationLink link = RotationLinks.prove(old, fresh, 1);
      prove[i] = (System.nanoTime() - a) / 1e6;
      a = System.nanoTime();
      verify(link, old, fresh);
      verify[i] = (System.nanoTime() - a) / 1e6;
      size = link.encodedSize();
    }
    long columns =
        old.layout().entries().stream().filter(e -> e.kind() != WeightLayout.Kind.HIDING).count();
    System.out.printf(
        Locale.ROOT,
        "%s: weight polynomial 2^%d (%d columns), hiding budget %,d proofs per key"
            + " (long-lived parameters)%n",
        model.fileName(),
        old.weights().numVars(),
        columns,
        old.layout().hiddenProofs(RotationLink.params()));
    System.out.printf(
        Locale.ROOT,
        "  commit %.1f s, fresh commitment (generation 1) %.1f s%n",
        commitS,
        recommitS);
    System.out.printf(
        Locale.ROOT,
        "  link: prove %.0f ms, verify %.0f ms (medians of %d), %,d bytes%n",
        median(prove),
        median(verify),
        runs,
        size);
    return Main.EXIT_OK;
  }

  private static void verify(RotationLink link, CommittedModel old, CommittedModel fresh) {
    try {
      link.verify(old.vk(), fresh.vk());
    } catch (InvalidProofException e) {
      throw new IllegalStateException(
          "an honest rotation link does not verify: " + e.getMessage(), e);
    }
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}

package io.zkaudit.simulations.live;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.simulations.stats.MonteCarlo;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seller that signs a made-up output for a fraction of its answers and proves honestly (so the
 * proofs of tampered answers show another output than the signed one). It also times its proofs:
 * the live run's measured prover cost.
 */
final class TamperingProver implements AnswerProver {
  private final double tamperFraction;
  private final long seed;
  private final AtomicLong proofs = new AtomicLong();
  private final AtomicLong proveNanos = new AtomicLong();

  TamperingProver(double tamperFraction, long seed) {
    this.tamperFraction = tamperFraction;
    this.seed = seed;
  }

  /**
   * Whether the answer to this input is tampered: a seeded coin of the input, the same on every
   * call.
   */
  boolean tampers(int[] input) {
    return MonteCarlo.random(seed, Arrays.hashCode(input)).nextDouble() < tamperFraction;
  }

  @Override
  public int[] output(CommittedModel model, int[] input) {
    int[] honest = HONEST.output(model, input);
    return tampers(input) ? shifted(honest) : honest;
  }

  @Override
  public ModelProof prove(CommittedModel model, int[] input) {
    long start = System.nanoTime();
    ModelProof p = HONEST.prove(model, input);
    proveNanos.addAndGet(System.nanoTime() - start);
    proofs.incrementAndGet();
    return p;
  }

  /**
   * Every logit moved one class down (the first to the end): another class wins, every value stays
   * in range.
   */
  static int[] shifted(int[] output) {
    int[] t = new int[output.length];
    for (int i = 0; i < output.length; i++) t[i] = output[(i + 1) % output.length];
    return t;
  }

  long proofs() {
    return proofs.get();
  }

  double proveSeconds() {
    return proveNanos.get() / 1e9;
  }
}

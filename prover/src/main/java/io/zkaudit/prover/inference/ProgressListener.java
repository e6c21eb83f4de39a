package io.zkaudit.prover.inference;

/** Receives the prover's progress: phase names and work done out of a total, for progress bars. */
@FunctionalInterface
public interface ProgressListener {
  void progress(String phase, long done, long total);

  ProgressListener NONE = (phase, done, total) -> {};
}

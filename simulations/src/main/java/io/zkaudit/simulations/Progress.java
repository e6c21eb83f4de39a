package io.zkaudit.simulations;

/**
 * Where a run reports how far it is: the command line draws a bar on stderr, tests ignore it.
 * {@link #advance} may be called from any thread.
 */
public interface Progress {
  /** A new phase of {@code total} units (trials, rounds) begins. */
  void begin(String task, long total);

  void advance(long units);

  /** The phase is over. */
  void end();

  Progress NONE =
      new Progress() {
        @Override
        public void begin(String task, long total) {}

        @Override
        public void advance(long units) {}

        @Override
        public void end() {}
      };
}

package io.zkaudit.prover.pcs;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * A phase of a Basefold commit or opening and its duration, as a JDK Flight Recorder event: free
 * when no recording runs, and recorded with everything else the JVM knows (GC, allocation, samples)
 * when one does, e.g. {@code ZKAUDIT_JAVA_OPTS="-Xmx12g
 * -XX:StartFlightRecording=filename=prove.jfr" ./zkaudit prove ...}, then {@code jfr print --events
 * zkaudit.PcsPhase prove.jfr}.
 */
@Name("zkaudit.PcsPhase")
@Label("Basefold phase")
@Category({"zkaudit", "Prover"})
@Description("One phase of a polynomial commitment or opening")
final class PcsPhaseEvent extends Event {
  @Label("Phase")
  String phase;

  @Label("Variables")
  int numVars;

  @Label("Duration")
  @Timespan(Timespan.NANOSECONDS)
  long nanos;

  /** Records a phase that took {@code nanos} (a no-op unless a recording has the event enabled). */
  static void record(String phase, int numVars, long nanos) {
    PcsPhaseEvent e = new PcsPhaseEvent();
    if (e.isEnabled()) {
      e.phase = phase;
      e.numVars = numVars;
      e.nanos = nanos;
      e.commit();
    }
  }
}

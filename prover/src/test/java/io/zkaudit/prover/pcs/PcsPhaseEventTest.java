package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.transcript.Transcript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The prover's phases are JFR events (issue 19: profiling through JFR, not System.err). */
class PcsPhaseEventTest {

  @Test
  void aCommitAndAnOpeningRecordTheirPhasesWhenARecordingRuns() throws Exception {
    int n = 12;
    Random rng = new Random(3);
    long[] f = new long[1 << n];
    for (int i = 0; i < f.length; i++) {
      f[i] = Goldilocks.random(rng);
    }
    Ext2[] z = new Ext2[n];
    for (int i = 0; i < n; i++) {
      z[i] = new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
    }
    BasefoldProver prover = new BasefoldProver(PcsParams.provable100());
    Path file = Files.createTempFile("pcs-phases", ".jfr");
    try (Recording r = new Recording()) {
      r.enable("zkaudit.PcsPhase");
      r.start();
      Committed c = prover.commit(f);
      prover.open(c, List.of(new EvalClaim(z, Mle.evaluate(f, z))), new Transcript("test/jfr"));
      r.stop();
      r.dump(file);
    }
    Map<String, RecordedEvent> byPhase = new HashMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getEventType().getName().equals("zkaudit.PcsPhase")) {
        byPhase.put(e.getString("phase"), e);
      }
    }
    Files.deleteIfExists(file);
    for (String phase :
        List.of(
            "commit: encode",
            "commit: merkle",
            "open: g",
            "open: sumcheck",
            "open: codeword folds",
            "open: final + grinding",
            "open: queries")) {
      RecordedEvent e = byPhase.get(phase);
      assertTrue(e != null, "no event for " + phase + " in " + byPhase.keySet());
      assertEquals(n, e.getInt("numVars"), phase);
      assertTrue(e.getLong("nanos") >= 0, phase);
    }
  }
}

package io.zkaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Running out of memory ends with one line that says what was being done, the heap it needs, the
 * heap it had and the ZKAUDIT_HEAP that gives it (Main, exit code 3), never a stack trace.
 */
class HeapNeedTest {
  private static final long GB = 1L << 30;

  @Test
  void aRecordedNeedAboveTheHeapIsWhatTheMessageAsksFor() {
    String m =
        HeapNeed.outOfMemoryMessage(
            new HeapNeed.Need("proving 128 samples in one proof", 11 * GB + GB / 2),
            4 * GB,
            "Java heap space");
    assertTrue(m.startsWith("zkaudit: out of memory while proving 128 samples"), m);
    assertTrue(m.contains("about 11.5 GB of heap"), m);
    assertTrue(m.contains("this JVM's heap is 4.0 GB (Java heap space)"), m);
    assertTrue(m.contains("ZKAUDIT_HEAP=12g"), "rounded up to whole gigabytes: " + m);
    assertFalse(m.contains("\n"), "one line");
  }

  @Test
  void withoutANeedOrWithOneTheHeapHadItAsksForTwiceTheHeap() {
    String none = HeapNeed.outOfMemoryMessage(null, 4 * GB, "GC overhead limit exceeded");
    assertTrue(none.startsWith("zkaudit: out of memory: this JVM's heap is 4.0 GB"), none);
    assertTrue(none.contains("ZKAUDIT_HEAP=8g"), none);
    // An estimate the heap met and that still ran out: the estimate was wrong, ask for more.
    String met =
        HeapNeed.outOfMemoryMessage(
            new HeapNeed.Need("proving one input of m.tflite", 3 * GB), 4 * GB, null);
    assertTrue(met.contains("ZKAUDIT_HEAP=8g"), met);
    assertTrue(met.contains("(OutOfMemoryError)"), met);
  }

  @Test
  void theExitCodeOfRunningOutIsItsOwn() {
    assertEquals(3, Main.EXIT_MEMORY);
  }
}

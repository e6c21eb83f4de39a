package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** When a proof keeps its codewords: by the heap, unless the system property says otherwise. */
class CodewordRetentionPolicyTest {
  private static final long GIB = 1L << 30;

  @Test
  void keepsThemWhenTheHeapHasFiveTimesTheirSizeAndReleasesThemBelow() {
    long codewords = 1792L << 20; // MobileNet v2's witness bins and weight shadow
    assertEquals(CodewordRetention.KEEP, CodewordRetention.forHeap(10923L << 20, codewords));
    assertEquals(CodewordRetention.RELEASE, CodewordRetention.forHeap(7 * GIB, codewords));
    assertEquals(CodewordRetention.RELEASE, CodewordRetention.forHeap(4 * GIB, codewords));
    assertEquals(CodewordRetention.KEEP, CodewordRetention.forHeap(GIB, 100L << 20));
  }

  @Test
  void thePropertyOverridesTheHeap() {
    String before = System.getProperty(CodewordRetention.PROPERTY);
    try {
      System.setProperty(CodewordRetention.PROPERTY, "release");
      assertEquals(CodewordRetention.RELEASE, CodewordRetention.forHeap(64 * GIB, 1));
      System.setProperty(CodewordRetention.PROPERTY, "keep");
      assertEquals(CodewordRetention.KEEP, CodewordRetention.forHeap(GIB, 64 * GIB));
      System.setProperty(CodewordRetention.PROPERTY, "relase");
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> CodewordRetention.forHeap(GIB, 1));
    } finally {
      if (before == null) {
        System.clearProperty(CodewordRetention.PROPERTY);
      } else {
        System.setProperty(CodewordRetention.PROPERTY, before);
      }
    }
  }
}

package io.zkaudit.cli;

import java.util.Locale;

/**
 * What the running command is about to hold in heap, so that running out of memory anyway ends with
 * one line saying what was being done, the heap it needs and the heap it had, and what to set
 * ({@link Main#main}), never a stack trace. A command records it just before its large work (a
 * proof); ./zkaudit picks the heap by command, and ZKAUDIT_HEAP overrides it.
 */
final class HeapNeed {
  private HeapNeed() {}

  /** What is being done and about how many bytes of heap it needs (0: not known). */
  record Need(String what, long bytes) {}

  private static volatile Need current;

  /** Records that {@code what} is about to run and needs about {@code bytes} of heap. */
  static void expect(String what, long bytes) {
    current = new Need(what, bytes);
  }

  /** The last recorded need, or null. */
  static Need current() {
    return current;
  }

  /**
   * The line printed on running out of memory with {@code maxHeap} bytes of heap: what was being
   * done, what it needs and what to set. Without a recorded need (or one this heap should have
   * held), it asks for twice this heap.
   */
  static String outOfMemoryMessage(Need need, long maxHeap, String error) {
    long want =
        need != null && need.bytes() > maxHeap ? need.bytes() : Math.max(2 * maxHeap, 1L << 32);
    long gigabytes = (want + (1L << 30) - 1) >> 30;
    String doing =
        need == null
            ? ""
            : need.bytes() > 0
                ? String.format(
                    Locale.ROOT, " while %s (about %s of heap)", need.what(), gb(need.bytes()))
                : " while " + need.what();
    return String.format(
        Locale.ROOT,
        "zkaudit: out of memory%s: this JVM's heap is %s (%s); give it %d GB or more:"
            + " ZKAUDIT_HEAP=%dg ./zkaudit ... (./zkaudit gives one proof 4 GB and the demo,"
            + " audits, a seller, batches and benchmarks 60%% of the machine's memory, at most 14"
            + " GB)",
        doing,
        gb(maxHeap),
        error == null ? "OutOfMemoryError" : error,
        gigabytes,
        gigabytes);
  }

  private static String gb(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
  }
}

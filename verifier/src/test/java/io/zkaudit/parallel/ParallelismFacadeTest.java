package io.zkaudit.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One pool for every parallel loop, so that -Dzkaudit.threads governs a whole run. */
class ParallelismFacadeTest {
  private static final Pattern BYPASS =
      Pattern.compile(
          "\\.parallel\\(\\)|parallelStream\\(\\)|ForkJoinPool\\.commonPool|CompletableFuture\\.(run|supply)Async\\([^,)]*\\)");

  @Test
  void noMainSourceBypassesTheFacade() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f :
          files
              .filter(
                  p ->
                      p.toString().endsWith(".java")
                          && p.toString().contains("/src/main/java/")
                          && !p.toString().contains("/target/")
                          && !p.endsWith("Parallel.java"))
              .toList()) {
        scanned++;
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          if (BYPASS.matcher(lines.get(i)).find()) {
            offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertTrue(scanned > 200, "the scan found only " + scanned + " main sources under " + root);
    assertEquals(
        List.of(),
        offenders,
        "use io.zkaudit.parallel.Parallel (forRange, forEach, mapReduce, all)");
  }

  @Test
  void theScanWouldCatchABypass() {
    assertTrue(BYPASS.matcher("IntStream.range(0, n).parallel().forEach(i -> f(i));").find());
    assertTrue(BYPASS.matcher("list.parallelStream().map(f)").find());
    assertTrue(BYPASS.matcher("ForkJoinPool.commonPool().submit(t)").find());
    assertTrue(BYPASS.matcher("CompletableFuture.runAsync(task)").find());
    assertTrue(!BYPASS.matcher("CompletableFuture.runAsync(task, executor)").find());
  }

  @Test
  void forEachRunsEveryIndexOnceAndMapReduceCombinesInIndexOrder() {
    for (int n : new int[] {1, 2, 7, 64, 1000}) {
      AtomicIntegerArray seen = new AtomicIntegerArray(n);
      Parallel.forEach(n, i -> seen.incrementAndGet(i));
      for (int i = 0; i < n; i++) {
        assertEquals(1, seen.get(i), "index " + i + " of " + n);
      }
      // String concatenation is not commutative: index order or bust.
      String joined = Parallel.mapReduce(n, Integer::toString, (a, b) -> a + "," + b);
      assertEquals(
          String.join(
              ",", java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString).toList()),
          joined);
    }
    assertThrows(IllegalArgumentException.class, () -> Parallel.mapReduce(0, i -> i, Integer::sum));
  }

  @Test
  void aFailureInAnyTaskReachesTheCallerAsTheTasksOwnException() {
    // ArithmeticException has no (Throwable) constructor: the pool's cross-thread copy of it would
    // carry no message. Whichever worker ran index 73, the caller sees the exception it threw.
    for (int round = 0; round < 50; round++) {
      ArithmeticException e =
          assertThrows(
              ArithmeticException.class,
              () ->
                  Parallel.forEach(
                      100,
                      i -> {
                        if (i == 73) {
                          throw new ArithmeticException("overflow at 73");
                        }
                      }));
      assertEquals("overflow at 73", e.getMessage());
      IllegalStateException s =
          assertThrows(
              IllegalStateException.class,
              () ->
                  Parallel.all(
                      () -> {},
                      () -> {
                        throw new IllegalStateException("second task");
                      }));
      assertEquals("second task", s.getMessage());
    }
  }
}

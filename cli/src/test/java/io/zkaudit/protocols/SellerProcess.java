package io.zkaudit.protocols;

import io.zkaudit.data.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real seller in a process of its own: {@code zkaudit seller serve} (io.zkaudit.cli.Main) on this
 * JVM's class path, serving ResNet-8, so that tests can kill it with SIGKILL mid-write and start it
 * again on the same files.
 */
final class SellerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

  final Process process;
  final int port;

  /** Every line the seller printed (stdout and stderr), for failure messages. */
  final List<String> output;

  /** Counted down when everything the process printed has been read (it ended). */
  private final java.util.concurrent.CountDownLatch drained;

  private SellerProcess(
      Process process, int port, List<String> output, java.util.concurrent.CountDownLatch drained) {
    this.process = process;
    this.port = port;
    this.output = output;
    this.drained = drained;
  }

  static Path model() {
    var file = SharedData.resolve("models/resnet8_cifar10_int8.tflite");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        file.isPresent(), "skipped: the ResNet-8 model is not present");
    return file.get();
  }

  /** Starts {@code zkaudit seller serve ARGS} and waits (at most 120 s) until it listens. */
  static SellerProcess start(Path dir, List<String> args) throws IOException, InterruptedException {
    return start(dir, List.of(), args);
  }

  /** The same with extra JVM options (system properties) before the class path. */
  static SellerProcess start(Path dir, List<String> jvmOptions, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-Xss16m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.zkaudit.cli.Main",
            "seller",
            "serve"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    BlockingQueue<Integer> port = new ArrayBlockingQueue<>(1);
    java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
    Thread.ofPlatform()
        .daemon()
        .name("seller-process-output")
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  output.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.offer(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException ended) {
                // The process was killed.
              }
              drained.countDown();
              port.offer(-1);
            });
    Integer listening = port.poll(120, TimeUnit.SECONDS);
    if (listening == null || listening < 0) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the seller did not start: " + String.join("\n", output));
    }
    return new SellerProcess(p, listening, output, drained);
  }

  /**
   * How a seller process ended: its exit code (-1 if it was still running at the timeout) and what
   * it printed.
   */
  record Ended(int code, String output) {}

  /**
   * Runs {@code zkaudit seller serve ARGS} expecting it to refuse to start: waits for it to exit; a
   * seller that starts instead (it prints "listening") is killed and reported with code -1.
   */
  static Ended refused(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-Xss16m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.zkaudit.cli.Main",
                "seller",
                "serve"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
        if (LISTENING.matcher(line).find()) {
          p.destroyForcibly().waitFor();
          return new Ended(-1, out.toString());
        }
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return new Ended(-1, out.toString());
    }
    return new Ended(p.exitValue(), out.toString());
  }

  /** SIGTERM (what Ctrl-C and service managers send): the shutdown hook runs; the exit code. */
  int terminate() throws InterruptedException {
    // Through the handle: Process.destroy() also closes our end of its output, losing what the
    // seller prints while it stops.
    process.toHandle().destroy();
    if (!process.waitFor(120, TimeUnit.SECONDS) || !drained.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the seller did not stop on SIGTERM: " + String.join("\n", output));
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no H2 close, whatever was in flight is cut. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the seller did not die");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}

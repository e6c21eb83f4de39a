package io.zkaudit.protocols.seller;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest state number the seller acknowledged, kept in a small file beside its H2 database
 * ({@code <db>.state}). Every committed write transaction raises the database's own counter (table
 * state_sequence, V20) and then this file. At start the database must be at least as far as the
 * file: if it is behind, the database lost committed state (bytes over its end, a restore of an old
 * copy) and H2, which falls back to the last chunk it can read, would open it without a word. The
 * file is written after each commit, so a crash between the two leaves it behind the database,
 * never ahead.
 */
final class StateWatermark {
  private static final int WIDTH = 20;

  /** One per file in this process: the seller's stores share it, so the file only moves forward. */
  private static final Map<Path, StateWatermark> OPEN = new ConcurrentHashMap<>();

  private final Path file;
  private long written;

  private StateWatermark(Path file) {
    this.file = file;
  }

  static StateWatermark of(Path databasePrefix) {
    Path f = databasePrefix.resolveSibling(databasePrefix.getFileName() + ".state");
    return OPEN.computeIfAbsent(f, StateWatermark::new);
  }

  Path file() {
    return file;
  }

  /** The state number in the file, if there is a readable one. */
  synchronized Optional<Long> read() {
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    } catch (IOException | NumberFormatException e) {
      throw new StoreException(
          "cannot read the seller's state mark " + file + ": " + e.getMessage(), e);
    }
  }

  /** Sets the file to {@code state} (at start, once the database is checked against it). */
  synchronized void reset(long state) {
    written = state;
    write(state);
  }

  /** Raises the file to {@code state} if it is below it. */
  synchronized void advance(long state) {
    if (state > written) {
      written = state;
      write(state);
    }
  }

  private void write(long state) {
    // Fixed width at offset 0, one write: a process killed mid-write leaves the old number or the
    // new one.
    byte[] text = String.format("%" + WIDTH + "d%n", state).getBytes(StandardCharsets.US_ASCII);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(text), 0);
    } catch (IOException e) {
      throw new StoreException(
          "cannot write the seller's state mark " + file + ": " + e.getMessage(), e);
    }
  }
}

package io.zkaudit.protocols.buyer;

import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.VerifiedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The buyer's three files per audit: {@code <audit id>.audit}, the {@link BuyerAuditState} without
 * its samples and verified outputs, rewritten atomically after each step; {@code <audit
 * id>.samples}, the secrets to reveal (salt, input, label per sample, length-delimited), written
 * once at the commitment and read one sample at a time; and {@code <audit id>.outputs}, the
 * verified outputs appended one by one (length-delimited). So a step rewrites a small file, and a
 * 15,000-sample audit of 150,528-value inputs (2 GB of samples) is never read whole.
 */
final class AuditStateFiles {
  private final Path dir;

  AuditStateFiles(Path dir) {
    this.dir = dir;
  }

  Path file(String auditId) {
    return dir.resolve(auditId + ".audit");
  }

  private Path outputsFile(String auditId) {
    return dir.resolve(auditId + ".outputs");
  }

  private Path samplesFile(String auditId) {
    return dir.resolve(auditId + ".samples");
  }

  /**
   * Writes an audit's samples once, before its state: a crash leaves no state without its samples.
   */
  void saveSamples(String auditId, Iterable<RevealedSample> samples) {
    try {
      Files.createDirectories(dir);
      Path f = samplesFile(auditId);
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
        for (RevealedSample s : samples) {
          s.writeDelimitedTo(out);
        }
      }
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot write the audit's samples in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The audit's samples from {@code from} on, read one at a time; close it when done. A state file
   * of an older version holds its samples itself; those are read from there.
   */
  SampleReader samples(BuyerAuditState state, int from) {
    if (state.getSamplesCount() > 0) {
      return new SampleReader(
          null, state.getSamplesList().subList(from, state.getSamplesCount()).iterator());
    }
    try {
      var in =
          new java.io.BufferedInputStream(
              Files.newInputStream(samplesFile(state.getCommitment().getAuditId())));
      SampleReader r = new SampleReader(in, null);
      for (int i = 0; i < from; i++) {
        r.next();
      }
      return r;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot read the audit's samples in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Samples read in order from the samples file (or an old state's list). */
  static final class SampleReader implements java.util.Iterator<RevealedSample>, AutoCloseable {
    private final java.io.InputStream in;
    private final java.util.Iterator<RevealedSample> list;
    private RevealedSample next;

    private SampleReader(java.io.InputStream in, java.util.Iterator<RevealedSample> list) {
      this.in = in;
      this.list = list;
    }

    @Override
    public boolean hasNext() {
      if (list != null) {
        return list.hasNext();
      }
      if (next == null) {
        try {
          next = RevealedSample.parseDelimitedFrom(in);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(
              "the audit's samples file is damaged: " + e.getMessage(), e);
        }
      }
      return next != null;
    }

    @Override
    public RevealedSample next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("the audit's samples file ends early");
      }
      if (list != null) {
        return list.next();
      }
      RevealedSample s = next;
      next = null;
      return s;
    }

    @Override
    public void close() {
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // read-only: nothing to lose
        }
      }
    }
  }

  /** A sample's label: from the state's labels (or an older state's samples). */
  static int label(BuyerAuditState state, int index) {
    return state.getLabelsCount() > 0 ? state.getLabels(index) : state.getSamples(index).getLabel();
  }

  /**
   * The state file and the verified outputs in order (a record cut short by a crash, and anything
   * after it, is dropped).
   */
  BuyerAuditState load(String auditId) throws IOException {
    BuyerAuditState.Builder b =
        BuyerAuditState.parseFrom(Files.readAllBytes(file(auditId))).toBuilder().clearVerified();
    Path outputs = outputsFile(auditId);
    if (!b.hasResult() && Files.exists(outputs)) {
      try (var in = new java.io.BufferedInputStream(Files.newInputStream(outputs))) {
        while (b.getVerifiedCount() < b.getCommitment().getSampleCount()) {
          VerifiedOutput v;
          try {
            v = VerifiedOutput.parseDelimitedFrom(in);
          } catch (IOException truncated) {
            break;
          }
          if (v == null || v.getIndex() != b.getVerifiedCount()) {
            break;
          }
          b.addVerified(v);
        }
      }
    }
    return b.build();
  }

  /**
   * The seller's accuracy proof as received ({@code <audit id>.proof}), kept as evidence whether it
   * verified or not.
   */
  void saveProof(String auditId, byte[] proof) {
    try {
      Files.createDirectories(dir);
      Path f = dir.resolve(auditId + ".proof");
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.write(tmp, proof);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot write the audit's proof in " + dir + ": " + e.getMessage(), e);
    }
  }

  void append(String auditId, VerifiedOutput v) {
    try (var out =
        Files.newOutputStream(
            outputsFile(auditId),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND)) {
      v.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot write the audit's outputs in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Written to a temporary file and moved into place, so a crash leaves the previous state whole;
   * the verified outputs live in their own file.
   */
  void save(BuyerAuditState state) {
    try {
      Files.createDirectories(dir);
      Path f = file(state.getCommitment().getAuditId());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.write(tmp, state.toBuilder().clearVerified().build().toByteArray());
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot write the audit state in " + dir + ": " + e.getMessage(), e);
    }
  }
}

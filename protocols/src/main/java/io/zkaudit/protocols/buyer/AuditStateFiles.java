package io.zkaudit.protocols.buyer;

import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.VerifiedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The buyer's two files per audit: {@code <audit id>.audit}, the {@link BuyerAuditState} without
 * its verified outputs, rewritten atomically after each step, and {@code <audit id>.outputs}, the
 * verified outputs appended one by one (length-delimited), so that a long audit is not rewritten
 * per proof.
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

  /** The state file and the verified outputs in order (a record cut short by a crash, and anything after it, is dropped). */
  BuyerAuditState load(String auditId) throws IOException {
    BuyerAuditState.Builder b = BuyerAuditState.parseFrom(Files.readAllBytes(file(auditId))).toBuilder().clearVerified();
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

  void append(String auditId, VerifiedOutput v) {
    try (var out = Files.newOutputStream(outputsFile(auditId), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND)) {
      v.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the audit's outputs in " + dir + ": " + e.getMessage(), e);
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
      throw new java.io.UncheckedIOException("cannot write the audit state in " + dir + ": " + e.getMessage(), e);
    }
  }
}

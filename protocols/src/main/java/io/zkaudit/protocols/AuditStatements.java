package io.zkaudit.protocols;

import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The canonical bytes of the accuracy audit's messages, and the two rules both parties must apply
 * identically: the commitment to a test set and how a verified output counts as correct. The same
 * style as {@link Statements} (a domain tag per kind, fields in a fixed order, byte strings
 * length-prefixed, numbers big-endian), with tags of their own so that no audit signature verifies
 * as another message.
 */
public final class AuditStatements {
  private AuditStatements() {}

  public static final int SALT_BYTES = 32;

  /**
   * One committed sample: salted, so that the commitment reveals nothing about a guessable input or
   * label.
   */
  public static byte[] sampleHash(int index, byte[] salt, byte[] inputHash, int label) {
    return PartyKey.sha256(
        write(
            out -> {
              text(out, "zkaudit/audit-sample/v1");
              out.writeInt(index);
              bytes(out, salt);
              bytes(out, inputHash);
              out.writeInt(label);
            }));
  }

  /**
   * The test set: a hash over the count and every sample hash in order. A plain list, not a Merkle
   * tree: the whole set is revealed, and the seller holds every sample hash from the start, so it
   * checks each revealed sample against its own hash directly.
   */
  public static byte[] testSetHash(List<byte[]> sampleHashes) {
    return PartyKey.sha256(
        write(
            out -> {
              text(out, "zkaudit/audit-test-set/v1");
              out.writeInt(sampleHashes.size());
              for (byte[] h : sampleHashes) {
                bytes(out, h);
              }
            }));
  }

  public static byte[] commitment(AuditCommitment c) {
    return write(
        out -> {
          text(out, "zkaudit/audit-commit/v1");
          text(out, c.getAuditId());
          bytes(out, c.getModelId().toByteArray());
          out.writeInt(c.getSampleCount());
          bytes(out, c.getTestSetHash().toByteArray());
          out.writeInt(c.getLabelOffset());
          out.writeLong(c.getRequestedAtMillis());
          // Appended only for an on-chain audit, so that signatures over off-chain audits stay as
          // they were.
          if (c.getChainAuditId() != 0) {
            out.writeLong(c.getChainAuditId());
            bytes(out, c.getChainSalt().toByteArray());
          }
          // Likewise appended only for an accuracy-proof audit (per-sample ones sign as before).
          if (c.getProofKind() == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF) {
            text(out, "accuracy-proof");
          }
        });
  }

  public static byte[] terms(AuditTerms t) {
    return write(
        out -> {
          text(out, "zkaudit/audit-terms/v1");
          text(out, t.getAuditId());
          bytes(out, t.getCommitmentHash().toByteArray());
          bytes(out, t.getModelId().toByteArray());
          bytes(out, t.getBuyer().toByteArray());
          out.writeInt(t.getSampleCount());
          bytes(out, t.getTestSetHash().toByteArray());
          out.writeInt(t.getLabelOffset());
          out.writeDouble(t.getClaimedAccuracy());
          out.writeLong(t.getStake());
          out.writeLong(t.getDeadlineMillis());
          out.writeLong(t.getSignedAtMillis());
          if (t.getChainAuditId() != 0) {
            out.writeLong(t.getChainAuditId());
          }
        });
  }

  /**
   * The test set hash AuditEscrow holds for an audit, by its proof kind. ACCURACY_PROOF: the digest
   * of the buyer's test-set commitment T as it is ({@code testSetHash}; T holds the labels as class
   * indices, so it binds the offset already), what the accuracy proof's transcript absorbs and the
   * attester checks T against. PER_SAMPLE_PROOFS: {@link #chainTestSetHash}.
   */
  public static byte[] escrowTestSetHash(
      io.zkaudit.proto.v1.AuditProofKind kind, byte[] testSetHash, int labelOffset) {
    return kind == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF
        ? testSetHash.clone()
        : chainTestSetHash(testSetHash, labelOffset);
  }

  /**
   * The test set hash AuditEscrow holds for a per-sample audit: the protocol's test set hash (of
   * the salted sample hashes) and the label offset together, since a count of correct predictions
   * depends on both. What the buyer commits to on-chain (salted), reveals there, and what the
   * attester recomputes from the revealed samples before it attests a count.
   */
  public static byte[] chainTestSetHash(byte[] testSetHash, int labelOffset) {
    return PartyKey.sha256(
        write(
            out -> {
              text(out, "zkaudit/audit-chain-test-set/v1");
              bytes(out, testSetHash);
              out.writeInt(labelOffset);
            }));
  }

  /**
   * The labels an accuracy proof is about: class indices of the model's output, label +
   * label_offset (the argmax rule of {@link #predictedClass} read the other way round), so that the
   * proof's count is the count of samples {@link #predictedClass} calls correct. The audit's test
   * set hash binds the labels and the offset, hence exactly these class indices.
   */
  public static int[] classIndices(int[] labels, int labelOffset) {
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = Math.addExact(labels[i], labelOffset);
    }
    return out;
  }

  /**
   * A claimed accuracy in AuditEscrow's basis points, rounded down: the on-chain rule (correct ×
   * 10,000 ≥ bps × total) then never asks more than the off-chain claim.
   */
  public static int claimBps(double claimedAccuracy) {
    return (int) Math.floor(claimedAccuracy * 10_000 + 1e-9);
  }

  public static byte[] access(AuditAccess a) {
    return write(
        out -> {
          text(out, "zkaudit/audit-access/v1");
          text(out, a.getAuditId());
          out.writeInt(a.getFromIndex());
          out.writeLong(a.getRequestedAtMillis());
        });
  }

  public static byte[] result(ResultStatement r) {
    return write(
        out -> {
          text(out, "zkaudit/audit-result/v1");
          text(out, r.getAuditId());
          bytes(out, r.getTermsHash().toByteArray());
          out.writeInt(r.getSamples());
          out.writeInt(r.getVerified());
          out.writeInt(r.getCorrect());
          out.writeInt(r.getVerdictValue());
          text(out, r.getReason());
        });
  }

  public static byte[] hash(byte[] canonical) {
    return PartyKey.sha256(canonical);
  }

  /**
   * The predicted class of a verified output: the index of the largest value, the lowest index on a
   * tie (a rule both parties apply, so a tie cannot be argued either way), minus the label offset.
   * A prediction of the offset classes (ImageNet's "background") is -1 or below and never equals a
   * label.
   */
  public static int predictedClass(int[] output, int labelOffset) {
    int best = 0;
    for (int i = 1; i < output.length; i++) {
      if (output[i] > output[best]) {
        best = i;
      }
    }
    return best - labelOffset;
  }

  /** The verdict for a complete, fully verified audit: it passes if correct / samples ≥ claimed. */
  public static Verdict verdict(int correct, int samples, double claimedAccuracy) {
    // Compared as counts, so no rounding of correct / samples decides an audit.
    return correct >= Math.ceil(claimedAccuracy * samples - 1e-9)
        ? Verdict.PASSED
        : Verdict.BELOW_CLAIM;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer w) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    bytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }
}

package io.zkaudit.protocols;

import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.RegisterModelRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The canonical bytes each party signs. Protobuf encodings are not canonical across
 * implementations, so signatures cover these explicit encodings instead: a domain tag (one per
 * message kind, so a signature on one kind never verifies as another), then every field in a fixed
 * order, strings and byte strings each preceded by their length.
 */
public final class Statements {
  private Statements() {}

  public static byte[] register(RegisterModelRequest r) {
    return write(
        out -> {
          tag(out, "zkaudit/register/v1");
          bytes(out, PartyKey.sha256(r.getVerifyingKey().toByteArray()));
          text(out, r.getName());
          out.writeInt(r.getMetricsCount());
          for (ClaimedMetric m : r.getMetricsList()) {
            text(out, m.getName());
            out.writeDouble(m.getValue());
            text(out, m.getDataset());
          }
          // Appended only when present, so that registrations without one keep their signatures.
          if (r.hasInputNormalization()) {
            io.zkaudit.proto.v1.InputNormalization n = r.getInputNormalization();
            tag(out, "input-normalization");
            out.writeDouble(n.getLo());
            out.writeDouble(n.getHi());
            out.writeInt(n.getMeanCount());
            for (double v : n.getMeanList()) {
              out.writeDouble(v);
            }
            out.writeInt(n.getStdCount());
            for (double v : n.getStdList()) {
              out.writeDouble(v);
            }
          }
        });
  }

  public static byte[] answer(AnswerStatement a) {
    return write(
        out -> {
          tag(out, "zkaudit/answer/v1");
          text(out, a.getAnswerId());
          bytes(out, a.getModelId().toByteArray());
          bytes(out, a.getBuyer().toByteArray());
          bytes(out, a.getInputHash().toByteArray());
          bytes(out, a.getOutputHash().toByteArray());
          out.writeLong(a.getCreatedAtMillis());
        });
  }

  /**
   * A buyer's predict request: the model, the input's hash (the input itself is bound through it),
   * the buyer, the on-chain order (0 for none), the request time and the nonce that make it
   * single-use.
   */
  public static byte[] predict(PredictRequest r) {
    return write(
        out -> {
          tag(out, "zkaudit/predict/v1");
          bytes(out, r.getModelId().toByteArray());
          bytes(out, tensorHash(Tensors.fromList(r.getInputList())));
          bytes(out, r.getBuyer().toByteArray());
          out.writeLong(r.getOrderId());
          out.writeLong(r.getRequestedAtMillis());
          text(out, r.getNonce());
        });
  }

  public static byte[] contest(ContestRequest c) {
    return write(
        out -> {
          tag(out, "zkaudit/contest/v1");
          text(out, c.getContestId());
          out.writeInt(c.getAnswerIdsCount());
          for (String id : c.getAnswerIdsList()) {
            text(out, id);
          }
          out.writeLong(c.getRequestedAtMillis());
        });
  }

  /** The hash of a tensor that answers record: the same function as a proof's input hash. */
  public static byte[] tensorHash(int[] values) {
    return ModelVerifier.inputHash(values).bytes();
  }

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  static byte[] write(Writer w) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static void tag(DataOutputStream out, String tag) throws IOException {
    text(out, tag);
  }

  static void text(DataOutputStream out, String s) throws IOException {
    bytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }
}

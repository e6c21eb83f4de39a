package io.zkaudit.simulations.economics;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The measured costs the economics scenario prices (resource /calibration/costs.json). */
public record Calibration(
    String note,
    String machine,
    int coresPerProof,
    String coresSource,
    List<Model> models,
    Gas gas) {
  /** One model's zero-knowledge proof, as measured. */
  public record Model(
      String name,
      String title,
      double proveSeconds,
      long proofBytes,
      double verifySeconds,
      String source) {
    public double coreSeconds(int cores) {
      return proveSeconds * cores;
    }
  }

  /** Gas of the escrow flows. */
  public record Gas(long contestedAnswer, long auditSettled, long predictionOrder, String source) {}

  public Optional<Model> model(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** The calibration shipped in the jar. */
  public static Calibration shipped() {
    try (InputStream in = Calibration.class.getResourceAsStream("/calibration/costs.json")) {
      if (in == null)
        throw new IllegalStateException("calibration/costs.json is missing from the jar");
      return new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(in, Calibration.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

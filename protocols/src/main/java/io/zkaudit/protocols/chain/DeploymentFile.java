package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.EscrowDeployment;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A deployment's addresses in a small properties file (chainId, registry, proofVerifier,
 * predictionEscrow, auditEscrow), written by whoever deployed the contracts and read by sellers and
 * buyers so both talk to the same contracts.
 */
public final class DeploymentFile {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  private DeploymentFile() {}

  public static void write(Path file, EscrowDeployment d) {
    Properties p = new Properties();
    p.setProperty("chainId", Long.toString(d.chainId()));
    p.setProperty("registry", d.registry());
    p.setProperty("proofVerifier", d.proofVerifier());
    p.setProperty("predictionEscrow", d.predictionEscrow());
    p.setProperty("auditEscrow", d.auditEscrow());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "zkaudit escrow deployment");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads and validates a deployment file; a missing or malformed one is an
   * IllegalArgumentException naming the key.
   */
  public static EscrowDeployment read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the deployment file " + file + ": " + e.getMessage(), e);
    }
    long chainId;
    try {
      chainId = Long.parseLong(p.getProperty("chainId", "").strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": chainId is not a number");
    }
    return new EscrowDeployment(
        chainId,
        address(p, "registry", file),
        address(p, "proofVerifier", file),
        address(p, "predictionEscrow", file),
        address(p, "auditEscrow", file));
  }

  private static String address(Properties p, String key, Path file) {
    String v = p.getProperty(key, "").strip();
    if (!ADDRESS.matcher(v).matches()) {
      throw new IllegalArgumentException(
          file + ": " + key + " is not an address (0x and 40 hex digits): '" + v + "'");
    }
    return v;
  }
}

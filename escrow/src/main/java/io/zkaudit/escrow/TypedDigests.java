package io.zkaudit.escrow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.StructuredDataEncoder;

/**
 * The EIP-712 digests the contracts check signatures against, computed off-chain with web3j's
 * EIP-712 encoder (an implementation independent of the contracts; tests compare the two).
 */
public final class TypedDigests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Map<String, String>> DOMAIN_FIELDS =
      fields(
          "name",
          "string",
          "version",
          "string",
          "chainId",
          "uint256",
          "verifyingContract",
          "address");

  // Names and versions as in the contracts' Eip712 constructors.
  static final String PREDICTION_ESCROW = "zkaudit.PredictionEscrow";
  static final String AUDIT_ESCROW = "zkaudit.AuditEscrow";
  static final String ATTESTATION_VERIFIER = "zkaudit.AttestationVerifier";
  private static final String VERSION = "1";

  private TypedDigests() {}

  /** What the seller signs for each answer of an order. */
  public static Bytes32 answer(
      EscrowDeployment deployment, long orderId, Bytes32 inputHash, Bytes32 outputHash) {
    return digest(
        PREDICTION_ESCROW,
        deployment.chainId(),
        deployment.predictionEscrow(),
        "Answer",
        fields("orderId", "uint256", "inputHash", "bytes32", "outputHash", "bytes32"),
        values("orderId", orderId, "inputHash", inputHash.hex(), "outputHash", outputHash.hex()));
  }

  /** What buyer and seller both sign for an audit result. */
  public static Bytes32 auditResult(EscrowDeployment deployment, AuditResult result) {
    return digest(
        AUDIT_ESCROW,
        deployment.chainId(),
        deployment.auditEscrow(),
        "AuditResult",
        fields(
            "auditId", "uint256", "testSetHash", "bytes32", "correct", "uint32", "total", "uint32"),
        values(
            "auditId",
            result.auditId(),
            "testSetHash",
            result.testSetHash().hex(),
            "correct",
            result.correct(),
            "total",
            result.total()));
  }

  /**
   * What an audit's seller signs once it holds the whole test set (AuditEscrow.revealTestSet checks
   * it).
   */
  public static Bytes32 testSetReceipt(
      EscrowDeployment deployment, long auditId, Bytes32 testSetHash) {
    return digest(
        AUDIT_ESCROW,
        deployment.chainId(),
        deployment.auditEscrow(),
        "TestSetReceived",
        fields("auditId", "uint256", "testSetHash", "bytes32"),
        values("auditId", auditId, "testSetHash", testSetHash.hex()));
  }

  /** What the designated verifier signs after checking a prediction proof. */
  public static Bytes32 predictionAttestation(
      EscrowDeployment deployment,
      Bytes32 weightCommitment,
      Bytes32 inputHash,
      Bytes32 outputHash) {
    return digest(
        ATTESTATION_VERIFIER,
        deployment.chainId(),
        deployment.proofVerifier(),
        "PredictionVerified",
        fields("weightCommitment", "bytes32", "inputHash", "bytes32", "outputHash", "bytes32"),
        values(
            "weightCommitment",
            weightCommitment.hex(),
            "inputHash",
            inputHash.hex(),
            "outputHash",
            outputHash.hex()));
  }

  /** What the designated verifier signs after checking the proofs of an accuracy audit. */
  public static Bytes32 accuracyAttestation(
      EscrowDeployment deployment,
      Bytes32 weightCommitment,
      Bytes32 testSetHash,
      int correct,
      int total) {
    return digest(
        ATTESTATION_VERIFIER,
        deployment.chainId(),
        deployment.proofVerifier(),
        "AccuracyVerified",
        fields(
            "weightCommitment",
            "bytes32",
            "testSetHash",
            "bytes32",
            "correct",
            "uint32",
            "total",
            "uint32"),
        values(
            "weightCommitment",
            weightCommitment.hex(),
            "testSetHash",
            testSetHash.hex(),
            "correct",
            correct,
            "total",
            total));
  }

  private static Bytes32 digest(
      String name,
      long chainId,
      String contract,
      String primaryType,
      List<Map<String, String>> typeFields,
      Map<String, Object> message) {
    Map<String, Object> typedData = new LinkedHashMap<>();
    typedData.put("types", Map.of("EIP712Domain", DOMAIN_FIELDS, primaryType, typeFields));
    typedData.put("primaryType", primaryType);
    typedData.put(
        "domain",
        values(
            "name", name, "version", VERSION, "chainId", chainId, "verifyingContract", contract));
    typedData.put("message", message);
    try {
      return new Bytes32(
          new StructuredDataEncoder(JSON.writeValueAsString(typedData)).hashStructuredData());
    } catch (JsonProcessingException e) {
      throw EscrowException.failed("encoding typed data", e);
    } catch (IOException | RuntimeException e) {
      throw EscrowException.failed("hashing typed data " + primaryType, e);
    }
  }

  // name, type, name, type, ... -> the EIP-712 field list
  private static List<Map<String, String>> fields(String... namesAndTypes) {
    List<Map<String, String>> fields = new java.util.ArrayList<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      fields.add(Map.of("name", namesAndTypes[i], "type", namesAndTypes[i + 1]));
    }
    return List.copyOf(fields);
  }

  private static Map<String, Object> values(Object... namesAndValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return values;
  }
}

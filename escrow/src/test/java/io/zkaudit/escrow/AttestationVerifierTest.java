package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.AttestationVerifier;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The interim IProofVerifier answers true only for the designated verifier's exact claims, never
 * reverts.
 */
@ExtendWith(AnvilExtension.class)
class AttestationVerifierTest {
  private EscrowFixture f;
  private ChainSession reader;
  private AttestationVerifier verifier;

  @BeforeEach
  void deploy(ChainNode node) {
    f = EscrowFixture.deploy(node);
    reader =
        new ChainSession(
            node.web3j(), node.newAccount(BigInteger.ZERO), ChainNode.CHAIN_ID, GasListener.NONE);
    verifier =
        AttestationVerifier.load(
            f.deployment.proofVerifier(), node.web3j(), reader.transactions, reader.gas);
  }

  @Test
  void javaAndContractAgreeOnAttestationDigests() {
    Bytes32 model = Bytes32.random();
    Bytes32 a = Bytes32.random();
    Bytes32 b = Bytes32.random();
    assertArrayEquals(
        TypedDigests.predictionAttestation(f.deployment, model, a, b).bytes(),
        reader.call("digest", verifier.predictionDigest(model.bytes(), a.bytes(), b.bytes())));
    assertArrayEquals(
        TypedDigests.accuracyAttestation(f.deployment, model, a, 7, 9).bytes(),
        reader.call(
            "digest",
            verifier.accuracyDigest(
                model.bytes(), a.bytes(), BigInteger.valueOf(7), BigInteger.valueOf(9))));
  }

  @Test
  void acceptsOnlyTheAttestersSignatureOverTheSameClaim() {
    Bytes32 model = Bytes32.random();
    Bytes32 input = Bytes32.random();
    Bytes32 output = Bytes32.random();
    byte[] proof = f.attester.attestPrediction(model, input, output);
    assertTrue(
        reader.call(
            "verify",
            verifier.verifyPrediction(
                BigInteger.ONE, model.bytes(), input.bytes(), output.bytes(), proof)));
    assertFalse(
        reader.call(
            "verify",
            verifier.verifyPrediction(
                BigInteger.ONE, model.bytes(), output.bytes(), input.bytes(), proof)));
    byte[] flipped = proof.clone();
    flipped[10] ^= 1;
    for (byte[] bad : new byte[][] {flipped, new byte[0], new byte[65], new byte[200]}) {
      assertFalse(
          reader.call(
              "verify",
              verifier.verifyPrediction(
                  BigInteger.ONE, model.bytes(), input.bytes(), output.bytes(), bad)));
    }
    byte[] accuracy = f.attester.attestAccuracy(model, input, 5, 10);
    assertTrue(
        reader.call(
            "verify",
            verifier.verifyAccuracy(
                BigInteger.ONE,
                model.bytes(),
                input.bytes(),
                BigInteger.valueOf(5),
                BigInteger.TEN,
                accuracy)));
    assertFalse(
        reader.call(
            "verify",
            verifier.verifyAccuracy(
                BigInteger.ONE,
                model.bytes(),
                input.bytes(),
                BigInteger.valueOf(6),
                BigInteger.TEN,
                accuracy)));
    // an accuracy attestation is not a prediction attestation, even over the same words
    assertFalse(
        reader.call(
            "verify",
            verifier.verifyPrediction(
                BigInteger.ONE, model.bytes(), input.bytes(), output.bytes(), accuracy)));
  }
}

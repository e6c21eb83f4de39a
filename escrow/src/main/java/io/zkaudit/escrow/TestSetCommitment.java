package io.zkaudit.escrow;

import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The buyer's commit-reveal pair for a test set: it publishes {@link #commitment()} when it
 * requests the audit and reveals the hash and salt after the seller has staked. The salt keeps a
 * guessable test set (a public benchmark, say) from being recognised by its hash early.
 */
public record TestSetCommitment(Bytes32 testSetHash, Bytes32 salt) {

  public static TestSetCommitment withRandomSalt(Bytes32 testSetHash) {
    return new TestSetCommitment(testSetHash, Bytes32.random());
  }

  /** keccak256(abi.encode(testSetHash, salt)), as AuditEscrow.revealTestSet checks it. */
  public Bytes32 commitment() {
    List<Type> words = List.of(AbiValues.bytes32(testSetHash), AbiValues.bytes32(salt));
    String encoded = FunctionEncoder.encodeConstructor(words); // abi.encode of the arguments
    return new Bytes32(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
  }
}

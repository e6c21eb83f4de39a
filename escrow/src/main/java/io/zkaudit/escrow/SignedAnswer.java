package io.zkaudit.escrow;

/**
 * The seller's signed statement "for order {@code orderId}, input with hash {@code inputHash} gave
 * output with hash {@code outputHash}". The buyer keeps it to contest the answer on-chain.
 */
public record SignedAnswer(long orderId, Bytes32 inputHash, Bytes32 outputHash, byte[] signature) {
  public SignedAnswer {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }
}

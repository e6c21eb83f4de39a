package io.zkaudit.escrow;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;

/** secp256k1 signatures over 32-byte digests in the contracts' format: r ‖ s ‖ v, 65 bytes. */
public final class Signatures {
  public static final int LENGTH = 65;

  private Signatures() {}

  /** Signs the digest itself (no "Ethereum Signed Message" prefix: EIP-712 digests are final). */
  public static byte[] sign(Credentials signer, Bytes32 digest) {
    Sign.SignatureData signature = Sign.signMessage(digest.bytes(), signer.getEcKeyPair(), false);
    byte[] out = new byte[LENGTH];
    System.arraycopy(signature.getR(), 0, out, 0, 32);
    System.arraycopy(signature.getS(), 0, out, 32, 32);
    out[64] = signature.getV()[0];
    return out;
  }
}

package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.protocols.PartyKey;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * One secp256k1 key, two roles: a party's protocol identity ({@link PartyKey}, named by its
 * compressed public key) is also its Ethereum account, so a buyer's order on-chain and its requests
 * off-chain are provably by the same party.
 */
public final class ChainKeys {
  private ChainKeys() {}

  /** The web3j credentials of the same private key. */
  public static Credentials credentials(PartyKey key) {
    return Credentials.create(key.privateHex());
  }

  /** The Ethereum address (0x + 40 lowercase hex digits) of a compressed public key. */
  public static String address(byte[] compressedPublicKey) {
    byte[] uncompressed =
        CustomNamedCurves.getByName("secp256k1")
            .getCurve()
            .decodePoint(compressedPublicKey)
            .getEncoded(false);
    BigInteger xy = new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, uncompressed.length));
    return "0x" + Keys.getAddress(xy);
  }

  /** The address that made a 65-byte r || s || v signature over a digest, or empty if malformed. */
  public static java.util.Optional<String> signer(Bytes32 digest, byte[] signature) {
    if (signature.length != 65) {
      return java.util.Optional.empty();
    }
    byte v = signature[64];
    if (v < 27) {
      v += 27;
    }
    try {
      BigInteger key =
          Sign.signedMessageHashToKey(
              digest.bytes(),
              new Sign.SignatureData(
                  v, Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64)));
      return java.util.Optional.of("0x" + Keys.getAddress(key));
    } catch (java.security.SignatureException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  public static boolean sameAddressOf(String a, String b) {
    return a != null && b != null && a.equalsIgnoreCase(b);
  }
}

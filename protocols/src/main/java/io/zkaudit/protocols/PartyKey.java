package io.zkaudit.protocols;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.Signature;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A party's secp256k1 identity: the curve of Ethereum accounts, so a seller or buyer signs protocol
 * messages with the key it uses on-chain. Signatures are deterministic ECDSA (RFC 6979) over
 * SHA-256 of the message, with s normalised to the lower half so that each message has exactly one
 * valid signature (no malleated copies to replay).
 */
public final class PartyKey {
  public static final int PUBLIC_KEY_BYTES = 33;
  public static final int SIGNATURE_BYTES = 64;

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);

  private final BigInteger secret;
  private final byte[] publicKey;

  private PartyKey(BigInteger secret) {
    if (secret.signum() <= 0 || secret.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("a secp256k1 private key is in [1, n)");
    }
    this.secret = secret;
    this.publicKey = CURVE.getG().multiply(secret).normalize().getEncoded(true);
  }

  public static PartyKey generate() {
    SecureRandom random = new SecureRandom();
    BigInteger d;
    do {
      d = new BigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0);
    return new PartyKey(d);
  }

  /** From 32 bytes of private key as 64 hex digits (the format of key files). */
  public static PartyKey fromHex(String hex) {
    String h = hex.strip();
    if (h.startsWith("0x")) {
      h = h.substring(2);
    }
    if (h.length() != 64) {
      throw new IllegalArgumentException(
          "a private key is 64 hex digits, not " + h.length() + " characters");
    }
    return new PartyKey(new BigInteger(1, HexFormat.of().parseHex(h)));
  }

  public String privateHex() {
    byte[] b = secret.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return HexFormat.of().formatHex(out);
  }

  /** The compressed public key (33 bytes): how the protocols name a party. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  public ByteString publicKeyBytes() {
    return ByteString.copyFrom(publicKey);
  }

  /** True if the bytes are a compressed point on secp256k1. */
  public static boolean isPublicKey(byte[] encoded) {
    if (encoded.length != PUBLIC_KEY_BYTES) {
      return false;
    }
    try {
      CURVE.getCurve().decodePoint(encoded);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public Signature sign(byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(secret, DOMAIN));
    BigInteger[] rs = signer.generateSignature(sha256(message));
    BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
    byte[] out = new byte[SIGNATURE_BYTES];
    put32(rs[0], out, 0);
    put32(s, out, 32);
    return Signature.newBuilder()
        .setPublicKey(publicKeyBytes())
        .setRs(ByteString.copyFrom(out))
        .build();
  }

  /** True if the signature is well formed, low-s, and by the key it names over this message. */
  public static boolean verify(Signature sig, byte[] message) {
    if (sig.getPublicKey().size() != PUBLIC_KEY_BYTES || sig.getRs().size() != SIGNATURE_BYTES) {
      return false;
    }
    ECPoint q;
    try {
      q = CURVE.getCurve().decodePoint(sig.getPublicKey().toByteArray());
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] rs = sig.getRs().toByteArray();
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
    if (r.signum() == 0
        || s.signum() == 0
        || r.compareTo(CURVE.getN()) >= 0
        || s.compareTo(HALF_N) > 0) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
    return verifier.verifySignature(sha256(message), r, s);
  }

  private static void put32(BigInteger v, byte[] out, int at) {
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, at + 32 - n, n);
  }

  static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}

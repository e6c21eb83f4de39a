package io.zkaudit.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, zkaudit's hash for Merkle trees and the Fiat-Shamir transcript.
 *
 * <p>Chosen over keccak-256 after measuring both (docs/hash-choice.md, {@code zkaudit bench core}):
 * the JDK's SHA-256 runs on the CPU's SHA extensions and is several times faster than a Java
 * keccak, and the EVM still checks it with the 0x02 precompile (60 + 12 gas per word). {@link
 * MessageDigest} is not thread-safe, so each thread gets its own instance.
 */
public final class Sha256 {
  private Sha256() {}

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::create);

  public static MessageDigest create() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The calling thread's digest, reset and ready. */
  public static MessageDigest threadLocal() {
    MessageDigest md = DIGEST.get();
    md.reset();
    return md;
  }

  public static byte[] hash(byte[] data) {
    return threadLocal().digest(data);
  }

  public static byte[] hash(byte[] a, byte[] b) {
    MessageDigest md = threadLocal();
    md.update(a);
    md.update(b);
    return md.digest();
  }
}

package io.zkaudit.zk;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.sumcheck.MaskPolynomial;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The prover's secret randomness for zero knowledge: uniform field elements from AES-128 in counter
 * mode under a key drawn from the operating system's generator. Masks must be unpredictable to the
 * verifier (a predictable mask is subtracted away), so no {@link java.util.Random}; AES-CTR because
 * the JDK accelerates it (AES-NI), about 1 GB/s, which keeps filling millions of padding entries
 * out of the prover's profile.
 *
 * <p>Not thread-safe: one instance per proof.
 */
public final class ZkRandom {
  /** The size of a derived stream's key ({@link #derivedSeed}). */
  public static final int SEED_BYTES = 16;

  private static final int BLOCK_LONGS = 512;
  private final Cipher cipher;
  private final byte[] zeros = new byte[8 * BLOCK_LONGS];
  private final long[] buffer = new long[BLOCK_LONGS];
  private int next = BLOCK_LONGS;

  private ZkRandom(byte[] key) {
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is not available", e);
    }
  }

  /** Fresh randomness for one proof. */
  public static ZkRandom fresh() {
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    return new ZkRandom(key);
  }

  /**
   * Reproducible secret randomness: the stream of a keyed PRF, HMAC-SHA256(secret, label), as the
   * AES key. For what must be the same at every run yet unpredictable to others, such as the hiding
   * entries of a model's weight commitment (derived from the seller's hiding key and the model, so
   * re-committing gives the same model commitment).
   */
  public static ZkRandom derived(byte[] secret, byte[] label) {
    return new ZkRandom(derivedSeed(secret, label));
  }

  /**
   * The 16-byte AES key that {@link #derived} runs on: a PRF output, so handing it out (to let
   * someone recompute one derived commitment, e.g. of a retrieved item) reveals that one stream and
   * nothing of the secret or of streams for other labels.
   */
  public static byte[] derivedSeed(byte[] secret, byte[] label) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("a secret needs at least 128 bits");
    }
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update("zkaudit/derived-randomness/v1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Arrays.copyOf(mac.doFinal(label), SEED_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /**
   * The stream of a seed from {@link #derivedSeed}: {@code ofSeed(derivedSeed(s, l))} is {@code
   * derived(s, l)}.
   */
  public static ZkRandom ofSeed(byte[] seed) {
    if (seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("a seed has " + SEED_BYTES + " bytes, not " + seed.length);
    }
    return new ZkRandom(seed.clone());
  }

  /** Reproducible randomness, for tests only: the same seed gives the same masks. */
  public static ZkRandom seeded(long seed) {
    byte[] key = new byte[16];
    for (int i = 0; i < 8; i++) {
      key[i] = (byte) (seed >>> (8 * i));
    }
    key[15] = 0x5a;
    return new ZkRandom(key);
  }

  private long nextWord() {
    if (next == BLOCK_LONGS) {
      byte[] ks = cipher.update(zeros);
      for (int i = 0; i < BLOCK_LONGS; i++) {
        long w = 0;
        for (int b = 7; b >= 0; b--) {
          w = (w << 8) | (ks[8 * i + b] & 0xFF);
        }
        buffer[i] = w;
      }
      next = 0;
    }
    return buffer[next++];
  }

  /**
   * A uniform element of Goldilocks (rejection sampling: a word is rejected with probability
   * 2^-32).
   */
  public long nextField() {
    while (true) {
      long w = nextWord();
      if (Long.compareUnsigned(w, Goldilocks.P) < 0) {
        return w;
      }
    }
  }

  public Ext2 nextExt() {
    return new Ext2(nextField(), nextField());
  }

  /** A uniform Libra mask for a sumcheck of numVars variables and round degree degree. */
  public MaskPolynomial mask(int numVars, int degree) {
    Ext2[][] c = new Ext2[numVars][degree + 1];
    for (Ext2[] row : c) {
      for (int k = 0; k < row.length; k++) {
        row[k] = nextExt();
      }
    }
    return new MaskPolynomial(c);
  }

  /** Overwrites the entries of table that {@code free} selects with uniform field elements. */
  public void fill(long[] table, java.util.function.IntPredicate free) {
    for (int i = 0; i < table.length; i++) {
      if (free.test(i)) {
        table[i] = nextField();
      }
    }
  }
}

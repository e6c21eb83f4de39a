package io.zkaudit.transcript;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The Fiat-Shamir transcript: a SHA-256 hash chain that absorbs every prover message, in order,
 * before the challenges that depend on it.
 *
 * <p>Format (version 1). The state is a 32-byte digest.
 *
 * <ul>
 *   <li>init: state = H("zkaudit/transcript/v1" || u32 len || domain)
 *   <li>absorb: state = H(state || 0x01 || u32 len || label || u64 len || data)
 *   <li>challenge: state = H(state || 0x02 || u32 len || label); then words are drawn as H(state ||
 *       0x03 || u32 counter), 4 little-endian u64 words per block, and words >= p are rejected
 *       (probability 2^-32 each), so every challenge is uniform.
 * </ul>
 *
 * Labels separate the message types; lengths make the encoding injective. The prover and the
 * verifier run the same transcript, so a message the prover forgets to absorb is caught by tests
 * that alter it (the Plonky3 advisory in PRIOR_ART is the lesson).
 */
public final class Transcript {
  public static final String VERSION_TAG = "zkaudit/transcript/v1";

  private byte[] state;
  private final MessageDigest md = Sha256.create();

  public Transcript(String domain) {
    md.update(VERSION_TAG.getBytes(StandardCharsets.UTF_8));
    putLabel(domain);
    state = md.digest();
  }

  /** An independent copy, e.g. to run a sub-protocol speculatively in tests. */
  public Transcript fork() {
    Transcript t = new Transcript("fork");
    t.state = state.clone();
    return t;
  }

  public void absorbBytes(String label, byte[] data) {
    md.update(state);
    md.update((byte) 0x01);
    putLabel(label);
    md.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array());
    md.update(data);
    state = md.digest();
  }

  public void absorbDigest(String label, Digest32 digest) {
    absorbBytes(label, digest.bytes());
  }

  public void absorbLong(String label, long value) {
    absorbBytes(label, le(value));
  }

  public void absorbField(String label, long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    absorbBytes(label, b.array());
  }

  public void absorbExt(String label, Ext2... values) {
    ByteBuffer b = ByteBuffer.allocate(16 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (Ext2 v : values) {
      b.putLong(v.c0()).putLong(v.c1());
    }
    absorbBytes(label, b.array());
  }

  /** Draws {@code count} uniform base-field elements. */
  public long[] challengeFields(String label, int count) {
    md.update(state);
    md.update((byte) 0x02);
    putLabel(label);
    state = md.digest();
    long[] out = new long[count];
    int filled = 0;
    int counter = 0;
    while (filled < count) {
      md.update(state);
      md.update((byte) 0x03);
      md.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(counter++).array());
      ByteBuffer block = ByteBuffer.wrap(md.digest()).order(ByteOrder.LITTLE_ENDIAN);
      while (block.remaining() >= 8 && filled < count) {
        long w = block.getLong();
        if (Goldilocks.isCanonical(w)) {
          out[filled++] = w;
        }
      }
    }
    return out;
  }

  public long challengeField(String label) {
    return challengeFields(label, 1)[0];
  }

  public Ext2 challengeExt(String label) {
    long[] w = challengeFields(label, 2);
    return new Ext2(w[0], w[1]);
  }

  public Ext2[] challengeExts(String label, int count) {
    long[] w = challengeFields(label, 2 * count);
    Ext2[] out = new Ext2[count];
    for (int i = 0; i < count; i++) {
      out[i] = new Ext2(w[2 * i], w[2 * i + 1]);
    }
    return out;
  }

  /** Uniform indices in [0, bound) for query positions (bound a power of two). */
  public int[] challengeIndices(String label, int count, int bound) {
    if (bound <= 0 || Integer.bitCount(bound) != 1) {
      throw new IllegalArgumentException("index bound must be a power of two: " + bound);
    }
    long[] w = challengeFields(label, count);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = (int) (w[i] & (bound - 1)); // low bits of a uniform word are uniform up to 2^-32
    }
    return out;
  }

  /** The current state, for binding sub-protocols and for tests. */
  public Digest32 state() {
    return new Digest32(state);
  }

  private void putLabel(String label) {
    byte[] l = label.getBytes(StandardCharsets.UTF_8);
    md.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(l.length).array());
    md.update(l);
  }

  private static byte[] le(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }
}

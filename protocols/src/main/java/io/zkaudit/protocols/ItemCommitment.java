package io.zkaudit.protocols;

import io.zkaudit.inference.ModelVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The seller's commitment to an ordered item set: the Merkle tree hash of RFC 6962 §2.1 (SHA-256,
 * leaf hashes prefixed 0x00 and node hashes 0x01, so no leaf can pose as a node; the tree splits at
 * the largest power of two below n, so any count works without padding). Each leaf is the item's
 * name (u32 length, UTF-8) and {@link ModelVerifier#inputHash} of its tensor, the hash a proof
 * names, so a buyer holding a proof and a name can recompute the leaf.
 */
public final class ItemCommitment {
  private ItemCommitment() {}

  public static byte[] leaf(String name, byte[] tensorHash) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + n.length + tensorHash.length);
    b.put((byte) 0).putInt(n.length).put(n).put(tensorHash);
    return PartyKey.sha256(b.array());
  }

  /**
   * The root over leaf hashes (from {@link #leaf}); the empty set has SHA-256 of nothing, as in RFC
   * 6962.
   */
  public static byte[] root(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return PartyKey.sha256(new byte[0]);
    }
    List<byte[]> level = new ArrayList<>(leaves);
    return subtree(level, 0, level.size());
  }

  private static byte[] subtree(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1); // the largest power of two below n
    byte[] left = subtree(leaves, from, from + k);
    byte[] right = subtree(leaves, from + k, to);
    ByteBuffer b = ByteBuffer.allocate(1 + left.length + right.length);
    b.put((byte) 1).put(left).put(right);
    return PartyKey.sha256(b.array());
  }
}

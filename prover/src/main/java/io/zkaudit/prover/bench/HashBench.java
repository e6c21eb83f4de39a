package io.zkaudit.prover.bench;

import io.zkaudit.hash.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Throughput of SHA-256 (JDK, SHA-NI intrinsic where the CPU has it) and keccak-256 (BouncyCastle
 * {@code KeccakDigest(256)}) on one thread, for 64-byte messages (a Merkle node) and 4 KB messages
 * (bulk). Prints the median of 5 timed runs after warm-up. See docs/hash-choice.md.
 *
 * <p>Run: {@code java -cp verifier/target/classes:prover/target/classes:$BCPROV
 * io.zkaudit.prover.bench.HashBench}
 */
public final class HashBench {
  private HashBench() {}

  /** One measured row. */
  public record Row(String hash, int messageBytes, double nsPerHash, double mbPerSecond) {}

  public static List<Row> run() {
    List<Row> rows = new ArrayList<>();
    for (int size : new int[] {64, 4096}) {
      rows.add(measure("sha-256 (JDK)", size, HashBench::sha));
      rows.add(measure("keccak-256 (BouncyCastle)", size, HashBench::keccak));
    }
    return rows;
  }

  private interface Hasher {
    long hashMany(byte[] msg, int count);
  }

  private static long sha(byte[] msg, int count) {
    MessageDigest md = Sha256.create();
    byte[] out = new byte[32];
    long acc = 0;
    try {
      for (int i = 0; i < count; i++) {
        msg[0] = (byte) i;
        md.update(msg);
        md.digest(out, 0, 32);
        acc += out[0];
      }
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    return acc;
  }

  private static long keccak(byte[] msg, int count) {
    KeccakDigest kd = new KeccakDigest(256);
    byte[] out = new byte[32];
    long acc = 0;
    for (int i = 0; i < count; i++) {
      msg[0] = (byte) i;
      kd.update(msg, 0, msg.length);
      kd.doFinal(out, 0);
      acc += out[0];
    }
    return acc;
  }

  private static Row measure(String name, int size, Hasher h) {
    byte[] msg = new byte[size];
    int count = (int) Math.max(2000, 64L * 1024 * 1024 / size / 2);
    long sink = 0;
    for (int w = 0; w < 3; w++) {
      sink += h.hashMany(msg, count);
    }
    double[] ns = new double[5];
    for (int r = 0; r < ns.length; r++) {
      long t0 = System.nanoTime();
      sink += h.hashMany(msg, count);
      ns[r] = (System.nanoTime() - t0) / (double) count;
    }
    Arrays.sort(ns);
    double med = ns[ns.length / 2];
    if (sink == 42) {
      System.out.print("");
    }
    return new Row(name, size, med, size / med * 1e3);
  }

  public static void main(String[] args) {
    System.out.printf("%-28s %8s %12s %10s%n", "hash", "msg B", "ns/hash", "MB/s");
    for (Row r : run()) {
      System.out.printf(
          "%-28s %8d %12.1f %10.1f%n", r.hash(), r.messageBytes(), r.nsPerHash(), r.mbPerSecond());
    }
  }
}

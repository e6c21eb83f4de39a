package io.zkaudit.prover.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.inference.CommittedOutput;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import java.security.SecureRandom;
import java.util.List;

/**
 * The opening of a chained proof's output commitment C ({@link CommittedOutput}): the body prover
 * makes it and hands it to the head prover, whose proof takes C as its private input. {@link
 * #committed()} is C with what its holder keeps (the output values, the committed table with its
 * uniform padding, the codeword), in the form a proof about a private input reads ({@link
 * ModelProver#prove(CommittedModel, CommittedInput, ProgressListener)}); {@link #seed()} is the
 * seed of C's hiding entries.
 *
 * <p>File format ({@code .copen}, secret: it reveals the intermediate activation): magic "ZKOO",
 * the output values (u32 count, u32 each), the table (u32 count, u64 field elements each), the
 * length-prefixed seed. Decoding recommits and so recomputes C.
 */
public record OutputOpening(CommittedInput committed, byte[] seed) {
  private static final byte[] MAGIC = {'Z', 'K', 'O', 'O'};

  public OutputOpening {
    seed = seed.clone();
  }

  @Override
  public byte[] seed() {
    return seed.clone();
  }

  /** The commitment C this opens. */
  public InputCommitment commitment() {
    return committed.commitment();
  }

  /** A fresh seed for C's hiding entries, from the operating system's generator. */
  static byte[] freshSeed() {
    byte[] seed = new byte[CommittedOutput.SEED_BYTES];
    new SecureRandom().nextBytes(seed);
    return seed;
  }

  /** Commits to an output table (real entries: {@code values}) with the hiding entries of seed. */
  static OutputOpening commit(int[] values, long[] table, byte[] seed) {
    List<long[]> columns = CommittedOutput.columns(table, seed);
    Committed c = new BasefoldProver(InferenceStatement.pcsParams()).commit(columns);
    return new OutputOpening(
        new CommittedInput(new InputCommitment(c.commitment()), values, columns.getFirst(), c),
        seed);
  }

  public byte[] encode() {
    int[] values = committed.values();
    long[] table = committed.table();
    ByteWriter w = new ByteWriter().raw(MAGIC).u32(values.length);
    for (int v : values) {
      w.u32(v);
    }
    w.u32(table.length);
    for (long v : table) {
      w.u64(v);
    }
    return w.bytes(seed).toByteArray();
  }

  /** The maximum table size an opening may declare (2^26 entries, MobileNet v2's widest). */
  private static final int MAX_TABLE = 1 << 26;

  public static OutputOpening decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a zkaudit output opening (bad magic)");
    }
    int n = r.length("output values", MAX_TABLE);
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = r.u32("output value");
    }
    int t = r.length("output table", MAX_TABLE);
    InvalidProofException.check(
        Integer.bitCount(t) == 1 && t >= n, "an output table of " + t + " entries");
    long[] table = new long[t];
    for (int i = 0; i < t; i++) {
      table[i] = r.u64("table entry");
      InvalidProofException.check(
          Long.compareUnsigned(table[i], io.zkaudit.field.Goldilocks.P) < 0,
          "a table entry is not a field element");
    }
    byte[] seed = r.bytes("hiding seed", CommittedOutput.SEED_BYTES);
    InvalidProofException.check(
        seed.length == CommittedOutput.SEED_BYTES,
        "a hiding seed has " + CommittedOutput.SEED_BYTES + " bytes");
    r.finish();
    return commit(values, table, seed);
  }
}

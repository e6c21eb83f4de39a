package io.zkaudit.sumcheck;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;

/**
 * A sumcheck proof: one message per round and the claimed evaluations of the tables at the final
 * random point.
 *
 * <p>Round i's message is the round polynomial g_i of degree D (see {@link
 * Composition#roundDegree}) as its values {@code [g_i(0), g_i(2), g_i(3), ..., g_i(D)]}: D
 * extension elements; g_i(1) is not sent, the verifier derives it as {@code claim_i - g_i(0)}.
 * {@code evaluations[j] = f_j(r)} for every table j of the composition.
 *
 * <p>Encoding: u32 round count, then each round as a length-prefixed extension list, then the
 * evaluations as a length-prefixed extension list.
 */
public record SumcheckProof(Ext2[][] rounds, Ext2[] evaluations) {
  /** Decoding limits: more rounds than this would be a table of 2^40 entries. */
  public static final int MAX_ROUNDS = 40;

  public SumcheckProof {
    rounds = deepCopy(rounds);
    evaluations = evaluations.clone();
  }

  @Override
  public Ext2[][] rounds() {
    return deepCopy(rounds);
  }

  @Override
  public Ext2[] evaluations() {
    return evaluations.clone();
  }

  public int numRounds() {
    return rounds.length;
  }

  /** Round i's message (a copy). */
  public Ext2[] round(int i) {
    return rounds[i].clone();
  }

  public void encode(ByteWriter w) {
    w.u32(rounds.length);
    for (Ext2[] r : rounds) {
      w.exts(r);
    }
    w.exts(evaluations);
  }

  public static SumcheckProof decode(ByteReader r) throws InvalidProofException {
    int n = r.length("sumcheck rounds", MAX_ROUNDS);
    Ext2[][] rounds = new Ext2[n][];
    for (int i = 0; i < n; i++) {
      rounds[i] = r.exts("sumcheck round " + i, RoundPolynomial.MAX_DEGREE);
    }
    Ext2[] evals = r.exts("sumcheck evaluations", Composition.MAX_TABLES);
    return new SumcheckProof(rounds, evals);
  }

  public byte[] toBytes() {
    ByteWriter w = new ByteWriter();
    encode(w);
    return w.toByteArray();
  }

  public static SumcheckProof fromBytes(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    SumcheckProof p = decode(r);
    r.finish();
    return p;
  }

  private static Ext2[][] deepCopy(Ext2[][] a) {
    Ext2[][] c = new Ext2[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SumcheckProof p
        && Arrays.deepEquals(p.rounds, rounds)
        && Arrays.equals(p.evaluations, evaluations);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(rounds) + Arrays.hashCode(evaluations);
  }

  @Override
  public String toString() {
    return "SumcheckProof(" + rounds.length + " rounds, " + evaluations.length + " evaluations)";
  }
}

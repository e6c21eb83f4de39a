package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.proof.InvalidProofException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * What StatementBinding.sol reads besides the proof's header (the first bytes of Java's own {@code
 * ModelProof.encode()}, unchanged) and what it outputs, computed from the Java verifier's objects.
 *
 * <ul>
 *   <li>{@link #plan}: the model's public statement as 256-bit words, everything the Java
 *       verifier's {@code bindStatement} and {@code bindInput} take from the verifying key: its
 *       digest and weight commitment, the input's shape, layout and type, the output's size and
 *       type, the weight shadow's size, and per kind of proof (plain, zero-knowledge) the input
 *       layout's height bits, the input column and the witness commitments' sizes. The contract
 *       checks that it is well formed; the fact it records holds its keccak, which a reader
 *       compares with the plan of the registered model (computable by anyone from the public key).
 *   <li>{@link #input}: the input values as little-endian int32, the bytes of the input hash.
 *   <li>{@link #header}: the proof's bytes up to and including the input evaluation.
 *   <li>{@link #claimsHash}: the input claim, hashed as LogUpVerifier.sol hashes its claims.
 * </ul>
 */
public final class StatementEncoding {
  private StatementEncoding() {}

  /** The plan of a key's model (both kinds of proof: the header's flag picks one). */
  public static List<BigInteger> plan(VerifyingKey vk) throws InvalidProofException {
    ModelVerifier verifier = new ModelVerifier(vk);
    ModelCircuit plain = verifier.circuit(false);
    ModelCircuit zk = verifier.circuit(true);
    TensorSpec in = vk.description().tensor(plain.inputTensor());
    TensorSpec out = vk.description().tensor(plain.outputTensor());
    TensorLayout p = InferenceStatement.inputLayout(plain);
    TensorLayout z = InferenceStatement.inputLayout(zk);
    // Zero knowledge pads the input's height only (TensorLayout.withPadding).
    if (p.height() != z.height()
        || p.width() != z.width()
        || p.channels() != z.channels()
        || p.wBits() != z.wBits()
        || p.cBits() != z.cBits()) {
      throw new IllegalStateException("the two kinds of proof lay the input out differently");
    }
    List<BigInteger> w = new ArrayList<>();
    w.add(new BigInteger(1, vk.digest().bytes()));
    w.add(new BigInteger(1, vk.weights().root().bytes()));
    add(w, vk.weights().numVars());
    add(w, p.height());
    add(w, p.width());
    add(w, p.channels());
    add(w, p.wBits());
    add(w, p.cBits());
    add(w, in.type().min());
    add(w, in.type().max());
    add(w, out.size());
    add(w, out.type().min());
    add(w, out.type().max());
    add(w, new PackedLayout(WeightLayout.of(zk).logSizes()).withShadowVariable().numVars());
    for (ModelCircuit c : List.of(plain, zk)) {
      boolean zeroKnowledge = c == zk;
      LookupStatement plainLookups = InferenceStatement.lookups(c);
      ColumnBins bins =
          InferenceStatement.witnessBins(
              c, zeroKnowledge ? plainLookups.withBlinding() : plainLookups, zeroKnowledge);
      add(w, InferenceStatement.inputLayout(c).hBits());
      add(w, InferenceStatement.inputColumn(c));
      add(w, bins.bins());
      for (int b = 0; b < bins.bins(); b++) {
        add(w, bins.layout(b).numVars());
      }
    }
    return w;
  }

  /** keccak of the plan's words, as the contract hashes them into its fact. */
  public static byte[] planHash(List<BigInteger> plan) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BigInteger v : plan) {
      out.writeBytes(word(v));
    }
    return Hash.sha3(out.toByteArray());
  }

  /** The input as the contract reads it: little-endian int32 values. */
  public static byte[] input(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  /** The proof's header: its encoding up to and including the input evaluation. */
  public static byte[] header(ModelProof proof) {
    return Arrays.copyOf(proof.encode(), headerLength(proof));
  }

  /**
   * The header's witness commitments as it encodes them (33 bytes each: root, numVars), which the
   * session stores the keccak of at {@code open} and {@code finish} names in the opening's
   * statement.
   */
  public static byte[] bins(ModelProof proof) {
    byte[] header = header(proof);
    int at = 45 + 4 * proof.output().length;
    int bins = proof.witness().size();
    return Arrays.copyOfRange(header, at + 4, at + 4 + 33 * bins);
  }

  /** Magic, version, flags, model, output, commitments, input evaluation. */
  public static int headerLength(ModelProof proof) {
    int commitments = proof.witness().size() + (proof.zeroKnowledge() ? 1 : 0);
    if (proof.privateInput() != null) {
      commitments++;
    }
    return 4 + 4 + 1 + 32 + 4 + 4 * proof.output().length + 4 + 33 * commitments + 16;
  }

  /** SHA-256 of the output's little-endian int32 values, as the escrows name an output. */
  public static Digest32 outputHash(int[] output) {
    return ModelVerifier.inputHash(output);
  }

  /**
   * The input claim, as the contract hashes it (LogUpVerifier.sol's claim items): keccak(0, 7,
   * column, 0, n, point, 1, value), extension elements packed c0 + 2^64 c1.
   */
  public static Digest32 claimsHash(int column, Ext2[] point, Ext2 value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[32]);
    for (long v : new long[] {7, column, 0, point.length}) {
      out.writeBytes(word(BigInteger.valueOf(v)));
    }
    for (Ext2 x : point) {
      out.writeBytes(packed(x));
    }
    out.writeBytes(word(BigInteger.ONE));
    out.writeBytes(packed(value));
    return new Digest32(Hash.sha3(out.toByteArray()));
  }

  private static byte[] packed(Ext2 x) {
    return word(
        BigInteger.valueOf(x.c1())
            .and(MASK64)
            .shiftLeft(64)
            .or(BigInteger.valueOf(x.c0()).and(MASK64)));
  }

  private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static byte[] word(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static void add(List<BigInteger> w, long v) {
    // Sizes are small; signed bounds go as their 64-bit two's complement (the contract
    // sign-extends them).
    w.add(BigInteger.valueOf(v).and(MASK64));
  }
}

package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.pcs.ColumnClaim;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * What LayerSteps.sol (and ProofSession.sol's layer steps) read and output, computed in Java:
 *
 * <ul>
 *   <li>{@link #roundingPlan}: a proven layer's rounding plan, seven words from the model's circuit
 *       (k, tag base, per-channel flag, channel bits, the output, c1 and c2 columns);
 *   <li>{@link #lookupItems}: the lookups' claims in the item format whose keccak chain is {@link
 *       LogUpEncoding#claimsHash} (the contract recomputes the chain to open them);
 *   <li>{@link #rangeEvals}: layer k's three range evaluations as the proof encodes them;
 *   <li>{@link #roundingClaimsHash}: the chain the step outputs over the claims Java's rounding
 *       adds.
 * </ul>
 */
public final class LayerEncoding {
  private LayerEncoding() {}

  /** The plan's output column for the model's output layer (not supported on chain yet). */
  public static final BigInteger PUBLIC_OUTPUT =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** Proven layer k's rounding plan. */
  public static List<BigInteger> roundingPlan(ModelCircuit circuit, int k) {
    ModelCircuit.ProvenLayer p = circuit.layers().get(k);
    if (p.rounding().limbs()) {
      // The contracts read c1, c2 at ρ itself; a limb rounding's claims are at (ρ, t*).
      throw new IllegalArgumentException(
          "layer " + p.layer().name() + ": limb roundings are not verified on chain yet");
    }
    ModelCircuit.RoundingColumns rc = p.columns();
    int out = circuit.outColumn(p.layer().output());
    List<BigInteger> w = new ArrayList<>();
    w.add(BigInteger.valueOf(k));
    w.add(BigInteger.valueOf(rc.tagBase()));
    w.add(rc.perChannel() ? BigInteger.ONE : BigInteger.ZERO);
    w.add(BigInteger.valueOf(p.outLayout().cBits()));
    w.add(
        circuit.resolve(p.layer().output()) == circuit.outputTensor() || out < 0
            ? PUBLIC_OUTPUT
            : BigInteger.valueOf(out));
    w.add(BigInteger.valueOf(rc.c1()));
    w.add(BigInteger.valueOf(rc.c2()));
    return w;
  }

  /** Layer k's range evaluations c1(ρ), c2(ρ), c1 at the pair's point: 48 bytes. */
  public static byte[] rangeEvals(Ext2[] rangeEvals, int k) {
    ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    for (int j = 0; j < 3; j++) {
      b.putLong(rangeEvals[3 * k + j].c0()).putLong(rangeEvals[3 * k + j].c1());
    }
    return b.array();
  }

  /**
   * The keccak chain of a rounding step, from keccak(plan): Java's claims in its order (the output
   * column's, c1 and c2 at ρ, the pair's two, each kind 8 with a = the column) with the accumulator
   * a(ρ) (kind 9, a = k) after the first three.
   */
  public static byte[] roundingClaimsHash(
      List<BigInteger> plan, List<ColumnClaim> claims, Ext2 accumulator) {
    if (claims.size() != 5) {
      throw new IllegalArgumentException("a rounding adds five claims, not " + claims.size());
    }
    byte[] h = planHash(plan);
    for (int i = 0; i < 5; i++) {
      ColumnClaim c = claims.get(i);
      h = LogUpEncoding.itemHash(h, 8, c.column(), 0, c.point(), new Ext2[] {c.value()});
      if (i == 2) {
        h =
            LogUpEncoding.itemHash(
                h, 9, plan.get(0).intValueExact(), 0, c.point(), new Ext2[] {accumulator});
      }
    }
    return h;
  }

  public static byte[] planHash(List<BigInteger> plan) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BigInteger w : plan) {
      out.writeBytes(LogUpEncoding.word(w));
    }
    return Hash.sha3(out.toByteArray());
  }

  /**
   * The lookups' claims as the items whose chain is {@link LogUpEncoding#claimsHash}: the same
   * words in one byte string.
   */
  public static byte[] lookupItems(
      io.zkaudit.lookup.LookupStatement st,
      io.zkaudit.lookup.LookupClaims claims,
      List<LogUpEncoding.MaskValue> masks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogUpEncoding.claimsHash(st, claims, masks, out);
    return out.toByteArray();
  }
}

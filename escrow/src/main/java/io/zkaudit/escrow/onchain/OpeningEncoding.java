package io.zkaudit.escrow.onchain;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes BasefoldVerifier.sol reads. The proof is Java's own {@link OpeningProof#encode()}
 * encoding, unchanged (its field elements are little-endian words, as the Merkle leaves and the
 * transcript hash them, so the contract hashes proof bytes straight from calldata). Claims, which
 * the Java verifier holds as objects, get an encoding in the same style:
 *
 * <pre>
 *   u32 count, then per claim: u32 terms, terms x (point: n x Ext2, weight: Ext2), value: Ext2
 * </pre>
 */
public final class OpeningEncoding {
  private OpeningEncoding() {}

  public static byte[] claims(List<EvalClaim> claims) {
    ByteWriter w = new ByteWriter();
    w.u32(claims.size());
    for (EvalClaim claim : claims) {
      w.u32(claim.terms().size());
      for (EvalClaim.Term term : claim.terms()) {
        for (Ext2 coordinate : term.point()) {
          w.ext(coordinate);
        }
        w.ext(term.weight());
      }
      w.ext(claim.value());
    }
    return w.toByteArray();
  }

  /**
   * An opening cut where the multi-transaction flow cuts it: the header (sumcheck rounds, oracle
   * roots, final polynomial, grinding nonce) and each oracle's query layer (rows and siblings),
   * each exactly as {@link OpeningProof#encode()} writes it.
   */
  public record Sections(byte[] header, List<byte[]> layers) {
    public Sections {
      header = header.clone();
      layers = layers.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] header() {
      return header.clone();
    }

    @Override
    public List<byte[]> layers() {
      return layers.stream().map(byte[]::clone).toList();
    }

    public int totalBytes() {
      return header.length + layers.stream().mapToInt(l -> l.length).sum();
    }
  }

  public static Sections sections(OpeningProof proof) {
    byte[] all = proof.encode();
    int headerLength =
        4
            + 48 * proof.rounds().size()
            + 4
            + 32 * proof.oracleRoots().size()
            + 4
            + 16 * proof.finalCoeffs().length
            + 8;
    int at = headerLength + 4; // the u32 count of layers
    List<byte[]> layers = new ArrayList<>();
    for (OpeningProof.QueryLayer layer : proof.layers()) {
      int length = 4 + 8 * layer.rows().length + layer.paths().encodedSize();
      layers.add(Arrays.copyOfRange(all, at, at + length));
      at += length;
    }
    if (at != all.length) {
      throw new IllegalStateException(
          "opening encoding has " + (all.length - at) + " bytes the sections miss");
    }
    return new Sections(Arrays.copyOf(all, headerLength), layers);
  }
}

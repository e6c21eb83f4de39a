package io.zkaudit.escrow.onchain;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * The bytes BatchedOpeningVerifier.sol reads. The proof is Java's own {@link
 * BatchedOpeningProof#encode()}, unchanged. The statement — the committed polynomials and their
 * claims, which the Java verifier holds as objects — gets an encoding in the same style:
 *
 * <pre>
 *   u32 m, then m x (root: 32 bytes, u32 numVars, u32 length, claims: {@link OpeningEncoding#claims})
 * </pre>
 */
public final class BatchedOpeningEncoding {
  private BatchedOpeningEncoding() {}

  public static byte[] polynomials(List<Commitment> commitments, List<List<EvalClaim>> claims) {
    if (commitments.size() != claims.size()) {
      throw new IllegalArgumentException("one batch of claims per commitment");
    }
    ByteWriter w = new ByteWriter();
    w.u32(commitments.size());
    for (int j = 0; j < commitments.size(); j++) {
      byte[] encoded = OpeningEncoding.claims(claims.get(j));
      w.digest(commitments.get(j).root());
      w.u32(commitments.get(j).numVars());
      w.u32(encoded.length);
      w.raw(encoded);
    }
    return w.toByteArray();
  }

  /**
   * A batched opening cut where the multi-transaction flow cuts it, each piece exactly as {@link
   * BatchedOpeningProof#encode()} writes it: the reduction (its rounds and the reduced values), the
   * combined opening's header and query layers, and the joining polynomials' layers grouped by the
   * oracle in whose fold block they join.
   *
   * @param joining per oracle of the combined opening, the layers of the polynomials joining in its
   *     block, concatenated in their order (empty when none joins there)
   */
  public record Sections(
      byte[] reduction, byte[] header, List<byte[]> layers, List<byte[]> joining) {
    public Sections {
      reduction = reduction.clone();
      header = header.clone();
      layers = layers.stream().map(byte[]::clone).toList();
      joining = joining.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] reduction() {
      return reduction.clone();
    }

    @Override
    public byte[] header() {
      return header.clone();
    }

    @Override
    public List<byte[]> layers() {
      return layers.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> joining() {
      return joining.stream().map(byte[]::clone).toList();
    }
  }

  /**
   * Cuts a batched opening of polynomials of these sizes (largest first) under params.
   *
   * @throws IllegalStateException if the pieces do not cover the encoding exactly
   */
  public static Sections sections(BatchedOpeningProof proof, PcsParams params, int[] numVars) {
    byte[] all = proof.encode();
    int n = numVars[0];
    int m = numVars.length;
    int reductionEnd = 4 + 48 * n + 4 + 16 * m;
    OpeningProof combined = proof.combined();
    OpeningEncoding.Sections inner = OpeningEncoding.sections(combined);
    int at = reductionEnd + 4 + combined.encode().length + 4;
    int[] arities = params.arities(n);
    List<ByteWriter> perOracle = new ArrayList<>();
    for (int i = 0; i < arities.length; i++) {
      perOracle.add(new ByteWriter());
    }
    List<OpeningProof.QueryLayer> joining = proof.joining();
    for (int j = 1; j < m; j++) {
      OpeningProof.QueryLayer layer = joining.get(j - 1);
      int length = 4 + 8 * layer.rows().length + layer.paths().encodedSize();
      int oracle = (n - numVars[j]) / arities[0];
      perOracle.get(oracle).raw(Arrays.copyOfRange(all, at, at + length));
      at += length;
    }
    if (at != all.length) {
      throw new IllegalStateException(
          "batched opening encoding has " + (all.length - at) + " bytes the sections miss");
    }
    return new Sections(
        Arrays.copyOf(all, reductionEnd),
        inner.header(),
        inner.layers(),
        perOracle.stream().map(ByteWriter::toByteArray).toList());
  }

  /** A statement's polynomial count: its first u32. */
  public static int polynomialCount(byte[] polynomials) {
    return u32(polynomials, 0);
  }

  /**
   * The items of a statement, in order, as {start, end} byte ranges of its encoding: per polynomial
   * its header (root, u32 numVars, u32 length, u32 count: 44 bytes) then each claim (u32 terms, the
   * terms' points and weights, the value). The contract reads a statement too large for one
   * transaction item by item, in chunks cut between items, and chains them ({@link
   * #statementChain}).
   *
   * @throws IllegalArgumentException if the bytes are not such an encoding
   */
  public static List<int[]> statementItems(byte[] polynomials) {
    List<int[]> items = new ArrayList<>();
    int m = u32(polynomials, 0);
    int off = 4;
    for (int j = 0; j < m; j++) {
      int n = u32(polynomials, off + 32);
      int length = u32(polynomials, off + 36);
      int count = u32(polynomials, off + 40);
      int end = off + 40 + length;
      items.add(new int[] {off, off + 44});
      off += 44;
      for (int k = 0; k < count; k++) {
        int terms = u32(polynomials, off);
        int size = 4 + terms * (16 * n + 16) + 16;
        items.add(new int[] {off, off + size});
        off += size;
      }
      if (off != end) {
        throw new IllegalArgumentException("polynomial " + j + "'s claims do not fill its length");
      }
    }
    if (off != polynomials.length) {
      throw new IllegalArgumentException("trailing bytes after the statement");
    }
    return items;
  }

  /**
   * The chain a staged opening's fact names its statement by (BatchedClaimReduction.sol, {@code
   * _link}): per polynomial the chain of its claims as encoded, p = keccak(p || claim) from p = 0;
   * then c = keccak(c || keccak(header) || p) from c = 0 over the polynomials in order ({@link
   * #statementItems}' headers, 44 bytes). The same whatever the chunks; two levels so that a step
   * producing several polynomials' claims interleaved (ProofSession.finishSteps) chains each
   * polynomial's apart and combines them at the end.
   */
  public static byte[] statementChain(byte[] polynomials) {
    List<int[]> items = statementItems(polynomials);
    byte[] chain = new byte[32];
    int next = 0;
    for (int j = 0; j < u32(polynomials, 0); j++) {
      int[] header = items.get(next++);
      int count = u32(polynomials, header[0] + 40);
      byte[] claims = new byte[32];
      for (int k = 0; k < count; k++) {
        int[] claim = items.get(next++);
        claims = Hash.sha3(concat(claims, Arrays.copyOfRange(polynomials, claim[0], claim[1])));
      }
      byte[] head = Hash.sha3(Arrays.copyOfRange(polynomials, header[0], header[1]));
      chain = Hash.sha3(concat(chain, head, claims));
    }
    return chain;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * The statement after its count cut into chunks of at most {@code maxBytes} (an item larger than
   * that gets a chunk of its own), between items, in order: the client's choice of boundaries,
   * which the contract's checks do not depend on.
   */
  public static List<byte[]> statementChunks(byte[] polynomials, int maxBytes) {
    List<byte[]> chunks = new ArrayList<>();
    int start = 4;
    int end = 4;
    for (int[] item : statementItems(polynomials)) {
      if (item[1] - start > maxBytes && end > start) {
        chunks.add(Arrays.copyOfRange(polynomials, start, end));
        start = end;
      }
      end = item[1];
    }
    if (end > start) {
      chunks.add(Arrays.copyOfRange(polynomials, start, end));
    }
    return chunks;
  }

  private static int u32(byte[] b, int at) {
    if (at < 0 || at + 4 > b.length) {
      throw new IllegalArgumentException("statement truncated at byte " + at);
    }
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24;
  }
}

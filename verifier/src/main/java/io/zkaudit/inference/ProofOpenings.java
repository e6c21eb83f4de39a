package io.zkaudit.inference;

import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpenedLeaves;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The openings that close an inference proof (format 8). Every polynomial whose claims the
 * reduction produced — the witness bins, the weights (or their shadow), a private input's shadow —
 * is opened in one {@link BatchedOpening} when it can join the largest (same parameters, joining
 * while the largest still folds), else alone after it, in the statement's order. The plan follows
 * from the public shapes, so prover and verifier agree on it without the proof saying so.
 */
public final class ProofOpenings {
  private ProofOpenings() {}

  /** One polynomial to open: its commitment, column layout, claims and parameters. */
  public record Entry(
      String name,
      Commitment commitment,
      PackedLayout layout,
      List<ColumnClaim> claims,
      PcsParams params) {}

  /**
   * Which entries share the batched opening (largest first, ties in statement order) and which are
   * opened alone (statement order).
   */
  public record Plan(int[] batched, int[] alone) {
    public Plan {
      batched = batched.clone();
      alone = alone.clone();
    }

    @Override
    public int[] batched() {
      return batched.clone();
    }

    @Override
    public int[] alone() {
      return alone.clone();
    }
  }

  /** The plan for polynomials of these sizes and parameters, in statement order. */
  public static Plan plan(PcsParams batchParams, int[] numVars, List<PcsParams> params) {
    Integer[] bySize =
        IntStream.range(0, numVars.length)
            .boxed()
            .filter(i -> params.get(i).equals(batchParams))
            .sorted(Comparator.comparingInt((Integer i) -> -numVars[i]))
            .toArray(Integer[]::new);
    List<Integer> batched = new ArrayList<>();
    for (int i : bySize) {
      if (batched.isEmpty()
          || BatchedOpening.canBatch(
              batchParams, new int[] {numVars[batched.getFirst()], numVars[i]})) {
        batched.add(i);
      }
    }
    int[] alone = IntStream.range(0, numVars.length).filter(i -> !batched.contains(i)).toArray();
    return new Plan(batched.stream().mapToInt(Integer::intValue).toArray(), alone);
  }

  static Plan plan(List<Entry> entries) {
    return plan(
        InferenceStatement.pcsParams(),
        entries.stream().mapToInt(e -> e.commitment().numVars()).toArray(),
        entries.stream().map(Entry::params).toList());
  }

  /**
   * Verifies the batched opening and those alone, in that order on the transcript.
   *
   * @return per entry (statement order), the leaves its queries opened and their rows
   */
  static List<OpenedLeaves> verify(
      List<Entry> entries, byte[] batched, List<byte[]> alone, Transcript t)
      throws InvalidProofException {
    Plan plan = plan(entries);
    InvalidProofException.check(
        alone.size() == plan.alone().length,
        "expected " + plan.alone().length + " openings alone, found " + alone.size());
    OpenedLeaves[] out = new OpenedLeaves[entries.size()];
    int[] inBatch = plan.batched();
    PcsParams params = InferenceStatement.pcsParams();
    Batch batch = batch(entries, batched, t);
    int[] sizes = batch.commitments().stream().mapToInt(Commitment::numVars).toArray();
    BatchedOpeningProof proof = BatchedOpeningProof.decode(batched, params, sizes);
    List<OpenedLeaves> opened =
        BatchedOpening.verify(params, batch.commitments(), batch.claims(), proof, t);
    for (int k = 0; k < inBatch.length; k++) {
      out[inBatch[k]] = opened.get(k);
    }
    int[] lone = plan.alone();
    for (int k = 0; k < lone.length; k++) {
      Entry e = entries.get(lone[k]);
      OpeningProof p = OpeningProof.decode(alone.get(k), e.params(), e.commitment().numVars());
      int[] leaves = new BasefoldVerifier(e.params()).verify(e.commitment(), packed(e), p, t);
      out[lone[k]] = new OpenedLeaves(leaves, p.layers().getFirst().rows());
    }
    return Arrays.asList(out);
  }

  /**
   * The batched opening of a proof: its polynomials (largest first, as planned) with their packed
   * claims, the transcript it continues (the caller's, not a copy), and its bytes.
   */
  record Batch(
      List<Commitment> commitments,
      List<List<EvalClaim>> claims,
      Transcript before,
      byte[] proof) {}

  static Batch batch(List<Entry> entries, byte[] batched, Transcript before)
      throws InvalidProofException {
    List<Commitment> commitments = new ArrayList<>();
    List<List<EvalClaim>> claims = new ArrayList<>();
    for (int i : plan(entries).batched()) {
      commitments.add(entries.get(i).commitment());
      claims.add(packed(entries.get(i)));
    }
    return new Batch(List.copyOf(commitments), List.copyOf(claims), before, batched.clone());
  }

  private static List<EvalClaim> packed(Entry e) throws InvalidProofException {
    InvalidProofException.check(
        e.layout().numVars() == e.commitment().numVars(),
        e.name()
            + ": layout has "
            + e.layout().numVars()
            + " variables, commitment "
            + e.commitment().numVars());
    InvalidProofException.check(!e.claims().isEmpty(), e.name() + " has no claim to open");
    try {
      return e.layout().toPacked(e.claims());
    } catch (IllegalArgumentException ex) {
      throw new InvalidProofException(e.name() + ": malformed column claim: " + ex.getMessage());
    }
  }
}

package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.hash.Digest32;
import io.zkaudit.merkle.MerkleVerifier;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies Basefold openings (the protocol is described in docs/pcs.md and on {@link Basefold}).
 * Work: O(claims x n + claims x 2^d + queries x oracles x (2^arity + depth)).
 */
public final class BasefoldVerifier {
  private final PcsParams params;

  public BasefoldVerifier(PcsParams params) {
    this.params = params;
  }

  public PcsParams params() {
    return params;
  }

  /**
   * Verifies claims on columns of a packed commitment (see {@link PackedLayout}).
   *
   * @return the sorted distinct oracle-0 leaves the queries opened (as {@link #verify})
   */
  public int[] verifyColumns(
      Commitment c, PackedLayout layout, List<ColumnClaim> claims, OpeningProof proof, Transcript t)
      throws InvalidProofException {
    InvalidProofException.check(
        layout.numVars() == c.numVars(),
        "layout has " + layout.numVars() + " variables, commitment " + c.numVars());
    List<EvalClaim> packed;
    try {
      packed = layout.toPacked(claims);
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException("malformed column claim: " + e.getMessage());
    }
    return verify(c, packed, proof, t);
  }

  /**
   * Checks that the polynomial committed in c satisfies every claim, running the transcript t
   * exactly as the prover did.
   *
   * @return the sorted distinct leaves of the commitment's Merkle tree that the queries opened, in
   *     the order of their rows in {@code proof.layers().get(0)}: a caller that must check more
   *     about those rows (a {@link ShadowLink}) needs to know where they sit
   * @throws InvalidProofException if it does not (the message says which check failed)
   */
  public int[] verify(Commitment c, List<EvalClaim> claims, OpeningProof proof, Transcript t)
      throws InvalidProofException {
    int n = c.numVars();
    InvalidProofException.check(
        !claims.isEmpty() && claims.size() <= PcsParams.MAX_CLAIMS,
        "an opening needs 1 to " + PcsParams.MAX_CLAIMS + " claims");
    for (EvalClaim claim : claims) {
      InvalidProofException.check(
          claim.numVars() == n,
          "claim point has "
              + claim.numVars()
              + " coordinates, the commitment "
              + n
              + " variables");
    }
    checkShape(n, proof);

    // 1. Header and batching: claim = sum_k rho^k v_k = sum_x f(x) g(x).
    Ext2 rho = Basefold.absorbHeader(t, params, c, claims);
    Ext2 claim = Ext2.ZERO;
    Ext2 rhoK = Ext2.ONE;
    for (EvalClaim e : claims) {
      claim = claim.add(rhoK.mul(e.value()));
      rhoK = rhoK.mul(rho);
    }
    return foldAndQuery(c, claims, rho, claim, proof, t, List.of()).commitmentLeaves();
  }

  /** The counts of an opening's sections against the shape (params, n) fixes. */
  void checkShape(int n, OpeningProof proof) throws InvalidProofException {
    InvalidProofException.check(
        proof.rounds().size() == params.foldRounds(n), "wrong number of sumcheck rounds");
    InvalidProofException.check(
        proof.oracleRoots().size() == params.arities(n).length - 1, "wrong number of oracle roots");
    InvalidProofException.check(
        proof.finalView().length == 1 << params.finalVars(n), "wrong final polynomial size");
    InvalidProofException.check(
        proof.layers().size() == params.arities(n).length, "wrong number of query layers");
  }

  /**
   * A polynomial that joins the folding at round {@code round} ({@link BatchedOpening}): the folded
   * codeword there has the length of its codeword. At that round a coefficient theta is drawn, the
   * verifier adds theta times its entries, opened in {@code layer} from its own commitment, to the
   * folded query values, and the sumcheck claim grows by theta x value x eq(z, u) over the rounds
   * before (z the opening's single point, u the fold challenges).
   */
  record Injection(int round, Ext2 value, Commitment commitment, OpeningProof.QueryLayer layer) {}

  /**
   * The sorted distinct leaves each commitment's queries opened: the folded one's, then each
   * injection's.
   */
  record Queried(int[] commitmentLeaves, List<int[]> injectedLeaves) {}

  /**
   * Steps 2-5 of an opening, after its header: the sumcheck rounds interleaved with folding, the
   * final polynomial, grinding, and the queries, with polynomials injected on the way (none for a
   * plain opening; a batched opening's claims are then one point of weight 1).
   */
  Queried foldAndQuery(
      Commitment c,
      List<EvalClaim> claims,
      Ext2 rho,
      Ext2 claim,
      OpeningProof proof,
      Transcript t,
      List<Injection> injections)
      throws InvalidProofException {
    int n = c.numVars();
    int[] arities = params.arities(n);
    int folds = params.foldRounds(n);
    int d = params.finalVars(n);
    int numOracles = arities.length;
    Ext2[] z = injections.isEmpty() ? null : claims.getFirst().point();

    // 2. Sumcheck rounds interleaved with folding; one oracle root per arity block. An injected
    // polynomial joins the claim, weighted by eq(z, u) over the rounds already folded.
    Ext2[] r = new Ext2[folds];
    Ext2[] theta = new Ext2[injections.size()];
    Ext2 eqFolded = Ext2.ONE;
    int round = 0;
    for (int i = 0; i < numOracles; i++) {
      for (int s = 0; s < arities[i] && round < folds; s++) {
        for (int j = 0; j < injections.size(); j++) {
          if (injections.get(j).round() == round) {
            // Drawn now, after every challenge the folded word depends on (docs/pcs.md, "Batched
            // opening").
            theta[j] = t.challengeExt("pcs/join");
            claim = claim.add(theta[j].mul(injections.get(j).value()).mul(eqFolded));
          }
        }
        Ext2[] h = proof.round(round);
        InvalidProofException.check(
            h[0].add(h[1]).equals(claim), "sumcheck round " + round + ": h(0) + h(1) != claim");
        t.absorbExt("pcs/round", h);
        r[round] = t.challengeExt("pcs/fold");
        claim = Basefold.interpolate(h[0], h[1], h[2], r[round]);
        if (z != null) {
          eqFolded = eqFolded.mul(Mle.eq(new Ext2[] {z[round]}, new Ext2[] {r[round]}));
        }
        round++;
      }
      if (i < numOracles - 1) {
        t.absorbDigest("pcs/oracle", proof.oracleRoots().get(i));
      }
    }

    // 3. Final polynomial: claim = sum_{x in {0,1}^d} f(r, x) g(r, x), g computed from the claims.
    Ext2[] fin = proof.finalView();
    t.absorbExt("pcs/final", fin);
    Ext2[] finEvals = fin.clone();
    Basefold.coeffsToEvals(finEvals);
    Ext2[] gFinal = new Ext2[1 << d];
    Arrays.fill(gFinal, Ext2.ZERO);
    Ext2 rhoK = Ext2.ONE;
    // Many claims share a point (the columns a layer reads at one random point), or its folded
    // prefix and tail: each distinct prefix's eq and each distinct tail's weight are computed once,
    // and the tails' eq tables are expanded once each at the end.
    java.util.Map<java.util.List<Ext2>, Ext2> eqOfPrefix = new java.util.HashMap<>();
    java.util.Map<java.util.List<Ext2>, Ext2> weightOfTail = new java.util.LinkedHashMap<>();
    for (EvalClaim e : claims) {
      for (EvalClaim.Term term : e.terms()) {
        Ext2[] zt = term.pointView();
        Ext2 eqPrefix =
            eqOfPrefix.computeIfAbsent(
                Arrays.asList(Arrays.copyOfRange(zt, 0, folds)),
                prefix -> Mle.eq(prefix.toArray(Ext2[]::new), r));
        Ext2 w = rhoK.mul(term.weight()).mul(eqPrefix);
        int corner = booleanIndex(zt, folds, n);
        if (corner >= 0) {
          // A Boolean tail (a packed column's offset bits): eq of it is one indicator.
          gFinal[corner] = gFinal[corner].add(w);
          continue;
        }
        weightOfTail.merge(Arrays.asList(Arrays.copyOfRange(zt, folds, n)), w, Ext2::add);
      }
      rhoK = rhoK.mul(rho);
    }
    for (var tail : weightOfTail.entrySet()) {
      long[] eqTail = Mle.eqTable(tail.getKey().toArray(Ext2[]::new));
      Ext2 w = tail.getValue();
      for (int x = 0; x < gFinal.length; x++) {
        gFinal[x] = gFinal[x].add(ExtVector.get(eqTail, x).mul(w));
      }
    }
    Ext2 sum = Ext2.ZERO;
    for (int x = 0; x < gFinal.length; x++) {
      sum = sum.add(finEvals[x].mul(gFinal[x]));
    }
    InvalidProofException.check(
        sum.equals(claim), "final sumcheck claim does not match the final polynomial");

    // 4. Grinding, then the query positions (drawn after everything they must bind).
    InvalidProofException.check(
        Basefold.powOk(t.state(), proof.powNonce(), params.powBits()), "proof of work is invalid");
    t.absorbLong("pcs/pow", proof.powNonce());
    int[] pos = t.challengeIndices("pcs/queries", params.queries(), params.commitmentLeaves(n));

    // 5. Queries: open each oracle's coset, check it against the previous fold, fold it (adding
    // the injected codewords' entries at their rounds).
    Ext2[] values = new Ext2[pos.length];
    int[] commitmentLeaves = null;
    List<int[]> injectedLeaves = new java.util.ArrayList<>();
    int from = 0;
    for (int i = 0; i < numOracles; i++) {
      int a = arities[i];
      int logLength = params.oracleLogLength(n, i);
      int depth = logLength - a;
      int rowLongs = OpeningProof.rowLongs(params, n, i);
      int[] leaf = new int[pos.length];
      for (int k = 0; k < pos.length; k++) {
        leaf[k] = i == 0 ? pos[k] : pos[k] >>> a;
      }
      int[] distinct = MerkleVerifier.sortedDistinct(leaf);
      if (i == 0) {
        commitmentLeaves = distinct.clone();
      }
      OpeningProof.QueryLayer layer = proof.layers().get(i);
      long[] rows = layer.rowsView();
      InvalidProofException.check(
          rows.length == distinct.length * rowLongs,
          "oracle " + i + ": expected " + distinct.length + " opened rows");
      Digest32 root = i == 0 ? c.root() : proof.oracleRoots().get(i - 1);
      try {
        OpenedRows.verify(rows, rowLongs, root, depth, distinct, layer.paths());
      } catch (InvalidProofException e) {
        throw new InvalidProofException("oracle " + i + ": " + e.getMessage());
      }
      List<InjectedRows> joining = new java.util.ArrayList<>();
      for (int j = 0; j < injections.size(); j++) {
        Injection inj = injections.get(j);
        if (inj.round() >= from && inj.round() < from + a) {
          InjectedRows opened =
              InjectedRows.verify(params, inj, theta[j], leaf, a - (inj.round() - from));
          joining.add(opened);
          injectedLeaves.add(opened.leaves());
        }
      }
      for (int k = 0; k < pos.length; k++) {
        int row = Arrays.binarySearch(distinct, leaf[k]);
        Ext2[] coset = new Ext2[1 << a];
        for (int e = 0; e < coset.length; e++) {
          int base = row * rowLongs;
          coset[e] =
              i == 0
                  ? Ext2.of(rows[base + e])
                  : new Ext2(rows[base + 2 * e], rows[base + 2 * e + 1]);
        }
        if (i > 0) {
          InvalidProofException.check(
              coset[pos[k] & ((1 << a) - 1)].equals(values[k]),
              "oracle "
                  + i
                  + ", query "
                  + k
                  + ": opened value differs from the fold of oracle "
                  + (i - 1));
        }
        int done = 0;
        for (InjectedRows opened : joining) {
          int steps = opened.injection().round() - from;
          coset =
              Basefold.foldCosetPartially(
                  coset, logLength - done, leaf[k], r, from + done, steps - done);
          done = steps;
          coset = opened.addTo(coset, leaf[k]);
        }
        values[k] = Basefold.foldCoset(coset, logLength - done, leaf[k], r, from + done);
        pos[k] = leaf[k];
      }
      from += a;
    }
    int finalLog = d + params.logBlowup();
    for (int k = 0; k < pos.length; k++) {
      InvalidProofException.check(
          values[k].equals(Basefold.evalUnivariate(fin, Basefold.point(finalLog, pos[k]))),
          "query " + k + ": last fold differs from the final polynomial");
    }
    return new Queried(commitmentLeaves, List.copyOf(injectedLeaves));
  }

  /** The index of z[from..to) when every coordinate is 0 or 1, else -1. */
  private static int booleanIndex(Ext2[] z, int from, int to) {
    int index = 0;
    for (int j = from; j < to; j++) {
      if (z[j].equals(Ext2.ONE)) {
        index |= 1 << (j - from);
      } else if (!z[j].isZero()) {
        return -1;
      }
    }
    return index;
  }
}

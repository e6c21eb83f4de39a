package io.zkaudit.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.lookup.TableColumn;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LogUpTest {

  record Case(LookupStatement statement, List<LookupWitness> witnesses) {}

  static LookupTable randomTable(Random rng) {
    return switch (rng.nextInt(4)) {
      case 0 -> LookupTable.range(rng.nextInt(9));
      case 1 ->
          LookupTable.function(1 + rng.nextInt(8), -(1L << rng.nextInt(8)), x -> Math.max(x, 0));
      case 2 -> LookupTable.function(1 + rng.nextInt(6), 0, x -> (x * 37 + 11) >> 3);
      default -> {
        int rows = 1 + rng.nextInt(40);
        long[][] cols = new long[1 + rng.nextInt(3)][rows];
        for (long[] c : cols) {
          for (int y = 0; y < rows; y++) {
            c[y] = rng.nextInt(3) == 0 ? Goldilocks.random(rng) : rng.nextInt(100);
          }
        }
        yield LookupTable.ofColumns(cols);
      }
    };
  }

  /** Witness rows drawn from the table; padding rows are arbitrary field elements. */
  static long[][] randomGroup(Random rng, LookupTable table, Group g) {
    long[][] cols = new long[table.width()][1 << g.numVars()];
    for (int x = 0; x < 1 << g.numVars(); x++) {
      boolean active = g.isActive(x);
      int row = rng.nextInt(table.size());
      for (int c = 0; c < cols.length; c++) {
        cols[c][x] = active ? table.valueAt(c, row) : Goldilocks.random(rng);
      }
    }
    return cols;
  }

  static Case randomCase(Random rng, int maxVars) {
    int lookups = 1 + rng.nextInt(3);
    List<Lookup> ls = new ArrayList<>();
    List<LookupWitness> ws = new ArrayList<>();
    for (int l = 0; l < lookups; l++) {
      LookupTable table = randomTable(rng);
      int groups = 1 + rng.nextInt(2);
      List<Group> gs = new ArrayList<>();
      List<long[][]> cols = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        int n = rng.nextInt(maxVars + 1);
        Group gr = rng.nextBoolean() ? Group.full(n) : new Group(n, 1 + rng.nextInt(1 << n));
        gs.add(gr);
        cols.add(randomGroup(rng, table, gr));
      }
      Lookup lk = new Lookup(table, gs);
      ls.add(lk);
      ws.add(LookupWitness.compute(lk, cols));
    }
    return new Case(new LookupStatement(ls), ws);
  }

  static LogUpProver.Output prove(Case c, String domain) {
    return LogUpProver.prove(c.statement(), c.witnesses(), new Transcript(domain));
  }

  static LookupClaims verify(Case c, LogUpProof proof, String domain) throws InvalidProofException {
    return LogUpVerifier.verify(c.statement(), proof, new Transcript(domain));
  }

  @Property(tries = 80)
  void completenessAndCorrectClaims(
      @ForAll @IntRange(min = 0, max = 10) int maxVars, @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    Case c = randomCase(rng, maxVars);
    Transcript pt = new Transcript("lk");
    LogUpProver.Output out = LogUpProver.prove(c.statement(), c.witnesses(), pt);
    Transcript vt = new Transcript("lk");
    LookupClaims claims = LogUpVerifier.verify(c.statement(), out.proof(), vt);
    assertEquals(pt.state(), vt.state());
    assertEquals(out.claims(), claims);
    for (int l = 0; l < c.statement().lookups().size(); l++) {
      LookupClaims.EvaluationClaim m = claims.multiplicities().get(l);
      assertEquals(
          Mle.evaluate(c.witnesses().get(l).multiplicities(), m.point()),
          m.value(),
          "multiplicity claim");
      for (int g = 0; g < c.statement().lookups().get(l).groups().size(); g++) {
        LookupClaims.WitnessClaim w = claims.witnesses().get(l).get(g);
        long[][] cols = c.witnesses().get(l).groups().get(g);
        for (int col = 0; col < cols.length; col++) {
          assertEquals(Mle.evaluate(cols[col], w.point()), w.values()[col], "witness claim");
        }
      }
    }
  }

  @Test
  void rangeTable16WithManyLookups() throws InvalidProofException {
    Random rng = new Random(1);
    long[] values = new long[1 << 14];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextInt(1 << 16);
    }
    Lookup lk = Lookup.of(LookupTable.range(16), Group.full(14));
    LookupStatement st = LookupStatement.of(lk);
    LookupWitness w = LookupWitness.compute(lk, List.<long[][]>of(new long[][] {values}));
    LogUpProver.Output out = LogUpProver.prove(st, List.of(w), new Transcript("r"));
    LogUpVerifier.verify(st, out.proof(), new Transcript("r"));
  }

  // ------------------------------------------------------------------------------------------
  // Soundness

  @Test
  void aValueOutsideTheTableHasNoWitnessAndNoAcceptingProof() {
    Lookup lk = Lookup.of(LookupTable.range(8), Group.full(6));
    LookupStatement st = LookupStatement.of(lk);
    Random rng = new Random(2);
    long[] values = new long[64];
    for (int i = 0; i < 64; i++) {
      values[i] = rng.nextInt(256);
    }
    values[17] = 256; // just outside [0, 256)
    assertThrows(
        IllegalArgumentException.class,
        () -> LookupWitness.compute(lk, List.<long[][]>of(new long[][] {values})));
    // Cheating provers: count the bad value as some row (each row in turn), or drop it.
    long[] honestPart = new long[256];
    for (int i = 0; i < 64; i++) {
      if (i != 17) {
        honestPart[(int) values[i]]++;
      }
    }
    for (int row = -1; row < 256; row++) {
      long[] m = honestPart.clone();
      if (row >= 0) {
        m[row]++;
      }
      LookupWitness w = new LookupWitness(List.<long[][]>of(new long[][] {values}), m);
      LogUpProof proof = LogUpProver.prove(st, List.of(w), new Transcript("s")).proof();
      assertThrows(
          InvalidProofException.class, () -> LogUpVerifier.verify(st, proof, new Transcript("s")));
    }
    // A negative value (p - 1) and a large field element are rejected too.
    for (long bad : new long[] {Goldilocks.P - 1, 1L << 40}) {
      long[] v = values.clone();
      v[17] = bad;
      LookupWitness w =
          new LookupWitness(List.<long[][]>of(new long[][] {v}), Arrays.copyOf(honestPart, 256));
      LogUpProof proof = LogUpProver.prove(st, List.of(w), new Transcript("s")).proof();
      assertThrows(
          InvalidProofException.class, () -> LogUpVerifier.verify(st, proof, new Transcript("s")));
    }
  }

  @Test
  void aWrongFunctionValueIsRejected() {
    // (x, relu(x)) on int8 inputs; one row claims relu(-5) = 5.
    LookupTable relu = LookupTable.function(8, -128, x -> Math.max(x, 0));
    Lookup lk = Lookup.of(relu, Group.full(5));
    LookupStatement st = LookupStatement.of(lk);
    long[] xs = new long[32];
    long[] ys = new long[32];
    for (int i = 0; i < 32; i++) {
      long x = i * 7 - 100;
      xs[i] = Goldilocks.fromSigned(x);
      ys[i] = Goldilocks.fromSigned(Math.max(x, 0));
    }
    LookupWitness honest = LookupWitness.compute(lk, List.<long[][]>of(new long[][] {xs, ys}));
    ys[3] = Goldilocks.fromSigned(5); // x = -79
    assertThrows(
        IllegalArgumentException.class,
        () -> LookupWitness.compute(lk, List.<long[][]>of(new long[][] {xs, ys})));
    // Same multiplicities, or the bad row moved to the row of x = 5 or of x = -79.
    for (int shift : new int[] {0, 1, 2}) {
      long[] m = honest.multiplicities();
      if (shift == 1) {
        m[(int) (-79 + 128)]--;
        m[5 + 128]++;
      } else if (shift == 2) {
        m[(int) (-79 + 128)]--;
      }
      LookupWitness w = new LookupWitness(List.<long[][]>of(new long[][] {xs, ys}), m);
      LogUpProof proof = LogUpProver.prove(st, List.of(w), new Transcript("f")).proof();
      assertThrows(
          InvalidProofException.class, () -> LogUpVerifier.verify(st, proof, new Transcript("f")));
    }
  }

  @Test
  void aWrongMultiplicityIsRejected() throws InvalidProofException {
    Random rng = new Random(4);
    Case c = randomCase(rng, 6);
    LogUpVerifier.verify(c.statement(), prove(c, "m").proof(), new Transcript("m"));
    for (int l = 0; l < c.witnesses().size(); l++) {
      long[] m = c.witnesses().get(l).multiplicities();
      for (int y : new int[] {0, m.length - 1, m.length / 2}) {
        for (long delta : new long[] {1, Goldilocks.P - 1}) {
          List<LookupWitness> ws = new ArrayList<>(c.witnesses());
          long[] bad = m.clone();
          bad[y] = Goldilocks.add(bad[y], delta);
          ws.set(l, new LookupWitness(c.witnesses().get(l).groups(), bad));
          Case cc = new Case(c.statement(), ws);
          LogUpProof proof = prove(cc, "m").proof();
          assertThrows(InvalidProofException.class, () -> verify(cc, proof, "m"));
        }
      }
    }
  }

  @Test
  void paddingRowsAreIgnoredButActiveRowsAreNot() throws InvalidProofException {
    Lookup lk = Lookup.of(LookupTable.range(4), new Group(4, 11));
    LookupStatement st = LookupStatement.of(lk);
    long[] v = new long[16];
    for (int i = 0; i < 16; i++) {
      v[i] = i < 11 ? i : 1000 + i; // padding out of range: fine
    }
    LookupWitness w = LookupWitness.compute(lk, List.<long[][]>of(new long[][] {v}));
    LogUpVerifier.verify(
        st, LogUpProver.prove(st, List.of(w), new Transcript("p")).proof(), new Transcript("p"));
    // The same proof does not verify a statement with more active rows.
    LookupStatement more = LookupStatement.of(Lookup.of(LookupTable.range(4), new Group(4, 12)));
    LogUpProof proof = LogUpProver.prove(st, List.of(w), new Transcript("p")).proof();
    assertThrows(
        InvalidProofException.class, () -> LogUpVerifier.verify(more, proof, new Transcript("p")));
    // A prover for 12 active rows with the out-of-range row 11 counted nowhere is rejected.
    LookupWitness w12 = new LookupWitness(List.<long[][]>of(new long[][] {v}), w.multiplicities());
    LogUpProof p12 = LogUpProver.prove(more, List.of(w12), new Transcript("p")).proof();
    assertThrows(
        InvalidProofException.class, () -> LogUpVerifier.verify(more, p12, new Transcript("p")));
  }

  /** Every element of the proof, altered in both coordinates, is rejected. */
  @Property(tries = 6)
  void everyProofElementIsBound(@ForAll long seed) {
    Random rng = new Random(seed);
    Case c = randomCase(rng, 5);
    LogUpProof proof = prove(c, "t").proof();
    List<LogUpProof> tampered = tamperings(proof);
    for (LogUpProof bad : tampered) {
      assertThrows(
          InvalidProofException.class, () -> verify(c, bad, "t"), "tampered proof accepted");
    }
    // And the statement, the transcript prefix, the domain.
    assertThrows(InvalidProofException.class, () -> verify(c, proof, "other"));
    Transcript prefixed = new Transcript("t");
    prefixed.absorbField("commitment", 1);
    assertThrows(
        InvalidProofException.class, () -> LogUpVerifier.verify(c.statement(), proof, prefixed));
  }

  static List<LogUpProof> tamperings(LogUpProof proof) {
    List<LogUpProof> out = new ArrayList<>();
    Ext2[] deltas = {Ext2.ONE, new Ext2(0, 1)};
    for (Ext2 d : deltas) {
      for (int i = 0; i < proof.rootP().length; i++) {
        Ext2[] p = proof.rootP();
        p[i] = p[i].add(d);
        out.add(new LogUpProof(p, proof.rootQ(), proof.layers(), proof.witnessEvaluations()));
        Ext2[] q = proof.rootQ();
        q[i] = q[i].add(d);
        out.add(new LogUpProof(proof.rootP(), q, proof.layers(), proof.witnessEvaluations()));
      }
      for (int l = 0; l < proof.layers().size(); l++) {
        SumcheckProof s = proof.layers().get(l);
        for (int r = 0; r < s.numRounds(); r++) {
          for (int k = 0; k < s.round(r).length; k++) {
            Ext2[][] rounds = s.rounds();
            rounds[r][k] = rounds[r][k].add(d);
            out.add(withLayer(proof, l, new SumcheckProof(rounds, s.evaluations())));
          }
        }
        for (int k = 0; k < s.evaluations().length; k++) {
          Ext2[] e = s.evaluations();
          e[k] = e[k].add(d);
          out.add(withLayer(proof, l, new SumcheckProof(s.rounds(), e)));
        }
      }
      for (int g = 0; g < proof.witnessEvaluations().length; g++) {
        for (int k = 0; k < proof.witnessEvaluations()[g].length; k++) {
          Ext2[][] w = proof.witnessEvaluations();
          w[g][k] = w[g][k].add(d);
          out.add(new LogUpProof(proof.rootP(), proof.rootQ(), proof.layers(), w));
        }
      }
    }
    // Structural changes: a missing layer, a missing group, swapped roots.
    if (!proof.layers().isEmpty()) {
      out.add(
          new LogUpProof(
              proof.rootP(),
              proof.rootQ(),
              proof.layers().subList(0, proof.layers().size() - 1),
              proof.witnessEvaluations()));
    }
    out.add(
        new LogUpProof(
            proof.rootP(),
            proof.rootQ(),
            proof.layers(),
            Arrays.copyOf(proof.witnessEvaluations(), proof.witnessEvaluations().length - 1)));
    if (proof.rootP().length > 1) {
      Ext2[] p = proof.rootP();
      Ext2[] q = proof.rootQ();
      Ext2 t = p[0];
      p[0] = p[1];
      p[1] = t;
      t = q[0];
      q[0] = q[1];
      q[1] = t;
      if (!p[0].equals(p[1]) || !q[0].equals(q[1])) {
        out.add(new LogUpProof(p, q, proof.layers(), proof.witnessEvaluations()));
      }
    }
    return out;
  }

  static LogUpProof withLayer(LogUpProof proof, int l, SumcheckProof s) {
    List<SumcheckProof> layers = new ArrayList<>(proof.layers());
    layers.set(l, s);
    return new LogUpProof(proof.rootP(), proof.rootQ(), layers, proof.witnessEvaluations());
  }

  @Test
  void aDifferentTableIsADifferentStatement() {
    Lookup lk = Lookup.of(LookupTable.range(4), Group.full(3));
    long[] v = {0, 1, 2, 3, 4, 5, 6, 7};
    LookupWitness w = LookupWitness.compute(lk, List.<long[][]>of(new long[][] {v}));
    LogUpProof proof =
        LogUpProver.prove(LookupStatement.of(lk), List.of(w), new Transcript("d")).proof();
    // Same shape, other contents: identity offset 1, or explicit values.
    LookupTable shifted = new LookupTable(4, List.of(new TableColumn.Identity(1)));
    long[] vals = new long[16];
    for (int i = 0; i < 16; i++) {
      vals[i] = i == 15 ? 99 : i;
    }
    LookupTable explicit = new LookupTable(4, List.of(new TableColumn.Explicit(vals)));
    for (LookupTable t : new LookupTable[] {shifted, explicit}) {
      LookupStatement other = LookupStatement.of(Lookup.of(t, Group.full(3)));
      assertThrows(
          InvalidProofException.class,
          () -> LogUpVerifier.verify(other, proof, new Transcript("d")));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Encoding and helpers

  @Property(tries = 10)
  void encodingRoundTripsAndRejectsMalformedInput(@ForAll long seed) throws InvalidProofException {
    Random rng = new Random(seed);
    Case c = randomCase(rng, 3);
    LogUpProof proof = prove(c, "e").proof();
    byte[] bytes = proof.toBytes();
    assertEquals(proof, LogUpProof.fromBytes(bytes));
    for (int cut = 0; cut < bytes.length; cut += 1 + cut / 8) {
      byte[] b = Arrays.copyOf(bytes, cut);
      assertThrows(InvalidProofException.class, () -> LogUpProof.fromBytes(b));
    }
    assertThrows(
        InvalidProofException.class,
        () -> LogUpProof.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
    for (int i = 0; i < bytes.length; i += 1 + rng.nextInt(5)) {
      byte[] bad = bytes.clone();
      bad[i] ^= (byte) (1 << rng.nextInt(8));
      try {
        LogUpProof p = LogUpProof.fromBytes(bad);
        assertThrows(
            InvalidProofException.class,
            () -> verify(c, p, "e"),
            "flipped byte " + i + " accepted");
      } catch (InvalidProofException expected) {
        // rejected at decoding
      }
    }
    byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F};
    assertThrows(InvalidProofException.class, () -> LogUpProof.fromBytes(huge));
  }

  @Test
  void parallelEvaluationMatchesMle() {
    Random rng = new Random(8);
    for (int n : new int[] {0, 1, 5, 13, 14, 17}) {
      long[] t = new long[1 << n];
      for (int i = 0; i < t.length; i++) {
        t[i] = Goldilocks.random(rng);
      }
      Ext2[] r = new Ext2[n];
      for (int j = 0; j < n; j++) {
        r[j] = Ext2.random(rng);
      }
      // Folding variable by variable: a reference that shares no code with the split evaluation.
      assertEquals(
          Mle.evaluateExt(io.zkaudit.field.ExtVector.fromBase(t), r), LogUpProver.evaluate(t, r));
    }
  }

  @Property(tries = 50)
  void prefixIndicatorIsTheMleOfTheFirstRows(
      @ForAll @IntRange(min = 0, max = 8) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long count = 1 + rng.nextInt(1 << n);
    Ext2[] r = new Ext2[n];
    for (int j = 0; j < n; j++) {
      r[j] = Ext2.random(rng);
    }
    long[] table = new Group(n, count).selectorTable();
    assertEquals(Mle.evaluate(table, r), LogUpLayout.prefixIndicator(count, r));
  }

  @Property(tries = 50)
  void boxSelectorIsTheMleOfTheActiveRows(
      @ForAll @IntRange(min = 1, max = 4) int dims, @ForAll long seed) {
    Random rng = new Random(seed);
    java.util.List<Group.Extent> extents = new java.util.ArrayList<>();
    int n = 0;
    for (int d = 0; d < dims; d++) {
      int bits = rng.nextInt(4);
      extents.add(new Group.Extent(bits, 1 + rng.nextInt(1 << bits)));
      n += bits;
    }
    Group g = new Group(n, extents);
    Ext2[] r = new Ext2[n];
    for (int j = 0; j < n; j++) {
      r[j] = Ext2.random(rng);
    }
    long[] table = g.selectorTable();
    long active = 0;
    for (long v : table) {
      active += v;
    }
    assertEquals(g.activeRows(), active);
    assertEquals(Mle.evaluate(table, r), g.selector(r));
  }

  @Property(tries = 30)
  void tableColumnsEvaluateTheirMle(@ForAll @IntRange(min = 0, max = 8) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long offset = Goldilocks.random(rng);
    TableColumn.Identity id = new TableColumn.Identity(offset);
    long[] vals = new long[1 << n];
    for (int i = 0; i < vals.length; i++) {
      vals[i] = id.valueAt(i);
    }
    Ext2[] r = new Ext2[n];
    for (int j = 0; j < n; j++) {
      r[j] = Ext2.random(rng);
    }
    assertEquals(Mle.evaluate(vals, r), id.evaluate(r));
    Ext2 beta = Ext2.random(rng);
    LookupTable t = LookupTable.function(n, -3, x -> x * x);
    long[] out = new long[1 << n];
    for (int i = 0; i < out.length; i++) {
      out[i] = Goldilocks.fromSigned((i - 3L) * (i - 3L));
    }
    assertEquals(
        id.evaluate(r)
            .sub(Ext2.of(offset))
            .add(Ext2.ofSigned(-3))
            .add(beta.mul(Mle.evaluate(out, r))),
        t.evaluateCompressed(beta, r));
    assertArrayEquals(
        ExtVector.fromBase(out),
        ExtVector.fromBase(((TableColumn.Explicit) t.columns().get(1)).values()));
  }
}

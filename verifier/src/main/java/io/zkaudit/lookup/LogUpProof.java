package io.zkaudit.lookup;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckProof;
import java.util.Arrays;
import java.util.List;

/**
 * A logUp-GKR proof for a {@link LookupStatement}.
 *
 * <ul>
 *   <li>{@code rootP[i], rootQ[i]}: the root fraction of tree i (order of {@link
 *       LogUpLayout#trees}: per lookup its table's tree, then its witness tree);
 *   <li>{@code layers[l-1]}: the sumcheck of GKR layer l = 1..maxVars (l - 1 rounds of degree 3,
 *       then the evaluations p0, p1, q0, q1 of each active tree, p omitted where {@link
 *       LogUpLayout.Tree#omitsP});
 *   <li>{@code witnessEvaluations[g]}: for each witness group (lookup by lookup, group order), the
 *       values w_c of its columns at its prefix of its witness tree's final point;
 *   <li>{@code masks}: in a zero-knowledge proof, for each GKR layer the Libra mask's sum and its
 *       value at the layer's final point (see {@link io.zkaudit.sumcheck.MaskedSumcheckProof});
 *   <li>{@code blindingSums}: in a blinded proof ({@link LogUpBlinding}), per witness group the
 *       value of its blinding numerators at its final point, sum_s eq(r, s) b_s (zero for a group
 *       without blinding rows); empty otherwise;
 *   <li>{@code blindingTuples}: in a blinded proof, per lookup the values u'_c at its table's final
 *       point without the top (blinding) variable; empty otherwise.
 * </ul>
 *
 * Encoding: u32 count + (P, Q) per tree; u32 count + sumcheck proofs; u32 count + one
 * length-prefixed extension list per group; the masks; the blinding sums; u32 count + one extension
 * list per lookup.
 */
public record LogUpProof(
    Ext2[] rootP,
    Ext2[] rootQ,
    List<SumcheckProof> layers,
    Ext2[][] witnessEvaluations,
    Ext2[] masks,
    Ext2[] blindingSums,
    Ext2[][] blindingTuples) {
  /**
   * Per lookup, its table's fraction tree and one to three of its witness groups' ({@link
   * LogUpLayout#trees}).
   */
  public static final int MAX_TREES = 2 * LookupStatement.MAX_LOOKUPS;

  public static final int MAX_GROUPS = LookupStatement.MAX_LOOKUPS * LookupStatement.MAX_GROUPS;
  public static final int MAX_LAYERS = 32;

  public LogUpProof {
    if (rootP.length != rootQ.length) {
      throw new IllegalArgumentException("root lists differ in length");
    }
    rootP = rootP.clone();
    rootQ = rootQ.clone();
    layers = List.copyOf(layers);
    witnessEvaluations =
        Arrays.stream(witnessEvaluations).map(Ext2[]::clone).toArray(Ext2[][]::new);
    masks = masks.clone();
    blindingSums = blindingSums.clone();
    blindingTuples = Arrays.stream(blindingTuples).map(Ext2[]::clone).toArray(Ext2[][]::new);
  }

  /** A proof without zero knowledge: no masks. */
  public LogUpProof(
      Ext2[] rootP, Ext2[] rootQ, List<SumcheckProof> layers, Ext2[][] witnessEvaluations) {
    this(rootP, rootQ, layers, witnessEvaluations, new Ext2[0]);
  }

  /** A proof without blinding. */
  public LogUpProof(
      Ext2[] rootP,
      Ext2[] rootQ,
      List<SumcheckProof> layers,
      Ext2[][] witnessEvaluations,
      Ext2[] masks) {
    this(rootP, rootQ, layers, witnessEvaluations, masks, new Ext2[0], new Ext2[0][]);
  }

  @Override
  public Ext2[] blindingSums() {
    return blindingSums.clone();
  }

  @Override
  public Ext2[][] blindingTuples() {
    return Arrays.stream(blindingTuples).map(Ext2[]::clone).toArray(Ext2[][]::new);
  }

  /**
   * For a zero-knowledge proof, per GKR layer the mask's sum and its value at the layer's point;
   * else empty.
   */
  @Override
  public Ext2[] masks() {
    return masks.clone();
  }

  @Override
  public Ext2[] rootP() {
    return rootP.clone();
  }

  @Override
  public Ext2[] rootQ() {
    return rootQ.clone();
  }

  @Override
  public Ext2[][] witnessEvaluations() {
    return Arrays.stream(witnessEvaluations).map(Ext2[]::clone).toArray(Ext2[][]::new);
  }

  public void encode(ByteWriter w) {
    w.u32(rootP.length);
    for (int i = 0; i < rootP.length; i++) {
      w.ext(rootP[i]).ext(rootQ[i]);
    }
    w.u32(layers.size());
    for (SumcheckProof s : layers) {
      s.encode(w);
    }
    w.u32(witnessEvaluations.length);
    for (Ext2[] v : witnessEvaluations) {
      w.exts(v);
    }
    w.exts(masks);
    w.exts(blindingSums);
    w.u32(blindingTuples.length);
    for (Ext2[] v : blindingTuples) {
      w.exts(v);
    }
  }

  public static LogUpProof decode(ByteReader r) throws InvalidProofException {
    int n = r.length("logup trees", MAX_TREES);
    Ext2[] p = new Ext2[n];
    Ext2[] q = new Ext2[n];
    for (int i = 0; i < n; i++) {
      p[i] = r.ext("logup root p");
      q[i] = r.ext("logup root q");
    }
    int layers = r.length("logup layers", MAX_LAYERS);
    SumcheckProof[] ls = new SumcheckProof[layers];
    for (int l = 0; l < layers; l++) {
      ls[l] = SumcheckProof.decode(r);
    }
    int groups = r.length("logup witness groups", MAX_GROUPS);
    Ext2[][] wv = new Ext2[groups][];
    for (int g = 0; g < groups; g++) {
      wv[g] = r.exts("logup witness evaluations", LookupTable.MAX_WIDTH);
    }
    Ext2[] masks = r.exts("logup masks", 2 * MAX_LAYERS);
    Ext2[] sums = r.exts("logup blinding sums", MAX_GROUPS);
    int lookups = r.length("logup blinding tuples", LookupStatement.MAX_LOOKUPS);
    Ext2[][] tuples = new Ext2[lookups][];
    for (int l = 0; l < lookups; l++) {
      tuples[l] = r.exts("logup blinding tuple", LookupTable.MAX_WIDTH);
    }
    return new LogUpProof(p, q, List.of(ls), wv, masks, sums, tuples);
  }

  public byte[] toBytes() {
    ByteWriter w = new ByteWriter();
    encode(w);
    return w.toByteArray();
  }

  public static LogUpProof fromBytes(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    LogUpProof p = decode(r);
    r.finish();
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogUpProof x
        && Arrays.equals(x.rootP, rootP)
        && Arrays.equals(x.rootQ, rootQ)
        && x.layers.equals(layers)
        && Arrays.deepEquals(x.witnessEvaluations, witnessEvaluations)
        && Arrays.equals(x.masks, masks)
        && Arrays.equals(x.blindingSums, blindingSums)
        && Arrays.deepEquals(x.blindingTuples, blindingTuples);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(rootP)
        ^ Arrays.hashCode(rootQ)
        ^ layers.hashCode()
        ^ Arrays.deepHashCode(witnessEvaluations);
  }

  @Override
  public String toString() {
    return "LogUpProof(" + rootP.length + " trees, " + layers.size() + " layers)";
  }
}

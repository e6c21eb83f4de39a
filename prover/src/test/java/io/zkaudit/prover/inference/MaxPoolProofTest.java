package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.MaxPoolLayer;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.Padding;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels.Chain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Max pooling proven as a chain of pairwise-maximum lookups over window selections
 * (docs/model-proofs.md, "Max pooling"): models with 2x2/2, 3x3/2 padded and clamped, a pool on the
 * model input, a 1x1 window and a 3x2 window of strides 3 and 1 prove and verify, zero-knowledge
 * and plain, with the integer engine's outputs; cheating provers and tampered selection sumchecks
 * are rejected.
 */
class MaxPoolProofTest {

  /**
   * Conv 3x3, then a 2x2/2 max pool, read by a dense layer through a flatten (the pool's output is
   * committed).
   */
  static QuantizedModel pool2x2() {
    return new Chain("maxpool-2x2", List.of(1, 8, 8, 3))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 4, 3, 11)
        .maxPool("pool", 2, 2, Padding.NONE, -128, 127)
        .flatten("flatten")
        .denseRandom("fc", 5, 4, 21)
        .build();
  }

  /**
   * Conv 3x3, then a 3x3/2 max pool with padding and a clamp to [0, 30] (a fused ReLU6-like
   * activation): the pool's output is the model's.
   */
  static QuantizedModel pool3x3PaddedClamped() {
    return new Chain("maxpool-3x3-padded", List.of(1, 7, 7, 2))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 3, 5, 5)
        .maxPool("pool", 3, 2, new Padding(1, 1, 1, 1), 0, 30)
        .build();
  }

  /**
   * A 3x3/2 pool on the model input with TFLite-style SAME padding (bottom and right) and a ReLU
   * clamp, then a 1x1 convolution.
   */
  static QuantizedModel poolOnInput() {
    return new Chain("maxpool-on-input", List.of(1, 5, 6, 3))
        .maxPool("pool", 3, 2, new Padding(0, 0, 1, 1), 0, 127)
        .conv("conv", 1, 1, Padding.NONE, 3, 4, 31)
        .build();
  }

  /**
   * A 1x1 window of stride 2 (a subsampling: the chain's one step compares the tap with itself).
   */
  static QuantizedModel pool1x1() {
    return new Chain("maxpool-1x1", List.of(1, 4, 4, 2))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 2, 3, 7)
        .maxPool("pool", 1, 2, Padding.NONE, -128, 127)
        .conv1x1("out")
        .build();
  }

  /**
   * A 3x2 window of strides 3 (not a power of two: the verifier's window predicates sum directly)
   * and 1, padded on three sides, on a map of 3 channels, then a 1x1 convolution.
   */
  static QuantizedModel pool3x2() {
    return new Chain("maxpool-3x2", List.of(1, 7, 5, 3))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 3, 4, 37)
        .maxPool(
            "pool",
            new io.zkaudit.model.Window(3, 2, 3, 1, 1, 1, new Padding(1, 0, 1, 1)),
            -128,
            127)
        .conv("out", 1, 1, Padding.NONE, 2, 3, 41)
        .build();
  }

  /**
   * A pad of value 9 (asymmetric: top 1, left 2) in front of a VALID 3x3/2 max pool, which folds it
   * (its padded taps read 9: the engine's maximum includes the pad's entries), then a convolution.
   */
  static QuantizedModel padThenPool() {
    return new Chain("pad-then-maxpool", List.of(1, 6, 6, 2))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 2, 5, 43)
        .pad("pad", 1, 0, 2, 0, 9)
        .maxPool("pool", 3, 2, Padding.NONE, -128, 127)
        .conv("out", 1, 1, Padding.NONE, 2, 3, 47)
        .build();
  }

  /**
   * A pad of the type's minimum in front of a max pool with padding of its own (both read as -128).
   */
  static QuantizedModel minPadThenPaddedPool() {
    return new Chain("min-pad-then-maxpool", List.of(1, 5, 5, 2))
        .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 2, 5, 53)
        .pad("pad", 0, 1, 0, 1, -128)
        .maxPool("pool", 3, 2, new Padding(1, 1, 1, 1), -128, 127)
        .conv("out", 1, 1, Padding.NONE, 2, 3, 59)
        .build();
  }

  /** Uniform int8 inputs for a model, reproducible from the seed. */
  static List<int[]> inputs(QuantizedModel m, int count, long seed) {
    Random r = new Random(seed);
    List<int[]> in = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      int[] x = new int[m.input().size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextInt(256) - 128;
      }
      in.add(x);
    }
    return in;
  }

  @Test
  void maxPoolModelsProveAndVerifyWithTheEnginesOutputs() throws Exception {
    for (QuantizedModel m :
        List.of(
            pool2x2(),
            pool3x3PaddedClamped(),
            poolOnInput(),
            pool1x1(),
            pool3x2(),
            padThenPool(),
            minPadThenPaddedPool())) {
      String name = m.description().name();
      Provability p = Provability.of(m);
      assertTrue(p.provable(), name + ": " + p.messages());
      CommittedModel cm = ModelProver.commit(m);
      assertEquals(1, cm.circuit(true).maxPools().size(), name);
      provesTheEnginesOutputs(m, cm);
    }
  }

  /**
   * Three inputs of m, each proven in zero knowledge and plain: every proof, re-decoded, verifies
   * to the integer engine's output, and the inputs lead to different outputs (so the model's output
   * is not a constant that any proof would match).
   */
  static void provesTheEnginesOutputs(QuantizedModel m, CommittedModel cm)
      throws InvalidProofException {
    String name = m.description().name();
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    Set<String> outputs = new HashSet<>();
    List<int[]> xs = inputs(m, 3, name.length());
    for (int k = 0; k < xs.size(); k++) {
      int[] x = xs.get(k);
      for (boolean zk : new boolean[] {true, false}) {
        long start = System.nanoTime();
        ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, zk);
        long ms = (System.nanoTime() - start) / 1_000_000;
        byte[] bytes = proof.encode();
        int[] proven = verifier.verify(ModelProof.decode(bytes), x);
        int[] engine = new IntegerEngine(m).trace(x).tensor(verifier.circuit().outputTensor());
        assertArrayEquals(
            engine, proven, name + " input " + k + (zk ? " zero-knowledge" : " plain"));
        outputs.add(java.util.Arrays.toString(proven));
        if (k == 0) {
          System.out.printf(
              "%s %s: proof %,d bytes, proven in %d ms%n",
              name, zk ? "zk" : "plain", bytes.length, ms);
        }
      }
    }
    assertEquals(
        xs.size(), outputs.size(), name + ": the inputs lead to the same output " + outputs);
  }

  /**
   * The clamp matters for the test model: some window maxima lie below and some above [0, 30], and
   * are clamped.
   */
  @Test
  void theClampedModelClampsSomeMaxima() {
    QuantizedModel m = pool3x3PaddedClamped();
    MaxPool pool = (MaxPool) m.description().layers().getLast();
    boolean low = false;
    boolean high = false;
    for (int[] x : inputs(m, 3, 3)) {
      int[] in = new IntegerEngine(m).trace(x).tensor(pool.input());
      for (Window w : windows(m, pool, in)) {
        low |= w.max() < pool.clampMin();
        high |= w.max() > pool.clampMax();
      }
    }
    assertTrue(low && high, "maxima below and above the clamp");
  }

  /**
   * One output position of the pool: its (y, x, c), its real elements' maximum and the largest
   * element below it.
   */
  record Window(int y, int x, int c, int max, int below) {}

  static List<Window> windows(QuantizedModel m, MaxPool pool, int[] in) {
    var inShape = m.description().tensor(pool.input()).shape();
    var outShape = m.description().tensor(pool.output()).shape();
    int h = inShape.get(1);
    int w = inShape.get(2);
    int c = inShape.get(3);
    var win = pool.window();
    List<Window> out = new ArrayList<>();
    for (int oy = 0; oy < outShape.get(1); oy++) {
      for (int ox = 0; ox < outShape.get(2); ox++) {
        for (int ch = 0; ch < c; ch++) {
          List<Integer> elements = new ArrayList<>();
          for (int i = 0; i < win.kernelH(); i++) {
            for (int j = 0; j < win.kernelW(); j++) {
              int iy = oy * win.strideH() - win.padding().top() + i;
              int ix = ox * win.strideW() - win.padding().left() + j;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                elements.add(in[(iy * w + ix) * c + ch]);
              }
            }
          }
          int max = elements.stream().max(Integer::compare).orElseThrow();
          int below =
              elements.stream()
                  .filter(v -> v < max)
                  .max(Integer::compare)
                  .orElse(Integer.MIN_VALUE);
          out.add(new Window(oy, ox, ch, max, below));
        }
      }
    }
    return out;
  }

  /**
   * Cheating provers of the pool's (public) output at one position, each rejected: one that claims
   * a window element that is not the maximum, one that claims more than every element, and two off
   * by one. They forge the selections their lookups read so that every tuple is a row of the pair
   * table (and recount the multiplicities): only the selection sumcheck can catch them, and the
   * rejection names the pool. A lazy cheater that changes only the output fails the lookup.
   */
  @Test
  void aProverCannotClaimAnotherValueThanTheWindowMaximum() throws Exception {
    QuantizedModel m = pool3x3PaddedClamped();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    MaxPool pool = (MaxPool) m.description().layers().getLast();
    int[] x = inputs(m, 1, 42).getFirst();
    int[] in = new IntegerEngine(m).trace(x).tensor(pool.input());
    // A position whose maximum and a smaller element both lie strictly inside the clamp.
    Window target =
        windows(m, pool, in).stream()
            .filter(
                w ->
                    w.max() > pool.clampMin() + 1
                        && w.max() < pool.clampMax() - 1
                        && w.below() >= pool.clampMin())
            .findFirst()
            .orElseThrow();
    int honest = target.max();
    int[] forged = {target.below(), pool.clampMax(), honest + 1, honest - 1};
    String[] what = {
      "a smaller window element",
      "a value above every element",
      "the maximum + 1",
      "the maximum - 1"
    };
    for (boolean zk : new boolean[] {true, false}) {
      ModelProof good = ModelProver.prove(cm, x, ProgressListener.NONE, zk);
      assertArrayEquals(new IntegerEngine(m).infer(x), verifier.verify(good, x));
      for (int f = 0; f < forged.length; f++) {
        assertNotEquals(honest, forged[f]);
        ModelProof p =
            CheatingProver.alteringWitness(cm, x, zk, forge(cm, zk, target, forged[f], true));
        String message = rejection(verifier, p, x, what[f]);
        assertTrue(
            message.contains("pool (max pool)"), what[f] + " rejected elsewhere: " + message);
      }
      ModelProof lazy =
          CheatingProver.alteringWitness(cm, x, zk, forge(cm, zk, target, honest + 1, false));
      rejection(verifier, lazy, x, "an output changed alone");
    }
  }

  /**
   * A witness hook that makes the pool's output at the target value v: with {@code consistent}, the
   * selections at that position are lowered to v (or tap 0 raised to it), the chain recomputed and
   * the multiplicities recounted, so every lookup holds; otherwise only the output changes.
   */
  private static Consumer<InferenceWitness> forge(
      CommittedModel cm, boolean zk, Window target, int v, boolean consistent) {
    ModelCircuit circuit = cm.circuit(zk);
    MaxPoolLayer pool = circuit.maxPools().getFirst();
    TensorLayout out = pool.out();
    int z = out.index(target.y(), target.x(), target.c());
    int clamped = Math.clamp(v, pool.layer().clampMin(), pool.layer().clampMax());
    return w -> {
      InferenceWitness.PoolWitness pw = w.pools.getFirst();
      if (consistent) {
        long[][] taps = pw.taps();
        if (v < target.max()) {
          for (long[] tap : taps) {
            tap[z] = Goldilocks.fromSigned(Math.min(Goldilocks.toSigned(tap[z]), v));
          }
        } else {
          taps[0][z] = Goldilocks.fromSigned(v);
        }
        long running = Goldilocks.toSigned(taps[0][z]);
        for (int s = 1; s <= pool.steps(); s++) {
          running = Math.max(running, Goldilocks.toSigned(taps[pool.stepTap(s)][z]));
          pw.maxima()[s - 1][z] = Goldilocks.fromSigned(s == pool.steps() ? clamped : running);
        }
        w.lookups =
            List.of(
                LookupWitness.compute(
                    InferenceStatement.lookups(circuit).lookups().get(0),
                    w.lookups.get(0).groups()),
                w.lookups.get(1));
      } else {
        pw.maxima()[pool.steps() - 1][z] = Goldilocks.fromSigned(clamped);
      }
      w.output[(target.y() * out.width() + target.x()) * out.channels() + target.c()] = clamped;
    };
  }

  /** The verifier's reason for refusing p (re-encoded and decoded first); fails if it accepts. */
  static String rejection(ModelVerifier verifier, ModelProof p, int[] x, String what) {
    try {
      verifier.verify(ModelProof.decode(p.encode()), x);
    } catch (InvalidProofException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what);
      return e.getMessage();
    }
    fail("accepted: " + what);
    return null;
  }

  /**
   * Bit flips spread over the pool's selection sumcheck in the encoded proof are all rejected; in a
   * plain proof, each flip that still decodes is rejected by the pool's own check, with a message
   * naming it (a zero-knowledge proof's mask values are checked at the opening).
   */
  @Test
  void tamperedSelectionSumchecksAreRejected() throws Exception {
    QuantizedModel m = pool3x3PaddedClamped();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] x = inputs(m, 1, 8).getFirst();
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, zk);
      byte[] bytes = proof.encode();
      ByteWriter section = new ByteWriter();
      proof.linear().getLast().encode(section);
      byte[] pool = section.toByteArray();
      int at = indexOf(bytes, pool);
      assertTrue(at > 0, "the pool's sumcheck is in the proof");
      int named = 0;
      int decoded = 0;
      Random r = new Random(zk ? 1 : 2);
      for (int k = 0; k < 40; k++) {
        byte[] t = bytes.clone();
        int pos = at + (k == 0 ? pool.length - 1 : r.nextInt(pool.length));
        t[pos] ^= (byte) (1 << r.nextInt(8));
        ModelProof tampered;
        try {
          tampered = ModelProof.decode(t);
        } catch (InvalidProofException refused) {
          continue;
        }
        decoded++;
        String message =
            rejection(
                verifier, tampered, x, "a flip at byte " + (pos - at) + " of the pool's sumcheck");
        named += message.contains("pool (max pool)") ? 1 : 0;
        if (!zk) {
          assertTrue(message.contains("pool (max pool)"), message);
        }
      }
      assertTrue(
          decoded >= 20 && named >= decoded / 2,
          decoded + " decoded, " + named + " named the pool");
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = hay.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * A model that is one max pool of its input (no weights, no rounding layer: nothing of the weight
   * commitment is opened, the range lookup has its one zero group) proves about a private input
   * too, whose range groups come after that group; another input's commitment is rejected.
   */
  @Test
  void aPoolAloneProvesAboutAPrivateInput() throws Exception {
    QuantizedModel m =
        new Chain("maxpool-alone", List.of(1, 6, 5, 2))
            .maxPool("pool", 3, 2, new Padding(1, 1, 1, 1), -128, 127)
            .build();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    List<int[]> xs = inputs(m, 2, 61);
    CommittedInput a = ModelProver.commitInput(cm, xs.get(0), null);
    ModelProof proof = ModelProver.prove(cm, a, ProgressListener.NONE);
    assertArrayEquals(
        new IntegerEngine(m).infer(xs.get(0)),
        verifier.verifyCommitted(ModelProof.decode(proof.encode()), a.commitment()));
    CommittedInput b = ModelProver.commitInput(cm, xs.get(1), null);
    org.junit.jupiter.api.Assertions.assertThrows(
        InvalidProofException.class, () -> verifier.verifyCommitted(proof, b.commitment()));
    for (boolean zk : new boolean[] {true, false}) {
      int[] x = xs.get(1);
      assertArrayEquals(
          new IntegerEngine(m).infer(x),
          verifier.verify(ModelProver.prove(cm, x, ProgressListener.NONE, zk), x));
    }
    // The soundness report lists what such a proof opens: no weight commitment, shadow or link.
    io.zkaudit.soundness.SoundnessReport report = verifier.soundness(true, true);
    assertTrue(
        report.rounds().stream().noneMatch(r -> r.protocol().contains("weight")), report.table());
    assertTrue(
        report.rounds().stream().anyMatch(r -> r.protocol().contains("input shadow")),
        report.table());
  }

  /**
   * A pad in front of a max pool is folded: no column or layer for it, the pool reads the pad's
   * input, its padded taps the pad value.
   */
  @Test
  void aPadInFrontOfAMaxPoolIsFolded() {
    ModelCircuit c = ModelCircuit.of(padThenPool().description(), true);
    MaxPoolLayer pool = c.maxPools().getFirst();
    var pad = (io.zkaudit.model.Pad) padThenPool().description().layers().get(1);
    assertEquals(pad.input(), pool.input());
    assertEquals(9, pool.fill());
    assertEquals(1, pool.rows().pad());
    assertEquals(2, pool.cols().pad());
    assertTrue(c.columns().stream().noneMatch(col -> col.name().startsWith("pad")));
    assertEquals(-128, ModelCircuit.of(pool2x2().description(), true).maxPools().getFirst().fill());
  }

  /**
   * A model without a max pool has the circuit, and so the proof format, it had before (no pair
   * table, no group).
   */
  @Test
  void aModelWithoutMaxPoolHasNoPairTable() {
    QuantizedModel m = new Chain("no-pool", List.of(1, 4, 4, 2)).conv1x1("conv").build();
    ModelCircuit c = ModelCircuit.of(m.description(), true);
    assertTrue(c.maxPools().isEmpty());
    assertEquals(c.layers().size(), InferenceStatement.lookups(c).lookups().get(0).groups().size());
    ModelCircuit pooled = ModelCircuit.of(pool2x2().description(), true);
    // Two pair tables of 2^16 rows (unclamped steps and the last, whose clamp is the type's: one
    // table).
    long rows =
        pooled.tableRows().stream()
            .filter(r -> r[0] == pooled.maxPools().getFirst().tagLast())
            .count();
    assertEquals(1 << 16, rows);
  }
}

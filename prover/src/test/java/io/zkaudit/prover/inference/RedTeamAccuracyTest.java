package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkaudit.accuracy.ArgmaxCountProof;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.MnistCnn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Red team (adversarial review of batch and accuracy proofs, MNIST CNN, N = 3 = 2^1 + 1 so that the
 * batch has a padding sample and the zero-knowledge gadget has more sample bits than the batch):
 * hostile bytes anywhere in a proof, its header fields rewritten (the sample count, the count
 * {@code correct}, the kind and zero-knowledge flags), sections moved between proofs, proofs shown
 * with other labels of the same count. Every attempt must end in an {@link InvalidProofException}
 * (never another exception type, never acceptance), and quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedTeamAccuracyTest {
  static final int N = 3;

  /** Magic (4), version (4), flags (1), key digest (32): then N (u32), then correct (u32). */
  static final int FLAGS_AT = 8;

  static final int SAMPLES_AT = 41;
  static final int CORRECT_AT = 45;

  QuantizedModel mnist;
  CommittedModel key;
  ModelVerifier verifier;
  List<int[]> inputs;
  int[] labels;
  int[] otherLabels;
  int honest;
  ModelProof plain;
  ModelProof zk;

  @BeforeAll
  void prove() throws Exception {
    mnist = MnistCnn.model();
    key = ModelProver.commit(mnist);
    verifier = new ModelVerifier(key.vk());
    inputs = MnistCnn.inputs(mnist, N);
    IntegerEngine engine = new IntegerEngine(mnist);
    int[] predicted =
        inputs.stream()
            .mapToInt(
                x -> Predictions.topK(engine.trace(x).tensor(key.circuit().outputTensor()), 1)[0])
            .toArray();
    // Sample 0 wrong (so every count 0..N can be claimed both ways); a second label set with the
    // same count, differing only in sample 0's wrong label.
    labels = predicted.clone();
    labels[0] = (predicted[0] + 1) % 10;
    otherLabels = labels.clone();
    otherLabels[0] = (predicted[0] + 2) % 10;
    honest = N - 1;
    plain = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE, false);
    zk = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE, true);
    assertEquals(honest, verifier.verifyAccuracy(plain, inputs, labels).correct());
    assertEquals(honest, verifier.verifyAccuracy(zk, inputs, labels).correct());
  }

  /**
   * Single bytes replaced by random values across the whole proof (the header byte by byte, then a
   * stride over the rest), and truncations at many lengths and one trailing byte: every one is
   * rejected by an InvalidProofException, in decoding or verification, in well under a second.
   */
  @Test
  void hostileBytesAnywhereAreACleanRejection() {
    Random rng = new Random(16);
    for (ModelProof proof : List.of(plain, zk)) {
      byte[] bytes = proof.encode();
      int tried = 0;
      int stride = Math.max(1, bytes.length / 120);
      for (int pos = 0; pos < bytes.length; pos += pos < 96 ? 1 : stride) {
        byte[] t = bytes.clone();
        t[pos] = (byte) (t[pos] ^ (1 + rng.nextInt(255)));
        expectCleanRejection(t, inputs, labels, "byte " + pos + " of " + bytes.length);
        tried++;
      }
      for (int i = 0; i < 40; i++) {
        int len = i < 20 ? i * 3 : rng.nextInt(bytes.length);
        expectCleanRejection(Arrays.copyOf(bytes, len), inputs, labels, "truncated to " + len);
        tried++;
      }
      expectCleanRejection(
          Arrays.copyOf(bytes, bytes.length + 1), inputs, labels, "one trailing byte");
      assertTrue(tried > 200, tried + " tries");
    }
  }

  /**
   * The header's u32 fields rewritten: the sample count to every value a decoder might mishandle
   * (0, 1, 2, N + 1, 2^16, 2^16 + 1, 2^31 − 1, 2^31, 2^32 − 1), each verified against that many of
   * the inputs where the verifier can hold them; the count to every other value in 0..N and to N +
   * 1, −1 (2^32 − 1) and 2^31. None verifies; the count's rewrites fail at the statement binding.
   */
  @Test
  void headerFieldsRewrittenAreRejected() throws Exception {
    for (ModelProof proof : List.of(plain, zk)) {
      byte[] bytes = proof.encode();
      assertEquals(N, u32(bytes, SAMPLES_AT), "the header layout this test assumes");
      assertEquals(honest, u32(bytes, CORRECT_AT), "the header layout this test assumes");
      for (int samples :
          new int[] {0, 1, 2, N + 1, 1 << 16, (1 << 16) + 1, Integer.MAX_VALUE, 1 << 31, -1}) {
        byte[] t = bytes.clone();
        putU32(t, SAMPLES_AT, samples);
        int n = samples >= 1 && samples <= N ? samples : N;
        expectCleanRejection(
            t, inputs.subList(0, n), Arrays.copyOf(labels, n), "samples rewritten to " + samples);
        // And against the stated inputs, whatever the header says.
        expectCleanRejection(t, inputs, labels, "samples " + samples + ", all inputs");
      }
      for (int correct : new int[] {0, 1, 3, N + 1, -1, 1 << 31}) {
        if (correct == honest) {
          continue;
        }
        byte[] t = bytes.clone();
        putU32(t, CORRECT_AT, correct);
        InvalidProofException e =
            expectCleanRejection(t, inputs, labels, "correct rewritten to " + correct);
        if (correct >= 0 && correct <= N) {
          assertTrue(
              e.getMessage().contains("the proof is about other inputs, or was made for other"),
              "correct " + correct + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * The kind's flags rewritten to every other value (zero knowledge on or off, the batch and
   * accuracy bits, a private input's): none verifies as an accuracy proof, and the proof is refused
   * as a batch or single-sample proof too.
   */
  @Test
  void everyOtherFlagsByteIsRejected() {
    for (ModelProof proof : List.of(plain, zk)) {
      byte[] bytes = proof.encode();
      for (int flags = 0; flags < 256; flags++) {
        if (flags == bytes[FLAGS_AT]) {
          continue;
        }
        byte[] t = bytes.clone();
        t[FLAGS_AT] = (byte) flags;
        expectCleanRejection(t, inputs, labels, "flags " + flags);
      }
    }
    expectCleanBatchRejection(plain.encode(), inputs, "an accuracy proof as a batch proof");
    try {
      verifier.verify(ModelProof.decode(plain.encode()), inputs.getFirst());
      fail("an accuracy proof verified as a single-sample proof");
    } catch (InvalidProofException expected) {
      // refused by kind
    }
  }

  /**
   * Sections moved between proofs: the gadget's proof of the plain proof in the zero-knowledge one
   * and back, the gadget of a second zero-knowledge proof of the same statement (other randomness)
   * in the first; and honest proofs shown with another label set that has the same count (sample
   * 0's wrong label replaced by another wrong label): the verifier's own label table and the
   * statement binding differ, so none verifies.
   */
  @Test
  void movedSectionsAndOtherLabelsOfTheSameCountAreRejected() throws Exception {
    ModelProof zk2 = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE, true);
    assertEquals(honest, verifier.verifyAccuracy(zk2, inputs, labels).correct());
    for (ModelProof[] pair : new ModelProof[][] {{zk, plain}, {plain, zk}, {zk, zk2}, {zk2, zk}}) {
      ModelProof grafted = withGadget(pair[0], pair[1].accuracy().gadget());
      expectCleanRejection(grafted.encode(), inputs, labels, "a gadget from another proof");
    }
    for (ModelProof proof : List.of(plain, zk)) {
      expectCleanRejection(proof.encode(), inputs, otherLabels, "other labels, same count");
    }
    ModelProof forOther =
        ModelProver.proveAccuracy(key, inputs, otherLabels, ProgressListener.NONE, true);
    assertEquals(honest, verifier.verifyAccuracy(forOther, inputs, otherLabels).correct());
    expectCleanRejection(forOther.encode(), inputs, labels, "a proof for the other labels");
    // The samples in another order, with their labels permuted alike: another statement.
    List<int[]> swapped = new ArrayList<>(List.of(inputs.get(1), inputs.get(0), inputs.get(2)));
    int[] swappedLabels = {labels[1], labels[0], labels[2]};
    expectCleanRejection(plain.encode(), swapped, swappedLabels, "the samples reordered");
  }

  /**
   * A batch proof's sample count rewritten in its header to other sizes, each verified against as
   * many inputs as it states when the verifier holds them: rejected cleanly.
   */
  @Test
  void aBatchProofsSampleCountRewrittenIsRejected() throws Exception {
    byte[] bytes = ModelProver.proveBatch(key, inputs, ProgressListener.NONE).encode();
    assertEquals(N, u32(bytes, SAMPLES_AT));
    for (int samples : new int[] {0, 1, 2, N + 1, 1 << 16, (1 << 16) + 1, -1, 1 << 31}) {
      byte[] t = bytes.clone();
      putU32(t, SAMPLES_AT, samples);
      int n = samples >= 1 && samples <= N ? samples : N;
      expectCleanBatchRejection(t, inputs.subList(0, n), "samples " + samples);
    }
  }

  /**
   * The edge sizes N = 1 (no batch variable, and in a plain proof no gadget sample variable either)
   * and N = 2 (= 2^1: no padding sample in the batch, while the zero-knowledge gadget adds sample
   * bits): honest proofs state the engine's count (sample 0 wrong, the rest right), and every other
   * count in 0..N stated with the honest witness is rejected by the relations, plain and
   * zero-knowledge.
   */
  @Test
  void edgeSizesOneAndTwoStateOnlyTheirCount() throws Exception {
    for (int n : new int[] {1, 2}) {
      List<int[]> in = inputs.subList(0, n);
      int[] y = Arrays.copyOf(labels, n);
      int count = n - 1;
      for (boolean z : new boolean[] {false, true}) {
        ModelProof p = ModelProver.proveAccuracy(key, in, y, ProgressListener.NONE, z);
        assertEquals(count, verifier.verifyAccuracy(p, in, y).correct(), "N = " + n);
        for (int c = 0; c <= n; c++) {
          if (c == count) {
            continue;
          }
          int stated = c;
          ModelProof cheat =
              CheatingProver.accuracyAlteringRun(
                  key,
                  in,
                  y,
                  z,
                  run ->
                      run.argmaxStatement =
                          new io.zkaudit.accuracy.ArgmaxCountStatement(
                              run.argmaxStatement.layout(), y, stated));
          assertEquals(stated, cheat.accuracy().correct());
          InvalidProofException e =
              expectCleanRejection(cheat.encode(), in, y, "N = " + n + ", correct " + stated);
          assertTrue(
              e.getMessage().startsWith(io.zkaudit.accuracy.Rejection.RELATIONS.text()),
              e.getMessage());
        }
      }
    }
  }

  /**
   * The gadget's sumcheck reshaped: a round with two or four values (degree 2 or 4, where the
   * composition has degree 3), one round fewer or more, three or five end values, mask values in a
   * plain proof or missing from a zero-knowledge one, the zero-knowledge mask sum or value changed.
   * The shape checks name MALFORMED; a changed mask value fails the relations or the opening. None
   * verifies, each with an InvalidProofException.
   */
  @Test
  void aReshapedGadgetSumcheckIsRejected() {
    for (ModelProof proof : List.of(plain, zk)) {
      ArgmaxCountProof g = proof.accuracy().gadget();
      io.zkaudit.sumcheck.SumcheckProof sc = g.relations();
      io.zkaudit.field.Ext2[][] rounds = sc.rounds();
      io.zkaudit.field.Ext2[] ends = sc.evaluations();
      io.zkaudit.field.Ext2 one = io.zkaudit.field.Ext2.ONE;
      List<ArgmaxCountProof> variants = new ArrayList<>();
      for (int len : new int[] {2, 4}) {
        io.zkaudit.field.Ext2[][] r = rounds.clone();
        r[1] = Arrays.copyOf(r[1], len);
        if (len == 4) {
          r[1][3] = io.zkaudit.field.Ext2.ZERO; // a degree-4 round with a zero top value
        }
        variants.add(
            new ArgmaxCountProof(new io.zkaudit.sumcheck.SumcheckProof(r, ends), g.masks()));
      }
      variants.add(
          new ArgmaxCountProof(
              new io.zkaudit.sumcheck.SumcheckProof(Arrays.copyOf(rounds, rounds.length - 1), ends),
              g.masks()));
      io.zkaudit.field.Ext2[][] more = Arrays.copyOf(rounds, rounds.length + 1);
      more[rounds.length] = rounds[0].clone();
      variants.add(
          new ArgmaxCountProof(new io.zkaudit.sumcheck.SumcheckProof(more, ends), g.masks()));
      for (int len : new int[] {ends.length - 1, ends.length + 1}) {
        io.zkaudit.field.Ext2[] e = Arrays.copyOf(ends, len);
        if (len > ends.length) {
          e[len - 1] = one;
        }
        variants.add(
            new ArgmaxCountProof(new io.zkaudit.sumcheck.SumcheckProof(rounds, e), g.masks()));
      }
      if (g.masked()) {
        variants.add(new ArgmaxCountProof(sc, new io.zkaudit.field.Ext2[0]));
        variants.add(new ArgmaxCountProof(sc, new io.zkaudit.field.Ext2[] {g.masks()[0]}));
        io.zkaudit.field.Ext2[] m = g.masks();
        variants.add(new ArgmaxCountProof(sc, new io.zkaudit.field.Ext2[] {m[0].add(one), m[1]}));
        variants.add(new ArgmaxCountProof(sc, new io.zkaudit.field.Ext2[] {m[0], m[1].add(one)}));
      } else {
        variants.add(new ArgmaxCountProof(sc, new io.zkaudit.field.Ext2[] {one, one}));
      }
      int i = 0;
      for (ArgmaxCountProof v : variants) {
        expectCleanRejection(
            withGadget(proof, v).encode(),
            inputs,
            labels,
            (proof.zeroKnowledge() ? "zk" : "plain") + " gadget variant " + i++);
      }
      assertTrue(i >= 7, i + " variants");
    }
  }

  // ---- helpers ----

  private InvalidProofException expectCleanRejection(
      byte[] bytes, List<int[]> in, int[] y, String what) {
    long start = System.nanoTime();
    try {
      ModelProof p = ModelProof.decode(bytes);
      ModelVerifier.VerifiedAccuracy v = verifier.verifyAccuracy(p, in, y);
      fail(what + ": accepted as " + v);
      return null;
    } catch (InvalidProofException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), what);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 20_000, what + ": took " + ms + " ms");
      return e;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(what + ": not an InvalidProofException but " + e, e);
    }
  }

  private void expectCleanBatchRejection(byte[] bytes, List<int[]> in, String what) {
    try {
      List<int[]> out = verifier.verifyBatch(ModelProof.decode(bytes), in);
      fail(what + ": accepted with " + out.size() + " outputs");
    } catch (InvalidProofException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), what);
    } catch (RuntimeException | Error e) {
      throw new AssertionError(what + ": not an InvalidProofException but " + e, e);
    }
  }

  private static int u32(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static void putU32(byte[] b, int at, int v) {
    ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
  }

  private static ModelProof withGadget(ModelProof p, ArgmaxCountProof gadget) {
    return p.edit().accuracy(new ModelProof.Accuracy(p.accuracy().correct(), gadget)).build();
  }
}

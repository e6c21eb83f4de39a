package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Zero-knowledge inference proofs on ResNet-8: fresh randomness per proof, the flag bound to the
 * proof, and two weight sets with the same public output both proven (the soundness tests of {@link
 * ModelProofTest} run on zero-knowledge proofs, the default).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZeroKnowledgeProofTest {
  QuantizedModel model;
  CommittedModel committed;
  int[] input;

  @BeforeAll
  void setUp() throws Exception {
    model = ResNet8.model();
    input = ResNet8.inputs(model, 1).getFirst();
    committed = ModelProver.commit(model);
  }

  @Test
  void twoProofsOfTheSameStatementDifferAndBothVerify() throws InvalidProofException {
    ModelVerifier verifier = new ModelVerifier(committed.vk());
    ModelProof a = ModelProver.prove(committed, input, ProgressListener.NONE);
    ModelProof b = ModelProver.prove(committed, input, ProgressListener.NONE);
    assertTrue(a.zeroKnowledge() && b.zeroKnowledge());
    assertArrayEquals(verifier.verify(a, input), verifier.verify(b, input));
    assertFalse(Arrays.equals(a.encode(), b.encode()));
    // The revealed values differ: the witness commitments, the lookup roots, the evaluations.
    assertNotEquals(a.witness(), b.witness());
    assertFalse(
        Arrays.equals(a.rangeEvals(), b.rangeEvals()), "range evaluations are masked by padding");
    assertFalse(Arrays.equals(a.lookups().masks(), b.lookups().masks()));
    assertNotEquals(a.linear().getFirst(), b.linear().getFirst());
  }

  @Test
  void proofsWithoutZeroKnowledgeVerifyAndTheFlagIsBound() throws InvalidProofException {
    ModelVerifier verifier = new ModelVerifier(committed.vk());
    ModelProof plain = ModelProver.prove(committed, input, ProgressListener.NONE, false);
    assertFalse(plain.zeroKnowledge());
    assertEquals(0, plain.lookups().masks().length);
    ModelProof zk = ModelProver.prove(committed, input, ProgressListener.NONE);
    assertArrayEquals(verifier.verify(plain, input), verifier.verify(zk, input));
    // The same proofs with the flag flipped (byte 8 of the encoding) are rejected, both ways.
    for (ModelProof p : new ModelProof[] {plain, zk}) {
      byte[] bytes = p.encode();
      bytes[8] ^= 1;
      assertThrows(
          InvalidProofException.class, () -> verifier.verify(ModelProof.decode(bytes), input));
    }
    // The two-proof deterministic property of a proof without zero knowledge: it is reproducible.
    assertArrayEquals(
        plain.encode(), ModelProver.prove(committed, input, ProgressListener.NONE, false).encode());
  }

  /** The test: two weight sets that give the same public output are both proven. */
  @Test
  void twoWeightSetsWithTheSameOutputBothProve() throws InvalidProofException {
    int[] expected = provenOutput(model);
    QuantizedModel other = sameOutputOtherWeights(expected);
    CommittedModel otherCommitted = ModelProver.commit(other);
    assertNotEquals(committed.vk().weights(), otherCommitted.vk().weights());
    ModelProof p = ModelProver.prove(committed, input, ProgressListener.NONE);
    ModelProof q = ModelProver.prove(otherCommitted, input, ProgressListener.NONE);
    assertArrayEquals(expected, new ModelVerifier(committed.vk()).verify(p, input));
    assertArrayEquals(expected, new ModelVerifier(otherCommitted.vk()).verify(q, input));
    // and each proof is bound to its own commitment
    assertThrows(
        InvalidProofException.class, () -> new ModelVerifier(otherCommitted.vk()).verify(p, input));
  }

  /**
   * The weight shadow is bound: another proof's shadow (with its own link and weight opening) does
   * not fit this proof's transcript, and a link or weight opening altered anywhere is rejected.
   */
  @Test
  void theWeightShadowAndItsLinkAreBound() throws InvalidProofException {
    ModelVerifier verifier = new ModelVerifier(committed.vk());
    ModelProof a = ModelProver.prove(committed, input, ProgressListener.NONE);
    ModelProof b = ModelProver.prove(committed, input, ProgressListener.NONE);
    assertNotEquals(a.shadow(), b.shadow(), "a fresh shadow per proof");
    ModelProof swapped = a.edit().shadow(b.shadow()).shadowLink(b.shadowLink()).build();
    assertThrows(
        InvalidProofException.class,
        () -> verifier.verify(swapped, input),
        "another proof's shadow");
    ModelProof otherLink = a.edit().shadowLink(b.shadowLink()).build();
    assertThrows(
        InvalidProofException.class,
        () -> verifier.verify(otherLink, input),
        "another proof's link");
    // Every byte of the link's head (row count, first rows) and a stride through the rest, then the
    // weight opening's head.
    byte[] link = a.shadowLink();
    assertTrue(link.length > 4096, "link of " + link.length + " bytes");
    int tried = 0;
    for (int pos = 0; pos < link.length; pos += pos < 256 ? 1 : 41) {
      byte[] bad = link.clone();
      bad[pos] ^= (byte) (1 << (pos % 8));
      ModelProof altered = a.edit().shadowLink(bad).build();
      int at = pos;
      assertThrows(
          InvalidProofException.class, () -> verifier.verify(altered, input), "link byte " + at);
      tried++;
    }
    assertTrue(tried > 256 + (link.length - 256) / 41 - 1);
    byte[] opening = a.opening();
    for (int pos = 0; pos < opening.length; pos += pos < 256 ? 1 : 997) {
      byte[] bad = opening.clone();
      bad[pos] ^= (byte) (1 << (pos % 8));
      ModelProof altered = a.edit().opening(bad).build();
      int at = pos;
      assertThrows(
          InvalidProofException.class,
          () -> verifier.verify(altered, input),
          "batched opening byte " + at);
    }
  }

  /**
   * The weight commitment hides: the same model committed under one hiding key is the same
   * commitment (a seller finds its model again), under another key or fresh randomness another one,
   * so nobody can recognise a known model from its commitment.
   */
  @Test
  void weightCommitmentsAreHidingAndReproducibleUnderTheirKey() {
    byte[] key = new byte[32];
    key[0] = 1;
    byte[] other = key.clone();
    other[31] = 9;
    CommittedModel k1 = ModelProver.commit(model, key);
    assertEquals(k1.vk().digest(), ModelProver.commit(model, key).vk().digest());
    assertNotEquals(k1.vk().digest(), ModelProver.commit(model, other).vk().digest());
    assertNotEquals(committed.vk().digest(), ModelProver.commit(model).vk().digest());
    assertTrue(k1.layout().hidingEntries() >= io.zkaudit.inference.WeightLayout.MIN_HIDING_ENTRIES);
    // ResNet-8's budget at 124 queries per proof (docs/zero-knowledge.md: about 63, then rotate).
    long budget =
        k1.layout().hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams());
    assertTrue(budget >= 50 && budget <= 80, "budget " + budget);
  }

  /** The tensor a proof shows: the circuit's output (the logits before any unproven final op). */
  private int[] provenOutput(QuantizedModel m) {
    return new IntegerEngine(m).trace(input).tensor(committed.circuit().outputTensor());
  }

  /**
   * ResNet-8 with one weight of the last dense layer moved by one, chosen so the logits stay the
   * same.
   */
  private QuantizedModel sameOutputOtherWeights(int[] expected) {
    var layers = model.description().layers();
    int id = -1;
    for (int l = layers.size() - 1; l >= 0 && id < 0; l--) {
      var ins = layers.get(l).inputs();
      if (ins.size() > 1 && model.constants().containsKey(ins.get(1))) {
        id = ins.get(1);
      }
    }
    int[] w = model.constants().get(id);
    for (int k = 0; k < w.length; k++) {
      Map<Integer, int[]> constants = new HashMap<>(model.constants());
      int[] changed = w.clone();
      changed[k] = changed[k] == 127 ? 126 : changed[k] + 1;
      constants.put(id, changed);
      QuantizedModel candidate = new QuantizedModel(model.description(), constants);
      if (Arrays.equals(expected, provenOutput(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError("no single weight change keeps the output");
  }

  /**
   * An ADD's constant addend is hidden: a zero-knowledge proof sends no ADD evaluation for it (from
   * which acc - S(rho) would be the addend at a point) and proves acc(rho) by a sumcheck through
   * the weight shadow instead. Both kinds of proof verify; the sumcheck is bound (every round
   * value, evaluation and mask value tampered is rejected), and so is the zero ADD evaluation. The
   * model: ResNet-8 whose first ADD adds a per-channel constant instead of its skip connection.
   */
  @Test
  void aConstantAddendIsProvenThroughTheShadow() throws InvalidProofException {
    var d = model.description();
    int at = -1;
    for (int i = 0; i < d.layers().size() && at < 0; i++) {
      if (d.layers().get(i) instanceof io.zkaudit.model.Add) {
        at = i;
      }
    }
    io.zkaudit.model.Add add = (io.zkaudit.model.Add) d.layers().get(at);
    TensorSpec b = d.tensor(add.b());
    int channels = b.shape().getLast();
    List<TensorSpec> tensors = new java.util.ArrayList<>(d.tensors());
    tensors.add(
        TensorSpec.of(
            "constant_addend",
            List.of(channels),
            b.type(),
            b.scales().getFirst(),
            b.zeroPoints().getFirst(),
            true));
    int constant = tensors.size() - 1;
    List<io.zkaudit.model.Layer> layers = new java.util.ArrayList<>(d.layers());
    layers.set(
        at,
        new io.zkaudit.model.Add(
            add.name(),
            add.a(),
            constant,
            add.output(),
            add.aZeroPoint(),
            add.bZeroPoint(),
            add.leftShift(),
            add.aMultiplier(),
            add.aShift(),
            add.bMultiplier(),
            add.bShift(),
            add.outMultiplier(),
            add.outShift(),
            add.outZeroPoint(),
            add.clampMin(),
            add.clampMax()));
    var description =
        new io.zkaudit.model.ModelDescription(
            d.name() + "-constant-add", tensors, layers, d.inputs(), d.outputs());
    java.util.Map<Integer, int[]> constants = new java.util.HashMap<>(model.constants());
    int[] addend = new int[channels];
    for (int c = 0; c < channels; c++) {
      addend[c] = (c * 37) % 200 - 100;
    }
    constants.put(constant, addend);
    QuantizedModel variant = new QuantizedModel(description, constants);
    CommittedModel cm = ModelProver.commit(variant);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] expected = new IntegerEngine(variant).trace(input).tensor(cm.circuit().outputTensor());
    ModelProof plain = ModelProver.prove(cm, input, ProgressListener.NONE, false);
    assertArrayEquals(expected, verifier.verify(plain, input));
    ModelProof zk = ModelProver.prove(cm, input, ProgressListener.NONE);
    assertArrayEquals(expected, verifier.verify(zk, input));
    assertEquals(
        plain.linear().size() + 1, zk.linear().size(), "one sumcheck for the constant addend");
    assertTrue(
        Arrays.stream(zk.addEvals()).anyMatch(Ext2::isZero), "no ADD evaluation sent for it");
    // The sumcheck's place in the layer list: after the linear layers that precede the ADD.
    int index = 0;
    for (var p : cm.circuit(true).layers()) {
      if (p instanceof io.zkaudit.layers.ModelCircuit.AddLayer a
          && (a.isConstant(0) || a.isConstant(1))) {
        break;
      }
      if (p instanceof io.zkaudit.layers.ModelCircuit.LinearLayer) {
        index++;
      }
    }
    io.zkaudit.layers.WindowedLinearProof sc = zk.linear().get(index);
    assertTrue(sc.phase1() == null && sc.masks().length == 2);
    List<io.zkaudit.layers.WindowedLinearProof> bad = new java.util.ArrayList<>();
    io.zkaudit.sumcheck.SumcheckProof p2 = sc.phase2();
    for (int r = 0; r < p2.numRounds(); r += Math.max(1, p2.numRounds() / 4)) {
      for (int k = 0; k < p2.round(r).length; k++) {
        io.zkaudit.field.Ext2[][] rounds = p2.rounds();
        rounds[r][k] = rounds[r][k].add(io.zkaudit.field.Ext2.ONE);
        bad.add(
            new io.zkaudit.layers.WindowedLinearProof(
                sc.bias(),
                null,
                new io.zkaudit.sumcheck.SumcheckProof(rounds, p2.evaluations()),
                sc.masks()));
      }
    }
    for (int k = 0; k < p2.evaluations().length; k++) {
      io.zkaudit.field.Ext2[] e = p2.evaluations();
      e[k] = e[k].add(io.zkaudit.field.Ext2.ONE);
      bad.add(
          new io.zkaudit.layers.WindowedLinearProof(
              sc.bias(), null, new io.zkaudit.sumcheck.SumcheckProof(p2.rounds(), e), sc.masks()));
    }
    for (int k = 0; k < 2; k++) {
      io.zkaudit.field.Ext2[] m = sc.masks();
      m[k] = m[k].add(io.zkaudit.field.Ext2.ONE);
      bad.add(new io.zkaudit.layers.WindowedLinearProof(sc.bias(), null, p2, m));
    }
    for (io.zkaudit.layers.WindowedLinearProof w : bad) {
      List<io.zkaudit.layers.WindowedLinearProof> linear = new java.util.ArrayList<>(zk.linear());
      linear.set(index, w);
      ModelProof altered = zk.edit().linear(linear).build();
      assertThrows(InvalidProofException.class, () -> verifier.verify(altered, input));
    }
    assertTrue(bad.size() >= 10, "tampered " + bad.size());
    // An ADD evaluation sent anyway is refused.
    io.zkaudit.field.Ext2[] adds = zk.addEvals();
    for (int k = 0; k < adds.length; k++) {
      if (adds[k].isZero()) {
        adds[k] = io.zkaudit.field.Ext2.ONE;
      }
    }
    ModelProof withEval = zk.edit().addEvals(adds).build();
    assertThrows(InvalidProofException.class, () -> verifier.verify(withEval, input));
  }
}

package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In a zero-knowledge proof every committed activation tensor (and every range witness and rescaled
 * ADD input in its layout) has padding, and every claim the verifier makes on such a column gives
 * some padding entry a nonzero weight, so the random padding masks it (docs/zero-knowledge.md,
 * technique 2). ResNet-8's tensors fill their boxes, so without the zero-knowledge circuit's extra
 * height bit its evaluations were revealed in the clear.
 */
class ZeroKnowledgePaddingTest {

  private static QuantizedModel mobilenet() throws Exception {
    return TfliteImporter.loadQuantized(Shared.require("models/mobilenet_v2_1.0_224_quant.tflite"));
  }

  /** The MNIST CNN is a float model: quantized after calibration, as the command line does. */
  private static QuantizedModel mnist() throws Exception {
    FloatModel f = TfliteImporter.loadFloat(Shared.require("models/mnist_cnn_float.tflite"));
    List<Sample> samples = Mnist.testSet(Shared.require("data/mnist"), 21);
    InputEncoder enc = new InputEncoder(f.input().shape(), 1.0, PixelRange.UNIT);
    List<float[]> cal = new ArrayList<>();
    for (int i = 1; i < samples.size(); i++) {
      cal.add(enc.real(samples.get(i).image()));
    }
    return Quantizer.quantize(f, cal, PixelRange.UNIT);
  }

  private static int[] mnistInput(QuantizedModel q) throws Exception {
    Sample s = Mnist.testSet(Shared.require("data/mnist"), 1).getFirst();
    return new InputEncoder(q.input().shapeArray(), 1.0, PixelRange.UNIT)
        .quantized(s.image(), q.input());
  }

  /**
   * Every activation layout a circuit commits or reads: layer outputs, windowed-linear inputs, the
   * model input.
   */
  private static List<TensorLayout> activationLayouts(ModelCircuit c) {
    List<TensorLayout> all = new ArrayList<>();
    all.add(InferenceStatement.inputLayout(c));
    for (ModelCircuit.ProvenLayer p : c.layers()) {
      all.add(p.outLayout());
      if (p instanceof ModelCircuit.LinearLayer l) {
        all.add(l.linear().in());
        all.add(l.linear().out());
      }
    }
    return all;
  }

  /**
   * The layout of every circuit column (outputs, range witnesses, rescaled ADD inputs); fails on an
   * unknown one.
   */
  static Map<Integer, TensorLayout> columnLayouts(ModelCircuit c) {
    Map<Integer, TensorLayout> m = new HashMap<>();
    for (ModelCircuit.ProvenLayer p : c.layers()) {
      if (p.columns().out() >= 0) {
        m.put(p.columns().out(), p.outLayout());
      }
      m.put(p.columns().c1(), p.outLayout());
      m.put(p.columns().c2(), p.outLayout());
      if (p instanceof ModelCircuit.AddLayer a) {
        for (int side = 0; side < 2; side++) {
          if (!a.isConstant(side)) {
            m.put(a.sColumn(side), p.outLayout());
          }
        }
      }
    }
    assertEquals(c.columns().size(), m.size(), "every circuit column is a tensor layout");
    for (var e : m.entrySet()) {
      assertEquals(
          c.columns().get(e.getKey()).numVars(),
          e.getValue().numVars(),
          c.columns().get(e.getKey()).name());
    }
    m.put(InferenceStatement.inputColumn(c), InferenceStatement.inputLayout(c));
    return m;
  }

  /**
   * Checks the two circuits of a model: the plain one lays tensors out as before (each dimension
   * padded to a power of two), the zero-knowledge one gives every tensor padding, adding a height
   * bit exactly where the plain layout's padding misses a residue class modulo 16 (a full box
   * misses all), and both lay the weights out alike. Returns how many activation layouts gained a
   * bit.
   */
  private static int checkCircuits(QuantizedModel model) {
    ModelCircuit plain = ModelCircuit.of(model.description());
    ModelCircuit zk = ModelCircuit.of(model.description(), true);
    assertFalse(plain.zeroKnowledge());
    assertTrue(zk.zeroKnowledge());
    // Plain layouts unchanged: what TensorLayout.of(spec) gives.
    for (ModelCircuit.ProvenLayer p : plain.layers()) {
      assertEquals(TensorLayout.of(model.description().tensor(p.layer().output())), p.outLayout());
    }
    assertEquals(
        TensorLayout.of(model.description().tensor(plain.inputTensor())),
        InferenceStatement.inputLayout(plain));
    // The zero-knowledge circuit: the same layers, columns and table, every tensor with padding.
    assertEquals(plain.layers().size(), zk.layers().size());
    assertEquals(plain.columns().size(), zk.columns().size());
    assertEquals(plain.tableRows().size(), zk.tableRows().size());
    assertEquals(plain.inputTensor(), zk.inputTensor());
    assertEquals(plain.outputTensor(), zk.outputTensor());
    List<TensorLayout> plainLayouts = activationLayouts(plain);
    List<TensorLayout> zkLayouts = activationLayouts(zk);
    int grown = 0;
    for (int i = 0; i < plainLayouts.size(); i++) {
      TensorLayout a = plainLayouts.get(i);
      TensorLayout b = zkLayouts.get(i);
      assertTrue(b.paddedSize() > b.realSize(), "zero-knowledge layout without padding: " + b);
      assertEquals(a.withPadding(), b);
      assertEquals(
          List.of(a.height(), a.width(), a.channels(), a.wBits(), a.cBits()),
          List.of(b.height(), b.width(), b.channels(), b.wBits(), b.cBits()));
      assertEquals(a.hBits() + (a.padsEveryLowClass() ? 0 : 1), b.hBits());
      assertTrue(
          b.padsEveryLowClass() || a.numVars() < TensorLayout.PADDED_CLASS_BITS,
          "every low class padded: " + b);
      grown += b.hBits() - a.hBits();
    }
    for (int k = 0; k < zk.layers().size(); k++) {
      assertEquals(plain.layers().get(k).layerIndex(), zk.layers().get(k).layerIndex());
      assertEquals(plain.layers().get(k).columns(), zk.layers().get(k).columns());
      if (zk.layers().get(k) instanceof ModelCircuit.LinearLayer l) {
        WindowedLinear pl = ((ModelCircuit.LinearLayer) plain.layers().get(k)).linear();
        assertEquals(pl.weightVars(), l.linear().weightVars(), "weights do not depend on height");
        assertEquals(pl.phase1Vars(), l.linear().phase1Vars());
      }
    }
    columnLayouts(zk);
    columnLayouts(plain);
    // One weight commitment serves both kinds of proof.
    assertEquals(WeightLayout.of(plain), WeightLayout.of(zk));
    return grown;
  }

  @Test
  void resnet8TensorsAllGainPaddingInTheZeroKnowledgeCircuit() throws Exception {
    QuantizedModel m = ResNet8.model();
    // The plain circuit has full tensors (the leak this fixes): 32x32x16 and the like.
    ModelCircuit plain = ModelCircuit.of(m.description());
    assertTrue(
        plain.layers().stream()
            .anyMatch(p -> p.outLayout().realSize() == p.outLayout().paddedSize()));
    assertTrue(checkCircuits(m) > 0);
    // The zero-knowledge circuit's activation columns are larger.
    ModelCircuit zk = ModelCircuit.of(m.description(), true);
    // Every lookup group of the zero-knowledge circuit has blinding rows (docs/zero-knowledge.md,
    // technique 4); one whose box was full has them in every residue class blinding covers (its
    // upper half is inactive). The plain circuit's full boxes have none.
    List<LookupStatement.Lookup> plainLookups = InferenceStatement.lookups(plain).lookups();
    List<LookupStatement.Lookup> zkLookups = InferenceStatement.lookups(zk).lookups();
    int full = 0;
    for (int l = 0; l < zkLookups.size(); l++) {
      for (int k = 0; k < zkLookups.get(l).groups().size(); k++) {
        LookupStatement.Group g = zkLookups.get(l).groups().get(k);
        int rows = g.blindingRows(LogUpBlinding.SUBTREE_BITS).length;
        assertTrue(rows > 0, "group " + k + " of lookup " + l + " has no blinding row");
        // Every residue class blinding covers has its row (the 10 logits too, since they gained a
        // bit).
        assertEquals(
            1 << Math.min(LogUpBlinding.SUBTREE_BITS, g.numVars()),
            rows,
            "group " + k + " of lookup " + l);
        if (plainLookups.get(l).groups().get(k).blindingRows(LogUpBlinding.SUBTREE_BITS).length
            == 0) {
          assertEquals(1 << Math.min(LogUpBlinding.SUBTREE_BITS, g.numVars()), rows);
          full++;
        }
      }
    }
    assertTrue(full > 0, "ResNet-8 has full boxes");
    int n = plain.columns().size();
    assertTrue(Arrays.stream(zkLogs(zk), 0, n).sum() > Arrays.stream(plainLogs(plain), 0, n).sum());
  }

  private static int[] plainLogs(ModelCircuit plain) {
    return InferenceStatement.witnessLogSizes(plain, InferenceStatement.lookups(plain), false);
  }

  /**
   * A zero-knowledge proof's witness columns: over the zero-knowledge circuit, with blinded
   * lookups.
   */
  private static int[] zkLogs(ModelCircuit zk) {
    return InferenceStatement.witnessLogSizes(
        zk, InferenceStatement.lookups(zk).withBlinding(), true);
  }

  @Test
  void mnistTensorsAllHavePaddingInTheZeroKnowledgeCircuit() throws Exception {
    checkCircuits(mnist());
  }

  @Test
  void mobilenetsZeroKnowledgeCircuitIsItsPlainOne() throws Exception {
    QuantizedModel m = mobilenet();
    assertEquals(0, checkCircuits(m), "every MobileNet v2 tensor is padded somewhere already");
    ModelCircuit plain = ModelCircuit.of(m.description());
    ModelCircuit zk = ModelCircuit.of(m.description(), true);
    assertEquals(plain.columns(), zk.columns());
    assertEquals(activationLayouts(plain), activationLayouts(zk));
    for (int k = 0; k < plain.layers().size(); k++) {
      if (plain.layers().get(k) instanceof ModelCircuit.LinearLayer l) {
        assertEquals(l.linear(), ((ModelCircuit.LinearLayer) zk.layers().get(k)).linear());
      }
    }
    assertEquals(
        InferenceStatement.lookups(plain).lookups().get(0).groups(),
        InferenceStatement.lookups(zk).lookups().get(0).groups());
    // The activation columns and the input are the same, and so are the masks (the same sumchecks).
    int n = plain.columns().size();
    int input = InferenceStatement.inputColumn(plain);
    assertArrayEquals(Arrays.copyOf(plainLogs(plain), n), Arrays.copyOf(zkLogs(zk), n));
    assertEquals(plainLogs(plain)[input], zkLogs(zk)[input]);
    assertEquals(
        MaskSchedule.of(plain, InferenceStatement.lookups(plain).withBlinding()),
        MaskSchedule.of(zk, InferenceStatement.lookups(zk).withBlinding()));
    assertEquals(InputCommitment.layout(plain).numVars(), InputCommitment.layout(zk).numVars());
  }

  /**
   * Whether some padding entry x of the layout has eq(point, x) != 0: then the claim's value is a
   * real part plus a nonzero combination of the column's uniform padding, so it is uniform.
   */
  private static boolean weighsPadding(TensorLayout l, Ext2[] point) {
    assertEquals(l.numVars(), point.length);
    long[] eq = Mle.eqTable(point);
    for (int x = 0; x < l.paddedSize(); x++) {
      if (!l.isReal(x) && (eq[2 * x] != 0 || eq[2 * x + 1] != 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Claims of a reduced proof on activation columns (and the input) that no padding entry masks.
   */
  private static List<String> unmaskedClaims(ModelCircuit c, ModelVerifier.Reduction r) {
    Map<Integer, TensorLayout> layouts = columnLayouts(c);
    List<String> unmasked = new ArrayList<>();
    int checked = 0;
    for (ColumnClaim claim : r.witnessClaims()) {
      TensorLayout l = layouts.get(claim.column());
      if (l == null) {
        continue; // multiplicities, the mask column: not activations
      }
      checked++;
      if (!weighsPadding(l, claim.point())) {
        String name =
            claim.column() < c.columns().size() ? c.columns().get(claim.column()).name() : "input";
        unmasked.add(name);
      }
    }
    assertTrue(checked > 3 * c.layers().size(), "only " + checked + " activation claims");
    return unmasked;
  }

  @Test
  void everyResnet8ActivationClaimOfAZeroKnowledgeProofWeighsPadding() throws Exception {
    QuantizedModel m = ResNet8.model();
    int[] input = ResNet8.inputs(m, 1).getFirst();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    ModelProof zk = ModelProver.prove(cm, input, ProgressListener.NONE);
    ModelProof plain = ModelProver.prove(cm, input, ProgressListener.NONE, false);
    int[] expected = new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor());
    assertArrayEquals(expected, verifier.verify(zk, input));
    assertArrayEquals(expected, verifier.verify(plain, input));

    assertEquals(List.of(), unmaskedClaims(verifier.circuit(true), verifier.reduce(zk, input)));
    // Without zero knowledge the circuit is the plain one, whose full tensors no padding masks:
    // the check above can fail.
    List<String> leaks = unmaskedClaims(verifier.circuit(false), verifier.reduce(plain, input));
    assertFalse(leaks.isEmpty());
    assertTrue(leaks.stream().anyMatch(n -> n.endsWith("/out")), "activations: " + leaks);
  }

  /**
   * The MNIST CNN has a constant ADD operand (a folded batch norm), proven in zero knowledge by a
   * sumcheck through the weight shadow (ConstantAddend): both kinds of proof verify, over their own
   * circuits, and agree with the integer engine.
   */
  @Test
  void mnistProvesWithAndWithoutZeroKnowledge() throws Exception {
    QuantizedModel m = mnist();
    int[] input = mnistInput(m);
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] expected = new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor());
    ModelProof plain = ModelProver.prove(cm, input, ProgressListener.NONE, false);
    assertArrayEquals(expected, verifier.verify(plain, input));
    ModelProof zk = ModelProver.prove(cm, input, ProgressListener.NONE);
    assertTrue(zk.zeroKnowledge());
    assertArrayEquals(expected, verifier.verify(zk, input));
  }

  /**
   * A verifier given the prover's circuits checks they are the key's, of the right kinds, and
   * verifies both kinds.
   */
  @Test
  void aVerifierTakesOnlyTheKeysCircuits() throws Exception {
    QuantizedModel m = ResNet8.model();
    int[] input = ResNet8.inputs(m, 1).getFirst();
    CommittedModel cm = ModelProver.commit(m);
    int[] expected = new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor());
    ModelVerifier shared = new ModelVerifier(cm.vk(), cm.circuit(false), cm.circuit(true));
    assertArrayEquals(
        expected, shared.verify(ModelProver.prove(cm, input, ProgressListener.NONE), input));
    assertArrayEquals(
        expected, shared.verify(ModelProver.prove(cm, input, ProgressListener.NONE, false), input));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new ModelVerifier(cm.vk(), cm.circuit(true), null));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> new ModelVerifier(cm.vk(), null, ModelCircuit.of(mnist().description(), true)));
  }
}

package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.Cifar10;
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
import io.zkaudit.model.QuantizedModel;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.quant.Quantizer;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In a zero-knowledge proof every committed activation tensor (and every range witness and
 * rescaled ADD input in its layout) has padding, and every claim the verifier makes on such a
 * column gives some padding entry a nonzero weight, so the random padding masks it
 * (docs/zero-knowledge.md, technique 2). ResNet-8's tensors fill their boxes, so without the
 * zero-knowledge circuit's extra height bit its evaluations were revealed in the clear.
 */
class ZeroKnowledgePaddingTest {

  private static QuantizedModel resnet8() throws Exception {
    return TfliteImporter.loadQuantized(Shared.require("models/resnet8_cifar10_int8.tflite"));
  }

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
    return new InputEncoder(q.input().shapeArray(), 1.0, PixelRange.UNIT).quantized(s.image(), q.input());
  }

  private static int[] cifarInput(QuantizedModel q) throws Exception {
    TensorSpec in = q.input();
    return new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in))
        .quantized(Cifar10.testSet(Shared.require("data/cifar10/test_batch.bin"), 1).getFirst().image(), in);
  }

  /** Every activation layout a circuit commits or reads: layer outputs, windowed-linear inputs, the model input. */
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

  /** The layout of every circuit column (outputs, range witnesses, rescaled ADD inputs); fails on an unknown one. */
  private static Map<Integer, TensorLayout> columnLayouts(ModelCircuit c) {
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
      assertEquals(c.columns().get(e.getKey()).numVars(), e.getValue().numVars(), c.columns().get(e.getKey()).name());
    }
    m.put(InferenceStatement.inputColumn(c), InferenceStatement.inputLayout(c));
    return m;
  }

  /**
   * Checks the two circuits of a model: the plain one lays tensors out as before (each dimension
   * padded to a power of two), the zero-knowledge one gives every tensor padding, adding a height
   * bit exactly where the plain layout is full, and both lay the weights out alike. Returns how
   * many activation layouts gained a bit.
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
    assertEquals(TensorLayout.of(model.description().tensor(plain.inputTensor())), InferenceStatement.inputLayout(plain));
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
      assertEquals(List.of(a.height(), a.width(), a.channels(), a.wBits(), a.cBits()),
          List.of(b.height(), b.width(), b.channels(), b.wBits(), b.cBits()));
      assertEquals(a.hBits() + (a.realSize() == a.paddedSize() ? 1 : 0), b.hBits());
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
    QuantizedModel m = resnet8();
    // The plain circuit has full tensors (the leak this fixes): 32x32x16 and the like.
    ModelCircuit plain = ModelCircuit.of(m.description());
    assertTrue(plain.layers().stream().anyMatch(p -> p.outLayout().realSize() == p.outLayout().paddedSize()));
    assertTrue(checkCircuits(m) > 0);
    // The zero-knowledge witness is larger; the plain one is what it was.
    ModelCircuit zk = ModelCircuit.of(m.description(), true);
    int[] plainLogs = InferenceStatement.witnessLogSizes(plain, InferenceStatement.lookups(plain));
    int[] zkLogs = InferenceStatement.witnessLogSizes(zk, InferenceStatement.lookups(zk));
    assertEquals(plainLogs.length + 1, zkLogs.length, "the mask column");
    assertTrue(Arrays.stream(zkLogs).sum() > Arrays.stream(plainLogs).sum());
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
    assertEquals(InferenceStatement.lookups(plain).lookups().get(0).groups(),
        InferenceStatement.lookups(zk).lookups().get(0).groups());
    // The witness is the same but for the mask column, which follows from the same sumchecks.
    int[] plainLogs = InferenceStatement.witnessLogSizes(plain, InferenceStatement.lookups(plain));
    int[] zkLogs = InferenceStatement.witnessLogSizes(zk, InferenceStatement.lookups(zk));
    assertArrayEquals(plainLogs, Arrays.copyOf(zkLogs, plainLogs.length));
    assertEquals(MaskSchedule.of(plain, InferenceStatement.lookups(plain)),
        MaskSchedule.of(zk, InferenceStatement.lookups(zk)));
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

  /** Claims of a reduced proof on activation columns (and the input) that no padding entry masks. */
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
        String name = claim.column() < c.columns().size() ? c.columns().get(claim.column()).name() : "input";
        unmasked.add(name);
      }
    }
    assertTrue(checked > 3 * c.layers().size(), "only " + checked + " activation claims");
    return unmasked;
  }

  @Test
  void everyResnet8ActivationClaimOfAZeroKnowledgeProofWeighsPadding() throws Exception {
    QuantizedModel m = resnet8();
    int[] input = cifarInput(m);
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

  @Test
  void mnistProvesWithAndWithoutZeroKnowledge() throws Exception {
    QuantizedModel m = mnist();
    int[] input = mnistInput(m);
    CommittedModel cm = ModelProver.commit(m);
    assertNotNull(cm.circuit(true));
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] expected = new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor());
    ModelProof zk = ModelProver.prove(cm, input, ProgressListener.NONE);
    ModelProof plain = ModelProver.prove(cm, input, ProgressListener.NONE, false);
    assertArrayEquals(expected, verifier.verify(zk, input));
    assertArrayEquals(expected, verifier.verify(plain, input));
    assertEquals(List.of(), unmaskedClaims(verifier.circuit(true), verifier.reduce(zk, input)));
    // A zero-knowledge proof does not verify as a plain one: the flag is in the transcript and the shapes differ.
    byte[] bytes = zk.encode();
    bytes[8] ^= 1;
    assertNotEquals(0, bytes.length);
    org.junit.jupiter.api.Assertions.assertThrows(InvalidProofException.class,
        () -> verifier.verify(ModelProof.decode(bytes), input));
    // A verifier given the prover's circuits checks they are the key's, of the right kinds.
    ModelVerifier shared = new ModelVerifier(cm.vk(), cm.circuit(false), cm.circuit(true));
    assertArrayEquals(expected, shared.verify(zk, input));
    assertArrayEquals(expected, shared.verify(plain, input));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new ModelVerifier(cm.vk(), cm.circuit(true), null));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new ModelVerifier(cm.vk(), null, ModelCircuit.of(resnet8().description(), true)));
  }
}

package io.zkaudit.prover.inference;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.InputOpening;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.ModelCircuit.AddLayer;
import io.zkaudit.layers.ModelCircuit.LinearLayer;
import io.zkaudit.layers.ModelCircuit.ProvenLayer;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The commitments a prover makes apart from its proofs: a model's weights (once per model; its
 * verifying key is the public commitment) and, for proofs about a private input, the input. Both
 * carry secret hiding randomness, derived from a hiding key when the commitment must be found
 * again, fresh otherwise (docs/zero-knowledge.md). {@link ModelProver#commit} and {@link
 * ModelProver#commitInput} are the public entry points.
 */
final class Commitments {
  private Commitments() {}

  /**
   * Commits with the hiding randomness derived from the seller's secret hiding key and the model:
   * the same key and model give the same commitment.
   */
  static CommittedModel model(QuantizedModel model, byte[] hidingKey) {
    return model(model, hidingKey, 0);
  }

  /**
   * The same at a rotation generation (docs/zero-knowledge.md, "Rotation"): generation 0 is the
   * model's first commitment (the label above, so existing keys are unchanged); generation g >= 1
   * appends g to the label, giving a commitment to the same weights whose hiding tail is
   * independent of every other generation's, yet reproducible from the hiding key and g.
   */
  static CommittedModel model(QuantizedModel model, byte[] hidingKey, int generation) {
    if (generation < 0) {
      throw new IllegalArgumentException("a rotation generation is >= 0, not " + generation);
    }
    // Layers beyond 16-bit remainders' reach are named in the description as limb roundings
    // (none in a model whose accumulators and tables fit: its key is unchanged).
    model = Provability.withLimbRoundings(model);
    ModelCircuit circuit;
    ModelCircuit zkCircuit;
    try {
      circuit = ModelCircuit.of(model.description());
      zkCircuit = ModelCircuit.of(model.description(), true);
    } catch (RuntimeException e) {
      throw new ProverException(e.getMessage());
    }
    WeightLayout layout = WeightLayout.of(circuit);
    // The commitment serves proofs with and without zero knowledge: both circuits must lay the
    // weights out alike.
    if (!WeightLayout.of(zkCircuit).equals(layout)) {
      throw new IllegalStateException(
          "the zero-knowledge circuit lays the weights out differently");
    }
    List<long[]> tables = new ArrayList<>();
    for (WeightLayout.Entry e : layout.entries()) {
      if (e.kind() == WeightLayout.Kind.HIDING) {
        tables.add(new long[1 << e.numVars()]); // filled below, with the tail
        continue;
      }
      ProvenLayer layer =
          circuit.layers().stream()
              .filter(p -> p.layerIndex() == e.layer())
              .findFirst()
              .orElseThrow();
      int[] values = model.constant(e.tensor());
      tables.add(
          switch (e.kind()) {
            case WEIGHTS -> ((LinearLayer) layer).linear().placeWeights(values);
            case BIAS -> {
              long[] t = new long[1 << e.numVars()];
              for (int c = 0; c < values.length; c++) {
                t[c] = io.zkaudit.field.Goldilocks.fromSigned(values[c]);
              }
              yield t;
            }
            case ADDEND -> {
              AddLayer a = (AddLayer) layer;
              yield InferenceWitness.addend(a, a.input(0) == e.tensor() ? 0 : 1, model);
            }
            case HIDING -> throw new IllegalStateException("handled above");
          });
    }
    // The packed polynomial's unused tail is uniform: it keeps the weight commitment's opened
    // entries (the shadow link's, docs/zero-knowledge.md) uniform, and makes the commitment of a
    // known model (a public checkpoint, say) unrecognisable. Keyed by the model too, so that two
    // models committed under one key do not share a tail (their difference would cancel it).
    ZkRandom hiding =
        hidingKey == null
            ? ZkRandom.fresh()
            : ZkRandom.derived(hidingKey, generationLabel(modelLabel(model, tables), generation));
    for (int i = 0; i < tables.size(); i++) {
      if (layout.entries().get(i).kind() == WeightLayout.Kind.HIDING) {
        hiding.fill(tables.get(i), x -> true);
      }
    }
    Committed committed =
        new BasefoldProver(InferenceStatement.pcsParams()).commit(tables, hiding::nextField);
    VerifyingKey vk = new VerifyingKey(model.description(), committed.commitment());
    return new CommittedModel(model, circuit, layout, tables, committed, vk, zkCircuit);
  }

  /** The label of a generation's hiding randomness: the model label, then (g >= 1) a tag and g. */
  static byte[] generationLabel(byte[] modelLabel, int generation) {
    if (generation == 0) {
      return modelLabel;
    }
    byte[] tag = "zkaudit/rotation-generation/v1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return java.nio.ByteBuffer.allocate(modelLabel.length + tag.length + 4)
        .put(modelLabel)
        .put(tag)
        .putInt(generation)
        .array();
  }

  /**
   * SHA-256 of the model description and its weight tables: what the hiding randomness is keyed by.
   */
  private static byte[] modelLabel(QuantizedModel model, List<long[]> tables) {
    // A digest of its own: the thread's shared one is reset by any hash computed in between.
    java.security.MessageDigest md = io.zkaudit.hash.Sha256.create();
    md.update(model.description().encode());
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * 4096);
    for (long[] t : tables) {
      for (long v : t) {
        if (!b.hasRemaining()) {
          md.update(b.array(), 0, b.position());
          b.clear();
        }
        b.putLong(v);
      }
    }
    md.update(b.array(), 0, b.position());
    return md.digest();
  }

  /**
   * Commits to an input apart from any proof, for proofs that keep it private: its table in the
   * model's input layout (the zero-knowledge circuit's: such proofs are zero-knowledge) with
   * uniform padding, and 2^16 uniform hiding entries. With a hiding key the randomness is derived
   * from it, the model and the input (the same input gives the same commitment); without, it is
   * fresh.
   */
  static CommittedInput input(CommittedModel cm, int[] input, byte[] hidingKey) {
    ZkRandom random =
        hidingKey == null
            ? ZkRandom.fresh()
            : ZkRandom.ofSeed(inputSeed(cm.vk(), input, hidingKey));
    return input(cm.circuit(true), cm.vk(), input, random);
  }

  /**
   * The seed of an input's derived hiding randomness: keyed by the hiding key, labelled by the
   * model and the input, so each (model, input) has its own stream ({@link InputSeeds}).
   */
  static byte[] inputSeed(VerifyingKey vk, int[] input, byte[] hidingKey) {
    // A digest of its own: vk.digest() and inputHash use (and reset) the thread's shared SHA-256,
    // which once dropped the label's first parts and keyed the randomness by the input alone.
    byte[] model = vk.digest().bytes();
    byte[] in = ModelVerifier.inputHash(input).bytes();
    java.security.MessageDigest md = io.zkaudit.hash.Sha256.create();
    md.update("zkaudit/input-hiding/v1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    md.update(model);
    md.update(in);
    return ZkRandom.derivedSeed(hidingKey, md.digest());
  }

  /** The input's table with its padding, and the hiding entries, drawn from random, committed. */
  static CommittedInput input(ModelCircuit circuit, VerifyingKey vk, int[] input, ZkRandom random) {
    io.zkaudit.model.TensorSpec spec = vk.description().tensor(circuit.inputTensor());
    if (input.length != spec.size()) {
      throw new ProverException(
          "the input has "
              + input.length
              + " values, the model's "
              + spec.name()
              + " has "
              + spec.size());
    }
    List<long[]> columns = InputOpening.columns(circuit, input, random);
    Committed committed = new BasefoldProver(InferenceStatement.pcsParams()).commit(columns);
    return new CommittedInput(
        new InputCommitment(committed.commitment()), input, columns.getFirst(), committed);
  }
}

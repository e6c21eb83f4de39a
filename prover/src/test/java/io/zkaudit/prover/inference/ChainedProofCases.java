package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.ProofChain;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.ModelSplit;
import io.zkaudit.prover.model.QuantizedModel;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chained proofs (docs/model-proofs.md, "Chained proofs"): a model split at a middle layer, the
 * body's proof committing its output C, the head's proof about C as its private input. For the
 * MNIST CNN and ResNet-8: the chain verifies and its output is the whole model's; a head proven on
 * another intermediate, a head proof about another commitment, a body whose committed output is not
 * its output, tampered commitment bytes and proofs of the other kind are all rejected.
 */
abstract class ChainedProofCases {
  QuantizedModel model;
  ModelSplit split;
  CommittedModel body;
  CommittedModel head;
  ModelVerifier bodyVerifier;
  ModelVerifier headVerifier;
  int[] x;
  int[] y;
  ModelProver.BodyProof bodyX;
  ModelProver.BodyProof bodyY;
  ModelProof headX;

  abstract QuantizedModel load() throws Exception;

  abstract List<int[]> inputs(QuantizedModel q) throws Exception;

  @BeforeAll
  void setUp() throws Exception {
    model = load();
    split = middle(model);
    List<int[]> in = inputs(model);
    x = in.get(0);
    y = in.get(1);
    body = ModelProver.commit(split.body());
    head = ModelProver.commit(split.head());
    bodyVerifier = new ModelVerifier(body.vk());
    headVerifier = new ModelVerifier(head.vk());
    bodyX = ModelProver.proveCommittedOutput(body, x, ProgressListener.NONE);
    bodyY = ModelProver.proveCommittedOutput(body, y, ProgressListener.NONE);
    headX = ModelProver.prove(head, bodyX.output().committed(), ProgressListener.NONE);
  }

  /**
   * The split nearest the middle layer whose parts are both provable: the boundary an 8-bit tensor
   * that alone crosses the cut, in one layout on both sides.
   */
  static ModelSplit middle(QuantizedModel q) {
    int n = q.description().layers().size();
    for (int d = 0; d < n; d++) {
      for (int at : new int[] {n / 2 + d, n / 2 - d}) {
        try {
          ModelSplit s = ModelSplit.at(q, at);
          io.zkaudit.inference.CommittedOutput.checkBoundary(
              ModelCircuit.of(s.body().description(), true),
              ModelCircuit.of(s.head().description(), true));
          return s;
        } catch (RuntimeException | InvalidProofException e) {
          // not a chain here: try the next
        }
      }
    }
    throw new AssertionError("no split point");
  }

  private int[] whole(int[] input) {
    ModelCircuit c = ModelCircuit.of(model.description(), true);
    return new IntegerEngine(model).trace(input).tensor(c.outputTensor());
  }

  private int[] intermediate(int[] input) {
    return new IntegerEngine(model).trace(input).tensor(split.boundary());
  }

  @Test
  void theChainVerifiesAndItsOutputIsTheWholeModelsOutput() throws Exception {
    ModelProof b = ModelProof.decode(bodyX.proof().encode());
    ModelProof h = ModelProof.decode(headX.encode());
    InputCommitment c = InputCommitment.decode(bodyX.output().commitment().encode());
    int[] out = ProofChain.verify(bodyVerifier, b, x, c, headVerifier, h);
    assertArrayEquals(whole(x), out);
    assertFalse(java.util.Arrays.equals(whole(x), whole(y)), "the two inputs tell apart");
    // The opening holds the body's output, which is the model's intermediate activation.
    assertArrayEquals(intermediate(x), bodyX.output().committed().values());
    // The body's proof states no output; its bytes survive a round trip.
    assertEquals(0, b.output().length);
    assertArrayEquals(bodyX.proof().encode(), b.encode());
    // The opening's file form gives the same commitment back.
    OutputOpening reopened = OutputOpening.decode(bodyX.output().encode());
    assertEquals(bodyX.output().commitment(), reopened.commitment());
  }

  @Test
  void theCommitmentHidesTheIntermediate() {
    // Two proofs of the same input commit with fresh randomness: C is not a function of the
    // activation (the same x gives another C).
    ModelProver.BodyProof again = ModelProver.proveCommittedOutput(body, x, ProgressListener.NONE);
    assertNotEquals(bodyX.output().commitment(), again.output().commitment());
    assertArrayEquals(bodyX.output().committed().values(), again.output().committed().values());
    // The committed table's padding is uniform, not zero (the hiding tail aside).
    long[] table = bodyX.output().committed().table();
    TensorLayout layout = io.zkaudit.inference.InferenceStatement.outputLayout(body.circuit(true));
    long nonzeroPadding = 0;
    for (int i = 0; i < table.length; i++) {
      if (!layout.isReal(i) && table[i] != 0) {
        nonzeroPadding++;
      }
    }
    assertTrue(nonzeroPadding > 0, "the committed output's padding is random");
  }

  @Test
  void aHeadProvenOnAnotherIntermediateIsRejected() throws Exception {
    // The head proven on y's intermediate (commitment C'), presented with x's body proof and C.
    ModelProof headY = ModelProver.prove(head, bodyY.output().committed(), ProgressListener.NONE);
    InputCommitment c = bodyX.output().commitment();
    InputCommitment cPrime = bodyY.output().commitment();
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class,
            () -> ProofChain.verify(bodyVerifier, bodyX.proof(), x, c, headVerifier, headY));
    assertTrue(e.getMessage().startsWith("the head's proof"), e.getMessage());
    // Nor with C': x's body proof is not about it.
    e =
        assertThrows(
            InvalidProofException.class,
            () -> ProofChain.verify(bodyVerifier, bodyX.proof(), x, cPrime, headVerifier, headY));
    assertTrue(e.getMessage().startsWith("the body's proof"), e.getMessage());
    // y's chain itself verifies, with y's output.
    assertArrayEquals(
        whole(y), ProofChain.verify(bodyVerifier, bodyY.proof(), y, cPrime, headVerifier, headY));
  }

  @Test
  void aHeadThatReadsAnotherIntermediateBehindTheBodysCommitmentIsRejected() {
    // The head's prover keeps C (its shadow, link and transcript are C's) but runs its layers on
    // y's intermediate: the claims on C's table do not hold.
    CommittedInput c = bodyX.output().committed();
    CommittedInput forged =
        new CommittedInput(
            c.commitment(), intermediate(y), bodyY.output().committed().table(), c.committed());
    ModelProof forgedHead = ModelProver.prove(head, forged, ProgressListener.NONE);
    assertThrows(
        InvalidProofException.class,
        () ->
            ProofChain.verify(
                bodyVerifier, bodyX.proof(), x, c.commitment(), headVerifier, forgedHead));
  }

  @Test
  void aBodyWhoseCommittedOutputIsNotItsOutputIsRejected() throws Exception {
    // 1. One real entry of the output table changed before C is made from it (the witness
    //    recomputed around it): the last layer's lookup no longer holds.
    ProofRun run =
        new ProofRun(body, new ProofRun.ProverInput.Public(x), true, ProgressListener.NONE, true);
    run.infer().witness().bindPrivateInput();
    long[] table = run.witness.activation(run.circuit, run.circuit.outputTensor());
    TensorLayout layout = io.zkaudit.inference.InferenceStatement.outputLayout(run.circuit);
    int real = 0;
    while (!layout.isReal(real)) {
      real++;
    }
    table[real] = io.zkaudit.field.Goldilocks.add(table[real], 1);
    run.commitOutput();
    ModelProof tampered = finish(run);
    InputCommitment c = run.outputOpening.commitment();
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class, () -> bodyVerifier.verifyCommittedOutput(tampered, x, c));
    assertTrue(e.getMessage().contains("lookup 0"), e.getMessage());

    // 2. An honest witness, but C committing y's intermediate: the output claims on C's shadow
    //    fail at the opening.
    ProofRun swap =
        new ProofRun(body, new ProofRun.ProverInput.Public(x), true, ProgressListener.NONE, true);
    swap.infer().witness().bindPrivateInput().commitOutput();
    swap.outputOpening = bodyY.output();
    swap.outputShadow = swap.outputShadow(swap.outputOpening);
    ModelProof swapped = finish(swap);
    InputCommitment cy = bodyY.output().commitment();
    assertThrows(
        InvalidProofException.class, () -> bodyVerifier.verifyCommittedOutput(swapped, x, cy));
  }

  /** The cheater's remaining rounds: without openings if its own reduction rejects it. */
  private static ModelProof finish(ProofRun run) {
    return CheatingProver.finish(run.blind());
  }

  @Test
  void aChainOfMismatchedCommitmentsIsRejected() throws Exception {
    // The body proof states C, the head's proof is about C': whichever C the chain is checked
    // against, one of the two fails.
    ModelProof headY = ModelProver.prove(head, bodyY.output().committed(), ProgressListener.NONE);
    for (InputCommitment c : List.of(bodyX.output().commitment(), bodyY.output().commitment())) {
      assertThrows(
          InvalidProofException.class,
          () -> ProofChain.verify(bodyVerifier, bodyX.proof(), x, c, headVerifier, headY));
    }
  }

  @Test
  void tamperedCommitmentBytesGiveAClearError() {
    byte[] bytes = bodyX.output().commitment().encode();
    byte[] magic = bytes.clone();
    magic[0] ^= 1;
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> InputCommitment.decode(magic));
    assertTrue(e.getMessage().contains("not a zkaudit input commitment"), e.getMessage());
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertThrows(InvalidProofException.class, () -> InputCommitment.decode(truncated));
    // A flipped bit of the root: a well-formed commitment, but not the one either proof is about.
    for (int i = 4; i < bytes.length; i += Math.max(1, (bytes.length - 4) / 6)) {
      byte[] flipped = bytes.clone();
      flipped[i] ^= 0x10;
      InputCommitment c;
      try {
        c = InputCommitment.decode(flipped);
      } catch (InvalidProofException refused) {
        continue;
      }
      assertThrows(
          InvalidProofException.class,
          () -> ProofChain.verify(bodyVerifier, bodyX.proof(), x, c, headVerifier, headX),
          "byte " + i);
    }
  }

  @Test
  void proofsOfTheOtherKindAreRefused() throws Exception {
    InputCommitment c = bodyX.output().commitment();
    // A committed-output proof is not a public-output proof, nor a private-input one.
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> bodyVerifier.verify(bodyX.proof(), x));
    assertTrue(e.getMessage().contains("committed"), e.getMessage());
    assertThrows(InvalidProofException.class, () -> bodyVerifier.verifyCommitted(bodyX.proof(), c));
    // A public-output proof is not a committed-output one (nor is the head's proof).
    ModelProof open = ModelProver.prove(body, x, ProgressListener.NONE);
    e =
        assertThrows(
            InvalidProofException.class, () -> bodyVerifier.verifyCommittedOutput(open, x, c));
    assertTrue(e.getMessage().contains("states its output"), e.getMessage());
    assertThrows(
        InvalidProofException.class,
        () -> ProofChain.verify(bodyVerifier, open, x, c, headVerifier, headX));
    assertThrows(
        InvalidProofException.class, () -> headVerifier.verifyCommittedOutput(headX, c, c));
    // The chain with its proofs swapped, and a head that commits its output instead of stating it.
    assertThrows(
        InvalidProofException.class,
        () -> ProofChain.verify(headVerifier, headX, x, c, bodyVerifier, bodyX.proof()));
    ModelProver.BodyProof committedHead =
        ModelProver.proveCommittedOutput(head, bodyX.output().committed(), ProgressListener.NONE);
    assertTrue(committedHead.proof().hasCommittedOutput());
    assertThrows(
        InvalidProofException.class,
        () ->
            ProofChain.verify(
                bodyVerifier, bodyX.proof(), x, c, headVerifier, committedHead.proof()));
    // That middle-link proof verifies as what it is: C in, its own committed output out.
    headVerifier.verifyCommittedOutput(
        committedHead.proof(), c, committedHead.output().commitment());
  }

  /**
   * The soundness report of a committed-output proof lists what such a proof opens beyond an
   * ordinary one: the output shadow in the batched opening (one more polynomial) and its link to C;
   * the chain is at least 100 provable bits in each part.
   */
  @Test
  void theBodysSoundnessReportHasTheOutputShadowAndItsLink() throws Exception {
    var body = bodyVerifier.committedOutputSoundness(false);
    var ordinary = bodyVerifier.soundness(true, false);
    String text = body.table();
    assertTrue(text.contains("link of the output shadow to the output commitment C"), text);
    assertFalse(ordinary.table().contains("output shadow"), ordinary.table());
    assertEquals(batched(ordinary) + 1, batched(body), text);
    assertTrue(body.bits() >= 100, text);
    assertTrue(headVerifier.soundness(true, true).bits() >= 100);
    // The proof opens what the report counts: its output shadow's link is in its bytes.
    assertTrue(bodyX.proof().sectionSizes().get("output shadow link") > 0);
  }

  /** How many polynomials a report's batched opening joins ("batched opening of K polynomials"). */
  private static int batched(io.zkaudit.soundness.SoundnessReport r) {
    return r.rounds().stream()
        .map(io.zkaudit.soundness.RoundError::protocol)
        .filter(p -> p.startsWith("batched opening of "))
        .map(p -> Integer.parseInt(p.split(" ")[3]))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCommittedOutputIsOnlyProvenInZeroKnowledge() {
    // A plain proof's sumchecks reveal the activation a committed output is there to hide.
    ProverException e =
        assertThrows(
            ProverException.class,
            () ->
                new ProofRun(
                    body, new ProofRun.ProverInput.Public(x), false, ProgressListener.NONE, true));
    assertTrue(e.getMessage().contains("zero knowledge"), e.getMessage());
  }

  @Test
  void aSplitThatIsNotAChainIsRefused() {
    int n = model.description().layers().size();
    assertThrows(ModelFormatException.class, () -> ModelSplit.at(model, 0));
    assertThrows(ModelFormatException.class, () -> ModelSplit.at(model, n));
    assertThrows(ModelFormatException.class, () -> ModelSplit.after(model, "no such layer"));
  }
}

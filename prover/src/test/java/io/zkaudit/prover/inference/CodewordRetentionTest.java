package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.prover.pcs.CodewordRetention;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.testutil.ResNet8;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A prover that releases its witness codewords after commit (a small heap) makes the same proof as
 * one that keeps them: the codewords are re-encoded, bit for bit, at the opening, each where it is
 * read and released again after (its fold, its queries); the bins' packed evaluations are released
 * with them and re-packed from the witness columns; the weights' own codeword is released too and
 * re-encoded for the shadow and the link.
 */
class CodewordRetentionTest {
  @Test
  void releasingTheCodewordsChangesNoByteOfAProof() throws Exception {
    QuantizedModel model = ResNet8.model();
    int[] input = ResNet8.inputs(model, 1).getFirst();
    CommittedModel cm = ModelProver.commit(model);

    byte[] kept = run(cm, input, false, CodewordRetention.KEEP).prove().encode();
    ProofRun released = run(cm, input, false, CodewordRetention.RELEASE);
    released.infer().witness().bindPrivateInput().blind().commit();
    for (Committed c : released.witnessCommitments) {
      assertFalse(c.holdsCodeword(), "released after commit");
      assertFalse(c.holdsEvals(), "the bin's packing released after commit");
    }
    assertFalse(cm.weights().holdsCodeword(), "the weights' codeword released after commit");
    byte[] again = released.proveLookups().proveLayers().open().encode();
    for (Committed c : released.witnessCommitments) {
      assertTrue(c.holdsEvals(), "re-packed to open");
      assertFalse(c.holdsCodeword(), "re-encoded to fold and to answer the queries, then released");
    }
    assertArrayEquals(kept, again);
  }

  @Test
  void aZeroKnowledgeProofWithReleasedCodewordsVerifies() throws Exception {
    QuantizedModel model = ResNet8.model();
    int[] input = ResNet8.inputs(model, 1).getFirst();
    CommittedModel cm = ModelProver.commit(model);
    ProofRun run = run(cm, input, true, CodewordRetention.RELEASE);
    ModelProof proof = run.prove();
    assertTrue(run.weightShadow != null && !run.weightShadow.holdsCodeword());
    assertFalse(cm.weights().holdsCodeword(), "released again after the link re-encoded it");
    int[] out = new ModelVerifier(cm.vk()).verify(ModelProof.decode(proof.encode()), input);
    assertArrayEquals(run.output, out);
    List<Committed> own = run.witnessCommitments;
    assertFalse(own.isEmpty());
  }

  private static ProofRun run(
      CommittedModel cm, int[] input, boolean zk, CodewordRetention retention) {
    ProofRun run =
        new ProofRun(cm, new ProofRun.ProverInput.Public(input), zk, ProgressListener.NONE);
    run.codewords = retention;
    return run;
  }
}

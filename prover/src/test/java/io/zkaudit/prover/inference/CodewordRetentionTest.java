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
 * one that keeps them: the codewords are re-encoded, bit for bit, at the opening.
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
    }
    byte[] again = released.proveLookups().proveLayers().open().encode();
    assertTrue(released.witnessCommitments.getFirst().holdsCodeword(), "re-encoded to open");
    assertArrayEquals(kept, again);
  }

  @Test
  void aZeroKnowledgeProofWithReleasedCodewordsVerifies() throws Exception {
    QuantizedModel model = ResNet8.model();
    int[] input = ResNet8.inputs(model, 1).getFirst();
    CommittedModel cm = ModelProver.commit(model);
    ProofRun run = run(cm, input, true, CodewordRetention.RELEASE);
    ModelProof proof = run.prove();
    assertTrue(run.weightShadow != null && run.weightShadow.holdsCodeword());
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

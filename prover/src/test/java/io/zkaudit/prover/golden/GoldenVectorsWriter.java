package io.zkaudit.prover.golden;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Writes the golden proof vectors the verifier module tests itself with
 * (verifier/src/test/resources/golden, read by GoldenProofTest): a verifying key, a proof with and
 * without zero knowledge, the input and the output, for a model small enough to keep in git.
 *
 * <p>Run only when asked, after a proof format change: {@code mvn -o verify
 * -Dtest=GoldenVectorsWriter -Dzkaudit.golden.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
 * Proofs are randomized (zero knowledge), so a rewrite changes the bytes; what must not change
 * without a format version is that the verifier accepts them.
 */
class GoldenVectorsWriter {
  private static final Path DIR = Path.of("../verifier/src/test/resources/golden");

  @Test
  void write() throws IOException {
    Assumptions.assumeTrue(
        Boolean.getBoolean("zkaudit.golden.write"), "writes only with -Dzkaudit.golden.write=true");
    QuantizedModel model = TinyModels.smallDense();
    CommittedModel cm = ModelProver.commit(model);
    int[] input = new int[16];
    for (int i = 0; i < input.length; i++) {
      input[i] = (i * 37) % 256 - 128;
    }
    Files.createDirectories(DIR);
    Files.write(DIR.resolve("tiny-dense.vk"), cm.vk().encode());
    Files.writeString(DIR.resolve("tiny-dense.input"), join(input) + "\n");
    for (boolean zk : new boolean[] {true, false}) {
      ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, zk);
      String name = "tiny-dense" + (zk ? "-zk" : "-plain");
      Files.write(DIR.resolve(name + ".proof"), proof.encode());
      Files.writeString(DIR.resolve("tiny-dense.output"), join(proof.output()) + "\n");
    }
  }

  private static String join(int[] values) {
    return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(" "));
  }
}

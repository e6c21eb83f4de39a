package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.InputOpening;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Opening a keyed input commitment with its seed (ResNet-8, no proofs): the seed and the input
 * rebuild exactly the prover's commitment; another seed, another input or another model does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputSeedsTest {
  final byte[] key =
      "a 32-byte hiding key for tests!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  CommittedModel committed;
  int[] a;
  int[] b;

  @BeforeAll
  void setUp() throws Exception {
    QuantizedModel model = ResNet8.model();
    List<int[]> test = ResNet8.inputs(model, 2);
    a = test.get(0);
    b = test.get(1);
    committed = ModelProver.commit(model);
  }

  @Test
  void theSeedAndTheInputRebuildTheKeyedCommitment() {
    InputCommitment expected = ModelProver.commitInput(committed, a, key).commitment();
    byte[] seed = InputSeeds.seed(committed, a, key);
    assertEquals(ZkRandom.SEED_BYTES, seed.length);
    assertEquals(expected, InputSeeds.commitment(committed.vk(), a, seed));
    assertEquals(
        expected,
        InputSeeds.commit(committed, a, seed).commitment(),
        "the prover's side, from the seed");
    assertEquals(expected.digest(), InputSeeds.commitment(committed.vk(), a, seed).digest());
    assertEquals(
        expected,
        InputOpening.commitment(committed.vk(), a, seed),
        "the verifier's side (a buyer)");
  }

  @Test
  void aWrongSeedOrTensorGivesAnotherCommitment() {
    InputCommitment expected = ModelProver.commitInput(committed, a, key).commitment();
    byte[] seed = InputSeeds.seed(committed, a, key);
    byte[] wrong = seed.clone();
    wrong[0] ^= 1;
    assertNotEquals(
        expected.digest(),
        InputSeeds.commitment(committed.vk(), a, wrong).digest(),
        "a wrong seed");
    assertNotEquals(
        expected.digest(),
        InputSeeds.commitment(committed.vk(), b, seed).digest(),
        "another tensor");
    int[] a1 = a.clone();
    a1[a1.length - 1] ^= 1;
    assertNotEquals(
        expected.digest(),
        InputSeeds.commitment(committed.vk(), a1, seed).digest(),
        "one value changed");
    // b's own seed opens b's commitment, not a's.
    byte[] seedB = InputSeeds.seed(committed, b, key);
    assertNotEquals(expected.digest(), InputSeeds.commitment(committed.vk(), b, seedB).digest());
    assertEquals(
        ModelProver.commitInput(committed, b, key).commitment(),
        InputSeeds.commitment(committed.vk(), b, seedB));
    assertThrows(
        IllegalArgumentException.class,
        () -> InputSeeds.commitment(committed.vk(), a, new byte[8]));
    assertThrows(
        ProverException.class, () -> InputSeeds.commitment(committed.vk(), new int[3], seed));
    assertThrows(
        IllegalArgumentException.class,
        () -> InputOpening.commitment(committed.vk(), a, new byte[8]));
    assertThrows(
        IllegalArgumentException.class,
        () -> InputOpening.commitment(committed.vk(), new int[3], seed));
  }

  @Test
  void seedsDependOnTheKeyAndTheModel() {
    byte[] other = key.clone();
    other[0] ^= 1;
    assertNotEquals(
        java.util.HexFormat.of().formatHex(InputSeeds.seed(committed, a, key)),
        java.util.HexFormat.of().formatHex(InputSeeds.seed(committed, a, other)));
    CommittedModel again =
        ModelProver.commit(committed.model()); // fresh weight hiding: another verifying key
    assertNotEquals(committed.vk().digest(), again.vk().digest(), "fresh weight hiding");
    assertNotEquals(
        java.util.HexFormat.of().formatHex(InputSeeds.seed(committed, a, key)),
        java.util.HexFormat.of().formatHex(InputSeeds.seed(again, a, key)));
  }
}

package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.RotationLink;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.pcs.Opened;
import io.zkaudit.prover.pcs.ShadowLinks;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rotation links on ResNet-8: an honest rotation verifies and the new key proves inferences; links
 * between different weights (one bias entry changed), links replayed for other keys, links whose
 * shadow is not the difference, and every tampered section are rejected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RotationLinkTest {
  final byte[] key =
      "a 32-byte hiding key for tests!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  QuantizedModel model;
  CommittedModel gen0;
  CommittedModel gen1;
  RotationLink link;

  @BeforeAll
  void setUp() throws Exception {
    model = ResNet8.model();
    gen0 = ModelProver.commit(model, key);
    RotationLinks.Rotation r = RotationLinks.rotate(gen0, key, 1);
    gen1 = r.committed();
    link = r.link();
  }

  @Test
  void anHonestRotationVerifiesAndTheNewKeyProves() throws Exception {
    assertNotEquals(gen0.vk().digest(), gen1.vk().digest(), "a rotation is a new commitment");
    assertEquals(
        gen0.vk().digest(),
        ModelProver.commit(model, key, 0).vk().digest(),
        "generation 0 is the plain commitment");
    assertEquals(
        gen1.vk().digest(),
        ModelProver.commit(model, key, 1).vk().digest(),
        "a generation is reproducible");
    link.verify(gen0.vk(), gen1.vk());
    RotationLink decoded = RotationLink.decode(link.encode());
    assertEquals(link, decoded);
    decoded.verify(gen0.vk(), gen1.vk());
    int[] input = ResNet8.inputs(model, 1).getFirst();
    assertArrayEquals(
        new ModelVerifier(gen0.vk())
            .verify(ModelProver.prove(gen0, input, ProgressListener.NONE), input),
        new ModelVerifier(gen1.vk())
            .verify(ModelProver.prove(gen1, input, ProgressListener.NONE), input));
  }

  @Test
  void twoLinksForTheSameKeysDiffer() throws Exception {
    RotationLink again = RotationLinks.prove(gen0, gen1, 1);
    again.verify(gen0.vk(), gen1.vk());
    assertNotEquals(link.shadow(), again.shadow(), "each link draws a fresh mask");
    assertFalse(java.util.Arrays.equals(link.opening(), again.opening()));
  }

  @Test
  void aLinkBetweenWeightsThatDifferInOneBiasEntryIsRejected() throws Exception {
    CommittedModel other = ModelProver.commit(withOneBiasEntryChanged(), key, 1);
    ProverException honest =
        assertThrows(ProverException.class, () -> RotationLinks.prove(gen0, other, 1));
    assertTrue(honest.getMessage().contains("different weights"), honest.getMessage());
    RotationLink cheat = RotationLinks.proveUnchecked(gen0, other, 1, ZkRandom.fresh());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> cheat.verify(gen0.vk(), other.vk()));
    assertTrue(e.getMessage().contains("rotation link opening"), e.getMessage());
  }

  @Test
  void aShadowThatIsNotTheDifferenceIsRejected() throws Exception {
    // The cheater commits the shadow of W_old - W_old (zero everywhere: every zero claim holds)
    // and opens the rows of the real W_old and of a W_new with one bias entry changed.
    CommittedModel other = ModelProver.commit(withOneBiasEntryChanged(), key, 1);
    BasefoldProver pcs = new BasefoldProver(RotationLink.params());
    Committed zero =
        pcs.commitDifferenceShadow(gen0.weights(), gen0.weights(), ZkRandom.fresh()::nextField);
    Transcript t = RotationLink.transcript(gen0.vk(), other.vk(), 1);
    zero.commitment().absorb(t);
    List<ColumnClaim> claims = RotationLink.zeroClaims(gen0.layout(), t);
    Opened opened = pcs.openColumnsWithLeaves(zero, claims, t);
    RotationLink cheat =
        new RotationLink(
            gen0.vk().digest(),
            other.vk().digest(),
            1,
            zero.commitment(),
            opened.proof().encode(),
            ShadowLinks.prove(pcs.params(), gen0.weights(), opened.leaves()),
            ShadowLinks.prove(pcs.params(), other.weights(), opened.leaves()));
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> cheat.verify(gen0.vk(), other.vk()));
    assertTrue(e.getMessage().contains("difference link"), e.getMessage());
  }

  @Test
  void aLinkReplayedForOtherKeysIsRejected() throws Exception {
    CommittedModel gen2 = ModelProver.commit(model, key, 2);
    assertThrows(InvalidProofException.class, () -> link.verify(gen0.vk(), gen2.vk()));
    assertThrows(InvalidProofException.class, () -> link.verify(gen1.vk(), gen0.vk()));
    assertThrows(InvalidProofException.class, () -> link.verify(gen0.vk(), gen0.vk()));
    // Relabelled to name the other keys, it passes the name check and fails Fiat–Shamir.
    RotationLink relabelled =
        new RotationLink(
            gen0.vk().digest(),
            gen2.vk().digest(),
            2,
            link.shadow(),
            link.opening(),
            link.oldRows(),
            link.newRows());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> relabelled.verify(gen0.vk(), gen2.vk()));
    assertTrue(
        e.getMessage().startsWith("rotation link opening")
            || e.getMessage().startsWith("difference link"),
        e.getMessage());
    // The same link under another generation number: bound too.
    RotationLink regenerated =
        new RotationLink(
            link.oldModel(),
            link.newModel(),
            5,
            link.shadow(),
            link.opening(),
            link.oldRows(),
            link.newRows());
    assertThrows(InvalidProofException.class, () -> regenerated.verify(gen0.vk(), gen1.vk()));
  }

  @Test
  void keysOfAnotherModelAreRejected() throws Exception {
    VerifyingKey other = new VerifyingKey(otherDescription(), gen1.vk().weights());
    RotationLink named =
        new RotationLink(
            gen0.vk().digest(),
            other.digest(),
            1,
            link.shadow(),
            link.opening(),
            link.oldRows(),
            link.newRows());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> named.verify(gen0.vk(), other));
    assertTrue(e.getMessage().contains("different models"), e.getMessage());
  }

  @Test
  void everyTamperedSectionIsRejected() throws Exception {
    byte[] good = link.encode();
    int header = 4 + 4 + 32 + 32 + 4;
    int shadowEnd = header + 33;
    int openingLength = link.opening().length;
    int openingEnd = shadowEnd + 4 + openingLength;
    int oldRowsEnd = openingEnd + link.oldRows().encodedSize();
    List<Integer> offsets =
        new ArrayList<>(List.of(0, 5, 8, 40, 72, 75, header, header + 31, header + 32));
    for (int k = 0; k < 24; k++) {
      offsets.add(shadowEnd + 4 + (int) ((long) k * openingLength / 24));
    }
    for (int k = 0; k < 8; k++) {
      offsets.add(openingEnd + 4 + k * (link.oldRows().encodedSize() - 4) / 8);
      offsets.add(oldRowsEnd + 4 + k * (link.newRows().encodedSize() - 4) / 8);
    }
    offsets.add(good.length - 1);
    Map<Integer, String> accepted = new HashMap<>();
    for (int at : offsets) {
      byte[] bad = good.clone();
      bad[at] ^= 0x01;
      try {
        RotationLink.decode(bad).verify(gen0.vk(), gen1.vk());
        accepted.put(at, "accepted");
      } catch (InvalidProofException expected) {
        // rejected, as it must be
      }
    }
    assertEquals(Map.of(), accepted, "tampered links that verified (offset -> result)");
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(InvalidProofException.class, () -> RotationLink.decode(longer));
    assertThrows(
        InvalidProofException.class,
        () -> RotationLink.decode(java.util.Arrays.copyOf(good, good.length - 1)));
  }

  @Test
  void theLinkSpendsOneProofOfEachBudget() {
    // What the link opens of each weight commitment: at most one leaf per query, as a proof's
    // shadow link.
    int n = gen0.weights().numVars();
    int perLeaf = 1 << RotationLink.params().arities(n)[0];
    assertTrue(link.oldRows().rows().length <= RotationLink.params().queries() * perLeaf);
    assertTrue(link.newRows().rows().length <= RotationLink.params().queries() * perLeaf);
    assertTrue(gen0.layout().hiddenProofs(RotationLink.params()) > 1);
  }

  /** The model with one bias entry incremented (or decremented at the type's maximum). */
  private QuantizedModel withOneBiasEntryChanged() {
    WeightLayout.Entry bias =
        gen0.layout().entries().stream()
            .filter(e -> e.kind() == WeightLayout.Kind.BIAS)
            .findFirst()
            .orElseThrow();
    Map<Integer, int[]> constants = new HashMap<>(model.constants());
    int[] values = constants.get(bias.tensor()).clone();
    int max = model.description().tensor(bias.tensor()).type().max();
    values[3] = values[3] == max ? values[3] - 1 : values[3] + 1;
    constants.put(bias.tensor(), values);
    return new QuantizedModel(model.description(), constants);
  }

  private io.zkaudit.model.ModelDescription otherDescription() throws Exception {
    return io.zkaudit.tflite.TfliteImporter.loadQuantized(
            io.zkaudit.testutil.Shared.require("models/mobilenet_v2_1.0_224_quant.tflite"))
        .description();
  }
}
